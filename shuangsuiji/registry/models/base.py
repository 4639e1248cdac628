"""Building blocks shared by every schema: the strict base model, public/private marks, id types."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer
from pydantic.fields import FieldInfo

from shuangsuiji.core.ratio import format_ratio, parse_ratio


class Model(BaseModel):
    """A strict schema: unknown keys are errors, so a typo is never silently ignored (SPEC §7)."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


def public(default: Any = ..., *, title: str, **kwargs: Any) -> Any:
    """A field that may leave the repository in the disclosure bundle."""
    return Field(default, title=title, json_schema_extra={"public": True}, **kwargs)


def private(default: Any = ..., *, title: str, **kwargs: Any) -> Any:
    """A field that never leaves the repository (unmarked fields count as private too)."""
    return Field(default, title=title, json_schema_extra={"public": False}, **kwargs)


def is_public(field: FieldInfo) -> bool:
    """True only for fields explicitly marked public."""
    extra = field.json_schema_extra
    return isinstance(extra, dict) and extra.get("public") is True


def public_fields(model: type[BaseModel]) -> list[str]:
    """Names of the fields of ``model`` that are marked public, in schema order."""
    return [name for name, field in model.model_fields.items() if is_public(field)]


def normalize_id(value: Any) -> Any:
    """Ids are strings, NFC, trimmed; an all-digit id that YAML read as a number is the same id."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):  # 9141048200000010E1 or 1.10 unquoted: YAML made a number of it, the text is lost
        raise ValueError(f"编号被 YAML 读成了数字 {value}，原来的写法已无法还原：请给编号加上英文双引号")
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    return value


def _nfc_text(value: Any) -> Any:
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else value


Id = Annotated[str, BeforeValidator(normalize_id), Field(min_length=1)]
Text = Annotated[str, BeforeValidator(_nfc_text), Field(min_length=1)]
OptionalText = Annotated[str | None, BeforeValidator(_nfc_text)]


def _ratio(value: Any) -> Decimal:
    return parse_ratio(value)


RatioValue = Annotated[Decimal, BeforeValidator(_ratio), PlainSerializer(format_ratio, return_type=str)]

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def check_phone(value: str | None) -> str | None:
    """A mainland mobile (11 digits) or landline number with area code."""
    if value is None or _MOBILE.match(value) or _LANDLINE.match(value):
        return value
    raise ValueError(f"联系电话“{value}”格式不对：应为11位手机号或带区号的座机号（如 0375-6012345）")
