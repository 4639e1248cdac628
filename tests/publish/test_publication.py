"""``ssj publish``: the disclosure bundle (SPEC §6, 第二十二条) on a git copy of the example bureau.

One scenario is built per module (ledger format 2: ``data/ledger/<ledger>/<year>.jsonl`` and list files
``data/ledger/lists/<sha256>.json``): 二股 draws, voids, announces a 双色球 result and draws on it that evening (an
announced draw), 一股 draws with a system seed and records a recusal, 三股 draws, voids and draws again but never
publishes a result (its ledger is in every bundle all the same); reports are finished (one with evidence, one with a major
violation and its review, one waiting for review, one still a draft). Every private field of every model
is first filled with a recognisable marker, so the privacy test can look for each marker in every byte
of the bundle.
"""

from __future__ import annotations

import csv
import hashlib
import html.parser
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from stdnum.cn import ric

from shuangsuiji.core.results import csv_values
from shuangsuiji.core.words import FAIRNESS, FAIRNESS_SHORT
from shuangsuiji.registry import models
from tests.helpers import REPO, assigned, copy_example, git, run_ssj, snapshot

DAY = ("--date", "2026-12-01")
ANNOUNCED_SEED = "07 12 19 23 28 33 + 05"  # the numbers of 双色球 2026139, drawn on the evening of 2026-12-01
SOURCE, NOT_BEFORE, AFTER_THE_LOTTERY = "双色球:2026139", "2026-12-01T21:30", "2026-12-01T22:00"
CANONICAL_SEED = "双色球2026139:07 12 19 23 28 33+05"  # SPEC §4: the one seed that result gives
SYSTEM_SEED = "31415926535897932384"  # (a random one may pick a company every 一股 team must avoid)
SANGU_VOID = "抽取时选错了计划事项的范围"
BLACKLISTED = "914104821733149136"  # 汝州市协昌涂料有限公司, listed by the scenario (no expiry)
#: the files of every bundle besides the ledgers (SPEC §6)
FIXED_FILES = {"index.html", "results.csv", "results.xlsx", "results.json", "checklist.json", "plan.json", "heads.json",
               "verify.py", "manifest.json", "platform/columns.json", "platform/公示结果.csv", "platform/公示结果.xlsx"}
#: every ledger of the scenario's bureau: the bureau's own, and each section that drew (三股 never publishes a result)
LEDGERS = ("bureau", "ergu", "sangu", "yigu")


# -- running ssj outside a test's capsys -----------------------------------------------------------------

run = run_ssj


def ok(root: Path, *args: str) -> str:
    code, out, err = run(root, *args)
    assert code == 0, out + err
    return out


def ledger(root: Path, section: str) -> list[dict]:
    path = root / f"data/ledger/{section}/2026.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def ledger_files(root: Path) -> list[str]:
    """Every file under data/ledger/ (year files and list files), as the bundle names them (``ledger/…``)."""
    base = root / "data/ledger"
    return sorted(f"ledger/{p.relative_to(base).as_posix()}" for p in base.rglob("*") if p.is_file())


def team_of(record: dict, entity: str) -> list[str]:
    index = next(a["team"] for a in assigned(record) if a["entity"] == entity)
    return list(record["inspectors"]["teams"][index])


