"""`flask knowledge sync-tisi`: TISI's list read page by page from a local fake site (never the real one).

The parser is tested on the sample page (``tests/fixtures/tisi/sample-page.html``), the crawler against
``fake_tisi.FakeTisi`` served over real HTTP, the command on SQLite and PostgreSQL. Standard numbers
above 1555 are fictitious, made up for these tests.
"""
from __future__ import annotations

import csv
import itertools
import json
import re
import shutil
import socket
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
import requests
from sqlalchemy import func, select

from bot.cases.applications import in_thailand
from bot.cases.thaidate import format_thai_date_long
from bot.db import db
from bot.knowledge.brain import refresh_brain
from bot.knowledge.store import knowledge_version, records_from_db
from bot.knowledge.sync import last_tisi_sync
from bot.knowledge.tisi import crawl, read_saved
from bot.knowledge.tisi_client import USER_AGENT, TisiClient
from bot.knowledge.tisi_page import PageShapeError, TisiError, parse_page, pdf_url
from bot.models import Standard, StandardAlias, TisiSync
from tests.fakes import fake_site
from tests.helpers import add_officer_alias
from tests.knowledge.fake_tisi import GRID_TARGET, OWN_FIELD, SAMPLE_ROWS, FakeTisi, Row, fictitious_rows

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "tisi" / "sample-page.html"
LIST_URL = "https://tcps.tisi.go.th/public/StandardList.aspx"
WINE_PDF = ("http://tcps.tisi.go.th/pub/TCPS%200002_67%20(%e0%b9%84%e0%b8%a7%e0%b8%99%e0%b9%8c%e0%b8%9c"
            "%e0%b8%a5%e0%b9%84%e0%b8%a1%e0%b9%89).pdf")
# Standards of knowledge/standards.csv still listed (current editions), then 20 fictitious ones.
KEPT = [Row("129/2546", "น้ำพริกแกง", None, "http://tcps.tisi.go.th/pub\\tcps129_46.pdf"),
        Row("247/2552", "ผ้าพันคอ ", None, "http://tcps.tisi.go.th/pub\\tcps247_52.pdf"),
        Row("93/2553", "ผลิตภัณฑ์ปรับสภาพเส้นผม", None, "http://tcps.tisi.go.th/pub\\tcps93_53.pdf")]


def full_list() -> list[Row]:
    return [*SAMPLE_ROWS, *KEPT, *fictitious_rows(1601, 20)]  # 25 rows: 9 pages of 3, groups 1-3, 4-6, 7-9


# ---------------------------------------------------------------- fixtures and helpers
@pytest.fixture(scope="module")
def tisi_server():
    with fake_site(r"^/public/") as served:
        yield served


@pytest.fixture
def serve(tisi_server):
    """serve(fake) → the URL of its list page."""
    server, holder = tisi_server

    def start(fake: FakeTisi) -> str:
        holder["fake"] = fake
        return server.url_for("/public/StandardList.aspx")

    return start


