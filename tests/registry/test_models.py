"""The schemas: every field marked public or private, unknown keys refused, errors translated into Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

import shuangsuiji.registry.models as models
from shuangsuiji.registry.messages import _MESSAGES, translate
from shuangsuiji.registry.models import (
    Bureau,
    Conflict,
    CreditEntry,
    DisclosureDeadline,
    EntitiesFile,
    Entity,
    Inspector,
    Model,
    Plan,
    PlanApproval,
    PlanItem,
    Report,
    ResultCategory,
    Section,
    is_public,
    public_fields,
)
from shuangsuiji.registry.models.base import private, public


def _all_models() -> list[type[BaseModel]]:
    """Every schema: the exported models and every subclass of Model, wherever it is defined."""
    found: set[type[BaseModel]] = set()
    stack: list[type[BaseModel]] = [Model]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("shuangsuiji.registry.models") and sub not in found:
                found.add(sub)
                stack.append(sub)
    exported = {getattr(models, n) for n in models.__all__}
    found |= {m for m in exported if isinstance(m, type) and issubclass(m, BaseModel) and m is not Model}
    return sorted(found, key=lambda m: m.__name__)


ALL_MODELS = _all_models()

#: SPEC §2 and §6: what never leaves the repository.
PRIVATE = {
    "Entity.legal_rep", "Entity.phone",
    "Conflict.reason",
    "Inspector.phone", "Inspector.id_card",
    "Evidence.path", "Evidence.sha256", "Evidence.note", "Recheck.note",
    "Review.signed_by",
    "Report.draw_hash", "Report.evidence",
}


def test_the_known_schemas_are_all_found() -> None:
    names = {m.__name__ for m in ALL_MODELS}
    assert {"Bureau", "Section", "Duty", "ChecklistItem", "Entity", "Inspector", "Conflict", "CreditEntry",
            "Plan", "PlanItem", "TemporaryPlan", "Report", "Evidence", "Review",
            "EntitiesFile", "InspectorsFile", "SectionsFile", "DutiesFile", "ChecklistFile", "CreditFile"} <= names


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_field_is_explicitly_marked(model: type[BaseModel]) -> None:
    unmarked = [
        name for name, field in model.model_fields.items()
        if not (isinstance(field.json_schema_extra, dict) and isinstance(field.json_schema_extra.get("public"), bool))
    ]
    assert unmarked == []


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_field_has_a_chinese_title(model: type[BaseModel]) -> None:
    # titles make the error messages: “name（单位名称）不能为空”
    assert [n for n, f in model.model_fields.items() if not f.title] == []


def test_the_private_fields_are_exactly_these() -> None:
    private_fields = {
        f"{model.__name__}.{name}"
        for model in ALL_MODELS for name, field in model.model_fields.items() if not is_public(field)
    }
    assert private_fields == PRIVATE


def test_public_fields_in_schema_order() -> None:
    assert public_fields(Entity) == ["id", "name", "specialty", "address", "township", "risk", "key", "status"]
    assert public_fields(Inspector) == ["id", "name", "section", "cert_no", "cert_expires", "active", "conflicts"]
    assert public_fields(Conflict) == ["entity"]


def test_unmarked_counts_as_private() -> None:
    from pydantic import Field

    class Loose(Model):
        marked: str = public("x", title="公开")
        hidden: str = private("y", title="不公开")
        bare: str = Field("z", title="没有标记")

    assert public_fields(Loose) == ["marked"]


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_every_model_forbids_unknown_keys(model: type[BaseModel]) -> None:
    assert model.model_config.get("extra") == "forbid"


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.__name__)
def test_an_unknown_key_is_an_error_in_every_model(model: type[BaseModel]) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate({"zzz_typo": 1})
    assert "extra_forbidden" in {e["type"] for e in caught.value.errors()}


# -- translate() -----------------------------------------------------------------------------------------

ENTITY = {"id": "91410482MA9XA00016", "name": "甲", "specialty": "危险化学品", "address": "某地"}
INSPECTOR = {"id": "R1", "name": "甲", "section": "yigu", "cert_no": "1", "cert_expires": "2029-01-01"}
ITEM = {"id": "P1", "section": "yigu", "checklist_item": "C01", "ratio": "0.1", "frequency": 1}


class Probe(Model):
    """Field kinds the bureau's schemas do not have yet."""

    small: int = public(0, title="小数", lt=10)
    flag: bool = public(False, title="标志")  # not strict: 'maybe' is a parsing error
    day: dt.date | None = public(None, title="日子")
    word: str = public("词", title="词", min_length=1)


