"""Shared fixtures: a copy of the example bureau in tmp_path, and a way to run ssj in it."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shuangsuiji.cli import main
from shuangsuiji.registry.loading import load_bureau
from tests.helpers import Result, copy_example, git


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ssj's model cache for the example, warmed once per session (keyed by content: an edited file is a miss)."""
    from shuangsuiji.workspace import Workspace

    root = copy_example(tmp_path_factory.mktemp("warm"))
    load_bureau(Workspace(root))
    return root / ".ssj"


@pytest.fixture
def bureau(tmp_path: Path, warm_cache: Path) -> Path:
    """A copy of the example bureau outside git, its cache warm and `.ssj/` git-ignored as `ssj init` does."""
    root = copy_example(tmp_path / "汝州")
    shutil.copytree(warm_cache, root / ".ssj")
    (root / ".gitignore").write_text(".ssj/\n", encoding="utf-8")
    return root


@pytest.fixture
def git_bureau(bureau: Path) -> Path:
    """The example bureau as a git repository with one commit."""
    git(bureau, "init", "-q", "-b", "main")
    git(bureau, "config", "user.name", "测试员")
    git(bureau, "config", "user.email", "tester@example.invalid")
    git(bureau, "add", "-A")
    git(bureau, "commit", "-q", "-m", "示例数据")
    return bureau


SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The frozen "now" of every test, so that the suite means the same thing next year.
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)


class Clock:
    """The clock ssj sees in a test (``shuangsuiji.clock.local_now`` is patched to read it)."""

    def __init__(self) -> None:
        self.now = NOW

    def set(self, when: str) -> None:
        """Move to a date (09:00 that day) or an ISO date-time."""
        moment = dt.datetime.fromisoformat(when if "T" in when else f"{when}T09:00:00")
        self.now = moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


@pytest.fixture(scope="session", autouse=True)
def frozen_clock() -> Iterator[Clock]:
    """Freeze ssj's clock at 2026-12-01 09:00 in Shanghai for the whole session (module fixtures included)."""
    frozen = Clock()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("shuangsuiji.clock.local_now",
                      lambda timezone="Asia/Shanghai": frozen.now.astimezone(ZoneInfo(timezone)))
        yield frozen


@pytest.fixture(scope="session", autouse=True)
def repack_in_place() -> Iterator[None]:
    """ssj's repack after a commit runs before the command returns, not detached (SSJ_GIT_REPACK=wait): a test
    that copies or deletes its repository never races a repack (the detached mode has its own test)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSJ_GIT_REPACK", "wait")
        yield


@pytest.fixture(autouse=True)
def clock(frozen_clock: Clock) -> Iterator[Clock]:
    """The frozen clock; a test may move it, and it is back at 2026-12-01 09:00 for the next one."""
    yield frozen_clock
    frozen_clock.now = NOW


#: Commands whose ``--date`` is the day they are run on (ssj refuses back-dated draws).
_RUN_ON_DATE = ("draw", "announce", "targeted")


@pytest.fixture
def ssj(capsys: pytest.CaptureFixture[str], clock: Clock) -> Callable[..., Result]:
    """Run ``ssj`` in-process: ``ssj(root, "check")`` → Result(code, out, err).

    A ``draw``/``announce``/``targeted`` given ``--date D`` with D before the frozen day runs as if on day D.
    """

    def run(root: Path, *args: str) -> Result:
        capsys.readouterr()
        saved = clock.now
        if args and args[0] in _RUN_ON_DATE and "--date" in args:
            day = args[args.index("--date") + 1]
            if len(day) == 10 and day[4] == "-" and day < clock.now.date().isoformat():
                clock.set(day)
        try:
            code = main(["--repo", str(root), *args])
        finally:
            clock.now = saved
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run
