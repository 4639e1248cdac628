"""示例历史：用 ssj 本身重新做出示例单位“汝州市应急管理局”的一小段真实台账历史（格式 2）。

    python docs/example_history.py [--repo 数据仓库目录]      （默认：本脚本所在的仓库）

What it does. The repository ships a fictional bureau with a short history made with the tool: plan
approvals, draws of every fairness level, a recusal that uses the reserve and one that borrows an inspector
of the 执法大队, a draw voided and made again, a targeted check, a later draw in which the rest rule (第十六条)
leaves companies out, three inspection reports (evidence, a central review) and one publication. This script is
the only way that history is made: it refuses unless the work tree is clean, removes the old ledger, reports and
evidence with ``git rm`` in one commit (keeping the old reports' texts and the evidence photo in memory, they are
reused), then runs every step with ssj itself, exactly as a clerk would type it, and checks the result with
``ssj check``, ``ssj verify-ledger``, ``ssj log``, ``ssj plan status`` and the bundle's own ``verify.py``.

Why in-process, with ssj's clock patched. The story happens on 2026-11-30 … 2026-12-04, and ssj refuses back-dated
draws: it reads "now" from ``shuangsuiji.clock.local_now`` only. So the script calls ``shuangsuiji.cli.main``
in this process with that function set to each step's moment (as ``tests/conftest.py`` does), and gives git the
same moment (``GIT_AUTHOR_DATE``/``GIT_COMMITTER_DATE``) and one fixed identity, so the records and the commits
tell the same story. Every ssj command must end with exit status 0; otherwise the script stops and shows what
ssj said. ssj commits its own ledger records; what a clerk edits by hand (the plan file, report fields) or what
ssj leaves uncommitted the script commits with git, with a Chinese message, as the clerk would.

Fictional inputs. Every company, person and number in the example is invented. In particular the 双色球 result
2026139 used by the announced draw (``ANNOUNCED_RESULT``) is invented for this example, not a real lottery result;
so are the dice throws of 三股's typed seed and the numbers the witnesses enter. These fixed inputs make the story
the same on every run; only 一股's draw uses a system seed, and nothing in the story depends on which companies it
picks (the report and the recusal follow the draw). 二股's plan items are never used: they are left for new users.

Run it with the interpreter that has ssj installed, e.g. ``.venv/bin/python docs/example_history.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
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

import yaml

ZONE = ZoneInfo("Asia/Shanghai")
IDENTITY = {
    "GIT_AUTHOR_NAME": "汝州市应急管理局数据管理员", "GIT_AUTHOR_EMAIL": "shuju@ruzhou-yjj.example.invalid",
    "GIT_COMMITTER_NAME": "汝州市应急管理局数据管理员", "GIT_COMMITTER_EMAIL": "shuju@ruzhou-yjj.example.invalid",
}
OLD_PATHS = ("data/ledger", "data/reports", "data/evidence")
REMOVAL_MESSAGE = "示例历史：删除格式 1 的台账，用 ssj 重新生成（格式 2）"

#: who types each section's commands (the ``operator`` of its records)
OPERATOR = {"yigu": "李娜（一股）", "sangu": "周涛（三股）", "zhihui": "陈静（指挥中心）", "zhifa": "赵磊（执法大队）",
            "bangongshi": "王芳（办公室）"}
APPROVER = "韩立新"
#: the plan item that must be drawn on an announcement from December on, and the meeting that approves that
ANNOUNCED_ITEM = "2026-bangongshi-01"
AMENDING_MEETING = "2026年第13次局党委班子会议"
LOTTERY_SOURCE = "双色球:2026139"
LOTTERY_NOT_BEFORE = "2026-12-01T21:30"
ANNOUNCED_RESULT = "05 11 17 23 28 32 + 09"  # invented for this fictional example: not a real 双色球 result
DICE_SEED = "61315 41524 12642 22455"       # 三股's typed seed (invented dice throws)
DICE_SOURCE = "监督人和操作员轮流现场掷骰子 20 次"
#: witnesses of 指挥中心's two draws and of 执法大队's draw, with the numbers each typed (invented)
WITNESSES_ZHIHUI_WRONG = (("马丽（驻局纪检监察组）", "2741"), ("孙建伟（企业代表）", "369"))
WITNESSES_ZHIHUI = (("马丽（驻局纪检监察组）", "1206"), ("孙建伟（企业代表）", "8853"))
WITNESSES_ZHIFA = (("马丽（驻局纪检监察组）", "3817"), ("李春生（汝州市安全生产协会）", "92046"))
#: the complaint the 执法大队 checks outside any draw (a casting works: the complaint is about its furnace)
TARGETED = {"entity": "91410482MA40F76DXU", "reference": "汝应急投〔2026〕17号",
            "reason": "群众举报该单位铸造车间熔炼炉附近堆放易燃物、未设置安全警示标志",
            "inspectors": ("RZ022", "RZ029")}


class StoryError(Exception):
    """A step that did not go as the story needs: the script stops with this message."""


# ---------------------------------------------------------------------------------------------------------------
# The clock, git and ssj as the story sees them


class Story:
    """The repository, the story's current moment, and ssj run in-process at that moment."""

    def __init__(self, root: Path, verbose: bool) -> None:
        self.root = root
        self.verbose = verbose
        self.now = dt.datetime.now(ZONE).replace(microsecond=0)
        self.names = entity_names(root)

    def at(self, moment: str) -> None:
        """Move the story (ssj's clock and git's dates) to ``moment``, e.g. ``2026-11-30T10:00``."""
        self.now = dt.datetime.fromisoformat(moment).replace(tzinfo=ZONE)
        os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = self.now.isoformat()

    def say(self, text: str) -> None:
        print(f"{self.now:%Y-%m-%d %H:%M}  {text}", flush=True)

    def ssj(self, *args: str, typed: tuple[str, ...] = ()) -> str:
        """Run ``ssj --repo ROOT ARGS`` now; ``typed`` answers its hidden prompts. Stops unless it exits 0."""
        import shuangsuiji.clock
        from shuangsuiji.cli import main

        def local_now(timezone: str = shuangsuiji.clock.DEFAULT_TIMEZONE) -> dt.datetime:
            return self.now.astimezone(ZoneInfo(timezone))

        stdout, stderr = io.StringIO(), io.StringIO()
        answers = iter(typed)
        with contextlib.ExitStack() as stack:
            stack.enter_context(mock.patch("shuangsuiji.clock.local_now", local_now))
            stack.enter_context(mock.patch("typer.prompt", lambda *_a, **_k: next(answers)))
            stack.enter_context(mock.patch("sys.stdin", io.StringIO("")))  # nothing else may wait for input
            stack.enter_context(contextlib.redirect_stdout(stdout))
            stack.enter_context(contextlib.redirect_stderr(stderr))
            code = main(["--repo", str(self.root), *args])
        if self.verbose or code != 0:
            sys.stdout.write(stdout.getvalue() + stderr.getvalue())
        if code != 0:
            raise StoryError(f"ssj {' '.join(args)} 以退出码 {code} 结束（见上面的输出）")
        return stdout.getvalue()

    def record(self, *args: str, typed: tuple[str, ...] = ()) -> dict[str, Any]:
        """Run a writing ssj command with ``--json``: the record exactly as the ledger holds it."""
        return json.loads(self.ssj(*args, "--json", typed=typed))

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=self.root, capture_output=True,
                                text=True, encoding="utf-8")
        if result.returncode != 0:
            raise StoryError(f"git {' '.join(args)} 失败：{result.stderr.strip() or result.stdout.strip()}")
        return result.stdout

    def commit(self, message: str, *paths: str) -> None:
        """Commit ``paths`` as a clerk would (nothing when ssj already committed them)."""
        if not self.git("status", "--porcelain", "--untracked-files=all", "--", *paths).strip():
            return
        self.git("add", "-A", "--", *paths)
        self.git("-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", message, "--", *paths)

    def name(self, entity: str) -> str:
        return self.names.get(entity, entity)


