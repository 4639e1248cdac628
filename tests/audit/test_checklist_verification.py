"""``ssj verify-ledger`` and the 清单 (第八、十条; issues 11 and 12 part 6): every draw, failed draw and announcement
pins the checklist last approved before it — "before" as the record's own ``heads`` say (SPEC §5), not its
``at`` — and, inside git, the checklist committed with it; a failed attempt's conflicts are those of its data."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from shuangsuiji.publish.verifier import verify as kit
from tests.audit.test_git_history import AGAIN, ERGU, commit_all, draw, drawn, forge, head, records_of, verify
from tests.helpers import git, ledger_records
from tests.plan.test_checklist import change_checklist

KEY_COMPANY = "914104826992660477"  # a 重点 company of 二股's, drawn at 100 %
NEW_MEETING = ("--meeting", "2026年第14次局长办公会", "--approver", "局长")


def approvals(root: Path) -> list[tuple[str, str]]:
    """(address, digest) of each checklist approval of the bureau ledger."""
    return [(f"bureau-{r['seq']}", r["digest"]) for r in ledger_records(root, "bureau") if r["type"] == "checklist_approval"]


def approve_changed_checklist(ssj, root: Path) -> None:
    change_checklist(root)
    if (root / ".git").exists():
        commit_all(root, "修改清单")
    result = ssj(root, "checklist", "approve", *NEW_MEETING)
    assert result.code == 0, result.err


def stale(pinned: str, old: str, new: str, what: str = "抽取") -> str:
    return (f"{what}所用的抽查事项清单（checklist {pinned[:12]}…）是{old} 审批的旧清单，不是{what}前最近一次审批的清单"
            f"（{new[0]}，摘要 {new[1][:12]}…）：清单变更并重新审批后，只能按新清单抽取（第八、十条）")


def errors(ssj, root: Path) -> tuple[int, list[tuple[str, int | None, str]]]:
    """``ssj verify-ledger`` outside git: its exit status and every error."""
    result = ssj(root, "verify-ledger", "--json")
    report = json.loads(result.out)
    return result.code, [(p["file"], p["line"], p["message"]) for p in report["problems"] if p["severity"] == "error"]


def reseal_last(root: Path, rel: str, **changes) -> dict:
    """The last record of ``rel`` with ``changes``, its hash redone (nothing cites the last record written)."""
    path = root / rel
    lines = path.read_bytes().splitlines(keepends=True)
    record = {k: v for k, v in json.loads(lines[-1]).items() if k != "hash"}
    record.update(changes)
    record["hash"] = kit.record_hash(record)
    path.write_bytes(b"".join(lines[:-1]) + kit.canonical(record) + b"\n")
    return record


# -- the rule of the core (both verifiers) -----------------------------------------------------------------------

def test_draws_on_either_side_of_a_re_approval_each_pin_their_checklist_and_verify(bureau, ssj):
    first = drawn(ssj, bureau, "1")
    approve_changed_checklist(ssj, bureau)
    second = drawn(ssj, bureau, "2", *AGAIN)
    (_, old), (_, new) = approvals(bureau)
    assert (first["checklist"], second["checklist"]) == (old, new) and old != new
    assert errors(ssj, bureau) == (0, [])


def test_a_draw_pinning_the_checklist_approved_before_the_latest_one_is_named(bureau, ssj):
    approve_changed_checklist(ssj, bureau)
    drawn(ssj, bureau, "1")
    (old_at, old), latest = approvals(bureau)
    reseal_last(bureau, ERGU, checklist=old)
    assert errors(ssj, bureau) == (1, [(ERGU, 1, stale(old, old_at, latest))])


def test_a_draw_pinning_null_after_an_approval_is_named(bureau, ssj):
    drawn(ssj, bureau, "1")
    [(where, digest)] = approvals(bureau)
    reseal_last(bureau, ERGU, checklist=None)
    assert errors(ssj, bureau) == (1, [(ERGU, 1, f"抽取时清单已经审批（{where}，摘要 {digest[:12]}…），checklist 却为 null："
                                                 "审批之后的每次抽取都必须记下所用清单的摘要（第八、十条）")])


def test_a_draw_pinning_a_checklist_approved_only_after_it_is_named(bureau, ssj):
    drawn(ssj, bureau, "1")
    approve_changed_checklist(ssj, bureau)  # its record is the last: the draw's heads do not pin it
    (old_at, old), (_, new) = approvals(bureau)
    record = json.loads((bureau / ERGU).read_bytes())
    body = {k: v for k, v in record.items() if k != "hash"} | {"checklist": new}
    (bureau / ERGU).write_bytes(kit.canonical({**body, "hash": kit.record_hash(body)}) + b"\n")
    heads = ledger_records(bureau, "bureau")[-1]["heads"]
    assert heads["ergu"]["hash"] == record["hash"]  # the approval pins the draw as it was: the heads check names it
    found = errors(ssj, bureau)[1]
    assert (ERGU, 1, f"抽取所用的抽查事项清单（checklist {new[:12]}…）是在此之前没有审批记录的清单，不是抽取前最近一次"
                     f"审批的清单（{old_at}，摘要 {old[:12]}…）：清单变更并重新审批后，只能按新清单抽取（第八、十条）") in found


def test_before_is_what_the_heads_pin_not_the_clock(bureau, ssj, clock):
    """An approval written after a draw but stamped earlier (a clock set back on the bureau's PC) does not bind the
    draw: the draw's heads show the bureau ledger as it stood, without it. By ``at`` the draw would be stale."""
    clock.set("2026-12-01T10:00")
    first = drawn(ssj, bureau, "1")
    clock.set("2026-12-01T09:30")
    approve_changed_checklist(ssj, bureau)
    approval = ledger_records(bureau, "bureau")[-1]
    assert approval["at"] < first["at"] and approval["heads"]["ergu"]["hash"] == first["hash"]
    clock.set("2026-12-01T10:30")
    second = drawn(ssj, bureau, "2", *AGAIN)
    assert (first["checklist"], second["checklist"]) == (approvals(bureau)[0][1], approval["digest"])
    assert errors(ssj, bureau) == (0, [])


def test_an_announcement_pins_the_latest_approval_too(bureau, ssj):
    approve_changed_checklist(ssj, bureau)
    result = ssj(bureau, "announce", "--section", "二股", "--source", "双色球:2026140", "--not-before", "2026-12-08T21:30")
    assert result.code == 0, result.err
    (old_at, old), latest = approvals(bureau)
    reseal_last(bureau, ERGU, checklist=old)
    assert errors(ssj, bureau) == (1, [(ERGU, 1, stale(old, old_at, latest, "公告"))])


# -- against the data committed with each record ------------------------------------------------------------------

def test_a_record_pinning_a_checklist_other_than_the_one_committed_with_it_is_named(git_bureau, ssj):
    """A copy of a voided draw as 二股-2 (so that only this differs): it pins the 清单 approved last, but its commit
    (and the inputs it names, checked against that commit) hold the checklist approved before."""
    template = drawn(ssj, git_bureau, "1")
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    approve_changed_checklist(ssj, git_bureau)
    (_, old), (_, new) = approvals(git_bureau)
    assert template["checklist"] == old
    forge(git_bureau, template, checklist=new)
    commit_all(git_bureau, "伪造")
    assert verify(ssj, git_bureau) == (1, [(ERGU, 3, f"记录的清单摘要（checklist {new[:12]}…）与提交 {template['commit'][:10]} 中的 "
                                                     f"data/checklist.yaml 不符（该提交中清单的摘要为 {old[:12]}…）：记录所用的不是当时提交的清单")])


def test_the_honest_record_after_a_re_approval_verifies_in_git(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    approve_changed_checklist(ssj, git_bureau)
    drawn(ssj, git_bureau, "2", *AGAIN)
    assert [r["checklist"] for r in records_of(git_bureau)] == [digest for _, digest in approvals(git_bureau)]
    assert verify(ssj, git_bureau) == (0, [])


def test_a_stale_checklist_is_named_inside_git_too(git_bureau, ssj):
    template = drawn(ssj, git_bureau, "1")
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    approve_changed_checklist(ssj, git_bureau)
    forge(git_bureau, template)  # the old draw's checklist, after the re-approval; its commit holds that checklist
    commit_all(git_bureau, "伪造")
    (old_at, old), latest = approvals(git_bureau)
    assert verify(ssj, git_bureau) == (1, [(ERGU, 3, stale(old, old_at, latest))])


def declare_every_team_conflicting(root: Path) -> None:
    """Every 二股 inspector declares a conflict with a 重点 company: any draw of 二股 fails."""
    path = root / "data/inspectors.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    for person in content["inspectors"]:
        if person["section"] == "ergu":
            person.setdefault("conflicts", []).append({"entity": KEY_COMPANY, "reason": "测试"})
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_failed_attempt_claiming_conflicts_its_data_did_not_declare_is_named(git_bureau, ssj):
    """The failed record of 二股-0 copied onto a commit whose inspectors.yaml declares no conflicts (its inputs
    re-hashed to match that commit): the attempt re-derives as failed from its own record, but the conflicts that
    made it fail did not exist."""
    declare_every_team_conflicting(git_bureau)
    commit_all(git_bureau, "申报利害关系")
    assert "这次尝试已作为“抽取未成”记入台账（二股-0）" in draw(ssj, git_bureau, "1").err
    [failed] = records_of(git_bureau)
    assert failed["type"] == "failed" and failed["conflicts"]
    git(git_bureau, "revert", "--no-edit", "HEAD~1")  # the conflicts withdrawn
    inspectors = kit.sha256_hex((git_bureau / "data/inspectors.yaml").read_bytes())
    forge(git_bureau, failed, commit=head(git_bureau), inputs={**failed["inputs"], "data/inspectors.yaml": inspectors})
    commit_all(git_bureau, "伪造")
    assert verify(ssj, git_bureau) == (1, [(ERGU, 2, "记录中的利害关系申报与当时 data/inspectors.yaml 中的申报不一致")])


def test_a_failed_attempt_on_its_own_data_verifies(git_bureau, ssj):
    declare_every_team_conflicting(git_bureau)
    commit_all(git_bureau, "申报利害关系")
    assert draw(ssj, git_bureau, "1").code == 1
    [failed] = records_of(git_bureau)
    assert failed["checklist"] == approvals(git_bureau)[0][1]
    assert verify(ssj, git_bureau) == (0, [])
