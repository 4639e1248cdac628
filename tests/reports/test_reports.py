"""Inspection reports (第十九条) and their central review (第二十条): ``ssj report new / evidence / review``,
the report schema, and the cross-checks ``ssj check`` runs on every report (each with its file:line)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.helpers import assigned, copy_example, ledger_records, snapshot, team_of

DAY = ("--date", "2026-12-01")
CHECK_DAY = "2026-12-03"
ERGU_COMPANY = "91410482MA41R30F3E"  # 汝州市锦祥涂料有限公司: first in ticket order of 二股-0 (seed 42)
YIGU_COMPANY = "91410482MA44BCQ49A"  # first company of 一股-0 (seed 42)
NOT_DRAWN = "91410482MA4D0GX26A"  # 汝州市金远水泥制品有限公司: 冶金工贸, never in an 二股 draw
CATEGORY = "发现问题已责令改正"
SERIOUS = "不配合检查情节严重"


# -- helpers -----------------------------------------------------------------------------------------

def records(root: Path, section: str) -> list[dict]:
    return ledger_records(root, section)


def report_rel(section: str, seq: int, entity: str) -> str:
    return f"data/reports/{section}/{section}-{seq}-{entity}.yaml"


def _yaml_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON value is a valid YAML flow value


def set_fields(path: Path, **values: object) -> str:
    """Replace top-level keys of a report file; lists are written one item per line (so items have lines)."""
    out: list[str] = []
    skipping = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if skipping and line.startswith("  "):
            continue
        skipping = False
        key = line.split(":", 1)[0]
        if not line.startswith(("#", " ")) and key in values:
            value = values.pop(key)
            skipping = True
            if isinstance(value, list) and value:
                out.append(f"{key}:")
                out += [f"  - {_yaml_value(item)}" for item in value]
            else:
                out.append(f"{key}: {_yaml_value(value)}")
            continue
        out.append(line)
    out += [f"{key}: {_yaml_value(value)}" for key, value in values.items()]
    text = "\n".join(out) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def finish(path: Path, **overrides: object) -> str:
    """Fill a prefilled report completely and mark it 已办结 (valid unless ``overrides`` break it)."""
    fields: dict[str, object] = {
        "status": "已办结", "check_dates": [CHECK_DAY], "findings": "库房内烟花爆竹超量存放约 2 箱",
        "result": CATEGORY, "handling": "责令当场清理超量存放的产品", "suggestions": "加强出入库登记",
        "rectification_deadline": "2027-01-10", "follow_up": ["责令限期整改"],
    }
    fields.update(overrides)
    return set_fields(path, **fields)


def line_of(path: Path, key: str, item: int | None = None) -> int:
    """1-based line of a top-level ``key`` (or of its ``item``-th list item)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(f"{key}:"))
    return start + 1 if item is None else start + 2 + item


def problem_lines(out: str, rel: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(rel)]


def check_ok(ssj, root: Path) -> str:
    result = ssj(root, "check")
    assert result.code == 0, result.out + result.err
    return result.out


def check_fails(ssj, root: Path) -> str:
    result = ssj(root, "check")
    assert result.code == 1, result.out + result.err
    return result.out


def run_quiet(root: Path, *args: str) -> None:
    """Run ssj in a module-scoped fixture (no capsys there)."""
    import contextlib
    import io

    from shuangsuiji.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--repo", str(root), *args])
    assert code == 0, out.getvalue() + err.getvalue()


# -- fixtures -------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def after_the_checks(clock):
    """Tests run on 2026-12-20, after the checks they record (a finished report may not be dated later)."""
    clock.set("2026-12-20")


