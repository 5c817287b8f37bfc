"""TISI's official list of community product standards, read whole: every page of the GridView.

`crawl` fetches the list page and follows its pager (ASP.NET postbacks carrying every hidden field
of the page that showed the link, ``...`` groups included) until no linked page is left unvisited;
`read_saved` reads pages saved from a browser (a file or a folder) and refuses an incomplete set.
Either returns a `Catalogue` only when the list was read completely; any failure raises `TisiError`
before anything is written (``bot.knowledge.sync.sync_tisi_catalogue`` writes a `Catalogue`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.tisi_client import TisiClient
from bot.knowledge.tisi_page import GRID_TARGET, ListedStandard, ListPage, TisiError, parse_page

MAX_PAGES = 200  # the real list has about 27 pages of 50; more means the pager is going round in circles
SAVED_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class Catalogue:
    """The complete list: every standard in force, in list order, and where it was read from."""

    standards: tuple[ListedStandard, ...]
    pages: int
    source: str  # "web" | "files"
    location: str  # the URL, or the name of the saved file/folder
    duplicates: int = 0  # rows repeated on another page (ignored)


def _catalogue(pages: Mapping[int, ListPage], source: str, location: str) -> Catalogue:
    """Join the pages in page order; an empty page or list is an error."""
    standards: dict[tuple[int, int], ListedStandard] = {}
    duplicates = 0
    for number in sorted(pages):
        if not pages[number].standards:
            if len(pages) == 1:
                raise TisiError("รายชื่อว่างเปล่า: ไม่มีมาตรฐานสักรายการ", "the list is empty: not one standard")
            raise TisiError(f"หน้า {number} ไม่มีรายการมาตรฐาน", f"page {number} lists no standard")
        for row in pages[number].standards:
            if (row.number, row.year) in standards:
                duplicates += 1
            else:
                standards[(row.number, row.year)] = row
    return Catalogue(tuple(standards.values()), len(pages), source, location, duplicates)


def _postback_fields(page: ListPage, target: int) -> dict[str, str]:
    """Every hidden field of ``page`` plus the pager event asking for page ``target``."""
    return {**page.fields, "__EVENTTARGET": GRID_TARGET, "__EVENTARGUMENT": f"Page${target}"}


def crawl(url: str, client: TisiClient, *, max_pages: int = MAX_PAGES) -> Catalogue:
    """Read every page of the list at ``url``, lowest unvisited page first."""
    first = client.get(url)
    try:
        page = parse_page(first.content, first.url, first.encoding)
    except TisiError as exc:
        raise exc.prefixed("หน้าแรก", "first page") from exc
    pages = {page.current: page}
    offered = {link: page for link in page.links}  # page number → the latest page that links to it
    while todo := sorted(set(offered) - set(pages)):
        target = todo[0]
        if len(pages) >= max_pages:
            raise TisiError(f"เกิน {max_pages} หน้า: ตัวแบ่งหน้าวนไม่จบ", f"more than {max_pages} pages: the pager never ends")
        via = offered[target]
        try:
            fetched = client.post_back(via.action, _postback_fields(via, target), referer=first.url)
            page = parse_page(fetched.content, fetched.url, fetched.encoding)
        except TisiError as exc:
            raise exc.prefixed(f"หน้า {target} (หลังอ่านได้ {len(pages)} หน้า)",
                               f"page {target} (after {len(pages)} page(s) read)") from exc
        if page.current != target:
            raise TisiError(f"ขอหน้า {target} แต่เว็บไซต์ส่งหน้า {page.current} กลับมา (postback ไม่สำเร็จ)",
                            f"asked for page {target} but the site sent page {page.current} (postback refused)")
        pages[target] = page
        offered.update({link: page for link in page.links})
    return _catalogue(pages, "web", url)


def saved_files(path: Path) -> list[Path]:
    """The saved page itself, or the .html/.htm files of a folder (sorted by name)."""
    if path.is_file():
        return [path]
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SAVED_SUFFIXES)
    if not files:
        raise TisiError(f"ไม่พบไฟล์ .html หรือ .htm ในโฟลเดอร์ {path.name}", f"no .html or .htm file in folder {path.name}")
    return files


def read_saved(path: Path, base_url: str) -> Catalogue:
    """Read pages saved from a browser; every page any of them links to must be among them.

    Relative PDF links are resolved against ``base_url`` (the list's address).
    """
    pages: dict[int, ListPage] = {}
    for file in saved_files(path):
        try:
            page = parse_page(file.read_bytes(), base_url)
        except TisiError as exc:
            raise exc.prefixed(f"ไฟล์ {file.name}", f"file {file.name}") from exc
        held = pages.setdefault(page.current, page)
        if held.standards != page.standards:
            raise TisiError(f"มีสองไฟล์เป็นหน้า {page.current} แต่รายการไม่ตรงกัน ({file.name})",
                            f"two files are page {page.current} with different rows ({file.name})")
    missing = sorted(set().union(*(p.links for p in pages.values())) - set(pages))
    if missing:
        listed = ", ".join(map(str, missing))
        raise TisiError(f"บันทึกหน้ายังไม่ครบ: ขาดหน้า {listed} (บันทึกทุกหน้ารวมถึงกลุ่มหลัง ... ไว้ในโฟลเดอร์เดียวกัน)",
                        f"not every page was saved: missing page(s) {listed} (save every page, the groups "
                        f"behind ... included, in one folder)")
    return _catalogue(pages, "files", path.name)
