"""Reading the bureau's YAML fast and safely (libyaml through ruamel.yaml.clib, no position marks).

Hostile input is refused before it can hurt (alias bombs, deep nesting, tags); when a problem needs a
line number, the text is composed again with marks, lazily (:class:`LineFinder`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from shuangsuiji.errors import InputError

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


_LEADING_ZERO = re.compile(r"^[+-]?0[0-9]+$")


class _LenientDates(SafeConstructor):
    """Keeps what a clerk wrote where YAML would quietly change it.

    ``2026-13-01`` (date-shaped, but no date) stays text, so the schema reports it with its field and line;
    an unquoted number with a leading zero (a 工号 ``0012``, a 执法证号 ``041048…``) stays text too, instead of
    losing its zeros as the integer 12.
    """

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:  # ruamel raises a bare ValueError (month must be in 1..12) with no position
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: Any) -> Any:
        text = self.construct_scalar(node)
        if isinstance(text, str) and _LEADING_ZERO.match(text.replace("_", "")):
            return text
        return super().construct_yaml_int(node)


_LenientDates.add_constructor("tag:yaml.org,2002:timestamp", _LenientDates.construct_yaml_timestamp)
_LenientDates.add_constructor("tag:yaml.org,2002:int", _LenientDates.construct_yaml_int)


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