def fill(path: Path, **values: object) -> None:
    """Set top-level scalar keys of a prefilled report (JSON values are valid YAML flow values)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        key = line.split(":", 1)[0]
        if not line.startswith(("#", " ")) and key in values:
            lines[n] = f"{key}: {json.dumps(values.pop(key), ensure_ascii=False)}"
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def finished(path: Path, day: str, **values: object) -> None:
    fill(path, **{"status": "已办结", "check_dates": [day], "findings": f"检查情况（{path.stem}）",
                  "result": "发现问题已责令改正", "handling": f"处理意见（{path.stem}）", "follow_up": ["抄告"],
                  "follow_up_to": "汝州市市场监督管理局", **values})


# -- markers for every private field ------------------------------------------------------------------------

def mark_private_fields(root: Path) -> dict[tuple[str, str], list[str]]:
    """Fill every private field of the registries with a unique, well-formed marker; returns them by field."""
    markers: dict[tuple[str, str], list[str]] = {}
    n = 0
    for path in sorted((root / "data/entities").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entity in document["entities"]:
            n += 1
            entity["legal_rep"] = f"法定代表人标记LR{n:04d}号"
            entity["phone"] = f"0375-8{n:07d}"  # a landline with its area code
            markers.setdefault(("Entity", "legal_rep"), []).append(entity["legal_rep"])
            markers.setdefault(("Entity", "phone"), []).append(entity["phone"])
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    path = root / "data/inspectors.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for n, person in enumerate(document["inspectors"], 1):
        person["phone"] = f"1990000{n:04d}"  # a mobile number
        body = f"41048219900101{n:03d}"
        person["id_card"] = body + ric.calc_check_digit(body + "0")  # with a valid check digit
        markers.setdefault(("Inspector", "phone"), []).append(person["phone"])
        markers.setdefault(("Inspector", "id_card"), []).append(person["id_card"])
        for c, conflict in enumerate(person.get("conflicts", []), 1):
            conflict["reason"] = f"回避原因标记CR{n:02d}{c}号"
            markers.setdefault(("Conflict", "reason"), []).append(conflict["reason"])
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert markers[("Conflict", "reason")], "the example declares conflicts: their reasons are markers"
    return markers


# -- the scenario (built once per module) --------------------------------------------------------------------

#: The day the scenario's checks are all done and results are published (draws were made on 2026-12-01).
LATER = "2026-12-20"


@pytest.fixture(autouse=True)
def after_the_checks(clock):
    """Tests run after the checks of 12-03…12-10: a finished report may not be dated in the future."""
    clock.set(LATER)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> dict:
    base = tmp_path_factory.mktemp("publish")
    root = base / "汝州"
    copy_example(root)
    markers = mark_private_fields(root)
    (root / ".gitignore").write_text(".ssj/\n", encoding="utf-8")  # as ssj init writes it: the index is not data
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "测试员")
    git(root, "config", "user.email", "tester@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "示例数据（私有字段已替换为标记）")
    ok(root, "credit", "add", BLACKLISTED, "--reason", "拒不配合监督检查", "--source", "汝应急罚〔2026〕40号",
       "--date", "2026-01-05")  # committed by ssj itself, nothing else
    assert git(root, "log", "-1", "--format=%s").strip() == (
        f"诚信档案：{BLACKLISTED} 列入黑名单，汝应急罚〔2026〕40号（ssj credit add）")

    ok(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", "42", *DAY)  # 二股-0, operator
    ok(root, "void", "二股-0", "--reason", "抽取时误用了未更新的名录")  # 二股-1
    ok(root, "announce", "--section", "二股", "--ratio", "0.1", *DAY, "--source", SOURCE, "--not-before", NOT_BEFORE)
    frozen_clock.set(AFTER_THE_LOTTERY)  # the numbers exist only after the lottery: drawn that evening
    try:
        ok(root, "draw", "--announcement", "二股-2", "--seed", ANNOUNCED_SEED)  # 二股-3, announced
    finally:
        frozen_clock.set("2026-12-01")
    with pytest.MonkeyPatch.context() as patch:  # a system seed, made known so the scenario is always the same
        digits = iter(SYSTEM_SEED)
        patch.setattr("shuangsuiji.draw.seeds.secrets.choice", lambda alphabet: next(digits))
        ok(root, "draw", "--section", "一股", "--ratio", "0.1", *DAY)  # 一股-0, system seed
    note, ergu, yigu = ledger(root, "ergu")[2], ledger(root, "ergu")[3], ledger(root, "yigu")[0]
    assert (ergu["fairness"], yigu["fairness"], yigu["seed"]) == ("announced", "system", SYSTEM_SEED)
    assert note["sources"] == [{"game": "双色球", "period": "2026139"}] and note["not_before"] == "2026-12-01T21:30:00+08:00"
    assert (ergu["seed"], ergu["announcement"], ergu["at"]) == (CANONICAL_SEED, note["hash"], "2026-12-01T22:00:00+08:00")
    chosen = [a["entity"] for a in assigned(ergu)]
    digits = next(e for e in chosen if e.isdigit())  # an all-digit 统一社会信用代码 must stay text in Excel
    a, b, c, d = [digits, *[e for e in chosen if e != digits][:3]]
    e = assigned(yigu)[0]["entity"]
    recused = team_of(yigu, e)[0]
    ok(root, "recuse", "一股-0", "--inspector", recused, "--entity", e, "--reason", "因故不能执行检查")  # 一股-1
    # 三股 draws, voids and draws again, and never publishes a result: its ledger is public all the same
    ok(root, "draw", "--section", "三股", "--seed", "7", *DAY)  # 三股-0
    ok(root, "void", "三股-0", "--reason", SANGU_VOID)  # 三股-1
    ok(root, "draw", "--section", "三股", "--seed", "12", *DAY)  # 三股-2
    assert [r["type"] for r in ledger(root, "sangu")] == ["draw", "void", "draw"]

    def report(draw: str, section: str, seq: int, entity: str) -> Path:
        ok(root, "report", "new", draw, entity)
        return root / f"data/reports/{section}/{section}-{seq}-{entity}.yaml"

    paths = {"A": report("二股-3", "ergu", 3, a), "B": report("二股-3", "ergu", 3, b), "C": report("二股-3", "ergu", 3, c),
             "D": report("二股-3", "ergu", 3, d), "E": report("一股-0", "yigu", 0, e)}
    finished(paths["A"], "2026-12-03", rectification_deadline="2026-12-20", suggestions="完善出入库台账")
    evidence = base / "证据路径标记EV0001.jpg"
    evidence.write_bytes("证据内容标记EC0001".encode())
    ok(root, "report", "evidence", str(paths["A"]), str(evidence), "--note", "证据说明标记EN0001")
    finished(paths["B"], "2026-12-04", major_violation=True, result="发现问题待后续处理")
    bureau_file = root / "data/bureau.yaml"  # the signer is a 局领导 (第二十条)
    bureau_file.write_text(bureau_file.read_text(encoding="utf-8").replace(
        "leaders:", "leaders:\n  - name: 签发人标记SB0001\n    title: 副局长\n    since: 2026-01-01", 1), encoding="utf-8")
    ok(root, "report", "review", str(paths["B"]), "--decision", "经集中审理，认定构成重大违法行为", "--penalty", "罚款人民币三万元",
       "--number", "汝应急罚〔2026〕58号", "--cosign", "二股", "--signed-by", "签发人标记SB0001", "--date", "2026-12-08")
    finished(paths["C"], "2026-12-04", major_violation=True, findings="待审理检查情况标记WR0001")
    fill(paths["D"], findings="草稿检查情况标记DR0001", check_dates=["2026-12-05"])
    finished(paths["E"], "2026-12-10", result="未发现问题", handling="无需处理", findings="现场未发现问题")
    frozen_clock.set(LATER)
    try:
        out = ok(root, "check")
    finally:
        frozen_clock.set("2026-12-01")
    assert "集中审理" in out and "检查通过" in out  # C waits for its review: a warning, not an error
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "检查报告")
    markers[("Evidence", "path")] = [f"data/evidence/ergu/{paths['A'].stem}/证据路径标记EV0001.jpg", "证据路径标记EV0001"]
    markers[("Evidence", "sha256")] = [hashlib.sha256("证据内容标记EC0001".encode()).hexdigest()]
    markers[("Evidence", "note")] = ["证据说明标记EN0001"]
    markers[("Review", "signed_by")] = ["签发人标记SB0001"]
    return {"root": root, "markers": markers, "companies": {"A": a, "B": b, "C": c, "D": d, "E": e},
            "reports": {k: p.relative_to(root).as_posix() for k, p in paths.items()}, "recused": recused}


def copy_of(scenario: dict, where: Path) -> Path:
    root = where / "汝州"
    shutil.copytree(scenario["root"], root)
    return root


@pytest.fixture(scope="module")
def published(scenario: dict, tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> dict:
    base = tmp_path_factory.mktemp("bundle")
    root = copy_of(scenario, base)
    folder = base / "公示包"
    frozen_clock.set(LATER)
    try:
        code, out, err = run(root, "publish", "--out", str(folder), "--json")
    finally:
        frozen_clock.set("2026-12-01")
    assert code == 0, out + err
    return {**scenario, "root": root, "folder": folder, "summary": json.loads(out), "stderr": err}


def bundle_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def bundle_ledger(folder: Path, name: str) -> list[dict]:
    """The records of one ledger as the bundle ships it."""
    return [json.loads(line) for line in (folder / f"ledger/{name}/2026.jsonl").read_text(encoding="utf-8").splitlines()]


def results_of(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def verify(folder: Path) -> subprocess.CompletedProcess[str]:
    """The bundle's own verifier with a bare interpreter (-I: no site-packages, no ssj), run inside the bundle."""
    return subprocess.run([sys.executable, "-I", "verify.py"], cwd=folder, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


class Page(html.parser.HTMLParser):
    """The text of a page, and its table rows as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def page_of(folder: Path) -> Page:
    page = Page()
    page.feed((folder / "index.html").read_text(encoding="utf-8"))
    return page


# -- the files of the bundle ----------------------------------------------------------------------------------

def test_bundle_holds_exactly_the_expected_files(published):
    folder, root = published["folder"], published["root"]
    files = set(bundle_files(folder))
    # every ledger of the bureau (every section that drew, with or without results, and the bureau's own), every
    # year file and every list file: the repository's data/ledger/ as it stood, nothing left out
    assert files == FIXED_FILES | set(ledger_files(root))
    assert {p.split("/")[1] for p in files if p.endswith(".jsonl")} == set(LEDGERS)
    assert {p for p in files if p.startswith("ledger/") and not p.endswith(".jsonl")} == {
        f"ledger/lists/{p.name}" for p in (root / "data/ledger/lists").iterdir()}
    # every list a record of the bundle names is in the bundle
    named = {s["population"] for name in LEDGERS for r in bundle_ledger(folder, name) for s in r.get("strata") or []}
    assert named and {f"ledger/lists/{d}.json" for d in named} <= files
    assert published["summary"]["folder"] == str(folder) and published["summary"]["zip"] == str(folder.with_suffix(".zip"))
    assert published["summary"]["results"] == 3 and published["summary"]["draws"] == 2
    assert published["summary"]["waiting_review"] == [published["reports"]["C"]]
    assert not folder.with_name(folder.name + ".part").exists()


def test_manifest_lists_every_file_but_itself(published):
    folder = published["folder"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = bundle_files(folder)
    assert set(manifest) == {"files"}
    assert manifest["files"] == {p: hashlib.sha256(b).hexdigest() for p, b in files.items() if p != "manifest.json"}


def test_zip_holds_the_folder(published):
    folder = published["folder"]
    with zipfile.ZipFile(folder.with_suffix(".zip")) as archive:
        inside = {name: archive.read(name) for name in archive.namelist()}
    assert inside == {f"公示包/{p}": b for p, b in bundle_files(folder).items()}


def test_results_csv_is_utf8_with_bom_for_excel(published):
    raw = (published["folder"] / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw[3:].startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    header = rows[0]
    for name in ("检查时间", "抽查事项", "单位名称", "统一社会信用代码", "检查情况", "检查结果", "处理意见", "抽取记录", "抽取公平性"):
        assert name in header
    table = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    companies = published["companies"]
    # an all-digit 统一社会信用代码 is written ="…", so that Excel keeps it as text (bare, it shows 9.14105E+17);
    # a code with letters stays as it is
    assert companies["A"].isdigit() and not companies["B"].isdigit() and not companies["E"].isdigit()
    assert [r["统一社会信用代码"] for r in table] == [f'="{companies["A"]}"', companies["B"], companies["E"]]
    assert f',"=""{companies["A"]}""",'.encode() in raw  # the CSV quoting of ="…": what Excel reads
    assert [r["统一社会信用代码"].removeprefix('="').removesuffix('"') for r in table] == [companies["A"], companies["B"], companies["E"]]
    # nothing else is wrapped: dates, 执法证号 inside the inspectors column, record addresses stay plain
    assert [cell for row in rows for cell in row if cell.startswith('="')] == [f'="{companies["A"]}"']
    a, b, e = table
    assert (a["检查时间"], a["检查结果"], a["处理意见"], a["整改期限"], a["抽取记录"], a["抽取公平性"]) == (
        "2026-12-03", "发现问题已责令改正", f"处理意见（{Path(published['reports']['A']).stem}）", "2026-12-20", "二股-3", "事先公告")
    assert (b["集中审理意见"], b["处罚决定"]) == ("经集中审理，认定构成重大违法行为", "罚款人民币三万元")
    assert (e["检查时间"], e["检查结果"], e["抽取记录"], e["抽取公平性"]) == ("2026-12-10", "未发现问题", "一股-0", "系统随机")


def test_results_xlsx_keeps_the_code_as_text(published):
    from openpyxl import load_workbook

    book = load_workbook(published["folder"] / "results.xlsx")
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    column = header.index("统一社会信用代码")
    codes = [row[column] for row in rows[1:]]
    companies = published["companies"]
    assert codes == [companies["A"], companies["B"], companies["E"]]
    assert all(isinstance(code, str) for code in codes) and companies["A"].isdigit()
    cell = sheet.cell(row=2, column=column + 1)
    assert cell.data_type == "s" and cell.number_format == "@"
    csv_rows = list(csv.reader(io.StringIO((published["folder"] / "results.csv").read_bytes()[3:].decode("utf-8"), newline="")))
    # the same table as the CSV, cell for cell, once the CSV's ="…" is read as the text it stands for; the xlsx
    # needs no such wrapping (every cell is a text cell)
    assert [[("" if v is None else str(v)) for v in row] for row in rows] == [csv_values(row) for row in csv_rows]
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None)
    assert not any(str(v).startswith('="') for row in rows for v in row if v is not None)


