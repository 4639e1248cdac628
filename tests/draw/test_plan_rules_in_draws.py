"""Rules around a draw that reviewers and testers found missing: committed inputs byte for byte (CRLF),
announced draws (one canonical seed per lottery result, one pending announcement, announced conflicts), draw dates, no void or recusal once
the checks have begun, recusal by name, readable ``show``/``log`` for every record type, and small usability
points (``--team-size 0``, full-width ratios, record addresses, usage errors)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
import rfc8785
import yaml

from shuangsuiji.core.seeds import SeedError, announced_seed, canonical_result, check_announced_seed
from shuangsuiji.draw.parameters import plan_years
from shuangsuiji.errors import RuleError
from shuangsuiji.ledger.writing import GitState, blob_id, git_state, stamp, write
from shuangsuiji.workspace import Workspace
from tests.draw.test_draw_command import (
    AFTER_THE_LOTTERY,
    AGAIN,
    ANNOUNCED_DAY,
    DAY,
    ERGU_INSPECTORS,
    KEY_COMPANY,
    NOT_BEFORE,
    RESULT_SEED,
    SEED,
    SOURCE,
    draw,
    draw_announced,
    edit_yaml,
    only_two_inspectors,
    records_of,
    refused,
    set_inspector,
    team_of_four,
)
from tests.helpers import REPO, assigned, expanded, git, id_list, snapshot

ENTITIES = "data/entities/危险化学品.yaml"
SSQ = {"game": "双色球", "period": "2026140"}


def announce(ssj, root, *extra, date=ANNOUNCED_DAY, source=SOURCE, not_before=NOT_BEFORE):
    return ssj(root, "announce", "--section", "二股", "--ratio", "0.1", "--date", date, "--source", source,
               "--not-before", not_before, *extra)


def announced(ssj, root, *extra, **kwargs) -> dict:
    result = announce(ssj, root, "--json", *extra, **kwargs)
    assert result.code == 0, result.err
    return json.loads(result.out)


def committed_bytes(root: Path, rel: str) -> bytes:
    return subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=root, capture_output=True, check=True).stdout


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def lf_bureau(git_bureau: Path) -> Path:
    """The git bureau with the repository's ``.gitattributes`` (data and plans kept with LF, as ``ssj init`` does)."""
    (git_bureau / ".gitattributes").write_bytes((REPO / ".gitattributes").read_bytes())
    git(git_bureau, "add", ".gitattributes")
    git(git_bureau, "commit", "-q", "-m", "LF 行尾")
    return git_bureau


def save_with_crlf(path: Path) -> None:
    raw = path.read_bytes()
    assert b"\r" not in raw
    path.write_bytes(raw.replace(b"\n", b"\r\n"))


# ---------------------------------------------------------------------------------------------------
# 1. Input files must be byte for byte what HEAD holds (a CRLF copy that git stores as LF)
# ---------------------------------------------------------------------------------------------------

def test_blob_id_is_gits_object_id(git_bureau):
    raw = (git_bureau / ENTITIES).read_bytes()
    assert blob_id(raw) == git(git_bureau, "hash-object", "--no-filters", ENTITIES).strip()


def test_crlf_copy_that_git_stores_as_lf_is_refused_and_writes_nothing(lf_bureau, ssj):
    path = lf_bureau / ENTITIES
    save_with_crlf(path)
    git(lf_bureau, "add", "-A")
    git(lf_bureau, "commit", "-q", "--allow-empty", "-m", "用 Windows 记事本另存")
    assert git(lf_bureau, "status", "--porcelain") == ""  # git sees nothing to commit ...
    assert b"\r" not in committed_bytes(lf_bureau, ENTITIES)  # ... because it stored the file with LF
    base, before = head(lf_bureau), snapshot(lf_bureau)
    result = draw(ssj, lf_bureau)
    refused(result, "数据文件的字节与 git 中保存的不同", ENTITIES, "CRLF", f"git rm --cached {ENTITIES}",
            f"git checkout HEAD -- {ENTITIES}", "--allow-dirty")
    assert snapshot(lf_bureau) == before and head(lf_bureau) == base
    assert not (lf_bureau / "data/ledger/ergu/2026.jsonl").exists()
    # the fix the message names restores the committed LF bytes, and then the draw verifies
    git(lf_bureau, "rm", "-q", "--cached", ENTITIES)
    git(lf_bureau, "checkout", "HEAD", "--", ENTITIES)
    assert path.read_bytes() == committed_bytes(lf_bureau, ENTITIES)
    assert draw(ssj, lf_bureau).code == 0
    assert ssj(lf_bureau, "verify-ledger").code == 0