def entity_names(root: Path) -> dict[str, str]:
    """Company names by 统一社会信用代码, read from the registry files (for choosing and for messages)."""
    names = {}
    for path in sorted((root / "data" / "entities").glob("*.yaml")):
        for entity in (yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}).get("entities") or []:
            names[str(entity["id"])] = entity["name"]
    return names


SHORT = {"yigu": "一股", "ergu": "二股", "sangu": "三股", "bangongshi": "办公室", "zhihui": "指挥中心", "zhifa": "大队"}


def address(record: dict[str, Any], section: str | None = None) -> str:
    """``一股-0``: how a clerk names a record of a section's ledger (``section`` for records that do not name it,
    such as a recusal); the bureau's own ledger has no short name: ``局台账-2``."""
    ledger = section or record.get("section")
    return f"{SHORT[ledger] if ledger else '局台账'}-{record['seq']}"


def selected(record: dict[str, Any]) -> list[str]:
    """The companies a draw selected, in merged ticket order (the order of its ``assignments``)."""
    from shuangsuiji.core.recusal import assignment_order

    return assignment_order(record)


def team_of(record: dict[str, Any], entity: str) -> list[str]:
    """The team the draw assigned to ``entity`` (before any recusal)."""
    from shuangsuiji.core.recusal import team_map

    return list(record["inspectors"]["teams"][team_map(record)[entity]])


