"""`flask --app app knowledge load`, `knowledge import-standards FILE` and `knowledge sync-tisi`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from bot.config import tisi_standard_list_url
from bot.db import db
from bot.directory.data import OfficesFileError
from bot.directory.store import seed_offices
from bot.knowledge.standards_file import StandardsFileError, read_standards_file
from bot.knowledge.store import SyncReport, import_rows, load_files
from bot.knowledge.sync import TisiSyncReport, sync_tisi_catalogue
from bot.knowledge.tisi import Catalogue, crawl, read_saved
from bot.knowledge.tisi_client import DEFAULT_DELAY, DEFAULT_RETRIES, DEFAULT_TIMEOUT, TisiClient
from bot.knowledge.tisi_page import TisiError
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
    """Sync knowledge/standards.csv, aliases.csv and offices.yaml into the database (safe to re-run)."""
    folder = knowledge_dir or Path(current_app.config["KNOWLEDGE_DIR"])
    try:
        report = load_files(db.session(), folder)
        offices = seed_offices(db.session(), folder)
    except (KnowledgeError, OfficesFileError, OSError) as exc:
        db.session.rollback()
        raise click.ClickException(f"cannot load {folder}: {exc}") from exc
    except Exception:
        db.session.rollback()
        raise
    click.echo(offices.line())
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


def _read_catalogue(url: str, from_path: Path | None, delay: float, timeout: float, retries: int) -> Catalogue:
    """The complete list, from the site or from saved pages; `TisiError` when it cannot be read whole."""
    if from_path is not None:
        try:
            return read_saved(from_path, url)
        except OSError as exc:
            raise TisiError(f"อ่าน {from_path.name} ไม่ได้: {exc.strerror}", f"cannot read {from_path.name}: {exc}") from exc
    with TisiClient(delay=delay, timeout=timeout, retries=retries) as client:
        return crawl(url, client)


def _echo_tisi_report(report: TisiSyncReport, catalogue: Catalogue, dry_run: bool) -> None:
    """One line per difference, then a summary in Thai and in English, then what happened."""
    click.echo(f"อ่านครบ {catalogue.pages} หน้า {report.listed} มาตรฐาน / "
               f"read all {catalogue.pages} page(s), {report.listed} standards ({catalogue.location})")
    if catalogue.duplicates:
        click.echo(f"แถวซ้ำ {catalogue.duplicates} แถว (ไม่นับ) / {catalogue.duplicates} repeated row(s) ignored")
    for code in report.added:
        click.echo(f"ใหม่ / new               {code}")
    for old, new in report.superseded:
        click.echo(f"ฉบับใหม่แทน / superseded  {old} → {new}")
    for code, old_title, new_title in report.retitled:
        click.echo(f"เปลี่ยนชื่อ / retitled     {code}: {old_title} → {new_title}")
    for code in report.updated:
        click.echo(f"ปรับ / updated            {code} (ชื่ออังกฤษหรือลิงก์ PDF / English title or PDF link)")
    for code in report.withdrawn:
        click.echo(f"ไม่อยู่ในรายการแล้ว / withdrawn  {code}")
    for code in report.reinstated:
        click.echo(f"กลับมาในรายการ / listed again  {code}")
    counts = (len(report.added), len(report.superseded), len(report.retitled), len(report.updated),
              len(report.withdrawn), len(report.reinstated), report.unchanged)
    click.echo("สรุป: ใหม่ {} ฉบับใหม่แทน {} เปลี่ยนชื่อ {} ปรับ {} ไม่อยู่ในรายการแล้ว {} กลับมา {} เหมือนเดิม {}"
               .format(*counts))
    click.echo("summary: {} new, {} superseded, {} retitled, {} updated, {} withdrawn, {} listed again, "
               "{} unchanged".format(*counts))
    if dry_run:
        click.echo("ทดลองเท่านั้น: ยังไม่ได้บันทึกอะไร / dry run: nothing was saved")
    elif report.version is not None:
        seconds = current_app.config["KNOWLEDGE_REFRESH_SECONDS"]
        click.echo(f"บันทึกแล้ว (knowledge version {report.version}) บอทที่ทำงานอยู่ใช้รายการใหม่ภายใน {seconds:g} วินาที / "
                   f"saved: knowledge version {report.version}, running bots pick this up within {seconds:g} s")
    else:
        click.echo("ไม่มีอะไรเปลี่ยน: รายการในฐานข้อมูลตรงกับรายชื่อของ สมอ. แล้ว (บันทึกเวลาที่ตรวจไว้) / "
                   "nothing changed: the catalogue already matches TISI's list (the check was recorded)")


@knowledge_cli.command("sync-tisi")
@click.option("--url", default=None, metavar="URL",
              help="TISI's list page (default: TISI_STANDARD_LIST_URL); with --from, where the pages came from.")
@click.option("--from", "from_path", type=click.Path(exists=True, path_type=Path), default=None, metavar="PATH",
              help="Read pages saved from a browser (a file, or a folder of .html/.htm files) instead.")
@click.option("--dry-run", is_flag=True, help="Print the differences, save nothing.")
@click.option("--delay", type=click.FloatRange(min=0), default=DEFAULT_DELAY, show_default=True,
              help="Seconds between two requests (retries back off from it).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds to wait for one answer.")
@click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True,
              help="Retries of a failed request.")
def sync_tisi_command(url: str | None, from_path: Path | None, dry_run: bool, delay: float, timeout: float,
                      retries: int) -> None:
    """Sync the standards with TISI's official list (every page), in one transaction.

    New standards and editions are added (an older edition is superseded), titles and PDF links
    updated, and standards no longer listed are marked withdrawn (kept, never offered). Nothing is
    saved unless every page was read; exit status 1 says what went wrong.
    """
    try:
        catalogue = _read_catalogue(url or tisi_standard_list_url(), from_path, delay, timeout, retries)
        report = sync_tisi_catalogue(db.session(), catalogue)
    except TisiError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.message_th} — ไม่ได้บันทึกอะไร\n"
                                   f"{exc.message_en} — nothing was saved") from exc
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    _echo_tisi_report(report, catalogue, dry_run)
