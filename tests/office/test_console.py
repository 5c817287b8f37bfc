"""The officers' console through HTTP: login and its lock, CSRF, province scope, every page and form."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from bot.cases.applications import create_application, today_in_thailand
from bot.db import db, utcnow
from bot.models import Application, KnowledgeVersion, LoginAttempt, OutboundMessage, StandardAlias, UnmatchedQuery
from tests.helpers import drain
from tests.office.fixtures import PASSWORD, csrf_from, login, new_application, pushed


def page(client, path: str) -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_pages_need_login_and_logout_ends_the_session(db_app, office):
    client = db_app.test_client()
    for path in ("/console/", "/console/applications", "/console/applications/67/0012", "/console/unmatched",
                 "/console/applications/new", "/console/applications/import"):
        response = client.get(path)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert client.post("/console/applications/67/0012/stage", data={}).status_code == 400  # no CSRF token

    response = login(client, "SomChai ")  # usernames are case- and space-insensitive
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")
    status, html = page(client, "/console/")
    assert status == 200 and "somchai" in html and "สอจ.เชียงใหม่" in html
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    client.post("/console/logout", data={"csrf_token": csrf_from(html)})
    assert client.get("/console/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(db_app, office):
    client = db_app.test_client()
    wrong, unknown = login(client, "somchai", "wrong password!"), login(client, "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong.get_data(as_text=True)
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in unknown.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_login_locks_after_five_failures_per_username_and_address(db_app, office):
    client = db_app.test_client()
    for _ in range(5):
        assert login(client, "somchai", "wrong password!").status_code == 401
    locked = login(client, "somchai")  # even the right password is refused while locked
    assert locked.status_code == 429 and "15 นาที" in locked.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    assert login(db_app.test_client(), "somchai").status_code == 429  # a new session does not reset it
    with db_app.app_context():  # the lock is in the database, so every process sees it
        assert db.session.execute(select(func.count()).select_from(LoginAttempt)
                                  .where(LoginAttempt.succeeded.is_(False))).scalar() >= 5
        for attempt in db.session.execute(select(LoginAttempt)).scalars():
            attempt.at = utcnow() - timedelta(minutes=16)  # the window has passed
        db.session.commit()
    assert login(client, "somchai").status_code == 302
    assert login(db_app.test_client(), "somsri").status_code == 302  # other usernames were never locked


def test_lock_is_per_address(db_app, office):
    client = db_app.test_client()
    for _ in range(5):
        client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
        login(client, "somchai", "wrong password!")
    assert login(client, "somchai").status_code == 429
    elsewhere = db_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.2"
    assert login(elsewhere, "somchai").status_code == 302


def test_next_parameter_never_leaves_the_console(db_app, office):
    client = db_app.test_client()
    html = client.get("/console/login").get_data(as_text=True)
    for target, expected in (("https://evil.example/", "/console/"), ("//evil.example", "/console/"),
                             ("/console/unmatched", "/console/unmatched")):
        client = db_app.test_client()
        html = client.get("/console/login").get_data(as_text=True)
        response = client.post(f"/console/login?next={target}", data={
            "username": "somchai", "password": PASSWORD, "csrf_token": csrf_from(html)})
        assert response.headers["Location"].endswith(expected)


def test_csrf_token_is_required_on_every_form(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    for path, data in (("/console/applications/67/0012/stage", {"stage": "doc_check"}),
                       ("/console/applications/new", {"number": "67/0070"}),
                       ("/console/applications/import", {}),
                       ("/console/unmatched/alias", {"alias": "x", "standard_number": "129"}),
                       ("/console/logout", {})):
        response = client.post(path, data=data)
        assert response.status_code == 400, path
    with db_app.app_context():
        assert db.session.execute(select(Application.stage).where(Application.number == "67/0012")).scalar() \
            == "submitted"
    assert client.get("/console/").status_code == 200  # the logout without a token did nothing


def test_officer_sees_and_changes_only_their_province(db_app, office):
    client = db_app.test_client()
    login(client, "somsri")  # ลำพูน
    _status, html = page(client, "/console/applications")
    assert "67/0099" in html and "67/0012" not in html
    assert client.get("/console/applications/67/0012").status_code == 403
    token = csrf_from(page(client, "/console/applications/67/0099")[1])
    assert client.post("/console/applications/67/0012/stage",
                       data={"stage": "doc_check", "csrf_token": token}).status_code == 403
    _status, html = page(client, "/console/")
    assert "67/0012" not in html
    with db_app.app_context():
        assert db.session.execute(select(Application.stage).where(Application.number == "67/0012")).scalar() \
            == "submitted"
    admin = db_app.test_client()
    login(admin, "admin")
    _status, html = page(admin, "/console/applications")
    assert "67/0099" in html and "67/0012" in html


def test_detail_and_stage_change_with_public_note_pushes_once(db_app, office, fake_line):
    client = db_app.test_client()
    login(client, "somchai")
    status, html = page(client, "/console/applications/67/0012")
    assert status == 200 and "081-xxx-xxxx" in html and "1 คน" in html and "ตรวจสอบเอกสาร" in html
    assert "5678" not in html
    response = client.post("/console/applications/67/0012/stage", data={
        "stage": "doc_check", "note": "นัดตรวจเอกสารวันจันทร์", "note_public": "y", "csrf_token": csrf_from(html)})
    assert response.status_code == 302
    status, html = page(client, "/console/applications/67/0012")
    assert "ส่งแจ้งเตือนทาง LINE ถึงผู้ติดตาม 1 คน" in html and "นัดตรวจเอกสารวันจันทร์" in html
    assert "ผู้ยื่นเห็น" in html
    drain(db_app)
    [push] = pushed(fake_line, office["followers"]["เชียงใหม่"])
    assert "นัดตรวจเอกสารวันจันทร์" in push and "67/0012" in push

    # A move the stage book does not allow is refused with the reason, and nothing is stored.
    refused = client.post("/console/applications/67/0012/stage", data={
        "stage": "cert_issued", "csrf_token": csrf_from(html)})
    assert refused.status_code == 409 and "cannot move" in refused.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.execute(select(func.count()).select_from(OutboundMessage)).scalar() == 1


def test_private_note_is_not_sent(db_app, office, fake_line):
    client = db_app.test_client()
    login(client, "somchai")
    html = page(client, "/console/applications/67/0012")[1]
    client.post("/console/applications/67/0012/stage", data={
        "stage": "doc_check", "note": "ผู้ยื่นโทรมาตามงาน", "csrf_token": csrf_from(html)})
    drain(db_app)
    [push] = pushed(fake_line, office["followers"]["เชียงใหม่"])
    assert "67/0012" in push and "ผู้ยื่นโทรมาตามงาน" not in push


def test_dashboard_counts_overdue_and_failed_notifications(db_app, office):
    with db_app.app_context():
        create_application(db.session, new_application("66/0001", days_ago=200, product="ผ้าทอมือ"))
        db.session.add(OutboundMessage(kind="push", purpose="stage_change", recipients=[office["followers"]["เชียงใหม่"]],
                                       messages=[{"type": "text", "text": "x"}], status="failed",
                                       error_kind="rejected", last_error="HTTP 400 The request body has 1 error(s)"))
        db.session.add(OutboundMessage(kind="push", purpose="stage_change", recipients=[office["followers"]["ลำพูน"]],
                                       messages=[{"type": "text", "text": "x"}], status="failed",
                                       error_kind="quota", last_error="HTTP 429 You have reached your monthly limit."))
        db.session.commit()
    client = db_app.test_client()
    login(client, "somchai")
    status, html = page(client, "/console/")
    assert status == 200
    assert 'data-stage="submitted">\n      <b>2</b>' in html  # 67/0012 and 66/0001 (not ลำพูน's)
    overdue = html.split('id="overdue"')[1].split("</table>")[0]
    assert "66/0001" in overdue and "67/0012" not in overdue
    failed = html.split('id="failed"')[1].split("</table>")[0]
    assert "The request body has 1 error(s)" in failed and "67/0012" in failed
    assert "monthly limit" not in failed  # a ลำพูน follower's failure is not this officer's business
    admin = db_app.test_client()
    login(admin, "admin")
    assert "monthly limit" in page(admin, "/console/")[1]


def test_list_search_filter_and_sort(db_app, office):
    with db_app.app_context():
        create_application(db.session, new_application("66/0001", days_ago=200, product="ผ้าทอมือ",
                                                        applicant_name="กลุ่มทอผ้าบ้านเหนือ"))
        create_application(db.session, new_application("67/0100", days_ago=1, product="ข้าวแต๋น"))
        db.session.commit()
    client = db_app.test_client()
    login(client, "somchai")

    def numbers(query: str) -> list[str]:
        html = page(client, "/console/applications?" + query)[1]
        table = html.split('id="applications"')[1].split("</table>")[0] if 'id="applications"' in html else ""
        return [n for n in ("66/0001", "67/0012", "67/0100") if n in table]

    assert numbers("q=ทอผ้า") == ["66/0001"]
    assert numbers("q=ข้าวแต๋น") == ["67/0100"]
    assert numbers("q=๖๗/๑๒") == ["67/0012"]
    assert numbers("overdue=1") == ["66/0001"]
    assert numbers("stage=doc_check") == []
    html = page(client, "/console/applications?sort=submitted&order=asc")[1]
    assert html.index("66/0001") < html.index("67/0012") < html.index("67/0100")
    html = page(client, "/console/applications?sort=submitted&order=desc")[1]
    assert html.index("67/0100") < html.index("67/0012") < html.index("66/0001")
    assert page(client, "/console/applications?sort=nonsense&page=x&stage=zzz")[0] == 200


def test_create_application_form(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    _status, html = page(client, "/console/applications/new")
    assert 'value="เชียงใหม่"' in html and "ลำพูน" not in html  # an officer adds only for their province
    form = {"number": "67/0200", "applicant_name": "กลุ่มสตรีบ้านสันทราย", "phone": "๐๘๙ ๑๑๑ ๒๒๒๒",
            "province": "เชียงใหม่", "product": "น้ำพริกหนุ่ม", "standard_number": "มผช. 129",
            "submitted_on": (today_in_thailand() - timedelta(days=2)).isoformat(), "csrf_token": csrf_from(html)}
    response = client.post("/console/applications/new", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/applications/67/0200")
    again = client.post("/console/applications/new", data=form)
    assert again.status_code == 422 and "มีคำขอเลขที่ 67/0200 แล้ว" in again.get_data(as_text=True)
    bad = client.post("/console/applications/new", data=dict(form, number="67/0201", phone="12"))
    assert bad.status_code == 422 and "เบอร์โทรศัพท์ไม่ถูกต้อง" in bad.get_data(as_text=True)
    other = client.post("/console/applications/new", data=dict(form, number="67/0202", province="ลำพูน"))
    assert other.status_code == 422
    with db_app.app_context():
        assert db.session.execute(select(func.count()).select_from(Application)).scalar() == 3


CSV_OK = ("เลขที่คำขอ,ชื่อผู้ยื่นคำขอ,โทรศัพท์,จังหวัด,ผลิตภัณฑ์,เลข มผช.,วันที่ยื่น\r\n"
          "67/0301,กลุ่มแม่บ้านบ้านดอน,081-234-5678,เชียงใหม่,น้ำพริกแกง,129,2/11/2569\r\n"
          "\r\n"
          "\"67/0302\",\"วิสาหกิจชุมชน \"\"บ้านโป่ง\"\"\",0812345679,จ.เชียงใหม่,ข้าวแต๋น,,2026-11-03\r\n")


def _upload(client, data: bytes, html: str):
    return client.post("/console/applications/import", data={
        "csrf_token": csrf_from(html), "file": (io.BytesIO(data), "applications.csv")},
        content_type="multipart/form-data")


def test_csv_import_with_excel_bom(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    html = page(client, "/console/applications/import")[1]
    response = _upload(client, b"\xef\xbb\xbf" + CSV_OK.encode("utf-8"), html)
    assert response.status_code == 302
    with db_app.app_context():
        rows = db.session.execute(select(Application).where(Application.number.in_(["67/0301", "67/0302"]))
                                  ).scalars().all()
        assert sorted((a.number, a.province) for a in rows) == [("67/0301", "เชียงใหม่"), ("67/0302", "เชียงใหม่")]
        assert {a.applicant.name for a in rows} == {"กลุ่มแม่บ้านบ้านดอน", 'วิสาหกิจชุมชน "บ้านโป่ง"'}


def test_csv_bad_row_rejects_the_whole_file_with_its_line(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    html = page(client, "/console/applications/import")[1]
    bad = CSV_OK + "67/0303,กลุ่มใหม่,0812,เชียงใหม่,แคบหมู,,2026-11-04\r\n"
    response = _upload(client, bad.encode("utf-8"), html)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "บรรทัดที่ 5" in text and "โทรศัพท์" in text
    for content, expected in (
            (CSV_OK + "67/0099,x,0812345678,ลำพูน,ผ้า,,2026-11-04\r\n", "บรรทัดที่ 5"),  # other province
            (CSV_OK + "67/0301,x,0812345678,เชียงใหม่,ผ้า,,2026-11-04\r\n", "บรรทัดที่ 5"),  # repeated in the file
            ("number,phone\r\n67/1,0812345678\r\n", "บรรทัดที่ 1"),  # missing columns
            ("", "ไฟล์ว่าง")):
        response = _upload(client, content.encode("utf-8"), html)
        assert response.status_code == 422 and expected in response.get_data(as_text=True), content
    with db_app.app_context():
        assert db.session.execute(select(func.count()).select_from(Application)).scalar() == 2


def test_csv_from_thai_windows_excel_is_read(db_app, office):
    client = db_app.test_client()
    login(client, "somchai")
    html = page(client, "/console/applications/import")[1]
    assert _upload(client, CSV_OK.encode("cp874"), html).status_code == 302


def test_unmatched_queries_most_frequent_first_and_alias_bumps_knowledge(db_app, office):
    with db_app.app_context():
        db.session.add_all([
            UnmatchedQuery(kind="not_in_knowledge", normalized="ข้าวเกรียบว่าว", example="ข้าวเกรียบว่าวค่ะ", count=3),
            UnmatchedQuery(kind="low_confidence", normalized="แหนมหมูยอ", example="แหนมหมูยอ", count=9),
            UnmatchedQuery(kind="faq", normalized="กี่บาท", example="กี่บาท", count=50),
        ])
        db.session.commit()
        query_id = db.session.execute(select(UnmatchedQuery.id).where(UnmatchedQuery.count == 3)).scalar()
        version_before = db.session.execute(select(KnowledgeVersion.version)).scalar() or 0
    client = db_app.test_client()
    login(client, "somchai")
    _status, html = page(client, "/console/unmatched")
    table = html.split('id="unmatched"')[1]
    assert table.index("แหนมหมูยอ") < table.index("ข้าวเกรียบว่าว") and "กี่บาท" not in table
    response = client.post("/console/unmatched/alias", data={
        "alias": "ข้าวเกรียบว่าว", "standard_number": "129", "query_id": str(query_id), "csrf_token": csrf_from(html)})
    assert response.status_code == 302
    unknown = client.post("/console/unmatched/alias", data={
        "alias": "อะไรสักอย่าง", "standard_number": "99999", "csrf_token": csrf_from(html)})
    assert unknown.status_code == 422 and "ไม่พบ มผช. เลขที่ 99999" in unknown.get_data(as_text=True)
    with db_app.app_context():
        [alias] = db.session.execute(select(StandardAlias)).scalars().all()
        assert (alias.alias, alias.standard_number, alias.created_by is not None) == ("ข้าวเกรียบว่าว", 129, True)
        assert db.session.execute(select(KnowledgeVersion.version)).scalar() == version_before + 1
        assert db.session.get(UnmatchedQuery, query_id).resolved_at is not None
    assert "ข้าวเกรียบว่าว" not in page(client, "/console/unmatched")[1].split('id="unmatched"')[-1]
