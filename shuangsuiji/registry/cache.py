"""A cache of validated files keyed by their content, so an unchanged registry loads in a blink.

Entries live in ``.ssj/cache`` (git-ignored), are written only by ssj and are keyed by the file's path, the SHA-256 of
its raw bytes and the schema code (package version and a digest of ``models/``); a stale or unreadable entry is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from shuangsuiji import __version__


class ModelCache:
    """Pickled validated models under ``folder``; every failure just means a miss."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / f"models-{__version__}-{_schema_fingerprint()}"

    def _path(self, source: str, digest: str) -> Path:
        return self.folder / f"{_slot(source)}-{digest}.pickle"

    def get(self, source: str, digest: str) -> Any | None:
        """The cached model of file ``source`` with this content digest, or None."""
        try:
            with self._path(source, digest).open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # a missing, truncated or foreign entry is simply a miss
            return None

    def put(self, source: str, digest: str, value: Any) -> None:
        """Store ``value`` and drop older entries of the same file; a read-only disk only costs speed."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for old in self.folder.glob(f"{_slot(source)}-*.pickle"):
                old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(source, digest))
        except OSError:
            return


@functools.cache
def _schema_fingerprint() -> str:
    """A digest of the code that validates: an edited schema (same version) must never be served old pickles,
    which would lack its new fields."""
    registry = Path(__file__).parent
    digest = hashlib.sha256()
    try:
        for source in sorted([*registry.glob("models/*.py"), registry.parent / "core" / "ratio.py"]):
            digest.update(source.name.encode("utf-8") + b"\0" + source.read_bytes())
    except OSError:
        return "unknown"
    return digest.hexdigest()[:12]


def _slot(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