@pytest.fixture(scope="module")
def drawn_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example bureau (outside git) after 二股-0, 一股-0 and a recusal 一股-1, built once per module."""

    root = tmp_path_factory.mktemp("reports") / "汝州"
    copy_example(root)
    run_quiet(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "42", *DAY)
    run_quiet(root, "draw", "--section", "一股", "--ratio", "0.1", "--seed", "42", *DAY)
    draw = records(root, "yigu")[0]
    run_quiet(root, "recuse", "一股-0", "--inspector", team_of(draw, YIGU_COMPANY)[0], "--entity", YIGU_COMPANY,
              "--reason", "利害关系回避")
    return root


@pytest.fixture
def drawn(drawn_template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "汝州"
    shutil.copytree(drawn_template, root)
    return root


@pytest.fixture
def ergu(drawn: Path) -> dict:
    return records(drawn, "ergu")[0]


def new_report(ssj, root: Path, draw: str = "二股-0", entity: str = ERGU_COMPANY) -> Path:
    result = ssj(root, "report", "new", draw, entity)
    assert result.code == 0, result.err
    section, seq = {"二股": ("ergu", 0), "一股": ("yigu", 0)}[draw.split("-")[0]]
    path = root / report_rel(section, seq, entity)
    assert f"已新建 {report_rel(section, seq, entity)}" in result.out
    return path


# -- report new -----------------------------------------------------------------------------------------

def test_new_report_is_prefilled_from_the_draw(drawn, ergu, ssj):
    path = new_report(ssj, drawn)
    text = path.read_text(encoding="utf-8")
    report = yaml.safe_load(text)
    checklist = {c["id"]: c for c in yaml.safe_load((drawn / "data/checklist.yaml").read_text(encoding="utf-8"))["items"]}
    people = {p["id"]: p for p in yaml.safe_load((drawn / "data/inspectors.yaml").read_text(encoding="utf-8"))["inspectors"]}
    team = team_of(ergu, ERGU_COMPANY)
    assert ergu["checklist_item"] == "C03"
    assert report == {
        "draw": "二股-0", "draw_hash": ergu["hash"], "section": "ergu", "entity": ERGU_COMPANY,
        "checklist_item": "C03", "status": "草稿", "check_dates": [], "method": "现场",
        "contents": checklist["C03"]["contents"], "inspectors": team,
        "findings": "", "result": "", "handling": "", "suggestions": "", "rectification_deadline": None,
        "follow_up": [], "follow_up_to": None,
        "evidence": [], "major_violation": False, "review": None, "rechecks": [], "materials": [], "closed": None,
    }
    # the header tells the team with their 执法证号, the company, and the result categories to choose from
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert "汝州市锦祥涂料有限公司" in header[0]
    assert header[1] == "# 检查组：" + "、".join(f"{people[i]['name']}（{people[i]['cert_no']}）" for i in team)
    categories = [c["name"] for c in yaml.safe_load((drawn / "data/bureau.yaml").read_text(encoding="utf-8"))["result_categories"]]
    assert header[3] == "#   " + "、".join(categories)
    # a fresh draft is valid: no report problem at all
    assert problem_lines(check_ok(ssj, drawn), "data/reports") == []


def test_new_report_takes_the_recusal_replacement_into_the_team(drawn, ssj):
    draw, recusal = records(drawn, "yigu")
    path = new_report(ssj, drawn, "一股-0", YIGU_COMPANY)
    inspectors = yaml.safe_load(path.read_text(encoding="utf-8"))["inspectors"]
    assert recusal["type"] == "recusal" and recusal["inspector"] in team_of(draw, YIGU_COMPANY)
    assert recusal["inspector"] not in inspectors and recusal["replacement"] in inspectors and len(inspectors) == 2


def test_new_report_refuses_a_voided_draw(drawn, ssj):
    assert ssj(drawn, "void", "二股-0", "--reason", "抽取参数有误").code == 0
    before = snapshot(drawn)
    result = ssj(drawn, "report", "new", "二股-0", ERGU_COMPANY)
    assert result.code == 1 and "已作废" in result.err and "不能为它填写检查报告" in result.err
    assert snapshot(drawn) == before


def test_new_report_refuses_a_company_not_drawn(drawn, ssj):
    before = snapshot(drawn)
    result = ssj(drawn, "report", "new", "二股-0", NOT_DRAWN)
    assert result.code == 1 and f"单位 {NOT_DRAWN} 不在 二股-0 的抽取结果中" in result.err
    assert snapshot(drawn) == before


def test_new_report_refuses_an_existing_report(drawn, ssj):
    path = new_report(ssj, drawn)
    path.write_text(path.read_text(encoding="utf-8").replace('findings: ""', 'findings: "已填写"'), encoding="utf-8")
    before = snapshot(drawn)
    result = ssj(drawn, "report", "new", "二股-0", ERGU_COMPANY)
    assert result.code == 1 and f"检查报告已存在：{report_rel('ergu', 0, ERGU_COMPANY)}" in result.err
    assert snapshot(drawn) == before


def test_new_report_refuses_what_is_not_a_draw(drawn, ssj):
    before = snapshot(drawn)
    result = ssj(drawn, "report", "new", "一股-1", YIGU_COMPANY)
    assert result.code == 1 and "不是随机抽取记录" in result.err
    result = ssj(drawn, "report", "new", "二股-7", ERGU_COMPANY)
    assert result.code == 1 and "没有记录 二股-7" in result.err
    assert snapshot(drawn) == before


# -- the schema -----------------------------------------------------------------------------------------

def test_finished_report_missing_findings_names_the_field(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path, findings="")
    out = check_fails(ssj, drawn)
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    status = line_of(path, "status")
    assert problem_lines(out, rel) == [f"{rel}:{status}: 状态为“已办结”的报告必须填写：现场检查情况（第十九条）"]


def test_finished_report_missing_several_fields_names_them_all(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path, check_dates=[], result="", handling="")
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    status = line_of(path, "status")
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{status}: 状态为“已办结”的报告必须填写：检查日期、检查结果、处理意见（第十九条）"]


def test_unknown_key_and_bad_method_in_a_report(drawn, ssj):
    path = new_report(ssj, drawn)
    text = set_fields(path, method="电话")
    path.write_text(text.replace("suggestions:", "suggestion:"), encoding="utf-8")
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    lines = problem_lines(check_fails(ssj, drawn), rel)
    assert f"{rel}:{line_of(path, 'method')}: method（检查方式）的值“电话”不允许，可选：现场、书面" in lines
    assert any(line.startswith(f"{rel}:{line_of(path, 'suggestion')}: 未知字段 suggestion：请检查拼写") for line in lines)


def test_a_complete_finished_report_passes(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path)
    assert problem_lines(check_ok(ssj, drawn), "data/reports") == []


# -- cross-checks in ssj check, each with its file:line ---------------------------------------------------

def test_inspector_not_in_the_team(drawn, ergu, ssj):
    path = new_report(ssj, drawn)
    team = team_of(ergu, ERGU_COMPANY)
    outsider = next(i for t in ergu["inspectors"]["teams"] for i in t if i not in team)
    finish(path, inspectors=[team[0], outsider])
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'inspectors', 1)}: {outsider} 不是该单位检查组的成员（检查组：{'、'.join(team)}）"
    ]


def test_recusal_replacement_is_allowed_and_the_recused_inspector_is_not(drawn, ssj):
    draw, recusal = records(drawn, "yigu")
    path = new_report(ssj, drawn, "一股-0", YIGU_COMPANY)
    stayed = next(i for i in team_of(draw, YIGU_COMPANY) if i != recusal["inspector"])
    finish(path, inspectors=[recusal["replacement"], stayed], contents=["爆破作业和民用爆炸物品管理"])
    assert problem_lines(check_ok(ssj, drawn), "data/reports") == []
    finish(path, inspectors=[recusal["inspector"], stayed], contents=["爆破作业和民用爆炸物品管理"])
    rel = report_rel("yigu", 0, YIGU_COMPANY)
    team = "、".join([recusal["replacement"], stayed] if team_of(draw, YIGU_COMPANY)[0] == recusal["inspector"]
                    else [stayed, recusal["replacement"]])
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'inspectors', 0)}: {recusal['inspector']} 不是该单位检查组的成员（检查组：{team}）"
    ]


def test_only_one_inspector_on_a_finished_report(drawn, ergu, ssj):
    path = new_report(ssj, drawn)
    team = team_of(ergu, ERGU_COMPANY)
    set_fields(path, inspectors=[team[0]])
    assert problem_lines(check_ok(ssj, drawn), "data/reports") == []  # a draft may still be incomplete
    finish(path, inspectors=[team[0], team[0]])  # the same person twice is still one person
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [f"{rel}:{line_of(path, 'inspectors')}: 检查人员至少 2 名（第十八条）"]


def test_certificate_expired_on_the_check_date(drawn, ergu, ssj):
    team = team_of(ergu, ERGU_COMPANY)
    inspectors = drawn / "data/inspectors.yaml"
    text = inspectors.read_text(encoding="utf-8")
    start = text.index(f'id: "{team[1]}"')
    end = text.index("cert_expires:", start)
    old = text[end:text.index("\n", end)]
    inspectors.write_text(text[:end] + "cert_expires: 2026-12-02" + text[end + len(old):], encoding="utf-8")
    path = new_report(ssj, drawn)
    finish(path, check_dates=["2026-12-02"])  # still valid on the day of the check
    assert problem_lines(check_ok(ssj, drawn), "data/reports") == []
    finish(path, check_dates=["2026-12-02", CHECK_DAY])
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'inspectors', 1)}: {team[1]} 的执法证在检查日期 {CHECK_DAY} 已过期（第十八条）"
    ]


def test_check_date_before_the_draw_date(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path, check_dates=["2026-11-30"])
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'check_dates')}: 检查日期 2026-11-30 早于抽取日期 2026-12-01"
    ]


def test_result_not_a_category(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path, result="基本合格")
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    lines = problem_lines(check_fails(ssj, drawn), rel)
    assert len(lines) == 1
    assert lines[0].startswith(f"{rel}:{line_of(path, 'result')}: 检查结果“基本合格”不是 data/bureau.yaml 中的结果类别（可选：未发现问题、")


def test_content_not_in_the_checklist_item(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path, contents=["危险化学品储存、装卸和出入库管理", "露天采场台阶、边坡及排土场安全状况"])
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'contents', 1)}: 检查内容“露天采场台阶、边坡及排土场安全状况”不在抽查事项 C03 的检查内容中（第九条）"
    ]


def test_checklist_item_and_draw_must_match_the_record(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path, checklist_item="C04", draw="ergu-5")
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'draw')}: draw 应为 二股-0（与 draw_hash 指向的记录一致）",
        f"{rel}:{line_of(path, 'checklist_item')}: 抽查事项应为 C03（与抽取记录一致）",
    ]
    finish(path, checklist_item="C03", draw="二股-0", draw_hash="0" * 64)  # the short name is the same draw
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'draw_hash')}: 安全监管二股的台账中没有这条抽取记录（draw_hash 不符）"
    ]


def test_a_draw_with_a_report_cannot_be_voided_and_a_report_on_a_void_draw_is_an_error(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path)
    text = path.read_bytes()
    refused = ssj(drawn, "void", "二股-0", "--reason", "抽取参数有误")
    assert refused.code == 1 and "检查报告" in refused.err
    path.unlink()  # void first …
    assert ssj(drawn, "void", "二股-0", "--reason", "抽取参数有误").code == 0
    path.write_bytes(text)  # … then a report written by hand for the void draw
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [f"{rel}:{line_of(path, 'draw')}: 抽取 二股-0 已作废，不应有检查报告"]


def test_evidence_missing_mismatched_or_outside_data(drawn, ssj):
    path = new_report(ssj, drawn)
    (drawn / "data/evidence").mkdir()
    (drawn / "data/evidence/photo.jpg").write_bytes(b"photo")
    (drawn / "outside.pdf").write_bytes(b"pdf")
    good = hashlib.sha256(b"photo").hexdigest()
    finish(path, evidence=[
        {"path": "data/evidence/photo.jpg", "sha256": good},
        {"path": "data/evidence/gone.jpg", "sha256": good},
        {"path": "data/evidence/photo.jpg", "sha256": hashlib.sha256(b"other").hexdigest()},
        {"path": "outside.pdf", "sha256": hashlib.sha256(b"pdf").hexdigest()},
        {"path": "data/../outside.pdf", "sha256": hashlib.sha256(b"pdf").hexdigest()},
        {"path": str(drawn / "outside.pdf"), "sha256": hashlib.sha256(b"pdf").hexdigest()},
    ])
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    at = [line_of(path, "evidence", n) for n in range(6)]
    outside = "应为仓库内 data/ 下的相对路径，如 data/evidence/…"
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{at[1]}: 证据材料 data/evidence/gone.jpg 不存在",
        f"{rel}:{at[2]}: 证据材料 data/evidence/photo.jpg 的 SHA-256 不符（文件被改动或替换过）",
        f"{rel}:{at[3]}: 证据材料路径“outside.pdf”{outside}",
        f"{rel}:{at[4]}: 证据材料路径“data/../outside.pdf”{outside}",
        f"{rel}:{at[5]}: 证据材料路径“{drawn / 'outside.pdf'}”{outside}",
    ]


def test_duplicate_report_for_the_same_draw_and_company(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path)
    copy = path.with_name("副本.yaml")  # sorts after the original
    shutil.copyfile(path, copy)
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    copy_rel = copy.relative_to(drawn).as_posix()
    assert problem_lines(check_fails(ssj, drawn), "data/reports") == [
        f"{copy_rel}:{line_of(copy, 'entity')}: 同一抽取、同一单位已有检查报告：{rel}"
    ]


def test_company_not_in_the_draw_in_a_hand_written_report(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path, entity=NOT_DRAWN)
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'entity')}: 单位 {NOT_DRAWN} 不在抽取 二股-0 的结果中"
    ]


# -- ssj report evidence --------------------------------------------------------------------------------

def test_evidence_is_copied_under_data_evidence_and_pinned(drawn, ssj, tmp_path):
    path = new_report(ssj, drawn)
    finish(path)
    source = tmp_path / "现场照片1.jpg"
    source.write_bytes(b"\xff\xd8 a photo of the store room")
    result = ssj(drawn, "report", "evidence", str(path), str(source), "--note", "仓库现场照片")
    assert result.code == 0, result.err
    stored = f"data/evidence/ergu/ergu-0-{ERGU_COMPANY}/现场照片1.jpg"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert f"已登记证据：{stored}（SHA-256 {digest[:16]}…）" in result.out
    assert (drawn / stored).read_bytes() == source.read_bytes()
    report = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert report["evidence"] == [{"path": stored, "sha256": digest, "note": "仓库现场照片"}]
    assert path.read_text(encoding="utf-8").startswith("# 检查报告（《细则》第十九条）")  # comments survive the edit
    assert problem_lines(check_ok(ssj, drawn), "data/reports") == []
    # a file already under data/evidence is pinned where it is
    kept = drawn / "data/evidence/scan.pdf"
    kept.write_bytes(b"%PDF scan")
    assert ssj(drawn, "report", "evidence", str(path), str(kept)).code == 0
    report = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert report["evidence"][1] == {"path": "data/evidence/scan.pdf", "sha256": hashlib.sha256(b"%PDF scan").hexdigest()}
    # the pinned hash catches a later change of the copy
    (drawn / stored).write_bytes(b"retouched")
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'evidence', 0) + 1}: 证据材料 {stored} 的 SHA-256 不符（文件被改动或替换过）"
    ]


def test_evidence_never_overwrites_kept_evidence(drawn, ssj, tmp_path):
    path = new_report(ssj, drawn)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "照片.jpg").write_bytes(b"first photo")
    (second / "照片.jpg").write_bytes(b"second photo, same name")
    assert ssj(drawn, "report", "evidence", str(path), str(first / "照片.jpg")).code == 0
    before = snapshot(drawn)
    result = ssj(drawn, "report", "evidence", str(path), str(second / "照片.jpg"))
    assert result.code == 1 and "已有同名文件" in result.err
    assert snapshot(drawn) == before
    assert problem_lines(check_ok(ssj, drawn), "data/reports") == []
    # the very same file again is pinned again (a second mention), the kept copy is untouched
    assert ssj(drawn, "report", "evidence", str(path), str(first / "照片.jpg")).code == 0
    stored = f"data/evidence/ergu/ergu-0-{ERGU_COMPANY}/照片.jpg"
    assert (drawn / stored).read_bytes() == b"first photo"


def test_evidence_refusals(drawn, ssj, tmp_path):
    path = new_report(ssj, drawn)
    before = snapshot(drawn)
    result = ssj(drawn, "report", "evidence", str(path), str(tmp_path / "没有这个文件.jpg"))
    assert result.code == 1 and "找不到证据文件" in result.err
    (tmp_path / "x.jpg").write_bytes(b"x")
    result = ssj(drawn, "report", "evidence", str(drawn / "data/bureau.yaml"), str(tmp_path / "x.jpg"))
    assert result.code == 1 and "data/bureau.yaml 不是 data/reports/ 下的检查报告文件" in result.err
    result = ssj(drawn, "report", "evidence", str(tmp_path / "x.jpg"), str(tmp_path / "x.jpg"))
    assert result.code == 1 and "不在数据仓库" in result.err
    assert snapshot(drawn) == before
    # a report that does not pass its schema takes no evidence, and nothing is copied
    set_fields(path, method="电话")
    before = snapshot(drawn)
    result = ssj(drawn, "report", "evidence", str(path), str(tmp_path / "x.jpg"))
    assert result.code == 1 and "method（检查方式）的值“电话”不允许" in result.err
    assert snapshot(drawn) == before and not (drawn / "data/evidence").exists()


def test_report_file_given_relative_to_the_repository(drawn, ssj, tmp_path, monkeypatch):
    path = new_report(ssj, drawn)
    finish(path, major_violation=True)
    (tmp_path / "x.jpg").write_bytes(b"x")
    monkeypatch.chdir(tmp_path)  # --repo names the repository; the file is written as the help shows it
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert ssj(drawn, "report", "evidence", rel, "x.jpg").code == 0
    assert ssj(drawn, "report", "review", rel, "--decision", "同意", "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "韩立新",
               "--date", "2026-12-08").code == 0
    report = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert report["review"]["decision"] == "同意"
    assert report["evidence"] == [{"path": f"data/evidence/ergu/ergu-0-{ERGU_COMPANY}/x.jpg",
                                   "sha256": hashlib.sha256(b"x").hexdigest()}]


# -- central review (第二十条) ----------------------------------------------------------------------------

def test_major_violation_waits_for_review_then_is_published(drawn, ssj, tmp_path):
    path = new_report(ssj, drawn)
    finish(path, major_violation=True, result="发现问题待后续处理")
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    out = check_ok(ssj, drawn)  # a warning, not an error
    assert problem_lines(out, rel) == [
        f"{rel}:{line_of(path, 'review')}: 警告：发现重大违法行为，须经集中审理（第二十条）：审理前不能公开，"
        "请用 ssj report review 记录审理意见"
    ]
    listing = json.loads(ssj(drawn, "report", "list", "--json").out)
    assert [(r["file"], r["review_pending"], r["published"]) for r in listing] == [(rel, True, False)]
    # publish refuses: the only finished result waits for its review
    before = snapshot(drawn)
    refused = ssj(drawn, "publish", "--out", str(tmp_path / "公示"))
    assert refused.code == 1 and "所选范围内没有已办结、可以公开的检查结果；另有 1 项待集中审理" in refused.err
    assert snapshot(drawn) == before and not (tmp_path / "公示").exists()

    result = ssj(drawn, "report", "review", str(path), "--decision", "经集中审理，认定存在重大事故隐患",
                 "--penalty", "罚款人民币五万元", "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "韩立新", "--date", "2026-12-08")
    assert result.code == 0 and f"已记录集中审理：{rel}" in result.out
    review = yaml.safe_load(path.read_text(encoding="utf-8"))["review"]
    assert review == {"date": dt.date(2026, 12, 8), "decision": "经集中审理，认定存在重大事故隐患", "cosigned_by": ["ergu"],
                      "number": "汝应急罚〔2026〕58号", "signed_by": "韩立新", "penalty": "罚款人民币五万元"}
    assert problem_lines(check_ok(ssj, drawn), "data/reports") == []
    published = ssj(drawn, "publish", "--out", str(tmp_path / "公示"))
    assert published.code == 0, published.err
    results = json.loads((tmp_path / "公示/results.json").read_text(encoding="utf-8"))["results"]
    assert [(r["entity_id"], r["review"]) for r in results] == [
        (ERGU_COMPANY, {"date": "2026-12-08", "decision": "经集中审理，认定存在重大事故隐患", "penalty": "罚款人民币五万元",
                        "cosigned_by": ["ergu"], "number": "汝应急罚〔2026〕58号"})
    ]


def test_waiting_review_keeps_only_that_result_out_of_publish(drawn, ergu, ssj, tmp_path):
    waiting = new_report(ssj, drawn)
    finish(waiting, major_violation=True)
    other_company = assigned(ergu)[1]["entity"]
    other = new_report(ssj, drawn, entity=other_company)
    finish(other, inspectors=team_of(ergu, other_company))
    result = ssj(drawn, "publish", "--out", str(tmp_path / "公示"))
    assert result.code == 0, result.err
    assert f"待集中审理，未公开：{report_rel('ergu', 0, ERGU_COMPANY)}（第二十条）" in result.out
    bundle = json.loads((tmp_path / "公示/results.json").read_text(encoding="utf-8"))
    assert [r["entity_id"] for r in bundle["results"]] == [other_company] and bundle["pending_review"] == 1
    assert "另有 1 项发现重大违法行为的检查正在集中审理" in (tmp_path / "公示/index.html").read_text(encoding="utf-8")


def test_review_refusals(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path)
    before = snapshot(drawn)
    result = ssj(drawn, "report", "review", str(path), "--decision", "无", "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "韩立新")
    assert result.code == 1 and "没有标记重大违法行为" in result.err
    assert snapshot(drawn) == before
    finish(path, major_violation=True)
    before = snapshot(drawn)
    result = ssj(drawn, "report", "review", str(path), "--decision", "  ", "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "韩立新")
    assert result.code == 1 and "请写明审理意见" in result.err
    result = ssj(drawn, "report", "review", str(path), "--decision", "同意", "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "韩立新",
                 "--date", "12/08")
    assert result.code == 1 and "日期“12/08”无效" in result.err
    assert snapshot(drawn) == before


# -- credit suggestion (第二十三条) -----------------------------------------------------------------------

def test_serious_result_suggests_the_credit_file(drawn, ssj):
    path = new_report(ssj, drawn)
    finish(path, result=SERIOUS)
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_ok(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'result')}: 警告：结果为“{SERIOUS}”，建议列入诚信档案（第二十三条）：ssj credit add {ERGU_COMPANY} …"
    ]
    finish(path, result=CATEGORY)  # an ordinary problem suggests nothing
    assert problem_lines(check_ok(ssj, drawn), rel) == []
    finish(path, result=SERIOUS)
    added = ssj(drawn, "credit", "add", ERGU_COMPANY, "--reason", "拒不配合监督检查", "--source", "汝应急罚〔2026〕40号",
                "--date", CHECK_DAY)
    assert added.code == 0, added.err
    assert problem_lines(check_ok(ssj, drawn), rel) == []


def test_dates_in_the_wrong_order_and_a_method_the_checklist_does_not_allow(drawn, ssj):
    checklist = drawn / "data/checklist.yaml"
    head, tail = checklist.read_text(encoding="utf-8").split('id: "C03"', 1)
    checklist.write_text(head + 'id: "C03"' + tail.replace("method: [现场, 书面]", "method: [现场]", 1), encoding="utf-8")
    path = new_report(ssj, drawn)
    finish(path, rectification_deadline="2026-12-02", method="书面",
           materials=[{"name": "安全生产责任制文件", "due": "2026-12-03", "received": "2026-12-03"}],
           major_violation=True, review={"date": "2026-12-02", "decision": "同意", "signed_by": "韩立新",
                                         "cosigned_by": ["ergu"], "number": "汝应急罚〔2026〕58号"})
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert sorted(problem_lines(check_fails(ssj, drawn), rel)) == sorted([
        f"{rel}:{line_of(path, 'method')}: 检查方式“书面”不在抽查事项 C03 允许的方式中（现场）",
        f"{rel}:{line_of(path, 'rectification_deadline')}: 整改期限 2026-12-02 早于检查日期 {CHECK_DAY}",
        f"{rel}:{line_of(path, 'rectification_deadline')}: 警告：整改期限 2026-12-02 已过，尚未复查（ssj report recheck）",
        f"{rel}:{line_of(path, 'review')}: 集中审理日期 2026-12-02 早于检查日期 {CHECK_DAY}",
    ])


def test_a_finished_check_dated_in_the_future_is_an_error(drawn, ssj, clock):
    path = new_report(ssj, drawn)
    finish(path, check_dates=["2026-12-21"], rectification_deadline="2026-12-31")
    rel = report_rel("ergu", 0, ERGU_COMPANY)
    assert problem_lines(check_fails(ssj, drawn), rel) == [
        f"{rel}:{line_of(path, 'check_dates')}: 检查日期 2026-12-21 晚于今天（2026-12-20）：已办结的检查不能写将来的日期"]
    set_fields(path, status="草稿")  # a planned date on a draft is fine
    check_ok(ssj, drawn)