def test_results_json(published):
    bundle = results_of(published["folder"])
    companies = published["companies"]
    assert bundle["bureau"] == "汝州市应急管理局"
    assert bundle["sections"] == ["安全监管一股", "安全监管二股"] and bundle["from"] is None and bundle["to"] is None
    assert bundle["pending_review"] == 1
    assert [r["entity_id"] for r in bundle["results"]] == [companies["A"], companies["B"], companies["E"]]
    a, b, e = bundle["results"]
    ergu = ledger(published["root"], "ergu")[3]
    assert (a["draw"], a["draw_hash"], a["draw_date"], a["checklist_item"], a["fairness"]) == (
        "二股-3", ergu["hash"], "2026-12-01", "C03", "announced")
    assert a["inspectors"][0].keys() == {"id", "name", "cert_no"}
    assert b["major_violation"] is True
    assert b["review"] == {"date": "2026-12-08", "decision": "经集中审理，认定构成重大违法行为", "penalty": "罚款人民币三万元",
                           "cosigned_by": ["ergu"], "number": "汝应急罚〔2026〕58号"}
    yigu = ledger(published["root"], "yigu")
    team = [yigu[1]["replacement"] if i == published["recused"] else i for i in team_of(yigu[0], companies["E"])]
    assert [p["id"] for p in e["inspectors"]] == team and published["recused"] not in team
    assert [d["address"] for d in bundle["draws"]] == ["一股-0", "二股-3"]
    assert {d["address"]: d["fairness_text"] for d in bundle["draws"]} == {"一股-0": "系统随机", "二股-3": "事先公告"}
    recusals = bundle["draws"][0]["recusals"]
    assert [(r["entity"], r["replacement"]["id"], r["reason"]) for r in recusals] == [(companies["E"], yigu[1]["replacement"], "因故不能执行检查")]
    # the blacklist in force is published; records of bad faith and removed entries are not
    listed = [(c["entity"], c["kind"]) for c in bundle["blacklist"]]
    assert (BLACKLISTED, "黑名单") in listed and all(kind == "黑名单" for _, kind in listed)
    assert "914104827481559424" not in [c["entity"] for c in bundle["blacklist"]]  # removed (信用修复)
    assert "92410482MA462JM102" not in [c["entity"] for c in bundle["blacklist"]]  # 失信记录
    assert {c["entity"]: c["entity_name"] for c in bundle["blacklist"]}[BLACKLISTED] == "汝州市协昌涂料有限公司"


def test_checklist_and_plan(published):
    folder = published["folder"]
    checklist = json.loads((folder / "checklist.json").read_text(encoding="utf-8"))
    source = yaml.safe_load((REPO / "data/checklist.yaml").read_text(encoding="utf-8"))["items"]
    assert [c["id"] for c in checklist] == [c["id"] for c in source]
    assert checklist[0]["contents"] == source[0]["contents"] and checklist[0]["approval"]["document"]
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    source_plan = yaml.safe_load((REPO / "plans/2026.yaml").read_text(encoding="utf-8"))
    assert plan["year"] == 2026  # the draws are of 2026 (the plan of the publication year would not explain them)
    assert [i["id"] for i in plan["items"]] == [i["id"] for i in source_plan["items"]]
    assert plan["approval"]["meeting"] == source_plan["approval"]["meeting"]


def test_ledgers_are_byte_identical_with_voids_announcements_and_recusals(published):
    folder, root = published["folder"], published["root"]
    # every year file and every list file is the repository's, byte for byte; the bureau ledger is the one the
    # bundle was made from: the repository's now holds one more line, the publish record of this very bundle
    for rel in ledger_files(root):
        ours, theirs = (folder / rel).read_bytes(), (root / "data" / rel).read_bytes()
        if rel == "ledger/bureau/2026.jsonl":
            assert theirs.startswith(ours) and json.loads(theirs[len(ours):])["type"] == "publish"
            assert theirs[len(ours):].count(b"\n") == 1
        else:
            assert ours == theirs, rel
    assert [r["type"] for r in ledger(root, "ergu")] == ["draw", "void", "announce", "draw"]
    assert [r["type"] for r in ledger(root, "yigu")] == ["draw", "recusal"]
    assert [r["type"] for r in ledger(root, "sangu")] == ["draw", "void", "draw"]
    assert [r["type"] for r in bundle_ledger(folder, "bureau")] == ["plan_approval"] * 3 + ["checklist_approval"]
    # format 2: each stratum keeps the digest and count of its list, and the list file holds exactly those ids
    for name in LEDGERS:
        for record in bundle_ledger(folder, name):
            assert record["format"] == 2
            for stratum in record.get("strata") or []:
                raw = (folder / f"ledger/lists/{stratum['population']}.json").read_bytes()
                ids = json.loads(raw)
                assert hashlib.sha256(raw).hexdigest() == stratum["population"]
                assert len(ids) == stratum["count"] and ids == sorted(ids)
                assert set(stratum.get("selected") or []) <= set(ids)