def closed_port_url() -> str:
    """A local address nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/public/StandardList.aspx"


def client(**kwargs) -> TisiClient:
    return TisiClient(**{"delay": 0.0, "timeout": 2.0, "retries": 0, **kwargs})


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["knowledge", *args])


def sync(app, url: str, *args: str):
    return run(app, "sync-tisi", "--url", url, "--delay", "0", "--timeout", "2", "--retries", "0", *args)


def snapshot(app) -> dict:
    """Everything the command may change."""
    with app.app_context():
        standards = sorted((s.code, s.name, s.name_en, s.pdf_url, s.category, tuple(s.keywords), s.source_url,
                            s.superseded_by, s.withdrawn_on) for s in db.session.scalars(select(Standard)))
        aliases = sorted((a.alias, a.standard_number, a.source) for a in db.session.scalars(select(StandardAlias)))
        syncs = db.session.scalar(select(func.count()).select_from(TisiSync))
        return {"standards": standards, "aliases": aliases, "version": knowledge_version(db.session), "syncs": syncs}


def edition(app, code: str) -> Standard:
    with app.app_context():
        row = db.session.scalars(select(Standard).where(Standard.code == code)).one()
        db.session.expunge(row)
        return row


# The tests load the catalogue as it was before TISI's list was read: without the editions knowledge/standards.csv
# has only because that list showed them (the sync finds them new), without the standards added with them and
# without English titles.
FROM_TISI_LIST = ("มผช. 1/2552", "มผช. 2/2567")
ADDED_WITH_THEM = ("790", "914", "1300")
_BEFORE: dict[str, Path] = {}


@pytest.fixture(scope="module", autouse=True)
def knowledge_before_the_list(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("knowledge-before-tisi") / "knowledge"
    shutil.copytree(ROOT / "knowledge", folder)
    path = folder / "standards.csv"
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], list(reader)
    kept = [{**r, "superseded_by": "" if r["superseded_by"] in FROM_TISI_LIST else r["superseded_by"], "name_en": ""}
            for r in rows if r["code"] not in FROM_TISI_LIST and r["number"] not in ADDED_WITH_THEM]
    _rewrite(path, fields, kept)
    aliases = folder / "aliases.csv"
    with aliases.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], list(reader)
    _rewrite(aliases, fields, [r for r in rows if r["number"] not in ADDED_WITH_THEM])
    _BEFORE["dir"] = folder
    return folder


def _rewrite(path: Path, fields, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def loaded(app):
    result = run(app, "load", "--dir", str(_BEFORE["dir"]))
    assert result.exit_code == 0, result.output
    return app


# ---------------------------------------------------------------- the page
def test_the_sample_page_gives_codes_trimmed_titles_and_absolute_pdf_links():
    page = parse_page(SAMPLE.read_bytes(), LIST_URL)
    assert page.current == 1 and page.links == frozenset()
    assert [(s.code, s.name, s.name_en) for s in page.standards] == [
        ("มผช. 1/2552", "ขนมไทย", "THAI DESSERTS"), ("มผช. 2/2567", "ไวน์ผลไม้", "FRUIT WINE")]
    assert page.standards[0].pdf_url == "http://tcps.tisi.go.th/pub/tcps1_52.pdf"
    assert page.standards[1].pdf_url == WINE_PDF
    assert unquote(WINE_PDF).endswith("/pub/TCPS 0002_67 (ไวน์ผลไม้).pdf")
    assert page.fields == {"__VIEWSTATE": "sample-viewstate", "__EVENTVALIDATION": "sample-validation"}
    assert page.action == "https://tcps.tisi.go.th/public/StandardList.aspx"


def test_a_page_in_the_thai_windows_code_page_is_decoded_from_its_meta_charset():
    thai = SAMPLE.read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="windows-874"').encode("cp874")
    assert [s.name for s in parse_page(thai, LIST_URL).standards] == ["ขนมไทย", "ไวน์ผลไม้"]
    assert [s.name for s in parse_page(thai, LIST_URL, encoding="cp874").standards] == ["ขนมไทย", "ไวน์ผลไม้"]


@pytest.mark.parametrize(("href", "expected"), [
    ("pub\\tcps1_52.pdf", "https://tcps.tisi.go.th/public/pub/tcps1_52.pdf"),
    ("/pub\\tcps1_52.pdf", "https://tcps.tisi.go.th/pub/tcps1_52.pdf"),
    ("http://tcps.tisi.go.th/pub\\TCPS 0002_67 (ไวน์).pdf",
     "http://tcps.tisi.go.th/pub/TCPS%200002_67%20(%E0%B9%84%E0%B8%A7%E0%B8%99%E0%B9%8C).pdf"),
    ("http://tcps.tisi.go.th/pub\\tcps%2_100%.pdf", "http://tcps.tisi.go.th/pub/tcps%252_100%25.pdf"),
    ("  http://tcps.tisi.go.th/pub\\TCPS%200002_67.pdf ", "http://tcps.tisi.go.th/pub/TCPS%200002_67.pdf"),
])
def test_pdf_links_become_absolute_with_valid_percent_encoding(href, expected):
    assert pdf_url(href, LIST_URL) == expected


def test_the_pager_gives_the_current_page_its_links_and_the_groups_behind_dots():
    fake = FakeTisi(full_list(), tbody=True, pager_top=True)
    page = parse_page(fake.page_html(4).encode(), LIST_URL)
    assert page.current == 4 and page.links == {3, 5, 6, 7}  # "..." → 3 and → 7
    assert dict(page.fields) == fake.hidden_fields(4)  # every hidden input, not the search box or button
    assert page.action == "https://tcps.tisi.go.th/public/StandardList.aspx"
    assert [s.code for s in page.standards] == ["มผช. 1605/2565", "มผช. 1606/2565", "มผช. 1607/2565"]
    second = parse_page(fake.page_html(2).encode(), LIST_URL)
    assert (second.current, second.links) == (2, {1, 3, 4})
    assert [s.code for s in second.standards] == ["มผช. 247/2552", "มผช. 93/2553", "มผช. 1601/2565"]
    assert second.standards[2].name == "ผลิตภัณฑ์ทดสอบ 1601" and second.standards[2].name_en == "TEST PRODUCT 1601"
    assert second.standards[0].name == "ผ้าพันคอ" and second.standards[0].name_en is None
    last = parse_page(fake.page_html(9).encode(), LIST_URL)
    assert (last.current, last.links, len(last.standards)) == (9, {6, 7, 8}, 1)


@pytest.mark.parametrize(("markup", "message"), [
    (FakeTisi(full_list(), layout="changed").page_html(1), "the table header changed"),
    (FakeTisi(full_list(), layout="no_grid").page_html(1), "is not on this page"),
    ("<html><body><p>Service temporarily unavailable</p></body></html>", "is not on this page"),
    (SAMPLE.read_text(encoding="utf-8").replace(">1/2552<", ">หนึ่ง<"), "cannot read the standard code 'หนึ่ง'"),
])
def test_a_page_of_another_shape_is_refused(markup, message):
    with pytest.raises(PageShapeError, match=re.escape(message)) as caught:
        parse_page(markup, LIST_URL)
    assert caught.value.message_th and caught.value.message_en


# ---------------------------------------------------------------- the crawl
def test_the_crawl_follows_every_page_and_group_posting_back_every_hidden_field(serve):
    fake = FakeTisi(full_list())
    url = serve(fake)
    with client() as tisi:
        catalogue = crawl(url, tisi)
    assert catalogue.pages == 9 and catalogue.source == "web" and catalogue.location == url
    assert [s.code for s in catalogue.standards] == [
        "มผช. 1/2552", "มผช. 2/2567", "มผช. 129/2546", "มผช. 247/2552", "มผช. 93/2553",
        *(f"มผช. {n}/2565" for n in range(1601, 1621))]
    assert [r["method"] for r in fake.requests] == ["GET"] + ["POST"] * 8
    assert [r["page"] for r in fake.requests] == list(range(1, 10))  # every postback was accepted
    for request in fake.requests:
        assert request["user_agent"] == USER_AGENT
    for asked in fake.requests[1:]:
        form = asked["form"]
        assert form["__EVENTTARGET"] == GRID_TARGET and form["__EVENTARGUMENT"] == f"Page${asked['page']}"
        assert OWN_FIELD in form and "__VIEWSTATEGENERATOR" in form and "__EVENTVALIDATION" in form
        assert "ctl00$ContentPlaceHolder1$txtSearch" not in form and "ctl00$ContentPlaceHolder1$btnSearch" not in form


def test_the_fake_refuses_postbacks_without_the_hidden_fields(serve):
    """The fake is strict, so the crawl test above proves the fields were sent back."""
    fake = FakeTisi(full_list())
    url = serve(fake)
    bare = {"__EVENTTARGET": GRID_TARGET, "__EVENTARGUMENT": "Page$2"}
    assert requests.post(url, data=bare, timeout=5).status_code == 500
    one_missing = {**fake.hidden_fields(1), **bare}
    del one_missing[OWN_FIELD]
    assert requests.post(url, data=one_missing, timeout=5).status_code == 500
    not_offered = {**fake.hidden_fields(1), "__EVENTTARGET": GRID_TARGET, "__EVENTARGUMENT": "Page$5"}
    assert requests.post(url, data=not_offered, timeout=5).status_code == 500  # page 1 links 2, 3 and "..." 4
    assert requests.post(url, data={**fake.hidden_fields(1), **bare}, timeout=5).status_code == 200
    serve(FakeTisi(full_list(), bad_postback="first_page"))
    assert parse_page(requests.post(url, data=bare, timeout=5).content, url).current == 1


def test_a_site_that_sends_the_first_page_again_is_refused(serve):
    url = serve(FakeTisi(full_list(), ignore_postbacks=True))
    with client() as tisi, pytest.raises(TisiError, match="asked for page 2 but the site sent page 1"):
        crawl(url, tisi)


def test_a_pager_that_never_ends_is_refused(serve):
    with client() as tisi, pytest.raises(TisiError, match="more than 3 pages"):
        crawl(serve(FakeTisi(full_list())), tisi, max_pages=3)


def test_requests_are_at_least_the_delay_apart(serve):
    fake = FakeTisi(full_list()[:12])  # 4 pages
    url = serve(fake)
    with client(delay=0.15) as tisi:
        assert crawl(url, tisi).pages == 4
    times = [r["at"] for r in fake.requests]
    assert len(times) == 4 and min(b - a for a, b in itertools.pairwise(times)) >= 0.14


def test_server_errors_are_retried_then_reported(serve):
    fake = FakeTisi(full_list(), flaky_pages={2: 2})
    with client(retries=2) as tisi:
        assert len(crawl(serve(fake), tisi).standards) == 25  # two 503s, then the page
    assert [r["page"] for r in fake.requests].count(2) == 3
    fake = FakeTisi(full_list(), failing_pages={5})
    with client(retries=2) as tisi, pytest.raises(TisiError, match=r"answered HTTP 500 \(tried 3 times\)"):
        crawl(serve(fake), tisi)
    assert [r["page"] for r in fake.requests].count(5) == 3


def test_a_timeout_is_retried_then_reported(serve):
    fake = FakeTisi(full_list(), slow_pages={2: 1.0})
    started = time.monotonic()
    with client(timeout=0.2, retries=1) as tisi, pytest.raises(TisiError, match=r"did not answer within 0.2 s"):
        crawl(serve(fake), tisi)
    assert [r["page"] for r in fake.requests].count(2) == 2 and time.monotonic() - started < 5


def test_an_unreachable_site_is_reported():
    url = closed_port_url()
    with client(retries=1) as tisi, pytest.raises(TisiError, match=re.escape(f"cannot reach {url} (tried 2 times)")):
        crawl(url, tisi)


# ---------------------------------------------------------------- saved pages
def save_pages(fake: FakeTisi, folder: Path, skip: tuple[int, ...] = ()) -> Path:
    folder.mkdir()
    for n in range(1, fake.pages + 1):
        if n not in skip:
            (folder / f"StandardList-{n:02d}.html").write_text(fake.page_html(n), encoding="utf-8")
    (folder / "notes.txt").write_text("not a page", encoding="utf-8")
    return folder


def test_saved_pages_are_read_when_every_page_is_there(tmp_path):
    fake = FakeTisi(full_list(), tbody=True)
    catalogue = read_saved(save_pages(fake, tmp_path / "saved"), LIST_URL)
    assert (catalogue.pages, len(catalogue.standards), catalogue.source) == (9, 25, "files")
    assert read_saved(SAMPLE, LIST_URL).standards[1].pdf_url == WINE_PDF


@pytest.mark.parametrize(("skip", "missing"), [((5,), "5"), ((4, 5, 6, 7, 8, 9), "4"), ((9,), "9")])
def test_an_incomplete_set_of_saved_pages_is_refused(tmp_path, skip, missing):
    folder = save_pages(FakeTisi(full_list()), tmp_path / "saved", skip)
    with pytest.raises(TisiError, match=rf"missing page\(s\) {missing}\b"):
        read_saved(folder, LIST_URL)


# ---------------------------------------------------------------- the command
def test_sync_adds_supersedes_withdraws_records_and_a_second_run_changes_nothing(db_app, serve):
    url = serve(FakeTisi(full_list()))
    before = snapshot(loaded(db_app))
    result = sync(db_app, url)
    assert result.exit_code == 0, result.output
    assert "read all 9 page(s), 25 standards" in result.output
    assert "summary: 22 new, 2 superseded, 0 retitled, 3 updated, 53 withdrawn, 0 listed again, 0 unchanged" \
        in result.output
    assert "superseded  มผช. 1/2546 → มผช. 1/2552" in result.output
    assert "withdrawn  มผช. 102/2546" in result.output and "สรุป:" in result.output

    wine = edition(db_app, "มผช. 2/2567")
    assert (wine.name, wine.name_en, wine.pdf_url, wine.withdrawn_on) == ("ไวน์ผลไม้", "FRUIT WINE", WINE_PDF, None)
    assert (wine.category, wine.source_url) == ("drink", LIST_URL)  # category and keywords of 2/2546 carried
    assert wine.keywords == edition(db_app, "มผช. 2/2546").keywords
    assert edition(db_app, "มผช. 2/2546").superseded_by == "มผช. 2/2567"
    assert edition(db_app, "มผช. 2/2546").withdrawn_on is None  # replaced, not withdrawn
    assert edition(db_app, "มผช. 129/2546").pdf_url == "http://tcps.tisi.go.th/pub/tcps129_46.pdf"
    assert edition(db_app, "มผช. 102/2546").withdrawn_on is not None
    assert edition(db_app, "มผช. 1601/2565").category == ""
    after = snapshot(db_app)
    assert after["version"] == before["version"] + 1 and after["syncs"] == 1
    assert after["aliases"] == before["aliases"]  # aliases are never touched
    with db_app.app_context():
        record = last_tisi_sync(db.session)
        assert record is not None
        assert (record.source, record.pages, record.standards, record.added, record.withdrawn) == ("web", 9, 25, 22, 53)
        assert record.knowledge_version == after["version"]

    again = sync(db_app, url)
    assert again.exit_code == 0, again.output
    assert "summary: 0 new, 0 superseded, 0 retitled, 0 updated, 0 withdrawn, 0 listed again, 25 unchanged" \
        in again.output
    assert "nothing changed" in again.output and "ไม่มีอะไรเปลี่ยน" in again.output
    assert snapshot(db_app) == {**after, "syncs": 2}  # only the record of the check was added
    with db_app.app_context():
        latest = last_tisi_sync(db.session)
        assert latest is not None and latest.knowledge_version is None and latest.standards == 25


def test_dry_run_prints_the_difference_and_saves_nothing(db_app, serve):
    url = serve(FakeTisi(full_list()))
    before = snapshot(loaded(db_app))
    result = sync(db_app, url, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "summary: 22 new, 2 superseded, 0 retitled, 3 updated, 53 withdrawn" in result.output
    assert "new               มผช. 1601/2565" in result.output
    assert "dry run: nothing was saved" in result.output
    assert snapshot(db_app) == before


def test_aliases_follow_the_new_edition_and_withdrawn_standards_are_never_offered(db_app, serve):
    loaded(db_app)
    with db_app.app_context():
        add_officer_alias(db.session, "ขนมชั้นใบเตยแม่ศรี", 1)
        old = refresh_brain().matcher
        assert old.match("ลูกชุบ").candidates[0].code == "มผช. 1/2546"
        assert 102 in {c.number for c in old.match("หมูยอ").candidates}
    assert sync(db_app, serve(FakeTisi(full_list()))).exit_code == 0
    with db_app.app_context():
        matcher = refresh_brain().matcher
        for alias in ("ลูกชุบ", "ขนมชั้นใบเตยแม่ศรี"):  # from aliases.csv, and an officer's
            assert [c.code for c in matcher.match(alias).candidates][:1] == ["มผช. 1/2552"], alias
        assert 102 not in {c.number for c in matcher.match("หมูยอ").candidates}
        assert 102 not in matcher.current and matcher.current[2].code == "มผช. 2/2567"

        standards, aliases = records_from_db(db.session)
        assert {s.number for s in standards} == {1, 2, 93, 129, 247, *range(1601, 1621)}
        assert 102 not in {a.number for a in aliases} and 1 in {a.number for a in aliases}
        everything, _ = records_from_db(db.session, include_withdrawn=True)
        withdrawn = next(s for s in everything if s.code == "มผช. 102/2546")
        assert withdrawn.withdrawn and not withdrawn.is_current
    with db_app.app_context():  # kept: nothing is deleted
        assert db.session.scalar(select(func.count()).select_from(Standard)) == 60 + 22


def test_retitled_standards_and_standards_listed_again(db_app, serve):
    loaded(db_app)
    assert sync(db_app, serve(FakeTisi(full_list()[:5]))).exit_code == 0  # one page group less: 1601… withdrawn
    rows = full_list()
    rows[0] = Row("1/2552", "ขนมไทยพื้นบ้าน", "THAI TRADITIONAL DESSERTS", rows[0].href)
    rows[2] = Row("129/2546", "น้ำพริกแกง", "CURRY PASTE", rows[2].href)
    result = sync(db_app, serve(FakeTisi(rows)))
    assert result.exit_code == 0, result.output
    assert ("retitled     มผช. 1/2552: ขนมไทย (THAI DESSERTS) → ขนมไทยพื้นบ้าน (THAI TRADITIONAL DESSERTS)"
            in result.output)
    assert "updated            มผช. 129/2546" in result.output  # an English title where there was none
    assert "summary: 20 new, 0 superseded, 1 retitled, 1 updated, 0 withdrawn" in result.output
    rows = rows[:5] + [Row("102/2546", "หมูยอ", "MOO YOR", "http://tcps.tisi.go.th/pub\\tcps102_46.pdf")]
    result = sync(db_app, serve(FakeTisi(rows)))
    assert "listed again  มผช. 102/2546" in result.output and "20 withdrawn, 1 listed again" in result.output
    assert edition(db_app, "มผช. 102/2546").withdrawn_on is None
    with db_app.app_context():
        assert 102 in refresh_brain().matcher.current


def test_a_withdrawn_edition_newer_than_the_listed_one_is_not_current(db_app, serve):
    loaded(db_app)
    rows = [Row("93/2547", "ครีมนวดผม", None, "pub\\tcps93_47.pdf"), *SAMPLE_ROWS]  # TISI lists the older one
    result = sync(db_app, serve(FakeTisi(rows)))
    assert result.exit_code == 0, result.output
    assert edition(db_app, "มผช. 93/2553").withdrawn_on is not None
    assert edition(db_app, "มผช. 93/2553").superseded_by is None
    assert edition(db_app, "มผช. 93/2547").superseded_by is None
    with db_app.app_context():
        assert refresh_brain().matcher.current[93].code == "มผช. 93/2547"


FAILURES = {
    "changed layout": ({"layout": "changed"}, "the table header changed"),
    "table gone": ({"layout": "no_grid"}, "is not on this page"),
    "empty list": ({"rows": []}, "the list is empty"),
    "half-finished crawl": ({"failing_pages": {7}}, "page 7"),
    "timeout": ({"slow_pages": {4: 3.0}}, "did not answer within"),
    "first page again": ({"ignore_postbacks": True}, "asked for page 2 but the site sent page 1"),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_failed_read_changes_nothing_exits_non_zero_and_says_why(db_app, serve, case):
    settings, message = FAILURES[case]
    fake = FakeTisi(**{"rows": full_list(), **settings})
    before = snapshot(loaded(db_app))
    result = run(db_app, "sync-tisi", "--url", serve(fake), "--delay", "0", "--timeout", "0.5", "--retries", "0")
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "nothing was saved" in result.output and "ไม่ได้บันทึกอะไร" in result.output
    assert snapshot(db_app) == before


def test_an_unreachable_site_changes_nothing(db_app):
    before = snapshot(loaded(db_app))
    result = sync(db_app, closed_port_url())
    assert result.exit_code == 1 and "cannot reach" in result.output and "เชื่อมต่อ" in result.output
    assert snapshot(db_app) == before


def test_sync_from_saved_pages_and_refusal_of_an_incomplete_folder(db_app, tmp_path):
    fake = FakeTisi(full_list(), tbody=True)
    before = snapshot(loaded(db_app))
    incomplete = run(db_app, "sync-tisi", "--from", str(save_pages(fake, tmp_path / "part", skip=(8,))))
    assert incomplete.exit_code == 1 and "missing page(s) 8" in incomplete.output
    assert snapshot(db_app) == before
    result = run(db_app, "sync-tisi", "--from", str(save_pages(fake, tmp_path / "saved")))
    assert result.exit_code == 0, result.output
    assert "summary: 22 new, 2 superseded, 0 retitled, 3 updated, 53 withdrawn" in result.output
    assert edition(db_app, "มผช. 2/2567").pdf_url == WINE_PDF
    with db_app.app_context():
        record = last_tisi_sync(db.session)
        assert record is not None and (record.source, record.location, record.pages) == ("files", "saved", 9)


def test_sync_from_the_sample_page_file(db_app):
    loaded(db_app)
    result = run(db_app, "sync-tisi", "--from", str(SAMPLE), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "read all 1 page(s), 2 standards" in result.output
    assert "superseded  มผช. 1/2546 → มผช. 1/2552" in result.output
    assert "superseded  มผช. 2/2546 → มผช. 2/2567" in result.output


# ---------------------------------------------------------------- honest coverage in the chat
COVERAGE_USER = "U" + "f" * 32
SILK = Row("1690/2566", "ผ้าไหม", "SILK FABRIC", "http://tcps.tisi.go.th/pub\\tcps1690_66.pdf")  # fictitious


def test_before_a_sync_the_list_is_incomplete_and_the_question_can_go_to_an_officer(db_app, fake_line):
    from bot.models import OfficerQuestion
    from tests.helpers import say, send_to_officer, tap

    loaded(db_app)
    reply = say(db_app, fake_line, COVERAGE_USER, "ผมทำไส้อั่วขาย")[0]
    assert "ไส้อั่ว" in reply["text"] and "ยังไม่ครอบคลุม" in reply["text"] and "ไม่ได้แปลว่าไม่มี" in reply["text"]
    send = [i["action"] for i in reply["quickReply"]["items"] if i["action"]["type"] == "postback"
            and i["action"]["data"].startswith("action=officer&q=")]
    assert len(send) == 1
    with db_app.app_context():  # nothing is queued before the user says so
        assert db.session.scalars(select(OfficerQuestion).where(OfficerQuestion.status == "pending")).all() == []
    shown = tap(db_app, fake_line, COVERAGE_USER, send[0]["data"])[0]
    assert '"ผมทำไส้อั่วขาย"' in shown["text"]  # shown exactly, then sent only on "send this question"
    with db_app.app_context():
        assert db.session.scalars(select(OfficerQuestion).where(OfficerQuestion.status == "pending")).all() == []
    confirm = send_to_officer(db_app, fake_line, COVERAGE_USER, shown)[0]
    assert "ไส้อั่ว" in confirm["text"]
    with db_app.app_context():
        queued = db.session.scalars(select(OfficerQuestion).where(OfficerQuestion.status == "pending")).all()
        assert [q.text for q in queued] == ["ผมทำไส้อั่วขาย"]


def test_after_a_full_sync_the_bot_says_no_standard_covers_it(db_app, fake_line, serve):
    from tests.helpers import say

    loaded(db_app)
    # Before: the hand-curated list of products we knew were missing decides "ผ้าไหมมัดหมี่".
    before = say(db_app, fake_line, COVERAGE_USER, "ผ้าไหมมัดหมี่ค่ะ ขอมาตรฐานอะไร")[0]
    assert "ยังไม่ครอบคลุม" in before["text"]
    assert sync(db_app, serve(FakeTisi([*full_list(), SILK]))).exit_code == 0
    with db_app.app_context():
        synced_on = last_tisi_sync(db.session).finished_at

    # After: that list no longer decides; the synced standard ผ้าไหม is offered for it.
    after = say(db_app, fake_line, COVERAGE_USER, "ผ้าไหมมัดหมี่ค่ะ ขอมาตรฐานอะไร")
    assert "มผช. 1690/2566" in json.dumps(after, ensure_ascii=False)
    # A product no listed standard covers: said plainly, with the date of the list, and what to do.
    none = say(db_app, fake_line, COVERAGE_USER, "ผมทำไส้อั่วขาย")[0]["text"]
    assert "ยังไม่มีมาตรฐานผลิตภัณฑ์ชุมชนสำหรับ \"ไส้อั่ว\"" in none
    assert format_thai_date_long(in_thailand(synced_on).date()) in none
    assert "เสนอ" in none and "สอจ." in none
    assert "ยังไม่ครอบคลุม" not in none and "ข้อมูลของเรามีเพียง" not in none
    english = say(db_app, fake_line, "U" + "a" * 32, "I make dried mango, which standard?")[0]["text"]
    assert "has no standard for \"dried mango\"" in english and "not have the standard" not in english


def test_after_a_sync_cards_link_the_pdf_and_codes_tell_withdrawn_from_unknown(db_app, fake_line, serve):
    from tests.helpers import flex_texts, say

    loaded(db_app)
    before = say(db_app, fake_line, COVERAGE_USER, "มผช. 102")[0]  # หมูยอ, still in our partial list
    assert before["type"] == "flex" and "บางส่วน" in " ".join(flex_texts(before["contents"]))
    assert "ไม่มีมาตรฐานนี้" in say(db_app, fake_line, COVERAGE_USER, "มผช. 1650")[0]["text"]
    assert sync(db_app, serve(FakeTisi([*full_list(), SILK]))).exit_code == 0

    card = say(db_app, fake_line, COVERAGE_USER, "มผช. 1690")[0]
    links = [a["uri"] for a in _actions(card["contents"]) if a.get("type") == "uri"]
    assert "http://tcps.tisi.go.th/pub/tcps1690_66.pdf" in links
    assert "ตรวจล่าสุด" in " ".join(flex_texts(card["contents"]))
    withdrawn = say(db_app, fake_line, COVERAGE_USER, "มผช. 102")[0]["text"]  # not on the list any more
    assert "มผช. 102/2546 หมูยอ ไม่อยู่ในรายชื่อ" in withdrawn and "ใช้ขอการรับรองใหม่ไม่ได้" in withdrawn
    unknown = say(db_app, fake_line, COVERAGE_USER, "มผช. 1650")[0]["text"]
    assert "ไม่มีมาตรฐานเลขที่ 1650" in unknown and "บางส่วน" not in unknown


def _actions(node) -> list[dict]:
    if isinstance(node, dict):
        own = [node["action"]] if isinstance(node.get("action"), dict) else []
        return own + [a for value in node.values() for a in _actions(value)]
    if isinstance(node, list):
        return [a for value in node for a in _actions(value)]
    return []
