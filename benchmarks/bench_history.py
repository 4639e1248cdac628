#!/usr/bin/env python3
"""基准：长台账历史的核验、git 仓库大小、记录大小、公示包（issue 10 第 5 部分）。
Benchmark: verifying long ledger histories, the size of .git, record sizes, and the disclosure bundle.

    python benchmarks/bench_history.py county   DIR     # a history made by make_history.py (2k × 6 × 300)
    python benchmarks/bench_history.py province DIR [--mark N] [--publish]
                                                        # 100k; DIR's branch bench/after-N is the half history

Every ssj command runs as a fresh subprocess under ``/usr/bin/time`` (wall time, CPU time, peak resident
memory of the largest process: with ``--jobs`` each worker is its own process, so the total is more).
Nothing is timed in-process and nothing is asserted: the script prints figures and the ratios of the issue's
targets; only a failing ssj command stops it.

county:   ``verify-ledger --full`` in DIR itself (``.ssj`` as the generator left it) and on a fresh clone (no
          ``.ssj``: no caches, no checkpoint); ``.git`` of DIR as the tool left it against the gzip size of
          ``data/ledger`` (one tar.gz of the folder, and the sum of each file gzipped); draw record sizes.
province: clones of ``bench/after-N`` (half) and of ``--whole`` (default ``main``: the whole history): ``verify-ledger --full`` on each
          (first run: no caches; second run: caches warm) and the ratios whole/half (time, memory);
          ``--full --jobs 2`` on the whole; then one more draw (``ssj draw`` with ssj's clock set just after the
          history) and a routine ``verify-ledger`` (from the checkpoint of the last clean run).
          ``--publish``: ``ssj publish`` on the whole clone and the bundle's ``python verify.py``.
Options that the installed ssj lacks (``--full``, ``--jobs``) are left out and said so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, header, row, settle, ssj_command  # noqa: E402

TIME = "/usr/bin/time"
#: a fresh interpreter running ssj with its clock set to $SSJ_BENCH_NOW (the cost of this line is nil)
FROZEN = (
    "import os, sys, datetime as d; from zoneinfo import ZoneInfo; import shuangsuiji.clock as c; "
    "n = d.datetime.fromisoformat(os.environ['SSJ_BENCH_NOW']); "
    "c.local_now = lambda timezone='Asia/Shanghai': n.astimezone(ZoneInfo(timezone)); "
    "from shuangsuiji.cli import main; sys.exit(main(sys.argv[1:]))"
)


class Measured:
    def __init__(self, wall: float, cpu: float, rss_mb: float, code: int, out: str) -> None:
        self.wall, self.cpu, self.rss_mb, self.code, self.out = wall, cpu, rss_mb, code, out

    def __str__(self) -> str:
        return f"{self.wall:7.1f} s（CPU {self.cpu:.1f} s），峰值内存 {self.rss_mb:,.0f} MB"


def measure(argv: list[str], cwd: Path, now: str | None = None, check: bool = True) -> Measured:
    """One fresh subprocess under /usr/bin/time -f: wall, user+sys CPU, max RSS."""
    env = environment()
    if now is not None:
        env["SSJ_BENCH_NOW"] = now
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        started = time.perf_counter()
        result = subprocess.run([TIME, "-f", "%e %U %S %M", "-o", stats.name, *argv], cwd=cwd, capture_output=True,
                                env=env)
        wall = time.perf_counter() - started
        fields = Path(stats.name).read_text().split()[-4:]
    out = result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")
    if check and result.returncode != 0:
        sys.stderr.write(out[-4000:])
        raise SystemExit(f"命令失败（退出码 {result.returncode}）：{' '.join(argv)}")
    return Measured(wall, float(fields[1]) + float(fields[2]), int(fields[3]) / 1024, result.returncode, out)


def frozen_ssj() -> list[str]:
    return [sys.executable, "-c", FROZEN]


def verify_options() -> set[str]:
    text = subprocess.run([*ssj_command(), "verify-ledger", "--help"], capture_output=True, env=environment()).stdout
    text = text.decode("utf-8", "replace")
    return {o for o in ("--full", "--jobs") if o in text}


def git(root: Path, *args: str) -> str:
    env = {**environment(), "GIT_AUTHOR_NAME": "基准测试", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "基准测试", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


def clone(source: Path, target: Path, branch: str = "main") -> Path:
    if target.exists():
        shutil.rmtree(target)
    git(source.parent, "clone", "-q", "--no-hardlinks", "--single-branch", "-b", branch, str(source), str(target))
    git(target, "config", "user.name", "基准测试")
    git(target, "config", "user.email", "bench@example.invalid")
    return target


def draw_records(root: Path) -> list[tuple[int, dict]]:
    found = []
    for path in sorted((root / "data" / "ledger").glob("*/*.jsonl")):
        for line in path.read_bytes().splitlines():
            record = json.loads(line)
            if record.get("type") == "draw":
                found.append((len(line) + 1, record))
    return found


def record_sizes(root: Path, label: str) -> None:
    records = draw_records(root)
    if not records:
        return
    sizes = sorted(size for size, _ in records)
    selected = [sum(len(s["selected"]) for s in r["strata"]) for _, r in records]
    population = [sum(s["count"] for s in r["strata"]) for _, r in records]
    big = max(records, key=lambda item: item[0])
    row(f"{label}：抽取记录 / draw records", f"{len(records)} 条，平均 {sum(sizes) / len(sizes) / 1e3:.1f} KB，"
        f"中位 {sizes[len(sizes) // 2] / 1e3:.1f} KB，最大 {sizes[-1] / 1e3:.1f} KB")
    row("  最大的一条 / the largest", f"{sum(len(s['selected']) for s in big[1]['strata'])} 家抽中，"
        f"范围 {sum(s['count'] for s in big[1]['strata'])} 家")
    row("  每条平均抽中 / 范围", f"{sum(selected) / len(selected):,.0f} / {sum(population) / len(population):,.0f} 家")
    parts: dict[str, int] = {}
    for _, record in records:
        for key, value in record.items():
            parts[key] = parts.get(key, 0) + len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
    top = sorted(parts.items(), key=lambda item: -item[1])[:6]
    row("  平均每条各字段 / mean bytes per field", "，".join(f"{k} {v / len(records) / 1e3:.1f} KB" for k, v in top))
    cited = [(_cited(r.get("rested")), _cited(r.get("recent"))) for _, r in records]
    row("  平均每条 rested / recent 引用的记录", f"{sum(c[0] for c in cited) / len(cited):.0f} / {sum(c[1] for c in cited) / len(cited):.0f}"
        f" 条（最大 {max(c[0] for c in cited)} / {max(c[1] for c in cited)}）")
    late = records[-len(records) // 10:]
    row("  最后 10% 的记录平均 / mean of the last 10 %", f"{sum(size for size, _ in late) / len(late) / 1e3:.1f} KB")


def _cited(field) -> int:
    """How many records a ``rested`` or ``recent`` field cites (groups, for a record written before 2026-12-08)."""
    return len(field.get("records", [])) if isinstance(field, dict) else len(field or [])


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def gzip_sizes(folder: Path) -> tuple[int, int, int]:
    """(raw bytes, one tar.gz of the folder, sum of each file gzipped) — gzip level 6, as ``gzip`` by default."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    raw = sum(p.stat().st_size for p in files)
    each = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=folder.name)
    return raw, len(buffer.getvalue()), each


