"""The checkpoint of ``ssj verify-ledger`` in ``.ssj/checkpoint.json`` (SPEC §5, issues 10 and 11): a routine run
re-derives only what came after the last clean run; a checkpoint that does not hold costs a full check and hides
nothing; ``--full`` ignores it; ``--jobs`` changes nothing but the time; every head this computer saw stays in
its chain, even when git no longer remembers it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from shuangsuiji.core.rederive import DrawChecks
from shuangsuiji.ledger.checkpoint import code_digest
from tests.audit.test_git_history import AGAIN, ERGU, drawn, expire_and_prune, forge, head, records_of
from tests.helpers import git

CHECKPOINT = ".ssj/checkpoint.json"


@pytest.fixture
def rederived(monkeypatch) -> list[str]:
    """The hash of every draw record re-derived (a spy on the re-derivation itself)."""
    seen: list[str] = []
    original = DrawChecks.rederive

    def spy(self, record):
        seen.append(record["hash"])
        return original(self, record)

    monkeypatch.setattr(DrawChecks, "rederive", spy)
    return seen


def report(ssj, root: Path, *options: str) -> tuple[int, dict]:
    result = ssj(root, "verify-ledger", "--json", *options)
    found = json.loads(result.out)
    assert result.code == (0 if found["ok"] else 1) and "Traceback" not in result.err
    return result.code, found


def errors(found: dict) -> list[tuple[str, int | None, str]]:
    return [(p["file"], p["line"], p["message"]) for p in found["problems"] if p["severity"] == "error"]


def saved(root: Path) -> dict:
    return json.loads((root / CHECKPOINT).read_text(encoding="utf-8"))


def rewrite(root: Path, change) -> None:
    data = saved(root)
    change(data)
    (root / CHECKPOINT).write_text(json.dumps(data), encoding="utf-8")


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def test_a_routine_run_after_a_new_draw_rederives_only_the_new_record(git_bureau, ssj, rederived):
    first = drawn(ssj, git_bureau, "1")
    code, found = report(ssj, git_bureau)
    assert code == 0 and found["checked"]["full"] is True and rederived == [first["hash"]]
    records = found["checked"]["records"]
    assert found["checked"]["rederived"] == records
    verified_at = head(git_bureau)
    data = saved(git_bureau)
    assert data["verified"]["commit"] == verified_at and data["verified"]["code"] == code_digest()
    assert data["verified"]["heads"]["ergu"] == {"seq": 0, "hash": first["hash"], "file": "2026.jsonl", "offset": 0}
    rederived.clear()
    second = drawn(ssj, git_bureau, "2", *AGAIN)
    code, found = report(ssj, git_bureau)
    assert (code, found["problems"]) == (0, [])
    assert rederived == [second["hash"]]
    assert found["checked"] == {"full": False, "since": verified_at, "records": records + 1, "rederived": 1, "note": None}
    assert saved(git_bureau)["verified"]["commit"] == head(git_bureau)
    rederived.clear()
    code, found = report(ssj, git_bureau)  # nothing new: nothing re-derived
    assert code == 0 and rederived == [] and found["checked"]["rederived"] == 0
    out = ssj(git_bureau, "verify-ledger").out
    assert f"例行核验：上次核验通过（提交 {head(git_bureau)[:10]}）之后的 0 条新记录已全部核验；此前的 {records + 1} 条" in out


def test_full_ignores_the_checkpoint(git_bureau, ssj, rederived):
    hashes = [drawn(ssj, git_bureau, seed, *AGAIN)["hash"] for seed in "12"]
    assert report(ssj, git_bureau)[0] == 0
    rederived.clear()
    code, found = report(ssj, git_bureau, "--full")
    assert code == 0 and rederived == hashes
    assert found["checked"]["full"] is True and found["checked"]["rederived"] == found["checked"]["records"]


@pytest.fixture
def forged_draw(git_bureau, ssj) -> dict:
    """A clean run's checkpoint, then a forged draw (its selection altered, the chain sealed over it) committed
    after it: only re-deriving it shows the forgery."""
    record = drawn(ssj, git_bureau, "1")
    assert ssj(git_bureau, "void", "二股-0", "--reason", "测试").code == 0
    assert report(ssj, git_bureau)[0] == 0
    body = json.loads(json.dumps(record))
    stratum = next(s for s in body["strata"] if len(s["selected"]) >= 2)
    stratum["selected"] = stratum["selected"][::-1]
    forged = forge(git_bureau, body)
    commit_all(git_bureau, "伪造")
    return forged


def caught(found: dict) -> bool:
    return any(line == 3 and file == ERGU and "被抽中的企业" in message for file, line, message in errors(found))


def test_the_forged_draw_is_caught_by_a_routine_run(git_bureau, ssj, forged_draw, rederived):
    code, found = report(ssj, git_bureau)
    assert code == 1 and caught(found) and rederived == [forged_draw["hash"]]
    assert found["checked"]["full"] is False


def forged_head(root: Path, record: dict, **changes) -> None:
    """The checkpoint made to claim ``record`` (the last of ERGU) as verified, at HEAD."""
    offset = sum(len(line) for line in (root / ERGU).read_bytes().splitlines(keepends=True)[:-1])
    place = {"seq": record["seq"], "hash": record["hash"], "file": "2026.jsonl", "offset": offset}
    place.update(changes.pop("place", {}))

    def change(data: dict) -> None:
        data["verified"]["heads"]["ergu"] = place
        data["verified"]["commit"] = changes.get("commit", head(root))
    rewrite(root, change)


@pytest.mark.parametrize("forgery, note", [
    ({"place": {"hash": "0" * 64}}, ".ssj/checkpoint.json 记下的 ergu-2 与台账中的记录不符：本次全部核验"),
    ({"place": {"seq": 7, "hash": "0" * 64}}, ".ssj/checkpoint.json 记下的 ergu-7 与台账中的记录不符：本次全部核验"),
    ({"place": {"offset": 5}}, ".ssj/checkpoint.json 记下的 ergu-2 与台账中的记录不符：本次全部核验"),
    ({"place": {"file": "../../../../.ssj/checkpoint.json"}}, ".ssj/checkpoint.json 记下的 ergu-2 与台账中的记录不符：本次全部核验"),
    ({"commit": "f" * 40}, "上次核验到的提交 ffffffffff 已不在当前分支的历史主线上：本次全部核验"),
])
def test_a_forged_checkpoint_does_not_hide_the_forged_draw(git_bureau, ssj, forged_draw, rederived, forgery, note):
    forged_head(git_bureau, forged_draw, **forgery)
    code, found = report(ssj, git_bureau)
    assert code == 1 and caught(found)
    assert found["checked"]["full"] is True and found["checked"]["note"] == note
    assert forged_draw["hash"] in rederived and len(rederived) == 2  # everything again
    assert note in ssj(git_bureau, "verify-ledger").out


def test_a_checkpoint_of_other_code_or_unreadable_costs_a_full_run_and_nothing_else(git_bureau, ssj, rederived):
    drawn(ssj, git_bureau, "1")
    assert report(ssj, git_bureau)[0] == 0
    rewrite(git_bureau, lambda data: data["verified"].update(code="0" * 64))
    rederived.clear()
    code, found = report(ssj, git_bureau)
    assert code == 0 and len(rederived) == 1 and found["checked"]["note"] == "ssj 的程序与上次核验时不同：本次全部核验"
    (git_bureau / CHECKPOINT).write_text("{不是 JSON", encoding="utf-8")
    code, found = report(ssj, git_bureau)
    assert code == 0 and found["checked"]["full"] is True
    assert found["checked"]["note"] == "核验点文件 .ssj/checkpoint.json 不是有效的 JSON，已忽略：本次全部核验"
    assert saved(git_bureau)["verified"]["commit"] == head(git_bureau)  # written anew by the clean run


def test_a_fresh_clone_without_a_checkpoint_is_no_error(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    (git_bureau / CHECKPOINT).unlink()
    code, found = report(ssj, git_bureau)
    assert (code, found["problems"]) == (0, []) and found["checked"]["note"] is None and found["checked"]["full"] is True


def test_an_amended_checkpoint_commit_falls_back_to_a_full_run_and_says_so(git_bureau, ssj, rederived):
    drawn(ssj, git_bureau, "1")
    assert report(ssj, git_bureau)[0] == 0
    verified_at = head(git_bureau)
    git(git_bureau, "commit", "-q", "--amend", "-m", "抽取 二股-0（补充说明）")  # the records stay, the commit goes
    rederived.clear()
    code, found = report(ssj, git_bureau)
    assert (code, found["problems"]) == (0, []) and len(rederived) == 1
    assert found["checked"]["note"] == f"上次核验到的提交 {verified_at[:10]} 已不在当前分支的历史主线上：本次全部核验"


def test_a_consistently_forged_checkpoint_over_a_rewritten_old_record_is_caught_by_full(git_bureau, ssj):
    """Whoever can write .ssj/ can make the checkpoint vouch for anything (it is a hint, not evidence):
    --full never reads it."""
    from shuangsuiji.publish.verifier import verify as kit

    record = drawn(ssj, git_bureau, "1")
    assert report(ssj, git_bureau)[0] == 0
    body = {k: v for k, v in record.items() if k != "hash"}
    stratum = next(s for s in body["strata"] if len(s["selected"]) >= 2)
    stratum["selected"] = stratum["selected"][::-1]
    body["hash"] = kit.record_hash(body)
    (git_bureau / ERGU).write_bytes(kit.canonical(body) + b"\n")
    commit_all(git_bureau, "重写台账")
    code, found = report(ssj, git_bureau)  # the honest checkpoint no longer holds
    assert code == 1 and found["checked"]["full"] is True
    assert any(line == 1 and "被抽中的企业" in message for _, line, message in errors(found))
    forged_head(git_bureau, body)
    rewrite(git_bureau, lambda data: data["seen"].update(ergu={"seq": 0, "hash": body["hash"]}))
    code, found = report(ssj, git_bureau, "--full")
    assert code == 1 and found["checked"]["full"] is True and found["checked"]["note"] is None
    assert any(line == 1 and "被抽中的企业" in message for _, line, message in errors(found))
    assert (ERGU, 1, f"提交 {head(git_bureau)[:10]} 改写了此前已提交的台账（第 1 行起不同）：历史被改写") in errors(found)


def test_jobs_give_the_same_result_as_one_process(git_bureau, ssj):
    for seed in "123":
        drawn(ssj, git_bureau, seed, *AGAIN)
    assert ssj(git_bureau, "void", "二股-2", "--reason", "测试").code == 0
    one = report(ssj, git_bureau, "--full", "--jobs", "1")
    assert one[0] == 0
    assert report(ssj, git_bureau, "--full", "--jobs", "2") == one
    body = json.loads(json.dumps(records_of(git_bureau)[1]))
    body["strata"][0]["selected"] = body["strata"][0]["selected"][::-1]
    forge(git_bureau, body)  # a forged record (and a rotation it breaks): the problems are the same too
    commit_all(git_bureau, "伪造")
    one = report(ssj, git_bureau, "--full", "--jobs", "1")
    assert one[0] == 1
    assert report(ssj, git_bureau, "--full", "--jobs", "2") == one


# ---------------------------------------------------------------------------------------------------
# Heads this computer saw (writers after each commit, clean runs): lost history that git forgot
# ---------------------------------------------------------------------------------------------------

def test_writers_remember_the_heads_they_committed(git_bureau, ssj):
    first = drawn(ssj, git_bureau, "1")
    assert saved(git_bureau)["seen"]["ergu"] == {"seq": 0, "hash": first["hash"]}
    assert saved(git_bureau)["seen"]["bureau"] == first["heads"]["bureau"]
    second = drawn(ssj, git_bureau, "2", *AGAIN)
    assert saved(git_bureau)["seen"]["ergu"] == {"seq": 1, "hash": second["hash"]} and saved(git_bureau)["lost"] == []


def lost(ledger: str, seq: int, digest: str, now: str) -> str:
    return (f"本机曾见到记录 {ledger}-{seq}（hash {digest[:12]}…，记在 .ssj/checkpoint.json），当前台账中已没有这条记录"
            f"（{now}）：记录在 reset、amend 或 rebase 后丢失，可能被重新抽取，git 中已查不到痕迹。"
            "请从其他克隆、远程仓库或备份中找回含有这条记录的提交")


def test_a_record_reset_away_after_reflog_expire_and_gc_is_named(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    second = drawn(ssj, git_bureau, "2", *AGAIN)
    git(git_bureau, "reset", "-q", "--hard", "HEAD~1")
    expire_and_prune(git_bureau)
    code, found = report(ssj, git_bureau)
    assert (code, errors(found)) == (1, [("data/ledger/ergu", None, lost("ergu", 1, second["hash"], "台账现在只到 ergu-0"))])
    third = drawn(ssj, git_bureau, "3", *AGAIN)  # … drawn again: the writer keeps the lost head
    assert saved(git_bureau)["lost"] == [{"ledger": "ergu", "seq": 1, "hash": second["hash"]}]
    assert saved(git_bureau)["seen"]["ergu"] == {"seq": 1, "hash": third["hash"]}
    for options in ((), ("--full",)):
        code, found = report(ssj, git_bureau, *options)
        assert (code, errors(found)) == (1, [("data/ledger/ergu", None, lost("ergu", 1, second["hash"], "这个位置现在是另一条记录"))])
    result = ssj(git_bureau, "verify-ledger")
    assert result.code == 1 and "data/ledger/ergu: 本机曾见到记录 ergu-1" in result.out


def test_a_lost_head_brought_back_is_no_longer_reported(git_bureau, ssj):
    drawn(ssj, git_bureau, "1")
    drawn(ssj, git_bureau, "2", *AGAIN)
    kept = head(git_bureau)
    git(git_bureau, "branch", "备份", kept)
    git(git_bureau, "reset", "-q", "--hard", "HEAD~1")
    assert report(ssj, git_bureau)[0] == 1
    git(git_bureau, "reset", "-q", "--hard", kept)
    assert report(ssj, git_bureau)[0] == 0


# ---------------------------------------------------------------------------------------------------
# What a record covered by the checkpoint leaves for the records after it
# ---------------------------------------------------------------------------------------------------

def state_of(checker) -> dict:
    """Everything a checker keeps for later records (not what it reported, nor its caches)."""
    state = {k: v for k, v in vars(checker).items() if k not in ("problems", "entry", "_teams_of", "lists", "log")}
    return {**state, "log": checker.log._of, "log_days": checker.log._days}


def test_absorbing_every_record_leaves_the_state_a_full_check_leaves():
    """The shipped example history (draws, an announced draw, voids, recusals, a targeted check, approvals):
    absorbing instead of re-deriving changes nothing that a later record's check reads. A new piece of state in
    a record handler that ``core.ledgers.absorb`` does not feed fails here."""
    from shuangsuiji.core.ledgers import verify_ledgers
    from tests.helpers import REPO

    folder = str(REPO / "data" / "ledger")
    states: dict = {"full": [], "absorbed": []}

    def keep(name):
        return lambda entry, checker: states[name].append((entry.ledger, entry.line, copy.deepcopy(state_of(checker))))

    full = verify_ledgers(folder, on_record=keep("full"))
    absorbed = verify_ledgers(folder, on_record=keep("absorbed"), rederive=lambda entry: False)
    assert states["absorbed"] == states["full"]  # after every record, not only at the end (a pending announcement)
    assert absorbed.checker.problems == full.checker.problems == []


def test_an_announced_draw_after_a_checkpoint_is_re_derived_with_the_announced_rotation(git_bureau, ssj, clock):
    """The announcement verified in an earlier run (checkpoint): the routine run after its draw still knows the
    rotation pairs it fixed, and agrees with ``--full``."""
    from tests.draw.test_draw_command import AFTER_THE_LOTTERY, announce, draw_announced

    drawn(ssj, git_bureau, "1")
    note = announce(ssj, git_bureau)
    assert note["recent"]["count"] > 0
    assert report(ssj, git_bureau)[0] == 0  # the checkpoint now covers the announcement
    clock.set(AFTER_THE_LOTTERY)
    result = draw_announced(ssj, git_bureau, note=f"二股-{note['seq']}")
    assert result.code == 0, result.err
    code, found = report(ssj, git_bureau)
    assert (code, found["problems"]) == (0, [])
    assert ssj(git_bureau, "verify-ledger", "--full", "--jobs", "2").code == 0


def test_a_checkpoint_commit_merged_in_as_a_second_parent_falls_back_to_a_full_run(git_bureau, ssj):
    """History is read along HEAD's first-parent line: from a commit off that line, a routine run would see
    the merge add the ledger anew (a rewrite that never happened)."""
    drawn(ssj, git_bureau, "1")
    assert report(ssj, git_bureau)[0] == 0
    verified_at = head(git_bureau)
    git(git_bureau, "checkout", "-q", "-b", "整理", "HEAD~1")
    (git_bureau / "说明.txt").write_text("与台账无关的修改\n", encoding="utf-8")
    commit_all(git_bureau, "说明")
    git(git_bureau, "merge", "-q", "--no-edit", "main")
    code, found = report(ssj, git_bureau)
    assert (code, found["problems"]) == (0, [])
    assert found["checked"]["note"] == f"上次核验到的提交 {verified_at[:10]} 已不在当前分支的历史主线上：本次全部核验"
