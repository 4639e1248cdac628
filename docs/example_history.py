"""示例历史：用 ssj 本身重新做出示例单位“汝州市应急管理局”的一小段真实台账历史（格式 2）。

    .venv/bin/python docs/example_history.py [--repo 数据仓库目录] [--verbose]

What. The repository ships a fictional bureau with a short history made with the tool (the story is told
in docs/example-history.md): plan approvals and a re-approval, draws of all four fairness levels, a recusal
that uses the reserve and one that borrows an inspector of the 执法大队, a draw voided and made again, a
targeted check, a later draw in which the rest rule (第十六条) leaves companies out, three inspection reports
(evidence, a central review) and one publication. This script is the only way that history is made. It
refuses unless the git work tree is clean and the ledger still in format 1; removes the old ledger, reports
and evidence with ``git rm`` in one commit (the old reports' texts and the evidence photo are kept in memory
first: they are reused); then runs every step with ssj, as a clerk would type it, and ends with
``ssj check``, ``ssj verify-ledger``, ``ssj log``, ``ssj plan status`` and the bundle's own ``verify.py``.
``--repo`` defaults to the repository the script lives in.

Why in-process, with ssj's clock patched. The story happens on 2026-11-30 … 2026-12-04 and ssj refuses
back-dated draws; it reads "now" from ``shuangsuiji.clock.local_now`` only. So the script calls
``shuangsuiji.cli.main`` in this process with that function returning each step's moment (as
``tests/conftest.py`` does), and gives git the same moment (``GIT_AUTHOR_DATE``, ``GIT_COMMITTER_DATE``)
and one fixed identity (``IDENTITY``), so that the records and the commits tell the same story. Witnesses'
hidden entries are answered the same way (``typer.prompt`` returns them). Every ssj command must end with
exit status 0, or the script stops and shows what ssj said. ssj commits its own records; what the clerk
edits by hand (the plan file, a report's fields) or ssj leaves uncommitted is committed with git and a
Chinese message.

Fictional inputs. Every company, person and number of the example is invented. The 双色球 result of period
2026139 used by the announced draw (``ANNOUNCED_RESULT``) is NOT a real lottery result: it is invented for
this example, like the dice throws of 三股's typed seed and the numbers the witnesses enter. These fixed
inputs make the story the same on every run; only 一股's draw uses a system seed, and the story follows
whatever it picks. 二股's 2026 and 2027 plan items are never drawn: they are left for new users.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

try:
    import yaml  # PyYAML comes with ssj
except ImportError:  # pragma: no cover - main() says which Python to use
    yaml = None

Record = dict[str, Any]

ZONE = ZoneInfo("Asia/Shanghai")
CLERK, CLERK_EMAIL = "汝州市应急管理局数据管理员", "shuju@ruzhou-yjj.example.invalid"
IDENTITY = {"GIT_AUTHOR_NAME": CLERK, "GIT_AUTHOR_EMAIL": CLERK_EMAIL,
            "GIT_COMMITTER_NAME": CLERK, "GIT_COMMITTER_EMAIL": CLERK_EMAIL}
OLD_PATHS = ("data/ledger", "data/reports", "data/evidence")
REMOVAL_MESSAGE = "示例历史：删除格式 1 的台账，用 ssj 重新生成（格式 2）"

SHORT = {"yigu": "一股", "ergu": "二股", "sangu": "三股", "bangongshi": "办公室", "zhihui": "指挥中心",
         "zhifa": "大队"}
#: who types each section's commands (the ``operator`` of its records)
OPERATOR = {"yigu": "李娜（一股）", "sangu": "周涛（三股）", "zhihui": "陈静（指挥中心）",
            "zhifa": "赵磊（执法大队）", "bangongshi": "王芳（办公室）"}
APPROVER = "韩立新"
#: from December 办公室's item is drawn on an announcement only; the meeting that approves the change
ANNOUNCED_ITEM = "2026-bangongshi-01"
#: the meeting and document that approved the 清单, as its items' ``approval`` fields name them
CHECKLIST_MEETING = "2026年第1次局长办公会（汝应急〔2026〕3号）"
AMENDING_MEETING = "2026年第13次局党委班子会议"
LOTTERY_SOURCE = "双色球:2026139"
LOTTERY_NOT_BEFORE = "2026-12-01T21:30"
ANNOUNCED_RESULT = "05 11 17 23 28 32 + 09"  # invented for this fictional example: not a real 双色球 result
#: 三股's typed seed: twenty throws of a die (invented)
DICE_SEED, DICE_SOURCE = "61315 41524 12642 22455", "监督人和操作员轮流现场掷骰子 20 次"
#: the witnesses of 指挥中心's two draws and of 执法大队's draw, with the numbers each typed (invented). These
#: sections have one team; the entries keep inspectors with a declared conflict in the reserve, since a team
#: member in conflict with a drawn company would make the draw fail (recorded as 抽取未成)
WITNESSES_WRONG_RATIO = (("马丽（驻局纪检监察组）", "2741"), ("孙建伟（企业代表）", "369"))
WITNESSES_REDRAW = (("马丽（驻局纪检监察组）", "1206"), ("孙建伟（企业代表）", "8853"))
WITNESSES_ZHIFA = (("马丽（驻局纪检监察组）", "3817"), ("李春生（汝州市安全生产协会）", "92046"))
VOID_REASON = "误将抽查比例输入为 0.5（计划的一般抽查比例为 0.03），作废后按计划比例重新抽取"
#: the complaint the 执法大队 checks outside any draw (a casting works: the complaint is about its furnace)
TARGETED = {"entity": "91410482MA40F76DXU", "reference": "汝应急投〔2026〕17号",
            "reason": "群众举报该单位铸造车间熔炼炉附近堆放易燃物、未设置安全警示标志",
            "inspectors": ("RZ022", "RZ029")}
FICTION_NOTE = (f"示例中的单位、人员和号码都是虚构的：办公室按公告抽取所用的双色球第2026139期开奖号码"
                f"（{ANNOUNCED_RESULT}）、三股掷骰子得到的种子和见证人输入的数，都是为本示例编造的，"
                "不是真实的开奖结果。")
REMOVAL_BODY = ("此后的提交由 docs/example_history.py 用 ssj 本身做出，日期是示例故事中的时间"
                "（2026-11-30 至 2026-12-04）。" + FICTION_NOTE)
#: words in a company's name that fit each old report's text (used when its own company is not drawn)
FITS = {"yigu": ("铝土矿", "石料厂", "石灰石矿", "耐火粘土矿", "砂石"), "serious": ("木业",),
        "rectified": ("汝瓷",)}


class StoryError(Exception):
    """A step that did not go as the story needs: the script stops with this message."""


# ---------------------------------------------------------------------------------------------------------
# The story's clock, git and ssj


class Story:
    """The repository, the story's current moment, and ssj run in-process at that moment."""

    def __init__(self, root: Path, verbose: bool) -> None:
        self.root = root
        self.verbose = verbose
        self.now = dt.datetime.now(ZONE).replace(microsecond=0)
        self.names = entity_names(root)

    def at(self, moment: str) -> None:
        """Move ssj's clock and git's dates to ``moment`` (local time, e.g. ``2026-11-30T10:00``)."""
        self.now = dt.datetime.fromisoformat(moment).replace(tzinfo=ZONE)
        os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = self.now.isoformat()

    def say(self, text: str) -> None:
        print(f"{self.now:%Y-%m-%d %H:%M}  {text}", flush=True)

    def ssj(self, *args: str, typed: tuple[str, ...] = ()) -> str:
        """Run ``ssj --repo ROOT ARGS`` now (``typed`` answers hidden prompts); its stdout. Stops unless 0."""
        import shuangsuiji.clock
        from shuangsuiji.cli import main

        def local_now(timezone: str = shuangsuiji.clock.DEFAULT_TIMEZONE) -> dt.datetime:
            return self.now.astimezone(ZoneInfo(timezone))

        answers = iter(typed)
        stdout, stderr = io.StringIO(), io.StringIO()
        crash: Exception | None = None
        with contextlib.ExitStack() as stack:
            stack.enter_context(mock.patch("shuangsuiji.clock.local_now", local_now))
            stack.enter_context(mock.patch("typer.prompt", lambda *_args, **_kwargs: next(answers)))
            stack.enter_context(mock.patch("sys.stdin", io.StringIO("")))  # nothing may wait for a keyboard
            stack.enter_context(contextlib.redirect_stdout(stdout))
            stack.enter_context(contextlib.redirect_stderr(stderr))
            try:
                code = main(["--repo", str(self.root), *args])
            except Exception as exc:  # a bug in ssj: show what it printed first, then its traceback
                crash, code = exc, -1
        if self.verbose or code != 0:
            sys.stdout.write(stdout.getvalue() + stderr.getvalue())
        if crash is not None:
            raise crash
        if code != 0:
            raise StoryError(f"ssj {' '.join(args)} 以退出码 {code} 结束（见上面的输出）")
        return stdout.getvalue()

    def record(self, *args: str, typed: tuple[str, ...] = ()) -> Record:
        """Run a writing command with ``--json``: the record exactly as the ledger holds it."""
        return json.loads(self.ssj(*args, "--json", typed=typed))

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=self.root,
                                capture_output=True, text=True, encoding="utf-8")
        if result.returncode != 0:
            raise StoryError(f"git {' '.join(args)} 失败：{(result.stderr or result.stdout).strip()}")
        return result.stdout

    def commit(self, message: str, *paths: str, body: str | None = None) -> None:
        """Commit ``paths`` as the clerk would (nothing to do when ssj committed them already)."""
        if not self.git("status", "--porcelain", "--untracked-files=all", "--", *paths).strip():
            return
        self.git("add", "-A", "--", *paths)
        messages = ["-m", message, *(["-m", body] if body else [])]
        self.git("-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", *messages, "--", *paths)

    def name(self, entity: str) -> str:
        return self.names.get(entity, entity)


