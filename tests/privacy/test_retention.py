"""Retention: `flask privacy purge [--dry-run]` and the worker's daily run erase the applicant's personal data
of applications closed longer than PERSONAL_DATA_RETENTION_DAYS (audit-logged as the system)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.config import ConfigError, _retention_days
from bot.db import db, utcnow
from bot.models import Application, ApplicationLink
from bot.privacy.applicant import PLACEHOLDER
from bot.privacy.model import PrivacyAudit
from bot.privacy.retention import run_due
from tests.status_helpers import days_ago, link_user, new_application, new_user


def _closed(app, number: str, stage: str, closed_days_ago: int, expires_days_ago: int | None = None) -> None:
    """An application that reached the terminal ``stage`` that many days ago (and its certificate's expiry)."""
    new_application(app, number, submitted=days_ago(closed_days_ago + 30))
    with app.app_context():
        db.session.execute(update(Application).where(Application.number == number).values(
            stage=stage, stage_entered_on=days_ago(closed_days_ago),
            certificate_expires_on=days_ago(expires_days_ago) if expires_days_ago is not None else None))
        db.session.commit()


@pytest.fixture
def closed(db_app):
    _closed(db_app, "60/0001", "withdrawn", 800)
    _closed(db_app, "60/0002", "rejected", 731)
    _closed(db_app, "60/0003", "returned", 10)  # closed recently: kept
    _closed(db_app, "60/0004", "cert_issued", 1200, expires_days_ago=-300)  # certificate still valid: kept
    _closed(db_app, "60/0005", "cert_issued", 1900, expires_days_ago=800)  # expired long ago: erased
    new_application(db_app, "60/0006", submitted=days_ago(2000))  # old but still open: kept
    link_user(db_app, new_user(), "60/0001")
    return ["60/0001", "60/0002", "60/0005"]


def _names(app) -> dict[str, str]:
    with app.app_context():
        return {a.number: a.applicant.name for a in db.session.scalars(select(Application))}


def _audit(app) -> list[tuple[str, str, str | None, int | None]]:
    with app.app_context():
        return [(r.action, r.actor, r.application_number, r.count)
                for r in db.session.scalars(select(PrivacyAudit).order_by(PrivacyAudit.id))]


def test_dry_run_lists_and_changes_nothing_then_the_purge_erases_and_audits(db_app, closed):
    runner = db_app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would erase the personal data of 3 application(s) closed more than 730 days ago" in dry.output
    assert all(number in dry.output for number in closed) and "60/0003" not in dry.output
    assert PLACEHOLDER not in _names(db_app).values() and _audit(db_app) == []

    real = runner.invoke(args=["privacy", "purge"])
    assert real.exit_code == 0 and "erased the personal data of 3 application(s)" in real.output
    names = _names(db_app)
    assert {n for n, name in names.items() if name == PLACEHOLDER} == set(closed)
    assert len(names) == 6  # every record stays with the office
    with db_app.app_context():
        assert db.session.scalars(select(ApplicationLink)).all() == []
    assert _audit(db_app) == [*(("erase", "system", n, None) for n in closed), ("retention_run", "system", None, 3)]

    again = runner.invoke(args=["privacy", "purge"])
    assert "erased the personal data of 0 application(s)" in again.output


def test_a_shorter_period_on_the_command_line_and_zero_keeps_everything(db_app, closed):
    runner = db_app.test_cli_runner()
    assert "of 4 application(s) closed more than 5 days ago" in \
        runner.invoke(args=["privacy", "purge", "--dry-run", "--days", "5"]).output
    db_app.config["PERSONAL_DATA_RETENTION_DAYS"] = 0
    off = runner.invoke(args=["privacy", "purge"])
    assert off.exit_code == 0 and "retention is off" in off.output
    assert PLACEHOLDER not in _names(db_app).values()
    assert runner.invoke(args=["privacy", "purge", "--days", "-1"]).exit_code != 0


def test_the_worker_runs_it_once_a_day(db_app, closed):
    with db_app.app_context():
        assert run_due(check_every=0) == 3
        _closed(db_app, "60/0007", "withdrawn", 900)
        assert run_due(check_every=0) == 0  # it ran less than a day ago (in any process)
        assert run_due(utcnow() + timedelta(days=1, minutes=1), check_every=0) == 1
        db_app.config["PERSONAL_DATA_RETENTION_DAYS"] = 0
        _closed(db_app, "60/0008", "withdrawn", 900)
        assert run_due(utcnow() + timedelta(days=3), check_every=0) == 0
    assert [a for a in _audit(db_app) if a[0] == "retention_run"] == [
        ("retention_run", "system", None, 3), ("retention_run", "system", None, 1)]


@pytest.mark.parametrize(("raw", "days"), [(None, 730), ("", 0), ("0", 0), (" 365 ", 365)])
def test_the_setting(raw, days):
    assert _retention_days(raw) == days


@pytest.mark.parametrize("raw", ["two years", "-5", "1.5"])
def test_a_wrong_setting_says_what_to_fix(raw):
    with pytest.raises(ConfigError, match="PERSONAL_DATA_RETENTION_DAYS must be a whole number of days"):
        _retention_days(raw)