def conflicted(record: dict[str, Any], inspector: str, entity: str) -> bool:
    return {"inspector": inspector, "entity": entity} in record["conflicts"]


def fairness_words(record: dict[str, Any]) -> str:
    return {"announced": "事先公告", "witnessed": "现场见证", "system": "系统随机", "operator": "人工输入"}[record["fairness"]]


# ---------------------------------------------------------------------------------------------------------------
# Step 1: what is kept of the old history, and its removal


@dataclass(frozen=True)
class OldMaterial:
    """The old reports' texts (one per role) and the evidence photo, kept in memory across the removal."""

    yigu: dict[str, Any]
    serious: dict[str, Any]
    rectified: dict[str, Any]
    photo_name: str
    photo: bytes
    photo_note: str


def salvage(root: Path) -> OldMaterial:
    """Read the three old reports and the evidence photo before ``git rm`` removes them."""
    reports = [yaml.safe_load(p.read_text(encoding="utf-8-sig")) for p in sorted((root / "data/reports").rglob("*.yaml"))]
    yigu = [r for r in reports if r.get("section") == "yigu" and r.get("evidence")]
    sangu = [r for r in reports if r.get("section") == "sangu"]
    serious = [r for r in sangu if r.get("major_violation")]
    rectified = [r for r in sangu if not r.get("major_violation")]
    if not (yigu and serious and rectified):
        raise StoryError("找不到旧的三份示例检查报告（data/reports/yigu、data/reports/sangu）：本脚本从它们取报告文字")
    evidence = yigu[0]["evidence"][0]
    photo = (root / evidence["path"]).read_bytes()
    if hashlib.sha256(photo).hexdigest() != evidence["sha256"]:
        raise StoryError(f"证据材料 {evidence['path']} 与报告中登记的 SHA-256 不一致")
    return OldMaterial(yigu[0], serious[0], rectified[0], Path(evidence["path"]).name, photo,
                       evidence.get("note") or "")


def require_clean(story: Story) -> None:
    status = story.git("status", "--porcelain", "--untracked-files=all")
    if status.strip():
        raise StoryError("工作区有未提交的改动，请先提交或清理：\n" + status.rstrip())


def remove_old_history(story: Story) -> None:
    tracked = [p for p in OLD_PATHS if story.git("ls-files", "--", p).strip()]
    if not tracked:
        raise StoryError("仓库里没有旧的台账、报告或证据材料，无需重新生成")
    story.git("rm", "-r", "-q", "--", *tracked)
    story.git("-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", REMOVAL_MESSAGE)
    story.say(f"git rm -r {' '.join(tracked)}，提交“{REMOVAL_MESSAGE}”")


# ---------------------------------------------------------------------------------------------------------------
# Step 2: the story


def approve_plans(story: Story) -> None:
    """Record the approvals that the plan files' approval blocks already state (第七条)."""
    for label, args in (("2026 年度计划", ["--year", "2026"]), ("临时计划 2026-T01", ["--year", "2026", "--temporary", "2026-T01"]),
                        ("2027 年度计划", ["--year", "2027"])):
        block = approval_block(story.root, args)
        record = story.record("plan", "approve", "--meeting", block["meeting"], "--approver", block["approver"],
                              "--date", str(block["date"]), "--operator", OPERATOR["bangongshi"], *args)
        story.say(f"审批 {label}：{record['meeting']}（{record['approved_on']}）→ {address(record)}")


