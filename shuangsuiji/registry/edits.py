"""Changes to the registry files (``data/entities/*.yaml``, ``data/inspectors.yaml``), made in place.

Updated records keep their file, position and comments; only the fields a sheet gave are touched.
New records go to the end of their file. Every changed file is written to a temporary file first and
only then are they all moved into place, so a failure leaves every file as it was. An entity file whose
companies all moved to other files is deleted: a file without entities is an error (``Dataset.hollow``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from shuangsuiji.registry import yamlio
from shuangsuiji.registry.commits import write_files

_ENTITY_HEADER = """\
# 监管对象名录库：{name}（《细则》第六条；由 ssj import 新建）
# id: 统一社会信用代码；name: 单位名称；specialty: 行业类别；address: 地址；township: 乡镇/街道
# risk: 风险等级（A–D，尚未评定的不写）；key: 重点监管（true 为重点监管单位，不写即否）
# status: 经营状态（在营/停业/注销/吊销）；legal_rep: 法定代表人（不公开）；phone: 联系电话（不公开）
entities: []
"""

_INSPECTOR_HEADER = """\
# 执法检查人员名录库（《细则》第六条；由 ssj import 新建）
# id: 工号；name: 姓名；section: 所属科室（见 sections.yaml）；cert_no: 执法证号；cert_expires: 执法证有效期至
# active: 在岗；conflicts: 申报回避（entity: 回避单位的统一社会信用代码；reason: 回避原因，不公开）
# phone: 联系电话（不公开）；id_card: 身份证号（不公开）
inspectors: []
"""

COUNTS = ("added", "updated", "unchanged", "moved_out")


@dataclass(frozen=True)
class Existing:
    """A record already in the registry: the record, its file and its position in that file's list."""

    record: Any
    path: str
    position: int


@dataclass(frozen=True)
class _Update:
    old: Existing
    record: BaseModel
    given: tuple[str, ...]
    target: str | None = None  # set when the record moves to another file


class RegistryChanges:
    """The changes one import makes, file by file; :meth:`render` turns them into new file contents."""

    def __init__(self, root: Path, key: str, model: type[BaseModel], quote: frozenset[str],
                 omit_default: frozenset[str]) -> None:
        self.root = root
        self.key = key
        self.model = model
        self.quote = quote
        self.omit_default = omit_default
        self.order = {name: n for n, name in enumerate(model.model_fields)}
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
        self._updates: dict[str, list[_Update]] = defaultdict(list)
        self._added: dict[str, list[BaseModel]] = defaultdict(list)

    # -- planning ----------------------------------------------------------------------------------

    def add(self, path: str, record: BaseModel) -> None:
        """A new record at the end of ``path``."""
        self._added[path].append(record)
        self.counts[path]["added"] += 1

    def keep(self, path: str) -> None:
        """A record the sheet repeats without any change."""
        self.counts[path]["unchanged"] += 1

    def update(self, old: Existing, record: BaseModel, given: tuple[str, ...]) -> None:
        """Changed fields of a record, in place."""
        self._updates[old.path].append(_Update(old, record, given))
        self.counts[old.path]["updated"] += 1

    def move(self, old: Existing, target: str, record: BaseModel, given: tuple[str, ...]) -> None:
        """A record that leaves its file for the end of ``target`` (its comments go with it)."""
        self._updates[old.path].append(_Update(old, record, given, target))
        self.counts[old.path]["moved_out"] += 1
        self.counts[target]["updated"] += 1

    # -- rendering ---------------------------------------------------------------------------------

    def render(self) -> dict[str, bytes | None]:
        """The new bytes of every file that changes (UTF-8, LF), by repo-relative path; None for a file to delete."""
        documents: dict[str, Any] = {}
        originals: dict[str, bytes] = {}

        def document(path: str) -> Any:
            if path not in documents:
                file = self.root / path
                originals[path] = file.read_bytes() if file.exists() else b""
                loaded = yamlio.load_round_trip(path, originals[path]) if originals[path].strip() else None
                # a missing or empty file (or one with comments only) starts from the standard header
                documents[path] = loaded if loaded is not None else yamlio.load_round_trip(path, self._header(path))
            return documents[path]

        arriving: dict[str, list[Any]] = defaultdict(list)
        for path, updates in self._updates.items():
            items = document(path)[self.key]
            leaving = []
            for change in sorted(updates, key=lambda u: -u.old.position):  # removals must not shift the rest
                self._apply(items[change.old.position], change)
                if change.target is not None:
                    leaving.append((change.target, yamlio.remove_item(items, change.old.position)))
            for target, item in reversed(leaving):
                arriving[target].append(item)
        tails: dict[str, list[dict[str, Any]]] = {}
        for path in {*arriving, *self._added}:
            items = yamlio.block_list(document(path), self.key)
            items.extend(arriving.get(path, []))
            new = [self._plain(record) for record in self._added.get(path, [])]
            if new and not len(items):  # an empty list is written “[]”: the first item goes through ruamel
                items.append(self._mapping(new.pop(0)))
            tails[path] = new
        rendered: dict[str, bytes | None] = {}
        for path, doc in documents.items():
            if self.key == "entities" and not len(doc[self.key]) and not tails.get(path):
                rendered[path] = None  # every company moved out: an empty file would be a hollow one
                continue
            content = yamlio.dump_round_trip(doc) + yamlio.emit_items(tails.get(path, []), self.quote).encode("utf-8")
            if content != originals[path]:
                rendered[path] = content
        return rendered

    def _header(self, path: str) -> bytes:
        if self.key == "inspectors":
            return _INSPECTOR_HEADER.encode("utf-8")
        return _ENTITY_HEADER.format(name=Path(path).stem).encode("utf-8")

    def _apply(self, mapping: Any, change: _Update) -> None:
        """Write the fields the sheet gave that differ, each at its place in schema order."""
        for name in change.given:
            value = getattr(change.record, name)
            if value == getattr(change.old.record, name):
                continue  # untouched, so its quoting and comments stay exactly as they were
            position = sum(1 for key in mapping if self.order.get(key, -1) < self.order[name])
            yamlio.set_key(mapping, name, self._value(name, value), position)

    def _value(self, name: str, value: Any) -> Any:
        return yamlio.quoted(value) if name in self.quote and isinstance(value, str) else value

    def _plain(self, record: BaseModel) -> dict[str, Any]:
        """A new record as written: schema order, nothing empty, no ``key: false``."""
        plain = {}
        for name, info in self.model.model_fields.items():
            value = getattr(record, name)
            if value is None or value == [] or (name in self.omit_default and value == info.default):
                continue
            plain[name] = value
        return plain

    def _mapping(self, plain: dict[str, Any]) -> Any:
        return yamlio.new_mapping((name, self._value(name, value)) for name, value in plain.items())

    # -- writing -----------------------------------------------------------------------------------

    def write(self, files: dict[str, bytes | None]) -> None:
        """Write every file to a temporary file beside it first, then move them all into place; then delete those
        left without records."""
        write_files(self.root, files)
