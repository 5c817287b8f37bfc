"""The console's forms (Flask-WTF: every POST carries a CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from bot.office.casework import MAX_NOTE
from bot.office.questions import MAX_ANSWER_CHARS


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


class ApplicationForm(FlaskForm):
    number = StringField("เลขที่คำขอ", render_kw={"placeholder": "67/0012"})
    applicant_name = StringField("ชื่อผู้ยื่นคำขอ / กลุ่ม")
    phone = StringField("โทรศัพท์", render_kw={"placeholder": "081-234-5678", "inputmode": "tel"})
    province = SelectField("จังหวัด", choices=[], validate_choice=False)
    product = StringField("ผลิตภัณฑ์")
    standard_number = StringField("เลข มผช.", render_kw={"placeholder": "129", "inputmode": "numeric"})
    submitted_on = StringField("วันที่ยื่นคำขอ", render_kw={"type": "date"})


class ImportForm(FlaskForm):
    file = FileField("ไฟล์ CSV", validators=[FileRequired("กรุณาเลือกไฟล์")])


class AliasForm(FlaskForm):
    query_id = HiddenField()
    alias = StringField("ชื่อเรียกสินค้า", validators=[DataRequired("กรุณากรอกชื่อเรียก"), Length(max=200)])
    standard_number = StringField("เลข มผช.", validators=[DataRequired("กรุณากรอกเลข มผช.")],
                                  render_kw={"inputmode": "numeric", "placeholder": "129"})


class AnswerForm(FlaskForm):
    answer = TextAreaField("คำตอบ (ส่งถึงผู้ถามทาง LINE)", validators=[
        DataRequired("กรุณาพิมพ์คำตอบก่อนกดส่ง"),
        Length(max=MAX_ANSWER_CHARS, message=f"คำตอบยาวเกิน {MAX_ANSWER_CHARS:,} ตัวอักษร กรุณาตัดให้สั้นลง")])