def approval_block(root: Path, args: list[str]) -> dict[str, Any]:
    plan = yaml.safe_load((root / "plans" / f"{args[1]}.yaml").read_text(encoding="utf-8-sig"))
    if "--temporary" in args:
        plan = next(t for t in plan["temporary"] if t["id"] == args[-1])
    if not plan.get("approval"):
        raise StoryError(f"plans/{args[1]}.yaml 中没有审批块（meeting、approver、date）")
    return plan["approval"]


def draw(story: Story, section: str, *args: str, typed: tuple[str, ...] = ()) -> dict[str, Any]:
    record = story.record("draw", "--section", SHORT[section], "--operator", OPERATOR[section], *args, typed=typed)
    strata = sum(s["k"] for s in record["strata"])
    story.say(f"抽取 {address(record)}（{fairness_words(record)}）：{strata} 家单位，"
              f"{len(record['inspectors']['teams'])} 个检查组，后备 {'、'.join(record['inspectors']['reserve']) or '无'}"
              + (f"；休息期排除 {len(record['rested'])} 家" if record.get("rested") else ""))
    return record


def witnessed(story: Story, section: str, witnesses: tuple[tuple[str, str], ...], *args: str) -> dict[str, Any]:
    names = [arg for name, _ in witnesses for arg in ("--witness", name)]
    return draw(story, section, *names, *args, typed=tuple(value for _, value in witnesses))


def recuse(story: Story, record: dict[str, Any], inspector: str, entity: str, reason: str,
           *args: str) -> dict[str, Any]:
    done = story.record("recuse", address(record), "--inspector", inspector, "--entity", entity, "--reason", reason,
                        "--operator", OPERATOR[record["section"]], *args)
    borrowed = f"，从{done['from_section'] and SHORT[done['from_section']]}抽调" if done.get("from_section") else ""
    story.say(f"回避 {address(done, record['section'])}：{inspector} → {done['replacement']}（{story.name(entity)}，{reason}{borrowed}）")
    return done


def yigu_draw_and_recusal(story: Story) -> tuple[dict[str, Any], str]:
    """一股 draws with a system seed; one inspector cannot go to one company and the reserve replaces them."""
    story.at("2026-11-30T10:00")
    record = draw(story, "yigu")
    reserve = record["inspectors"]["reserve"]
    quarries = ("石料厂", "铝土矿", "石灰石矿", "耐火粘土矿", "砂石")  # the old report describes an open pit
    candidates = [e for e in selected(record) if not any(conflicted(record, r, e) for r in reserve)]
    entity = next((e for e in candidates if story.name(e).endswith(quarries)), candidates[0])
    story.at("2026-11-30T10:20")
    recuse(story, record, team_of(record, entity)[0], entity, "因故不能执行检查")
    return record, entity


def sangu_draw(story: Story) -> dict[str, Any]:
    """三股 types a seed made by throwing dice in front of its 监督人."""
    story.at("2026-11-30T10:40")
    return draw(story, "sangu", "--seed", DICE_SEED, "--seed-source", DICE_SOURCE)


def zhihui_void_and_redraw(story: Story) -> dict[str, Any]:
    """指挥中心 types 0.5 for the ratio by mistake, voids the draw and draws again before the same witnesses."""
    story.at("2026-11-30T14:30")
    wrong = witnessed(story, "zhihui", WITNESSES_ZHIHUI_WRONG, "--ratio", "0.5")
    story.at("2026-11-30T14:40")
    reason = "误将抽查比例输入为 0.5（计划的一般抽查比例为 0.03），作废后按计划比例重新抽取"
    void = story.record("void", address(wrong), "--reason", reason, "--operator", OPERATOR["zhihui"])
    story.say(f"作废 {address(wrong)} → {address(void, 'zhihui')}：{reason}")
    story.at("2026-11-30T14:50")
    return witnessed(story, "zhihui", WITNESSES_ZHIHUI)  # the voided draw does not count: no --again needed