def entity_names(root: Path) -> dict[str, str]:
    """Company names by 统一社会信用代码, from the registry files (to choose companies and to say them)."""
    names = {}
    for path in sorted((root / "data" / "entities").glob("*.yaml")):
        for entity in (yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}).get("entities") or []:
            names[str(entity["id"])] = entity["name"]
    return names


def address(record: Record, section: str | None = None) -> str:
    """How a clerk names a record: ``一股-0`` (``section`` for records that do not name theirs, as a
    recusal); the bureau's own ledger has no short name, so its records are shown as ``局台账-2``."""
    ledger = section or record.get("section")
    return f"{SHORT[ledger] if ledger else '局台账'}-{record['seq']}"


def selected(record: Record) -> list[str]:
    """The companies a draw selected, in merged ticket order (the order of its ``assignments``)."""
    from shuangsuiji.core.recusal import assignment_order

    return assignment_order(record)


def team_of(record: Record, entity: str) -> list[str]:
    """The team the draw assigned to ``entity``, before any recusal."""
    from shuangsuiji.core.recusal import team_map

    return list(record["inspectors"]["teams"][team_map(record)[entity]])


def conflicted(record: Record, inspector: str, entity: str) -> bool:
    return {"inspector": inspector, "entity": entity} in record["conflicts"]


