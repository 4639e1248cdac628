"""Only fields marked public leave the repository (SPEC §6): one projection used by every export."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BaseModel

from shuangsuiji.errors import SsjError
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


_MOBILE = re.compile(r"(?<!\d)(?:86)?1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


#: the same numbers as people split them (138 1234 5678, 138-1234-5678, +86 139…, (0375)6012345, an ID card in
#: three groups), found after the text is normalised; a lottery result's "03 08 12 19 25 31" is none of these
_SEP = r"[ \t\-－—–.·]?"
_SPLIT = (
    ("手机号码", re.compile(rf"(?<![\d+])(?:\+?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?!\d)")),
    ("电话号码", re.compile(rf"(?<!\d)(?:[(（]0\d{{2,3}}[)）]|0\d{{2,3}}){_SEP}\d{{3,4}}{_SEP}\d{{4}}(?!\d)")),
    ("身份证号码", re.compile(rf"(?<!\d)\d{{6}}{_SEP}\d{{8}}{_SEP}\d{{3}}[\dXx](?![0-9A-Za-z])")),
)


def _normalized(text: str) -> str:
    """Full-width and other Unicode digits and signs (１３８, ＠, Arabic-Indic digits) as ASCII."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in text)


def private_numbers(text: str | None) -> list[str]:
    """What in a free text that will be published looks like a person's phone number, ID-card number or e-mail
    address (SPEC §6: such text is refused rather than published), each described in Chinese — also when the
    digits are split by spaces or dashes, written full-width or behind +86."""
    if not text:
        return []
    text = _normalized(text)
    found = [f"手机号码 {m}" for m in _MOBILE.findall(text)]
    found += [f"电话号码 {m}" for m in _LANDLINE.findall(text)]
    found += [f"身份证号码 {m}" for m in _ID_CARD.findall(text) if _looks_like_id_card(m)]
    for what, pattern in _SPLIT:
        for match in pattern.findall(text):
            digits = re.sub(r"[^\dXx]", "", match)
            if what == "身份证号码" and not _looks_like_id_card(digits):
                continue
            if digits not in {re.sub(r"[^\dXx]", "", f.split(" ", 1)[1]) for f in found}:
                found.append(f"{what} {match.strip()}")
    found += [f"电子邮箱 {m}" for m in _EMAIL.findall(text)]
    return list(dict.fromkeys(found))


def _looks_like_id_card(number: str) -> bool:
    """A check digit that fits and a real birth date (the place is not checked: python-stdnum's list of
    places lacks many county codes, 汝州's 410482 among them)."""
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    try:
        ric.get_birth_date(number)
    except ValidationError:
        return False
    return number[-1].upper() == ric.calc_check_digit(number)


def refuse_private(text: str | None, what: str) -> None:
    """Refuse ``text`` (a reason typed on the command line, published with the ledger) holding private numbers."""
    found = private_numbers(text)
    if found:
        raise SsjError(f"{what}中有个人信息（{'、'.join(found)}）：{what}会随台账公开，不要写个人电话、身份证号或邮箱")