def test_crlf_copy_with_a_committed_change_is_refused_too(lf_bureau, ssj):
    path = lf_bureau / ENTITIES
    path.write_text(path.read_text(encoding="utf-8").replace("汝州市宝嘉新材料科技有限公司", "汝州市宝嘉新材料有限公司"),
                    encoding="utf-8", newline="\r\n")
    git(lf_bureau, "commit", "-q", "-am", "改名（CRLF）")
    assert git(lf_bureau, "status", "--porcelain") == ""
    before = snapshot(lf_bureau)
    refused(draw(ssj, lf_bureau), "字节与 git 中保存的不同", ENTITIES)
    refused(announce(ssj, lf_bureau), "字节与 git 中保存的不同", ENTITIES)
    refused(ssj(lf_bureau, "targeted", "--section", "二股", "--basis", "投诉举报", "--reference", "汝应急〔2026〕88号",
                "--reason", "群众举报", "--entity", "91410482MA49FJDGXD", "--inspector", "RZ005", "--inspector", "RZ006",
                *DAY), "字节与 git 中保存的不同")
    assert snapshot(lf_bureau) == before


def test_allow_dirty_draws_on_a_crlf_file_and_says_so(lf_bureau, ssj):
    save_with_crlf(lf_bureau / ENTITIES)
    git(lf_bureau, "add", "-A")
    result = draw(ssj, lf_bureau, "--allow-dirty", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["dirty"] is True


def test_git_state_checks_every_committed_yaml_file_when_not_told_which_were_read(lf_bureau):
    """``publish`` calls git_state without the files it read: every YAML file HEAD holds is compared."""
    save_with_crlf(lf_bureau / "plans/2026.yaml")
    git(lf_bureau, "add", "-A")
    with pytest.raises(RuleError, match="plans/2026.yaml"):
        git_state(Workspace(lf_bureau), require_clean=True)
    assert git_state(Workspace(lf_bureau), require_clean=False).dirty == []  # void and recusal read no data


def test_an_ignored_input_file_is_refused(git_bureau, ssj):
    (git_bureau / ".gitignore").write_text(".ssj/\ndata/credit.yaml\n", encoding="utf-8")
    git(git_bureau, "rm", "-q", "--cached", "data/credit.yaml")
    git(git_bureau, "commit", "-q", "-am", "忽略诚信档案")
    refused(draw(ssj, git_bureau), "不在 git 的最新提交中：data/credit.yaml", ".gitignore")


# ---------------------------------------------------------------------------------------------------
# 2. Announced draws
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "03 08 12 19 25 31 + 07", "03,08,12,19,25,31+07", "3 8 12 19 25 31+7", "31 25 19 12 08 03 + 07",
    "０３ ０８ １２ １９ ２５ ３１ ＋ ０７", "03、08、12、19、25、31 + 07", " 03 08 12 19 25 31 +07 ",
])
def test_one_lottery_result_gives_exactly_one_seed(typed):
    assert canonical_result(SSQ, typed) == RESULT_SEED
    assert announced_seed([SSQ], [typed]) == RESULT_SEED


@pytest.mark.parametrize("typed", [
    "03081219253107",                         # the old rule's digits-only form: no longer a result
    "第2026140期 03 08 12 19 25 31 + 07",      # the period number typed along
    "03 08 12 19 25 31 + 07 (备注 999)",       # extra digits
    "红球 03 08 12 19 25 31 蓝球 07",          # words
    "03 08 12 19 25 + 07",                     # five red balls
    "03 08 12 19 25 31 32 + 07",               # seven
    "03 08 12 19 25 31",                       # no blue ball
    "03 08 12 19 25 31 + 07 + 09",             # two blue balls
    "03 03 12 19 25 31 + 07",                  # a red ball twice
    "00 08 12 19 25 31 + 07", "03 08 12 19 25 34 + 07", "03 08 12 19 25 31 + 17",  # out of range
    "003 08 12 19 25 31 + 07",                 # three digits
    "见开奖公告", "",
])
def test_anything_but_a_valid_result_is_refused(typed):
    with pytest.raises(SeedError, match="不是一期双色球的开奖号码"):
        canonical_result(SSQ, typed)


@pytest.mark.parametrize(("source", "typed", "seed"), [
    ({"game": "大乐透", "period": "2026140"}, "35 01 12 07 22 + 12 03", "大乐透2026140:01 07 12 22 35+03 12"),
    ({"game": "七乐彩", "period": "2026140"}, "01 02 03 04 05 06 30 + 7", "七乐彩2026140:01 02 03 04 05 06 30+07"),
    ({"game": "排列五", "period": "2026330"}, "5 4 3 2 1", "排列五2026330:5 4 3 2 1"),  # digit games keep draw order
    ({"game": "排列三", "period": "2026330"}, "907", "排列三2026330:9 0 7"),
    ({"game": "福彩3D", "period": "2026330"}, "0 0 7", "福彩3D2026330:0 0 7"),
])
def test_the_other_games_have_one_canonical_form_too(source, typed, seed):
    assert canonical_result(source, typed) == seed
    check_announced_seed(seed, [source])  # what both verifiers accept


