"""Content-addressed id lists (SPEC §5): ``lists/<sha256>.json`` is the RFC 8785 form of a sorted array of
ids, named by the SHA-256 of its bytes; a record refers to a list by that digest. Equal lists are one file."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import OrderedDict

from shuangsuiji.core.canonical import canonical
from shuangsuiji.core.text import is_hex64

LISTS_DIR = "lists"
#: a population list at province scale is a few MB; anything beyond this is refused unread
MAX_LIST_BYTES = 256 * 1024 * 1024
_LIST_NAME = re.compile(r"([0-9a-f]{64})\.json")


class ListError(ValueError):
    """A list file that is missing, misnamed or not the canonical sorted array its name promises."""


def list_bytes(ids) -> bytes:
    """The bytes of the list file of ``ids``: the RFC 8785 form of the sorted, unique ids."""
    return canonical(sorted(set(ids)))


def list_digest(ids) -> str:
    """The name (without ``.json``) of the list file of ``ids``."""
    return hashlib.sha256(list_bytes(ids)).hexdigest()


def list_name(digest: str) -> str:
    """``<digest>.json``."""
    return f"{digest}.json"


def parse_list(digest: str, data: bytes) -> list:
    """The ids of a list file whose name is ``digest``; refuses a file that is not what its name says."""
    if hashlib.sha256(data).hexdigest() != digest:
        raise ListError(f"名单文件 {list_name(digest)} 的 SHA-256 与文件名不符（文件被改动过）")
    try:
        ids = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ListError(f"名单文件 {list_name(digest)} 不是有效的 JSON") from None
    if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
        raise ListError(f"名单文件 {list_name(digest)} 应为编号（字符串）数组")
    if any(not a < b for a, b in zip(ids, ids[1:])):
        raise ListError(f"名单文件 {list_name(digest)} 中的编号未排序或有重复")
    if canonical(ids) != data:
        raise ListError(f"名单文件 {list_name(digest)} 不是 RFC 8785 规范形式")
    return ids


class ListFolder:
    """The list files of one folder, read on demand; the last few parsed lists are kept (draws share them)."""

    def __init__(self, folder: str, keep: int = 4) -> None:
        self.folder = folder
        self.keep = keep
        self._cache: OrderedDict = OrderedDict()
        #: every digest asked for (and so checked, with its problem reported where it was cited)
        self.asked: set = set()

    def path(self, digest: str) -> str:
        return os.path.join(self.folder, list_name(digest))

    def get(self, digest) -> list:
        """The ids of list ``digest``; :class:`ListError` when it is missing or broken."""
        if not is_hex64(digest):
            raise ListError(f"名单摘要 {digest!r} 不是 64 位小写十六进制")
        self.asked.add(digest)
        if digest in self._cache:
            self._cache.move_to_end(digest)
            return self._cache[digest]
        path = self.path(digest)
        if os.path.islink(path):
            raise ListError(f"名单文件 {list_name(digest)} 是符号链接，不予读取")
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_LIST_BYTES + 1)
        except OSError:
            raise ListError(f"缺少名单文件 {LISTS_DIR}/{list_name(digest)}") from None
        if len(data) > MAX_LIST_BYTES:
            raise ListError(f"名单文件 {list_name(digest)} 过大")
        ids = parse_list(digest, data)
        self._cache[digest] = ids
        while len(self._cache) > self.keep:
            self._cache.popitem(last=False)
        return ids

    def check_the_rest(self) -> list:
        """``[(path, message)]`` for the files no record asked for: each must still be what its name says (SPEC
        §5: list files match their names), and nothing else belongs in the folder. Hidden files (an interrupted
        write's ``.<name>.tmp``) are left alone here; a bundle refuses them as odd files."""
        if not os.path.isdir(self.folder):
            return []
        problems = []
        for name in sorted(os.listdir(self.folder)):
            match = _LIST_NAME.fullmatch(name)
            if name.startswith(".") or (match and match.group(1) in self.asked):
                continue
            path = os.path.join(self.folder, name)
            if match is None or os.path.islink(path) or not os.path.isfile(path):
                problems.append((path, "不是名单文件：名单文件夹中只应有名为 <SHA-256>.json 的普通文件"))
                continue
            try:
                self.get(match.group(1))
            except ListError as error:
                problems.append((path, f"{error}（没有记录引用这个文件）"))
        return problems
