"""YAML in and out: the only module that imports ruamel.yaml.

Reading is fast (libyaml via ruamel.yaml.clib, no position marks); when a problem needs a line
number, the file is composed again with marks, lazily. Files the tool edits are read and written in
round-trip mode so the bureau's comments and order survive.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .errors import InputError

#: Deeper nesting than this is refused before libyaml's recursive composer can overflow the C stack.
MAX_DEPTH = 500

#: A document may grow by at most this many nodes through aliases (billion-laughs guard, SPEC §7).
ALIAS_EXPANSION_LIMIT = 10_000

_RESAVE = "请用记事本或 WPS 打开后“另存为”，编码选 UTF-8，再重试"


def decode(label: str, data: bytes) -> str:
    """UTF-8 text of a YAML file (a BOM and CRLF are fine); any other encoding gets a clear refusal."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:2]:  # UTF-16, with or without its BOM
        raise InputError(label, None, f"文件是 UTF-16 编码，ssj 只读 UTF-8：{_RESAVE}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        guess = "（看起来是 GBK/GB18030）" if _looks_gb18030(data) else "，也不是 GBK/GB18030"
        raise InputError(label, line, f"文件不是 UTF-8 编码{guess}：{_RESAVE}") from None
    return text


def _looks_gb18030(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


class _LenientDates(SafeConstructor):
    """Reads ``2026-13-01`` (date-shaped, but no date) as text, so the schema reports it with its field and line."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:  # ruamel raises a bare ValueError (month must be in 1..12) with no position
            return self.construct_scalar(node)


_LenientDates.add_constructor("tag:yaml.org,2002:timestamp", _LenientDates.construct_yaml_timestamp)


class _FixedVersionResolver(VersionedResolver):
    """The resolver libyaml's parser ends up with anyway, minus a failed attribute lookup per scalar.

    ruamel asks for the YAML version once per scalar; with the C parser that first tries a missing
    ``_scanner`` and falls back to the loader's version — millions of caught exceptions at province scale.
    """

    @property
    def processing_version(self) -> Any:
        return self._loader_version or (1, 2)


def _safe_yaml() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    yaml.Resolver = _FixedVersionResolver
    yaml.Constructor = _LenientDates
    yaml.allow_duplicate_keys = False
    return yaml


def parse(label: str, text: str) -> Any:
    """Parse YAML text with the C-backed safe loader; refuse syntax errors and alias bombs."""
    _refuse_deep_nesting(label, text)
    try:
        data = _safe_yaml().load(text)
    except MarkedYAMLError as exc:
        raise _syntax_error(label, exc, text) from None
    except ReaderError as exc:  # a control character, often pasted in from Excel
        line = text.encode("utf-8")[: exc.position].count(b"\n") + 1  # libyaml counts bytes, not characters
        raise InputError(label, line, f"有不允许的控制字符（U+{exc.character:04X}）：请删去这个看不见的字符后重试") from None
    except YAMLError as exc:
        raise InputError(label, None, f"YAML 格式错误：{exc}") from None
    except RecursionError:
        raise InputError(label, None, "YAML 嵌套层数过深，拒绝读取") from None
    except (ValueError, KeyError, TypeError, OverflowError):  # !!int abc, !!bool maybe, a 5000-digit number
        raise InputError(label, None, "有无法读取的值（如 !!int 等标签，或位数过多的数字）：请删去标签，长数字请加引号") from None
    if "&" in text and "*" in text:
        _refuse_alias_bombs(label, data)
    if "?" in text:  # only the explicit-key syntax (? [a, b]) makes keys that are not plain text or numbers
        _refuse_complex_keys(label, data)
    return data


def _refuse_complex_keys(label: str, data: Any) -> None:
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(not isinstance(key, (str, int, float, bool)) and key is not None for key in node):
                raise InputError(label, None, "YAML 的键必须是文字（不能用“? ”写列表或映射作键）：请改成普通的“键: 值”")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _refuse_deep_nesting(label: str, text: str) -> None:
    """Walk the event stream of texts that could nest deeply (a cheap bound first)."""
    # A nested block collection is indented further at least every second level ("- - -", "? ? ?",
    # "key:\n- …"), so block depth is bounded by the longest line; flow depth by the brackets.
    longest = max((len(line) for line in text.splitlines()), default=0)
    if 2 * (longest + 1) + text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    try:
        for event in _safe_yaml().parse(text):
            name = type(event).__name__
            if name in ("SequenceStartEvent", "MappingStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise InputError(label, line, f"YAML 嵌套超过 {MAX_DEPTH} 层，拒绝读取")
            elif name in ("SequenceEndEvent", "MappingEndEvent"):
                depth -= 1
    except MarkedYAMLError as exc:
        raise _syntax_error(label, exc, text) from None


def _syntax_error(label: str, exc: MarkedYAMLError, text: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    column = f"第 {mark.column + 1} 列，" if mark is not None else ""
    problem = (exc.problem or exc.context or "").strip()
    if "tab character" in problem or (mark is not None and text[mark.index : mark.index + 1] == "\t"):
        return InputError(label, line, f"{column}用了 Tab 键缩进：YAML 只能用空格缩进，请把 Tab 换成空格")
    if "duplicate key" in str(exc) or "found duplicate key" in problem:
        key = re.search(r'duplicate key "(.*?)" with value', problem)
        named = f"键“{key.group(1)}”" if key else "同一个键"
        return InputError(label, line, f"{column}{named}写了两次，请删去重复的一行")
    if "constructor for the tag" in problem:
        return InputError(label, line, f"{column}不允许使用 YAML 标签（如 !!python/…）：请删去它")
    said = f"{exc.context or ''} {exc.problem or ''}"
    for phrase, at_start, words in _PROBLEMS:
        if phrase in said:
            where = exc.context_mark if at_start and exc.context_mark is not None else mark
            line = where.line + 1 if where is not None else None
            column = f"（第 {where.column + 1} 列）" if where is not None else ""
            return InputError(label, line, f"YAML 语法错误{column}：{words}")
    hint = "常见原因：缩进不一致、冒号后缺空格、引号没有闭合、用了全角标点"
    return InputError(label, line, f"YAML 语法错误（{column}{problem}）。{hint}")


#: libyaml's usual complaints, in words a clerk can act on; ``at_start``: point at where the construct began
#: (an unclosed quote is noticed only at the end of the file).
_PROBLEMS = (
    ("while scanning a quoted scalar", True, "引号没有闭合：请在值的末尾补上同样的引号"),
    ("did not find expected ',' or ']'", True, "方括号 [ ] 没有闭合，或各项之间缺英文逗号"),
    ("did not find expected ',' or '}'", True, "花括号 { } 没有闭合，或各项之间缺英文逗号"),
    ("mapping values are not allowed", False,
     "这里不应出现冒号：值里有冒号时请给整个值加引号；也请检查这一行和上一行的缩进，以及冒号后是否有空格、是否用了全角“：”"),
    ("did not find expected key", False, "缩进没有对齐：同一层的键要左对齐（也请检查上一行的引号）"),
    ("did not find expected '-' indicator", False, "这里应是列表的下一项“- ”：同一列表的各项要左对齐，列表后面的键要少缩进一层"),
    ("could not find expected ':'", True, "这一行缺少冒号：应写成“键: 值”（英文冒号，冒号后有空格）"),
    ("found another document", False, "一个文件只能有一份内容：请删去“---”分隔行，把内容合并"),
    ("found character that cannot start any token", False, "值不能以这个字符开头（如 @ ` %）：请给整个值加上引号"),
    ("found undefined alias", False, "用了没有定义过的别名（*名称）"),
)


def _refuse_alias_bombs(label: str, data: Any) -> None:
    """Aliases share objects; count what they would expand to and refuse cycles and bombs."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        children = list(node.values()) if isinstance(node, dict) else node
        if done:
            in_progress.discard(key)
            sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in children)
            continue
        if key in sizes:
            continue
        if key in in_progress:
            raise InputError(label, None, "YAML 中有循环引用的别名（&/*），拒绝读取")
        in_progress.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if isinstance(c, (dict, list)) and id(c) not in sizes)
    expanded = sizes.get(id(data), 1)
    if expanded - len(sizes) > ALIAS_EXPANSION_LIMIT:
        raise InputError(label, None, f"YAML 别名（&/*）展开后过大（超过 {ALIAS_EXPANSION_LIMIT} 个节点），拒绝读取")


