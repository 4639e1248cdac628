"""The bundle's file list (SPEC §6): ``manifest.json`` = ``{"files": {"<relative path>": "<sha256 hex>"}}``."""

from __future__ import annotations

import hashlib
import os
import unicodedata

from shuangsuiji.core.chain import strict_json
from shuangsuiji.core.text import is_hex64

MANIFEST = "manifest.json"


def file_sha256(path: str) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def files_under(folder: str, skip_hidden: bool) -> dict:
    """{NFC relative POSIX path: real path} of every file below ``folder``."""
    found = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not (skip_hidden and name.startswith(".")))
        for name in files:
            real = os.path.join(root, name)
            relative = os.path.relpath(real, folder).replace(os.sep, "/")
            found[unicodedata.normalize("NFC", relative)] = real
    return found


def verify_manifest(folder) -> list:
    """Check ``FOLDER/manifest.json``: ``[(relative_path, message), …]`` (empty when everything holds).

    The manifest is ``{"files": {"relative/posix/path": "sha256 hex"}}`` and lists every file of the
    folder except ``manifest.json`` itself (the bundle's zip lies beside the folder, not in it: a ``.zip``
    inside the folder is an unlisted file like any other). Each listed file's SHA-256 is checked;
    files present but not listed, and listed but missing, are reported.
    """
    folder = os.fspath(folder)
    problems: list = []
    try:
        with open(os.path.join(folder, MANIFEST), "rb") as handle:
            manifest = strict_json(handle.read().decode("utf-8-sig"))
    except (OSError, ValueError) as error:
        return [(MANIFEST, f"无法读取文件清单（{error}）")]
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict):
        return [(MANIFEST, "文件清单格式不对：应为 {\"files\": {路径: SHA-256}}")]
    present = files_under(folder, skip_hidden=False)
    present.pop(MANIFEST, None)
    listed_nfc = set()
    for path in sorted(listed):
        expected = listed[path]
        key = unicodedata.normalize("NFC", path)
        listed_nfc.add(key)
        parts = key.split("/")
        if key.startswith("/") or "\\" in key or any(part in ("", ".", "..") for part in parts):
            problems.append((path, "清单中的路径不合规（应为文件夹内的相对路径，用 / 分隔）"))
            continue
        if not is_hex64(expected):
            problems.append((path, "清单中的 SHA-256 不是 64 位小写十六进制"))
            continue
        real = present.get(key)
        if real is None:
            problems.append((path, "清单中列出的文件不存在"))
            continue
        if file_sha256(real) != expected:
            problems.append((path, "文件的 SHA-256 与清单不符（文件被改动过）"))
    for path in sorted(present):
        if path not in listed_nfc:
            problems.append((path, "文件不在清单（manifest.json）里"))
    return problems
