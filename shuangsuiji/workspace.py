"""A bureau's repository on disk: where it is, how to load it, where ssj keeps its own state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shuangsuiji import clock, paths
from shuangsuiji.clock import DEFAULT_TIMEZONE
from shuangsuiji.errors import DataError, SsjError
from shuangsuiji.registry.cache import ModelCache
from shuangsuiji.registry.checks import check_dataset
from shuangsuiji.registry.loading import Dataset, Progress, load_dataset
from shuangsuiji.registry.sources import WorkingTree


@dataclass(frozen=True)
class Workspace:
    """The bureau repository rooted at ``root``."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Workspace:
        """The repository containing ``start`` (default: the current folder)."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / paths.BUREAU).is_file():
                return cls(folder)
        raise SsjError(
            f"{here} 不是 ssj 的数据仓库：找不到 {paths.BUREAU}。"
            "请进入仓库目录再运行，或用 --repo 指定；新单位可用“ssj init 目录”创建"
        )

    @property
    def state_dir(self) -> Path:
        """``.ssj/``: caches and the lock file (git-ignored)."""
        return self.root / paths.STATE_DIR

    def load(self, progress: Progress | None = None) -> Dataset:
        """Every file, validated (problems collected, not raised)."""
        return load_dataset(WorkingTree(self.root), ModelCache(self.state_dir / "cache"), progress)

    def load_checked(
        self, today: dt.date | None = None, progress: Progress | None = None, plan_years: set[int] | None = None
    ) -> Dataset:
        """Every file, validated and cross-checked; refuses when any error remains.

        With ``plan_years``, problems in the plans of other years are left to ``ssj check``: a draft of next
        year's plan must not stop this year's draws.
        """
        return self.checked(self.load(progress), today, plan_years)

    def checked(self, data: Dataset, today: dt.date | None = None, plan_years: set[int] | None = None) -> Dataset:
        """``data`` (as :meth:`load` gave it) cross-checked; refuses when any error remains (see :meth:`load_checked`)."""
        check_dataset(data, today or self.today(data))
        ignored = {paths.plan_path(year) for year in _plan_years(data)} - {paths.plan_path(y) for y in plan_years or ()}
        errors = [p for p in data.errors if plan_years is None or p.path not in ignored]
        if errors:
            raise DataError(f"数据有 {len(errors)} 处错误，请先运行 ssj check 并改正", errors)
        return data

    def timezone(self, data: Dataset) -> str:
        """The bureau's time zone; ``ssj check`` reports a bad one, everything else uses the default."""
        name = data.bureau.timezone if data.bureau is not None else DEFAULT_TIMEZONE
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return DEFAULT_TIMEZONE
        return name

    def today(self, data: Dataset) -> dt.date:
        """Today in the bureau's time zone."""
        return clock.local_today(self.timezone(data))

    def now(self, data: Dataset) -> dt.datetime:
        """Now in the bureau's time zone."""
        return clock.local_now(self.timezone(data))


def _plan_years(data: Dataset) -> set[int]:
    """Years of every plan file present, loaded or not."""
    years = set(data.plans)
    for path in data.inputs:
        name = path.removeprefix(paths.PLANS_DIR + "/").removesuffix(".yaml")
        if path.startswith(paths.PLANS_DIR + "/") and name.isdigit():
            years.add(int(name))
    return years
