"""The console's forms (Flask-WTF: every POST carries a CSRF token)."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, AnyOf, DataRequired, EqualTo, Length, NumberRange, Optional, Regexp

from bot.office.casework import MAX_NOTE
from bot.office.questions import MAX_ANSWER_CHARS

MOVE_ROWS = 4  # stages recorded at once on the application page


class LoginForm(FlaskForm):
    username = StringField("ชื่อผู้ใช้", validators=[DataRequired("กรุณากรอกชื่อผู้ใช้"), Length(max=80)])
    password = PasswordField("รหัสผ่าน", validators=[DataRequired("กรุณากรอกรหัสผ่าน"), Length(max=200)])


class PostForm(FlaskForm):
    """A button that only needs the CSRF token (logout, dismiss)."""


class StageForm(FlaskForm):
    stage = SelectField("ขั้นตอนถัดไป", choices=[], validate_choice=False,
                        validators=[DataRequired("กรุณาเลือกขั้นตอน")])
    note = TextAreaField("บันทึก", validators=[Length(max=MAX_NOTE)])
    note_public = BooleanField("แสดงบันทึกนี้ให้ผู้ยื่นคำขอเห็นใน LINE")
    certificate_number = StringField("เลขที่ใบรับรอง (ว่าง = ใช้เลขที่คำขอ)", validators=[Length(max=64)])
    holder_name = StringField("ผู้ได้รับการรับรอง (กลุ่ม/วิสาหกิจ ตามที่ สมอ. เผยแพร่)", validators=[Length(max=300)])


class ApplicationForm(FlaskForm):
    number = StringField("เลขที่คำขอ", render_kw={"placeholder": "67/0012"})
    applicant_name = StringField("ชื่อผู้ยื่นคำขอ / กลุ่ม")
    phone = StringField("โทรศัพท์", render_kw={"placeholder": "081-234-5678", "inputmode": "tel"})
    province = SelectField("จังหวัด", choices=[], validate_choice=False)
    product = StringField("ผลิตภัณฑ์")
    standard_number = StringField("เลข มผช.", render_kw={"placeholder": "129", "inputmode": "numeric"})
    submitted_on = StringField("วันที่ยื่นคำขอ", render_kw={"type": "date"})


class ImportForm(FlaskForm):
    """A spreadsheet to import: a new upload, or the one just checked (``held``) when the officer chooses
    to import its valid rows only."""

    file = FileField("ไฟล์ CSV หรือ Excel (.xlsx)")
    held = HiddenField()
    filename = HiddenField()
    valid_only = BooleanField("ถ้ามีแถวที่ผิด ให้นำเข้าเฉพาะแถวที่ถูกต้อง (ข้ามแถวที่ผิด)")


class MoveForm(Form):
    """One stage the application reached, on its own date (a row of StagesForm; no CSRF of its own)."""

    stage = SelectField("ขั้นตอน", choices=[], validate_choice=False)
    on = StringField("วันที่", render_kw={"type": "date"})
    note = StringField("บันทึก", validators=[Length(max=MAX_NOTE)])


class StagesForm(FlaskForm):
    """Several stages recorded at once (the producer gets one LINE message for all of them)."""

    moves = FieldList(FormField(MoveForm), min_entries=MOVE_ROWS, max_entries=MOVE_ROWS)
    note_public = BooleanField("แสดงบันทึกเหล่านี้ให้ผู้ยื่นคำขอเห็นใน LINE")


class PasswordForm(FlaskForm):
    password = PasswordField("รหัสผ่านใหม่", validators=[DataRequired("กรุณากรอกรหัสผ่านใหม่"), Length(max=200)])
    confirm = PasswordField("ยืนยันรหัสผ่านใหม่", validators=[
        DataRequired("กรุณากรอกรหัสผ่านอีกครั้ง"), EqualTo("password", "รหัสผ่านทั้งสองช่องไม่ตรงกัน")])


class AliasForm(FlaskForm):
    query_id = HiddenField()
    alias = StringField("ชื่อเรียกสินค้า", validators=[DataRequired("กรุณากรอกชื่อเรียก"), Length(max=200)])
    standard_number = StringField("เลข มผช.", validators=[DataRequired("กรุณากรอกเลข มผช.")],
                                  render_kw={"inputmode": "numeric", "placeholder": "129"})


class AnswerForm(FlaskForm):
    answer = TextAreaField("คำตอบ (ส่งถึงผู้ถามทาง LINE)", validators=[
        DataRequired("กรุณาพิมพ์คำตอบก่อนกดส่ง"),
        Length(max=MAX_ANSWER_CHARS, message=f"คำตอบยาวเกิน {MAX_ANSWER_CHARS:,} ตัวอักษร กรุณาตัดให้สั้นลง")])


PHONE = r"^[0-9][0-9 ,\-]*[0-9]$"
# Thailand's extent: catches a latitude and longitude typed the wrong way round.
LATITUDE, LONGITUDE = (5.0, 21.0), (97.0, 106.0)


class OfficeForm(FlaskForm):
    """An office's contact as its officers correct it (knowledge load never overwrites what they save)."""

    name_th = StringField("ชื่อสำนักงาน (ไทย)", validators=[DataRequired("กรุณากรอกชื่อสำนักงาน"), Length(max=200)])
    name_en = StringField("ชื่อสำนักงาน (อังกฤษ)", validators=[DataRequired("กรุณากรอกชื่อภาษาอังกฤษ"), Length(max=200)])
    province_en = StringField("ชื่อจังหวัด (อังกฤษ)", validators=[DataRequired("กรุณากรอกชื่อจังหวัดภาษาอังกฤษ"),
                                                                   Length(max=80)])
    address_th = TextAreaField("ที่อยู่ (ไทย)", validators=[Length(max=500)])
    address_en = TextAreaField("ที่อยู่ (อังกฤษ)", validators=[Length(max=500)])
    phone = StringField("โทรศัพท์", render_kw={"placeholder": "043-123456", "inputmode": "tel"}, validators=[
        Optional(), Length(max=80), Regexp(PHONE, message="เบอร์โทรใช้ได้เฉพาะตัวเลข ขีด (-) และจุลภาคคั่นหลายเบอร์")])
    opening_hours = StringField("เวลาทำการ", render_kw={"placeholder": "จันทร์–ศุกร์ 08:30–16:30 น."},
                                validators=[Length(max=200)])
    website = StringField("เว็บไซต์", render_kw={"placeholder": "https://…"}, validators=[
        Optional(), Length(max=500), URL(require_tld=True, message="กรุณากรอกที่อยู่เว็บที่ขึ้นต้นด้วย http:// หรือ https://")])
    latitude = FloatField("ละติจูด", validators=[Optional(), NumberRange(*LATITUDE, message=(
        f"ละติจูดในประเทศไทยอยู่ระหว่าง {LATITUDE[0]:g} ถึง {LATITUDE[1]:g}"))])
    longitude = FloatField("ลองจิจูด", validators=[Optional(), NumberRange(*LONGITUDE, message=(
        f"ลองจิจูดในประเทศไทยอยู่ระหว่าง {LONGITUDE[0]:g} ถึง {LONGITUDE[1]:g}"))])
    source = StringField("แหล่งที่มาของข้อมูล (URL)", validators=[Optional(), Length(max=1000), URL(
        message="กรุณาใส่ลิงก์หน้าเว็บที่แสดงข้อมูลนี้")])

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then both coordinates or neither (LINE's location message needs both)."""
        valid = super().validate(extra_validators)
        if valid and (self.latitude.data is None) != (self.longitude.data is None):
            self.longitude.errors = ["กรุณากรอกทั้งละติจูดและลองจิจูด หรือเว้นว่างทั้งคู่"]
            return False
        return valid


class CertificateStateForm(FlaskForm):
    state = SelectField("สถานะใหม่", choices=[SelectChoice("valid", "ใช้ได้"), SelectChoice("suspended", "พักใช้"),
                                              SelectChoice("revoked", "เพิกถอน"), SelectChoice("expired", "หมดอายุ")],
                        validate_choice=False,
                        validators=[DataRequired("กรุณาเลือกสถานะ"),
                                    AnyOf(("valid", "suspended", "revoked", "expired"), "ไม่รู้จักสถานะนี้")])
    reason = TextAreaField("เหตุผล (เก็บในประวัติ)", validators=[DataRequired("กรุณาระบุเหตุผล"), Length(max=500)])


class CertificateImportForm(FlaskForm):
    file = FileField("ไฟล์ CSV หรือ Excel (.xlsx)", validators=[FileRequired("กรุณาเลือกไฟล์")])
