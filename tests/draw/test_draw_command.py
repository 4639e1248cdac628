"""``ssj draw`` end to end on a copy of the example bureau, and the commands that follow a draw:
announce, void, recuse, log, show, targeted."""

from __future__ import annotations

import hashlib
import json
import math
import re
from fractions import Fraction
from pathlib import Path

import consistent_sampler
import pytest
import rfc8785
import yaml

from shuangsuiji.publish.verifier import verify as kit
from tests.helpers import snapshot

DAY = ("--date", "2026-12-01")
SEED = "31415926535897932384"
ERGU_INSPECTORS = ["RZ005", "RZ006", "RZ007", "RZ008", "RZ009", "RZ010"]
KEY_COMPANY = "914104826992660477"  # 汝州市宝嘉新材料科技有限公司: 危险化学品, 重点, 在营
OTHER_KEY_COMPANY = "91410482MA4F1LNL98"  # 汝州市振康化工有限公司: 危险化学品, 重点, 在营
STRATA = ["重点", "黑名单", "问题", "风险A", "风险B", "风险C", "风险D", "一般"]


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader keeps the suite fast
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)



def load_yaml(text: str):
    return yaml.load(text, Loader=LOADER)


def dump_yaml(content, **options) -> str:
    return yaml.dump(content, Dumper=DUMPER, **options)


def draw(ssj, root, *extra, section="二股", ratio="0.1", seed=SEED):
    args = ["draw", "--section", section, *DAY]
    if ratio is not None:
        args += ["--ratio", ratio]
    if seed is not None:
        args += ["--seed", seed]
    return ssj(root, *args, *extra)