def fairness(record: Record) -> str:
    return {"announced": "事先公告", "witnessed": "现场见证", "system": "系统随机",
            "operator": "人工输入"}[record["fairness"]]


# ---------------------------------------------------------------------------------------------------------
# Step 1: what is kept of the old history, and its removal


@dataclass(frozen=True)
class OldMaterial:
    """The old reports (one per role: yigu, serious, rectified) and the evidence photo, kept in memory."""

    reports: dict[str, Record]
    photo_name: str
    photo: bytes
    photo_note: str


def salvage(root: Path) -> OldMaterial:
    """Read the three old reports and the evidence photo before ``git rm`` removes them."""
    reports = [yaml.safe_load(p.read_text(encoding="utf-8-sig"))
               for p in sorted((root / "data" / "reports").rglob("*.yaml"))]
    sangu = [r for r in reports if r.get("section") == "sangu"]
    roles = {"yigu": [r for r in reports if r.get("section") == "yigu" and r.get("evidence")],
             "serious": [r for r in sangu if r.get("major_violation")],
             "rectified": [r for r in sangu if not r.get("major_violation")]}
    if not all(roles.values()):
        raise StoryError("找不到旧的三份示例检查报告（data/reports/yigu、data/reports/sangu）："
                         "本脚本沿用它们的文字")
    evidence = roles["yigu"][0]["evidence"][0]
    photo = (root / evidence["path"]).read_bytes()
    if hashlib.sha256(photo).hexdigest() != evidence["sha256"]:
        raise StoryError(f"证据材料 {evidence['path']} 与报告中登记的 SHA-256 不一致")
    return OldMaterial({role: found[0] for role, found in roles.items()}, Path(evidence["path"]).name, photo,
                       evidence.get("note") or "")


def require_clean_format_1(story: Story) -> None:
    """A clean work tree, and a ledger still in format 1: a committed format-2 ledger cannot be removed, since
    ``ssj verify-ledger`` rightly calls that rewriting history."""
    inside = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=story.root, capture_output=True,
                            text=True)
    if inside.returncode != 0 or Path(inside.stdout.strip()).resolve() != story.root:
        raise StoryError(f"{story.root} 不是一个 git 仓库的根目录")
    status = story.git("status", "--porcelain", "--untracked-files=all")
    if status.strip():
        raise StoryError("工作区有未提交的改动或新文件，请先提交或清理：\n" + status.rstrip())
    if any(len(Path(f).parts) > 3 for f in story.git("ls-files", "--", "data/ledger").splitlines()):
        raise StoryError(
            "data/ledger 已是格式 2 的台账（多半是本脚本做的）：删除已提交的格式 2 台账，"
            "ssj verify-ledger 会判为改写历史。"
            "要重新生成，请在只含格式 1 历史的新仓库里运行：git init 新目录，在其中 git fetch 本仓库 <“"
            f"{REMOVAL_MESSAGE}”之前那个提交的完整编号>，再 git switch -c 分支名 FETCH_HEAD")