def zhifa_targeted(story: Story) -> dict[str, Any]:
    story.at("2026-11-30T16:00")
    inspectors = [arg for i in TARGETED["inspectors"] for arg in ("--inspector", i)]
    record = story.record("targeted", "--section", SHORT["zhifa"], "--basis", "投诉举报", "--reference", TARGETED["reference"],
                          "--reason", TARGETED["reason"], "--entity", TARGETED["entity"], *inspectors,
                          "--operator", OPERATOR["zhifa"])
    story.say(f"非随机检查 {address(record)}（投诉举报，{TARGETED['reference']}）：{story.name(TARGETED['entity'])}")
    return record


def require_announcement(story: Story) -> None:
    """From December 办公室's item must be drawn on an announcement: the clerk edits the plan, the 班子会议 approves."""
    story.at("2026-12-01T08:50")
    path = story.root / "plans" / "2026.yaml"
    text = path.read_text(encoding="utf-8")
    item = re.search(rf'^  - id: "{re.escape(ANNOUNCED_ITEM)}"\n(?:    .*\n)*', text, re.M)
    if item is None or "    seed:" in item.group(0):
        raise StoryError(f"plans/2026.yaml 中找不到计划事项 {ANNOUNCED_ITEM}，或它已写有 seed")
    line = "    seed: announced                 # 最低公平性等级：事先公告（开奖号码作种子）\n"
    path.write_text(text[:item.end()] + line + text[item.end():], encoding="utf-8", newline="\n")
    story.commit(f"修订 2026 年度计划：{ANNOUNCED_ITEM}（办公室）改为事先公告抽取（seed: announced）", "plans/2026.yaml")
    story.say(f"plans/2026.yaml：{ANNOUNCED_ITEM} 加上 seed: announced，提交 git")
    story.at("2026-12-01T11:00")
    record = story.record("plan", "approve", "--meeting", AMENDING_MEETING, "--approver", APPROVER, "--year", "2026",
                          "--date", "2026-12-01", "--operator", OPERATOR["bangongshi"])
    story.say(f"审批修订后的 2026 年度计划：{AMENDING_MEETING}（2026-12-01）→ {address(record)}")


def sangu_recusals(story: Story, record: dict[str, Any], keep: set[str]) -> str:
    """Recusals for one 三股 company until no reserve inspector qualifies: the last replacement is borrowed.

    The company chosen (outside ``keep``) is the one for which the fewest reserve inspectors qualify (a declared
    conflict rules one out), so that the story needs as few recusals as possible."""
    reserve = record["inspectors"]["reserve"]
    entity = min((e for e in selected(record) if e not in keep),
                 key=lambda e: sum(not conflicted(record, r, e) for r in reserve))
    team = team_of(record, entity)
    available = [r for r in reserve if not conflicted(record, r, entity)]
    reasons = ("利害关系回避", "因故不能执行检查", "其他")
    for n in range(len(available) + 1):
        story.at(f"2026-12-01T14:{10 * n:02d}")
        inspector = team[n % len(team)]
        if not available:
            recuse(story, record, inspector, entity, reasons[n % 3], "--from-section", "执法大队")
            return entity
        replacement = recuse(story, record, inspector, entity, reasons[n % 3])["replacement"]
        team[n % len(team)] = replacement
        available = [r for r in available if r != replacement]
    raise StoryError(f"{address(record)}：{story.name(entity)} 的回避没有用到 --from-section")


def office_announced_draw(story: Story) -> dict[str, Any]:
    """办公室 announces its draw before the lottery, and draws on the result the next morning."""
    story.at("2026-12-01T16:00")
    note = story.record("announce", "--section", SHORT["bangongshi"], "--source", LOTTERY_SOURCE,
                        "--not-before", LOTTERY_NOT_BEFORE, "--operator", OPERATOR["bangongshi"])
    story.say(f"公告 {address(note)}：种子取 {LOTTERY_SOURCE} 的开奖号码，{LOTTERY_NOT_BEFORE} 之前不能抽取")
    story.at("2026-12-02T09:00")
    record = story.record("draw", "--announcement", address(note), "--seed", ANNOUNCED_RESULT,
                          "--operator", OPERATOR["bangongshi"])
    story.say(f"按公告抽取 {address(record)}（{fairness_words(record)}）：种子 {record['seed']}，"
              f"{sum(s['k'] for s in record['strata'])} 家单位")
    return record


