"""Canonical JSON (RFC 8785) and the digests built on it."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import rfc8785


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
    return value


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 serialisation of ``value`` (UTF-8, keys sorted by UTF-16 code units)."""
    return rfc8785.dumps(value)


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    """SHA-256 hex of the canonical form of ``value``."""
    return sha256_hex(canonical_json(jsonable(value)))


def id_list_digest(ids: list[str]) -> str:
    """Digest of a population or inspector pool: SHA-256 of the RFC 8785 form of the sorted ids."""
    return digest(sorted(ids))
