#!/usr/bin/env python3
"""基准：在 10 万家企业的名录库上抽取一次，与同一进程中裸算同样的 SHA-256 号签相比。
Benchmark: one draw over the 100,000-company registry, against computing the same SHA-256 tickets in a bare loop.

    python benchmarks/bench_draw.py [FOLDER] [--section 指挥中心] [--repeat 1] [--profile]

The draw is ``ssj draw --section 指挥中心 --ratio 0.1 --seed 123 --date 2026-12-01`` (应急救援指挥中心 supervises
four of the five specialties, 98 % of the companies), outside git, on a fresh copy of the bureau each time whose
``.ssj/cache`` is warm, with ssj's clock set to 2026-12-01 09:00 Asia/Shanghai (ssj refuses back-dated draws; the
test suite freezes the same clock). Printed:

(a) loading: ``Workspace.load()`` with a warm cache, in this process (best of 3);
(b) the draw command run in this process (``shuangsuiji.cli.main``, modules already imported, output captured)
    minus (a);
(c) the bare loop: ``sha256((seed_hex + id).encode())`` → int → ``f"{n:064d}"[::-1]`` for every eligible id
    (taken from the record the draw wrote), best of 3;
(d) the ratio (b)/(c), target ≤ 2.

For context it also prints the same draw with ``--json`` (no table for people), the end-to-end wall time of the
command as a fresh subprocess, and a breakdown by stage. ``--profile`` runs the in-process draw under cProfile.
No timing is asserted; a draw that fails stops the script.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import io
import json
import sys
import tempfile
from pathlib import Path

from shuangsuiji.registry.loading import load_bureau

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    PROVINCE,
    REPO,
    best_of,
    copy_bureau,
    ensure_province,
    header,
    profile,
    row,
    run,
    timed,
    timed_cpu,
    verdict,
)

SEED = "123"
DATE = "2026-12-01"
#: ssj refuses back-dated draws, so the runs see the clock the test suite uses: 2026-12-01 09:00 in Shanghai.
NOW = "2026-12-01T09:00:00+08:00"
#: A fresh interpreter running ssj with that clock (the cost of this line is nil next to the draw's).
FROZEN_SSJ = (
    "import sys, datetime as d; from zoneinfo import ZoneInfo; import shuangsuiji.clock as c; "
    f"n = d.datetime.fromisoformat({NOW!r}); "
    "c.local_now = lambda timezone='Asia/Shanghai': n.astimezone(ZoneInfo(timezone)); "
    "from shuangsuiji.cli import main; sys.exit(main(sys.argv[1:]))"
)


def freeze_clock() -> None:
    """Patch ``shuangsuiji.clock.local_now`` in this process, as the tests' frozen clock does."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import shuangsuiji.clock as clock

    now = dt.datetime.fromisoformat(NOW)
    clock.local_now = lambda timezone="Asia/Shanghai": now.astimezone(ZoneInfo(timezone))


def draw_args(section: str, as_json: bool = False) -> list[str]:
    return ["draw", "--section", section, "--ratio", "0.1", "--seed", SEED, "--date", DATE] + (["--json"] if as_json else [])


def bare_tickets(ids: list[str], seed: str) -> list[str]:
    """The tickets of SPEC §4 in the plainest loop Python allows (the floor of any draw)."""
    seed_hex = hashlib.sha256(seed.encode()).hexdigest()
    out = []
    for item in ids:
        n = int.from_bytes(hashlib.sha256((seed_hex + item).encode()).digest(), "big")
        out.append(f"{n:064d}"[::-1])
    return out


def in_process(root: Path, args: list[str]) -> tuple[float, float, str]:
    """``ssj <args>`` through ``shuangsuiji.cli.main`` in this process; (wall s, CPU s, captured stdout)."""
    from shuangsuiji.cli import main as ssj_main

    buffer, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(errors):
        elapsed, cpu, code = timed_cpu(lambda: ssj_main(["--repo", str(root), *args]))
    if code != 0:
        sys.stderr.write(buffer.getvalue()[-2000:] + errors.getvalue()[-2000:])
        raise SystemExit(f"ssj {' '.join(args)} 失败（退出码 {code}）")
    return elapsed, cpu, buffer.getvalue()


