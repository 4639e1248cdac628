"""``ssj heads``: the printed heads are what ``verify.py --previous`` reads back, and refuse an uncommitted ledger."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import git


def draw(ssj, root, seed):
    result = ssj(root, "draw", "--section", "二股", "--ratio", "0.1", "--seed", seed, "--again", "--reason", "测试")
    assert result.code == 0, result.err


def test_printed_heads_prove_a_later_bundle_extends_them(git_bureau, ssj, tmp_path):
    draw(ssj, git_bureau, "1 2 3 4 5 6")
    noted = tmp_path / "末条记录.txt"
    printed = ssj(git_bureau, "heads", "--no-qr", "--out", str(noted))
    assert printed.code == 0, printed.err
    heads = json.loads(ssj(git_bureau, "heads", "--json").out)
    assert f"ergu 0 {heads['ergu']['hash']}" in noted.read_text(encoding="utf-8")
    assert "二股-0（" in printed.out
    draw(ssj, git_bureau, "7 8 9")
    bundle = tmp_path / "公示"
    assert ssj(git_bureau, "publish", "--allow-empty", "--out", str(bundle)).code == 0
    ok = subprocess.run([sys.executable, "-I", "verify.py", "--previous", str(noted)], cwd=bundle,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    forged = tmp_path / "伪造.txt"
    forged.write_text(noted.read_text(encoding="utf-8").replace(heads["ergu"]["hash"], "0" * 64), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-I", "verify.py", "--previous", str(forged)], cwd=bundle,
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "ergu" in bad.stdout + bad.stderr


def test_the_qr_code_is_written_as_svg(git_bureau, ssj, tmp_path):
    target = tmp_path / "末条记录.svg"
    assert ssj(git_bureau, "heads", "--no-qr", "--svg", str(target)).code == 0
    assert target.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_heads_of_an_uncommitted_ledger_are_refused(git_bureau, ssj):
    draw(ssj, git_bureau, "1 2 3 4 5 6")
    git(git_bureau, "reset", "-q", "--soft", "HEAD~1")
    git(git_bureau, "reset", "-q")
    result = ssj(git_bureau, "heads", "--no-qr")
    assert result.code == 1 and "台账有未提交的内容" in result.err
