"""A local fake of TISI's list page (StandardList.aspx), for the sync tests; never the real site.

It renders the shape of ``tests/fixtures/tisi/sample-page.html`` (GridView, header, code span, Thai and
bracketed English title links with backslashed PDF links) with ASP.NET's numeric pager: ``buttons``
page numbers at a time, ``...`` to the previous and next groups. A postback must carry back every
hidden field of the page it came from (``__VIEWSTATE`` names that page, ``__EVENTVALIDATION`` the
pages it linked to, ``__VIEWSTATEGENERATOR`` and a hidden field of the page itself); otherwise the
fake answers 500 (ASP.NET's "Invalid postback or callback argument") or, with
``bad_postback="first_page"``, the first page again, as the real site does when its state is lost.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from html import escape

from werkzeug import Request, Response

GRID_TARGET = "ctl00$ContentPlaceHolder1$Standard1$GridView1"
GRID_ID = GRID_TARGET.replace("$", "_")
GENERATOR = "CA0B0334"
OWN_FIELD = "ctl00$ContentPlaceHolder1$hidLanguage"  # a hidden field of the page's own
HEADER = ("ลำดับที่", "เลขที่ มผช.", "ชื่อมาตรฐาน")
CHANGED_HEADER = ("ลำดับ", "รหัสมาตรฐาน", "ชื่อมาตรฐาน (ไทย)", "ชื่อมาตรฐาน (อังกฤษ)")


@dataclass(frozen=True)
class Row:
    code: str  # as the list prints it: "1/2552"
    name: str  # may carry trailing spaces, as on the real page
    name_en: str | None  # without brackets; None: no English line
    href: str  # the PDF link as written (backslash)


# The two rows of the sample page (both PDF-link styles, a trailing space).
SAMPLE_ROWS = (
    Row("1/2552", "ขนมไทย", "THAI DESSERTS", "http://tcps.tisi.go.th/pub\\tcps1_52.pdf"),
    Row("2/2567", "ไวน์ผลไม้ ", "FRUIT WINE",
        "http://tcps.tisi.go.th/pub\\TCPS%200002_67%20(%e0%b9%84%e0%b8%a7%e0%b8%99%e0%b9%8c%e0%b8%9c"
        "%e0%b8%a5%e0%b9%84%e0%b8%a1%e0%b9%89).pdf"),
)


def fictitious_rows(first: int, count: int, year: int = 2565) -> list[Row]:
    """Made-up standards (numbers above 1555 are not real), alternating the two PDF-link styles."""
    rows = []
    for number in range(first, first + count):
        if number % 2:
            href = f"http://tcps.tisi.go.th/pub\\tcps{number}_{year % 100}.pdf"
        else:
            href = f"http://tcps.tisi.go.th/pub\\TCPS%20{number:04d}_{year % 100}%20(%e0%b8%97%e0%b8%94).pdf"
        rows.append(Row(f"{number}/{year}", f"ผลิตภัณฑ์ทดสอบ {number}  ", f"TEST PRODUCT {number}", href))
    return rows


@dataclass
class FakeTisi:
    rows: list[Row]
    per_page: int = 3
    buttons: int = 3  # page numbers shown per pager group
    bad_postback: str = "500"  # or "first_page"
    layout: str = "tisi"  # or "changed" (new header), "no_grid" (the table is gone)
    pager_top: bool = False  # ASP.NET PagerSettings Position=TopAndBottom
    tbody: bool = False  # rows inside <tbody>, as a browser saves them
    slow_pages: dict[int, float] = field(default_factory=dict)  # page → seconds before answering
    failing_pages: set[int] = field(default_factory=set)  # page → always HTTP 500
    flaky_pages: dict[int, int] = field(default_factory=dict)  # page → how many 503s before it answers
    ignore_postbacks: bool = False  # every answer is the first page (the site lost its state)
    requests: list[dict] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.rows) // self.per_page))

    # ---------------------------------------------------------------- pager
    def offered(self, page: int) -> list[int]:
        """The pages page ``page``'s pager links to (ASP.NET's numeric pager with "..." groups)."""
        if self.pages == 1:
            return []
        first = (page - 1) // self.buttons * self.buttons + 1
        last = min(first + self.buttons - 1, self.pages)
        links = [first - 1] if first > 1 else []
        links += [n for n in range(first, last + 1) if n != page]
        return links + ([last + 1] if last < self.pages else [])

    def _link(self, target: int, text: str) -> str:
        return (f"<td><a href=\"javascript:__doPostBack(&#39;{GRID_TARGET}&#39;,&#39;Page${target}&#39;)\">"
                f"{text}</a></td>")

    def _pager(self, page: int) -> str:
        if self.pages == 1:
            return ""
        first = (page - 1) // self.buttons * self.buttons + 1
        last = min(first + self.buttons - 1, self.pages)
        cells = [self._link(first - 1, "...")] if first > 1 else []
        cells += [f"<td><span>{n}</span></td>" if n == page else self._link(n, str(n)) for n in range(first, last + 1)]
        if last < self.pages:
            cells.append(self._link(last + 1, "..."))
        return (f"<tr align=\"center\" bgcolor=\"#2461BF\"><td colspan=\"3\"><table border=\"0\"><tr>"
                f"{''.join(cells)}</tr></table></td></tr>\n")

    # ---------------------------------------------------------------- page
    def _row(self, seq: int, row: Row) -> str:
        n = f"ctl{seq % self.per_page + 2:02d}"
        english = (f"\n<br/>\n<a href=\"{escape(row.href)}\" id=\"{GRID_ID}_{n}_HyperLink3\" target=\"_blank\">"
                   f"({escape(row.name_en)})</a>") if row.name_en else ""
        return (f"<tr bgcolor=\"{'#EFF3FB' if seq % 2 else 'White'}\">\n"
                f"<td align=\"center\" width=\"111\"><font color=\"#333333\">{seq}</font></td>"
                f"<td align=\"center\" width=\"200\"><font color=\"#333333\">\n"
                f"<span id=\"{GRID_ID}_{n}_Label2\">{escape(row.code)}</span>\n</font></td>"
                f"<td align=\"left\" width=\"350\"><font color=\"#333333\">\n"
                f"<a href=\"{escape(row.href)}\" id=\"{GRID_ID}_{n}_HyperLink2\" target=\"_blank\">{escape(row.name)}</a>"
                f"{english}\n</font></td>\n</tr>")

    def _grid(self, page: int) -> str:
        start = (page - 1) * self.per_page
        rows = self.rows[start:start + self.per_page]
        grid_id = "ctl00_MainContent_StandardGrid" if self.layout == "no_grid" else GRID_ID
        if not rows:
            return (f"<table id=\"{grid_id}\"><tr><td colspan=\"3\">ไม่พบข้อมูล</td></tr></table>")
        header = CHANGED_HEADER if self.layout == "changed" else HEADER
        head = "<tr align=\"center\" bgcolor=\"#507CD1\">" + "".join(
            f"<th scope=\"col\"><font color=\"White\"><b>{h}</b></font></th>" for h in header) + "</tr>\n"
        body = "\n".join(self._row(start + i + 1, row) for i, row in enumerate(rows))
        pager = self._pager(page)
        inner = (pager if self.pager_top else "") + head + body + "\n" + pager
        if self.tbody:
            inner = f"<tbody>{inner}</tbody>"
        return (f"<table border=\"0\" cellpadding=\"3\" cellspacing=\"2\" id=\"{grid_id}\" width=\"661\">\n"
                f"{inner}</table>")

    def hidden_fields(self, page: int) -> dict[str, str]:
        return {
            "__EVENTTARGET": "", "__EVENTARGUMENT": "", "__LASTFOCUS": "",
            "__VIEWSTATE": f"/wEPDwUKLTk{page:03d}page{page}",
            "__VIEWSTATEGENERATOR": GENERATOR,
            "__EVENTVALIDATION": "ev:" + ",".join(map(str, self.offered(page))),
            OWN_FIELD: "th",
        }

    def page_html(self, page: int) -> str:
        hidden = "\n".join(f"<input type=\"hidden\" name=\"{escape(k)}\" id=\"{escape(k)}\" value=\"{escape(v)}\" />"
                           for k, v in self.hidden_fields(page).items())
        return (
            "<html><head><meta charset=\"utf-8\"><title>รายชื่อมาตรฐานผลิตภัณฑ์ชุมชนที่ประกาศใช้</title></head><body>\n"
            "<form method=\"post\" action=\"./StandardList.aspx\" id=\"aspnetForm\">\n"
            f"{hidden}\n"
            "<a href=\"javascript:__doPostBack('ctl00$Menu1','news')\">ข่าว</a>\n"
            "<input name=\"ctl00$ContentPlaceHolder1$txtSearch\" type=\"text\" value=\"\" />\n"
            "<input type=\"submit\" name=\"ctl00$ContentPlaceHolder1$btnSearch\" value=\"ค้นหา\" />\n"
            f"{self._grid(page)}\n</form></body></html>")

    # ---------------------------------------------------------------- HTTP
    def _postback_page(self, form: dict[str, str]) -> int | None:
        """The page a postback asks for, when it carries back every hidden field of a page that links to it."""
        argument = form.get("__EVENTARGUMENT", "")
        if form.get("__EVENTTARGET") != GRID_TARGET or not argument.startswith("Page$"):
            return None
        state = form.get("__VIEWSTATE", "")
        source = next((n for n in range(1, self.pages + 1) if state == self.hidden_fields(n)["__VIEWSTATE"]), None)
        if source is None:
            return None
        expected = self.hidden_fields(source)
        if any(form.get(k) != v for k, v in expected.items() if k not in ("__EVENTTARGET", "__EVENTARGUMENT")):
            return None
        target = int(argument[5:]) if argument[5:].isdigit() else 0
        return target if target in self.offered(source) else None

    def handle(self, request: Request) -> Response:
        form = dict(request.form) if request.method == "POST" else {}
        page = 1 if request.method == "GET" else self._postback_page(form)
        self.requests.append({"method": request.method, "page": page, "form": form,
                              "user_agent": request.headers.get("User-Agent", ""), "at": time.monotonic()})
        if page is None and self.bad_postback == "500":
            return Response("Invalid postback or callback argument", status=500)
        page = 1 if page is None or self.ignore_postbacks else page
        if page in self.failing_pages:
            return Response("Server Error in '/' Application.", status=500)
        if self.flaky_pages.get(page, 0) > 0:
            self.flaky_pages[page] -= 1
            return Response("Service Unavailable", status=503)
        if page in self.slow_pages:
            time.sleep(self.slow_pages[page])
        return Response(self.page_html(page), content_type="text/html; charset=utf-8")
