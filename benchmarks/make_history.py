#!/usr/bin/env python3
"""生成一段很长的台账历史（基准测试用）：用包自己的抽取代码，一次抽取一次 git 提交。
Generate a long ledger history for the benchmarks, through the package's own draw code.

    python benchmarks/make_history.py OUT [--companies 2000] [--sections 6] [--draws 300] [--registry-every 10]
        [--years 5] [--start 2026-01-05] [--mark 20 ...] [--seed 20261201]

OUT must lie outside the ssj checkout (``/tmp/…`` or ``/work/bench-data/…``); it is replaced.

What it does, in order:

1. a bureau with ``--companies`` companies made by ``make_registry.generate`` (valid USCCs, every field filled);
   with more than the example's six sections, extra sections ``sheng07`` … are added (same specialties in turn,
   their own inspectors and 清单 items);
2. one annual plan per year (``plans/<year>.yaml``, every section open all year, a frequency large enough for
   the history), ``.gitignore``/``.gitattributes`` as ``ssj init`` writes them, ``git init`` and a first commit;
   then the 清单 approved with ``ssj checklist approve`` and each year's plan with ``ssj plan approve`` on its
   first day of draws (both in-process, the ssj CLI itself);
3. ``--draws`` draws per section, the sections in turn, spread evenly over ``--years`` years: each draw is
   ``shuangsuiji.draw.random_draw.perform_draw`` — what ``ssj draw`` runs — in this process, with ssj's clock
   (``shuangsuiji.clock.local_now``) advanced to the draw's time, an operator seed from a seeded generator
   (reproducible), the rest rule, rotation, frequency and spacing rules of the package all applying. Each draw
   writes its format-2 record and list files and makes its own git commit (``gitops.commit``, which runs
   the geometric ``git repack`` ssj runs after each of its commits): ``.git`` is as the tool leaves it;
4. every ``--registry-every`` draws of the bureau (all sections together) one entity file is changed and
   committed (``git commit``), as a clerk's registry update would be: a few risk ratings change, one company
   closes, one new company is added. The registry is then loaded and checked again
   (``load_for_draw``, as ``ssj draw`` does); between changes the loaded registry is reused (it is the same
   bytes, and loading 100,000 companies would dominate the generation time — it is not what is measured);
5. ``--mark N``: after N draws of every section, a branch ``bench/after-N`` points at that commit, so that a
   benchmark can clone the history as it stood then (``git clone --single-branch -b bench/after-N``).

``OUT/history.json`` describes the result (parameters, commits, timings). Nothing is asserted here.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_registry  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Shanghai")
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "基准测试", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "基准测试", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
#: plan ratios per example section (as plans/2026.yaml has them); extra sections take zhifa's
ITEMS = {
    "yigu": ("C01", "0.1", {"A": "0.5", "B": "0.2", "C": "0.1", "D": "0.05"}, "5"),
    "ergu": ("C03", "0.05", {"A": "0.1", "B": "0.08", "C": "0.05", "D": "0.03"}, "2"),
    "sangu": ("C05", "0.1", {"A": "0.4", "B": "0.2", "C": "0.1", "D": "0.05"}, "4"),
    "bangongshi": ("C06", "0.3", {"A": "1", "B": "0.5", "C": "0.3", "D": "0.2"}, "4"),
    "zhihui": ("C07", "0.03", {"A": "0.1", "B": "0.05", "C": "0.03", "D": "0.02"}, "4"),
    "zhifa": ("C08", "0.05", {"A": "0.2", "B": "0.1", "C": "0.05", "D": "0.03"}, "4"),
}
EXTRA_SPECIALTIES = (["危险化学品"], ["冶金工贸"], ["烟花爆竹"], ["非煤矿山"], ["危险化学品", "烟花爆竹"])


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


class Clock:
    """ssj's clock in this process: ``shuangsuiji.clock.local_now`` returns what was last set."""

    def __init__(self) -> None:
        import shuangsuiji.clock as clock

        self.now = dt.datetime(2026, 1, 1, 8, 0, tzinfo=TZ)
        clock.local_now = lambda timezone="Asia/Shanghai": self.now.astimezone(ZoneInfo(timezone))

    def set(self, when: dt.datetime) -> None:
        self.now = when.replace(microsecond=0)


