"""Writing one ledger record the safe way: git pre-flight, lock, append, commit (SPEC §4 Git, §8)."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shuangsuiji import git as gitops
from shuangsuiji.core.text import is_at, moment
from shuangsuiji.errors import LedgerError, RuleError, SsjError
from shuangsuiji.ledger import checkpoint
from shuangsuiji.ledger.index import Index
from shuangsuiji.ledger.store import Record, append_line, check_tip, seal, torn_tail, write_lists
from shuangsuiji.workspace import LEDGER_DIR, Workspace, locked, write_atomic


@dataclass(frozen=True)
class Written:
    """A record on disk, and what became of its commit."""

    record: Record
    path: Path
    commit: str | None
    commit_error: str | None
    #: the record's address (``二股-3``), when it has one
    label: str | None = None


@dataclass(frozen=True)
class GitState:
    """What a record notes about git: the commit its inputs came from and whether they were dirty."""

    in_git: bool
    commit: str | None
    dirty: list[str]


def git_state(ws: Workspace, require_clean: bool, allow_dirty: bool = False,
              inputs: Mapping[str, bytes] | None = None, needed_by: str = "抽取") -> GitState:
    """Check that a commit will be possible and (for draws) that the inputs are committed.

    That the ledger itself is HEAD's is checked by :func:`write`, under the write lock: until then another ssj
    process may hold an appended, not yet committed record (and ``.git/index.lock`` while it commits it).

    With ``require_clean``, every input file must also be byte for byte what HEAD holds: ``inputs`` are the
    raw bytes the command read (by default every YAML file HEAD holds under data/ and plans/). A file saved
    with CRLF line ends looks unchanged to ``git status`` (``.gitattributes`` stores it with LF), yet the
    record would hash bytes that no commit holds, and ``verify-ledger`` would fail for ever.

    ``needed_by`` names what the caller makes from them (``抽取``, ``公开材料``): a refusal says what this command needs.
    """
    if not gitops.is_repository(ws.root):
        return GitState(False, None, [])
    if gitops.commit_blockers(ws.root):  # perhaps only another ssj committing its record: wait for it, look again
        with locked(ws.state_dir):
            _refuse_blockers(ws)
    dirty = gitops.dirty_inputs(ws.root, ignore_prefix=LEDGER_DIR + "/")
    if dirty and require_clean and not allow_dirty:
        raise RuleError(
            f"数据文件有未提交的修改：{_shown(dirty)}。{needed_by}必须基于已提交的数据（可复核）：请先 git commit；"
            "确需如此，加 --allow-dirty（记录中会注明）"
        )
    differing, untracked = _differing_from_head(ws.root, inputs, set(dirty)) if require_clean else ([], [])
    if untracked and not allow_dirty:
        raise RuleError(
            f"数据文件不在 git 的最新提交中：{_shown(untracked)}（可能被 .gitignore 忽略了）。{needed_by}必须基于已提交的数据"
            "（可复核）：请 git add -f 后提交；确需如此，加 --allow-dirty（记录中会注明）"
        )
    if differing and not allow_dirty:
        files = " ".join(_quoted(differing))
        raise RuleError(
            f"数据文件的字节与 git 中保存的不同：{_shown(differing)}。多半是用 Windows 软件保存后行尾变成了 CRLF，"
            "而 git 按 .gitattributes 以 LF 保存它（git status 因此看不出差别），记录中的文件哈希将与任何提交都对不上、"
            f"永远无法核验。恢复已提交的 LF 版本：先运行 git rm --cached {files}，再运行 git checkout HEAD -- {files}"
            "（或删除该文件后运行 git checkout -- 文件名）；如有要保留的修改，请用 LF（Unix）行尾重新保存后再提交。"
            "确需如此，加 --allow-dirty（记录中会注明）"
        )
    return GitState(True, gitops.head(ws.root), sorted({*dirty, *differing, *untracked}))


def _refuse_blockers(ws: Workspace) -> None:
    gitops.refuse_blockers(ws.root, "记录")


def _refuse_uncommitted(ws: Workspace) -> None:
    """Under the write lock (another ssj may have appended and not yet committed until then): the ledger is HEAD's."""
    _refuse_blockers(ws)
    pending = gitops.uncommitted(ws.root, LEDGER_DIR)
    if pending:
        raise LedgerError(
            f"台账中有尚未提交到 git 的内容：{_shown(pending)}。在它提交之前不能再写入新记录（记录不会被丢弃）："
            f"请先运行 git add {LEDGER_DIR} && git commit -m \"补交台账记录\"；若不是 ssj 写入的内容，请运行 ssj verify-ledger 查明"
        )


def _quoted(files: list[str]) -> list[str]:
    return [f'"{f}"' if any(c.isspace() for c in f) else f for f in files]


def _shown(files: list[str]) -> str:
    return "、".join(files[:5]) + ("等" if len(files) > 5 else "")