def remove_old_history(story: Story) -> str:
    """``git rm`` the format-1 ledger, the reports and the evidence in one commit; that commit's id."""
    story.at("2026-11-30T08:30")
    tracked = [p for p in OLD_PATHS if story.git("ls-files", "--", p).strip()]
    story.git("rm", "-r", "-q", "--", *tracked)
    story.git("-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", REMOVAL_MESSAGE,
              "-m", REMOVAL_BODY)
    story.say(f"git rm -r {' '.join(tracked)}：{REMOVAL_MESSAGE}")
    return story.git("rev-parse", "HEAD").strip()


# ---------------------------------------------------------------------------------------------------------
# Step 2: the story, one function per episode


def approve_plans(story: Story) -> None:
    """Record the approvals that the plan files' approval blocks already state (第七条)."""
    story.at("2026-11-30T09:30")
    for label, args in (("2026 年度计划", ["--year", "2026"]),
                        ("临时计划 2026-T01", ["--year", "2026", "--temporary", "2026-T01"]),
                        ("2027 年度计划", ["--year", "2027"])):
        block = approval_block(story.root, args)
        record = story.record("plan", "approve", "--meeting", block["meeting"],
                              "--approver", block["approver"], "--date", str(block["date"]),
                              "--operator", OPERATOR["bangongshi"], *args)
        story.say(f"审批 {label}：{record['meeting']}（{record['approved_on']}）→ {address(record)}")


def approve_checklist(story: Story) -> None:
    """Record the 局长办公会's approval of the 清单 (第八、十条), which the items' approval fields name.

    It comes last because the shipped history was made before ``ssj checklist approve`` existed: its draws pin
    no checklist (``"checklist": null``); every draw after this record pins the approved digest.
    """
    story.at("2026-12-07T21:24")
    record = story.record("checklist", "approve", "--meeting", CHECKLIST_MEETING, "--approver", "局长",
                          "--date", "2026-01-10", "--operator", OPERATOR["bangongshi"])
    story.say(f"审批随机抽查事项清单：{record['meeting']}（{record['date']}）→ {address(record)}")


def approval_block(root: Path, args: list[str]) -> Record:
    plan = yaml.safe_load((root / "plans" / f"{args[1]}.yaml").read_text(encoding="utf-8-sig"))
    if "--temporary" in args:
        plan = next(t for t in plan.get("temporary") or [] if t["id"] == args[-1])
    if not plan.get("approval"):
        raise StoryError(f"plans/{args[1]}.yaml 中没有审批块（meeting、approver、date）")
    return plan["approval"]


def draw(story: Story, section: str, *args: str, typed: tuple[str, ...] = ()) -> Record:
    record = story.record("draw", "--section", SHORT[section], "--operator", OPERATOR[section], *args,
                          typed=typed)
    rested = sum(group["count"] for group in record.get("rested") or [])
    companies, teams = sum(s["k"] for s in record["strata"]), len(record["inspectors"]["teams"])
    story.say(f"抽取 {address(record)}（{fairness(record)}）：{companies} 家单位，{teams} 个检查组，"
              f"后备 {'、'.join(record['inspectors']['reserve']) or '无'}"
              + (f"，休息期排除 {rested} 家" if rested else ""))
    return record


def witnessed_draw(story: Story, section: str, witnesses: tuple[tuple[str, str], ...], *args: str) -> Record:
    names = [arg for name, _ in witnesses for arg in ("--witness", name)]
    return draw(story, section, *names, *args, typed=tuple(value for _, value in witnesses))


def recuse(story: Story, record: Record, inspector: str, entity: str, reason: str, *args: str) -> Record:
    done = story.record("recuse", address(record), "--inspector", inspector, "--entity", entity,
                        "--reason", reason, "--operator", OPERATOR[record["section"]], *args)
    borrowed = "，从执法大队抽调" if done.get("from_section") else ""
    story.say(f"回避 {address(done, record['section'])}：{inspector} → {done['replacement']}"
              f"（{story.name(entity)}，{reason}{borrowed}）")
    return done


def pick(story: Story, candidates: list[str], old: Record, role: str, taken: tuple[str, ...] = ()) -> str:
    """The company an old report's text fits: its own company when drawn again, else one whose name fits."""
    free = [e for e in candidates if e not in taken]
    if old["entity"] in free:
        return str(old["entity"])
    return next((e for e in free if any(word in story.name(e) for word in FITS[role])), free[0])


def yigu_draw_and_recusal(story: Story, old: OldMaterial) -> tuple[Record, str]:
    """一股 draws with a system seed; one inspector cannot go to the company that gets the photo report, and
    the reserve replaces them."""
    story.at("2026-11-30T10:00")
    record = draw(story, "yigu")
    reserve = record["inspectors"]["reserve"]
    candidates = [e for e in selected(record) if any(not conflicted(record, r, e) for r in reserve)]
    if not candidates:
        raise StoryError(f"{address(record)} 没有后备人员可以替换的单位：示例需要一次用后备人员的回避")
    entity = pick(story, candidates, old.reports["yigu"], "yigu")
    story.at("2026-11-30T10:20")
    recuse(story, record, team_of(record, entity)[0], entity, "因故不能执行检查")
    return record, entity


