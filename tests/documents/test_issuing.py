"""``ssj doc``: each kind pre-filled from the draw, the team and the company; numbered per series, section and year;
recorded as a ``document`` record; every refusal writes nothing."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from shuangsuiji.core.canonical import canonical
from shuangsuiji.core.documents import DOCUMENT_KINDS
from shuangsuiji.core.ledgers import verify_ledgers
from shuangsuiji.core.rederive import selected_ids
from shuangsuiji.ledger.store import seal
from tests.helpers import git, ledger_file, ledger_records, snapshot, team_of

COMPANY = "91410482MA4B3MFL8R"  # 汝州市安和新材料科技有限公司, drawn by 二股-0 (重点)


def entity_of(root: Path, entity: str) -> dict:
    for path in (root / "data/entities").glob("*.yaml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["entities"]:
            if str(item["id"]) == entity:
                return item
    raise AssertionError(entity)


def inspectors_of(root: Path) -> dict[str, dict]:
    return {p["id"]: p for p in yaml.safe_load((root / "data/inspectors.yaml").read_text(encoding="utf-8"))["inspectors"]}


def issue(ssj, root: Path, kind: str, entity: str = COMPANY, draw: str = "二股-0", name: str | None = None):
    out = root.parent / (name or f"{DOCUMENT_KINDS.get(kind, kind)}-{len(list(root.parent.glob('*.html')))}.html")
    result = ssj(root, "doc", kind, draw, entity, "--out", str(out), "--json")
    assert result.code == 0, result.out + result.err
    return json.loads(result.out), out


def text_of(html: str) -> str:
    """The words of a page, without tags, styles or the template comments."""
    body = re.sub(r"<style>.*?</style>|<svg.*?</svg>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("kind", ["检查通知书", "现场检查记录", "责令限期整改指令书"])
def test_each_kind_holds_the_draw_the_team_the_company_and_the_item(ssj, drawn, kind):
    root, record = drawn["root"], drawn["ergu"]
    written, path = issue(ssj, root, kind)
    html = path.read_text(encoding="utf-8")
    text = text_of(html)
    company = entity_of(root, COMPANY)
    assert f"<h1>{kind}</h1>" in html
    assert written["number"] in text and "二股-0" in text and "2026年12月1日" in text
    for value in (company["name"], company["address"], company["legal_rep"], COMPANY):
        assert value in text, value
    people = inspectors_of(root)
    for member in team_of(record, COMPANY):
        assert people[member]["name"] in text and str(people[member]["cert_no"]) in text
    assert text.count("已出示执法证") >= len(team_of(record, COMPANY))
    # the checklist item of the plan item (C03): its 依据, 标准 and 内容
    assert "烟花爆竹和危险化学品经营单位安全生产监督检查" in text
    assert "《中华人民共和国安全生产法》第六十五条" in text
    assert "《烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）》" in text
    if kind != "责令限期整改指令书":  # the order names the item, its 依据 and 标准; the others list its 内容 too
        assert "储存场所、仓库和零售点的安全距离、限量存放和防火措施" in text
    assert "break-inside: avoid" in html and "@page" in html and "counter(page)" in html


def test_the_record_names_number_kind_draw_company_and_the_files_hash(ssj, drawn):
    root = drawn["root"]
    written, path = issue(ssj, root, "现场检查记录")
    last = ledger_records(root, "ergu")[-1]
    assert last == written
    assert {k: last[k] for k in ("type", "number", "kind", "draw", "entity")} == {
        "type": "document", "number": "汝应急现记〔2026〕二股-001", "kind": "现场检查记录",
        "draw": drawn["ergu"]["hash"], "entity": COMPANY}
    assert last["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert verify_ledgers(str(root / "data/ledger")).problems == []


def test_every_kind_has_its_own_series_that_counts_up(ssj, drawn):
    root = drawn["root"]
    other = selected_ids(drawn["ergu"])[1]
    numbers = [issue(ssj, root, kind, entity)[0]["number"] for kind, entity in
               (("现场检查记录", COMPANY), ("record", other), ("检查通知书", COMPANY), ("现场检查记录", COMPANY))]
    assert numbers == ["汝应急现记〔2026〕二股-001", "汝应急现记〔2026〕二股-002", "汝应急检通〔2026〕二股-001",
                       "汝应急现记〔2026〕二股-003"]


def test_each_section_and_each_year_counts_from_one(ssj, drawn, clock):
    root = drawn["root"]
    yigu = selected_ids(drawn["yigu"])[0]
    assert issue(ssj, root, "现场检查记录")[0]["number"] == "汝应急现记〔2026〕二股-001"
    written, _ = issue(ssj, root, "现场检查记录", yigu, "一股-0")
    assert written["number"] == "汝应急现记〔2026〕一股-001"
    assert ledger_records(root, "yigu")[-1] == written  # the draw's own section ledger
    clock.set("2027-01-05")
    assert issue(ssj, root, "现场检查记录")[0]["number"] == "汝应急现记〔2027〕二股-001"
    assert issue(ssj, root, "现场检查记录")[0]["number"] == "汝应急现记〔2027〕二股-002"
    assert [r["seq"] for r in ledger_records(root, "ergu")] == [0, 1, 2, 3]  # one chain across the year files
    assert verify_ledgers(str(root / "data/ledger")).problems == []


def test_a_number_is_never_used_twice_and_the_verifier_rejects_a_reused_one(ssj, drawn):
    root = drawn["root"]
    first, _ = issue(ssj, root, "检查通知书")
    second, _ = issue(ssj, root, "检查通知书")
    assert first["number"] != second["number"]
    # a forged ledger that records the first number again, chained and sealed correctly
    forged = {k: v for k, v in second.items() if k not in ("seq", "prev", "hash")}
    forged = seal({**forged, "at": second["at"], "number": first["number"]}, second["seq"] + 1, second["hash"])
    with ledger_file(root, "ergu").open("ab") as handle:
        handle.write(canonical(forged) + b"\n")
    messages = [m for _, _, m in verify_ledgers(str(root / "data/ledger")).problems]
    assert any(f"文书编号 {first['number']} 已在 ergu-1 使用过，编号不得重复" in m for m in messages), messages


def test_a_recheck_follows_its_order_and_names_it(ssj, drawn):
    root = drawn["root"]
    order, _ = issue(ssj, root, "order")
    written, path = issue(ssj, root, "recheck")
    assert written["number"] == "汝应急复查〔2026〕二股-001"
    text = text_of(path.read_text(encoding="utf-8"))
    assert f"《责令限期整改指令书》（{order['number']}）" in text
    company, people = entity_of(drawn["root"], COMPANY), inspectors_of(drawn["root"])
    assert company["name"] in text and company["legal_rep"] in text and written["number"] in text
    assert all(people[m]["name"] in text and people[m]["cert_no"] in text for m in team_of(drawn["ergu"], COMPANY))


def test_the_default_file_is_named_by_its_number_in_a_folder_git_ignores(ssj, drawn, monkeypatch):
    root = drawn["root"]
    monkeypatch.chdir(root.parent)  # wherever the clerk stands: the repository's 文书/ folder
    result = ssj(root, "doc", "检查通知书", "二股-0", COMPANY)
    assert result.code == 0, result.err
    path = root / "文书" / "汝应急检通〔2026〕二股-001.html"
    assert path.is_file() and "已开具检查通知书 汝应急检通〔2026〕二股-001" in result.out
    assert ledger_records(root, "ergu")[-1]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_in_git_the_record_is_committed(ssj, drawn):
    root = drawn["root"]
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "测试员")
    git(root, "config", "user.email", "tester@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "示例数据")
    written, _ = issue(ssj, root, "现场检查记录")
    assert written["operator"] == "测试员"
    assert git(root, "log", "-1", "--format=%s").strip() == f"抽查文书 {written['number']}（现场检查记录，二股-0，{COMPANY}）"
    assert git(root, "status", "--porcelain", "data").strip() == ""


# -- refusals: exit 1, one clear line, nothing written ------------------------------------------------------

def refused(ssj, root: Path, *args: str) -> str:
    before = snapshot(root)
    out = root.parent / "refused.html"
    result = ssj(root, "doc", *args, "--out", str(out))
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err and result.out == ""
    assert snapshot(root) == before and not out.exists()
    return re.sub(r"\s+", "", result.err)


def test_refuses_a_company_not_in_the_draw(ssj, drawn):
    outsider = selected_ids(drawn["yigu"])[0]
    assert f"单位{outsider}不在二股-0的抽取结果中" in refused(ssj, drawn["root"], "现场检查记录", "二股-0", outsider)


def test_refuses_a_voided_draw_and_the_void_record_itself(ssj, drawn):
    root = drawn["root"]
    assert ssj(root, "void", "二股-0", "--reason", "测试作废").code == 0
    assert "二股-0已于2026-12-01作废（测试作废），不能再为它开具文书" in refused(ssj, root, "现场检查记录", "二股-0", COMPANY)
    assert "二股-1是一条“作废”记录，不是抽取记录" in refused(ssj, root, "现场检查记录", "二股-1", COMPANY)


def test_a_draw_with_documents_cannot_be_voided(ssj, drawn):
    # the papers went to the company: the check has begun, and a void would leave them pointing at nothing
    root = drawn["root"]
    record, _ = issue(ssj, root, "检查通知书")
    before = snapshot(root)
    voided = ssj(root, "void", "二股-0", "--reason", "比例写错")
    assert voided.code == 1
    assert f"二股-0 已开具 1 份抽查文书（{record['number']}），文书已交给被检查单位，检查已经开展，不能作废" in voided.err
    assert snapshot(root) == before


def test_refuses_a_targeted_check(ssj, drawn):
    root = drawn["root"]
    members = team_of(drawn["ergu"], COMPANY)
    other = selected_ids(drawn["ergu"])[2]
    result = ssj(root, "targeted", "--section", "二股", "--basis", "投诉举报", "--reference", "汝应急投〔2026〕1号",
                 "--reason", "群众投诉", "--entity", other, *[a for m in members for a in ("--inspector", m)])
    assert result.code == 0, result.err
    assert "二股-1是一条非随机检查记录" in refused(ssj, root, "现场检查记录", "二股-1", other)


@pytest.mark.parametrize(("args", "words"), [
    (("调查笔录", "二股-0", COMPANY), "不认识的文书种类“调查笔录”：可用检查通知书（notice）"),
    (("notice", "二股-99", COMPANY), "没有记录二股-99"),
    (("notice", "九股-0", COMPANY), "九股"),
    (("notice", "二股", COMPANY), "记录编号“二股”格式不对"),
    (("整改复查意见书", "二股-0", COMPANY), "还没有开具责令限期整改指令书"),
])
def test_refuses_bad_arguments(ssj, drawn, args, words):
    assert words in refused(ssj, drawn["root"], *args)


def test_refuses_to_overwrite_a_file(ssj, drawn):
    root = drawn["root"]
    (root.parent / "refused.html").write_text("旧文书", encoding="utf-8")
    before = snapshot(root)
    result = ssj(root, "doc", "notice", "二股-0", COMPANY, "--out", str(root.parent / "refused.html"))
    assert result.code == 1 and "已存在：已开具的文书不覆盖" in result.err
    assert snapshot(root) == before and (root.parent / "refused.html").read_text(encoding="utf-8") == "旧文书"


def test_refuses_without_a_numbering_in_bureau_yaml(ssj, drawn):
    root = drawn["root"]
    path = root / "data/bureau.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("documents:")], encoding="utf-8")
    assert "data/bureau.yaml没有配置抽查文书编号（documents）" in refused(ssj, root, "notice", "二股-0", COMPANY)


def test_refuses_a_kind_without_a_prefix(ssj, drawn):
    root = drawn["root"]
    path = root / "data/bureau.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n    检查通知书: \S+", "", text), encoding="utf-8")
    assert "documents.prefixes没有“检查通知书”的编号前缀" in refused(ssj, root, "notice", "二股-0", COMPANY)


def test_refuses_a_failed_draw(ssj, drawn):
    root = drawn["root"]
    result = ssj(root, "draw", "--section", "三股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6")
    assert result.code == 1 and ledger_records(root, "sangu")[-1]["type"] == "failed"
    assert "三股-0是一条“抽取未成”记录，不是抽取记录" in refused(ssj, root, "现场检查记录", "三股-0", COMPANY)
