"""“双随机、一公开”抽查台账核验程序（verify.py）

这个文件是一个独立的核验程序：只用 Python 标准库（Python 3.8 或更新版本），不依赖 ssj 本身。
任何人都可以用它核对应急管理局公开的抽查台账和公开材料有没有被改动过，并把每一次随机抽取
从记录本身重新算一遍，看结果是否与记录一致。

怎么运行
--------
在公开材料所在的文件夹里运行（不写文件夹时，核验本文件所在的文件夹）::

    python verify.py            # 核验本文件所在的文件夹
    python verify.py 文件夹路径   # 核验指定的文件夹
    python verify.py --json     # 输出机器可读的 JSON 摘要
    python verify.py --digest 清单摘要   # 同时核对应急管理局另行公布的清单摘要（manifest.json 的 SHA-256）

全部核验通过时退出码为 0，发现任何问题时为 1。每个问题都会写明文件和行号，例如
``ledger/ergu.jsonl:3: hash 不符（记录被改动过）``。

它核对什么
----------
1. 文件清单（manifest.json，如果有）：清单中每个文件的 SHA-256 是否相符；有没有文件缺失；
   有没有清单之外多出来的文件（只有 manifest.json 本身除外；公示包的压缩包放在文件夹旁边，不在文件夹里，
   文件夹里多出的 .zip 文件同样算作问题）。公示包（有 results.json 的文件夹）必须有 manifest.json，否则算作问题。
2. 每个台账文件（文件夹里所有 *.jsonl，逐个按路径排序）：
   - 每一行都以换行符结尾（最后一行没有换行符 = 写入被中断的“残行”）；
   - 每一行都是该记录的 RFC 8785（JCS）规范形式，且不含浮点数、重复键；
   - 哈希链：``seq`` 依次为 0、1、2……；``prev`` 等于上一行的 ``hash``（第一行为 64 个 0）；
     ``hash`` 等于去掉 ``hash`` 字段后记录的 SHA-256。删除、插入、调换或改动任何一行都会被发现；
   - 每次抽取（draw）从记录本身完整重算：各层应抽数量 k = ⌈比例 × 总数⌉（精确计算，至少 1）、
     每家企业的“票号”、被抽中的企业及顺序、检查人员排序、检查组、后备人员，以及考虑利害冲突后
     每家企业分给哪个检查组（检查组编号与记录一样从 0 起算）；
   - 公平性等级：“事先公告”（announced）的抽取必须与更早的公告记录参数一致、名单摘要一致，
     且一份公告只能用一次；
   - 作废（void）必须指向本文件中更早的一次抽取，且每次抽取最多作废一次；
   - 回避换人（recusal，第十七条）：替补人员从记录本身重算，回避的人员必须在该企业当时的检查组里；
   - 其他记录（公告 announce、定向检查 targeted、计划批准 plan_approval、公开 publish）字段齐全。
     这些记录另有一些可选字段，本程序不要求也不核对：各类记录的 ``commit``（所依据的 git 提交）、
     公告的 ``seed_rule``（公布号码怎样变成种子）和 ``conflicts_digest``（利害关系申报的摘要，
     只能用当时的数据文件核对）、公开记录的 ``published``（每项公开结果的 {draw, entity}）。
3. 检查结果（results.json，如果有）：每一项公示结果都对应台账中一次未作废抽取的抽中单位，
   列出的检查人员都是该单位（回避替换后）的检查组成员。

抽取算法（公开约定，即 ssj 项目的 docs/ledger-format.md）
------------------------------------------------------
1. ``d = SHA-256(种子)`` 的十六进制；一个编号 id 的票号是
   ``"0." + 倒序(十进制(SHA-256(d + id)) 左侧补零到至少 64 位)``，与 consistent_sampler 程序包的
   ``first_fraction(id, seed)`` 完全相同。票号按字符串比较，小者优先，相同时按编号比较。
2. 每一层抽 k = ⌈比例 × 该层企业数⌉ 家（企业数至少 1 时 k 至少为 1），即票号最小的 k 家。
3. 各层抽中的企业合在一起按（票号，编号）排序，这就是分配检查组的顺序。
4. 检查人员按种子 ``种子 + "|inspectors"`` 下的票号排序；组数 T = min(抽中企业数, ⌊人数 / 每组人数⌋)；
   依次每 t 人一组，余下的人按顺序作为后备人员。
5. 第 i 家企业（从 0 起）分给第 i mod T 组；若该组有人与它有登记的利害冲突，就依次试下一组。
6. 回避换人：该企业当前的检查组（依次套用此前对同一抽取、同一企业的回避记录）之外、
   未曾为该企业回避过、与该企业没有登记利害冲突的第一位后备人员，就是替补人员。

本程序不核对的内容
------------------
只有应急管理局的 git 仓库里才能核对的规则，由 ``ssj verify-ledger`` 在仓库中核对（见 docs/ledger-format.md
“What ssj verify-ledger checks”）：台账的 git 历史只增不改（包括已推送的版本、被 reset 掉的提交和被删除的
台账文件）；每次抽取的输入文件与所依据提交中的文件一致、名单与当时的数据一致；抽取所依据的计划在抽取前
已经审批并记入 bureau.jsonl（第七条）、抽取日期在计划事项的实施时间内（第十二条）、不超过频次（第十六条）。

在 Windows 上可以用 ``py verify.py`` 运行。

This is an independent verifier of the ssj ledger (docs/ledger-format.md), standard library only.
Run ``python verify.py [FOLDER] [--json]``; exit status 0 means everything holds, 1 that something does
not, 2 a usage error. As a module it offers canonical(), record_hash(), digest(), first_fraction(),
sample_size(), read_ledger(), check_records(), check_ledger(), verify_manifest(), verify_folder(), main().
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys

from shuangsuiji.core.manifest import MANIFEST, files_under, verify_manifest
from shuangsuiji.core.records import check_ledger
from shuangsuiji.core.recusal import apply_recusals, team_index
from shuangsuiji.core.text import show, show_ids
from shuangsuiji.core.words import FAIRNESS_LEGEND, FAIRNESS_LEVELS, FAIRNESS_SHORT, RECORD_TYPES

RESULTS = "results.json"
MISSING_MANIFEST = "缺少文件清单：这是一个公示包（有 results.json），没有 manifest.json 就无法核对各文件是否被改动过"


def _team_now(draw: dict, entity: str, records: list) -> list:
    """The team checking ``entity`` after every recusal recorded for it (in file order)."""
    index = team_index(draw, entity)
    teams = draw.get("inspectors", {}).get("teams", [])
    if not isinstance(index, int) or not 0 <= index < len(teams):
        return []
    recusals = [r for r in records if r.get("type") == "recusal" and r.get("draw") == draw.get("hash")]
    return apply_recusals(teams[index], entity, recusals)


def check_results(path, records: list) -> list:
    """Every published result belongs to a drawn, non-voided company and names only its team's inspectors."""
    try:
        with open(path, "rb") as handle:
            results = json.loads(handle.read().decode("utf-8-sig")).get("results", [])
    except (OSError, ValueError, AttributeError) as error:
        return [f"无法读取检查结果（{error}）"]
    draws = {r.get("hash"): r for r in records if r.get("type") == "draw"}
    voided = {r.get("draw") for r in records if r.get("type") == "void"}
    problems = []
    for number, result in enumerate(results if isinstance(results, list) else [], 1):
        if not isinstance(result, dict):
            problems.append(f"第 {number} 项结果格式不对")
            continue
        draw = draws.get(result.get("draw_hash"))
        entity = result.get("entity_id")
        if draw is None:
            problems.append(f"第 {number} 项结果（{show(entity)}）所依据的抽取不在公示的台账中")
            continue
        if draw.get("hash") in voided:
            problems.append(f"第 {number} 项结果（{show(entity)}）所依据的抽取已作废")
        team = _team_now(draw, str(entity), records)
        if not team:
            problems.append(f"第 {number} 项结果的单位 {show(entity)} 不在所依据的抽取结果中")
            continue
        outsiders = [p.get("id") for p in result.get("inspectors", []) if isinstance(p, dict) and p.get("id") not in team]
        if outsiders:
            problems.append(f"第 {number} 项结果的检查人员 {show_ids(outsiders)} 不是抽中的检查组成员（检查组：{show_ids(team)}）")
    return problems


