"""``python -m shuangsuiji`` runs ssj."""

from shuangsuiji.cli import run

run()
