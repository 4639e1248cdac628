"""Only fields marked public leave the repository (SPEC §6): one projection used by every export."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shuangsuiji.registry.models import is_public


def public_dict(model: BaseModel) -> dict[str, Any]:
    """The public fields of ``model`` as JSON-ready data, recursing into nested models and lists."""
    result: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        if is_public(field):
            result[name] = _public_value(getattr(model, name))
    return result


def _public_value(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return public_dict(value)
    if isinstance(value, (list, tuple)):
        return [_public_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _public_value(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if type(value).__name__ == "Decimal":
        return format(value, "f")
    return value