def test_heads_json_names_the_last_record_of_every_ledger(published):
    folder, root = published["folder"], published["root"]
    heads = json.loads((folder / "heads.json").read_text(encoding="utf-8"))
    assert set(heads) == set(LEDGERS)
    for name in LEDGERS:
        last = bundle_ledger(folder, name)[-1]
        assert heads[name] == {"seq": last["seq"], "hash": last["hash"]}, name
    assert heads["sangu"]["seq"] == 2 and heads["ergu"]["seq"] == 3 and heads["yigu"]["seq"] == 1
    # the publish record follows on from the bureau ledger the bundle holds, and pins the same heads of the others
    publish = ledger(root, "bureau")[-1]
    assert publish["type"] == "publish" and publish["prev"] == heads["bureau"]["hash"]
    assert publish["seq"] == heads["bureau"]["seq"] + 1
    assert publish["heads"] == {name: head for name, head in heads.items() if name != "bureau"}


def test_verify_py_passes_with_a_bare_interpreter(published):
    result = verify(published["folder"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "核验通过：4 本台账的哈希链和相互记下的末条记录完整，5 次抽取全部从记录重新算出、结果一致。" in result.stdout
    assert "manifest.json：已核对清单中每个文件的 SHA-256" in result.stdout
    for line in ("台账 bureau：4 条记录（清单审批 1、计划审批 3）", "台账 ergu：4 条记录（抽取公告 1、随机抽取 2、作废 1）",
                 "台账 sangu：3 条记录（随机抽取 2、作废 1）", "台账 yigu：2 条记录（随机抽取 1、回避替换 1）"):
        assert line in result.stdout
    digest = hashlib.sha256((published["folder"] / "verify.py").read_bytes()).hexdigest()
    assert result.stdout.startswith(f"核验程序 verify.py 的 SHA-256：{digest}\n")  # to compare with the published value


def test_the_unzipped_bundle_verifies(published, tmp_path):
    with zipfile.ZipFile(published["folder"].with_suffix(".zip")) as archive:
        archive.extractall(tmp_path)
    result = verify(tmp_path / "公示包")
    assert result.returncode == 0 and "核验通过" in result.stdout, result.stdout + result.stderr


def test_publish_record_holds_the_manifest_digest(published):
    root, folder = published["root"], published["folder"]
    records = [json.loads(line) for line in (root / "data/ledger/bureau/2026.jsonl").read_text(encoding="utf-8").splitlines()]
    record = records[-1]
    digest = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    assert record["type"] == "publish" and record["manifest_digest"] == digest
    assert published["summary"]["manifest_digest"] == digest
    assert record["sections"] == ["yigu", "ergu"] and record["results"] == 3
    assert record["from"] is None and record["to"] is None
    bundle = results_of(folder)
    assert record["published"] == [{"draw": r["draw_hash"], "entity": r["entity_id"]} for r in bundle["results"]]
    assert record["commit"] == git(root, "rev-parse", "HEAD~1").strip()  # the data it was built from
    assert git(root, "status", "--porcelain").strip() == ""  # the record is committed
    assert "data/ledger/bureau/2026.jsonl" in git(root, "show", "--name-only", "--format=", "HEAD")
    code, out, err = run(root, "verify-ledger")
    assert code == 0, out + err


# -- tampering is caught, naming the file -----------------------------------------------------------------------

def tampered(published: dict, where: Path) -> Path:
    folder = where / "公示包"
    shutil.copytree(published["folder"], folder)
    return folder


def rehash(folder: Path, rel: str) -> None:
    """Tamper consistently: update the manifest too (only the bureau's publish record can catch that)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][rel] = hashlib.sha256((folder / rel).read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def failed(folder: Path) -> str:
    result = verify(folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "核验未通过" in result.stdout
    return result.stdout


def test_tampered_result_is_caught(published, tmp_path):
    folder = tampered(published, tmp_path)
    path = folder / "results.json"
    path.write_text(path.read_text(encoding="utf-8").replace("发现问题已责令改正", "未发现问题", 1), encoding="utf-8")
    assert "results.json: 文件的 SHA-256 与清单不符（文件被改动过）" in failed(folder)


def test_tampered_result_for_a_company_not_drawn_is_caught_even_with_a_new_manifest(published, tmp_path):
    folder = tampered(published, tmp_path)
    path = folder / "results.json"
    path.write_text(path.read_text(encoding="utf-8").replace(published["companies"]["A"], "91410482MA4D0GX26A"), encoding="utf-8")
    rehash(folder, "results.json")
    out = failed(folder)
    assert "results.json: 第 1 项结果的单位 “91410482MA4D0GX26A” 不在所依据的抽取结果中" in out
    assert "SHA-256 与清单不符" not in out


def test_tampered_ledger_line_is_caught(published, tmp_path):
    folder = tampered(published, tmp_path)
    path = folder / "ledger/ergu/2026.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert '"reason":"抽取时误用了未更新的名录"' in lines[1]
    lines[1] = lines[1].replace("抽取时误用了未更新的名录", "抽取时断电")
    path.write_text("".join(lines), encoding="utf-8")
    out = failed(folder)
    assert "ledger/ergu/2026.jsonl: 文件的 SHA-256 与清单不符（文件被改动过）" in out
    rehash(folder, "ledger/ergu/2026.jsonl")
    out = failed(folder)
    assert "ledger/ergu/2026.jsonl:2: " in out and "hash" in out


def test_a_dropped_ledger_line_is_caught(published, tmp_path):
    folder = tampered(published, tmp_path)
    path = folder / "ledger/ergu/2026.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + "".join(lines[2:]), encoding="utf-8")  # hide the void
    rehash(folder, "ledger/ergu/2026.jsonl")
    assert "ledger/ergu/2026.jsonl:2: " in failed(folder)


def test_a_dropped_last_record_is_caught_by_heads_json(published, tmp_path):
    # 三股's redraw is the last record anyone wrote before the bundle: no other ledger pins it, heads.json does
    folder = tampered(published, tmp_path)
    path = folder / "ledger/sangu/2026.jsonl"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    rehash(folder, "ledger/sangu/2026.jsonl")
    out = failed(folder)
    assert "heads.json: sangu 的末条记录与台账不符" in out


def test_a_removed_ledger_is_caught(published, tmp_path):
    # a whole section's ledger left out of the bundle (as the bundles before format 2 did with 三股's)
    folder = tampered(published, tmp_path)
    shutil.rmtree(folder / "ledger/sangu")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]["ledger/sangu/2026.jsonl"]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert "heads.json: sangu 的末条记录与台账不符" in failed(folder)


def shared_list(published: dict) -> tuple[str, list[str]]:
    """The list file of 二股's 一般 stratum (shared by the voided draw, the announcement and the announced draw),
    and one of its companies that the announced draw did not select."""
    stratum = next(s for s in ledger(published["root"], "ergu")[3]["strata"] if s["name"] == "一般")
    ids = json.loads((published["folder"] / f"ledger/lists/{stratum['population']}.json").read_bytes())
    return stratum["population"], [i for i in ids if i not in stratum["selected"]]


def test_a_changed_list_file_is_caught(published, tmp_path):
    folder = tampered(published, tmp_path)
    digest, unselected = shared_list(published)
    rel = f"ledger/lists/{digest}.json"
    ids = json.loads((folder / rel).read_bytes())
    # a company quietly taken out of the population, the file still a well-formed sorted list
    (folder / rel).write_bytes(json.dumps([i for i in ids if i != unselected[0]], separators=(",", ":")).encode())
    assert f"{rel}: 文件的 SHA-256 与清单不符（文件被改动过）" in failed(folder)
    rehash(folder, rel)
    out = failed(folder)
    message = f"第 8 层（一般）：名单文件 {digest}.json 的 SHA-256 与文件名不符（文件被改动过）"
    for line in (1, 3, 4):  # every record that uses the list names it
        assert f"ledger/ergu/2026.jsonl:{line}: {message}" in out


def test_a_removed_list_file_is_caught(published, tmp_path):
    folder = tampered(published, tmp_path)
    digest, _ = shared_list(published)
    rel = f"ledger/lists/{digest}.json"
    (folder / rel).unlink()
    assert f"{rel}: 清单中列出的文件不存在" in failed(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"][rel]
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    out = failed(folder)
    assert f"ledger/ergu/2026.jsonl:4: 第 8 层（一般）：缺少名单文件 lists/{digest}.json" in out


def test_a_later_bundle_proves_it_extends_an_earlier_one(published, tmp_path):
    # next month's bundle, from the same repository after one more record (三股 voids its redraw): verify.py
    # --previous proves it holds every record of this bundle unchanged, from the old folder or its heads.json
    root = copy_of({"root": published["root"]}, tmp_path)
    ok(root, "void", "三股-2", "--reason", "检查组人员不足")  # 三股-3
    later = tmp_path / "下月公示包"
    ok(root, "publish", "--out", str(later))
    assert json.loads((later / "heads.json").read_text(encoding="utf-8"))["sangu"]["seq"] == 3
    for previous in (published["folder"], published["folder"] / "heads.json"):
        result = subprocess.run([sys.executable, "-I", "verify.py", "--previous", str(previous)], cwd=later,
                                capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "--previous：已核对旧材料中的 4 本台账" in result.stdout
    # a later bundle whose 二股 ledger was cut back to its first record (the manifest updated to match): against
    # the earlier bundle it fails, naming the first record that is missing
    folder = tampered({"folder": later}, tmp_path / "改过")
    path = folder / "ledger/ergu/2026.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0], encoding="utf-8")
    rehash(folder, "ledger/ergu/2026.jsonl")
    result = subprocess.run([sys.executable, "-I", "verify.py", "--previous", str(published["folder"])], cwd=folder,
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 1
    assert "ledger/ergu: 新台账没有原样包含旧材料中的记录：第一条不同的记录是 ergu-1（记录被删除或改写过）" in result.stdout


def test_a_removed_manifest_is_caught(published, tmp_path):
    folder = tampered(published, tmp_path)
    (folder / "manifest.json").unlink()
    path = folder / "results.json"
    path.write_text(path.read_text(encoding="utf-8").replace("发现问题已责令改正", "未发现问题", 1), encoding="utf-8")
    assert "manifest.json: 缺少文件清单：这是一个公示包（有 results.json），没有 manifest.json 就无法核对各文件是否被改动过" in failed(folder)


@pytest.mark.parametrize("rel", ["verify.py", "index.html", "results.csv", "results.xlsx", "checklist.json", "plan.json",
                                 "heads.json", "ledger/yigu/2026.jsonl", "ledger/sangu/2026.jsonl",
                                 "ledger/bureau/2026.jsonl", "ledger/lists/*"])
def test_any_changed_file_is_named(published, tmp_path, rel):
    folder = tampered(published, tmp_path)
    if rel == "ledger/lists/*":
        rel = f"ledger/lists/{sorted(p.name for p in (folder / 'ledger/lists').iterdir())[0]}"
    with (folder / rel).open("ab") as handle:
        handle.write(b"\n")
    assert f"{rel}: 文件的 SHA-256 与清单不符（文件被改动过）" in failed(folder)


def test_missing_and_extra_files_are_named(published, tmp_path):
    folder = tampered(published, tmp_path)
    (folder / "plan.json").unlink()
    (folder / "说明.txt").write_text("多出来的文件", encoding="utf-8")
    out = failed(folder)
    assert "plan.json: 清单中列出的文件不存在" in out and "说明.txt: 文件不在清单（manifest.json）里" in out


# -- selection -------------------------------------------------------------------------------------------------

def publish_copy(scenario: dict, where: Path, *args: str) -> tuple[Path, Path]:
    root = copy_of(scenario, where)
    folder = where / "公示"
    code, out, err = run(root, "publish", "--out", str(folder), *args)
    assert code == 0, out + err
    return root, folder


def test_section_selects_its_results_but_every_ledger_goes_out(scenario, tmp_path):
    root, folder = publish_copy(scenario, tmp_path, "--section", "一股")
    bundle = results_of(folder)
    assert [r["entity_id"] for r in bundle["results"]] == [scenario["companies"]["E"]]
    assert bundle["sections"] == ["安全监管一股"] and [d["address"] for d in bundle["draws"]] == ["一股-0"]
    # the results are 一股's, the ledgers are the whole bureau's (SPEC §6): 二股's void and announcement and 三股's
    # void and redraw are public too, whichever section publishes
    bundle_ledgers = sorted(p for p in bundle_files(folder) if p.startswith("ledger/"))
    assert bundle_ledgers == ledger_files(root)  # (the publish record only adds a line to the bureau's year file)
    assert {p.split("/")[1] for p in bundle_ledgers if p.endswith(".jsonl")} == set(LEDGERS)
    assert bundle["pending_review"] == 0
    result = verify(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 本台账" in result.stdout and "5 次抽取" in result.stdout


def test_section_without_results_is_covered_when_named(scenario, tmp_path):
    root, folder = publish_copy(scenario, tmp_path, "--section", "安全监管二股", "--section", "yigu")
    bundle = results_of(folder)
    assert sorted(p for p in bundle_files(folder) if p.startswith("ledger/")) == ledger_files(root)
    assert len(bundle["results"]) == 3 and bundle["sections"] == ["安全监管二股", "安全监管一股"]
    # 三股, named, has no result: it is covered all the same, and its ledger was in the bundle anyway
    root, folder = publish_copy(scenario, tmp_path / "三股", "--section", "三股", "--section", "一股")
    bundle = results_of(folder)
    assert bundle["sections"] == ["安全监管三股", "安全监管一股"] and len(bundle["results"]) == 1
    assert sorted(p for p in bundle_files(folder) if p.startswith("ledger/")) == ledger_files(root)


def test_period_selects_by_the_day_the_check_finished(scenario, tmp_path):
    companies = scenario["companies"]
    root, folder = publish_copy(scenario, tmp_path, "--from", "2026-12-04", "--to", "2026-12-04")
    bundle = results_of(folder)
    assert [r["entity_id"] for r in bundle["results"]] == [companies["B"]]
    assert (bundle["from"], bundle["to"]) == ("2026-12-04", "2026-12-04") and bundle["pending_review"] == 1
    assert bundle["sections"] == ["安全监管二股"]  # without --section: the sections that have results
    record = json.loads((root / "data/ledger/bureau/2026.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (record["from"], record["to"], record["results"]) == ("2026-12-04", "2026-12-04", 1)
    assert "公示范围：2026-12-04 至 2026-12-04" in (folder / "index.html").read_text(encoding="utf-8")
    _, later = publish_copy(scenario, tmp_path / "later", "--from", "2026-12-05")
    assert [r["entity_id"] for r in results_of(later)["results"]] == [companies["E"]]
    _, earlier = publish_copy(scenario, tmp_path / "earlier", "--to", "2026-12-03")
    assert [r["entity_id"] for r in results_of(earlier)["results"]] == [companies["A"]]


def test_plan_is_the_one_the_draws_were_made_under_even_when_published_next_year(scenario, tmp_path):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from shuangsuiji.publish.publication import perform_publish
    from shuangsuiji.workspace import Workspace

    root = copy_of(scenario, tmp_path)
    january = dt.datetime(2027, 1, 11, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    done = perform_publish(Workspace(root), [], None, None, tmp_path / "公示", None, now=january)
    assert done.written.record["at"] == "2027-01-11T09:30:00+08:00"
    plan = json.loads((done.folder / "plan.json").read_text(encoding="utf-8"))
    assert plan["year"] == 2026 and plan["items"][0]["id"].startswith("2026-")


def test_default_output_folder(scenario, tmp_path):
    root = copy_of(scenario, tmp_path)
    code, out, err = run(root, "publish", "--section", "一股")
    assert code == 0, out + err
    folders = [p for p in (root / "publish").iterdir() if p.is_dir()]
    assert len(folders) == 1 and re.fullmatch(r"公示-\d{8}-\d{6}", folders[0].name)
    assert folders[0].with_suffix(".zip").is_file() and (folders[0] / "manifest.json").is_file()
    assert f"已生成公开材料：{folders[0]}（压缩包 {folders[0].name}.zip）" in out
    assert "在公示包里运行 python verify.py 可独立核验。" in out


def refused(root: Path, folder: Path, *args: str) -> str:
    before = snapshot(root)
    head = git(root, "rev-parse", "HEAD")
    code, out, err = run(root, "publish", "--out", str(folder), *args)
    assert code == 1, out + err
    assert snapshot(root) == before and git(root, "rev-parse", "HEAD") == head
    assert not folder.exists() and not folder.with_suffix(".zip").exists()
    assert not folder.with_name(folder.name + ".part").exists()
    return err


def test_nothing_to_publish_is_refused_and_nothing_written(scenario, tmp_path):
    root = copy_of(scenario, tmp_path)
    err = refused(root, tmp_path / "公示", "--from", "2027-01-01")
    assert "所选范围内没有已办结、可以公开的检查结果" in err
    assert "待集中审理" not in err
    err = refused(root, tmp_path / "公示", "--section", "三股")
    assert "所选范围内没有已办结、可以公开的检查结果" in err
    err = refused(root, tmp_path / "公示", "--from", "2026-12-04", "--to", "2026-12-03")
    assert "起始日期 2026-12-04 晚于截止日期 2026-12-03" in err
    err = refused(root, tmp_path / "公示", "--section", "四股")
    assert "四股" in err


def test_failed_publish_leaves_data_unchanged_and_no_folder(scenario, tmp_path):
    root = copy_of(scenario, tmp_path)
    # an existing output folder is never overwritten
    (tmp_path / "已有").mkdir()
    code, _, err = run(root, "publish", "--out", str(tmp_path / "已有"))
    assert code == 1 and "已存在" in err and list((tmp_path / "已有").iterdir()) == []
    # uncommitted data are not published
    path = root / scenario["reports"]["E"]
    path.write_text(path.read_text(encoding="utf-8").replace("现场未发现问题", "现场未发现问题（已复核）"), encoding="utf-8")
    assert "未提交的修改" in refused(root, tmp_path / "公示")
    git(root, "checkout", "--", scenario["reports"]["E"])
    # data that do not pass ssj check are not published
    path.write_text(path.read_text(encoding="utf-8").replace("result: \"未发现问题\"", "result: \"基本合格\""), encoding="utf-8")
    git(root, "commit", "-q", "-am", "错误的结果类别")
    assert "数据有 1 处错误" in refused(root, tmp_path / "公示")
    git(root, "revert", "--no-edit", "HEAD")
    # a torn line in the bureau ledger (where the publish record goes): refused before anything is written
    bureau_ledger = root / "data/ledger/bureau/2026.jsonl"
    bureau_ledger.write_bytes(bureau_ledger.read_bytes() + b'{"seq":9')
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "残行")
    err = refused(root, tmp_path / "公示")
    assert "台账核验不通过，不能公开" in err and "data/ledger/bureau/2026.jsonl:" in err and "最后一行不完整" in err


def test_a_ledger_whose_chain_does_not_verify_is_not_published(scenario, tmp_path):
    root = copy_of(scenario, tmp_path)
    path = root / "data/ledger/ergu/2026.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("抽取时误用了未更新的名录", "抽取时断电"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "改写作废原因")  # committed, so only the chain itself can tell
    err = refused(root, tmp_path / "公示")
    assert "台账核验不通过，不能公开" in err
    assert "data/ledger/ergu/2026.jsonl:2: hash 不符（记录被改动过）" in err


def test_a_changed_list_file_is_not_published(scenario, tmp_path):
    root = copy_of(scenario, tmp_path)
    stratum = next(s for s in ledger(root, "ergu")[3]["strata"] if s["name"] == "一般")
    rel = f"data/ledger/lists/{stratum['population']}.json"
    ids = json.loads((root / rel).read_bytes())
    dropped = next(i for i in ids if i not in stratum["selected"])
    (root / rel).write_bytes(json.dumps([i for i in ids if i != dropped], separators=(",", ":")).encode())
    git(root, "commit", "-q", "-am", "名单少了一家")  # committed, so only the list's name can tell
    err = refused(root, tmp_path / "公示")
    assert "台账核验不通过，不能公开" in err
    assert (f"data/ledger/ergu/2026.jsonl:4: 第 8 层（一般）：名单文件 {stratum['population']}.json 的 SHA-256 与文件名不符"
            "（文件被改动过）") in err


def sealed_void(root: Path, ledger_name: str, reason: str) -> bytes:
    """A void of the ledger's last record, sealed as ssj would seal it (chain, heads): a line no check of the
    chain can tell from one ssj wrote."""
    from shuangsuiji.publish.verifier import verify as kit

    records = ledger(root, ledger_name)
    void = {k: v for k, v in next(r for r in records if r["type"] == "void").items() if k != "hash"}
    void.update(seq=len(records), prev=records[-1]["hash"], draw=records[-1]["hash"], reason=reason,
                heads={name: {"seq": r["seq"], "hash": r["hash"]} for name in LEDGERS if name != ledger_name
                       for r in ledger(root, name)[-1:]})
    void["hash"] = kit.record_hash(void)
    return kit.canonical(void) + b"\n"


def test_a_ledger_that_differs_from_its_commit_is_not_published(scenario, tmp_path):
    from shuangsuiji.core.ledgers import verify_ledgers
    from shuangsuiji.core.lists import list_bytes, list_digest

    root = copy_of(scenario, tmp_path)
    path = root / "data/ledger/sangu/2026.jsonl"
    path.write_bytes(path.read_bytes() + sealed_void(root, "sangu", "检查组人员不足"))
    assert verify_ledgers(str(root / "data/ledger")).problems == []  # the chains hold; the record is just not committed
    err = refused(root, tmp_path / "公示", "--allow-dirty")  # --allow-dirty is about data files, never the ledger
    assert ("台账中有尚未提交到 git 的内容：data/ledger/sangu/2026.jsonl。在它提交之前不能再写入新记录（记录不会被丢弃）："
            "请先运行 git add data/ledger && git commit") in err
    # an uncommitted list file is refused the same way, even one that no record uses and whose name is right
    git(root, "checkout", "--", "data/ledger/sangu/2026.jsonl")
    extra = f"data/ledger/lists/{list_digest(['91410482MA0000000X'])}.json"
    (root / extra).write_bytes(list_bytes(["91410482MA0000000X"]))
    err = refused(root, tmp_path / "公示")
    assert f"台账中有尚未提交到 git 的内容：{extra}。" in err


def test_results_still_waiting_are_listed_from_before_the_publish_record(published):
    # C (a major violation waiting for its review) is finished but not published; A, B and E went out now
    [waiting] = published["summary"]["unpublished"]
    assert (waiting["report"], waiting["entity"], waiting["finished_on"], waiting["overdue"]) == (
        published["reports"]["C"], published["companies"]["C"], "2026-12-04", False)


def test_nothing_after_the_publish_record_can_fail(scenario, tmp_path, monkeypatch):
    # the deadline listing is computed before anything is written: when it fails, nothing was published
    from shuangsuiji.errors import SsjError

    def broken(*args, **kwargs):
        raise SsjError("公示期限无法计算")

    monkeypatch.setattr("shuangsuiji.publish.publication.plan_status", broken)
    root = copy_of(scenario, tmp_path)
    assert "公示期限无法计算" in refused(root, tmp_path / "公示")
    monkeypatch.undo()
    code, out, err = run(root, "publish", "--out", str(tmp_path / "公示"))
    assert code == 0, out + err
    assert f"尚未公开：{scenario['reports']['C']}（办结 2026-12-04，应于 " in out


def test_zip_is_named_after_the_whole_folder_name(scenario, tmp_path):
    root = copy_of(scenario, tmp_path)
    code, out, err = run(root, "publish", "--out", str(tmp_path / "公示.v2"), "--json")
    assert code == 0, out + err
    assert json.loads(out)["zip"] == str(tmp_path / "公示.v2.zip")
    assert (tmp_path / "公示.v2.zip").is_file() and not (tmp_path / "公示.zip").exists()
    with zipfile.ZipFile(tmp_path / "公示.v2.zip") as archive:
        assert "公示.v2/manifest.json" in archive.namelist()


def test_an_existing_zip_is_never_overwritten(scenario, tmp_path):
    root = copy_of(scenario, tmp_path)
    (tmp_path / "公示.zip").write_bytes(b"earlier bundle")
    before = snapshot(root)
    code, _, err = run(root, "publish", "--out", str(tmp_path / "公示"))
    assert code == 1 and f"压缩包 {tmp_path / '公示.zip'} 已存在" in err
    assert (tmp_path / "公示.zip").read_bytes() == b"earlier bundle" and not (tmp_path / "公示").exists()
    assert snapshot(root) == before


# -- what a bundle may not hide, and what it may not carry ---------------------------------------------------

def test_a_section_that_published_nothing_has_its_void_and_redraw_in_the_bundle(published):
    # 三股 drew, voided and drew again, and has no result: before format 2 its ledger was in no bundle, so the
    # void and redraw stayed invisible until it published. Now every bundle carries them (SPEC §6, issue 11)
    folder, root = published["folder"], published["root"]
    assert "安全监管三股" not in results_of(folder)["sections"]
    assert not [r for r in results_of(folder)["results"] if r["section"] == "安全监管三股"]
    records = bundle_ledger(folder, "sangu")
    assert (folder / "ledger/sangu/2026.jsonl").read_bytes() == (root / "data/ledger/sangu/2026.jsonl").read_bytes()
    first, void, redraw = records
    assert (first["type"], void["type"], redraw["type"]) == ("draw", "void", "draw")
    assert void["draw"] == first["hash"] and void["reason"] == SANGU_VOID
    assert (first["seed"], redraw["seed"]) == ("7", "12") and first["date"] == redraw["date"] == "2026-12-01"
    for record in (first, redraw):  # both draws can be re-derived from the bundle alone: their lists are in it
        for stratum in record["strata"]:
            assert (folder / f"ledger/lists/{stratum['population']}.json").is_file()
    result = verify(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "台账 sangu：3 条记录（随机抽取 2、作废 1）" in result.stdout


def test_the_page_lists_the_void_and_redraw_of_a_section_that_published_nothing(published):
    # the page lists the records of every ledger the bundle ships, not only of the sections with results (issue 11)
    rows = {row[0]: row for row in page_of(published["folder"]).rows if len(row) == 4}
    assert rows["三股-1"][2:] == ["作废", f"作废 三股-0：{SANGU_VOID}"]
    assert FAIRNESS_SHORT["operator"] in rows["三股-0"][3] and FAIRNESS_SHORT["operator"] in rows["三股-2"][3]


def dirty_draw(scenario: dict, where: Path) -> tuple[Path, dict]:
    """A copy of the scenario where 指挥中心 draws (today, 12-20) with an uncommitted data file, then commits it."""
    root = copy_of(scenario, where)
    path = root / "data/entities/安全培训机构.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 尚未提交的备注\n", encoding="utf-8")
    code, out, err = run(root, "draw", "--section", "指挥中心", "--seed", "5", "--json")
    assert code == 1 and "--allow-dirty" in err  # refused without the option
    record = json.loads(ok(root, "draw", "--section", "指挥中心", "--seed", "5", "--allow-dirty", "--json"))  # 指挥中心-0
    assert record["dirty"] is True and record["date"] == LATER
    git(root, "commit", "-q", "-am", "备注")
    return root, record


def test_a_result_of_a_dirty_draw_is_not_published(scenario, tmp_path):
    root, record = dirty_draw(scenario, tmp_path)
    entity = assigned(record)[0]["entity"]
    ok(root, "report", "new", "指挥中心-0", entity)
    finished(root / f"data/reports/zhihui/zhihui-0-{entity}.yaml", LATER)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "检查报告")
    err = refused(root, tmp_path / "公示")
    assert "指挥中心-0" in err and "--allow-dirty" in err


def test_a_dirty_draw_is_marked_on_the_page(scenario, tmp_path):
    root, record = dirty_draw(scenario, tmp_path)
    folder = tmp_path / "公示"
    ok(root, "publish", "--out", str(folder), "--section", "指挥中心", "--section", "一股")
    assert bundle_ledger(folder, "zhihui") == [record]  # the ledger says it (dirty: true), verify.py checks it
    assert verify(folder).returncode == 0
    rows = {row[0]: row for row in page_of(folder).rows if len(row) == 4}
    assert "未提交的数据" in rows["指挥中心-0"][3]


#: private numbers typed into a published free-text field (SPEC §6: scanned, check reports them, publish refuses)
PRIVATE_IN_FINDINGS = {
    "mobile": "负责人张某（电话 13912345678）称已整改",
    "id_card": f"负责人张某（身份证号 41048219850315001{ric.calc_check_digit('410482198503150010')}）称已整改",
    "e-mail": "整改材料已发至 zhangmou@example.com",
}


@pytest.mark.parametrize("kind", sorted(PRIVATE_IN_FINDINGS))
def test_findings_with_a_private_number_are_not_published(scenario, tmp_path, kind):
    root = copy_of(scenario, tmp_path)
    text = PRIVATE_IN_FINDINGS[kind]
    if kind == "id_card":  # a real-looking number: a birth date and a right check digit
        number = re.search(r"\d{17}[\dX]", text).group()
        assert ric.get_birth_date(number).isoformat() == "1985-03-15" and ric.calc_check_digit(number) == number[-1]
    fill(root / scenario["reports"]["E"], findings=text)
    git(root, "commit", "-q", "-am", "检查情况")
    err = refused(root, tmp_path / "公示")
    assert scenario["reports"]["E"] in err


# -- privacy: only public fields leave the repository ------------------------------------------------------------

HANDLED_PRIVATE_FIELDS = {
    ("Entity", "legal_rep"), ("Entity", "phone"), ("Inspector", "phone"), ("Inspector", "id_card"),
    ("Conflict", "reason"), ("Evidence", "path"), ("Evidence", "sha256"), ("Evidence", "note"),
    ("Review", "signed_by"), ("Report", "evidence"), ("Report", "draw_hash"),
}


def every_private_field() -> set[tuple[str, str]]:
    found = set()
    for name in models.__all__:
        model = getattr(models, name)
        if isinstance(model, type) and issubclass(model, models.Model):
            found |= {(name, field) for field, info in model.model_fields.items() if not models.is_public(info)}
    return found


def readable_texts(folder: Path) -> dict[str, str]:
    """Every file of the bundle as text, the XML inside results.xlsx, and every member of the zip."""
    texts: dict[str, str] = {}

    def add(name: str, data: bytes) -> None:
        texts[name] = data.decode("utf-8", errors="replace")
        if name.endswith((".xlsx", ".zip")):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    add(f"{name}!{member}", archive.read(member))

    for rel, data in bundle_files(folder).items():
        add(rel, data)
    add(folder.with_suffix(".zip").name, folder.with_suffix(".zip").read_bytes())
    return texts


def test_every_private_field_is_filled_with_a_marker(published):
    # a new private field must be added to the markers (and so to this test) before it can be forgotten
    assert every_private_field() == HANDLED_PRIVATE_FIELDS
    root = published["root"]
    repo_text = "".join(p.read_text(encoding="utf-8") for p in (root / "data").rglob("*.yaml"))
    for field, values in published["markers"].items():
        if field == ("Evidence", "sha256"):
            assert values[0] == hashlib.sha256((root / published["markers"][("Evidence", "path")][0]).read_bytes()).hexdigest()
        for value in values:
            assert value in repo_text or field == ("Evidence", "sha256") and value in repo_text.lower(), (field, value)


def test_no_private_value_appears_anywhere_in_the_bundle(published):
    texts = readable_texts(published["folder"])
    assert {"results.xlsx!xl/worksheets/sheet1.xml", "公示包.zip!公示包/results.xlsx!xl/worksheets/sheet1.xml"} <= set(texts)
    # the search can see what is there: public values are found in every form of the results
    name = "汝州市协昌涂料有限公司"
    for where in ("index.html", "results.json", "results.xlsx!xl/worksheets/sheet1.xml", "公示包.zip!公示包/results.csv"):
        assert published["companies"]["A"] in texts[where], where
    assert name in texts["index.html"] and name in texts["公示包.zip!公示包/results.json"]
    leaks = [(field, value, where) for field, values in published["markers"].items() for value in values
             for where, text in texts.items() if value in text]
    assert leaks == []
    # public fields of reports that are not (yet) published stay home too: a draft and one waiting for review
    for marker in ("草稿检查情况标记DR0001", "待审理检查情况标记WR0001"):
        assert [where for where, text in texts.items() if marker in text] == []
    # Report.draw_hash is marked private, yet its value is by construction the hash of a draw record of the
    # public ledger (a report naming any other hash fails ssj check and is never published), so it cannot be
    # given a marker. What "recognisable" means for it: every 64-hex string of the bundle is the hash of a
    # record in the bundle's ledgers, the SHA-256 of a bundle file, or an input digest of a draw, i.e. nothing
    # the public ledger and manifest do not already disclose.
    folder = published["folder"]
    ledgers = [record for name in LEDGERS for record in bundle_ledger(folder, name)]
    known = {r["hash"] for r in ledgers} | {r["prev"] for r in ledgers}
    known |= {s["population"] for r in ledgers for s in r.get("strata") or []}  # list files, named by their digest
    known |= {v for r in ledgers for v in (r.get("inputs") or {}).values()}
    known |= {r[k] for r in ledgers for k in ("population_digest", "pool_digest", "strata_digest", "draw", "announcement",
                                              "digest", "checklist", "plan_digest")  # approvals and what draws pin
              if isinstance(r.get(k), str)}
    known |= set(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"].values())
    for where in ("index.html", "results.json", "results.csv", "results.xlsx!xl/worksheets/sheet1.xml"):
        assert set(re.findall(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", texts[where])) <= known, where


# -- the page ----------------------------------------------------------------------------------------------------

def test_index_page_lists_every_result_with_the_fields_of_article_22(published):
    page = page_of(published["folder"])
    bundle = results_of(published["folder"])
    header = next(row for row in page.rows if row and row[0] == "检查时间")
    assert header == ["检查时间", "抽查事项", "检查对象", "检查情况", "检查结果", "处理意见", "检查人员（执法证号）", "抽取记录"]
    rows = page.rows[page.rows.index(header) + 1:][:3]
    for row, result in zip(rows, bundle["results"], strict=True):
        time, item, company, findings, outcome, handling, people, draw = row
        assert time == "、".join(result["check_dates"])
        assert result["checklist_name"] in item and result["method"] in item
        assert result["entity_name"] in company and result["entity_id"] in company and result["address"] in company
        assert findings == result["findings"] and outcome == result["result"]
        assert handling.startswith(result["handling"])
        assert all(f"{p['name']}（{p['cert_no']}）" in people for p in result["inspectors"])
        assert draw == f"{result['draw']}\n{result['fairness_text']}"
    assert "罚款人民币三万元" in rows[1][5] and "集中审理（2026-12-08）" in rows[1][5]
    assert "整改期限：2026-12-20" in rows[0][5]
    text = "".join(page.text)
    assert "另有 1 项发现重大违法行为的检查正在集中审理（第二十条）" in text


def test_index_page_shows_fairness_in_words_for_each_draw(published):
    folder = published["folder"]
    text = "".join(page_of(folder).text)
    assert f"公平性：{FAIRNESS['announced']}" in text
    assert f"公平性：{FAIRNESS['system']}" in text
    assert f"随机种子：{CANONICAL_SEED}" in text and f"随机种子：{SYSTEM_SEED}" in text  # to compare with the lottery
    # every draw of the published ledgers, the voided one included, shows its fairness in the full record list
    rows = {row[0]: row for row in page_of(folder).rows if len(row) == 4}
    for section, short in (("ergu", "二股"), ("yigu", "一股")):
        for record in ledger(published["root"], section):
            if record["type"] == "draw":
                assert FAIRNESS_SHORT[record["fairness"]] in rows[f"{short}-{record['seq']}"][3]
    assert rows["二股-0"][3].endswith("人工输入") and rows["二股-1"][2:] == ["作废", "作废 二股-0：抽取时误用了未更新的名录"]
    recusal = ledger(published["root"], "yigu")[1]
    assert rows["二股-2"][2] == "抽取公告" and rows["一股-1"][2:] == [
        "回避替换", f"回避替换：{recusal['inspector']} → {recusal['replacement']}（一股-0，{recusal['entity']}，因故不能执行检查）"]


def test_index_page_is_static_and_self_contained(published):
    page = page_of(published["folder"])
    raw = (published["folder"] / "index.html").read_text(encoding="utf-8")
    assert raw.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in raw and '<meta charset="utf-8">' in raw
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in raw  # readable on a phone
    assert "@media print" in raw and "@media (max-width" in raw
    assert not [tag for tag, _ in page.tags if tag in ("script", "link", "img", "iframe", "object", "embed")]
    urls = re.findall(r"(?:https?:)?//[^\s\"'<>)]+", raw)
    assert set(urls) == {"http://www.w3.org/2000/svg"}  # only the SVG namespace, which is never fetched
    assert [href for tag, attrs in page.tags if tag == "a" for href in [attrs.get("href")]] == [
        "index.html", "results.csv", "results.xlsx", "results.json", "platform/公示结果.xlsx", "platform/公示结果.csv",
        "platform/columns.json", "checklist.json", "plan.json", "verify.py",
        "ledger/", "heads.json", "manifest.json"]
    assert raw.count("<svg") == 2  # companies per section against the plan, and the results