def load(label: str, data: bytes) -> Any:
    """Decode and parse the raw bytes of one YAML file."""
    return parse(label, decode(label, data))


class LineFinder:
    """Finds the 1-based line of a path such as ``("entities", 41, "id")`` in one YAML text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: Node | None = None

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """Line of the deepest node along ``loc`` that exists (the key's line for mappings)."""
        if self._root is None:
            try:
                self._root = _safe_yaml().compose(self._text)
            except YAMLError:
                return None
        node, line = self._root, None
        for part in loc:
            if node is None:
                break
            node, found = _step(node, part)
            line = found if found is not None else line
        return line


def _step(node: Node, part: str | int) -> tuple[Node | None, int | None]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if str(key.value) == str(part):
                return value, key.start_mark.line + 1
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        child = node.value[part]
        return child, child.start_mark.line + 1
    return None, None


def round_trip() -> YAML:
    """A round-trip YAML instance in the house layout (2-space maps, dashed lists indented)."""
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.preserve_quotes = True  # an untouched "91410482…" stays quoted, so a load-dump cycle changes no byte
    return yaml


def load_round_trip(label: str, data: bytes) -> Any:
    """Load a file for editing, keeping comments and order."""
    text = decode(label, data)
    parse(label, text)  # same refusals as a normal read
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # ruamel keeps a CR inside comments: mixed line ends
    try:
        return round_trip().load(text)
    except ValueError:  # a date-shaped value that is no date (2026-13-01): the safe read let it through as text
        raise InputError(label, None, "文件中有不存在的日期（如 2026-13-01）：请先运行 ssj check 找到并改正") from None


def dump_round_trip(document: Any) -> bytes:
    """Serialise an edited document as UTF-8 with LF line ends."""
    buffer = io.StringIO()
    round_trip().dump(document, buffer)
    return buffer.getvalue().encode("utf-8")


def dump_plain(document: Any) -> bytes:
    """Serialise plain data (new files) in the house layout."""
    return dump_round_trip(document)


# -- editing registries (ssj import) ---------------------------------------------------------------


def quoted(text: str) -> str:
    """A string that round-trip dumping writes in double quotes (ids, phone and certificate numbers)."""
    return DoubleQuotedScalarString(text)


def new_mapping(pairs: Iterable[tuple[str, Any]]) -> Any:
    """A new round-trip mapping (a record to append to a loaded document)."""
    return CommentedMap(pairs)


def block_list(document: Any, key: str) -> Any:
    """The list under ``key`` of a loaded document, in block style so that items can be appended."""
    items = document.get(key)
    if not isinstance(items, CommentedSeq):
        items = document[key] = CommentedSeq(items or [])
    items.fa.set_block_style()
    return items


def set_key(mapping: Any, key: str, value: Any, position: int) -> None:
    """Set ``key`` of a loaded mapping; a new key goes to ``position``.

    Comment lines after a record belong, for the reader, to the next record (``# 安全监管二股``), but
    ruamel keeps them on the record's last key: a key appended at the end takes them over, so they stay
    below the record instead of landing inside it.
    """
    if key in mapping:
        mapping[key] = value
        return
    if position < len(mapping):
        mapping.insert(position, key, value)
        return
    trailing = _detach_trailing(mapping)
    mapping[key] = value
    if trailing is not None:
        mapping.ca.items[key] = [None, None, trailing, None]


def remove_item(items: Any, index: int) -> Any:
    """Remove and return ``items[index]``; comment lines below it stay in place (on the item before)."""
    trailing = _detach_trailing(items[index])
    item = items.pop(index)
    if trailing is not None and index > 0:
        _attach_trailing(items[index - 1], trailing)
    return item


def _trailing_slot(node: Any) -> tuple[dict[Any, Any], Any, int] | None:
    """Where ruamel keeps the comment printed after the last line of ``node``: (ca.items, key, slot)."""
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node):
        key = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        slot = 2 if isinstance(node, CommentedMap) else 0
        entry = node.ca.items.get(key)
        if entry and entry[slot] is not None:
            return node.ca.items, key, slot
        node = node[key]
    return None


