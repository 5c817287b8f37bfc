"""The running bot picks up imported standards and officers' aliases without a restart.

มผช. 9001/2566 and 9003/2566 are fictitious codes made up for these tests.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from sqlalchemy import create_engine

from app import create_app
from bot.db import db
from bot.knowledge.brain import BrainHolder, default_brain, holder_for, refresh_brain
from bot.knowledge.store import bump_knowledge_version, records_from_db
from bot.models import Officer, Standard, StandardAlias
from bot.nlp.knowledge import load_knowledge
from tests.conftest import base_config
from tests.handlers.test_product_flow import bubble_codes, checked
from tests.helpers import say

USER = "U" + "e" * 32


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def load(app) -> None:
    result = app.test_cli_runner().invoke(args=["knowledge", "load"])
    assert result.exit_code == 0, result.output


def other_process(app, line_api_url: str):
    """A second app on the same database: what a CLI run or another worker process sees."""
    return create_app(base_config(app.config["SQLALCHEMY_DATABASE_URI"], line_api_url))


def test_empty_database_uses_the_knowledge_files(db_app):
    with db_app.app_context():
        assert refresh_brain() is default_brain()
        assert holder_for(db_app).version == 0


def test_database_with_the_same_knowledge_shares_the_built_brain(db_app):
    load(db_app)
    with db_app.app_context():
        assert refresh_brain() is default_brain()  # identical content: nothing rebuilt
        assert holder_for(db_app).version == 1


def test_the_files_brain_is_shared_after_other_brains_filled_the_cache(db_app):
    """However many other catalogues were built in this process since, an app on an empty database answers
    with the files' brain itself, not a second copy of it."""
    import bot.knowledge.brain as brain_module
    from bot.nlp.records import AliasRecord

    files = default_brain()
    bundle = load_knowledge()
    for i in range(brain_module.CACHE_SIZE + 1):
        brain_module.brain_for(bundle._replace(aliases=[*bundle.aliases, AliasRecord(f"ทดสอบ{i}", 1, "test")]))
    assert brain_module.brain_for(load_knowledge()) is files
    with db_app.app_context():
        assert refresh_brain() is files


def test_bot_sees_a_standard_imported_by_another_process_without_restart(db_app, fake_line, line_api_url, tmp_path):
    load(db_app)
    clock = Clock()
    holder_for(db_app).clock = clock
    before = checked(say(db_app, fake_line, USER, "ขายตุ้บตั้บค่ะ"))
    assert not [m for m in before if m["type"] == "flex"]

    path = tmp_path / "tisi.csv"
    path.write_text("รหัส,ชื่อ,หมวด\nมผช. 9003/2566,ตุ้บตั้บ,อาหาร\n", encoding="utf-8")
    importer = other_process(db_app, line_api_url)
    result = importer.test_cli_runner().invoke(args=["knowledge", "import-standards", str(path)])
    assert result.exit_code == 0, result.output
    with importer.app_context():
        db.engine.dispose()

    # Within the refresh interval the bot still answers from what it has (a cheap check, not every event).
    checks = holder_for(db_app).checks
    still = checked(say(db_app, fake_line, USER, "ขายตุ้บตั้บค่ะ"))
    assert not [m for m in still if m["type"] == "flex"] and holder_for(db_app).checks == checks

    clock.now += db_app.config["KNOWLEDGE_REFRESH_SECONDS"] + 0.1
    after = checked(say(db_app, fake_line, USER, "ขายตุ้บตั้บค่ะ"))
    assert bubble_codes(after) == ["มผช. 9003/2566"]
    brain = holder_for(db_app).brain
    # The intent classifier learnt the new product word from the same knowledge.
    assert brain.classifier.classify("ตุ้บตั้บ").intent == "product_standard"
    assert default_brain().classifier.classify("ตุ้บตั้บ").intent != "product_standard"


def test_import_in_the_same_process_is_seen_at_the_next_message(db_app, fake_line, tmp_path):
    load(db_app)
    checked(say(db_app, fake_line, USER, "ผ้าไหมค่ะ"))
    path = tmp_path / "tisi.csv"
    path.write_text("รหัส,ชื่อ\nมผช. 9001/2566,ผ้าไหม\n", encoding="utf-8")
    assert db_app.test_cli_runner().invoke(args=["knowledge", "import-standards", str(path)]).exit_code == 0
    assert bubble_codes(checked(say(db_app, fake_line, USER, "ผ้าไหมค่ะ"))) == ["มผช. 9001/2566"]


