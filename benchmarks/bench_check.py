#!/usr/bin/env python3
"""基准：省级规模数据上的 ssj check，以及 ssj --help 的启动时间。
Benchmark: ``ssj check`` on the province-scale bureau, and the start-up time of ``ssj --help``.

    python benchmarks/bench_check.py [FOLDER] [--repeat 2] [--profile]

Each ``ssj`` run is a fresh subprocess, as a user runs it (interpreter start-up and imports included), with its
output piped. Cold runs and the baseline alternate ``--repeat`` times and the fastest of each counts (the
machine is shared). Wall and CPU times are printed; the verdicts use wall time. Printed, each against a
baseline measured in this same run:

* first run (no ``.ssj/cache``) / PyYAML's C loader alone parsing the same YAML files (target ≤ 1.5);
* second run on unchanged files / first run (target ≤ 0.25);
* ``ssj --help`` wall time, best of 5 (target ≤ 0.3 s), beside ``python -c pass`` (the interpreter alone).

``--profile`` also times the cold path's stages in-process (no profiler), then runs the cold and the warm load
under cProfile and prints the hottest functions.
No timing is asserted; only a failing ``ssj check`` stops the script.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

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
    ssj_command,
    timed_cpu,
    verdict,
)


def yaml_files(root: Path) -> list[Path]:
    """Every YAML file ``ssj check`` reads."""
    found = sorted((root / "data").glob("*.yaml"))
    for folder in ("data/entities", "data/reports", "plans"):
        found += sorted((root / folder).rglob("*.yaml"))
    return found


def pyyaml_alone(files: list[Path]) -> tuple[float, float, int]:
    """Read and parse every file with PyYAML's libyaml-backed safe loader; (wall s, CPU s, companies seen)."""
    def parse() -> int:
        companies = 0
        for path in files:
            document = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            if isinstance(document, dict) and isinstance(document.get("entities"), list):
                companies += len(document["entities"])
        return companies

    return timed_cpu(parse)


def check_once(root: Path, cold: bool) -> tuple[float, float, str]:
    if cold:
        shutil.rmtree(root / ".ssj", ignore_errors=True)
    elapsed, cpu, result = run([*ssj_command(), "check"], cwd=root)
    last = result.stdout.decode("utf-8", "replace").strip().splitlines()[-1]
    return elapsed, cpu, last


def stages(root: Path) -> None:
    """The cold path's stages timed without a profiler, through the package's own functions (internal APIs:
    skipped when they change). cProfile inflates paths made of millions of tiny calls (ruamel's resolver),
    so these are the figures to compare."""
    try:
        import pickle

        from shuangsuiji.audit.check import check_all
        from shuangsuiji.registry import yamlio
        from shuangsuiji.registry.models import EntitiesFile
        from shuangsuiji.registry.models.directories import check_uscc
        from shuangsuiji.workspace import Workspace

        entity_files = sorted((root / "data" / "entities").glob("*.yaml"))
        raws = [p.read_bytes() for p in entity_files]
        w_parse, c_parse, contents = timed_cpu(lambda: [yamlio.load(p.name, r) for p, r in zip(entity_files, raws, strict=True)])
        w_py, c_py, _ = timed_cpu(lambda: [yaml.load(r, Loader=yaml.CSafeLoader) for r in raws])
        w_valid, c_valid, models = timed_cpu(lambda: [EntitiesFile.model_validate(c) for c in contents])
        ids = [e.id for m in models for e in m.entities]
        w_uscc, c_uscc, _ = timed_cpu(lambda: [check_uscc(i) for i in ids])
        w_dump, c_dump, blobs = timed_cpu(lambda: [pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL) for m in models])
        w_load, c_load, _ = timed_cpu(lambda: [pickle.loads(b) for b in blobs])
        ws = Workspace(root)
        data = load_bureau(ws)  # warm (the runs above filled the cache)
        w_check, c_check, _ = timed_cpu(lambda: check_all(ws, data, data.today()))
    except Exception as exc:  # noqa: BLE001 - internal APIs under concurrent change: report, do not fail
        print(f"  （分阶段计时跳过：{type(exc).__name__}: {exc}）")
        return
    print(f"分阶段（进程内，无剖析器；仅 data/entities 的 {len(ids)} 家）/ stages, in-process, no profiler")
    for label, wall, cpu in (
        ("yamlio.load（ruamel safe + C 解析器）", w_parse, c_parse),
        ("  对照 PyYAML CSafeLoader（同样文件）", w_py, c_py),
        ("EntitiesFile.model_validate（pydantic）", w_valid, c_valid),
        ("  其中 models.registry.check_uscc ×N", w_uscc, c_uscc),
        ("pickle.dumps（写缓存前的序列化）", w_dump, c_dump),
        ("pickle.loads（热缓存读取）", w_load, c_load),
        ("audit.check.check_all", w_check, c_check),
    ):
        row(f"  {label}", f"{wall:.2f} s（CPU {cpu:.2f} s）")