def _detach_trailing(node: Any) -> Any:
    """Cut the whole comment lines after ``node`` off it (an end-of-line comment stays) and return them."""
    found = _trailing_slot(node)
    if found is None:
        return None
    table, key, slot = found
    token = table[key][slot]
    eol, newline, rest = token.value.partition("\n")
    if not rest.strip():
        return None
    moved = copy.copy(token)
    moved.value = "\n" + rest
    if eol.strip():
        token.value = eol + newline
    else:
        table[key][slot] = None
    return moved


def _attach_trailing(node: Any, token: Any) -> None:
    found = _trailing_slot(node)
    if found is None:
        if isinstance(node, CommentedMap) and len(node):
            node.ca.items.setdefault(next(reversed(node)), [None, None, None, None])[2] = token
        return
    table, key, slot = found
    table[key][slot].value = table[key][slot].value.rstrip("\n") + token.value


#: Plain (unquoted) only when a YAML 1.2 reader cannot take the text for anything but a string:
#: it starts with a non-ASCII character (汝州市…), and holds no ``:``, ``#``, control or line-break characters.
_ODD = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff"
_PLAIN_TEXT = re.compile(rf"^[^\x00-\x7f\s{_ODD}](?:[^:#{_ODD}]*[^\s:#{_ODD}])?$")
_PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_RESERVED_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}
_UNPRINTABLE = re.compile(f"[{_ODD}]")


def _scalar(value: Any, force_quotes: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    plain = _PLAIN_TEXT.match(text) or (_PLAIN_WORD.match(text) and text.lower() not in _RESERVED_WORDS)
    if plain and not force_quotes:
        return text
    escaped = json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML double-quoted scalars
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", escaped)


def emit_items(records: Iterable[Mapping[str, Any]], quote: frozenset[str] = frozenset()) -> str:
    """Flat records as block-list items in the house layout, for appending after a dumped document.

    Dumping through ruamel costs about half a millisecond per record; an import of 100 000 new rows
    writes them here instead. Values are strings, booleans or dates; keys in ``quote`` get double quotes.
    """
    lines = []
    for record in records:
        lead = "  - "
        for key, value in record.items():
            lines.append(f"{lead}{key}: {_scalar(value, key in quote)}\n")
            lead = "    "
    return "".join(lines)
