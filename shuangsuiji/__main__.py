"""``python -m shuangsuiji`` runs ssj."""

from .cli import run

run()
