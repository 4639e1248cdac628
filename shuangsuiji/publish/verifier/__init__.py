"""The verifier shipped in every bundle: its command line, its builder, and the built ``verify.py``."""
