"""Pydantic validation errors translated, once, into messages a bureau clerk can act on."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

Loc = tuple[str | int, ...]


def translate(error: ErrorDetails, model: type[BaseModel]) -> str:
    """One Chinese sentence for one pydantic error."""
    loc = error["loc"]
    key = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
    title = field_title(model, loc)
    name = f"{key}（{title}）" if title and key and title != key else (title or key or "此项")
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx", {})
    if kind == "missing":
        return f"缺少必填字段 {name}"
    if kind == "extra_forbidden":
        allowed = "、".join(allowed_keys(model, loc[:-1]))
        return f"未知字段 {key}：请检查拼写（这里允许的字段：{allowed}）"
    if kind in ("value_error", "assertion_error"):
        detail = str(ctx.get("error", error["msg"]))
        return detail if (title and title in detail) or not (title or key) else f"{name}：{detail}"
    if value is None and kind.endswith("_type"):  # "name:" with nothing after the colon
        return f"{name}没有填写：冒号后面是空的（不需要这一项就删去整行）"
    if kind.startswith("date_") and isinstance(value, (int, float)) and not isinstance(value, bool):
        kind = "date_type"  # 20291231 unquoted is read as seconds since 1970: say "a date", not "no time of day"
    if kind == "too_short" and isinstance(value, str):
        kind = "string_too_short"
    if kind == "string_pattern_mismatch":
        return f"{name}的值“{_show(value)}”格式不对（{_PATTERNS.get(str(ctx.get('pattern')), '不符合规定的格式')}）"
    if kind == "literal_error":
        ctx = {"expected": "、".join(part.strip(" '") for part in str(ctx.get("expected", "")).replace(" or ", ", ").split(","))}
    message = _MESSAGES.get(kind)
    if message is not None:
        return f"{name}{message.format(value=_show(value), **{k: _show(v) for k, v in ctx.items()})}"
    return f"{name} 的值“{_show(value)}”无效（{error['msg']}）"


_MESSAGES = {
    "literal_error": "的值“{value}”不允许，可选：{expected}",
    "bool_type": "应为 true 或 false，而不是“{value}”",
    "bool_parsing": "应为 true 或 false，而不是“{value}”",
    "string_type": "应为文字，而不是“{value}”",
    "int_type": "应为整数，而不是“{value}”",
    "int_parsing": "应为整数，而不是“{value}”",
    "int_from_float": "应为整数，而不是“{value}”",
    "decimal_parsing": "应为数字，而不是“{value}”",
    "decimal_type": "应为数字，而不是“{value}”",
    "date_type": "应为日期（格式如 2026-12-01），而不是“{value}”",
    "date_parsing": "应为日期（格式如 2026-12-01），而不是“{value}”",
    "date_from_datetime_parsing": "应为日期（格式如 2026-12-01），而不是“{value}”",
    "date_from_datetime_inexact": "应为日期（不带时间），而不是“{value}”",
    "list_type": "应为列表（每项一行，以“- ”开头）",
    "model_type": "应为若干“键: 值”组成的一组字段",
    "model_attributes_type": "应为若干“键: 值”组成的一组字段",
    "dict_type": "应为若干“键: 值”组成的一组字段",
    "string_too_short": "不能为空",
    "too_short": "至少需要 {min_length} 项",
    "greater_than": "应大于 {gt}，而不是“{value}”",
    "greater_than_equal": "应不小于 {ge}，而不是“{value}”",
    "less_than_equal": "应不大于 {le}，而不是“{value}”",
    "less_than": "应小于 {lt}，而不是“{value}”",
}

#: What each ``pattern=`` of the schemas asks for, in words.
_PATTERNS = {
    r"^[a-z][a-z0-9_-]*$": "只能用小写英文字母、数字、- 和 _，以字母开头",
    r"^[0-9a-f]{64}$": "应为 64 位小写十六进制数字，由 ssj 计算，请勿手改",
}


def _show(value: Any) -> str:
    """The offending value, short and flat: never a deep repr (a hostile file may nest 500 levels)."""
    if isinstance(value, (list, tuple)):
        text = "、".join(_flat(v) for v in value)
    elif isinstance(value, dict):
        text = "、".join(f"{k}: {_flat(v)}" for k, v in value.items())
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _flat(value: Any) -> str:
    return "…" if isinstance(value, (list, tuple, dict)) else str(value)


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``X``, ``list[X]``, ``X | None`` or ``dict[str, X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _submodel(typing.get_args(annotation)[0])
    if origin in (list, dict, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _submodel(arg)
            if found is not None:
                return found
    return None


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _submodel(field.annotation)
    return current


def field_title(model: type[BaseModel], loc: Sequence[str | int]) -> str:
    """The Chinese title of the field at ``loc`` (empty when unknown)."""
    names = [p for p in loc if isinstance(p, str)]
    if not names:
        return ""
    parent = _model_at(model, loc[: max(i for i, p in enumerate(loc) if isinstance(p, str))])
    field = parent.model_fields.get(names[-1]) if parent is not None else None
    return (field.title or "") if field is not None else ""


def allowed_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys a mapping at ``loc`` may hold."""
    parent = _model_at(model, loc)
    return list(parent.model_fields) if parent is not None else []