def records_of(root: Path, section: str = "ergu") -> list[dict]:
    path = root / f"data/ledger/{section}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def edit_yaml(path: Path, change) -> None:
    content = load_yaml(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(dump_yaml(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def set_inspector(root: Path, inspector: str, **fields) -> None:
    def change(content):
        next(p for p in content["inspectors"] if p["id"] == inspector).update(fields)
    edit_yaml(root / "data/inspectors.yaml", change)


def set_entity(root: Path, file: str, entity: str, **fields) -> None:
    def change(content):
        next(e for e in content["entities"] if e["id"] == entity).update(fields)
    edit_yaml(root / "data/entities" / file, change)


def refused(result, *phrases):
    assert result.code == 1, (result.code, result.out, result.err)
    assert "Traceback" not in result.err + result.out
    for phrase in phrases:
        assert phrase in result.err, (phrase, result.err)


def ranked(ids, seed):
    return list(consistent_sampler.sampler(sorted(ids), seed=seed, output="id"))


# ---------------------------------------------------------------------------------------------------
# --json, and re-derivation by an outsider with nothing but the record and consistent_sampler
# ---------------------------------------------------------------------------------------------------

def test_json_prints_exactly_the_ledger_line(bureau, ssj):
    result = draw(ssj, bureau, "--json")
    assert result.code == 0, result.err
    line = (bureau / "data/ledger/ergu.jsonl").read_text(encoding="utf-8")
    assert result.out == line
    assert line.count("\n") == 1
    record = json.loads(line)
    assert rfc8785.dumps(record) + b"\n" == line.encode("utf-8")
    assert record["seq"] == 0 and record["prev"] == "0" * 64 and record["type"] == "draw"
    assert record["hash"] == kit.record_hash(record)
    assert record["section"] == "ergu" and record["plan_item"] == "2026-ergu-01" and record["checklist_item"] == "C03"
    assert record["date"] == "2026-12-01" and record["ratio"] == "0.1" and record["team_size"] == 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", record["at"])
    assert record["commit"] is None and record["dirty"] is False
    assert "已写入记录 二股-0（data/ledger/ergu.jsonl 第 1 行）" in result.err
    for path, digest in record["inputs"].items():
        assert hashlib.sha256((bureau / path).read_bytes()).hexdigest() == digest
    assert {"data/inspectors.yaml", "data/credit.yaml", "plans/2026.yaml", "data/entities/烟花爆竹.yaml"} <= set(record["inputs"])


def test_outsider_rederives_every_stratum_with_consistent_sampler(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json", seed="福彩第2026140期 07 12 19 23 28 33").out)
    assert [s["name"] for s in record["strata"]] == STRATA
    merged = []
    for stratum in record["strata"]:
        population = stratum["population"]
        assert population == sorted(set(population))
        n = len(population)
        k = max(1, math.ceil(Fraction(stratum["ratio"]) * n)) if n else 0
        assert stratum["k"] == k
        expected = list(consistent_sampler.sampler(population, seed=record["seed"], output="id"))[:k]
        assert [s["id"] for s in stratum["selected"]] == expected
        for s in stratum["selected"]:
            assert s["ticket"] == consistent_sampler.first_fraction(s["id"], record["seed"])
            merged.append((s["ticket"], s["id"]))
    assert sum(s["k"] for s in record["strata"]) == 33
    assert [a["entity"] for a in record["assignments"]] == [i for _, i in sorted(merged)]
    order = ranked(record["inspectors"]["eligible"], record["seed"] + "|inspectors")
    assert record["inspectors"]["eligible"] == ERGU_INSPECTORS
    assert record["inspectors"]["teams"] == [order[0:2], order[2:4], order[4:6]]
    assert record["inspectors"]["reserve"] == []
    assert [a["team"] for a in record["assignments"]] == [i % 3 for i in range(33)]


# ---------------------------------------------------------------------------------------------------
# Fairness levels
# ---------------------------------------------------------------------------------------------------

def test_system_seed_without_seed_option(bureau, ssj):
    first = json.loads(draw(ssj, bureau, "--json", seed=None).out)
    second = json.loads(draw(ssj, bureau, "--json", seed=None).out)
    for record in (first, second):
        assert re.fullmatch(r"\d{20}", record["seed"])
        assert record["fairness"] == "system" and record["announcement"] is None
        assert "secrets" in record["seed_source"]
    assert first["seed"] != second["seed"]


def test_operator_seed_is_trimmed_and_nfc(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json", seed="  Cafe\u0301 骰子 3-1-4 \t").out)
    assert record["seed"] == "Caf\u00e9 骰子 3-1-4"
    assert record["fairness"] == "operator" and record["seed_source"] == "操作员输入"
    named = json.loads(draw(ssj, bureau, "--json", "--seed-source", " 掷骰子 20 次 ", seed="0" * 20).out)
    assert named["seed_source"] == "掷骰子 20 次" and named["fairness"] == "operator"


def test_fairness_shown_in_words(bureau, ssj):
    result = draw(ssj, bureau)
    assert result.code == 0
    assert "公平性：人工输入" in result.out and "可信度最低" in result.out


def announce(ssj, root, source="福彩双色球第2026140期开奖号码"):
    result = ssj(root, "announce", "--section", "二股", "--ratio", "0.1", *DAY, "--seed-source", source, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_announced_draw(bureau, ssj):
    note = announce(ssj, bureau)
    assert note["type"] == "announce" and note["seq"] == 0 and note["ratio"] == "0.1" and note["date"] == "2026-12-01"
    result = ssj(bureau, "draw", "--announcement", "二股-0", "--seed", " 07 12 19 23 28 33 05 ", "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["fairness"] == "announced" and record["announcement"] == note["hash"]
    assert record["seed"] == "07121923283305"  # the announcement's seed rule: its digits, in order
    assert record["seed_source"] == "福彩双色球第2026140期开奖号码"
    assert (record["section"], record["plan_item"], record["date"], record["ratio"], record["team_size"]) == \
        (note["section"], note["plan_item"], note["date"], note["ratio"], note["team_size"])
    everyone = sorted(i for s in record["strata"] for i in s["population"])
    assert note["population_digest"] == hashlib.sha256(rfc8785.dumps(everyone)).hexdigest()
    assert note["pool_digest"] == hashlib.sha256(rfc8785.dumps(record["inspectors"]["eligible"])).hexdigest()
    assert "事先公告" in ssj(bureau, "show", "二股-1").out
    assert ssj(bureau, "verify-ledger").code == 0


def test_announced_draw_refused_when_population_changed(bureau, ssj):
    announce(ssj, bureau)
    set_entity(bureau, "危险化学品.yaml", KEY_COMPANY, status="停业")
    before = snapshot(bureau)
    refused(ssj(bureau, "draw", "--announcement", "二股-0", "--seed", "12345"), "与公告 二股-0 不一致", "检查对象名单", "自公告后有变化")
    assert snapshot(bureau) == before


def test_announced_draw_refused_when_pool_changed(bureau, ssj):
    announce(ssj, bureau)
    set_inspector(bureau, "RZ010", active=False)
    before = snapshot(bureau)
    refused(ssj(bureau, "draw", "--announcement", "二股-0", "--seed", "12345"), "执法人员名单", "自公告后有变化")
    assert snapshot(bureau) == before


def test_announcement_used_once_even_when_voided(bureau, ssj):
    announce(ssj, bureau)
    assert ssj(bureau, "draw", "--announcement", "二股-0", "--seed", "12345").code == 0
    before = snapshot(bureau)
    refused(ssj(bureau, "draw", "--announcement", "二股-0", "--seed", "12345"), "公告 二股-0 已用于抽取 二股-1", "新的公告")
    assert snapshot(bureau) == before
    assert ssj(bureau, "void", "二股-1", "--reason", "开奖期号写错").code == 0
    refused(ssj(bureau, "draw", "--announcement", "二股-0", "--seed", "54321"), "已用于抽取 二股-1")


def test_announced_draw_needs_a_seed_and_an_announcement(bureau, ssj):
    announce(ssj, bureau)
    before = snapshot(bureau)
    refused(ssj(bureau, "draw", "--announcement", "二股-0"), "按公告抽取必须用 --seed", "福彩双色球第2026140期开奖号码")
    refused(ssj(bureau, "draw", "--announcement", "二股-7", "--seed", "1"), "二股-7 不是一条抽取公告")
    refused(ssj(bureau, "draw", "--announcement", "二股-0", "--seed", "1", "--date", "2026-12-02"), "--date 与公告不一致")
    assert snapshot(bureau) == before
    assert draw(ssj, bureau).code == 0
    refused(ssj(bureau, "draw", "--announcement", "二股-1", "--seed", "1"), "二股-1 不是一条抽取公告")


def test_announce_needs_a_named_source(bureau, ssj):
    before = snapshot(bureau)
    refused(ssj(bureau, "announce", "--section", "二股", *DAY), "--seed-source", "公开来源")
    assert snapshot(bureau) == before


# ---------------------------------------------------------------------------------------------------
# Bad input: a clear Chinese line, exit 1, no traceback, nothing written
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "phrases"), [
    (("--ratio", "0"), ("比例“0”超出范围", "大于 0 且不大于 1")),
    (("--ratio", "1.5"), ("比例“1.5”超出范围",)),
    (("--ratio", "-0.1"), ("比例“-0.1”无效", "10%")),
    (("--ratio=-0.1",), ("比例“-0.1”无效",)),
    (("--ratio", "abc"), ("比例“abc”无效", "0.1")),
    (("--ratio", "1e-1"), ("比例“1e-1”无效",)),
    (("--section", "五股"), ("没有科室“五股”", "可用的科室", "安全监管二股（二股、ergu）", "执法大队（大队、zhifa）")),
    (("--seed", "   "), ("随机种子不能为空",)),
    (("--date", "2026-13-01"), ("日期“2026-13-01”无效",)),
    (("--team-size", "1"), ("每组至少 2 名执法人员（第十八条）",)),
    (("--team-size", "0"), ("每组至少 2 名执法人员（第十八条）",)),
])
def test_bad_input_refused_and_nothing_written(bureau, ssj, args, phrases):
    before = snapshot(bureau)
    base = {"--section": "二股", "--ratio": "0.1", "--seed": SEED, "--date": "2026-12-01"}
    for key in list(base):
        if any(a == key or a.startswith(key + "=") for a in args):
            del base[key]
    result = ssj(bureau, "draw", *[x for pair in base.items() for x in pair], *args)
    refused(result, *phrases)
    assert result.err.count("\n") == 1  # one line
    assert snapshot(bureau) == before
    assert not (bureau / "data/ledger/ergu.jsonl").exists()


def test_missing_section_is_a_usage_error(bureau, ssj):
    result = ssj(bureau, "draw", "--ratio", "0.1")
    assert result.code == 2, (result.code, result.err)
    assert "用法错误：请用 --section 指定科室" in result.err and "ssj draw --help" in result.err
    assert "Traceback" not in result.err


def test_too_few_inspectors_refused(bureau, ssj):
    for inspector in ERGU_INSPECTORS[1:]:
        set_inspector(bureau, inspector, active=False)
    before = snapshot(bureau)
    refused(draw(ssj, bureau), "符合条件的执法人员只有 1 名", "不足一组 2 人", "第十八条")
    assert snapshot(bureau) == before


def test_expired_certificates_do_not_count(bureau, ssj):
    for inspector in ERGU_INSPECTORS[:5]:
        set_inspector(bureau, inspector, cert_expires="2026-11-30")  # expired the day before the draw
    refused(draw(ssj, bureau), "只有 1 名")
    set_inspector(bureau, "RZ005", cert_expires="2026-12-01")  # valid through the draw date
    record = json.loads(draw(ssj, bureau, "--json").out)
    assert record["inspectors"]["eligible"] == ["RZ005", "RZ010"]


def test_usage_error_exit_2(bureau, ssj):
    result = ssj(bureau, "draw", "--section", "二股", "--no-such-option")
    assert result.code == 2
    assert "用法错误" in result.err and "没有这个选项" in result.err and "Traceback" not in result.err


# ---------------------------------------------------------------------------------------------------
# Conflicts in the assignment (declared in data/inspectors.yaml)
# ---------------------------------------------------------------------------------------------------

def test_conflicted_team_skipped_for_its_company(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json", ratio="1").out)
    assert record["conflicts"] == [{"inspector": "RZ007", "entity": "91410482MA49FJDGXD"}]
    teams = record["inspectors"]["teams"]
    position = [a["entity"] for a in record["assignments"]].index("91410482MA49FJDGXD")
    given = record["assignments"][position]["team"]
    assert "RZ007" not in teams[given]
    rz007 = next(j for j, team in enumerate(teams) if "RZ007" in team)
    expected = position % 3 if position % 3 != rz007 else (position + 1) % 3
    assert given == expected


# ---------------------------------------------------------------------------------------------------
# void
# ---------------------------------------------------------------------------------------------------

def test_void(bureau, ssj):
    first = json.loads(draw(ssj, bureau, "--json").out)
    result = ssj(bureau, "void", "二股-0", "--reason", " 名单导入有误 ", "--operator", "张三", "--json")
    assert result.code == 0, result.err
    void = json.loads(result.out)
    assert void["type"] == "void" and void["draw"] == first["hash"] and void["reason"] == "名单导入有误"
    assert void["operator"] == "张三" and void["seq"] == 1 and void["prev"] == first["hash"]
    assert "已作废" in ssj(bureau, "show", "二股-0").out
    before = snapshot(bureau)
    refused(ssj(bureau, "void", "二股-0", "--reason", "再作废一次"), "二股-0 已于", "作废（名单导入有误）")
    refused(ssj(bureau, "void", "二股-1", "--reason", "x"), "二股-1 是一条“void”记录：只能作废抽取或抽取公告")
    refused(ssj(bureau, "void", "二股-9", "--reason", "x"), "没有记录 二股-9", "最后一条是 二股-1")
    refused(ssj(bureau, "void", "二股 3", "--reason", "x"), "格式不对")
    assert snapshot(bureau) == before
    assert draw(ssj, bureau).code == 0


def test_void_needs_a_reason(bureau, ssj):
    draw(ssj, bureau)
    before = snapshot(bureau)
    refused(ssj(bureau, "void", "二股-0", "--reason", "  "), "作废必须写明原因")
    assert snapshot(bureau) == before


# ---------------------------------------------------------------------------------------------------
# recuse (第十七条): teams of 4 leave a reserve of 2 in 二股
# ---------------------------------------------------------------------------------------------------

def team_of_four(ssj, root, seed=SEED):
    record = json.loads(draw(ssj, root, "--json", "--team-size", "4", seed=seed).out)
    order = ranked(ERGU_INSPECTORS, seed + "|inspectors")
    assert record["inspectors"]["teams"] == [order[:4]] and record["inspectors"]["reserve"] == order[4:]
    return record, order[:4], order[4:]


def recuse(ssj, root, inspector, entity=KEY_COMPANY, reason="利害关系回避", *extra):
    return ssj(root, "recuse", "二股-0", "--inspector", inspector, "--entity", entity, "--reason", reason, *extra)


def test_recusal_replaces_from_the_reserve_and_never_brings_back_who_stepped_aside(bureau, ssj):
    record, team, (e, f) = team_of_four(ssj, bureau)
    first = recuse(ssj, bureau, team[0])
    assert first.code == 0, first.err
    assert re.search(f"由备选人员\\w+（{e}）替换", first.out)
    second = json.loads(recuse(ssj, bureau, e, KEY_COMPANY, "因故不能执行检查", "--json").out)
    assert (second["inspector"], second["replacement"], second["reason"]) == (e, f, "因故不能执行检查")
    assert second["draw"] == record["hash"] and second["entity"] == KEY_COMPANY
    before = snapshot(bureau)
    third = recuse(ssj, bureau, f)  # e is not in the team any more but stepped aside: nobody is left
    refused(third, "备选人员中没有可替换", f"（{f}）的人", "未作任何记录", "第十七条")
    assert snapshot(bureau) == before
    # the reserve may serve in several teams: e replaces for another company
    other = json.loads(recuse(ssj, bureau, team[1], OTHER_KEY_COMPANY, "其他", "--json").out)
    assert other["replacement"] == e
    assert [r["type"] for r in records_of(bureau)] == ["draw", "recusal", "recusal", "recusal"]
    shown = ssj(bureau, "show", "二股-0").out
    assert f"（单位 {KEY_COMPANY}，利害关系回避）" in shown and f"（单位 {KEY_COMPANY}，因故不能执行检查）" in shown
    assert f"（单位 {OTHER_KEY_COMPANY}，其他）" in shown
    assert ssj(bureau, "verify-ledger").code == 0


def test_recusal_skips_a_reserve_inspector_with_a_conflict(bureau, ssj):
    order = ranked(ERGU_INSPECTORS, SEED + "|inspectors")
    def change(content):
        person = next(p for p in content["inspectors"] if p["id"] == order[4])
        person.setdefault("conflicts", []).append({"entity": KEY_COMPANY, "reason": "测试：亲属任职"})
    edit_yaml(bureau / "data/inspectors.yaml", change)
    record, team, (e, f) = team_of_four(ssj, bureau)
    assert {"inspector": e, "entity": KEY_COMPANY} in record["conflicts"]
    result = json.loads(recuse(ssj, bureau, team[2], KEY_COMPANY, "其他", "--json").out)
    assert result["replacement"] == f
    before = snapshot(bureau)
    refused(recuse(ssj, bureau, team[3]), "备选人员中没有可替换")  # f serves, e conflicts
    assert snapshot(bureau) == before


def test_recusal_refusals(bureau, ssj):
    _, team, (e, _) = team_of_four(ssj, bureau)
    before = snapshot(bureau)
    refused(recuse(ssj, bureau, team[0], KEY_COMPANY, "身体不适"), "回避原因只能选：利害关系回避、因故不能执行检查、其他")
    refused(recuse(ssj, bureau, e), f"（{e}）不在单位 汝州市宝嘉新材料科技有限公司（{KEY_COMPANY}）的检查组中")
    refused(recuse(ssj, bureau, team[0], "91410482MA40RRDH7X"), "不在这次抽取的结果中")
    assert snapshot(bureau) == before
    assert ssj(bureau, "void", "二股-0", "--reason", "重抽").code == 0
    refused(recuse(ssj, bureau, team[0]), "已于", "作废", "不能再操作")


def test_no_reserve_at_all(bureau, ssj):
    draw(ssj, bureau)  # 33 companies, 6 inspectors: 3 teams, no reserve
    record = records_of(bureau)[0]
    entity = record["assignments"][0]["entity"]
    member = record["inspectors"]["teams"][0][0]
    before = snapshot(bureau)
    result = ssj(bureau, "recuse", "二股-0", "--inspector", member, "--entity", entity, "--reason", "利害关系回避")
    refused(result, "备选人员中没有可替换", "未作任何记录")
    assert snapshot(bureau) == before


# ---------------------------------------------------------------------------------------------------
# log, show, targeted
# ---------------------------------------------------------------------------------------------------

def test_log(bureau, ssj):
    assert "台账中还没有记录" in ssj(bureau, "log").out
    draw(ssj, bureau)
    draw(ssj, bureau, seed="2")
    ssj(bureau, "void", "二股-0", "--reason", "测试作废")
    rows = json.loads(ssj(bureau, "log", "--json").out)
    assert [(r["address"], r["type"]) for r in rows] == [("二股-2", "void"), ("二股-1", "draw"), ("二股-0", "draw")]
    assert rows[1]["fairness"] == "operator" and rows[0]["reason"] == "测试作废"
    assert json.loads(ssj(bureau, "log", "--json", "--limit", "1").out)[0]["address"] == "二股-2"
    table = ssj(bureau, "log").out
    assert "二股-0" in table and "作废" in table and "随机抽取" in table
    assert "台账中还没有记录" in ssj(bureau, "log", "--section", "一股").out


def test_show_and_printable_sheet(bureau, ssj, tmp_path):
    record = json.loads(draw(ssj, bureau, "--json").out)
    shown = ssj(bureau, "show", "二股-0")
    assert shown.code == 0
    assert SEED in shown.out and "操作员输入" in shown.out and "抽取记录 二股-0" in shown.out
    assert json.loads(ssj(bureau, "show", "ergu-0", "--json").out) == record
    sheet = tmp_path / "记录表.html"
    result = ssj(bureau, "show", "二股-0", "--html", str(sheet))
    assert result.code == 0 and sheet.exists()
    page = sheet.read_text(encoding="utf-8")
    assert SEED in page and "操作员输入" in page and record["hash"] in page
    assert "操作人签字" in page and "监督人签字" in page
    assert all(a["entity"] in page for a in record["assignments"])
    assert "赵建军" in page and "41048220230021" in page  # inspector name and 执法证号
    refused(ssj(bureau, "show", "二股-5"), "没有记录 二股-5")


def targeted(ssj, root, *extra, entity="91410482MA49FJDGXD", inspectors=("RZ005", "RZ006"), basis="投诉举报"):
    args = ["targeted", "--section", "二股", "--basis", basis, "--reference", "汝应急〔2026〕88号", "--reason", "群众举报",
            "--entity", entity, *DAY]
    for person in inspectors:
        args += ["--inspector", person]
    return ssj(root, *args, *extra)


def test_targeted(bureau, ssj):
    result = targeted(ssj, bureau, "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["type"] == "targeted" and record["basis"] == "投诉举报" and record["reference"] == "汝应急〔2026〕88号"
    assert record["entities"] == ["91410482MA49FJDGXD"] and record["inspectors"] == ["RZ005", "RZ006"]
    assert record["date"] == "2026-12-01" and record["section"] == "ergu"
    assert "seed" not in record and "fairness" not in record
    # a targeted inspection is not a draw and does not use up the plan's frequency
    for n in range(4):
        assert draw(ssj, bureau, seed=str(n)).code == 0
    assert ssj(bureau, "verify-ledger").code == 0


@pytest.mark.parametrize(("kwargs", "phrase"), [
    ({"basis": "领导交办"}, "非随机检查的依据只能是：投诉举报、上级交办、移送线索"),
    ({"inspectors": ("RZ005",)}, "检查组至少 2 名执法人员"),
    ({"inspectors": ("RZ005", "RZ005")}, "检查组至少 2 名执法人员"),
    ({"inspectors": ("RZ005", "RZ007")}, "熊斌（RZ007）与单位 91410482MA49FJDGXD 有申报的利害关系"),
    ({"inspectors": ("RZ005", "RZ004")}, "邹超（RZ004）不在岗或执法证在 2026-12-01 无效"),
    ({"inspectors": ("RZ005", "RZ999")}, "没有工号 RZ999"),
    ({"entity": "92410482MA4FLXCGXA"}, "行业“非煤矿山”不归安全监管二股监管"),
    ({"entity": "91410482MA49FJDGX0"}, "不在监管对象名录库中"),
])
def test_targeted_refusals(bureau, ssj, kwargs, phrase):
    before = snapshot(bureau)
    refused(targeted(ssj, bureau, **kwargs), phrase)
    assert snapshot(bureau) == before


def test_a_back_dated_draw_is_refused_and_writes_nothing(bureau, clock, capsys):
    # main() directly: the ``ssj`` fixture runs a dated draw on its date, which is exactly what is refused here.
    from shuangsuiji.cli import main

    clock.set("2026-12-05")
    before = snapshot(bureau)
    code = main(["--repo", str(bureau), "draw", "--section", "二股", "--ratio", "0.1", "--seed", "42", "--date", "2026-12-04"])
    assert code == 1
    assert "抽取日期 2026-12-04 早于今天（2026-12-05）：不得补录或倒签抽取" in capsys.readouterr().err
    assert snapshot(bureau) == before


def test_announced_draw_accepts_equal_options_and_refuses_contradicting_ones(bureau, ssj):
    announce(ssj, bureau)
    refused(ssj(bureau, "draw", "--announcement", "二股-0", "--section", "一股", "--seed", "1"),
            "--section 与公告不一致（公告的科室为 ergu）")
    refused(ssj(bureau, "draw", "--announcement", "二股-0", "--ratio", "0.2", "--seed", "1"), "--ratio 与公告不一致（公告为 0.1）")
    result = ssj(bureau, "draw", "--announcement", "二股-0", "--section", "二股", "--ratio", "10%", "--seed", "1", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["ratio"] == "0.1"


def test_an_unused_announcement_can_be_voided_and_then_not_drawn_on(bureau, ssj):
    announce(ssj, bureau)
    assert ssj(bureau, "void", "二股-0", "--reason", "彩票停开，改期公告").code == 0
    refused(ssj(bureau, "draw", "--announcement", "二股-0", "--seed", "1"), "公告 二股-0 已作废")
    assert ssj(bureau, "verify-ledger").code == 0


def test_a_used_announcement_cannot_be_voided(bureau, ssj):
    announce(ssj, bureau)
    assert ssj(bureau, "draw", "--announcement", "二股-0", "--seed", "1").code == 0
    refused(ssj(bureau, "void", "二股-0", "--reason", "x"), "公告 二股-0 已用于抽取 二股-1：请作废那次抽取")