@pytest.mark.parametrize(("source", "typed"), [
    ({"game": "七乐彩", "period": "2026140"}, "01 02 03 04 05 06 30 + 06"),  # special number among the seven
    ({"game": "大乐透", "period": "2026140"}, "01 07 12 22 35 + 03 03"),
    ({"game": "排列五", "period": "2026330"}, "1 2 3 4 10"),
    ({"game": "排列三", "period": "2026330"}, "9 0"),
])
def test_the_other_games_refuse_what_they_cannot_draw(source, typed):
    with pytest.raises(SeedError, match="不是一期"):
        canonical_result(source, typed)


def test_a_recorded_seed_must_be_the_canonical_result_of_its_sources():
    check_announced_seed(RESULT_SEED, [SSQ])
    for seed in ("双色球2026140:31 25 19 12 08 03+07", "双色球2026140:3 8 12 19 25 31+7", "双色球2026141:03 08 12 19 25 31+07",
                 RESULT_SEED + "|" + RESULT_SEED):
        with pytest.raises(SeedError):
            check_announced_seed(seed, [SSQ])


def test_announced_draws_of_the_same_numbers_written_differently_are_the_same(bureau, ssj, clock, tmp_path):
    import shutil

    twin = tmp_path / "twin"
    shutil.copytree(bureau, twin)
    notes = [announced(ssj, root) for root in (bureau, twin)]
    assert notes[0] == notes[1] and notes[0]["sources"] == [SSQ]
    clock.set(AFTER_THE_LOTTERY)
    first = json.loads(draw_announced(ssj, bureau, "--json", seed="03 08 12 19 25 31 + 07").out)
    second = json.loads(draw_announced(ssj, twin, "--json", seed="31,25,19,12,08,03+07").out)
    assert first["seed"] == second["seed"] == RESULT_SEED
    assert first == second
    assert ssj(bureau, "verify-ledger").code == 0


def test_announced_draw_with_a_seed_that_is_no_result_writes_nothing(bureau, ssj, clock):
    announced(ssj, bureau)
    clock.set(AFTER_THE_LOTTERY)
    before = snapshot(bureau)
    for typed in ("见开奖公告", "03081219253107", "12345"):
        refused(draw_announced(ssj, bureau, seed=typed), f"“{typed}”不是一期双色球的开奖号码")
    assert snapshot(bureau) == before


