"""What only git can tell about the ledgers (SPEC §5): every commit only added lines and list files; no ledger
commit was lost (reset, amend, rebase); what was pushed is still there; nothing is left uncommitted.

One pass over the commits that touched the ledgers, streamed from ``git log``: cost grows with what was added.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from shuangsuiji import git as gitops
from shuangsuiji.core.chain import strict_json
from shuangsuiji.errors import Problem
from shuangsuiji.registry.sources import GitObjects
from shuangsuiji.workspace import LEDGER_DIR, LISTS_DIR

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_YEAR_FILE = re.compile(r"^data/ledger/[A-Za-z0-9_-]+/[0-9]{4}\.jsonl$")
#: the year files of format 2 as a git pathspec (the top-level ``data/ledger/*.jsonl`` of format 1, which ssj
#: refuses to read, are not part of the chain and their removal is no loss of history)
YEAR_FILES = f":(glob){LEDGER_DIR}/*/[0-9][0-9][0-9][0-9].jsonl"


def _stream(root: Path, *args: str) -> Iterator[bytes]:
    process = subprocess.Popen(["git", "-c", "core.quotepath=off", *args], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    try:
        yield from process.stdout
    finally:
        process.stdout.close()
        process.wait()


def append_only(root: Path, since: str | None = None, objects: GitObjects | None = None) -> list[Problem]:
    """Along HEAD's first-parent line (after ``since``, when given): every change to a ledger year file is lines
    added at its end, and list files are only ever added — never changed, never deleted."""
    if gitops.head(root) is None:
        return []
    span = f"{since}..HEAD" if since else "HEAD"
    problems = _list_files_only_added(root, span)
    lengths = _lengths_at(root, since, objects) if since else {}
    commit, path, before, touched, blamed = "", "", 0, False, False
    for raw in _stream(root, "log", "--first-parent", "--reverse", "--diff-merges=first-parent", "-p", "-U0",
                       "--no-renames", "--no-color", "--no-ext-diff", "--format=%x00%H", span, "--", YEAR_FILES):
        if raw.startswith(b"\0"):
            commit = raw[1:].strip().decode()
        elif raw.startswith(b"diff --git "):
            path = raw.decode("utf-8", errors="replace").rstrip("\n").split(" b/", 1)[-1]
            before, touched, blamed = lengths.get(path, 0), False, False
        elif raw.startswith(b"deleted file mode"):
            problems.append(Problem(path, None, f"提交 {commit[:10]} 删除了这个台账文件：历史被改写"))
        elif raw.startswith(b"@@"):
            match = _HUNK.match(raw)
            old_start, old_count = (int(match.group(1)), int(match.group(2) or 1)) if match else (0, 1)
            new_count = int(match.group(4) or 1) if match else 0
            # one hunk that adds lines after the last one is an append; anything else rewrites (once per commit)
            if (old_count or old_start != before or touched) and not blamed:
                problems.append(Problem(path, old_start or 1,
                                        f"提交 {commit[:10]} 改写了此前已提交的台账（第 {max(old_start, 1)} 行起不同）：历史被改写"))
                blamed = True
            touched = True
            # hunks of one diff are in the old file's numbering: the new length is the old one plus what each changed
            lengths[path] = lengths.get(path, before) - old_count + new_count
        elif raw.startswith(b"\\ No newline") and _YEAR_FILE.match(path):
            problems.append(Problem(path, None, f"提交 {commit[:10]} 中这个台账文件的最后一行不完整"))
    return problems


def merges_keep_every_parent(root: Path, objects: GitObjects, since: str | None = None) -> list[Problem]:
    """A merge on HEAD's first-parent line holds every ledger line and list file of each of its other parents.

    :func:`append_only` follows the first parents; without this, a rewritten ledger committed on a new root and
    merged with ``git merge -s ours`` over the true history would pass, that history still reachable and so
    never "lost"."""
    if gitops.head(root) is None:
        return []
    span = f"{since}..HEAD" if since else "HEAD"
    problems: list[Problem] = []
    for raw in _stream(root, "log", "--first-parent", "--merges", "--format=%H %P", span):
        merge, _, *others = raw.decode().split()
        ours = objects.tree(merge, LEDGER_DIR, skip=(LISTS_DIR,))
        lists = set(objects.tree(merge, f"{LEDGER_DIR}/{LISTS_DIR}"))
        for parent in others:
            for rel, blob in sorted(objects.tree(parent, LEDGER_DIR, skip=(LISTS_DIR,)).items()):
                if not _YEAR_FILE.match(rel) or ours.get(rel) == blob:
                    continue
                if rel not in ours or not objects.blob(ours[rel]).startswith(objects.blob(blob)):
                    problems.append(Problem(rel, None, f"合并提交 {merge[:10]} 没有保留所合并的提交 {parent[:10]} 中这个台账的"
                                                       "全部记录：历史被改写（例如 git merge -s ours 覆盖了原来的台账）"))
            missing = sorted(set(objects.tree(parent, f"{LEDGER_DIR}/{LISTS_DIR}")) - lists)
            if missing:
                problems.append(Problem(missing[0], None, f"合并提交 {merge[:10]} 丢掉了所合并的提交 {parent[:10]} 中的 "
                                                          f"{len(missing)} 个名单文件：名单文件一经提交永不删除"))
    return problems


def _list_files_only_added(root: Path, span: str) -> list[Problem]:
    problems = []
    commit = ""
    for raw in _stream(root, "log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--name-status",
                       "--format=%x00%H", span, "--", LISTS_DIR):
        line = raw.decode("utf-8", errors="replace").rstrip("\n")
        if line.startswith("\0"):
            commit = line[1:]
        elif line and line[0] in "MDT":
            what = "删除" if line[0] == "D" else "改动"
            problems.append(Problem(line.split("\t", 1)[-1], None, f"提交 {commit[:10]} {what}了这个名单文件：名单文件一经提交永不改动"))
    return problems


def _lengths_at(root: Path, commit: str, shared: GitObjects | None) -> dict[str, int]:
    """The number of lines of every ledger year file at ``commit`` (where a routine check picks up)."""
    objects = shared or GitObjects(root)
    try:
        tree = objects.tree(commit, LEDGER_DIR, skip=(LISTS_DIR,))
        return {path: objects.blob(blob).count(b"\n") for path, blob in tree.items() if path.endswith(".jsonl")}
    finally:
        if shared is None:
            objects.close()


def lost_commits(root: Path, objects: GitObjects, held: dict[str, dict[int, str]]) -> list[Problem]:
    """Ledger commits the reflog knows but HEAD's history lost (a reset, an amend, a rebase), unless every record
    they held is still in the ledgers (``held``: each ledger's ``{seq: hash}``; an amended message hides nothing)."""
    problems = []
    for commit, subject, changed in gitops.lost_commits(root, LEDGER_DIR):
        for rel in changed:
            if not _YEAR_FILE.match(rel):
                continue
            tip = _tip_at(objects, commit, rel)
            ledger = rel.split("/")[2]
            if tip is None or held.get(ledger, {}).get(tip[0]) == tip[1]:
                continue
            problems.append(Problem(rel, None, f"已不在当前历史中的台账提交 {commit[:10]}“{subject}”：它的记录 {ledger}-{tip[0]} "
                                    "不在当前台账里（可能被 reset、amend 或 rebase 后重新抽取；git reflog 可查）"))
    return problems


def _tip_at(objects: GitObjects, commit: str, rel: str) -> tuple[int, str] | None:
    """(seq, hash) of the last record of a ledger year file at ``commit``."""
    found = objects.tree(commit, str(Path(rel).parent.as_posix())).get(rel)
    if found is None:
        return None
    last = objects.blob(found).rstrip(b"\n").rsplit(b"\n", 1)[-1]
    try:
        record = strict_json(last.decode("utf-8"))
        return record["seq"], record["hash"]
    except (ValueError, KeyError, TypeError):
        return None


def upstream(root: Path, objects: GitObjects) -> list[Problem]:
    """Every ledger already pushed (HEAD's upstream branch) must still be in HEAD's ledgers."""
    tracked = gitops.upstream(root)
    if tracked is None or gitops.head(root) is None:
        return []
    name, commit = tracked
    problems = []
    pushed = objects.tree(commit, LEDGER_DIR, skip=(LISTS_DIR,))
    local = objects.tree("HEAD", LEDGER_DIR, skip=(LISTS_DIR,))
    for rel, blob in sorted(pushed.items()):
        if local.get(rel) == blob or not _YEAR_FILE.match(rel):
            continue
        theirs, ours = objects.blob(blob), objects.blob(local[rel]) if rel in local else b""
        if ours.startswith(theirs):
            continue
        if theirs.startswith(ours):
            count = theirs[len(ours):].count(b"\n")
            problems.append(Problem(rel, None, f"上游 {name} 中的这个台账比本地多 {count} 条记录：请先 git pull 再核验",
                                    "warning"))
        else:
            problems.append(Problem(rel, None, f"与已推送到上游 {name} 的版本不同：已推送的台账记录在本地被改写或删除"
                                    "（可能被 reset 后重新抽取）"))
    return problems


def uncommitted(root: Path) -> list[Problem]:
    """Ledger files (or list files) on disk that are not exactly HEAD's: records not anchored in git."""
    return [Problem(rel, None, "与 git 中最后提交的版本不同（有尚未提交或被改动的台账内容）：请提交 ssj 写入的记录；"
                    "若不是 ssj 写入的，这就是被改动的台账") for rel in gitops.uncommitted(root, LEDGER_DIR)]
