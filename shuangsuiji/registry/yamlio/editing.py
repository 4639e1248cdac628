"""Editing YAML files in round-trip mode, so that the bureau's comments, order and quotes survive."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from shuangsuiji.errors import InputError
from shuangsuiji.registry.yamlio.reading import decode, parse


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