def profile_cold_load(root: Path, out: Path) -> None:
    """The cold load and the cross-checks, in-process, under cProfile."""
    from shuangsuiji.audit.check import check_all
    from shuangsuiji.workspace import Workspace

    shutil.rmtree(root / ".ssj", ignore_errors=True)
    ws = Workspace(root)

    def cold() -> None:
        data = load_bureau(ws)
        check_all(ws, data, data.today())

    print("\n-- cProfile：冷启动读取 + 交叉检查（进程内）/ cold load + cross-checks, in-process --")
    profile(cold, out)
    print("\n-- cProfile：缓存命中时的读取 + 交叉检查 / warm load + cross-checks --")
    profile(cold, out.with_name(out.stem + "-warm.pstats"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=PROVINCE, help="make_registry.py 生成的数据仓库")
    parser.add_argument("--repeat", type=int, default=2, help="冷运行与 PyYAML 基线各交替运行几次，取最快（默认 2）")
    parser.add_argument("--profile", action="store_true", help="另外在进程内用 cProfile 剖析冷启动读取")
    args = parser.parse_args(argv)
    source = ensure_province(args.folder)
    header(f"ssj check（{source}）")

    with tempfile.TemporaryDirectory(prefix="ssj-bench-check-") as tmp:
        root = copy_bureau(source, Path(tmp) / "bureau")
        files = yaml_files(root)
        size = sum(p.stat().st_size for p in files)
        row("YAML 文件 / files", f"{len(files)} 个，{size / 1e6:.1f} MB")

        # Cold runs and the PyYAML baseline alternate, so that both see the same machine; best of each.
        cold, base = [], []
        for _ in range(max(1, args.repeat)):
            cold.append(check_once(root, cold=True))  # .ssj removed first: no cache at all
            base.append(pyyaml_alone(files))
        warm = [check_once(root, cold=False) for _ in range(max(1, args.repeat))]
        first, first_cpu, summary = min(cold)
        baseline, baseline_cpu, companies = min(base)
        second, second_cpu, _ = min(warm)
        row("ssj check 首次（无缓存）/ first run, cold", f"{first:.2f} s（CPU {first_cpu:.2f} s）")
        row("  输出 / last line", summary)
        row("PyYAML CSafeLoader 单独解析 / alone", f"{baseline:.2f} s（CPU {baseline_cpu:.2f} s；{companies} 个监管对象）")
        row("ssj check 再次（文件未变）/ second run", f"{second:.2f} s（CPU {second_cpu:.2f} s）")
        cache = sum(p.stat().st_size for p in (root / ".ssj").rglob("*") if p.is_file())
        row("  .ssj/cache 大小 / size", f"{cache / 1e6:.1f} MB")

        help_time = best_of(5, lambda: run([*ssj_command(), "--help"], cwd=root))
        bare_python = best_of(5, lambda: run([sys.executable, "-c", "pass"], cwd=root))
        row("ssj --help（5 次取最快）/ best of 5", f"{help_time:.3f} s")
        row("python -c pass（解释器本身）/ interpreter", f"{bare_python:.3f} s")

        print(f"比值（墙钟时间，各取 {max(1, args.repeat)} 次中最快）/ ratios of wall times, best of each")
        row("首次 / PyYAML   first / PyYAML", verdict(first / baseline, 1.5))
        row("再次 / 首次     second / first", verdict(second / first, 0.25))
        row("ssj --help 秒   seconds", verdict(help_time, 0.3))
        row("（CPU 时间之比 / same ratios in CPU time）",
            f"首次/PyYAML {first_cpu / baseline_cpu:.3f}，再次/首次 {second_cpu / first_cpu:.3f}")

        if args.profile:
            stages(root)
            profile_cold_load(root, REPO / "benchmarks" / "out" / "profile-check.pstats")
    return 0


if __name__ == "__main__":
    sys.exit(main())
