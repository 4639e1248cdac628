"""A copy of the example bureau with one 二股 draw and one 一股 draw (2026-12-01), made once per session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import copy_example, run_ssj

ERGU = ("draw", "--section", "二股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", "--json")
YIGU = ("draw", "--section", "一股", "--ratio", "0.1", "--seed", "1 2 3 4 5 6", "--json")


@pytest.fixture(scope="session")
def drawn_template(tmp_path_factory: pytest.TempPathFactory, frozen_clock) -> dict:
    root = copy_example(tmp_path_factory.mktemp("documents") / "汝州")
    (root / ".gitignore").write_text(".ssj/\n", encoding="utf-8")
    records = {}
    for name, args in (("ergu", ERGU), ("yigu", YIGU)):
        code, out, err = run_ssj(root, *args)
        assert code == 0, out + err
        records[name] = json.loads(out)
    return {"root": root, **records}


@pytest.fixture
def drawn(drawn_template: dict, tmp_path: Path) -> dict:
    """A fresh copy of the drawn bureau (its ledger index is rebuilt, never shared)."""
    root = tmp_path / "汝州"
    shutil.copytree(drawn_template["root"], root, ignore=shutil.ignore_patterns("index.sqlite*", "*.lock"))
    return {**drawn_template, "root": root}
