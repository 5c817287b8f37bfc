"""CLI for the offices: `flask officers create|create-token|revoke-token|reset-password|deactivate|activate`
and `flask notify renewals|announce`."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import AppGroup

from bot.db import db
from bot.models import Officer
from bot.office.accounts import reset_password, revoke_tokens, set_active
from bot.office.announcements import AnnouncementError, announce
from bot.office.officers import (
    AccountError,
    check_password,
    create_officer,
    create_token,
    normalize_username,
    officer_by_username,
)
from bot.office.renewals import MAX_WINDOW_DAYS, send_renewal_reminders

officers = AppGroup("officers", help="Officer accounts and API tokens.")
notify = AppGroup("notify", help="Notifications the office sends: renewal reminders, announcements.")


@officers.command("create")
@click.argument("username")
@click.option("--province", required=True, help="Thai province name of the officer's office, e.g. เชียงใหม่.")
@click.option("--admin", is_flag=True, help="Sees and changes applications of every province.")
@click.option("--password", help="For scripts; otherwise prompted (hidden, with confirmation).")
def create_officer_command(username: str, province: str, admin: bool, password: str | None) -> None:
    """Create an officer with a hashed password."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _account_change():
        check_password(password)
        officer = create_officer(db.session(), username, password, province, is_admin=admin)
    role = "admin (all provinces)" if officer.is_admin else f"province {officer.province}"
    click.echo(f"created officer {officer.username}: {role}")


@officers.command("create-token")
@click.argument("username")
def create_token_command(username: str) -> None:
    """Print a new API token for USERNAME (shown once; only its SHA-256 is stored)."""
    officer = officer_by_username(db.session(), username)
    if officer is None or not officer.active:
        raise click.ClickException(f"no active officer {username!r}")
    token = create_token(db.session(), officer)
    db.session.commit()
    click.echo(token)
    click.echo("keep this token secret: it is shown only once (use: Authorization: Bearer <token>)", err=True)


def _officer(username: str) -> Officer:
    officer = officer_by_username(db.session(), username)
    if officer is None:
        raise click.ClickException(f"no officer {username!r}")
    return officer


@officers.command("revoke-token")
@click.argument("username")
def revoke_token_command(username: str) -> None:
    """Revoke every API token of USERNAME (they stop working at once)."""
    count = revoke_tokens(db.session(), _officer(username))
    db.session.commit()
    click.echo(f"revoked {count} token(s) of {normalize_username(username)}")


@officers.command("reset-password")
@click.argument("username")
@click.option("--password", help="For scripts; otherwise prompted (hidden, with confirmation).")
def reset_password_command(username: str, password: str | None) -> None:
    """Set a new password for USERNAME; their open console sessions end."""
    officer = _officer(username)
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    with _account_change():
        reset_password(db.session(), officer, password)
    click.echo(f"password of {officer.username} reset; their console sessions have ended")


@officers.command("deactivate")
@click.argument("username")
def deactivate_command(username: str) -> None:
    """Deactivate USERNAME: their console sessions and API tokens stop working at once."""
    _set_active(username, False)


@officers.command("activate")
@click.argument("username")
def activate_command(username: str) -> None:
    """Let a deactivated USERNAME log in again (their revoked tokens stay revoked)."""
    _set_active(username, True)


def _set_active(username: str, active: bool) -> None:
    officer = _officer(username)
    with _account_change():
        set_active(db.session(), officer, active)
    click.echo(f"{officer.username} is now {'active' if active else 'deactivated'}")


@contextmanager
def _account_change() -> Iterator[None]:
    """Commit what the block changes; an AccountError rolls it back and becomes the command's error message."""
    try:
        yield
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None


@notify.command("renewals")
@click.option("--days", type=click.IntRange(1, MAX_WINDOW_DAYS), default=90, show_default=True,
              help="Remind certificates that expire within this many days.")
def renewals_command(days: int) -> None:
    """Remind linked LINE users whose certificate expires soon (once per certificate per window)."""
    run = send_renewal_reminders(db.session(), days)
    click.echo(f"certificates reminded: {run.certificates}, pushes queued: {run.pushes}")


@notify.command("announce")
@click.option("--category", required=True, help="Category key from knowledge/categories.yaml, e.g. food.")
@click.option("--text-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="UTF-8 text file with the announcement.")
@click.option("--dry-run", is_flag=True, help="Only count the recipients.")
def announce_command(category: str, text_file: Path, dry_run: bool) -> None:
    """Multicast an announcement to followers who chose CATEGORY (≤ 500 recipients per request)."""
    try:
        text = text_file.read_text(encoding="utf-8-sig")
        result = announce(db.session(), category, text, dry_run=dry_run)
    except (AnnouncementError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from None
    verb = "would reach" if dry_run else "queued for"
    click.echo(f"announcement {verb} {result.recipients} followers in {result.requests} multicast request(s)")
