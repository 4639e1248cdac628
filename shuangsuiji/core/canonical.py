"""Canonical JSON (RFC 8785) and the digests built on it.

ssj writes with the same canonicaliser the public verifier (``kit/verify.py``) checks with: a standard-
library implementation of RFC 8785 for the data the ledger holds (no floats). The tests hold it to the
``rfc8785`` package byte for byte; it is also three times faster on a province-scale draw record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from shuangsuiji.kit import verify as kit


def jsonable(value: Any) -> Any:
    """Plain JSON data from YAML data: dates become ISO strings, Decimals their decimal string."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)  # an unquoted 0.1 in a plan: digested as the literal that was typed
    return value


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 serialisation of ``value`` (UTF-8, keys sorted by UTF-16 code units)."""
    return kit.canonical(value)


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    """SHA-256 hex of the canonical form of ``value``."""
    return sha256_hex(canonical_json(jsonable(value)))


def id_list_digest(ids: list[str]) -> str:
    """Digest of a population or inspector pool: SHA-256 of the RFC 8785 form of the sorted ids."""
    return digest(sorted(ids))
