"""The console's demand map (`/console/demand`): what producers asked for that no standard covers, in the
officer's province (admins: every province), with SVG charts, and its CSV export for Excel
(`/console/demand.csv`, UTF-8 with BOM, Thai headers). Registered on the console blueprint."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Response, g, render_template, request

from bot.db import db, utcnow
from bot.office.console.base import bp, login_required
from bot.office.demand.chart import bar_chart
from bot.office.demand.report import build_demand, collect_asks

TOP = 10  # products in the chart
PERIODS = {"3": 92, "12": 366, "all": None}  # ?months= → days looked back
CSV_HEADERS = ("ผลิตภัณฑ์", "จังหวัด", "เดือน", "จำนวนผู้ถาม (คน)", "จำนวนครั้งที่ถาม", "คำที่ผู้ใช้พิมพ์")


def _demand():
    period = request.args.get("months", "12")
    period = period if period in PERIODS else "12"
    days = PERIODS[period]
    since = utcnow() - timedelta(days=days) if days else None
    return build_demand(collect_asks(db.session(), g.officer, since)), period


@bp.get("/demand")
@login_required
def demand():
    report, period = _demand()
    charts = {"products": bar_chart([(p.label, p.users) for p in report.products[:TOP]],
                                    "ผลิตภัณฑ์ที่ผู้ถามมากที่สุด (จำนวนคน)"),
              "provinces": bar_chart([(p.label, p.users) for p in report.provinces], "จำนวนผู้ถามแต่ละจังหวัด")}
    return render_template("console/demand.html", report=report, charts=charts, period=period)


@bp.get("/demand.csv")
@login_required
def demand_csv() -> Response:
    report, period = _demand()
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 (Thai) only with the BOM
    writer = csv.writer(out)
    writer.writerow(CSV_HEADERS)
    for product, province, month, group in report.cells:
        writer.writerow((product, province, month, group.users, group.asks, " / ".join(sorted(group.spellings))))
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="demand-{period}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
