"""Shared helpers of the benchmarks: timing, running ssj, copies of the generated bureau. Not timed themselves."""

from __future__ import annotations

import contextlib
import cProfile
import io
import os
import platform
import pstats
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # Windows: CPU time of children is not available, wall time still is
    resource = None  # type: ignore[assignment]

REPO = Path(__file__).resolve().parent.parent
PROVINCE = REPO / "benchmarks" / "out" / "province"
BUREAU_FILES = ("data", "plans")


def ssj_command() -> list[str]:
    """How a user runs ssj: the console script beside this interpreter, else ``python -m shuangsuiji``."""
    script = Path(sys.executable).with_name("ssj")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shuangsuiji"]


def environment() -> dict[str, str]:
    """The environment for ssj subprocesses: output piped (no progress bar), UTF-8, no system-wide git config."""
    env = dict(os.environ)
    env.pop("SSJ_REPO", None)
    env["PYTHONIOENCODING"] = "utf-8"
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


def settle(root: Path) -> float:
    """Wait for the repack an ssj subprocess detached after its commit (shuangsuiji.git._keep_small), so that it
    does not overlap the next measurement; the seconds waited."""
    from filelock import FileLock

    t0 = time.perf_counter()
    time.sleep(0.5)  # the detached child takes its lock within a few tenths of a second
    with FileLock(str(root / ".git" / "ssj-repack.lck"), timeout=600):
        pass
    return time.perf_counter() - t0


def run(argv: Sequence[str], cwd: Path, check: bool = True) -> tuple[float, float, subprocess.CompletedProcess[bytes]]:
    """Wall time and CPU time (user + system) of one fresh subprocess, and its result (output captured).

    The CPU time is what the child itself used: on a shared machine it moves far less than the wall time.
    """
    before = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(list(argv), cwd=cwd, capture_output=True, env=environment())
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - before
    if check and result.returncode != 0:
        sys.stderr.write(result.stdout.decode("utf-8", "replace")[-3000:])
        sys.stderr.write(result.stderr.decode("utf-8", "replace")[-3000:])
        raise SystemExit(f"命令失败（退出码 {result.returncode}）：{' '.join(argv)}")
    return elapsed, cpu, result


def _children_cpu() -> float:
    if resource is None:
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of one call, and its result."""
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def timed_cpu(function: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall time and CPU time of this process for one call, and its result."""
    started, cpu = time.perf_counter(), time.process_time()
    value = function()
    return time.perf_counter() - started, time.process_time() - cpu, value


def best_of(repeat: int, function: Callable[[], Any]) -> float:
    """The smallest wall time of ``repeat`` calls (the least disturbed by the rest of the machine)."""
    return min(timed(function)[0] for _ in range(repeat))


def load_average() -> str:
    try:
        return "、".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def ensure_province(folder: Path) -> Path:
    """The generated province-scale bureau, made with make_registry.py when it is not there yet."""
    if not (folder / "data" / "bureau.yaml").is_file():
        print(f"（{folder} 不存在，先运行 make_registry.py 生成）", flush=True)
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "make_registry.py"), str(folder)], check=True)
    return folder


def _section_ledgers_and_locks(folder: str, names: list[str]) -> set[str]:
    """Leave out the sections' ledgers (each draw starts afresh) but keep the bureau ledger (the plan and 清单
    approvals) and the list files (format 2: data/ledger/<section>/<year>.jsonl, data/ledger/bureau/, lists/)."""
    ledger = Path(folder).name == "ledger" and Path(folder).parent.name == "data"
    return {n for n in names if n.endswith(".lock") or (n.endswith(".jsonl") and not ledger and Path(folder).name != "bureau")
            or (ledger and n not in ("bureau", "lists") and (Path(folder) / n).is_dir())}


def copy_bureau(source: Path, target: Path, with_state: bool = False) -> Path:
    """A fresh copy of a bureau's data/ and plans/ (and its .ssj/ cache when asked), outside any git repository."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in BUREAU_FILES + ((".ssj",) if with_state else ()):
        if (source / name).exists():
            shutil.copytree(source / name, target / name, ignore=_section_ledgers_and_locks)
    return target


def header(title: str) -> None:
    print(f"== {title} ==")
    print(f"机器 / machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}，负载 / load average {load_average()}", flush=True)


def row(label: str, value: str) -> None:
    print(f"  {label:<46} {value}", flush=True)


def verdict(value: float, target: float) -> str:
    return f"{value:.3f}（目标 ≤ {target}，{'达到' if value <= target else '未达到'} / {'met' if value <= target else 'MISSED'}）"


def profile(function: Callable[[], Any], out: Path, top: int = 25, quiet: bool = False) -> Any:
    """Run ``function`` under cProfile (its stdout swallowed when ``quiet``), save the stats to ``out`` and
    print the hottest functions."""
    profiler = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext():
        profiler.enable()
        try:
            value = function()
        finally:
            profiler.disable()
    out.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(out))
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats(r"shuangsuiji|rich|pydantic|ruamel|pickle|yaml", top)
    stats.sort_stats("tottime").print_stats(top)
    print(f"（完整剖析已存 / full profile saved: {out}；查看：python -m pstats {out}）")
    return value