def git_size(root: Path) -> None:
    size = tree_bytes(root / ".git")
    counts = dict(line.split(": ", 1) for line in git(root, "count-objects", "-v").splitlines())
    raw, targz, each = gzip_sizes(root / "data" / "ledger")
    lists = len(list((root / "data" / "ledger" / "lists").glob("*.json")))
    commits = int(git(root, "rev-list", "--count", "HEAD").strip())
    row(".git（工具留下的状态 / as the tool left it）", f"{size / 1e6:.2f} MB；{commits} 个提交；松散对象 {counts['count']} 个"
        f"（{int(counts['size']) / 1024:.1f} MiB），包 {counts['packs']} 个（{int(counts['size-pack']) / 1024:.1f} MiB）")
    row("data/ledger（台账 + 名单文件）", f"{raw / 1e6:.2f} MB，名单文件 {lists} 个；gzip：整体 tar.gz {targz / 1e6:.2f} MB，"
        f"逐个文件 {each / 1e6:.2f} MB")
    row(".git / tar.gz(data/ledger)", f"{size / targz:.2f}（目标 ≤ 3）")
    row(".git / Σ gzip(每个文件)", f"{size / each:.2f}")
    entities = tree_bytes(root / "data" / "entities")
    row("（对照）名录库 data/entities 当前大小", f"{entities / 1e6:.2f} MB；.git 里还有它的全部历史版本")


