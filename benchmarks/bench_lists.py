#!/usr/bin/env python3
"""基准：同一名录库上的四次抽取新增多少名单文件（应为每层一个，而不是四个）。
Benchmark: how many list files four draws of an unchanged registry add (one per stratum, not four).

    python benchmarks/bench_lists.py [--companies 2000] [--draws 4]

Two small histories are made with make_history.py (outside the checkout, in a temporary folder): 指挥中心 draws
``--draws`` times over ``--years`` (default 0.1 year: about 9 days apart), the registry never changed; once with the plan's ``rest_days: 0`` and
once with the bureau's default rest period (90 days: the companies drawn last time are left out of the next
population, so the strata lists change by design). For each draw commit: the list files it added, split into
strata populations and any other list (there should be none: rested and recent cite records), and the distinct population digests
per stratum over all the draws. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import header, row  # noqa: E402
from bench_history import git  # noqa: E402

HERE = Path(__file__).resolve().parent


def history(folder: Path, companies: int, draws: int, rest: int | None, years: float) -> None:
    argv = [sys.executable, str(HERE / "make_history.py"), str(folder), "--companies", str(companies), "--only", "zhihui",
            "--draws", str(draws), "--years", str(years), "--registry-every", "1000000"]
    if rest is not None:
        argv += ["--rest-days", str(rest)]
    subprocess.run(argv, check=True, capture_output=True)


def report(folder: Path, label: str) -> None:
    commits = git(folder, "rev-list", "--reverse", "HEAD", "--", "data/ledger/zhihui").split()
    records = [json.loads(line) for path in sorted((folder / "data" / "ledger" / "zhihui").glob("*.jsonl"))
               for line in path.read_bytes().splitlines()]
    print(f"-- {label} --")
    seen: dict[str, set[str]] = {}
    for number, (commit, record) in enumerate(zip(commits, records, strict=True), 1):
        added = [Path(p).stem for p in git(folder, "diff-tree", "--no-commit-id", "--name-only", "-r", "--diff-filter=A",
                                           commit, "--", "data/ledger/lists").split()]
        strata = {s["population"] for s in record["strata"]}
        for s in record["strata"]:
            seen.setdefault(s["name"], set()).add(s["population"])
        row(f"第 {number} 次抽取 / draw {number}", f"新增名单文件 {len(added)} 个：分层名单 {len(strata & set(added))} 个"
            f"（共 {len(record['strata'])} 层），其他（休息期、轮换）{len(set(added) - strata)} 个")
    row("各层不同的名单 / distinct population lists per stratum",
        "，".join(f"{name} {len(digests)}" for name, digests in seen.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=2000)
    parser.add_argument("--draws", type=int, default=4)
    parser.add_argument("--years", type=float, default=0.1, help="四次抽取跨越的年数（默认 0.1 年：约 9 天一次）")
    args = parser.parse_args(argv)
    header("名单文件去重 / list files shared between draws")
    with tempfile.TemporaryDirectory(prefix="ssj-bench-lists-") as tmp:
        for rest, label in ((0, "休息期 0 天 / rest_days 0"), (None, "默认休息期 90 天 / default rest period")):
            folder = Path(tmp) / f"rest-{rest}"
            history(folder, args.companies, args.draws, rest, args.years)
            report(folder, label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
