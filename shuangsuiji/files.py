"""Read-only views of a bureau's files: the working tree, or the tree of one git commit."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath
from typing import Protocol


class Files(Protocol):
    """Where the loader reads from; paths are repo-relative POSIX strings."""

    def read(self, path: str) -> bytes | None:
        """The raw bytes of ``path``, or None when it does not exist."""
        ...

    def list(self, folder: str, suffix: str) -> list[str]:
        """Files directly or indirectly inside ``folder`` whose name ends with ``suffix``, sorted."""
        ...


class WorkingTree:
    """The files on disk below ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> bytes | None:
        try:
            return (self.root / path).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def list(self, folder: str, suffix: str) -> list[str]:
        base = self.root / folder
        if not base.is_dir():
            return []
        found = (p for p in base.rglob(f"*{suffix}") if p.is_file())
        return sorted(PurePosixPath(p.relative_to(self.root).as_posix()).as_posix() for p in found)


class GitTree:
    """The files of one commit, read through ``git cat-file`` (used to re-check old draws)."""

    def __init__(self, root: Path, commit: str) -> None:
        self.root = root
        self.commit = commit
        listing = _git(root, "ls-tree", "-r", "-z", "--name-only", commit).decode("utf-8")
        self._paths = sorted(p for p in listing.split("\0") if p)

    def read(self, path: str) -> bytes | None:
        if path not in self._paths:
            return None
        return _git(self.root, "cat-file", "blob", f"{self.commit}:{path}")

    def list(self, folder: str, suffix: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        return [p for p in self._paths if p.startswith(prefix) and p.endswith(suffix)]


def _git(root: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True, check=True
    ).stdout
