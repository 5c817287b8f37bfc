"""One page of TISI's official list of community product standards (StandardList.aspx), parsed.

The page is an ASP.NET WebForms page: the list is the GridView table ``GRID_ID`` with the header
``ลำดับที่ · เลขที่ มผช. · ชื่อมาตรฐาน``, one row per standard in force, and a pager row whose links
are ``__doPostBack(GRID_TARGET, 'Page$N')`` (``...`` links lead to the previous/next group of pages).
The current page is the pager's only number that is not a link. Parsed with BeautifulSoup's
``html.parser``; regular expressions only ever look at one cell's text or one attribute value.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin

from bs4 import BeautifulSoup, Tag

from bot.nlp.codes import format_code, parse_standard_code
from bot.nlp.normalize import to_arabic_digits

GRID_TARGET = "ctl00$ContentPlaceHolder1$Standard1$GridView1"  # the pager's __EVENTTARGET
GRID_ID = GRID_TARGET.replace("$", "_")  # the table's id
HEADER = ("ลำดับที่", "เลขที่ มผช.", "ชื่อมาตรฐาน")
_POSTBACK = re.compile(r"__doPostBack\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)")
_PAGE_ARGUMENT = re.compile(r"^Page\$(\d{1,4})$")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_URL_SAFE = "/:?#[]@!$&'()*+,;=%~"


class TisiError(Exception):
    """The list could not be read (network, page shape, incomplete pages); nothing may be saved."""

    def __init__(self, message_th: str, message_en: str) -> None:
        super().__init__(f"{message_th}\n{message_en}")
        self.message_th = message_th
        self.message_en = message_en

    def prefixed(self, where_th: str, where_en: str) -> TisiError:
        """The same error, saying where it happened (a page number, a file name)."""
        return type(self)(f"{where_th}: {self.message_th}", f"{where_en}: {self.message_en}")


class PageShapeError(TisiError):
    """The page is not shaped like TISI's list (the site changed, or another page was saved)."""


@dataclass(frozen=True)
class ListedStandard:
    """One row of the list: a standard edition in force."""

    number: int
    year: int
    name: str
    name_en: str | None  # as printed, capitals, brackets removed ("THAI DESSERTS")
    pdf_url: str | None

    @property
    def code(self) -> str:
        return format_code(self.number, self.year)


@dataclass(frozen=True)
class ListPage:
    """What one page holds: its number, the pages its pager links to, its rows and its form."""

    current: int
    links: frozenset[int]
    standards: tuple[ListedStandard, ...]
    fields: Mapping[str, str]  # every hidden input of the form (__VIEWSTATE, __EVENTVALIDATION, …)
    action: str  # absolute URL the form posts back to


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _rows(table: Tag) -> Iterator[Tag]:
    """The table's own rows (directly or inside thead/tbody/tfoot), not those of nested tables."""
    for child in table.children:
        if isinstance(child, Tag) and child.name == "tr":
            yield child
        elif isinstance(child, Tag) and child.name in ("thead", "tbody", "tfoot"):
            yield from (row for row in child.find_all("tr", recursive=False) if isinstance(row, Tag))


def _cells(row: Tag, name: str) -> list[Tag]:
    return [c for c in row.find_all(name, recursive=False) if isinstance(c, Tag)]


def pdf_url(href: str, base_url: str) -> str:
    """An absolute, validly percent-encoded URL from a link as TISI writes it (``pub\\tcps1_52.pdf``)."""
    url = urljoin(base_url, href.strip().replace("\\", "/"))
    return _STRAY_PERCENT.sub("%25", quote(url, safe=_URL_SAFE))


def _page_argument(href: str) -> int | None:
    """N of a pager link ``javascript:__doPostBack('<GRID_TARGET>','Page$N')``, else None."""
    found = _POSTBACK.search(unquote(href))
    if not found or found.group(1) != GRID_TARGET:
        return None
    page = _PAGE_ARGUMENT.match(found.group(2))
    return int(page.group(1)) if page else None


