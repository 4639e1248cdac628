"""The verification kit: ``verify.py`` is copied verbatim into every disclosure bundle (standard library only)."""