def verify_folder(folder) -> dict:
    """Verify a folder (manifest, if any, and every ``*.jsonl`` below it); returns a summary dict."""
    folder = os.fspath(folder)
    report: dict = {"folder": os.path.abspath(folder), "manifest": None, "ledgers": [], "problems": []}
    if os.path.isfile(os.path.join(folder, MANIFEST)):
        manifest_problems = verify_manifest(folder)
        try:
            with open(os.path.join(folder, MANIFEST), "rb") as handle:
                listed = json.loads(handle.read().decode("utf-8-sig")).get("files", {})
            count = len(listed) if isinstance(listed, dict) else 0
        except (OSError, ValueError, AttributeError):
            count = 0
        report["manifest"] = {
            "files": count,
            "problems": [{"path": path, "message": message} for path, message in manifest_problems],
        }
        report["problems"].extend({"path": path, "line": None, "message": m} for path, m in manifest_problems)
    ledgers = sorted(
        path for path in files_under(folder, skip_hidden=True).items() if path[0].endswith(".jsonl")
    )
    all_records: list = []
    for relative, real in ledgers:
        try:
            records, problems = check_ledger(real)
        except OSError as error:
            records, problems = [], [(0, f"无法读取（{error}）")]
        present = [record for record in records if record is not None]
        all_records.extend(present)
        counts = {kind: 0 for kind in RECORD_TYPES}
        fairness = {level: 0 for level in FAIRNESS_LEVELS}
        for record in present:
            if record.get("type") in counts:
                counts[record["type"]] += 1
            if record.get("type") == "draw" and record.get("fairness") in fairness:
                fairness[record["fairness"]] += 1
        entry = {
            "path": relative,
            "records": len(present),
            "draws": counts["draw"],
            "voids": counts["void"],
            "recusals": counts["recusal"],
            "announcements": counts["announce"],
            "fairness": fairness,
            "problems": [{"line": line, "message": message} for line, message in problems],
        }
        report["ledgers"].append(entry)
        report["problems"].extend({"path": relative, "line": line, "message": m} for line, m in problems)
    results_path = os.path.join(folder, RESULTS)
    if os.path.isfile(results_path) and report["manifest"] is None:
        # a disclosure bundle (it has results.json) without its file list could have been changed at will
        report["problems"].append({"path": MANIFEST, "line": None, "message": MISSING_MANIFEST})
    if os.path.isfile(results_path):
        result_problems = check_results(results_path, all_records)
        report["results"] = {"problems": result_problems}
        report["problems"].extend({"path": RESULTS, "line": None, "message": m} for m in result_problems)
    if not ledgers and report["manifest"] is None:
        report["problems"].append({"path": ".", "line": None, "message": "这个文件夹里既没有 manifest.json，也没有台账文件（*.jsonl）"})
    report["ok"] = not report["problems"]
    return report


