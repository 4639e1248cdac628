"""Read-only views of a bureau's files: the working tree, or the tree of one git commit."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Protocol


class Files(Protocol):
    """Where the loader reads from; paths are repo-relative POSIX strings."""

    def read(self, path: str) -> bytes | None:
        """The raw bytes of ``path``, or None when it does not exist."""
        ...

    def list(self, folder: str, suffix: str) -> list[str]:
        """Files inside ``folder`` (at any depth) whose name ends with ``suffix``, sorted."""
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
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob(f"*{suffix}") if p.is_file())


class GitObjects:
    """Blobs and trees of one repository through one long-lived ``git cat-file --batch``; blobs memoised."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._batch: subprocess.Popen[bytes] | None = None
        self._blobs: dict[str, bytes] = {}

    def tree(self, commit: str, *folders: str) -> dict[str, str]:
        """``{path: blob id}`` of every file under ``folders`` at ``commit``."""
        listing = subprocess.run(
            ["git", "-c", "core.quotepath=off", "ls-tree", "-r", "-z", commit, "--", *folders],
            cwd=self.root, capture_output=True, check=True,
        ).stdout.decode("utf-8")
        entries = {}
        for entry in filter(None, listing.split("\0")):
            meta, path = entry.split("\t", 1)
            kind, blob = meta.split()[1:3]
            if kind == "blob":
                entries[path] = blob
        return entries

    def blob(self, blob_id: str) -> bytes:
        """The content of one blob."""
        if blob_id not in self._blobs:
            self._blobs[blob_id] = self._read(blob_id)
        return self._blobs[blob_id]

    def _read(self, blob_id: str) -> bytes:
        if self._batch is None:
            self._batch = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.root,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(blob_id.encode() + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) < 3:
            raise KeyError(f"git 中没有对象 {blob_id}")
        size = int(header[2])
        data = self._batch.stdout.read(size)
        self._batch.stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        """Stop the batch process."""
        if self._batch is not None:
            self._batch.communicate()
            self._batch = None


class GitTree:
    """The files of one commit (used to re-check old draws against the data they were drawn from)."""

    def __init__(self, objects: GitObjects, commit: str, *folders: str) -> None:
        self.objects = objects
        self.entries = objects.tree(commit, *folders)

    def read(self, path: str) -> bytes | None:
        blob = self.entries.get(path)
        return self.objects.blob(blob) if blob is not None else None

    def list(self, folder: str, suffix: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        return sorted(p for p in self.entries if p.startswith(prefix) and p.endswith(suffix))
