#!/usr/bin/env python3
"""基准：省级规模数据上的 ssj check，以及 ssj --help 的启动时间。
Benchmark: ``ssj check`` on the province-scale bureau, and the start-up time of ``ssj --help``.

    python benchmarks/bench_check.py [FOLDER] [--profile]

Each ``ssj`` run is a fresh subprocess, as a user runs it (interpreter start-up and imports included), with its
output piped. Printed, each against a baseline measured in this same run:

* first run (no ``.ssj/cache``) / PyYAML's C loader alone parsing the same YAML files (target ≤ 1.5);
* second run on unchanged files / first run (target ≤ 0.25);
* ``ssj --help`` wall time, best of 5 (target ≤ 0.3 s), beside ``python -c pass`` (the interpreter alone).

``--profile`` also runs the cold load in-process under cProfile and prints where the time goes.
No timing is asserted; only a failing ``ssj check`` stops the script.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    PROVINCE, REPO, best_of, copy_bureau, ensure_province, header, profile, row, run, ssj_command, timed, verdict,
)


def yaml_files(root: Path) -> list[Path]:
    """Every YAML file ``ssj check`` reads."""
    found = sorted((root / "data").glob("*.yaml"))
    for folder in ("data/entities", "data/reports", "plans"):
        found += sorted((root / folder).rglob("*.yaml"))
    return found


def pyyaml_alone(files: list[Path]) -> tuple[float, int]:
    """Read and parse every file with PyYAML's libyaml-backed safe loader; (seconds, companies seen)."""
    started = time.perf_counter()
    companies = 0
    for path in files:
        document = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        if isinstance(document, dict) and isinstance(document.get("entities"), list):
            companies += len(document["entities"])
    return time.perf_counter() - started, companies


def check_once(root: Path) -> tuple[float, str]:
    elapsed, result = run([*ssj_command(), "check"], cwd=root)
    last = result.stdout.decode("utf-8", "replace").strip().splitlines()[-1]
    return elapsed, last


def profile_cold_load(root: Path, out: Path) -> None:
    """The cold load and the cross-checks, in-process, under cProfile."""
    from shuangsuiji.checks import check_dataset
    from shuangsuiji.workspace import Workspace

    shutil.rmtree(root / ".ssj", ignore_errors=True)
    ws = Workspace(root)

    def cold() -> None:
        data = ws.load()
        check_dataset(data, ws.today(data))

    print("\n-- cProfile：冷启动读取 + 交叉检查（进程内）/ cold load + cross-checks, in-process --")
    profile(cold, out)
    print("\n-- cProfile：缓存命中时的读取 + 交叉检查 / warm load + cross-checks --")
    profile(cold, out.with_name(out.stem + "-warm.pstats"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=PROVINCE, help="make_registry.py 生成的数据仓库")
    parser.add_argument("--profile", action="store_true", help="另外在进程内用 cProfile 剖析冷启动读取")
    args = parser.parse_args(argv)
    source = ensure_province(args.folder)
    header("ssj check（省级规模 / province scale）")

    with tempfile.TemporaryDirectory(prefix="ssj-bench-check-") as tmp:
        root = copy_bureau(source, Path(tmp) / "bureau")  # no .ssj: the first run is cold
        files = yaml_files(root)
        size = sum(p.stat().st_size for p in files)
        row("YAML 文件 / files", f"{len(files)} 个，{size / 1e6:.1f} MB")

        first, summary = check_once(root)
        row("ssj check 首次（无缓存）/ first run, cold", f"{first:.2f} s")
        row("  输出 / last line", summary)
        baseline, companies = pyyaml_alone(files)
        row("PyYAML CSafeLoader 单独解析 / alone", f"{baseline:.2f} s（{companies} 个监管对象）")
        second, _ = check_once(root)
        row("ssj check 再次（文件未变）/ second run", f"{second:.2f} s")
        cache = sum(p.stat().st_size for p in (root / ".ssj").rglob("*") if p.is_file())
        row("  .ssj/cache 大小 / size", f"{cache / 1e6:.1f} MB")

        help_time = best_of(5, lambda: run([*ssj_command(), "--help"], cwd=root))
        bare_python = best_of(5, lambda: run([sys.executable, "-c", "pass"], cwd=root))
        row("ssj --help（5 次取最快）/ best of 5", f"{help_time:.3f} s")
        row("python -c pass（解释器本身）/ interpreter", f"{bare_python:.3f} s")
        # The --help figure is an absolute target; the interpreter is its floor.

        print("比值 / ratios")
        row("首次 / PyYAML   first / PyYAML", verdict(first / baseline, 1.5))
        row("再次 / 首次     second / first", verdict(second / first, 0.25))
        row("ssj --help 秒   seconds", verdict(help_time, 0.3))

        if args.profile:
            profile_cold_load(root, REPO / "benchmarks" / "out" / "profile-check.pstats")
            # Also how long the in-process load takes without the profiler, for comparison.
            shutil.rmtree(root / ".ssj", ignore_errors=True)
            from shuangsuiji.workspace import Workspace

            ws = Workspace(root)
            row("进程内冷读取（无剖析器）/ in-process cold load", f"{timed(ws.load)[0]:.2f} s")
            row("进程内热读取（无剖析器）/ in-process warm load", f"{timed(ws.load)[0]:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
