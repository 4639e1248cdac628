"""Where each file of a bureau's repository lives (SPEC §2), as repo-relative POSIX paths."""

from __future__ import annotations

BUREAU = "data/bureau.yaml"
SECTIONS = "data/sections.yaml"
DUTIES = "data/duties.yaml"
CHECKLIST = "data/checklist.yaml"
ENTITIES_DIR = "data/entities"
INSPECTORS = "data/inspectors.yaml"
CREDIT = "data/credit.yaml"
REPORTS_DIR = "data/reports"
EVIDENCE_DIR = "data/evidence"
LEDGER_DIR = "data/ledger"
BUREAU_LEDGER = "data/ledger/bureau.jsonl"
PLANS_DIR = "plans"
STATE_DIR = ".ssj"


def plan_path(year: int) -> str:
    """``plans/<year>.yaml``."""
    return f"{PLANS_DIR}/{year}.yaml"


def ledger_path(section_id: str) -> str:
    """``data/ledger/<section id>.jsonl``."""
    return f"{LEDGER_DIR}/{section_id}.jsonl"
