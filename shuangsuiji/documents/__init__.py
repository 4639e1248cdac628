"""抽查文书 (第十八条, SPEC §9): numbered, printable documents for one company of one draw, recorded in the ledger."""