def zhifa_draw(story: Story) -> dict[str, Any]:
    """A few days later the 执法大队 draws its own item: the rest rule leaves out what others drew or checked."""
    story.at("2026-12-03T09:30")
    record = witnessed(story, "zhifa", WITNESSES_ZHIFA)
    if not record.get("rested"):
        raise StoryError(f"{address(record)} 没有因休息期排除任何单位（rested 为空）：故事需要这一条")
    return record


# ---------------------------------------------------------------------------------------------------------------
# Reports (第十九、二十条), filled in as a clerk fills the file ssj prefilled


def yaml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if value is None:
        return "null"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a double-quoted YAML scalar


def fill_report(path: Path, fields: dict[str, Any], contents: list[str]) -> None:
    """Set top-level fields (keeping each line's comment) and the list of contents checked."""
    text = path.read_text(encoding="utf-8")
    for key, value in fields.items():
        pattern = re.compile(rf"^{key}:.*?(\s+#[^\n]*)?$", re.M)
        if not pattern.search(text):
            raise StoryError(f"{path.name} 中没有字段 {key}")
        text = pattern.sub(lambda m, k=key, v=value: f"{k}: {yaml_value(v)}{m.group(1) or ''}", text, count=1)
    block = re.compile(r"^(contents:[^\n]*\n)((?:  - [^\n]*\n)*)", re.M)
    text = block.sub(lambda m: m.group(1) + "".join(f"  - {yaml_value(c)}\n" for c in contents), text, count=1)
    path.write_text(text, encoding="utf-8", newline="\n")


def report_fields(old: dict[str, Any], checked_on: dt.date, **more: Any) -> dict[str, Any]:
    fields = {"status": "已办结", "check_dates": [checked_on]}
    fields.update({k: old.get(k) for k in ("findings", "result", "handling", "suggestions", "rectification_deadline")})
    fields.update(major_violation=bool(old.get("major_violation")), **more)
    return fields


def new_report(story: Story, record: dict[str, Any], entity: str, old: dict[str, Any], checked_on: str,
               template_contents: bool = False) -> Path:
    out = story.ssj("report", "new", address(record), entity, "--json")
    path = story.root / json.loads(out)["file"]
    prefilled = yaml.safe_load(path.read_text(encoding="utf-8"))["contents"]
    kept = [c for c in old.get("contents") or [] if c in prefilled] or prefilled
    fill_report(path, report_fields(old, dt.date.fromisoformat(checked_on)), prefilled if template_contents else kept)
    return path


def yigu_report(story: Story, record: dict[str, Any], entity: str, old: OldMaterial) -> None:
    story.at("2026-12-02T10:00")
    path = new_report(story, record, entity, old.yigu, "2026-12-01")
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(folder) / old.photo_name
        photo.write_bytes(old.photo)
        story.ssj("report", "evidence", str(path), str(photo), "--note", old.photo_note)
    story.ssj("check")
    rel = path.relative_to(story.root).as_posix()
    story.commit(f"检查报告 {address(record)}：{story.name(entity)}（已办结，含现场照片）", "data/reports", "data/evidence")
    story.say(f"检查报告 {rel}（{old.yigu['result']}，证据材料 {old.photo_name}）")


def sangu_reports(story: Story, record: dict[str, Any], serious: str, rectified: str, old: OldMaterial) -> Path:
    story.at("2026-12-03T15:00")
    paths = []
    for entity, text in ((serious, old.serious), (rectified, old.rectified)):
        paths.append(new_report(story, record, entity, text, "2026-12-02"))
        story.say(f"检查报告 {paths[-1].relative_to(story.root).as_posix()}（{text['result']}）")
    story.ssj("check")
    story.commit(f"检查报告 {address(record)}：{story.name(serious)}、{story.name(rectified)}（已办结）", "data/reports")
    return paths[0]


def central_review(story: Story, path: Path, old: OldMaterial) -> None:
    story.at("2026-12-04T10:00")
    review = old.serious["review"]
    args = ["--decision", review["decision"], "--signed-by", review["signed_by"], "--date", "2026-12-04"]
    story.ssj("report", "review", str(path), *args, *(["--penalty", review["penalty"]] if review.get("penalty") else []))
    story.commit(f"集中审理：{path.stem}（重大违法行为，第二十条）", "data/reports")
    story.say(f"集中审理 {path.name}：{review.get('penalty') or review['decision']}")


