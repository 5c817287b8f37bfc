"""`flask --app app privacy purge [--dry-run] [--days N]`: the retention purge by hand (the worker runs it daily)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from bot.db import db
from bot.privacy.retention import purge

privacy_cli = AppGroup("privacy", help="Personal data: the retention purge.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what would be erased.")
@click.option("--days", type=click.IntRange(0), default=None,
              help="Retention in days (default: PERSONAL_DATA_RETENTION_DAYS; 0 keeps everything).")
def purge_command(dry_run: bool, days: int | None) -> None:
    """Erase the applicant's personal data of applications closed longer than the retention period."""
    days = int(current_app.config.get("PERSONAL_DATA_RETENTION_DAYS") or 0) if days is None else days
    if days <= 0:
        click.echo("retention is off (PERSONAL_DATA_RETENTION_DAYS is 0 or empty): nothing erased")
        return
    numbers = purge(db.session(), days, dry_run=dry_run)
    db.session.commit()
    verb = "would erase" if dry_run else "erased"
    click.echo(f"{verb} the personal data of {len(numbers)} application(s) closed more than {days} days ago")
    for number in numbers:
        click.echo(f"  {number}")