def sangu_draw(story: Story) -> Record:
    """三股 types a seed made by throwing a die in front of its 监督人."""
    story.at("2026-11-30T10:40")
    return draw(story, "sangu", "--seed", DICE_SEED, "--seed-source", DICE_SOURCE)


def zhihui_void_and_redraw(story: Story) -> Record:
    """指挥中心 types 0.5 for the ratio by mistake, voids that draw and draws again before witnesses."""
    story.at("2026-11-30T14:30")
    wrong = witnessed_draw(story, "zhihui", WITNESSES_WRONG_RATIO, "--ratio", "0.5")
    story.at("2026-11-30T14:40")
    void = story.record("void", address(wrong), "--reason", VOID_REASON, "--operator", OPERATOR["zhihui"])
    story.say(f"作废 {address(wrong)} → {address(void, 'zhihui')}：{VOID_REASON}")
    story.at("2026-11-30T14:50")
    return witnessed_draw(story, "zhihui", WITNESSES_REDRAW)  # a void draw does not count: no --again


def zhifa_targeted(story: Story) -> Record:
    """The 执法大队 checks a company on a complaint: recorded, never disguised as a draw (第七条)."""
    story.at("2026-11-30T16:00")
    team = [arg for inspector in TARGETED["inspectors"] for arg in ("--inspector", inspector)]
    record = story.record("targeted", "--section", SHORT["zhifa"], "--basis", "投诉举报",
                          "--reference", TARGETED["reference"], "--reason", TARGETED["reason"],
                          "--entity", TARGETED["entity"], *team, "--operator", OPERATOR["zhifa"])
    story.say(f"非随机检查 {address(record)}（投诉举报，{TARGETED['reference']}）："
              f"{story.name(TARGETED['entity'])}")
    return record


def require_announcement(story: Story) -> None:
    """From December 办公室's item is drawn on an announcement only: the clerk adds ``seed: announced`` to
    the plan and commits it, and the 班子会议 approves the amended plan."""
    story.at("2026-12-01T08:50")
    path = story.root / "plans" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    item = re.search(rf'^  - id: "{re.escape(ANNOUNCED_ITEM)}"\n(?:    .*\n)*', text, re.M)
    if item is None or "\n    seed:" in item.group(0):
        raise StoryError(f"plans/2026.yaml 中找不到计划事项 {ANNOUNCED_ITEM}，或它已写有 seed")
    line = "    seed: announced                # 最低公平性等级：事先公告（以公告指定的开奖号码为种子）\n"
    path.write_text(text[:item.end()] + line + text[item.end():], encoding="utf-8", newline="\n")
    story.commit(f"修订 2026 年度计划：{ANNOUNCED_ITEM}（办公室）改为事先公告抽取（seed: announced）",
                 "plans/2026.yaml", body=FICTION_NOTE)
    story.say(f"plans/2026.yaml：{ANNOUNCED_ITEM} 加上 seed: announced，提交 git")
    story.at("2026-12-01T11:00")
    record = story.record("plan", "approve", "--meeting", AMENDING_MEETING, "--approver", APPROVER,
                          "--year", "2026", "--date", "2026-12-01", "--operator", OPERATOR["bangongshi"])
    story.say(f"审批修订后的 2026 年度计划：{AMENDING_MEETING}（2026-12-01）→ {address(record)}")


def sangu_recusals(story: Story, record: Record) -> str:
    """Recusals for one 三股 company until no reserve inspector qualifies, so that the last replacement is
    borrowed from the 执法大队. The company is the one for which the fewest reserve inspectors qualify (a
    declared conflict rules one out): the story then needs the fewest recusals."""
    reserve = record["inspectors"]["reserve"]
    entity = min(selected(record), key=lambda e: sum(not conflicted(record, r, e) for r in reserve))
    team = team_of(record, entity)
    available = [r for r in reserve if not conflicted(record, r, entity)]
    reasons = ("利害关系回避", "因故不能执行检查", "其他")
    for n in range(len(available) + 1):
        story.at(f"2026-12-01T14:{10 * n:02d}")
        member = n % len(team)
        if not available:
            recuse(story, record, team[member], entity, reasons[n % 3], "--from-section", "执法大队")
            return entity
        team[member] = recuse(story, record, team[member], entity, reasons[n % 3])["replacement"]
        available = [r for r in available if r not in team]
    raise StoryError(f"{address(record)}：{story.name(entity)} 的回避没有用到 --from-section")