def _summary_line(entry: dict) -> str:
    head = f"{entry['path']}：{entry['records']} 条记录"
    draws = entry["draws"]
    count = len(entry["problems"])
    if count:
        return head + (f"，{draws} 次抽取；发现 {count} 个问题" if draws else f"；发现 {count} 个问题")
    if not draws:
        return head + "，哈希链完整"
    details = "、".join(f"{FAIRNESS_SHORT[level]} {n} 次" for level, n in entry["fairness"].items() if n)
    if entry["voids"]:
        details += f"；其中作废 {entry['voids']} 次"
    if entry["recusals"]:
        details += f"；回避换人 {entry['recusals']} 次，替补人员复核一致"
    return head + f"，{draws} 次抽取全部复核一致（{details}）"




def _print_report(report: dict) -> None:
    print(f"核验文件夹：{report['folder']}")
    manifest = report["manifest"]
    if manifest is None:
        missing = [p for p in report["problems"] if p["path"] == MANIFEST]
        print(f"{MANIFEST}: {MISSING_MANIFEST}" if missing else "（没有 manifest.json，跳过文件清单核验）")
    elif manifest["problems"]:
        print(f"manifest.json：清单列出 {manifest['files']} 个文件；发现 {len(manifest['problems'])} 个问题")
        for problem in manifest["problems"]:
            print(f"{problem['path']}: {problem['message']}")
    else:
        print(f"manifest.json：清单中 {manifest['files']} 个文件的 SHA-256 全部相符，没有多出或缺少的文件")
    for entry in report["ledgers"]:
        print(_summary_line(entry))
        for problem in entry["problems"]:
            if problem["line"]:
                print(f"{entry['path']}:{problem['line']}: {problem['message']}")
            else:
                print(f"{entry['path']}: {problem['message']}")
    digest = report.get("digest")
    if digest is not None:
        if digest["ok"]:
            print(f"清单摘要：manifest.json 的 SHA-256 与公布的 {digest['expected']} 一致")
        else:
            print(f"{MANIFEST}: {report['problems'][-1]['message']}")
    results = report.get("results")
    if results is not None:
        if results["problems"]:
            for message in results["problems"]:
                print(f"{RESULTS}: {message}")
        else:
            print(f"{RESULTS}：每一项公示结果都对应台账中一次有效抽取的抽中单位，检查人员均为该单位的检查组成员")
    if not report["ledgers"] and manifest is None:
        print(report["problems"][0]["message"])
    draws = sum(entry["draws"] for entry in report["ledgers"])
    if draws:
        print(FAIRNESS_LEGEND)
    if report["ok"]:
        print(f"核验通过：{len(report['ledgers'])} 个台账文件的哈希链完整，{draws} 次抽取全部从记录本身重新算出、结果一致。")
    else:
        print(f"核验未通过：共发现 {len(report['problems'])} 个问题（见上）。")


