"""`flask certificates import FILE` (CSV or XLSX, all rows or none) and `flask certificates expire`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from bot.cases.applications import today_in_thailand
from bot.certificates.importer import import_certificates
from bot.certificates.records import expire_due
from bot.db import db
from bot.sheets import SheetRejected

certificates_cli = AppGroup("certificates", help="Certificate records: import the offices' sheets, expire.")


@certificates_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import certificates from FILE (header number,standard_code,product,holder_name,province,issued_on,
    expires_on,state). Nothing is written unless every row is valid; the same file twice changes nothing."""
    try:
        result = import_certificates(db.session(), file.read_bytes(), file.name)
    except SheetRejected as exc:
        db.session.rollback()
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"ไม่ได้นำเข้าเลย: พบปัญหา {len(exc.problems)} จุด / nothing imported: "
                                   f"{len(exc.problems)} problem(s)") from None
    db.session.commit()
    click.echo(f"rows: {result.rows}, created: {result.created}, updated: {result.updated}, "
               f"unchanged: {result.rows - result.created - result.updated}")


@certificates_cli.command("expire")
def expire_command() -> None:
    """Mark valid certificates whose expiry date has passed as expired (the worker also does it daily)."""
    count = expire_due(db.session(), today_in_thailand())
    db.session.commit()
    click.echo(f"certificates expired: {count}")