def office_announced_draw(story: Story) -> Record:
    """办公室 announces its draw before the lottery, and draws on the result the next morning."""
    story.at("2026-12-01T16:00")
    note = story.record("announce", "--section", SHORT["bangongshi"], "--date", "2026-12-02",
                        "--source", LOTTERY_SOURCE, "--not-before", LOTTERY_NOT_BEFORE,
                        "--operator", OPERATOR["bangongshi"])
    story.say(f"公告 {address(note)}：2026-12-02 抽取，种子取 {LOTTERY_SOURCE} 的开奖号码"
              f"（{LOTTERY_NOT_BEFORE} 开奖）")
    story.at("2026-12-02T09:00")
    record = story.record("draw", "--announcement", address(note), "--seed", ANNOUNCED_RESULT,
                          "--operator", OPERATOR["bangongshi"])
    story.say(f"按公告抽取 {address(record)}（{fairness(record)}）：种子 {record['seed']}，"
              f"{sum(s['k'] for s in record['strata'])} 家单位")
    return record


def zhifa_draw(story: Story) -> Record:
    """Days later the 执法大队 draws its own item: the rest rule leaves out what others drew or checked."""
    story.at("2026-12-03T09:30")
    record = witnessed_draw(story, "zhifa", WITNESSES_ZHIFA)
    if not record.get("rested"):
        raise StoryError(f"{address(record)} 没有因休息期排除任何单位（rested 为空）：示例需要这一条")
    return record


# ---------------------------------------------------------------------------------------------------------
# Reports (第十九、二十条), filled in as the clerk fills the file that ssj prefilled


def yaml_value(value: Any, plain: bool = False) -> str:
    """A YAML scalar or flow list; ``plain`` writes a word such as 已办结 unquoted, as the template does."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if value is None:
        return "null"
    if plain and re.fullmatch(r"[\u4e00-\u9fff]+", str(value)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a double-quoted YAML scalar


def fill_report(path: Path, fields: Record, contents: list[str] | None = None) -> None:
    """Set top-level fields (each line keeps its comment; a field the report has no line for yet, as in a
    report made before that field existed, is added at the end) and the list of contents checked."""
    text = path.read_text(encoding="utf-8")
    for key, value in fields.items():
        line = re.compile(rf"^{key}: ?(.*?)( +#[^\n]*)?$", re.M)
        found = line.search(text)
        if found is None:
            text = text.rstrip("\n") + f"\n{key}: {yaml_value(value)}\n"
            continue
        comment = found.group(2) or ""
        new = f"{key}: {yaml_value(value, plain=key in ('status', 'result'))}"
        if comment:
            width = len(found.group(0)) - len(comment.lstrip())
            new = new.ljust(width - 1) + " " + comment.lstrip()
        text = text[:found.start()] + new + text[found.end():]
    if contents is None:
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    block = re.compile(r"^(contents:[^\n]*\n)((?:  - [^\n]*\n)*)", re.M)
    listed = "".join(f"  - {yaml_value(c)}\n" for c in contents)
    text = block.sub(lambda m: m.group(1) + listed, text, count=1)
    path.write_text(text, encoding="utf-8", newline="\n")


def new_report(story: Story, record: Record, entity: str, old: Record, checked_on: str) -> Path:
    """``ssj report new``, then the old report's findings filled in, finished (已办结) on ``checked_on``."""
    path = story.root / json.loads(story.ssj("report", "new", address(record), entity, "--json"))["file"]
    prefilled = yaml.safe_load(path.read_text(encoding="utf-8"))["contents"]
    contents = [c for c in old.get("contents") or [] if c in prefilled] or prefilled
    fields = {"status": "已办结", "check_dates": [dt.date.fromisoformat(checked_on)]}
    fields.update({key: old.get(key) for key in ("findings", "result", "handling", "suggestions")})
    fields.update(rectification_deadline=old.get("rectification_deadline"),
                  major_violation=bool(old.get("major_violation")))
    fill_report(path, fields, contents)
    story.say(f"检查报告 {path.relative_to(story.root).as_posix()}：{story.name(entity)}（{old['result']}）")
    return path


def yigu_report(story: Story, record: Record, entity: str, old: OldMaterial) -> None:
    """The 一股 report, with the photo of the slope as evidence (第十八条)."""
    story.at("2026-12-02T10:00")
    path = new_report(story, record, entity, old.reports["yigu"], "2026-12-01")
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(folder) / old.photo_name
        photo.write_bytes(old.photo)
        story.ssj("report", "evidence", str(path), str(photo), "--note", old.photo_note)
    story.say(f"证据材料 {old.photo_name}（{old.photo_note}）")
    story.ssj("check")
    story.commit(f"检查报告 {address(record)}：{story.name(entity)}（已办结，含证据材料）",
                 "data/reports", "data/evidence")


