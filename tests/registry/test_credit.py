"""The credit file (诚信档案, 第二十三条): ``ssj credit add / remove / list``, its checks, and the blacklist
feeding the 黑名单 stratum of the next draw (plan ratio × multiplier)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import yaml

from tests.helpers import expanded, snapshot

COMPANY = "914104821733149136"  # 汝州市协昌涂料有限公司: 危险化学品, not 重点, no risk class (一般), 在营, never listed
LISTED = "91410482MA40RRDH73"  # 汝州市润远加油站: on the shipped blacklist 2025-09-18 … 2027-09-17
REMOVED = "914104827481559424"  # 汝州市长宇木业有限公司: a 失信记录 already removed (信用修复)
NOT_REGISTERED = "91410000MA00000004"  # a well-formed code of no company in the registry
SOURCE = "汝应急罚〔2026〕40号"


def credit_entries(root: Path) -> list[dict]:
    return yaml.safe_load((root / "data/credit.yaml").read_text(encoding="utf-8"))["credit"]


def add(ssj, root: Path, entity: str = COMPANY, *extra: str):
    return ssj(root, "credit", "add", entity, "--reason", "拒不配合监督检查", "--source", SOURCE, *extra)


def test_add_appends_an_entry_and_keeps_the_comments(bureau, ssj):
    original = (bureau / "data/credit.yaml").read_text(encoding="utf-8")
    before = credit_entries(bureau)
    result = add(ssj, bureau, COMPANY, "--date", "2026-01-05", "--until", "2028-01-04")
    assert result.code == 0, result.err
    assert f"已记入诚信档案：{COMPANY}（黑名单，2026-01-05 起）" in result.out
    text = (bureau / "data/credit.yaml").read_text(encoding="utf-8")
    assert text.startswith(original.rstrip("\n"))  # every earlier byte, comments included, is kept
    assert "# 汝州市润远加油站" in text and text.count("\n#") == original.count("\n#")
    assert credit_entries(bureau) == [*before, {
        "entity": COMPANY, "kind": "黑名单", "reason": "拒不配合监督检查", "listed_on": dt.date(2026, 1, 5),
        "source": SOURCE, "until": dt.date(2028, 1, 4),
    }]
    assert f'entity: "{COMPANY}"' in text  # ids are quoted by ssj's writers
    assert ssj(bureau, "check").code == 0


def test_add_a_record_of_bad_faith_without_expiry(bureau, ssj):
    assert add(ssj, bureau, COMPANY, "--kind", "失信记录", "--date", "2026-01-05").code == 0
    entry = credit_entries(bureau)[-1]
    assert entry["kind"] == "失信记录" and "until" not in entry


def test_add_refusals_write_nothing(bureau, ssj):
    before = snapshot(bureau)
    result = add(ssj, bureau, NOT_REGISTERED, "--date", "2026-01-05")
    assert result.code == 1 and f"单位 {NOT_REGISTERED} 不在监管对象名录库中" in result.err
    result = add(ssj, bureau, COMPANY, "--kind", "灰名单", "--date", "2026-01-05")
    assert result.code == 1 and "kind（类别）的值“灰名单”不允许，可选：黑名单、失信记录" in result.err
    for until in ("2026-01-05", "2026-01-04"):
        result = add(ssj, bureau, COMPANY, "--date", "2026-01-05", "--until", until)
        assert result.code == 1 and "期满日期应晚于列入日期" in result.err
    result = add(ssj, bureau, COMPANY, "--date", "2026-13-01")
    assert result.code == 1 and "日期“2026-13-01”不存在：没有 13 月" in result.err
    result = ssj(bureau, "credit", "add", COMPANY, "--reason", "  ", "--source", SOURCE, "--date", "2026-01-05")
    assert result.code == 1 and "reason（事由）不能为空" in result.err
    assert snapshot(bureau) == before


def test_remove_keeps_the_history(bureau, ssj):
    assert add(ssj, bureau, COMPANY, "--date", "2026-01-05").code == 0
    count = len(credit_entries(bureau))
    result = ssj(bureau, "credit", "remove", COMPANY, "--reason", "信用修复", "--date", "2026-06-01")
    assert result.code == 0 and "已移出 1 条记录" in result.out
    entries = credit_entries(bureau)
    assert len(entries) == count
    assert entries[-1] == {"entity": COMPANY, "kind": "黑名单", "reason": "拒不配合监督检查", "listed_on": dt.date(2026, 1, 5),
                           "source": SOURCE, "removed_on": dt.date(2026, 6, 1), "removal_reason": "信用修复"}
    listing = {(c["entity"], c["listed_on"]): c for c in json.loads(ssj(bureau, "credit", "list", "--json").out)}
    assert listing[(COMPANY, "2026-01-05")]["removed_on"] == "2026-06-01"
    assert listing[(COMPANY, "2026-01-05")]["in_force"] is False
    assert listing[(REMOVED, "2025-07-22")]["removal_reason"].startswith("已履行行政处罚决定")
    # nothing is in force any more: a second removal is refused and writes nothing
    before = snapshot(bureau)
    result = ssj(bureau, "credit", "remove", COMPANY, "--reason", "信用修复", "--date", "2026-07-01")
    assert result.code == 1 and f"单位 {COMPANY} 在 2026-07-01 没有生效中的诚信档案记录" in result.err
    result = ssj(bureau, "credit", "remove", LISTED, "--reason", " ", "--date", "2026-07-01")
    assert result.code == 1 and "请写明移出原因" in result.err
    assert snapshot(bureau) == before


def test_remove_only_the_kind_asked_for(bureau, ssj):
    assert add(ssj, bureau, COMPANY, "--date", "2026-01-05").code == 0
    assert add(ssj, bureau, COMPANY, "--kind", "失信记录", "--date", "2026-02-05").code == 0
    assert ssj(bureau, "credit", "remove", COMPANY, "--kind", "失信记录", "--reason", "已履行", "--date", "2026-06-01").code == 0
    mine = [c for c in credit_entries(bureau) if c["entity"] == COMPANY]
    assert [(c["kind"], c.get("removed_on")) for c in mine] == [("黑名单", None), ("失信记录", dt.date(2026, 6, 1))]


def test_list_shows_entries_and_whether_they_are_in_force(bureau, ssj):
    assert add(ssj, bureau, COMPANY, "--date", "2026-01-05").code == 0  # no expiry: in force from then on
    listing = json.loads(ssj(bureau, "credit", "list", "--json").out)
    assert len(listing) == len(credit_entries(bureau)) == 6
    mine = listing[-1]
    assert mine["entity"] == COMPANY and mine["in_force"] is True and mine["until"] is None
    table = ssj(bureau, "credit", "list")
    assert table.code == 0 and table.out.startswith("诚信档案\n")  # a table (wrapped to the terminal width)
    assert table.out.count("黑名单") == 4 and table.out.count("已移出") == 1


def test_add_creates_a_missing_credit_file(bureau, ssj):
    (bureau / "data/credit.yaml").unlink()
    assert ssj(bureau, "check").code == 0  # the credit file is optional
    assert add(ssj, bureau, COMPANY, "--date", "2026-01-05").code == 0
    text = (bureau / "data/credit.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 诚信档案（《细则》第二十三条）")
    assert [c["entity"] for c in credit_entries(bureau)] == [COMPANY]


def test_a_broken_credit_file_is_not_edited(bureau, ssj):
    path = bureau / "data/credit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: 黑名单", "kind: 红名单", 1), encoding="utf-8")
    before = snapshot(bureau)
    result = add(ssj, bureau, COMPANY, "--date", "2026-01-05")
    assert result.code == 1 and "data/credit.yaml 有 1 处错误，请先改正" in result.err
    assert snapshot(bureau) == before


def test_check_reports_hand_written_mistakes_with_their_line(bureau, ssj):
    path = bureau / "data/credit.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        f'  - entity: "{NOT_REGISTERED}"\n'
        "    kind: 黑名单\n"
        "    reason: 手工录入\n"
        "    listed_on: 2026-03-01\n"
        "    until: 2026-03-01\n"
        f"    source: {SOURCE}\n"
    ), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    entity_line = next(n for n, line in enumerate(lines, 1) if NOT_REGISTERED in line)
    result = ssj(bureau, "check")
    assert result.code == 1
    assert f"data/credit.yaml:{entity_line}: 单位 {NOT_REGISTERED} 不在监管对象名录库中" in result.out
    assert f"data/credit.yaml:{entity_line + 4}: 期满日期应晚于列入日期" in result.out


# -- the blacklist feeds the next draw ----------------------------------------------------------------------

def draw(ssj, root: Path, *extra: str) -> dict:
    result = ssj(root, "draw", "--section", "二股", "--seed", "20261201", "--date", "2026-12-01", "--json",
                 "--again", "--reason", "测试：同日再抽", *extra)
    assert result.code == 0, result.err
    return expanded(root, json.loads(result.out))


def strata(record: dict) -> dict[str, dict]:
    return {s["name"]: s for s in record["strata"]}


def test_a_newly_blacklisted_company_lands_in_the_blacklist_stratum(bureau, ssj, tmp_path):
    import shutil

    other = tmp_path / "对照"
    shutil.copytree(bureau, other)
    before = strata(draw(ssj, other))
    assert COMPANY in before["一般"]["population"] and COMPANY not in before["黑名单"]["population"]
    assert before["一般"]["ratio"] == "0.05" and before["黑名单"]["ratio"] == "0.1"  # plan ratio 0.05 × multiplier 2

    assert add(ssj, bureau, COMPANY, "--date", "2026-11-02").code == 0
    after = strata(draw(ssj, bureau))
    blacklist = after["黑名单"]
    assert blacklist["population"] == sorted([*before["黑名单"]["population"], COMPANY])
    assert COMPANY not in after["一般"]["population"]
    assert blacklist["ratio"] == "0.1"
    assert blacklist["k"] == math.ceil(len(blacklist["population"]) / 10)
    assert after["一般"]["population"] == [i for i in before["一般"]["population"] if i != COMPANY]


def test_the_blacklist_counts_only_while_in_force_and_only_as_blacklist(bureau, ssj):
    assert add(ssj, bureau, COMPANY, "--date", "2026-12-02").code == 0  # listed the day after the draw
    assert COMPANY not in strata(draw(ssj, bureau))["黑名单"]["population"]
    bureau_kind = bureau / "data/credit.yaml"
    bureau_kind.write_text(bureau_kind.read_text(encoding="utf-8").replace("listed_on: 2026-12-02", "listed_on: 2026-11-02")
                           .replace("kind: 黑名单\n    reason: 拒不配合", "kind: 失信记录\n    reason: 拒不配合"), encoding="utf-8")
    assert credit_entries(bureau)[-1]["kind"] == "失信记录"
    assert COMPANY not in strata(draw(ssj, bureau))["黑名单"]["population"]
    assert ssj(bureau, "credit", "remove", LISTED, "--reason", "信用修复", "--date", "2026-11-30").code == 0
    assert LISTED not in strata(draw(ssj, bureau))["黑名单"]["population"]
