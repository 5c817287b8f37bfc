"""The privacy package's one wiring point, called by `create_app`: the `privacy` CLI group and the console
pages (importing `bot.privacy.console` registers them on the console blueprint); `run_due` is the worker's
daily retention check (called before each claim, with the other `Responder.prepare` jobs)."""
from __future__ import annotations

from flask import Flask

from bot.privacy import console  # noqa: F401  (registers the console's personal-data routes)
from bot.privacy.cli import privacy_cli
from bot.privacy.retention import run_due

__all__ = ["init_app", "run_due"]


def init_app(app: Flask) -> None:
    """Register the `privacy` command group."""
    app.cli.add_command(privacy_cli)