def verify(root: Path, options: set[str], label: str, jobs: bool = False) -> Measured:
    argv = [*ssj_command(), "verify-ledger", *(["--full"] if "--full" in options else [])]
    if jobs and "--jobs" in options:
        argv += ["--jobs", "2"]
    result = measure(argv, root)
    if "核验通过" not in result.out:
        sys.stderr.write(result.out[-3000:])
        raise SystemExit("verify-ledger 没有报告核验通过")
    row(label, str(result))
    return result


def history_info(root: Path) -> dict:
    path = root.parent / f"{root.name}.history.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def next_slot(root: Path) -> tuple[str, str]:
    """(ssj's clock for one more draw, its section): one day after the last record of any ledger of ``root``,
    by the section whose last draw is the oldest (so that the plan's spacing rule is met)."""
    last: dict[str, str] = {}
    latest = ""
    for path in (root / "data" / "ledger").glob("*/*.jsonl"):
        for line in path.read_bytes().splitlines():
            record = json.loads(line)
            latest = max(latest, record["at"])
            if record.get("type") == "draw":
                last[record["section"]] = max(last.get(record["section"], ""), record["at"])
    section = min(last, key=lambda name: last[name])
    spacing = max([int(n) for plan in (root / "plans").glob("*.yaml")
                   for n in re.findall(r"min_interval_days: (\d+)", plan.read_text(encoding="utf-8"))] or [7])
    now = max(dt.datetime.fromisoformat(latest) + dt.timedelta(days=1),
              dt.datetime.fromisoformat(last[section]) + dt.timedelta(days=spacing + 1))
    return now.replace(microsecond=0).isoformat(), section


def one_more_draw(root: Path) -> Measured:
    now, section = next_slot(root)
    year = now[:4]
    if "approval:" not in (root / "plans" / f"{year}.yaml").read_text(encoding="utf-8"):
        measure([*frozen_ssj(), "--repo", str(root), "plan", "approve", "--year", year, "--meeting",
                 f"{year}年第1次局党委班子会议", "--approver", "韩立新"], root, now)
    return measure([*frozen_ssj(), "--repo", str(root), "draw", "--section", section, "--seed", "20261207",
                    "--seed-source", "基准测试", "--operator", "基准测试", "--json"], root, now)


def county(args: argparse.Namespace, options: set[str]) -> None:
    root = args.folder.resolve()
    header(f"县级五年历史 / county five years：{root}")
    info = history_info(root)
    if info:
        row("历史 / history", f"{info['companies']} 家，{len(info['sections'])} 个科室 × {info['draws_per_section']} 次，"
            f"名录库每 {info['registry_every']} 次抽取修改一次（共 {info['registry_changes']} 次），{info['start']} 至 {info['end'][:10]}")
    print(f"verify-ledger 选项 / options present: {sorted(options) or '无'}")
    record_sizes(root, "县级")
    git_size(root)
    verify(root, options, "verify-ledger --full（原仓库，.ssj 为生成后状态）")
    with tempfile.TemporaryDirectory(prefix="ssj-bench-county-", dir=args.tmp) as tmp:
        copy = clone(root, Path(tmp) / "county")
        verify(copy, options, "verify-ledger --full（新克隆，无 .ssj：冷）")
        verify(copy, options, "verify-ledger --full（同一克隆，第二次：热）")
        if "--jobs" in options:
            verify(copy, options, "verify-ledger --full --jobs 2（热）", jobs=True)
        drawn = one_more_draw(copy)
        row("再抽取一次 / one more ssj draw", f"{drawn}；之后后台 git 打包约 {settle(copy):.1f} s（不计入）")
        routine = measure([*ssj_command(), "verify-ledger"], copy)
        row("例行核验 / routine verify-ledger", f"{routine}{'' if '核验通过' in routine.out else '——未通过！'}")


