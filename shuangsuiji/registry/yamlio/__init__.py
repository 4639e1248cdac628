"""YAML in and out: the only package that imports ruamel.yaml.

``reading`` parses the bureau's files fast and safely; ``editing`` changes files the tool writes (import,
credit, approvals, reports) in round-trip mode so comments and order survive.
"""

from __future__ import annotations

from shuangsuiji.registry.yamlio.editing import (
    block_list,
    dump_round_trip,
    emit_items,
    load_round_trip,
    new_mapping,
    quoted,
    remove_item,
    round_trip,
    set_key,
)
from shuangsuiji.registry.yamlio.reading import (
    ALIAS_EXPANSION_LIMIT,
    MAX_DEPTH,
    LineFinder,
    decode,
    load,
    parse,
)

__all__ = [
    "ALIAS_EXPANSION_LIMIT", "MAX_DEPTH", "LineFinder", "block_list", "decode", "dump_round_trip", "emit_items",
    "load", "load_round_trip", "new_mapping", "parse", "quoted", "remove_item", "round_trip", "set_key",
]
