"""`flask --app app knowledge load` and `flask --app app knowledge import-standards FILE`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from bot.db import db
from bot.knowledge.standards_file import StandardsFileError, read_standards_file
from bot.knowledge.store import SyncReport, import_rows, load_files
from bot.nlp.knowledge import KnowledgeError

knowledge_cli = AppGroup("knowledge", help="Standards and aliases in the database (มผช.).")


def _echo_report(report: SyncReport, dry_run: bool) -> None:
    """Print what changed, one line per standard, then a summary line."""
    for code in report.added:
        click.echo(f"added       {code}")
    for code in report.updated:
        click.echo(f"updated     {code}")
    for old, new in report.superseded:
        click.echo(f"superseded  {old} → {new}")
    summary = (f"standards: {len(report.added)} added, {len(report.updated)} updated, "
               f"{len(report.superseded)} superseded, {report.unchanged} unchanged")
    if report.aliases_added or report.aliases_updated or report.aliases_removed or report.aliases_kept:
        summary += (f"; aliases: {report.aliases_added} added, {report.aliases_updated} updated, "
                    f"{report.aliases_removed} removed, {report.aliases_kept} added by officers kept")
    click.echo(summary)
    if dry_run:
        click.echo("dry run: nothing was saved")
    elif report.version is not None:
        click.echo(f"knowledge version {report.version}: running bots pick this up within "
                   f"{current_app.config['KNOWLEDGE_REFRESH_SECONDS']:g} s")
    else:
        click.echo("nothing changed")


def _finish(report: SyncReport, dry_run: bool) -> None:
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    _echo_report(report, dry_run)


@knowledge_cli.command("load")
@click.option("--dir", "knowledge_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="Knowledge folder (default: KNOWLEDGE_DIR, i.e. knowledge/).")
@click.option("--dry-run", is_flag=True, help="Show what would change, save nothing.")
def load_command(knowledge_dir: Path | None, dry_run: bool) -> None:
    """Sync knowledge/standards.csv and aliases.csv into the database (safe to re-run)."""
    folder = knowledge_dir or Path(current_app.config["KNOWLEDGE_DIR"])
    try:
        report = load_files(db.session(), folder)
    except (KnowledgeError, OSError) as exc:
        db.session.rollback()
        raise click.ClickException(f"cannot load {folder}: {exc}") from exc
    except Exception:
        db.session.rollback()
        raise
    _finish(report, dry_run)


@knowledge_cli.command("import-standards")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change, save nothing.")
def import_standards_command(file: Path, dry_run: bool) -> None:
    """Import TISI's list of community product standards (CSV or XLSX) in one transaction.

    Needs a code column and a name column (Thai or English headers); codes such as
    มผช.129/2546, มผช 129-2546, TCPS 129/2546 or Thai digits are accepted. A malformed row
    stops the import with its line number and nothing is saved.
    """
    try:
        rows = read_standards_file(file)
    except StandardsFileError as exc:
        raise click.ClickException(f"{file.name}: {exc} — nothing was imported") from exc
    if not rows:
        raise click.ClickException(f"{file.name}: no standard rows found — nothing was imported")
    try:
        report = import_rows(db.session(), rows)
    except Exception:
        db.session.rollback()
        raise
    _finish(report, dry_run)