def ssj(root: Path, *args: str) -> str:
    """The ssj CLI in this process (as the tests' run_ssj); stops on failure."""
    from shuangsuiji.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--repo", str(root), *args])
    if code != 0:
        raise SystemExit(f"ssj {' '.join(args)} 失败（{code}）：{out.getvalue()[-2000:]}{err.getvalue()[-2000:]}")
    return out.getvalue()


# --- the bureau ---------------------------------------------------------------------------------------------

def sections(count: int) -> list[dict]:
    import yaml

    example = yaml.load((REPO / "data" / "sections.yaml").read_bytes(), Loader=yaml.CSafeLoader)["sections"]
    if count <= len(example):
        return example[:count]
    extra = [{"id": f"sheng{n:02d}", "name": f"省级专项检查{n - 6}处", "short_names": [f"专项{n - 6}处"],
              "specialties": EXTRA_SPECIALTIES[(n - 7) % len(EXTRA_SPECIALTIES)],
              "remit": "负责省级专项安全生产监督检查（基准测试用的虚构科室）"} for n in range(7, count + 1)]
    return example + extra


def write_sections(root: Path, chosen: list[dict]) -> None:
    if len(chosen) == 6:
        return  # the example's own file, comments and all
    lines = ["# 科室及其监管范围（基准测试用，由 benchmarks/make_history.py 生成）", "sections:"]
    for s in chosen:
        lines += [f"  - id: {s['id']}", f"    name: {s['name']}", f"    short_names: [{', '.join(s['short_names'])}]",
                  f"    specialties: [{', '.join(s['specialties'])}]", f"    remit: {s['remit']}"]
    (root / "data" / "sections.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if len(chosen) > 6:  # a 清单 item per extra section, after 综合执法检查 (C08)
        text = (root / "data" / "checklist.yaml").read_text(encoding="utf-8")
        start = text.index('  - id: "C08"')
        end = text.find("\n  - id:", start + 1)
        block = text[start:] if end < 0 else text[start:end + 1]
        added = "".join(block.replace('id: "C08"', f'id: "C{n + 2:02d}"').replace("subject: zhifa", f"subject: {s['id']}")
                        for n, s in enumerate(chosen[6:], 7))
        text = text[:start] + block + added + ("" if end < 0 else text[end + 1:])
        (root / "data" / "checklist.yaml").write_text(text, encoding="utf-8")


def regenerate_inspectors(root: Path, per_section: int, seed: int) -> None:
    """inspectors.yaml for every section of ``root`` (make_registry reads the sections of its REPO), with 执法证
    valid beyond the history's years (make_registry's expire by 2030)."""
    rng = random.Random(seed + 1)
    operating = {s: [] for s in make_registry.SPECIALTIES}
    for path in (root / "data" / "entities").glob("*.yaml"):
        ids = re.findall(r'- id: "([0-9A-Z]{18})"\n(?:    .*\n)*?    status: 在营', path.read_text(encoding="utf-8"))
        operating[path.stem] = ids[:400]
    saved = make_registry.REPO
    make_registry.REPO = root
    try:
        make_registry.write_inspectors(root, rng, per_section, operating)
    finally:
        make_registry.REPO = saved
    path = root / "data" / "inspectors.yaml"
    text = re.sub(r"cert_expires: 20(2[7-9]|30)-", "cert_expires: 2039-", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")


def write_plans(root: Path, chosen: list[dict], years: list[int], frequency: int, interval: int,
                rest_days: int | None = None) -> None:
    shutil.rmtree(root / "plans")
    (root / "plans").mkdir()
    for year in years:
        lines = [f"# {year} 年度检查计划（基准测试用，由 benchmarks/make_history.py 生成；全年开放）", f"year: {year}",
                 f"name: 基准测试{year}年度“双随机、一公开”抽查工作计划", "items:"]
        for s in chosen:
            check, ratio, risks, multiplier = ITEMS.get(s["id"], ITEMS["zhifa"])
            if s["id"] not in ITEMS:
                check = f"C{int(s['id'][5:]) + 2:02d}"
            lines += [f'  - id: "{year}-{s["id"]}-01"', f"    section: {s['id']}", f'    checklist_item: "{check}"',
                      f"    specialties: [{', '.join(s['specialties'])}]", f'    ratio: "{ratio}"',
                      "    risk_ratios: {" + ", ".join(f'{k}: "{v}"' for k, v in risks.items()) + "}",
                      f'    multiplier: "{multiplier}"', f"    frequency: {frequency}", "    team_size: 2",
                      f"    min_interval_days: {interval}"] + ([f"    rest_days: {rest_days}"] if rest_days is not None else [])
        (root / "plans" / f"{year}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def change_registry(root: Path, rng: random.Random, number: int) -> str:
    """One clerk's update of one entity file: a few risk ratings, one company closed, one added."""
    specialty = make_registry.SPECIALTIES[number % len(make_registry.SPECIALTIES)]
    path = root / "data" / "entities" / f"{specialty}.yaml"
    text = path.read_text(encoding="utf-8")
    risks = [m.start() for m in re.finditer(r"    risk: [ABCD]\n", text)]
    for at in rng.sample(risks, k=min(len(risks), max(1, len(risks) // 200))):
        text = text[:at] + f"    risk: {rng.choice('ABCD')}\n" + text[at + len("    risk: X\n"):]
    operating = [m.start() for m in re.finditer(r"    status: 在营\n", text)]
    if operating:
        at = rng.choice(operating)
        text = text[:at] + "    status: 注销\n" + text[at + len("    status: 在营\n"):]
    seen = {i for other in (root / "data" / "entities").glob("*.yaml")  # ids are unique across every file
            for i in re.findall(r'- id: "([0-9A-Z]{18})"', text if other == path else other.read_text(encoding="utf-8"))}
    text += make_registry.entity_record(rng, specialty, make_registry.regions(rng), seen)
    path.write_text(text, encoding="utf-8")
    return path.relative_to(root).as_posix()


# --- the history ----------------------------------------------------------------------------------------------

def build(args: argparse.Namespace) -> dict:
    from shuangsuiji.draw.parameters import DrawOptions, load_for_draw
    from shuangsuiji.draw.random_draw import DrawFailed, perform_draw
    from shuangsuiji.workspace import Workspace

    root: Path = args.out.resolve()
    if root == REPO or REPO in root.parents:
        raise SystemExit(f"{root} 在 ssj 的仓库里：生成的历史必须放在仓库之外（如 /tmp 或 /work/bench-data）")
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    started = time.perf_counter()
    clock = Clock()
    rng = random.Random(args.seed)
    chosen = sections(args.sections)

    make_registry.generate(root, args.companies, args.inspectors_per_section, args.seed)
    shutil.rmtree(root / "data" / "ledger")  # a new bureau: its own bureau ledger, from ssj plan/checklist approve
    write_sections(root, chosen)
    regenerate_inspectors(root, args.inspectors_per_section, args.seed)
    first = dt.datetime.combine(args.start, dt.time(9, 0), TZ)
    span = dt.timedelta(days=365 * args.years)
    drawing = [s for s in chosen if not args.only or s["id"] in args.only]
    total = args.draws * len(drawing)
    step = span / total
    years = sorted({(first + step * i).year for i in range(total + 1)})
    per_year = math.ceil(args.draws / args.years) + 10
    interval = max(0, int(step.total_seconds() * len(drawing) / 86400) - 1)
    write_plans(root, chosen, years, per_year, min(interval, 7), args.rest_days)
    templates = REPO / "shuangsuiji" / "templates" / "init"
    shutil.copy2(templates / "gitignore.txt", root / ".gitignore")
    shutil.copy2(templates / "gitattributes.txt", root / ".gitattributes")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "基准测试")
    git(root, "config", "user.email", "bench@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "新建基准测试数据仓库（make_history.py）")
    made = time.perf_counter() - started
    print(f"名录库：{args.companies} 家，{len(chosen)} 个科室，用时 {made:.1f} s；计划年度 {years}，"
          f"每年频次 {per_year}，最短间隔 {min(interval, 7)} 天", flush=True)

    clock.set(first - dt.timedelta(days=1))
    ssj(root, "checklist", "approve", "--meeting", "基准测试局长办公会", "--approver", "局长")
    ws = Workspace(root)
    approved: set[int] = set()
    data = None
    marks = {m: None for m in args.mark}
    draw_seconds: list[float] = []
    load_seconds: list[float] = []
    failed = registry_changes = 0
    for number in range(total):
        at = first + step * number
        section = drawing[number % len(drawing)]
        if at.year not in approved:
            clock.set(at.replace(hour=8, minute=0, second=0))
            ssj(root, "plan", "approve", "--year", str(at.year), "--meeting", f"{at.year}年第1次局党委班子会议",
                "--approver", "韩立新")
            approved.add(at.year)
            data = None
        if number and number % args.registry_every == 0:
            changed = change_registry(root, rng, registry_changes)
            git(root, "add", "--", changed)
            git(root, "-c", "gc.auto=0", "commit", "-q", "-m", f"更新名录库：{changed}")  # no detached gc: its lock stops ssj
            registry_changes += 1
            data = None
        clock.set(at)
        if data is None:
            t0 = time.perf_counter()
            data = load_for_draw(ws, None)
            load_seconds.append(time.perf_counter() - t0)
        options = DrawOptions(section=section["id"], seeds=(f"{rng.randrange(10**20):020d}",),
                              seed_source="基准测试：固定种子的伪随机数（make_history.py）", operator="基准测试")
        t0 = time.perf_counter()
        try:
            written = perform_draw(ws, options, now=at.replace(microsecond=0), data=data)
        except DrawFailed:
            failed += 1
            written = None
        draw_seconds.append(time.perf_counter() - t0)
        if written is not None and written.commit_error:
            raise SystemExit(f"提交失败：{written.commit_error}")
        done = number + 1
        if done % len(drawing) == 0 and done // len(drawing) in marks:
            per_section = done // len(drawing)
            marks[per_section] = git(root, "rev-parse", "HEAD").strip()
            git(root, "branch", "-f", f"bench/after-{per_section}")
        if done % max(1, total // 20) == 0 or done == total:
            print(f"  {done}/{total} 次抽取（{at:%Y-%m-%d}），平均每次 {sum(draw_seconds) / len(draw_seconds):.2f} s，"
                  f"累计 {time.perf_counter() - started:.0f} s", flush=True)
    info = {
        "companies": args.companies, "sections": [s["id"] for s in chosen], "drawing": [s["id"] for s in drawing],
        "rest_days": args.rest_days, "draws_per_section": args.draws,
        "registry_every": args.registry_every, "registry_changes": registry_changes, "failed_draws": failed,
        "years": years, "start": args.start.isoformat(), "end": (first + step * (total - 1)).isoformat(),
        "marks": {str(k): v for k, v in marks.items()}, "head": git(root, "rev-parse", "HEAD").strip(),
        "seconds": round(time.perf_counter() - started, 1), "draw_seconds_mean": round(sum(draw_seconds) / total, 3),
        "draw_seconds_first10": round(sum(draw_seconds[:10]) / 10, 3),
        "draw_seconds_last10": round(sum(draw_seconds[-10:]) / 10, 3),
        "loads": len(load_seconds), "load_seconds_mean": round(sum(load_seconds) / len(load_seconds), 2),
        "seed": args.seed, "clock_after": clock.now.isoformat(),
    }
    (root / ".ssj").mkdir(exist_ok=True)
    (root.parent / f"{root.name}.history.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    os.environ["SSJ_GIT_REPACK"] = "wait"  # each draw's repack done before the next: .git as the tool leaves it
    parser = argparse.ArgumentParser(description="生成长台账历史 / generate a long ledger history")
    parser.add_argument("out", type=Path)
    parser.add_argument("--companies", type=int, default=2000)
    parser.add_argument("--sections", type=int, default=6)
    parser.add_argument("--draws", type=int, default=300, help="每个科室的抽取次数 / draws per section")
    parser.add_argument("--registry-every", type=int, default=10, help="全局每多少次抽取修改一次名录库")
    parser.add_argument("--years", type=float, default=5, help="历史跨越的年数（可为小数）")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 1, 5))
    parser.add_argument("--inspectors-per-section", type=int, default=20)
    parser.add_argument("--mark", type=int, action="append", default=[], help="在每科室 N 次抽取后建分支 bench/after-N")
    parser.add_argument("--only", action="append", default=[], help="只在这些科室抽取（科室编号，可多次）")
    parser.add_argument("--rest-days", type=int, default=None, help="计划事项的休息期（默认按 bureau.yaml，90 天）")
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args(argv)
    info = build(args)
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
