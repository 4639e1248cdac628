#!/usr/bin/env python3
"""基准：有 200 次历史抽取的台账上抽取一次，与空台账上的同一次抽取、与 consistent_sampler 单独抽取相比。
Benchmark: one draw at 100,000 companies with 200 earlier draws in its ledger, against the same draw on an
empty ledger and against the ``consistent_sampler`` package alone taking the same k from the same ids.

    python benchmarks/make_history.py /work/bench-data/zhihui200 --companies 100000 --only zhihui --draws 200 \\
        --years 5 --rest-days 0 --inspectors-per-section 40          # once, ~15 min on 2 shared cores
    python benchmarks/bench_draw_history.py /work/bench-data/zhihui200 [--repeat 2]

HISTORY is a history of 应急救援指挥中心 (zhihui, four of the five specialties, 98 % of the companies) made by
make_history.py. Clones of it (``git clone``, outside the checkout):

* "history": as made, 200 draws in data/ledger/zhihui/;
* "empty": the same commit, then data/ledger/zhihui/ and data/ledger/lists/ removed and committed — the same
  registry bytes, plans and approvals, an empty section ledger (the bureau ledger keeps the approvals).

The plan item has ``rest_days: 0`` so that both draw from the same population (with the default 90-day rest
the history would leave out the companies drawn in the last 90 days, and the two draws would differ).

In each clone, in this process: the registry is loaded and checked once (``load_for_draw``, not timed
against the draw), the ``.ssj`` index is brought up to date (what the earlier draws on this computer left;
its rebuild in a fresh clone is printed separately), then timed: ``perform_draw`` — what ``ssj draw --section
指挥中心 --ratio 0.1 --seed 123`` runs after loading: the plan, the rest and rotation rules from the index, the
draw, the record with its list files, the fsync'ed append and the git commit. ssj's clock is the history's
next draw slot. The clones alternate (history, empty, history, empty…) and the best of each is kept.

Baseline: ``consistent_sampler.sampler(ids, seed, take=k)`` over each stratum's population (read back from the
record's list files), same seed, same k, in this process (best of 3); the selected ids are compared with the
record's (they must be equal: ssj's tickets are Rivest's first tickets).

Also printed: the record's size and its selected count (target ≤ 0.6 MB at ≈13k selected). Nothing asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, header, profile, row  # noqa: E402
from bench_history import clone, frozen_ssj, git, history_info, measure, next_slot  # noqa: E402

SEED = "123"


def freeze(now: str) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    import shuangsuiji.clock as clock

    moment = dt.datetime.fromisoformat(now)
    clock.local_now = lambda timezone="Asia/Shanghai": moment.astimezone(ZoneInfo(timezone))


def prepare(source: Path, target: Path, empty: bool, now: str, cache: Path | None) -> Path:
    copy = clone(source, target)
    if empty:
        shutil.rmtree(copy / "data" / "ledger" / "zhihui")
        shutil.rmtree(copy / "data" / "ledger" / "lists")  # only the draws used them (approvals name no list)
        git(copy, "add", "-A", "data/ledger")
        git(copy, "commit", "-q", "-m", "基准测试：清空指挥中心台账（同一名录库上的空台账）")
    year = now[:4]
    if "approval:" not in (copy / "plans" / f"{year}.yaml").read_text(encoding="utf-8"):
        measure([*frozen_ssj(), "--repo", str(copy), "plan", "approve", "--year", year, "--meeting",
                 f"{year}年第1次局党委班子会议", "--approver", "韩立新"], copy, now)
    if cache is not None and cache.is_dir():  # the registry's parse cache: the same bytes in every clone
        shutil.copytree(cache, copy / ".ssj" / "cache", dirs_exist_ok=True)
    return copy


def one_draw(root: Path, now: str, profiled: Path | None = None) -> dict:
    import datetime as dt

    import shuangsuiji.git as gitops
    from shuangsuiji.draw.parameters import DrawOptions, load_for_draw
    from shuangsuiji.draw.random_draw import perform_draw
    from shuangsuiji.ledger.index import Index
    from shuangsuiji.workspace import Workspace

    ws = Workspace(root)
    t0 = time.perf_counter()
    data = load_for_draw(ws, None)
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    Index(ws).refresh().close()
    indexed = time.perf_counter() - t0
    options = DrawOptions(section="zhihui", ratio="0.1", seeds=(SEED,), seed_source="基准测试", operator="基准测试")
    gc.collect()
    t0, c0, g0 = time.perf_counter(), time.process_time(), _children()
    run = lambda: perform_draw(ws, options, now=dt.datetime.fromisoformat(now), data=data)  # noqa: E731
    written = profile(run, profiled, top=30) if profiled is not None else run()
    drew, cpu = time.perf_counter() - t0, time.process_time() - c0 + _children() - g0  # git's CPU too
    t0, g0 = time.perf_counter(), _children()
    gitops.wait_for_repacks()  # the detached repack after the commit: timed apart, never overlapping the next draw
    packed, packed_cpu = time.perf_counter() - t0, _children() - g0
    if written.commit_error:
        raise SystemExit(f"提交失败：{written.commit_error}")
    line = written.path.read_bytes().splitlines()[-1]
    return {"load": loaded, "index": indexed, "draw": drew, "cpu": cpu, "packed": packed, "packed_cpu": packed_cpu,
            "record": json.loads(line),
            "bytes": len(line) + 1, "root": root}


def _children() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sampler_baseline(root: Path, record: dict) -> tuple[float, bool]:
    import consistent_sampler

    from shuangsuiji.core.lists import ListFolder

    lists = ListFolder(str(root / "data" / "ledger" / "lists"))
    strata = [(lists.get(s["population"]), s["k"], s["selected"]) for s in record["strata"]]
    best, same = float("inf"), True
    for _ in range(3):
        gc.collect()
        t0 = time.perf_counter()
        chosen = [[t[1] for t in consistent_sampler.sampler(ids, seed=record["seed"], take=k)] for ids, k, _ in strata]
        best = min(best, time.perf_counter() - t0)
        same = all(c == s for c, (_, _, s) in zip(chosen, strata, strict=True))
    return best, same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("history", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--tmp", type=Path, default=Path("/work/bench-data"))
    parser.add_argument("--profile", action="store_true", help="另外用 cProfile 剖析一次有历史的抽取（不计入比值）")
    args = parser.parse_args(argv)
    source = args.history.resolve()
    info = history_info(source)
    now, section = next_slot(source)
    if section != "zhihui":
        raise SystemExit(f"{source} 不是只有指挥中心抽取的历史（make_history.py --only zhihui）")
    freeze(now)
    header(f"有历史的抽取 / a draw with history：{source}")
    row("历史 / history", f"{info['companies']} 家，指挥中心 {info['draws_per_section']} 次抽取，{info['start']} 至 "
        f"{info['end'][:10]}，名录库修改 {info['registry_changes']} 次，休息期 {info.get('rest_days')} 天；时钟 {now}")
    results: dict[str, list[dict]] = {"history": [], "empty": []}
    cache = source / ".ssj" / "cache"
    with tempfile.TemporaryDirectory(prefix="ssj-bench-drawhist-", dir=args.tmp) as tmp:
        for n in range(args.repeat):
            for case in ("history", "empty"):
                copy = prepare(source, Path(tmp) / f"{case}-{n}", case == "empty", now, cache)
                result = one_draw(copy, now)
                results[case].append(result)
                row(f"{case} #{n + 1}", f"抽取 {result['draw']:.2f} s（CPU {result['cpu']:.2f} s）；读取名录 {result['load']:.1f} s，"
                    f"索引更新 {result['index']:.2f} s（不计入）；之后后台 git 打包 {result['packed']:.2f} s"
                    f"（CPU {result['packed_cpu']:.2f} s）")
        if args.profile:
            print("\n-- cProfile：有历史的抽取 / the draw with history --")
            copy = prepare(source, Path(tmp) / "profiled", False, now, cache)
            one_draw(copy, now, REPO / "benchmarks" / "out" / "profile-draw-history.pstats")
        best = {case: min(found, key=lambda r: r["draw"]) for case, found in results.items()}
        h, e = best["history"], best["empty"]
        earlier = sum(1 for line in (h["root"] / "data" / "ledger" / "zhihui").glob("*.jsonl")
                      for _ in line.read_bytes().splitlines()) - 1
        record = h["record"]
        selected = sum(len(s["selected"]) for s in record["strata"])
        population = sum(s["count"] for s in record["strata"])
        same_population = [s["population"] for s in record["strata"]] == [s["population"] for s in e["record"]["strata"]]
        baseline, same = sampler_baseline(h["root"], record)
        print()
        row("台账中已有的记录 / earlier records in its ledger", f"{earlier}")
        row("范围 / 抽中 / population, selected", f"{population:,} / {selected:,} 家（两者名单相同 / same lists：{same_population}）")
        row(f"有历史的抽取（最快）/ with {earlier} earlier draws", f"{h['draw']:.2f} s（CPU {h['cpu']:.2f} s）")
        row("空台账上的同一抽取（最快）/ on an empty ledger", f"{e['draw']:.2f} s（CPU {e['cpu']:.2f} s）")
        row("之后的后台 git 打包 / the detached repack after it", f"有历史 {h['packed']:.2f} s（CPU {h['packed_cpu']:.2f} s），"
            f"空台账 {e['packed']:.2f} s（CPU {e['packed_cpu']:.2f} s）；不计入抽取，命令不等它")
        row("比值 有历史 / 空台账", f"{h['draw'] / e['draw']:.2f}（CPU {h['cpu'] / e['cpu']:.2f}；目标 ≤ 1.2）")
        row("consistent_sampler 单独（3 次最快）", f"{baseline:.2f} s（选中单位与记录一致 / same ids：{same}）")
        row("比值 有历史的抽取 / consistent_sampler", f"{h['draw'] / baseline:.2f}（目标 ≤ 4）")
        row("比值 空台账 / consistent_sampler", f"{e['draw'] / baseline:.2f}")
        row("抽取记录大小 / draw record", f"{h['bytes'] / 1e6:.3f} MB（{selected:,} 家抽中；目标 ≤ 0.6 MB）")
        row("索引重建（新克隆首次）/ index rebuilt in a fresh clone", f"有历史 {h['index']:.2f} s，空台账 {e['index']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