def _errors(model: type[BaseModel], data: Any, **kwargs: Any) -> list[ErrorDetails]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data, **kwargs)
    return caught.value.errors()


def _only(model: type[BaseModel], data: Any, **kwargs: Any) -> tuple[str, str]:
    errors = _errors(model, data, **kwargs)
    assert len(errors) == 1, errors
    return errors[0]["type"], translate(errors[0], model)


CASES: list[tuple[str, type[BaseModel], Any, str]] = [
    ("literal_error", Entity, {**ENTITY, "risk": "E"}, "risk（风险等级）的值“E”不允许，可选：A、B、C、D"),
    ("bool_type", Entity, {**ENTITY, "key": "是"}, "key（重点监管）应为 true 或 false，而不是“是”"),
    ("bool_parsing", Probe, {"flag": "maybe"}, "flag（标志）应为 true 或 false，而不是“maybe”"),
    ("string_type", Entity, {**ENTITY, "name": ["甲", "乙"]}, "name（单位名称）应为文字，而不是“甲、乙”"),
    ("int_type", PlanItem, {**ITEM, "frequency": [4]}, "frequency（频次（次/年））应为整数，而不是“4”"),
    ("int_parsing", PlanItem, {**ITEM, "frequency": "四"}, "frequency（频次（次/年））应为整数，而不是“四”"),
    ("int_from_float", PlanItem, {**ITEM, "frequency": 1.5}, "frequency（频次（次/年））应为整数，而不是“1.5”"),
    ("decimal_parsing", PlanItem, {**ITEM, "multiplier": "两倍"},
     "multiplier（问题和黑名单单位的比例倍数）应为数字，而不是“两倍”"),
    ("decimal_type", PlanItem, {**ITEM, "multiplier": [2]}, "multiplier（问题和黑名单单位的比例倍数）应为数字，而不是“2”"),
    ("date_type", Inspector, {**INSPECTOR, "cert_expires": [1]},
     "cert_expires（执法证有效期至）应为日期（格式如 2026-12-01），而不是“1”"),
    ("date_from_datetime_parsing", Inspector, {**INSPECTOR, "cert_expires": "2026-13-01"},
     "cert_expires（执法证有效期至）应为日期（格式如 2026-12-01），而不是“2026-13-01”"),
    ("date_from_datetime_inexact", Inspector, {**INSPECTOR, "cert_expires": "2026-12-01T09:30:00"},
     "cert_expires（执法证有效期至）应为日期（不带时间），而不是“2026-12-01T09:30:00”"),
    ("list_type", EntitiesFile, {"entities": "甲"}, "entities（监管对象）应为列表（每项一行，以“- ”开头）"),
    ("model_type", EntitiesFile, {"entities": ["甲"]}, "监管对象应为若干“键: 值”组成的一组字段"),
    ("dict_type", PlanItem, {**ITEM, "risk_ratios": "0.1"}, "risk_ratios（各风险等级抽查比例）应为若干“键: 值”组成的一组字段"),
    ("too_short", Entity, {**ENTITY, "name": "  "}, "name（单位名称）不能为空"),  # trimmed first, then too short
    ("string_too_short", Probe, {"word": ""}, "word（词）不能为空"),
    ("too_short", Section, {"id": "yigu", "name": "安全监管一股", "specialties": []}, "specialties（监管行业）至少需要 1 项"),
    ("greater_than", PlanItem, {**ITEM, "frequency": 0}, "frequency（频次（次/年））应大于 0，而不是“0”"),
    ("greater_than_equal", PlanItem, {**ITEM, "team_size": 1}, "team_size（每组人数）应不小于 2，而不是“1”"),
    ("less_than_equal", PlanItem, {**ITEM, "multiplier": "11"},
     "multiplier（问题和黑名单单位的比例倍数）应不大于 10，而不是“11”"),
    ("less_than", Probe, {"small": 10}, "small（小数）应小于 10，而不是“10”"),
    ("missing", Entity, {k: v for k, v in ENTITY.items() if k != "address"}, "缺少必填字段 address（地址）"),
    ("extra_forbidden", DisclosureDeadline, {"days": 5, "uint": "工作日"},
     "未知字段 uint：请检查拼写（这里允许的字段：days、unit）"),
    ("value_error", Entity, {**ENTITY, "id": "91410482MA9XA00017"},
     "统一社会信用代码“91410482MA9XA00017”校验位错误，请核对原始证照"),
    ("value_error", Entity, {**ENTITY, "phone": "6012345"},
     "联系电话“6012345”格式不对：应为11位手机号或带区号的座机号（如 0375-6012345）"),
    ("value_error", PlanItem, {**ITEM, "ratio": "2"}, "ratio（一般抽查比例）：比例“2”超出范围：必须大于 0 且不大于 1（即 100%）"),
    ("value_error", PlanItem, {**ITEM, "months": [1], "quarters": [1]}, "months（实施月份）和 quarters（实施季度）只能写一个"),
    ("string_pattern_mismatch", Section, {"id": "Yi Gu", "name": "安全监管一股", "specialties": ["非煤矿山"]},
     "id（科室编号）的值“Yi Gu”格式不对（只能用小写英文字母、数字、- 和 _，以字母开头）"),
    ("string_pattern_mismatch", PlanApproval, {"meeting": "会", "date": "2026-01-16", "approver": "甲", "digest": "已审批"},
     "digest（审批内容摘要）的值“已审批”格式不对（应为 64 位小写十六进制数字，由 ssj 计算，请勿手改）"),
]


