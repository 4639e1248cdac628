"""One commit habit (issue 12 part 8) for the registries: ``ssj import`` and ``ssj credit add / remove`` commit exactly
the files they wrote — an entity file left without companies is deleted and the deletion committed — and nothing the
clerk staged or changed; ``--no-commit`` and ``--dry-run`` commit nothing; a commit failing after the write is exit
status 3 with the files kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import git, snapshot
from tests.registry.test_importing import KUNFA, company, entities_of, write_csv
from tests.reports.test_commits import changed_in, head, status, subject

HEADER = ["统一社会信用代码", "单位名称", "行业类别", "地址"]
COMPANY_1 = company(1)[0]
TRAINING = "data/entities/安全培训机构.yaml"
COMPANY = "914104821733149136"  # 汝州市协昌涂料有限公司: 危险化学品, never listed
ENTITY_HEADER = ["统一社会信用代码", "单位名称", "行业类别", "地址", "乡镇/街道", "风险等级", "重点监管", "经营状态",
                 "法定代表人", "联系电话"]


def one_new_company(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "名录.csv", [ENTITY_HEADER, company(1)])


def test_import_commits_only_the_files_it_wrote(git_bureau, ssj, tmp_path):
    credit = git_bureau / "data/credit.yaml"
    credit.write_text(credit.read_text(encoding="utf-8") + "# 已暂存的备注\n", encoding="utf-8")
    git(git_bureau, "add", "data/credit.yaml")
    base = head(git_bureau)

    result = ssj(git_bureau, "import", "entities", str(one_new_company(tmp_path)))

    assert result.code == 0, result.err
    assert git(git_bureau, "rev-parse", "HEAD~1").strip() == base
    assert subject(git_bureau) == "导入监管对象：名录.csv，新增 1、更新 0（ssj import entities）"
    assert changed_in(git_bureau) == ["data/entities/危险化学品.yaml"]
    assert status(git_bureau) == ["M  data/credit.yaml"]  # the clerk's staged change is still staged, uncommitted
    assert f"已提交 git（{head(git_bureau)[:10]}）" in result.out


def test_an_entity_file_left_empty_is_deleted_and_the_deletion_committed(git_bureau, ssj, tmp_path):
    leaving = {k: v for k, v in entities_of(git_bureau).items() if v["_file"] == "安全培训机构.yaml"}
    assert len(leaving) > 1
    rows = [[code, v["name"], "冶金工贸", v["address"]] for code, v in leaving.items()]

    result = ssj(git_bureau, "import", "entities", str(write_csv(tmp_path / "名录.csv", [HEADER, *rows])), "--json")

    assert result.code == 0, result.err
    assert json.loads(result.out)["deleted"] == [TRAINING]
    assert not (git_bureau / TRAINING).exists()
    assert all(entities_of(git_bureau)[code]["_file"] == "冶金工贸.yaml" for code in leaving)
    assert changed_in(git_bureau) == sorted([TRAINING, "data/entities/冶金工贸.yaml"])
    assert git(git_bureau, "ls-files", "--", TRAINING) == ""  # deleted in the commit too
    assert status(git_bureau) == []
    assert TRAINING not in ssj(git_bureau, "check").out  # no hollow file left behind


def test_the_deletion_is_told_in_words(bureau, ssj, tmp_path):
    leaving = {k: v for k, v in entities_of(bureau).items() if v["_file"] == "安全培训机构.yaml"}
    rows = [[code, v["name"], "冶金工贸", v["address"]] for code, v in leaving.items()]
    result = ssj(bureau, "import", "entities", str(write_csv(tmp_path / "名录.csv", [HEADER, *rows])))
    assert result.code == 0, result.err
    assert f"已删除 {TRAINING}：其中的单位都已移到新的行业类别文件" in result.out
    assert result.out.count("警告：这里不是 git 仓库，写入的文件没有提交") == 1


def test_import_with_no_commit_or_dry_run_commits_nothing(git_bureau, ssj, tmp_path):
    base = head(git_bureau)
    sheet = one_new_company(tmp_path)
    assert ssj(git_bureau, "import", "entities", str(sheet), "--dry-run").code == 0
    assert (head(git_bureau), status(git_bureau)) == (base, [])

    result = ssj(git_bureau, "import", "entities", str(sheet), "--no-commit")

    assert result.code == 0, result.err
    assert head(git_bureau) == base and status(git_bureau) == [" M data/entities/危险化学品.yaml"]
    how = ('git add -- data/entities/危险化学品.yaml && git commit -m "导入监管对象：名录.csv，新增 1、更新 0'
           '（ssj import entities）" -- data/entities/危险化学品.yaml')
    assert f"未提交 git（--no-commit）。确认无误后提交：{how}" in result.out.replace("\n", "")


def test_an_unchanged_registry_makes_no_commit(git_bureau, ssj, tmp_path):
    old = entities_of(git_bureau)[KUNFA]
    sheet = write_csv(tmp_path / "名录.csv", [HEADER, [KUNFA, old["name"], old["specialty"], old["address"]]])
    base = head(git_bureau)
    result = ssj(git_bureau, "import", "entities", str(sheet))
    assert result.code == 0 and "名录已是最新" in result.out
    assert head(git_bureau) == base


@pytest.mark.skipif(os.name == "nt", reason="uses /bin/false as the signing program")
def test_an_import_whose_commit_fails_is_exit_3_and_keeps_the_files(git_bureau, ssj, tmp_path):
    git(git_bureau, "config", "commit.gpgSign", "true")
    git(git_bureau, "config", "gpg.program", "false")
    base = head(git_bureau)
    result = ssj(git_bureau, "import", "entities", str(one_new_company(tmp_path)), "--json")
    assert (result.code, result.out) == (3, "")
    assert "已写入 data/entities/危险化学品.yaml，但 git 提交失败：" in result.err.replace("\n", "")
    assert head(git_bureau) == base and status(git_bureau) == ["M  data/entities/危险化学品.yaml"]  # kept, staged
    assert COMPANY_1 in (git_bureau / "data/entities/危险化学品.yaml").read_text(encoding="utf-8")


def test_import_refuses_before_writing_when_git_cannot_commit(git_bureau, ssj, tmp_path):
    (git_bureau / ".git/index.lock").write_bytes(b"")
    before = snapshot(git_bureau)
    result = ssj(git_bureau, "import", "entities", str(one_new_company(tmp_path)))
    assert result.code == 1
    assert "无法提交（ssj import entities）：git 的锁文件 .git/index.lock 还在" in result.err.replace("\n", "")
    assert snapshot(git_bureau) == before


# -- 诚信档案 ---------------------------------------------------------------------------------------------------

def test_credit_add_and_remove_each_commit_only_the_credit_file(git_bureau, ssj):
    bureau = git_bureau / "data/bureau.yaml"
    bureau.write_text(bureau.read_text(encoding="utf-8") + "# 未暂存的备注\n", encoding="utf-8")
    added = ssj(git_bureau, "credit", "add", COMPANY, "--reason", "拒不配合监督检查", "--source", "汝应急罚〔2026〕40号",
                "--date", "2026-11-20")
    assert added.code == 0, added.err
    assert subject(git_bureau) == f"诚信档案：{COMPANY} 列入黑名单，汝应急罚〔2026〕40号（ssj credit add）"
    assert changed_in(git_bureau) == ["data/credit.yaml"]
    removed = ssj(git_bureau, "credit", "remove", COMPANY, "--reason", "信用修复", "--date", "2026-11-30")
    assert removed.code == 0, removed.err
    assert subject(git_bureau) == f"诚信档案：{COMPANY} 移出 1 条，信用修复（ssj credit remove）"
    assert changed_in(git_bureau) == ["data/credit.yaml"]
    assert status(git_bureau) == [" M data/bureau.yaml"]


def test_credit_add_with_no_commit_leaves_the_file_for_the_clerk(git_bureau, ssj):
    base = head(git_bureau)
    result = ssj(git_bureau, "credit", "add", COMPANY, "--reason", "拒不整改", "--source", "汝应急罚〔2026〕60号",
                 "--no-commit", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["entity"] == COMPANY
    assert "未提交 git（--no-commit）" in result.err
    assert head(git_bureau) == base and status(git_bureau) == [" M data/credit.yaml"]