def sangu_reports(story: Story, record: Record, old: OldMaterial) -> Path:
    """Two 三股 reports: a dust-explosion hazard (a major violation) and a rectification order."""
    story.at("2026-12-03T15:00")
    ids = selected(record)
    serious = pick(story, ids, old.reports["serious"], "serious")
    rectified = pick(story, ids, old.reports["rectified"], "rectified", (serious,))
    path = new_report(story, record, serious, old.reports["serious"], "2026-12-02")
    new_report(story, record, rectified, old.reports["rectified"], "2026-12-02")
    story.ssj("check")
    story.commit(f"检查报告 {address(record)}：{story.name(serious)}、{story.name(rectified)}（已办结）",
                 "data/reports")
    return path


def central_review(story: Story, path: Path, old: OldMaterial) -> None:
    """The major violation goes to 集中审理 before its result may be published (第二十条): 会签 by 三股 and the
    执法大队, with the decision's 文号, signed by the 局长 (a 局领导 of data/bureau.yaml)."""
    story.at("2026-12-04T10:00")
    review = old.reports["serious"]["review"]
    penalty = ["--penalty", review["penalty"]] if review.get("penalty") else []
    cosigned = [option for section in review.get("cosigned_by") or ["sangu", "zhifa"] for option in ("--cosign", section)]
    story.ssj("report", "review", str(path), "--decision", review["decision"], "--signed-by",
              review["signed_by"], "--number", review.get("number") or "汝应急罚〔2026〕58号", *cosigned,
              "--date", "2026-12-04", *penalty)
    story.commit(f"集中审理：{path.stem}（重大违法行为，第二十条）", "data/reports")
    story.say(f"集中审理 {path.name}：{review.get('penalty') or review['decision']}")


def follow_ups_and_closure(story: Story) -> None:
    """后续处置 (SPEC §9) for 三股's two reports, and one case run through to its close.

    长宇木业 (the major violation): 立案查处 after the 集中审理, and a 整改 order whose deadline is still ahead, so
    the case stays open (``ssj todo`` lists it). 嘉昌汝瓷: after the check of 2026-12-02 the section issues the
    《责令限期整改指令书》 (``ssj doc``, numbered in 三股's ledger); the company reports its 整改 with photos on
    2026-12-07, the section checks them (书面复查), issues the 《整改复查意见书》, records the 复查 and closes the
    case. It happens on the evening of 2026-12-07, after the 清单's approval: ledger records are never back-dated
    (each pins the heads of the other ledgers as they stood, which would show it).
    """
    reports = sorted((story.root / "data/reports/sangu").glob("*.yaml"))
    loaded = {path: yaml.safe_load(path.read_text(encoding="utf-8")) for path in reports}
    serious = next(p for p, r in loaded.items() if r.get("major_violation"))
    rectified = next(p for p, r in loaded.items() if not r.get("major_violation"))
    if loaded[rectified].get("closed") or loaded[rectified].get("rechecks"):
        raise StoryError(f"{rectified.name} 已有复查或结案记录：这一步已经做过")
    story.at("2026-12-07T21:40")
    fill_report(serious, {"follow_up": ["责令限期整改", "立案查处"]})
    fill_report(rectified, {"follow_up": ["责令限期整改"], "handling": (
        "责令限期整改：于 2026 年 12 月 15 日前完成除尘系统清理、设置有限空间警示标志并补齐作业审批记录"
        "（《责令限期整改指令书》）。")})
    story.ssj("check")
    story.commit("后续处置：三股-0 两份检查报告（责令限期整改；重大违法行为另立案查处）", "data/reports")
    story.say(f"后续处置：{story.name(loaded[serious]['entity'])} 责令限期整改、立案查处；"
              f"{story.name(loaded[rectified]['entity'])} 责令限期整改")
    draw, entity, operator = loaded[rectified]["draw"], loaded[rectified]["entity"], OPERATOR["sangu"]
    with tempfile.TemporaryDirectory(prefix="ssj-示例文书-") as folder:
        order = story.record("doc", "责令限期整改指令书", draw, entity, "--operator", operator,
                             "--out", str(Path(folder) / "指令书.html"))
        story.say(f"开具《责令限期整改指令书》{order['number']}（{story.name(entity)}）")
        story.at("2026-12-07T22:20")
        recheck = story.record("doc", "整改复查意见书", draw, entity, "--operator", operator,
                               "--out", str(Path(folder) / "复查意见书.html"))
    story.ssj("report", "recheck", str(rectified), "--outcome", "已整改", "--date", "2026-12-07", "--document",
              recheck["number"], "--note", "企业 12 月 7 日报送整改报告和整改后照片，科室书面复查：三项问题均已整改")
    story.commit(f"整改复查：{rectified.stem}（已整改，{recheck['number']}）", "data/reports")
    story.ssj("report", "close", str(rectified), "--date", "2026-12-07")
    story.commit(f"结案：{rectified.stem}", "data/reports")
    story.say(f"整改复查 {recheck['number']}：已整改；{story.name(entity)} 的案件结案")