def test_operator_seeds_keep_their_text(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json", seed="03 08 12").out)
    assert record["seed"] == "03 08 12" and record["fairness"] == "operator"


def test_one_pending_announcement_per_plan_item(bureau, ssj, clock):
    announced(ssj, bureau)
    before = snapshot(bureau)
    refused(announce(ssj, bureau), "计划事项 2026-ergu-01 已有一条待抽取的公告 二股-0", "ssj void 二股-0")
    assert snapshot(bureau) == before
    assert ssj(bureau, "void", "二股-0", "--reason", "开奖改期").code == 0
    announced(ssj, bureau)  # 二股-2: the voided one is no longer pending
    clock.set(AFTER_THE_LOTTERY)
    assert draw_announced(ssj, bureau, note="二股-2").code == 0
    # 二股-4: the used one is no longer pending either (a new announcement names a later result)
    announced(ssj, bureau, date="2026-12-15", source="双色球:2026143", not_before="2026-12-15T21:30")
    assert [r["type"] for r in records_of(bureau)] == ["announce", "void", "announce", "draw", "announce"]


def test_a_pending_announcement_counts_toward_the_frequency(bureau, ssj, clock):
    for n in range(3):
        assert draw(ssj, bureau, *AGAIN, seed=str(n)).code == 0
    announced(ssj, bureau)  # 二股-3: the fourth of four
    before = snapshot(bureau)
    refused(draw(ssj, bureau, *AGAIN, seed="9"), "频次已用完", "已抽取 3 次", "待抽取的公告 二股-3")
    assert snapshot(bureau) == before
    clock.set(AFTER_THE_LOTTERY)
    result = draw_announced(ssj, bureau, "--json", note="二股-3")
    assert result.code == 0, result.err  # the announcement itself may still be drawn on (7 days after the others)
    refused(announce(ssj, bureau, date="2026-12-15", source="双色球:2026143", not_before="2026-12-15T21:30"),
            "频次已用完", "已抽取 4 次")


def test_conflicts_are_announced_and_a_new_conflict_refuses_the_draw(bureau, ssj, clock):
    note = announced(ssj, bureau)
    people = yaml.safe_load((bureau / "data/inspectors.yaml").read_text(encoding="utf-8"))["inspectors"]
    # recompute from the announcement alone: its lists name the population and the pool
    population = {i for s in expanded(bureau, note)["strata"] for i in s["population"]}
    pool = set(note["inspectors"]["eligible"])
    pairs = sorted((p["id"], c["entity"]) for p in people for c in p.get("conflicts") or []
                   if p["id"] in pool and c["entity"] in population)
    assert pairs == [("RZ007", "91410482MA49FJDGXD")]
    assert [(c["inspector"], c["entity"]) for c in note["conflicts"]] == pairs
    # a conflict declared after the announcement would change the announced draw: refused
    def declare(content):
        person = next(p for p in content["inspectors"] if p["id"] == "RZ005")
        person.setdefault("conflicts", []).append({"entity": KEY_COMPANY, "reason": "测试：近亲属任职"})
    edit_yaml(bureau / "data/inspectors.yaml", declare)
    clock.set(AFTER_THE_LOTTERY)
    before = snapshot(bureau)
    refused(draw_announced(ssj, bureau), "申报的利害关系", "自公告后有变化", "不能按该公告抽取")
    assert snapshot(bureau) == before


def test_announce_refuses_allow_dirty(git_bureau, ssj):
    before = snapshot(git_bureau)
    assert git(git_bureau, "status", "--porcelain") == ""  # refused although nothing is dirty
    refused(announce(ssj, git_bureau, "--allow-dirty"), "抽取公告不能加 --allow-dirty", "已提交")
    assert snapshot(git_bureau) == before


# ---------------------------------------------------------------------------------------------------
# 3. Dates
# ---------------------------------------------------------------------------------------------------

def run_today(root: Path, capsys, *args: str):
    """ssj run on the frozen day itself, whatever ``--date`` says (the ``ssj`` fixture runs dated draws on their date)."""
    from shuangsuiji.cli import main

    capsys.readouterr()
    code = main(["--repo", str(root), *args])
    return code, capsys.readouterr()


@pytest.mark.parametrize("day", ["2027-01-04", "2026-12-31", "2026-12-02"])
def test_a_draw_may_not_be_dated_ahead(bureau, capsys, day):
    """A draw is made on the day it is dated (issue 11: no draw is looked at before its day); the future is
    what ``ssj announce`` is for."""
    before = snapshot(bureau)
    code, captured = run_today(bureau, capsys, "draw", "--section", "二股", "--ratio", "0.1", "--seed", SEED, "--date", day)
    assert code == 1
    assert f"抽取日期 {day} 晚于今天（2026-12-01）：抽取只能在当天进行" in captured.err
    assert "ssj announce" in captured.err
    assert snapshot(bureau) == before
    code, captured = run_today(bureau, capsys, "draw", "--section", "二股", "--ratio", "0.1", "--seed", SEED,
                               "--date", "2026-12-01", "--json")
    assert code == 0, captured.err  # today is fine, written or not
    assert json.loads(captured.out)["date"] == "2026-12-01"


def test_announce_for_next_year_is_allowed_but_not_for_yesterday(bureau, capsys):
    before = snapshot(bureau)
    code, captured = run_today(bureau, capsys, "announce", "--section", "二股", "--date", "2026-11-30",
                               "--source", SOURCE, "--not-before", NOT_BEFORE)
    assert code == 1
    assert "公告的抽取日期 2026-11-30 早于今天（2026-12-01）" in captured.err
    assert snapshot(bureau) == before
    code, captured = run_today(bureau, capsys, "announce", "--section", "二股", "--date", "2027-01-04",
                               "--source", "双色球:2027002", "--not-before", "2027-01-05T21:30")
    assert code == 0, captured.err
    assert records_of(bureau)[0]["plan_item"] == "2027-ergu-01"


def test_an_announced_draw_waits_for_its_numbers_and_its_date(bureau, ssj, clock):
    announced(ssj, bureau, date="2026-12-05", not_before="2026-12-04T21:30")
    before = snapshot(bureau)
    refused(draw_announced(ssj, bureau), "公告规定的开奖时间是 2026-12-04T21:30:00+08:00", "号码还未公布")
    clock.set("2026-12-04T22:00")  # the numbers are out, but the announced day has not come
    refused(draw_announced(ssj, bureau), "公告的抽取日期是 2026-12-05", "还不能")
    assert snapshot(bureau) == before
    clock.set("2026-12-05")
    assert draw_announced(ssj, bureau).code == 0


def test_an_announced_draw_up_to_30_days_after_its_date_is_accepted_and_verifies(bureau, ssj, clock):
    announced(ssj, bureau)
    clock.set("2027-01-07T22:00")  # 30 days after the announced day (ANNOUNCED_DRAW_LAG_DAYS)
    assert draw_announced(ssj, bureau).code == 0
    assert ssj(bureau, "verify-ledger").code == 0


def test_an_announced_draw_more_than_30_days_after_its_date_is_refused(bureau, ssj, clock):
    """The announcement's lists and rotation pairs describe its day: a draw on it more than 30 days later is
    stale, and the verifiers reject it; ssj must refuse it rather than write a record that never verifies."""
    announced(ssj, bureau)
    clock.set("2027-01-08T22:00")  # 31 days after the announced day
    before = snapshot(bureau)
    result = draw_announced(ssj, bureau)
    assert ssj(bureau, "verify-ledger").code == 0  # whatever ssj did, the ledger still verifies ...
    refused(result, "30 天")  # ... because it refused, saying why
    assert snapshot(bureau) == before


# ---------------------------------------------------------------------------------------------------
# 4. No void once a report exists or a result is published; no recusal once a check is finished
# ---------------------------------------------------------------------------------------------------

def new_report(ssj, root, entity) -> Path:
    result = ssj(root, "report", "new", "二股-0", entity)
    assert result.code == 0, result.err
    return root / f"data/reports/ergu/ergu-0-{entity}.yaml"


def set_report(path: Path, **fields) -> None:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    content.update(fields)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def publish_record(root: Path, draw_hash: str, entity: str) -> None:
    """What ``ssj publish`` appends to the bureau ledger, for one result (written the way every writer writes)."""
    at = dt.datetime.fromisoformat("2026-12-01T10:00:00+08:00")

    def build(index):
        return stamp("publish", at, "测试员", manifest_digest="0" * 64, sections=["ergu"], results=1,
                     published=[{"draw": draw_hash, "entity": entity}], commit=None, **{"from": None, "to": None})

    write(Workspace(root), "bureau", build, lambda record: "结果公开", GitState(False, None, []))


def test_void_refused_once_a_report_exists(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json").out)
    entity = assigned(record)[0]["entity"]
    path = new_report(ssj, bureau, entity)  # a draft is enough: the check has begun
    before = snapshot(bureau)
    refused(ssj(bureau, "void", "二股-0", "--reason", "重抽"), "二股-0 已有检查报告", path.relative_to(bureau).as_posix(),
            "不能作废")
    assert snapshot(bureau) == before
    path.unlink()  # a report made by mistake and removed: the draw may be voided
    assert ssj(bureau, "void", "二股-0", "--reason", "重抽").code == 0


def test_void_refused_once_a_result_is_published(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json").out)
    publish_record(bureau, record["hash"], assigned(record)[0]["entity"])
    before = snapshot(bureau)
    refused(ssj(bureau, "void", "二股-0", "--reason", "重抽"), "二股-0 已有 1 家单位的检查结果公开，不能作废")
    assert snapshot(bureau) == before


def test_recusal_refused_for_a_finished_report_but_not_a_draft(bureau, ssj):
    record, team, _ = team_of_four(ssj, bureau)
    path = new_report(ssj, bureau, KEY_COMPANY)
    set_report(path, status="已办结")
    before = snapshot(bureau)
    refused(ssj(bureau, "recuse", "二股-0", "--inspector", team[0], "--entity", KEY_COMPANY, "--reason", "其他"),
            "汝州市宝嘉新材料科技有限公司（914104826992660477）的检查报告已办结", "不能再回避替换")
    assert snapshot(bureau) == before
    set_report(path, status="草稿")
    assert ssj(bureau, "recuse", "二股-0", "--inspector", team[0], "--entity", KEY_COMPANY, "--reason", "其他").code == 0


def test_recusal_refused_once_the_result_is_published(bureau, ssj):
    record, team, _ = team_of_four(ssj, bureau)
    publish_record(bureau, record["hash"], KEY_COMPANY)
    refused(ssj(bureau, "recuse", "二股-0", "--inspector", team[0], "--entity", KEY_COMPANY, "--reason", "其他"),
            "检查结果已经公开，不能再回避替换")
    other = next(a["entity"] for a in assigned(record) if a["entity"] != KEY_COMPANY)
    assert ssj(bureau, "recuse", "二股-0", "--inspector", team[0], "--entity", other, "--reason", "其他").code == 0


# ---------------------------------------------------------------------------------------------------
# 5. Recusal by name; 工号 visible wherever a team is shown
# ---------------------------------------------------------------------------------------------------

def names_of(root: Path) -> dict[str, str]:
    people = yaml.safe_load((root / "data/inspectors.yaml").read_text(encoding="utf-8"))["inspectors"]
    return {p["id"]: p["name"] for p in people}


def test_recuse_by_name(bureau, ssj):
    _, team, (e, _) = team_of_four(ssj, bureau)
    names = names_of(bureau)
    result = ssj(bureau, "recuse", "二股-0", "--inspector", names[team[0]], "--entity", KEY_COMPANY, "--reason", "其他")
    assert result.code == 0, result.err
    assert records_of(bureau)[-1]["inspector"] == team[0]
    assert f"{names[team[0]]}（{team[0]}）回避，由后备人员{names[e]}（{e}）替换" in result.out


def test_recuse_by_an_ambiguous_or_unknown_name_refused(bureau, ssj):
    _, team, _ = team_of_four(ssj, bureau)
    names = names_of(bureau)
    set_inspector(bureau, team[1], name=names[team[0]])  # two inspectors of the draw now share a name
    before = snapshot(bureau)
    refused(ssj(bureau, "recuse", "二股-0", "--inspector", names[team[0]], "--entity", KEY_COMPANY, "--reason", "其他"),
            f"姓名“{names[team[0]]}”对应多名执法人员", f"（{team[0]}）", f"（{team[1]}）", "请改用工号")
    refused(ssj(bureau, "recuse", "二股-0", "--inspector", "无此人", "--entity", KEY_COMPANY, "--reason", "其他"),
            "没有工号或姓名为“无此人”的人员")
    assert snapshot(bureau) == before


def test_no_reserve_left_suggests_borrowing_or_a_public_void_and_redraw(bureau, ssj):
    only_two_inspectors(bureau)
    record = json.loads(draw(ssj, bureau, "--json").out)  # 1 team of 2, nobody in reserve
    member, entity = record["inspectors"]["teams"][0][0], assigned(record)[0]["entity"]
    refused(ssj(bureau, "recuse", "二股-0", "--inspector", member, "--entity", entity, "--reason", "其他"),
            f"（{member}）的人", "ssj recuse 二股-0 … --from-section 执法大队", "作废这次抽取后重新抽取",
            "ssj void 二股-0", "都会公开", "第十七条")


def test_draw_table_shows_name_staff_number_and_certificate_and_whole_codes(bureau, ssj, monkeypatch):
    record = json.loads(draw(ssj, bureau, "--json").out)
    shown = ssj(bureau, "show", "二股-0").out  # 80 columns
    for assignment in assigned(record):
        assert assignment["entity"] in shown  # never folded over two lines
    monkeypatch.setenv("COLUMNS", "160")
    assert "赵建军（RZ005，41048220230021）" in ssj(bureau, "show", "二股-0").out


# ---------------------------------------------------------------------------------------------------
# 6. show for every record type; printable announcement; draw sheet
# ---------------------------------------------------------------------------------------------------

def test_show_announcement_in_words_and_as_a_printable_page(bureau, ssj, clock, tmp_path):
    note = announced(ssj, bureau)
    shown = ssj(bureau, "show", "二股-0")
    assert shown.code == 0 and "{" not in shown.out
    as_percent = {"0.1": "10%", "0.2": "20%", "0.05": "5%", "0.08": "8%", "0.03": "3%", "1": "100%"}  # as a clerk reads it
    counts = [f"{s['name']} {s['count']} 家（比例 {as_percent[s['ratio']]}）" for s in note["strata"] if s["count"]]
    for phrase in ("抽查比例下限：10%", "抽取公告 二股-0", "公告时间 2026-12-01 09:00", "计划事项：2026-ergu-01", f"抽取日期：{ANNOUNCED_DAY}",
                   "随机种子：取自 双色球第 2026140 期 的开奖号码（2026-12-08 21:30 之后开奖）", "每组 2 人，后备 1 人",
                   "执法人员：6 名", "状态：待抽取", *counts):
        assert phrase in shown.out, phrase
    page_file = tmp_path / "公告.html"
    result = ssj(bureau, "show", "二股-0", "--html", str(page_file))
    assert result.code == 0 and "已生成抽取公告" in result.out
    page = page_file.read_text(encoding="utf-8")
    for phrase in ("抽取公告", "安全监管二股", "2026-ergu-01", ANNOUNCED_DAY, "双色球第 2026140 期", "2026-12-08 21:30 之后开奖",
                   "公告时间 2026-12-01 09:00", "官方公布的开奖号码核对", "操作人签字", "监督人签字", note["hash"], *counts):
        assert phrase in page, phrase
    # the printed hash pins the lists: the record it names holds their digests, and each list file matches its digest
    assert json.loads(ssj(bureau, "show", "二股-0", "--json").out) == note
    for stratum in note["strata"]:
        assert hashlib.sha256(rfc8785.dumps(id_list(bureau, stratum["population"]))).hexdigest() == stratum["population"]
    clock.set(AFTER_THE_LOTTERY)
    assert draw_announced(ssj, bureau).code == 0
    assert "状态：已用于抽取 二股-1" in ssj(bureau, "show", "二股-0").out


def test_show_void_recusal_and_targeted_in_words(bureau, ssj, tmp_path):
    _, team, (e, _) = team_of_four(ssj, bureau)
    ssj(bureau, "recuse", "二股-0", "--inspector", team[0], "--entity", KEY_COMPANY, "--reason", "利害关系回避")
    draw(ssj, bureau, *AGAIN, seed="2")
    ssj(bureau, "void", "二股-2", "--reason", "测试作废")
    ssj(bureau, "targeted", "--section", "二股", "--basis", "投诉举报", "--reference", "汝应急〔2026〕88号",
        "--reason", "群众举报", "--entity", "91410482MA49FJDGXD", "--inspector", "RZ005", "--inspector", "RZ006", *DAY)
    names = names_of(bureau)
    recusal = ssj(bureau, "show", "二股-1").out
    assert "所属抽取：二股-0（随机抽取，2026-12-01）" in recusal
    assert f"回避人员：{names[team[0]]}（{team[0]}，" in recusal and f"替换人员：{names[e]}（{e}，" in recusal
    assert "检查对象：汝州市宝嘉新材料科技有限公司（914104826992660477）" in recusal and "回避类别：利害关系回避" in recusal
    void = ssj(bureau, "show", "二股-3").out
    assert "作废：二股-2（随机抽取，2026-12-01）" in void and "原因：测试作废" in void
    targeted = ssj(bureau, "show", "二股-4").out
    assert "非随机检查" in targeted and "依据：投诉举报（文书编号 汝应急〔2026〕88号）" in targeted
    assert "赵建军（RZ005，41048220230021）" in targeted and "汝州市锦锐加油站（91410482MA49FJDGXD）" in targeted
    for text in (recusal, void, targeted):
        assert "{" not in text
    page_file = tmp_path / "x.html"
    refused(ssj(bureau, "show", "二股-3", "--html", str(page_file)), "二股-3 是一条“作废”记录", "--html 只能")
    assert not page_file.exists()


def test_draw_sheet_has_strata_and_unbroken_codes(bureau, ssj, tmp_path):
    record = json.loads(draw(ssj, bureau, "--json").out)
    sheet = tmp_path / "记录表.html"
    assert ssj(bureau, "show", "二股-0", "--html", str(sheet)).code == 0
    page = sheet.read_text(encoding="utf-8")
    assert "<th>统一社会信用代码</th><th>分层</th><th>检查组</th>" in page
    assert "white-space: nowrap" in page
    for assignment in assigned(record):
        assert f"<span class=\"code\">{assignment['entity']}</span>" in page
    stratum = next(s["name"] for s in record["strata"] if s["selected"])
    assert f"<td data-label=\"分层\"><span class=\"nowrap\">{stratum}</span></td>" in page
    assert "公平性：人工输入：种子由操作人输入，外界无法证实没有多次尝试" in page
    assert "人工输入：人工输入" not in page and "人工输入——人工输入" not in page and page.count("公平性：") == 1


# ---------------------------------------------------------------------------------------------------
# 7. log
# ---------------------------------------------------------------------------------------------------

def test_log_names_what_a_void_or_recusal_refers_to(bureau, ssj, monkeypatch):
    _, team, _ = team_of_four(ssj, bureau)
    ssj(bureau, "recuse", "二股-0", "--inspector", team[0], "--entity", KEY_COMPANY, "--reason", "其他")
    ssj(bureau, "void", "二股-0", "--reason", "测试作废")
    rows = json.loads(ssj(bureau, "log", "--section", "二股", "--json").out)
    assert rows[0]["address"] == "二股-2" and rows[0]["detail"] == "作废 二股-0：测试作废"
    assert rows[1]["detail"].startswith("回避替换：") and f"（二股-0，{KEY_COMPANY}，其他）" in rows[1]["detail"]
    monkeypatch.setenv("COLUMNS", "160")
    assert "作废 二股-0：测试作废" in ssj(bureau, "log", "--section", "二股").out


def test_log_limit_zero_shows_everything(bureau, ssj):
    draw(ssj, bureau)
    draw(ssj, bureau, *AGAIN, seed="2")
    ssj(bureau, "void", "二股-0", "--reason", "测试作废")
    everything = ssj(bureau, "log", "--section", "二股", "--limit", "0")
    assert everything.code == 0 and "还没有记录" not in everything.out
    assert all(f"二股-{n}" in everything.out for n in range(3))
    assert len(json.loads(ssj(bureau, "log", "--section", "二股", "--json", "--limit", "0").out)) == 3
    one = ssj(bureau, "log", "--section", "二股", "--limit", "1").out
    assert "仅显示最新的 1 条，共 3 条" in one and "--limit 0 显示全部" in one


def test_describe_uses_addresses_when_given():
    from shuangsuiji.ledger.summary import describe

    void = {"type": "void", "draw": "a" * 64, "reason": "重抽"}
    assert describe(void) == "作废原因：重抽"
    assert describe(void, {"a" * 64: "二股-3"}) == "作废 二股-3：重抽"


# ---------------------------------------------------------------------------------------------------
# 8. Small things
# ---------------------------------------------------------------------------------------------------

def test_team_size_zero_refused_like_one(bureau, ssj):
    before = snapshot(bureau)
    for size in ("0", "1"):
        refused(draw(ssj, bureau, "--team-size", size), "每组至少 2 名执法人员（第十八条）")
    assert snapshot(bureau) == before


@pytest.mark.parametrize("typed", ["１０％", "０.１", "０．１", "10％"])
def test_full_width_ratio_on_the_command_line(bureau, ssj, typed):
    result = draw(ssj, bureau, "--json", ratio=typed)
    assert result.code == 0, result.err
    assert json.loads(result.out)["ratio"] == "0.1"


def test_the_written_record_is_named_by_address_and_line(bureau, ssj):
    draw(ssj, bureau)
    result = ssj(bureau, "void", "二股-0", "--reason", "测试")
    assert "已写入记录 二股-1（data/ledger/ergu/2026.jsonl 末行）" in result.out


def test_fairness_words_said_once(bureau, ssj):
    result = draw(ssj, bureau, seed=None)
    assert "公平性：系统随机：种子由操作人电脑生成，外界无法证实没有多次尝试" in result.out
    assert "系统随机：系统随机" not in result.out and result.out.count("公平性") == 1


def test_report_list_shows_company_name_and_review(bureau, ssj):
    record = json.loads(draw(ssj, bureau, "--json").out)
    entity = assigned(record)[0]["entity"]
    path = new_report(ssj, bureau, entity)
    set_report(path, status="已办结", major_violation=True)
    assert "待审理" in ssj(bureau, "report", "list").out
    result = ssj(bureau, "report", "review", str(path), "--decision", "依法处罚", "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "韩立新")
    assert result.code == 0, result.err
    listing = ssj(bureau, "report", "list")
    name = next(e["name"] for f in (bureau / "data/entities").glob("*.yaml")
                for e in yaml.safe_load(f.read_text(encoding="utf-8"))["entities"] if e["id"] == entity)
    assert "已审理" in listing.out and "待审理" not in listing.out
    assert name[:4] in listing.out  # the table may fold a long name
    rows = json.loads(ssj(bureau, "report", "list", "--json").out)
    assert rows[0]["name"] == name and rows[0]["reviewed"] is True and rows[0]["review_pending"] is False


def test_targeted_reason_help_says_it_is_published(bureau, ssj):
    assert "会随台账公开" in re.sub(r"[│\s]+", "", ssj(bureau, "targeted", "--help").out)


# ---------------------------------------------------------------------------------------------------
# 9. Structure: one output helper, the plan years decided in the core in the bureau's time zone
# ---------------------------------------------------------------------------------------------------

def test_plan_years():
    assert plan_years(dt.date(2026, 12, 1), None) == {2026}
    assert plan_years(dt.date(2026, 12, 1), dt.date(2027, 1, 4)) == {2026, 2027}


def test_plan_years_follow_the_bureaus_time_zone(bureau, ssj, clock):
    """At 20:00 on 31 December in Shanghai it is already 1 January at UTC+14: the draw is under 2027's plan,
    and a broken 2026 plan (whose year is over there) does not stop it."""
    bureau_yaml = bureau / "data/bureau.yaml"
    bureau_yaml.write_text(bureau_yaml.read_text(encoding="utf-8").replace("Asia/Shanghai", "Pacific/Kiritimati"),
                           encoding="utf-8")
    plan = bureau / "plans/2026.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("frequency: 4", "frequency: 四"), encoding="utf-8")
    clock.set("2026-12-31T20:00:00+08:00")
    result = ssj(bureau, "draw", "--section", "二股", "--ratio", "0.1", "--seed", SEED, "--json")
    assert result.code == 0, result.err
    record = json.loads(result.out)
    assert record["date"] == "2027-01-01" and record["plan_item"] == "2027-ergu-01"


def test_probe_checks_are_explicit_in_announce(bureau, ssj):
    for inspector in ERGU_INSPECTORS[1:]:
        set_inspector(bureau, inspector, active=False)
    before = snapshot(bureau)
    refused(announce(ssj, bureau), "符合条件的执法人员只有 1 名", "不足一组 2 人", "无法公告")
    refused(announce(ssj, bureau, "--team-size", "0"), "每组至少 2 名执法人员")
    assert snapshot(bureau) == before
