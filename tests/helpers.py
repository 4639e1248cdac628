"""What many tests share: the repository's root, a copy of the example bureau, git, and snapshots of files."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str


def copy_example(root: Path) -> Path:
    """The shipped example bureau's data/ and plans/ under ``root``, without its history (ledgers, reports,
    evidence), its plans approved afresh with ``ssj plan approve`` at the tests' frozen clock (第七条): the same
    meetings and approvers as the shipped approval blocks, recorded in a new bureau ledger — and its 清单 approved
    with ``ssj checklist approve`` (第八、十条) as the shipped bureau ledger records it."""
    template = _template()
    shutil.copytree(template / "data", root / "data")
    shutil.copytree(template / "plans", root / "plans")
    return root


_TEMPLATES: list[Path] = []
#: the shipped bureau ledger's approval of the 清单 (``ssj checklist approve`` options)
CHECKLIST_APPROVAL = ("--meeting", "2026年第1次局长办公会（汝应急〔2026〕3号）", "--approver", "局长", "--date", "2026-01-10")


def _template() -> Path:
    """The approved example, made once per test session (the clock is frozen by then)."""
    if _TEMPLATES:
        return _TEMPLATES[0]
    base = Path(tempfile.mkdtemp(prefix="ssj-example-"))
    atexit.register(shutil.rmtree, base, True)
    shutil.copytree(REPO / "data", base / "data", ignore=shutil.ignore_patterns("ledger", "reports", "evidence"))
    shutil.copytree(REPO / "plans", base / "plans")
    for plan in sorted((base / "plans").glob("*.yaml")):
        for year, temporary, block in _unapprove(plan):
            _ssj(base, "plan", "approve", "--year", str(year), *(["--temporary", temporary] if temporary else []),
                 "--meeting", block["meeting"], "--approver", block["approver"], "--date", str(block["date"]))
    _ssj(base, "checklist", "approve", *CHECKLIST_APPROVAL)
    _TEMPLATES.append(base)
    return base


def _unapprove(path: Path) -> list[tuple[int, str | None, dict]]:
    """What the approval blocks of a plan file say, to approve it again with ``ssj plan approve`` (which rewrites
    each block in place, so the file keeps its shape and line numbers)."""
    from shuangsuiji.registry import yamlio

    document = yamlio.load_round_trip(path.name, path.read_bytes())
    found = []
    if "approval" in document:
        found.append((int(document["year"]), None, dict(document["approval"])))
    for temporary in document.get("temporary") or []:
        if "approval" in temporary:
            found.append((int(document["year"]), str(temporary["id"]), dict(temporary["approval"])))
    return found


def run_ssj(root: Path, *args: str) -> tuple[int, str, str]:
    """Run ``ssj`` in-process in ``root`` outside a test's capsys (module fixtures, templates):
    (exit status, stdout, stderr)."""
    import contextlib
    import io

    from shuangsuiji.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--repo", str(root), *args])
    return code, out.getvalue(), err.getvalue()


def _ssj(root: Path, *args: str) -> None:
    code, out, err = run_ssj(root, *args)
    if code != 0:
        raise RuntimeError(f"ssj {' '.join(args)} failed: {out}{err}")


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` and return its output."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under data/ and plans/, byte for byte (to prove a failed command changed nothing)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("data", "plans") for p in sorted((root / folder).rglob("*")) if p.is_file()
    }


def ledger_records(root: Path, ledger: str, expand: bool = False) -> list[dict]:
    """Every record of one ledger (a section id, or ``bureau``), across its year files, in chain order; with
    ``expand``, each stratum's ``population`` is the id list its list file holds instead of the digest (the record itself keeps only the digest)."""
    import json

    folder = root / "data" / "ledger" / ledger
    found = [json.loads(line) for path in sorted(folder.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    return [expanded(root, record) for record in found] if expand else found


#: ``rested`` or ``recent`` when nobody rests and no pair is recent: no record cited, counted 0 (SPEC §5)
NO_EVIDENCE = {"records": [], "count": 0}


def id_list(root: Path, digest: str) -> list[str]:
    """The ids a list file ``data/ledger/lists/<digest>.json`` holds."""
    import json

    return json.loads((root / "data" / "ledger" / "lists" / f"{digest}.json").read_bytes())


def expanded(root: Path, record: dict) -> dict:
    """A copy of ``record`` with its list digests replaced by the lists (see :func:`ledger_records`)."""
    import copy

    record = copy.deepcopy(record)
    for stratum in record.get("strata") or []:
        if isinstance(stratum.get("population"), str):
            stratum["population"] = id_list(root, stratum["population"])
    return record


def ledger_file(root: Path, ledger: str, year: int = 2026) -> Path:
    """The year file of one ledger (format 2: ``data/ledger/<ledger>/<year>.jsonl``)."""
    return root / "data" / "ledger" / ledger / f"{year}.jsonl"


def team_of(record: dict, entity: str) -> list[str]:
    """The team a draw record assigned to ``entity`` (before recusals)."""
    from shuangsuiji.core.recusal import team_map

    return list(record["inspectors"]["teams"][team_map(record)[entity]])


def assigned(record: dict) -> list[dict]:
    """A draw record's assignments as ``[{"entity", "team"}]`` in merged ticket order (the record keeps only the
    team numbers; the order is re-derived from the seed, as SPEC §5 says)."""
    from shuangsuiji.core.recusal import assignment_order

    return [{"entity": entity, "team": team} for entity, team in zip(assignment_order(record), record["assignments"], strict=True)]
