#!/usr/bin/env python3
"""基准：ssj verify-ledger 与独立核验程序 verify.py 核验大台账的速度。
Benchmark: ``ssj verify-ledger`` and the standalone ``verify.py`` over large ledgers.

    python benchmarks/bench_verify.py [--county 1000] [--province 20] [--profile]

Two ledgers are generated outside git with the package's own pure draw (``shuangsuiji.draw.draw`` with a
``DrawInput``), ``shuangsuiji.ledger.seal`` and ``shuangsuiji.canonical.canonical`` — the same functions
``ssj draw`` writes with, so they are valid ledgers (checked before timing):

* county scale: 1,000 draws over 2,000 companies each (strata 重点 100 %, 风险A 0.2, 风险B–D and 一般 0.1);
* province scale: 20 draws over 100,000 companies each.

For each: ``ssj verify-ledger`` and ``python shuangsuiji/publish/verifier/verify.py <folder>`` as fresh subprocesses, in
records per second, against a baseline measured in this process: the least work any verifier must do —
``json.loads`` and SHA-256 of every line, and the bare ticket loop over every population id.
No timing is asserted; a ledger that does not verify stops the script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, header, profile, row, run, ssj_command, timed  # noqa: E402
from make_registry import make_uscc  # noqa: E402

KIT = REPO / "shuangsuiji" / "publish" / "verifier" / "verify.py"
SECTION = "zhihui"
INSPECTORS = [f"HN{n:05d}" for n in range(1, 41)]
RATIOS = {"重点": "1", "黑名单": "0.2", "问题": "0.2", "风险A": "0.2", "风险B": "0.1", "风险C": "0.1", "风险D": "0.1", "一般": "0.1"}
#: Cumulative shares of the strata a company falls into (黑名单 and 问题 stay small).
SHARES = (("重点", 0.05), ("黑名单", 0.052), ("问题", 0.06), ("风险A", 0.15), ("风险B", 0.45), ("风险C", 0.85),
          ("风险D", 0.95), ("一般", 1.0))


def company_ids(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < count:
        found.add(make_uscc(rng, f"41{rng.randrange(1, 18):02d}{rng.randrange(2, 14):02d}"))
    return sorted(found)


def draw_record(population: list[str], number: int, rng: random.Random) -> dict:
    """One draw record as ``ssj draw`` builds it (without seq/prev/hash), from the pure draw."""
    from shuangsuiji.core.draw import DrawInput, Stratum, draw
    from shuangsuiji.ledger.writing import stamp

    members: dict[str, list[str]] = {name: [] for name, _ in SHARES}
    for item in population:
        roll = rng.random()
        members[next(name for name, share in SHARES if roll < share)].append(item)
    strata = [Stratum(name, Decimal(RATIOS[name]), members[name]) for name, _ in SHARES]
    conflicts = frozenset((rng.choice(INSPECTORS), rng.choice(population)) for _ in range(3))
    seed = f"{rng.randrange(10**20):020d}"
    outcome = draw(DrawInput(seed, strata, INSPECTORS, 2, conflicts))
    day = dt.date(2026, 1, 1) + dt.timedelta(days=number % 365)
    at = dt.datetime.combine(day, dt.time(9, 30), dt.timezone(dt.timedelta(hours=8)))
    return stamp(
        "draw", at, "基准测试", section=SECTION, plan_item="2026-zhihui-01", checklist_item="C07",
        date=day.isoformat(), seed=seed, seed_source="系统随机数", fairness="system", announcement=None,
        ratio="0.1", team_size=2, **outcome,
        inputs={"data/entities/危险化学品.yaml": hashlib.sha256(str(number).encode()).hexdigest()},
        commit=None, dirty=False,
    )


def write_ledger(root: Path, draws: int, size: int, pool: list[str]) -> tuple[Path, float]:
    """A bureau folder outside git holding one section ledger of ``draws`` draws of ``size`` companies."""
    from shuangsuiji.core.canonical import canonical
    from shuangsuiji.ledger.store import seal

    started = time.perf_counter()
    (root / "data" / "ledger").mkdir(parents=True)
    shutil.copy2(REPO / "data" / "bureau.yaml", root / "data" / "bureau.yaml")
    rng = random.Random(size * 1000 + draws)
    chain: list[dict] = []  # seal needs only the length and the last hash
    path = root / "data" / "ledger" / f"{SECTION}.jsonl"
    with path.open("wb") as handle:
        for number in range(draws):
            start = (number * size) % len(pool)
            population = (pool + pool)[start:start + size] if size < len(pool) else pool
            sealed = seal(draw_record(population, number, rng), chain)
            handle.write(canonical(sealed) + b"\n")
            chain.append({"hash": sealed["hash"]})
    return path, time.perf_counter() - started


def baseline(path: Path) -> float:
    """json.loads + SHA-256 of every line + the bare ticket loop over every population id."""
    started = time.perf_counter()
    for line in path.read_bytes().splitlines():
        record = json.loads(line)
        hashlib.sha256(line).hexdigest()
        seed_hex = hashlib.sha256(record["seed"].encode()).hexdigest()
        for stratum in record["strata"]:
            for item in stratum["population"]:
                n = int.from_bytes(hashlib.sha256((seed_hex + item).encode()).digest(), "big")
                f"{n:064d}"[::-1]
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--county", type=int, default=1000, help="县级台账的抽取次数（每次 2000 家）")
    parser.add_argument("--province", type=int, default=20, help="省级台账的抽取次数（每次 10 万家）")
    parser.add_argument("--profile", action="store_true", help="另外在进程内用 cProfile 剖析 verify-ledger")
    args = parser.parse_args(argv)
    header("ssj verify-ledger 与 verify.py（台账核验 / ledger verification）")
    pool = company_ids(100_000)

    with tempfile.TemporaryDirectory(prefix="ssj-bench-verify-") as tmp:
        cases = [("县级 county", args.county, 2_000), ("省级 province", args.province, 100_000)]
        for label, draws, size in cases:
            root = Path(tmp) / label.split()[1]
            path, made = write_ledger(root, draws, size, pool)
            print(f"{label}：{draws} 次抽取 × {size} 家，台账 {path.stat().st_size / 1e6:.1f} MB（生成用时 {made:.1f} s）")

            from shuangsuiji.publish.verifier import verify as kit

            t_kit_in, (records, problems) = timed(lambda p=path: kit.check_ledger(str(p)))
            if problems or len(records) != draws:
                raise SystemExit(f"生成的台账没有通过核验：{problems[:3]}")
            t_ssj, c_ssj, _ = run([*ssj_command(), "verify-ledger"], cwd=root)
            t_kit, c_kit, result = run([sys.executable, str(KIT), str(root)], cwd=root)
            if "核验通过" not in result.stdout.decode("utf-8", "replace"):
                raise SystemExit("verify.py 没有报告核验通过")
            t_base = min(baseline(path) for _ in range(2))
            row("ssj verify-ledger（子进程）", f"{t_ssj:.2f} s（CPU {c_ssj:.2f} s），{draws / t_ssj:,.1f} 条/秒 records/s")
            row("python verify.py（子进程）", f"{t_kit:.2f} s（CPU {c_kit:.2f} s），{draws / t_kit:,.1f} 条/秒 records/s")
            row("kit.check_ledger（进程内 / in-process）", f"{t_kit_in:.2f} s，{draws / t_kit_in:,.1f} 条/秒")
            row("基线：解析+哈希+裸号签 / baseline", f"{t_base:.2f} s，{draws / t_base:,.1f} 条/秒")
            row("比值 ssj verify-ledger / 基线", f"{t_ssj / t_base:.2f}")
            row("比值 verify.py / 基线", f"{t_kit / t_base:.2f}")

            if args.profile:
                from shuangsuiji.audit.verify import verify
                from shuangsuiji.workspace import Workspace

                print(f"\n-- cProfile：verify（{label}，进程内）--")
                profile(lambda r=root: verify(Workspace(r)), REPO / "benchmarks" / "out" / f"profile-verify-{size}.pstats")
    return 0


if __name__ == "__main__":
    sys.exit(main())
