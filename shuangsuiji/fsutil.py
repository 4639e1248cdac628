"""Writing files so that a crash leaves either the old bytes or the new ones, never a mix."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_temporary(target: Path, content: bytes) -> Path:
    """``content`` synced to disk in a new hidden file beside ``target``, with ``target``'s permissions."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
        os.chmod(name, mode)  # mkstemp makes 0600 files; keep what the bureau's file had
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path``, sync it, then rename it over ``path``."""
    write_all_atomic({path: data})


def write_all_atomic(contents: Mapping[Path, bytes]) -> None:
    """Several files at once: every temporary file is written before any is renamed into place."""
    temporary: list[tuple[Path, Path]] = []
    try:
        for target, content in contents.items():
            temporary.append((write_temporary(target, content), target))
        for name, target in temporary:
            os.replace(name, target)
    finally:
        for name, _ in temporary:
            name.unlink(missing_ok=True)
