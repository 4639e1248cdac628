"""``verify.py --document CODE`` in a published bundle: the company checks its paper (QR text or number) against
the bureau's public ledgers — the record is there, its draw stands and selected the company, the QR matches."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shuangsuiji.core.rederive import selected_ids
from tests.documents.test_issuing import COMPANY
from tests.helpers import run_ssj


def ok(root: Path, *args: str) -> str:
    code, out, err = run_ssj(root, *args)
    assert code == 0, out + err
    return out


@pytest.fixture(scope="module")
def bundle(drawn_template: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Documents for 二股-0 and 一股-0, published."""
    base = tmp_path_factory.mktemp("bundle")
    root = base / "汝州"
    shutil.copytree(drawn_template["root"], root, ignore=shutil.ignore_patterns("index.sqlite*", "*.lock"))
    record = json.loads(ok(root, "doc", "现场检查记录", "二股-0", COMPANY, "--out", str(base / "记录.html"), "--json"))
    yigu = selected_ids(drawn_template["yigu"])[0]
    other = json.loads(ok(root, "doc", "检查通知书", "一股-0", yigu, "--out", str(base / "通知.html"), "--json"))
    folder = base / "公示包"
    ok(root, "publish", "--allow-empty", "--out", str(folder))
    qr = re.search(r'data-qr-text="([^"]*)"', (base / "记录.html").read_text(encoding="utf-8")).group(1)
    return {"folder": folder, "record": record, "other": other, "qr": qr, "draw": drawn_template["ergu"]}


def verify(bundle: dict, *args: str) -> subprocess.CompletedProcess[str]:
    folder = bundle["folder"]
    return subprocess.run([sys.executable, str(folder / "verify.py"), str(folder), *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_the_bundle_holds_the_document_record_but_not_the_document(bundle):
    ledger = (bundle["folder"] / "ledger/ergu/2026.jsonl").read_text(encoding="utf-8")
    assert bundle["record"]["number"] in ledger
    assert not list(bundle["folder"].glob("*汝应急*")) and "已出示执法证" not in ledger


def test_a_number_is_checked(bundle):
    result = verify(bundle, "--document", bundle["record"]["number"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"文书 {bundle['record']['number']}：现场检查记录，检查对象 {COMPANY}" in result.stdout
    assert f"文书文件的 SHA-256 为 {bundle['record']['sha256']}" in result.stdout
    assert f"文书 {bundle['record']['number']} 与台账相符：所属抽取 ergu-0（2026-12-01）未作废" in result.stdout
    assert "核验通过" in result.stdout


def test_the_qr_text_is_checked_as_it_is(bundle):
    assert bundle["qr"] == f"编号：{bundle['record']['number']}；抽取：二股-0；哈希：{bundle['draw']['hash']}"
    result = verify(bundle, "--document", bundle["qr"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "二维码中的抽取编号和哈希一致" in result.stdout


def test_json_carries_the_notes(bundle):
    result = verify(bundle, "--document", bundle["qr"], "--json")
    assert result.returncode == 0
    summary = json.loads(result.stdout)
    assert summary["ok"] is True and any("与台账相符" in n for n in summary["notes"])


@pytest.mark.parametrize(("change", "words"), [
    (lambda qr, h: qr.replace(h, "0" * 64), "二维码中的抽取哈希 0000000000000000000000000000000000000000000000000000000000000000 与台账中文书"),
    (lambda qr, h: qr.replace("抽取：二股-0", "抽取：二股-7"), "二维码中的抽取编号 二股-7 与台账不符：文书所属的抽取是 ergu-0"),
    (lambda qr, h: qr.replace("二股-001", "二股-009"), "台账中没有编号为 汝应急现记〔2026〕二股-009 的文书"),
    (lambda qr, h: qr.replace(h, h[:40]), "二维码中的抽取哈希"),
    (lambda qr, h: "随便写的文字", "文书编号 “随便写的文字” 格式不对"),
    (lambda qr, h: qr.replace("；抽取", "抽取"), "二维码中的文书编号"),
])
def test_a_changed_or_unknown_code_fails(bundle, change, words):
    result = verify(bundle, "--document", change(bundle["qr"], bundle["draw"]["hash"]))
    assert result.returncode == 1, result.stdout
    assert f"--document: {words}" in result.stdout, result.stdout
    assert "核验未通过：共发现 1 个问题" in result.stdout and "Traceback" not in result.stderr


def test_a_document_of_a_draw_voided_since_fails(drawn_template, tmp_path):
    # ssj void refuses a draw with documents; a modified ssj writes the void all the same: the ledgers fail, and
    # --document says the company's paper belongs to a voided draw
    root = tmp_path / "汝州"
    shutil.copytree(drawn_template["root"], root, ignore=shutil.ignore_patterns("index.sqlite*", "*.lock"))
    yigu = selected_ids(drawn_template["yigu"])[0]
    paper = json.loads(ok(root, "doc", "检查通知书", "一股-0", yigu, "--out", str(tmp_path / "通知.html"), "--json"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("shuangsuiji.draw.void.refuse_if_documents", lambda *_: None)
        ok(root, "void", "一股-0", "--reason", "选错了计划事项")
    kit = Path(__file__).resolve().parents[2] / "shuangsuiji/publish/verifier/verify.py"
    result = subprocess.run([sys.executable, str(kit), str(root / "data" / "ledger"), "--document", paper["number"]],
                            capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert result.returncode == 1
    assert "的抽取已开具抽查文书，文书已交给被检查单位，不能再作废" in result.stdout, result.stdout
    assert re.search(r"--document: 文书 \S+ 所属的抽取 yigu-0 已作废（yigu-\d+：选错了计划事项）", result.stdout), result.stdout


def test_without_document_the_bundle_verifies(bundle):
    result = verify(bundle)
    assert result.returncode == 0, result.stdout
    assert len(re.findall(r"台账 \w+：\d+ 条记录（[^）]*抽查文书 1", result.stdout)) == 2, result.stdout