@pytest.mark.parametrize(("kind", "model", "data", "message"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_translate_gives_the_chinese_message(kind: str, model: type[BaseModel], data: Any, message: str) -> None:
    assert _only(model, data) == (kind, message)


def test_every_mapped_error_type_has_a_case() -> None:
    covered = {c[0] for c in CASES} | {"model_attributes_type", "date_parsing", "date_type"}
    assert set(_MESSAGES) <= covered


def test_model_attributes_type() -> None:
    kind, message = _only(Bureau, {"name": "甲", "region": "乙", "disclosure": 5}, from_attributes=True)
    assert (kind, message) == ("model_attributes_type", "disclosure（结果公示期限）应为若干“键: 值”组成的一组字段")


def test_date_parsing_from_a_crafted_error() -> None:
    error: ErrorDetails = {"type": "date_parsing", "loc": ("day",), "msg": "Input should be a valid date", "input": "明天"}
    assert translate(error, Probe) == "day（日子）应为日期（格式如 2026-12-01），而不是“明天”"


def test_nothing_after_the_colon() -> None:
    assert _only(Entity, {**ENTITY, "name": None})[1] == "name（单位名称）没有填写：冒号后面是空的（不需要这一项就删去整行）"
    assert _only(Entity, {**ENTITY, "key": None})[1] == "key（重点监管）没有填写：冒号后面是空的（不需要这一项就删去整行）"


def test_an_unquoted_number_where_a_date_belongs() -> None:
    # 20291231 unquoted is an integer; pydantic would read it as seconds since 1970
    assert _only(Inspector, {**INSPECTOR, "cert_expires": 20291231})[1] == (
        "cert_expires（执法证有效期至）应为日期（格式如 2026-12-01），而不是“20291231”")


def test_nested_locations_name_the_innermost_field() -> None:
    errors = _errors(Inspector, {**INSPECTOR, "conflicts": [{"entity": "91410482MA9XA00016", "reasn": "亲属"}]})
    assert [translate(e, Inspector) for e in errors] == [
        "缺少必填字段 reason（回避原因）",
        "未知字段 reasn：请检查拼写（这里允许的字段：entity、reason）",
    ]
    errors = _errors(Plan, {"year": 2028, "name": "计划", "items": [{**ITEM, "months": [13]}]})
    assert [translate(e, Plan) for e in errors] == ["计划事项：实施月份必须在 1 到 12 之间"]
    errors = _errors(Bureau, {"name": "甲", "region": "乙", "disclosure": {"days": 5},
                              "result_categories": [{"name": "未发现问题", "problem": "否"}]})
    assert [translate(e, Bureau) for e in errors] == ["problem（属于发现问题）应为 true 或 false，而不是“否”"]


def test_unknown_key_lists_the_keys_of_the_right_level() -> None:
    errors = _errors(Report, {"draw": "二股-0", "draw_hash": "0" * 64, "section": "ergu", "entity": "x",
                              "review": {"date": "2026-12-01", "decision": "同意", "signed_by": "甲", "signer": "乙"}})
    assert [translate(e, Report) for e in errors] == [
        "未知字段 signer：请检查拼写（这里允许的字段：date、decision、penalty、cosigned_by、number、signed_by）",
    ]


def test_long_and_nested_values_are_shown_short_and_flat() -> None:
    long_name = ["很长的名称" * 20]
    message = _only(Entity, {**ENTITY, "name": long_name})[1]
    assert message.startswith("name（单位名称）应为文字，而不是“很长的名称")
    assert message.endswith("…”")
    deep: Any = "x"
    for _ in range(2000):  # a value nested far deeper than any recursion limit
        deep = [deep]
    assert _only(Entity, {**ENTITY, "name": deep})[1] == "name（单位名称）应为文字，而不是“…”"
    assert _only(Entity, {**ENTITY, "name": {"甲": 1, "乙": [2]}})[1] == "name（单位名称）应为文字，而不是“甲: 1、乙: …”"


def test_ids_read_as_numbers() -> None:
    # an unquoted all-digit code is the same id; one in scientific notation has lost its text
    assert Entity.model_validate({**ENTITY, "id": 914104820000000013}).id == "914104820000000013"
    assert _only(Entity, {**ENTITY, "id": 9.14104820000001e16})[1] == (
        "id（统一社会信用代码）：编号被 YAML 读成了数字 9.14104820000001e+16，原来的写法已无法还原：请给编号加上英文双引号")


def test_ids_and_texts_are_trimmed_and_nfc() -> None:
    entity = Entity.model_validate({**ENTITY, "name": " 汝州市甲公司\u3000", "specialty": "危险化学品"})
    assert entity.name == "汝州市甲公司"
    conflict = Conflict.model_validate({"entity": " e\u0301 ", "reason": "亲属"})
    assert conflict.entity == "\u00e9"


def test_models_are_frozen() -> None:
    entity = Entity.model_validate(ENTITY)
    with pytest.raises(ValidationError):
        entity.name = "乙"


def test_defaults() -> None:
    entity = Entity.model_validate(ENTITY)
    assert (entity.key, entity.status, entity.risk) == (False, "在营", None)
    bureau = Bureau.model_validate({"name": "甲", "region": "乙", "disclosure": {"days": 20}})
    assert bureau.timezone == "Asia/Shanghai"
    assert bureau.disclosure.unit == "工作日"
    assert [c.name for c in bureau.result_categories][0] == "未发现问题"
    assert ResultCategory.model_validate({"name": "x"}).problem is False
    item = PlanItem.model_validate(ITEM)
    assert (item.ratio, item.multiplier, item.team_size, item.open_months()) == (
        Decimal("0.1"), Decimal(2), 2, list(range(1, 13)))


def test_credit_entry_in_force() -> None:
    entry = CreditEntry.model_validate({"entity": "x", "kind": "黑名单", "reason": "r", "listed_on": "2026-01-01",
                                        "until": "2026-12-31", "source": "s", "removed_on": "2026-06-01"})
    assert [entry.in_force_on(dt.date(2026, m, 1)) for m in (1, 5, 6, 7)] == [True, True, False, False]