def choose_sangu(story: Story, record: dict[str, Any]) -> tuple[str, str]:
    """The companies whose old reports fit them best: a wood works (dust explosion), a 汝瓷 works (kiln)."""
    ids = selected(record)

    def first(word: str, taken: tuple[str, ...] = ()) -> str:
        return next((e for e in ids if word in story.name(e) and e not in taken), next(e for e in ids if e not in taken))

    serious = first("木业")
    return serious, first("汝瓷", (serious,))


# ---------------------------------------------------------------------------------------------------------------
# Publication and the final checks


def publish_and_verify(story: Story) -> dict[str, Any]:
    story.at("2026-12-04T15:00")
    with tempfile.TemporaryDirectory(prefix="ssj-示例公示-") as folder:
        bundle = Path(folder) / "公示-2026-12-04"
        summary = json.loads(story.ssj("publish", "--out", str(bundle), "--operator", OPERATOR["bangongshi"], "--json"))
        story.say(f"公开 {summary['results']} 项检查结果（{summary['draws']} 次抽取），清单摘要 {summary['manifest_digest']}")
        result = subprocess.run([sys.executable, str(bundle / "verify.py"), str(bundle), "--digest",
                                 summary["manifest_digest"]], capture_output=True, text=True, encoding="utf-8")
        if story.verbose or result.returncode != 0:
            sys.stdout.write(result.stdout + result.stderr)
        if result.returncode != 0:
            raise StoryError(f"公示包的 verify.py 以退出码 {result.returncode} 结束（见上面的输出）")
        story.say("公示包 verify.py --digest 核验通过（公示包本身不保留，台账里只留公开记录）")
    return summary


def final_checks(story: Story) -> str:
    for command in (["check"], ["log"], ["plan", "status"]):
        story.ssj(*command)
    verified = story.ssj("verify-ledger")
    status = story.git("status", "--porcelain", "--untracked-files=all")
    if status.strip():
        raise StoryError("故事结束后工作区还有未提交的文件：\n" + status.rstrip())
    return verified


def make_history(story: Story, old: OldMaterial) -> None:
    story.at("2026-11-30T09:30")
    approve_plans(story)
    yigu, yigu_entity = yigu_draw_and_recusal(story)
    sangu = sangu_draw(story)
    zhihui_void_and_redraw(story)
    zhifa_targeted(story)
    require_announcement(story)
    serious, rectified = choose_sangu(story, sangu)
    sangu_recusals(story, sangu, {serious, rectified})
    office_announced_draw(story)
    yigu_report(story, yigu, yigu_entity, old)
    zhifa_draw(story)
    review_path = sangu_reports(story, sangu, serious, rectified, old)
    central_review(story, review_path, old)
    publish_and_verify(story)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="用 ssj 重新生成示例单位的台账历史（格式 2）。")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1],
                        help="数据仓库目录（默认：本脚本所在的仓库）")
    parser.add_argument("--verbose", action="store_true", help="同时显示 ssj 每个命令的输出")
    options = parser.parse_args(argv)
    started = time.monotonic()
    os.environ.update(IDENTITY)
    try:
        import shuangsuiji.cli  # noqa: F401  (fail early, with a clear message, when ssj is not installed)
    except ImportError:
        print("找不到 ssj（shuangsuiji）：请用装有 ssj 的 Python 运行，如 .venv/bin/python docs/example_history.py",
              file=sys.stderr)
        return 1
    story = Story(options.repo.resolve(), options.verbose)
    try:
        require_clean(story)
        old = salvage(story.root)
        story.at("2026-11-30T08:30")
        remove_old_history(story)
        make_history(story, old)
        verified = final_checks(story)
    except StoryError as problem:
        print(f"停止：{problem}", file=sys.stderr)
        return 1
    print("\n" + verified.rstrip())
    print(f"\n完成：示例历史已重新生成（{len(story.git('log', '--format=%h', '--', 'data/ledger').split())} 个台账提交），"
          f"用时 {time.monotonic() - started:.1f} 秒。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