def test_officer_alias_with_a_version_bump_reaches_the_matcher(db_app, fake_line):
    load(db_app)
    first = checked(say(db_app, fake_line, USER, "แต๋นแม่ศรีค่ะ ขอ มผช อะไร"))
    assert not [m for m in first if m["type"] == "flex"]
    with db_app.app_context():
        officer = Officer(username="malee", password_hash="x", province="แพร่")
        db.session.add(officer)
        db.session.flush()
        db.session.add(StandardAlias(alias="แต๋นแม่ศรี", standard_number=36, source="officer", created_by=officer.id))
        assert bump_knowledge_version(db.session) == 2
        db.session.commit()
    assert bubble_codes(checked(say(db_app, fake_line, USER, "แต๋นแม่ศรีค่ะ ขอ มผช อะไร"))) == ["มผช. 36/2546"]


def test_version_is_read_at_most_once_per_interval(db_app):
    clock = Clock()
    holder = BrainHolder(interval=5.0, clock=clock)
    with db_app.app_context():
        for _ in range(3):
            holder.refresh(db.engine)
        assert holder.checks == 1
        clock.now += 4.9
        holder.refresh(db.engine)
        assert holder.checks == 1
        clock.now += 0.2
        holder.refresh(db.engine)
        assert holder.checks == 2
        holder.mark_stale()
        holder.refresh(db.engine)
        assert holder.checks == 3


def test_concurrent_refreshes_during_a_rebuild_always_get_a_working_brain(db_app):
    load(db_app)
    holder = BrainHolder(interval=0.0, rebuild_wait=60.0)
    errors: list[BaseException] = []
    seen: list[object] = []

    def reader() -> None:
        try:
            with db_app.app_context():
                for _ in range(15):
                    brain = holder.refresh(db.engine)
                    assert brain.matcher.match("หมูยอ").candidates[0].number == 102
                    seen.append(brain)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    with db_app.app_context():
        db.session.add(Standard(number=9001, year=2566, code="มผช. 9001/2566", name="ผ้าไหม", category="textile",
                                keywords=[], source_url=""))
        bump_knowledge_version(db.session)
        db.session.commit()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    with db_app.app_context():
        final = holder.refresh(db.engine)
    assert 9001 in final.matcher.current and holder.version == 2
    assert len(seen) == 60


def test_aliases_of_unknown_numbers_are_left_out(db_app):
    load(db_app)
    with db_app.app_context():
        db.session.add(StandardAlias(alias="ของลึกลับ", standard_number=7777, source="typo"))
        bump_knowledge_version(db.session)
        db.session.commit()
        standards, aliases = records_from_db(db.session)
        assert 7777 not in {a.number for a in aliases} and len(standards) == len(load_knowledge().standards)
        brain = refresh_brain()
        assert brain.matcher.match("ของลึกลับ").verdict == "not_in_knowledge"


def test_unreadable_knowledge_tables_fall_back_to_the_files(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables at all
    holder = BrainHolder()
    assert holder.refresh(engine) is default_brain()
    assert holder.version is None  # retried at the next check
    engine.dispose()


def test_a_rebuild_runs_off_the_answering_path(db_app, tmp_path, monkeypatch):
    """After a sync, answers keep coming from the old matcher until the new one is ready."""
    import bot.knowledge.brain as brain_module

    load(db_app)
    holder = BrainHolder(interval=0.0, rebuild_wait=0.0)
    started, release = threading.Event(), threading.Event()
    real_build = brain_module.build_brain

    def slow_build(bundle=None):
        started.set()
        assert release.wait(30)
        return real_build(bundle)

    with db_app.app_context():
        old = holder.refresh(db.engine)
        built = holder.rebuilds
        monkeypatch.setattr(brain_module, "build_brain", slow_build)
        monkeypatch.setattr(brain_module, "_cache", OrderedDict())  # no brain built by another test
        path = tmp_path / "tisi.csv"
        path.write_text("รหัส,ชื่อ\nมผช. 9003/2566,ตุ้บตั้บ\n", encoding="utf-8")
        assert db_app.test_cli_runner().invoke(args=["knowledge", "import-standards", str(path)]).exit_code == 0

        assert holder.refresh(db.engine) is old  # returns at once: the build runs in its own thread
        assert started.wait(10)
        for _ in range(3):  # answering goes on from the old brain, and the same version is built once
            assert holder.refresh(db.engine).matcher.match("ตุ้บตั้บ").verdict == "not_in_knowledge"
        release.set()
        for _ in range(300):
            if holder.rebuilds > built:
                break
            threading.Event().wait(0.05)
        new = holder.refresh(db.engine)
    assert holder.rebuilds == built + 1 and new is not old
    assert [c.number for c in new.matcher.match("ตุ้บตั้บ").candidates] == [9003]