def _check_digest(report: dict, folder: str, expected: str) -> None:
    """Compare manifest.json with the digest the bureau published elsewhere (its notice board, the platform)."""
    try:
        with open(os.path.join(folder, MANIFEST), "rb") as handle:
            actual = hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        actual = None
    report["digest"] = {"expected": expected, "actual": actual, "ok": actual == expected}
    if actual != expected:
        report["problems"].append({"path": MANIFEST, "line": None,
                                   "message": f"manifest.json 的 SHA-256 为 {actual}，与公布的清单摘要 {expected} 不符：公示包被替换或改动过"})
        report["ok"] = False


def main(argv=None) -> int:
    """``python verify.py [FOLDER] [--json]``: exit status 0 only when everything holds."""
    parser = argparse.ArgumentParser(
        prog="verify.py",
        description="核验“双随机、一公开”抽查台账与公开材料：文件清单、哈希链，并重新计算每一次随机抽取。",
    )
    parser.add_argument(
        "folder", nargs="?", default=os.path.dirname(os.path.abspath(__file__)),
        help="要核验的文件夹（默认：本文件所在的文件夹）",
    )
    parser.add_argument("--json", action="store_true", help="输出机器可读的 JSON 摘要")
    parser.add_argument(
        "--digest", metavar="SHA256",
        help="应急管理局公布的清单摘要（manifest.json 的 SHA-256）：核对公示包没有被整体替换过",
    )
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    if not os.path.isdir(args.folder):
        print(f"找不到文件夹：{args.folder}", file=sys.stderr)
        return 2
    report = verify_folder(args.folder)
    if args.digest is not None:
        _check_digest(report, args.folder, args.digest.strip().lower())
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