def blob_id(data: bytes) -> str:
    """git's object id of a blob with these bytes (SHA-1 of ``blob <size>\\0`` + bytes)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324  (git's id, not a security hash)


def _head_blobs(root: Path) -> dict[str, str]:
    """Path → blob id of every file HEAD holds under data/ and plans/ (one ``git ls-tree``)."""
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", "ls-tree", "-r", "-z", "HEAD", "--", *gitops.INPUT_PATHSPECS],
            cwd=root, capture_output=True, check=False,
        )
    except FileNotFoundError:
        raise SsjError("找不到 git 程序：请安装 Git（https://git-scm.com）后重试") from None
    blobs = {}
    for entry in result.stdout.decode("utf-8", errors="surrogateescape").split("\0"):
        meta, _, path = entry.partition("\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == "blob":
            blobs[path] = fields[2]
    return blobs


def _differing_from_head(root: Path, inputs: Mapping[str, bytes] | None,
                         known: set[str]) -> tuple[list[str], list[str]]:
    """Input files not already reported by ``git status``: those whose bytes are not HEAD's, and those HEAD lacks."""
    head = _head_blobs(root)
    if inputs is None:
        inputs = {
            rel: (root / rel).read_bytes() for rel in head
            if rel.endswith(".yaml") and not rel.startswith(LEDGER_DIR + "/") and (root / rel).is_file()
        }
    unknown = [rel for rel in inputs if rel not in known]
    untracked = sorted(rel for rel in unknown if rel not in head)
    differing = sorted(rel for rel in unknown if rel in head and head[rel] != blob_id(inputs[rel]))
    return differing, untracked


def operator_name(ws: Workspace, given: str | None) -> str:
    """``--operator``, else git's user.name, else the login name (SPEC §4)."""
    if given and given.strip():
        return given.strip()
    return gitops.user_name(ws.root) or getpass.getuser()


def stamp(kind: str, at: dt.datetime, operator: str, **fields: object) -> Record:
    """The fields every record has besides its place in the chain (``format``, ``seq``, ``prev``, ``heads``, ``hash``)."""
    return {"type": kind, "at": at.isoformat(), "operator": operator, **fields}


@dataclass
class Draft:
    """A record about to be written: its fields, and the id lists its digests name (written as list files)."""

    fields: Record
    lists: list[list[str]] = field(default_factory=list)


def write(
    ws: Workspace, ledger: str, build: Callable[[Index], Draft | Record], message: Callable[[Record], str],
    state: GitState, files: dict[str, bytes] | None = None, label: Callable[[Record], str] | None = None,
) -> Written:
    """Under the lock: bring the index up to date, make sure the record can be chained and committed (no torn
    line, a sound tip, the ledger committed, no git lock) before it is computed, build it (every check passes
    before any file changes), pin the other ledgers' heads, write its list files and ``files``, append it,
    commit them.

    A failed commit keeps the record (exit status 3): nothing of it is shown, and writers refuse until it is
    committed. ``label`` gives the record's address (``二股-3``).
    """
    files = files or {}
    with locked(ws.state_dir):
        index = Index(ws).refresh()
        try:
            _refuse_unsound(ws, index, ledger, state)
            built = build(index)
            draft = built if isinstance(built, Draft) else Draft(built)
            record = _sealed(index, ledger, draft.fields)
            written_lists = write_lists(ws, draft.lists)
            for rel, data in files.items():
                write_atomic(ws.root / rel, data)
            rel = append_line(ws, ledger, record)
            index.appended(ledger, str(ws.root / rel), record)
        finally:
            index.close()
        name = label(record) if label is not None else None
        path = ws.root / rel
        if not state.in_git:
            return Written(record, path, None, None, name)
        try:
            commit = gitops.commit(ws.root, [*written_lists, *files, rel], message(record), ws.state_dir / "no-hooks")
        except SsjError as exc:
            return Written(record, path, None, exc.message, name)
        checkpoint.saw(ws, ledger, record)  # committed: a head this computer saw, so losing it shows (SPEC §5)
    return Written(record, path, commit, None, name)


def _refuse_unsound(ws: Workspace, index: Index, ledger: str, state: GitState) -> None:
    """What must hold before a record is computed: the torn line first (committing it would break the history
    for good), then the tip it chains onto, then git (SPEC §4 Git, §5)."""
    torn = torn_tail(ws)
    if torn is not None:
        raise LedgerError(f"{torn} 的最后一行不完整（写入被中断）：请先运行 ssj ledger repair，再运行 ssj verify-ledger 核验")
    tip = index.tip(ledger)
    check_tip(ws, ledger, tip[:2] if tip else None)
    if state.in_git:
        _refuse_uncommitted(ws)


def _sealed(index: Index, ledger: str, fields: Record) -> Record:
    """``fields`` as the next record of ``ledger``, with the heads of every other ledger as they stand now."""
    tip = index.tip(ledger)
    if tip is not None and is_at(tip[2]) and moment(fields["at"]) < moment(tip[2]):
        raise LedgerError(f"记录时间 {fields['at']} 早于本台账最后一条记录（第 {tip[0]} 条，{tip[2]}）：台账的时间只能向后，"
                          "否则核验会判为倒签。请检查电脑的日期和时间（Windows：设置 → 时间和语言 → 立即同步）后重试")
    record = {**fields, "heads": index.heads(except_ledger=ledger)}
    return seal(record, tip[0] + 1 if tip else 0, tip[1] if tip else None)