def _pager(row: Tag) -> tuple[int, set[int]]:
    """(current page, linked pages) of a pager row."""
    links = {n for a in row.find_all("a") if isinstance(a, Tag)
             if (n := _page_argument(str(a.get("href") or ""))) is not None}
    current = [int(t) for span in row.find_all("span") if isinstance(span, Tag)
               if (t := to_arabic_digits(_text(span))).isdigit()]
    if len(current) != 1:
        raise PageShapeError("แถวเลขหน้าไม่บอกว่ากำลังแสดงหน้าไหน", "the pager row does not show the current page")
    return current[0], links - {current[0]}


def _title(cell: Tag) -> tuple[str, str | None, str | None]:
    """(Thai title, English title without brackets, first link) of the title cell."""
    anchors = [a for a in cell.find_all("a") if isinstance(a, Tag)]
    texts = [t for t in (_text(a) for a in anchors) if t] if anchors else [
        " ".join(s.split()) for s in cell.stripped_strings]
    href = next((str(a.get("href")).strip() for a in anchors if str(a.get("href") or "").strip()), None)
    english = next((t[1:-1].strip() for t in texts[1:] if t.startswith("(") and t.endswith(")")), None)
    return (texts[0] if texts else ""), english or None, href


def _standard(row: Tag, base_url: str) -> ListedStandard:
    cells = _cells(row, "td")
    seq, code_text = _text(cells[0]), _text(cells[1])
    code = parse_standard_code(to_arabic_digits(code_text))
    if code is None:
        raise PageShapeError(f"แถวลำดับ {seq}: อ่านเลขที่ มผช. '{code_text}' ไม่ได้",
                             f"row {seq}: cannot read the standard code '{code_text}'")
    name, name_en, href = _title(cells[2])
    if not name:
        raise PageShapeError(f"แถวลำดับ {seq}: ไม่มีชื่อมาตรฐาน", f"row {seq}: no standard title")
    return ListedStandard(code[0], code[1], name, name_en, pdf_url(href, base_url) if href else None)


def _check_header(row: Tag) -> None:
    found = tuple(_text(th) for th in _cells(row, "th"))
    if found != HEADER:
        raise PageShapeError(f"หัวตารางเปลี่ยนไป: พบ {' · '.join(found)} (ควรเป็น {' · '.join(HEADER)})",
                             f"the table header changed: found {found}, expected {HEADER}")


def _form_fields(soup: BeautifulSoup, grid: Tag, base_url: str) -> tuple[dict[str, str], str]:
    """Every hidden input of the list's form and the absolute URL it posts to."""
    form = grid.find_parent("form") or soup.find("form")
    if not isinstance(form, Tag):
        return {}, base_url
    fields = {str(i.get("name")): str(i.get("value") or "") for i in form.find_all("input")
              if isinstance(i, Tag) and str(i.get("type") or "").lower() == "hidden" and i.get("name")}
    return fields, urljoin(base_url, str(form.get("action") or "").strip())


def parse_page(markup: bytes | str, base_url: str, encoding: str | None = None) -> ListPage:
    """Parse one list page (bytes are decoded from ``encoding``, else the page's own meta charset).

    Raises `PageShapeError` when the GridView is missing, its header changed or a row cannot be read.
    """
    if isinstance(markup, bytes):
        soup = BeautifulSoup(markup, "html.parser", from_encoding=encoding)
    else:
        soup = BeautifulSoup(markup, "html.parser")
    grid = soup.find("table", id=GRID_ID)
    if not isinstance(grid, Tag):
        raise PageShapeError(f"ไม่พบตารางรายชื่อมาตรฐาน ({GRID_ID}) ในหน้านี้",
                             f"the standards table ({GRID_ID}) is not on this page")
    current, links, standards, header_seen = 1, set[int](), [], False
    for row in _rows(grid):
        if row.find("table") is not None:  # the pager (top, bottom or both)
            current, found = _pager(row)
            links |= found
        elif _cells(row, "th"):
            _check_header(row)
            header_seen = True
        elif len(_cells(row, "td")) == len(HEADER):
            if not header_seen:
                raise PageShapeError("ตารางไม่มีหัวตาราง", "the table has no header row")
            standards.append(_standard(row, base_url))
    fields, action = _form_fields(soup, grid, base_url)
    return ListPage(current, frozenset(links - {current}), tuple(standards), fields, action)
