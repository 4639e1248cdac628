"""Read-only views of a bureau's files: the working tree, or the tree of one git commit."""

from __future__ import annotations

import subprocess
from collections import OrderedDict
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
    """Trees and blobs of one repository through one long-lived ``git cat-file --batch`` (a handful of git
    processes per run, whatever the history holds). Trees are memoised by id; the last few blobs are kept."""

    def __init__(self, root: Path, keep_blobs: int = 16) -> None:
        self.root = root
        self._batch: subprocess.Popen[bytes] | None = None
        self._trees: dict[str, list[tuple[str, str, str]]] = {}
        self._blobs: OrderedDict[str, bytes] = OrderedDict()
        self._keep = keep_blobs

    def tree(self, commit: str, *folders: str, skip: tuple[str, ...] = ()) -> dict[str, str]:
        """``{path: blob id}`` of every file under ``folders`` at ``commit`` (folders under ``skip`` left out)."""
        entries: dict[str, str] = {}
        for folder in folders:
            found = self._object(f"{commit}:{folder}")
            if found is not None and found[0] == "tree":
                self._walk(found[2], folder, entries, skip)
        return entries

    def _walk(self, tree_id: str, prefix: str, entries: dict[str, str], skip: tuple[str, ...]) -> None:
        for mode, name, object_id in self._tree_entries(tree_id):
            path = f"{prefix}/{name}"
            if mode == "40000":
                if path not in skip:
                    self._walk(object_id, path, entries, skip)
            elif not mode.startswith("160"):  # a submodule is not a file
                entries[path] = object_id

    def _tree_entries(self, tree_id: str) -> list[tuple[str, str, str]]:
        if tree_id not in self._trees:
            found = self._object(tree_id)
            data = found[1] if found is not None else b""
            parsed, position = [], 0
            while position < len(data):
                space = data.index(b" ", position)
                nul = data.index(b"\0", space)
                mode, name = data[position:space].decode(), data[space + 1:nul].decode("utf-8", errors="surrogateescape")
                parsed.append((mode, name, data[nul + 1:nul + 21].hex()))
                position = nul + 21
            self._trees[tree_id] = parsed
        return self._trees[tree_id]

    def blob(self, blob_id: str) -> bytes:
        """The content of one blob."""
        if blob_id in self._blobs:
            self._blobs.move_to_end(blob_id)
            return self._blobs[blob_id]
        found = self._object(blob_id)
        if found is None:
            raise KeyError(f"git 中没有对象 {blob_id}")
        self._blobs[blob_id] = found[1]
        while len(self._blobs) > self._keep:
            self._blobs.popitem(last=False)
        return found[1]

    def _object(self, name: str) -> tuple[str, bytes, str] | None:
        """(type, content, id) of a git object named by id or ``<rev>:<path>``; None when there is none."""
        if self._batch is None:
            self._batch = subprocess.Popen(["git", "-c", "core.quotepath=off", "cat-file", "--batch"], cwd=self.root,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(name.encode("utf-8") + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            return None
        data = self._batch.stdout.read(int(header[2]))
        self._batch.stdout.read(1)  # the newline after each object
        return header[1].decode(), data, header[0].decode()

    def close(self) -> None:
        """Stop the batch process."""
        if self._batch is not None:
            self._batch.communicate()
            self._batch = None


class GitTree:
    """The files of one commit (used to re-check old draws against the data they were drawn from)."""

    def __init__(self, objects: GitObjects, commit: str, *folders: str, skip: tuple[str, ...] = ()) -> None:
        self.objects = objects
        self.entries = objects.tree(commit, *folders, skip=skip)

    def read(self, path: str) -> bytes | None:
        blob = self.entries.get(path)
        return self.objects.blob(blob) if blob is not None else None

    def list(self, folder: str, suffix: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        return sorted(p for p in self.entries if p.startswith(prefix) and p.endswith(suffix))