# ---------------------------------------------------------------------------------------------------------
# Publication and the final checks


def publish_and_verify(story: Story) -> None:
    """One publication: only its record stays (in the bureau ledger); the bundle is checked, then dropped."""
    story.at("2026-12-04T15:00")
    with tempfile.TemporaryDirectory(prefix="ssj-示例公示-") as folder:
        bundle = Path(folder) / "公示-2026-12-04"
        summary = json.loads(story.ssj("publish", "--out", str(bundle), "--operator", OPERATOR["bangongshi"],
                                       "--json"))
        story.say(f"公开 {summary['results']} 项检查结果（{summary['draws']} 次抽取），"
                  f"清单摘要 {summary['manifest_digest']}")
        checked = subprocess.run([sys.executable, str(bundle / "verify.py"), str(bundle),
                                  "--digest", summary["manifest_digest"]],
                                 capture_output=True, text=True, encoding="utf-8")
        if story.verbose or checked.returncode != 0:
            sys.stdout.write(checked.stdout + checked.stderr)
        if checked.returncode != 0:
            raise StoryError(f"公示包的 verify.py 以退出码 {checked.returncode} 结束（见上面的输出）")
        story.say("公示包的 verify.py --digest 核验通过（公示包不保留，台账里留下公开记录）")


def final_checks(story: Story) -> tuple[str, str]:
    """``ssj check``, ``log``, ``plan status`` and ``verify-ledger`` exit 0; nothing is left uncommitted."""
    checked = story.ssj("check")
    story.ssj("log")
    story.ssj("plan", "status")
    verified = story.ssj("verify-ledger")
    left = story.git("status", "--porcelain", "--untracked-files=all")
    if left.strip():
        raise StoryError("示例历史做完后工作区还有未提交的文件：\n" + left.rstrip())
    return checked, verified


def make_history(story: Story, old: OldMaterial) -> None:
    approve_plans(story)
    yigu, yigu_entity = yigu_draw_and_recusal(story, old)
    sangu = sangu_draw(story)
    zhihui_void_and_redraw(story)
    zhifa_targeted(story)
    require_announcement(story)
    sangu_recusals(story, sangu)
    office_announced_draw(story)
    yigu_report(story, yigu, yigu_entity, old)
    zhifa_draw(story)
    central_review(story, sangu_reports(story, sangu, old), old)
    publish_and_verify(story)
    approve_checklist(story)
    follow_ups_and_closure(story)


#: the steps that continue a history already in format 2 (``--continue``), each refusing when already done
LATER_STEPS = {"closure": follow_ups_and_closure}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(add_help=False,
                                     description="用 ssj 重新生成示例单位的台账历史（格式 2）。")
    parser.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1],
                        help="数据仓库目录（默认：本脚本所在的仓库）")
    parser.add_argument("--verbose", action="store_true", help="同时显示 ssj 每个命令的输出")
    parser.add_argument("--continue", dest="step", choices=sorted(LATER_STEPS),
                        help="不重做整段历史，只在现有（格式 2）台账上补做这一步，如 closure（后续处置到结案）")
    options = parser.parse_args(argv)
    if yaml is None or importlib.util.find_spec("shuangsuiji") is None:
        print("找不到 ssj（shuangsuiji）：请用装有 ssj 的 Python 运行，"
              "如 .venv/bin/python docs/example_history.py", file=sys.stderr)
        return 1
    started = time.monotonic()
    os.environ.update(IDENTITY)
    story = Story(options.repo.resolve(), options.verbose)
    if options.step:
        return continue_history(story, LATER_STEPS[options.step])
    try:
        require_clean_format_1(story)
        old = salvage(story.root)
        removal = remove_old_history(story)
        make_history(story, old)
        checked, verified = final_checks(story)
    except StoryError as problem:
        print(f"停止：{problem}", file=sys.stderr)
        return 1
    print("\n" + verified.rstrip() + "\n" + checked.rstrip().splitlines()[-1])
    commits = int(story.git("rev-list", "--count", f"{removal}^..HEAD").strip())
    took = time.monotonic() - started
    print(f"\n完成：示例历史已用 ssj 重新生成（{commits} 个提交），用时 {took:.1f} 秒。")
    return 0


def continue_history(story: Story, step) -> int:
    """One later step on the shipped (format 2) history, then the final checks."""
    try:
        if story.git("status", "--porcelain", "--untracked-files=all").strip():
            raise StoryError("工作区有未提交的改动：请先提交或清理后再运行")
        step(story)
        checked, verified = final_checks(story)
    except StoryError as problem:
        print(f"停止：{problem}", file=sys.stderr)
        return 1
    print("\n" + verified.rstrip() + "\n" + checked.rstrip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