def province(args: argparse.Namespace, options: set[str]) -> None:
    root = args.folder.resolve()
    header(f"省级历史 / province history：{root}")
    info = history_info(root)
    if info:
        row("历史 / history", f"{info['companies']} 家，{len(info['sections'])} 个科室 × {info['draws_per_section']} 次，"
            f"名录库每 {info['registry_every']} 次抽取修改一次（共 {info['registry_changes']} 次），{info['start']} 至 {info['end'][:10]}")
    print(f"verify-ledger 选项 / options present: {sorted(options) or '无'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="ssj-bench-province-", dir=args.tmp) as tmp:
        half = clone(root, Path(tmp) / "half", f"bench/after-{args.mark}")
        whole = clone(root, Path(tmp) / "whole", args.whole)
        record_sizes(whole, "省级")
        results = {}
        for name, copy in (("half", half), ("whole", whole)):
            draws = len(draw_records(copy))
            results[name, "cold"] = verify(copy, options, f"--full，{draws} 次抽取，冷（新克隆）")
            results[name, "warm"] = verify(copy, options, f"--full，{draws} 次抽取，热（第二次）")
        for kind in ("cold", "warm"):
            a, b = results["half", kind], results["whole", kind]
            row(f"加倍：时间之比（{kind}）/ doubling, time", f"{b.wall / a.wall:.2f}（CPU {b.cpu / a.cpu:.2f}；目标 ≤ ~2.2）")
            row(f"加倍：内存之比（{kind}）/ doubling, memory", f"{b.rss_mb / a.rss_mb:.2f}（目标 ≤ 1.2）")
        if "--jobs" in options:
            verify(whole, options, "--full --jobs 2（热）", jobs=True)
        if args.publish:
            publish(whole)
        drawn = one_more_draw(whole)
        row("再抽取一次 / one more ssj draw（克隆，缓存已热）", f"{drawn}；之后后台 git 打包约 {settle(whole):.1f} s（不计入）")
        routine = measure([*ssj_command(), "verify-ledger"], whole)
        ok = "核验通过" in routine.out
        row("例行核验 / routine verify-ledger", f"{routine}（目标 ≤ 5 s）{'' if ok else '——未通过！'}")
        last = [line for line in routine.out.splitlines() if line.strip()][-1:]
        print("    " + "".join(last))


def publish(root: Path) -> None:
    now, _ = next_slot(root)
    out = root.parent / "bundle"
    year = now[:4]
    if "approval:" not in (root / "plans" / f"{year}.yaml").read_text(encoding="utf-8"):
        measure([*frozen_ssj(), "--repo", str(root), "plan", "approve", "--year", year, "--meeting",
                 f"{year}年第1次局党委班子会议", "--approver", "韩立新"], root, now)
    draws = len(draw_records(root))
    made = measure([*frozen_ssj(), "--repo", str(root), "publish", "--out", str(out), "--operator", "基准测试",
                    "--allow-empty"], root, now)  # the history has draws, no finished reports
    row(f"ssj publish（{draws} 次抽取）", f"{made}（目标 ≤ 120 s，≤ 1.5 GB）")
    row("  公示包大小 / bundle size", f"{tree_bytes(out) / 1e6:.1f} MB")
    checked = measure([sys.executable, str(out / "verify.py"), str(out)], out)
    ok = "核验通过" in checked.out
    row("python verify.py（公示包）", f"{checked}（目标 ≤ 120 s，≤ 1.5 GB）{'' if ok else '——未通过！'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("case", choices=("county", "province"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--mark", type=int, default=34, help="省级：半段历史的分支 bench/after-N")
    parser.add_argument("--whole", default="main", help="省级：整段历史的分支（默认 main）")
    parser.add_argument("--publish", action="store_true", help="省级：另测 ssj publish 和 verify.py（整段历史）")
    parser.add_argument("--tmp", type=Path, default=Path(os.environ.get("SSJ_BENCH_TMP", "/work/bench-data")),
                        help="克隆放在这里（默认 /work/bench-data）")
    args = parser.parse_args(argv)
    args.tmp.mkdir(parents=True, exist_ok=True)
    options = verify_options()
    (county if args.case == "county" else province)(args, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