def ledger_record(root: Path) -> dict:
    """The draw's record (format 2: data/ledger/<section>/<year>.jsonl), each stratum's population read back
    from its list file (data/ledger/lists/<digest>.json)."""
    files = sorted(p for p in (root / "data" / "ledger").glob("*/*.jsonl") if p.parent.name != "bureau")
    record = json.loads(files[0].read_bytes().splitlines()[-1])
    for stratum in record["strata"]:
        stratum["population_ids"] = json.loads((root / "data" / "ledger" / "lists" / f"{stratum['population']}.json").read_bytes())
    return record


def breakdown(master: Path, fresh: Path, section: str, bare: float) -> None:
    """Time the stages of a draw through the package's own functions (internal APIs: skipped if they change)."""
    try:
        import datetime as dt

        from shuangsuiji.audit.check import check_all
        from shuangsuiji.cli.render import print_draw
        from shuangsuiji.core.canonical import canonical
        from shuangsuiji.core.draw import DrawInput, draw
        from shuangsuiji.draw.random_draw import DrawOptions, parameters
        from shuangsuiji.ledger.store import seal
        from shuangsuiji.ledger.writing import stamp
        from shuangsuiji.registry.eligibility import declared_conflicts
        from shuangsuiji.workspace import Workspace
    except ImportError as exc:
        print(f"  （分阶段计时跳过：{exc}）")
        return
    try:
        ws = Workspace(copy_bureau(master, fresh, with_state=True))
        day = dt.date.fromisoformat(DATE)
        t_load, data = timed(lambda: load_bureau(ws))
        t_check, _ = timed(lambda: check_all(ws, data, data.today()))
        options = DrawOptions(section=section, ratio="0.1", seed=SEED, date=day)
        t_params, params = timed(lambda: parameters(data, options, day))
        t_conf, conflicts = timed(lambda: declared_conflicts(data))
        spec = DrawInput(SEED, params.strata, params.inspectors, params.team_size, conflicts)
        t_draw, outcome = timed(lambda: draw(spec))
        at = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        record = stamp("draw", at, "基准测试", section=params.section.id, plan_item=params.plan_item,
                       checklist_item=params.choice.item.checklist_item if params.choice else None, date=DATE,
                       seed=SEED, seed_source="操作员输入", fairness="operator", announcement=None, ratio="0.1",
                       team_size=params.team_size, **outcome, inputs=dict(sorted(data.inputs.items())),
                       commit=None, dirty=False)
        t_seal, sealed = timed(lambda: seal(record, []))
        t_json, line = timed(lambda: canonical(sealed))
        with contextlib.redirect_stdout(io.StringIO()):
            t_render, _ = timed(lambda: print_draw(sealed, params.section, data))
    except Exception as exc:  # noqa: BLE001 - internal APIs under concurrent change: report, do not fail
        print(f"  （分阶段计时跳过：{type(exc).__name__}: {exc}）")
        return
    selected = sum(s["k"] for s in outcome["strata"])
    print(f"分阶段（进程内，各一次）/ stages, in-process, once each — {selected} 家抽中，记录 {len(line) / 1e6:.1f} MB")
    for label, value in (
        ("load_bureau（热缓存）", t_load), ("audit.check.check_all", t_check),
        ("drawing.parameters（计划、分层、资格）", t_params), ("eligibility.declared_conflicts", t_conf),
        ("draw.draw（号签、排序、分组）", t_draw), ("ledger.seal（record_hash）", t_seal),
        ("canonical.canonical（RFC 8785）", t_json), ("cli.render.print_draw（rich 表格）", t_render),
    ):
        row(f"  {label}", f"{value:.3f} s")
    row("  纯抽取 draw.draw / 裸循环 (c)", f"{t_draw / bare:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=PROVINCE, help="make_registry.py 生成的数据仓库")
    parser.add_argument("--section", default="指挥中心", help="科室（默认 指挥中心：范围覆盖 98%% 的企业）")
    parser.add_argument("--repeat", type=int, default=1, help="进程内抽取次数，取最快（默认 1）")
    parser.add_argument("--profile", action="store_true", help="另外用 cProfile 剖析一次进程内抽取")
    args = parser.parse_args(argv)
    source = ensure_province(args.folder)
    header(f"ssj draw --section {args.section} --ratio 0.1 --seed {SEED} --date {DATE}（{source}）")

    # Import what the command imports lazily, so that (b) times the draw, not first imports.
    import shuangsuiji.cli  # noqa: F401
    import shuangsuiji.cli.render  # noqa: F401
    import shuangsuiji.draw.random_draw  # noqa: F401
    from shuangsuiji.workspace import Workspace

    freeze_clock()
    with tempfile.TemporaryDirectory(prefix="ssj-bench-draw-") as tmp:
        base = Path(tmp)
        master = copy_bureau(source, base / "master")
        load_bureau(Workspace(master))  # fills master/.ssj/cache: every copy below starts warm
        load = best_of(3, lambda: load_bureau(Workspace(master)))

        runs = []
        for n in range(max(1, args.repeat)):
            fresh = copy_bureau(master, base / f"run{n}", with_state=True)
            gc.collect()  # the same start for every in-process run
            wall, cpu, _ = in_process(fresh, draw_args(args.section))
            runs.append((wall, cpu, fresh))
        whole, whole_cpu, fresh = min(runs, key=lambda r: r[0])
        json_root = copy_bureau(master, base / "json", with_state=True)
        gc.collect()
        json_whole, _, _ = in_process(json_root, draw_args(args.section, True))
        record = ledger_record(fresh)
        ids = [i for stratum in record["strata"] for i in stratum["population_ids"]]
        selected = sum(s["k"] for s in record["strata"])

        got = dict(zip(ids, bare_tickets(ids, SEED), strict=True))  # format 2 stores no tickets: recompute them
        if any(sorted(s["population_ids"], key=lambda i: (got[i], i))[:s["k"]] != s["selected"] for s in record["strata"]):
            raise SystemExit("裸循环的号签与台账记录不一致：基准本身有误")
        bare = best_of(3, lambda: bare_tickets(ids, SEED))

        sub_root = copy_bureau(master, base / "sub", with_state=True)
        sub_whole, sub_cpu, _ = run([sys.executable, "-c", FROZEN_SSJ, *draw_args(args.section)], cwd=sub_root)

        row("符合条件 / eligible companies", f"{len(ids)}，分 {sum(1 for s in record['strata'] if s['count'])} 层，抽中 {selected}")
        row("检查组 / teams", f"{len(record['inspectors']['teams'])}（{len(record['inspectors']['eligible'])} 名执法人员）")
        row("(a) 读取（热缓存）/ Workspace.load, warm", f"{load:.3f} s")
        row("    抽取命令整体（进程内）/ whole draw, in-process", f"{whole:.3f} s（CPU {whole_cpu:.3f} s）")
        row("(b) 抽取减去读取 / draw minus loading", f"{whole - load:.3f} s")
        row("(c) 裸循环号签 / bare ticket loop", f"{bare:.3f} s（{len(ids)} 个）")
        row("(d) (b)/(c)", verdict((whole - load) / bare, 2))
        print("参考 / for context")
        row("--json（不打印表格）整体 / whole", f"{json_whole:.3f} s；减去读取 {json_whole - load:.3f} s，"
            f"比值 {(json_whole - load) / bare:.2f}")
        row("子进程端到端 / fresh subprocess, end to end", f"{sub_whole:.3f} s（CPU {sub_cpu:.3f} s）")
        breakdown(master, base / "stages", args.section, bare)

        if args.profile:
            fresh = copy_bureau(master, base / "profiled", with_state=True)
            print("\n-- cProfile：进程内抽取 / in-process draw --")
            from shuangsuiji.cli import main as ssj_main

            profile(lambda: ssj_main(["--repo", str(fresh), *draw_args(args.section)]),
                    REPO / "benchmarks" / "out" / "profile-draw.pstats", quiet=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
