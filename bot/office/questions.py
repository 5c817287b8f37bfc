"""Questions for officers: what the bot could not answer, or what a user asked a person to answer.

Life of a question (``OfficerQuestion.status``):

* ``offered``  — the FAQ had no good answer; the bot offered to pass the question on (one open offer
  per user). Officers do not see these.
* ``withdrawn`` — the user declined, found an answer, or asked something newer.
* ``pending``  — the user asked for an officer: waiting in the officers' queue (`pending_questions`).
* ``answered`` — an officer answered with `answer_question`; the answer is pushed to the user by LINE.
* ``closed``   — an officer closed it without a LINE answer (`close_question`).

``province`` is the office of an application the user has linked, when there is one, else the province
the user named or chose in the hand-off (bot/handlers/officer.py), so a provincial office sees its own
people's questions; questions without a province (Bangkok, "not given") are for admins (central).
Phone and national ID numbers are masked before anything is stored (officers answer by LINE, so they
never need them). Every function works in the caller's transaction; the caller commits.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.cases.provinces import normalize_province as known_province
from bot.cases.workdays import normalize_province
from bot.db import utcnow
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.logs import redact
from bot.models import Application, ApplicationLink, LineUser, Officer, OfficerQuestion
from bot.nlp.normalize import clean_text
from bot.office.officers import in_scope
from bot.pipeline.outbox import enqueue_push

MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 4000
OFFER_MINUTES = 30  # a typed "talk to an officer" picks up an offer this recent
# The API's ``?status=`` → the statuses it lists (offered and withdrawn questions never reached officers).
LISTED = {"open": ("pending",), "answered": ("answered",), "closed": ("closed",),
          "all": ("pending", "answered", "closed")}
API_STATUS = {"pending": "open"}  # a stored status → the API's name for it


class QuestionError(ValueError):
    """An officer action that cannot be done; ``code``: not_pending, not_allowed or empty."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def clean_question(text: str, limit: int = MAX_QUESTION_CHARS) -> str:
    """A question as stored: phone and national ID numbers masked, fit to store (lines kept), clipped."""
    return clean_text(redact(clean_text(text, 10 * limit, one_line=False)), limit, one_line=False)


def offer(session: Session, user: LineUser, text: str, lang: str, now: datetime | None = None) -> OfficerQuestion:
    """Keep an unanswered question so the user can pass it on with one tap (replaces older offers)."""
    withdraw_offers(session, user)
    question = OfficerQuestion(line_user_id=user.id, text=clean_question(text, MAX_QUESTION_CHARS), lang=lang,
                               reason="unanswered", status="offered", created_at=now or utcnow())
    session.add(question)
    session.flush()
    return question


def withdraw_offers(session: Session, user: LineUser) -> None:
    """Forget the user's open offers (they found their answer, or asked something newer)."""
    for question in session.scalars(select(OfficerQuestion).where(OfficerQuestion.line_user_id == user.id,
                                                                  OfficerQuestion.status == "offered")):
        question.status = "withdrawn"  # kept (not deleted) so an old button can never match a reused id
    session.flush()


def latest_offer(session: Session, user: LineUser, now: datetime | None = None) -> OfficerQuestion | None:
    """The user's open offer from the last `OFFER_MINUTES` minutes, if any."""
    since = (now or utcnow()) - timedelta(minutes=OFFER_MINUTES)
    return session.scalars(
        select(OfficerQuestion)
        .where(OfficerQuestion.line_user_id == user.id, OfficerQuestion.status == "offered",
               OfficerQuestion.created_at >= since)
        .order_by(OfficerQuestion.id.desc()).limit(1)
    ).first()


def own_question(session: Session, user: LineUser, question_id: int) -> OfficerQuestion | None:
    """The user's question ``question_id`` if it is still offered or waiting; None if not theirs or gone."""
    question = session.get(OfficerQuestion, question_id)
    if question is None or question.line_user_id != user.id or question.status not in ("offered", "pending"):
        return None
    return question


def accept_offer(session: Session, user: LineUser, question_id: int, now: datetime | None = None,
                 province: str | None = None) -> OfficerQuestion | None:
    """Send the user's offered question ``question_id`` to the officers; None if it is not theirs or gone.

    ``province`` is used when the user has no linked application (see `_submit`)."""
    question = own_question(session, user, question_id)
    if question is not None and question.status == "offered":
        _submit(session, question, now or utcnow(), province)
    return question


def ask(session: Session, user: LineUser, text: str, lang: str, *, reason: str = "request",
        now: datetime | None = None, province: str | None = None) -> tuple[OfficerQuestion, bool]:
    """Put ``text`` in the officers' queue; (question, False) if the same question is already waiting.

    ``province`` is used when the user has no linked application (see `_submit`)."""
    text = clean_question(text, MAX_QUESTION_CHARS)
    waiting = session.scalars(
        select(OfficerQuestion).where(OfficerQuestion.line_user_id == user.id, OfficerQuestion.status == "pending",
                                      OfficerQuestion.text == text)
    ).first()
    if waiting is not None:
        return waiting, False
    question = OfficerQuestion(line_user_id=user.id, text=text, lang=lang, reason=reason, created_at=now or utcnow())
    session.add(question)
    _submit(session, question, now or utcnow(), province)
    withdraw_offers(session, user)
    return question, True


def _submit(session: Session, question: OfficerQuestion, now: datetime, province: str | None) -> None:
    """Queue ``question``: the linked application's province, else ``province`` if it has a สอจ. (not Bangkok)."""
    question.status = "pending"
    question.asked_at = now
    question.province = province_of(session, question.line_user_id) or known_province(province)
    session.flush()


def province_of(session: Session, line_user_pk: int) -> str | None:
    """The province office of the user's most recently linked application, if any."""
    province = session.scalars(
        select(Application.province).join(ApplicationLink, ApplicationLink.application_id == Application.id)
        .where(ApplicationLink.line_user_id == line_user_pk)
        .order_by(ApplicationLink.verified_at.desc()).limit(1)
    ).first()
    return normalize_province(province) if province else None


def asker_province(session: Session, line_user_pk: int) -> str | None:
    """The user's province office: their linked application's, else the one their latest question to an
    officer was queued for (a province they named in the chat)."""
    return province_of(session, line_user_pk) or session.scalars(
        select(OfficerQuestion.province).where(OfficerQuestion.line_user_id == line_user_pk,
                                               OfficerQuestion.province.is_not(None))
        .order_by(OfficerQuestion.asked_at.desc(), OfficerQuestion.id.desc()).limit(1)).first()


def pending_questions(session: Session, province: str | None = None, limit: int = 500) -> list[OfficerQuestion]:
    """Questions waiting for an officer, oldest first.

    ``province=None`` lists every pending question (admins); a province lists that office's questions.
    """
    query = _of_province(select(OfficerQuestion).where(OfficerQuestion.status == "pending"), province)
    return list(session.scalars(query.order_by(OfficerQuestion.asked_at, OfficerQuestion.id).limit(limit)))


def pending_count(session: Session, province: str | None = None) -> int:
    """How many questions wait for an officer (``province`` as in `pending_questions`)."""
    query = select(func.count()).select_from(OfficerQuestion).where(OfficerQuestion.status == "pending")
    return session.execute(_of_province(query, province)).scalar_one()


def _of_province(query: Select, province: str | None) -> Select:
    """``query`` limited to ``province``'s questions (None: every question)."""
    return query if province is None else query.where(OfficerQuestion.province == normalize_province(province))


def list_questions(session: Session, officer: Officer, status: str = "open", limit: int = 100,
                   offset: int = 0) -> list[OfficerQuestion]:
    """The questions ``officer`` handles with the API ``status`` (a key of `LISTED`), newest first."""
    query = select(OfficerQuestion).where(OfficerQuestion.status.in_(LISTED[status]))
    query = _of_province(query, scope_of(officer))
    order = (OfficerQuestion.asked_at.desc(), OfficerQuestion.id.desc())
    return list(session.scalars(query.order_by(*order).offset(offset).limit(limit)))


def question_json(question: OfficerQuestion) -> dict[str, Any]:
    """What the API shows of a question: no LINE id, no name (the text is already masked)."""
    asked = question.asked_at or question.created_at
    return {"id": question.id, "text": question.text, "province": question.province,
            "asked_at": asked.replace(tzinfo=UTC).isoformat(timespec="seconds"),
            "status": API_STATUS.get(question.status, question.status)}


def scope_of(officer: Officer) -> str | None:
    """The province whose questions ``officer`` handles; None (every question) for an admin."""
    return None if officer.is_admin else normalize_province(officer.province)


def handles(officer: Officer, question: OfficerQuestion) -> bool:
    """An admin handles every question; an officer only their province's (never one without a province)."""
    return officer.is_admin or (question.province is not None
                                and normalize_province(officer.province) == question.province)


def askers_applications(session: Session, questions: list[OfficerQuestion], officer: Officer) -> dict[int, list[str]]:
    """``line_user pk → numbers`` of the applications each asker has linked that ``officer`` may see."""
    users = {q.line_user_id for q in questions}
    if not users:
        return {}
    found: dict[int, list[str]] = {}
    for user, number in session.execute(
            select(ApplicationLink.line_user_id, Application.number)
            .join(Application, Application.id == ApplicationLink.application_id)
            .where(ApplicationLink.line_user_id.in_(users), in_scope(officer)).order_by(Application.number)):
        found.setdefault(user, []).append(number)
    return found


def _check_officer(question: OfficerQuestion, officer: Officer) -> None:
    if question.status != "pending":
        raise QuestionError("not_pending", "คำถามนี้ตอบหรือปิดไปแล้ว / this question is no longer pending")
    if not handles(officer, question):
        raise QuestionError("not_allowed", "คำถามนี้ไม่ใช่ของจังหวัดของท่าน / not a question for your province")


def answer_question(session: Session, question: OfficerQuestion, officer: Officer, answer: str,
                    now: datetime | None = None) -> None:
    """Record the officer's answer and queue it to the user as a LINE push (same transaction)."""
    _check_officer(question, officer)
    answer = clean_text(answer, MAX_ANSWER_CHARS, one_line=False)
    if not answer:
        raise QuestionError("empty", "กรุณาพิมพ์คำตอบ / the answer is empty")
    question.status, question.answer = "answered", answer
    question.answered_at, question.answered_by = now or utcnow(), officer.id
    body = phrase("officer_answer", question.lang, question=m.clip(question.text, 300), answer=answer)
    enqueue_push(session, question.user.line_user_id, [m.text(body)], purpose="officer_answer")


def close_question(session: Session, question: OfficerQuestion, officer: Officer,
                   now: datetime | None = None) -> None:
    """Close a pending question without a LINE answer (spam, answered by phone…)."""
    _check_officer(question, officer)
    question.status, question.answered_at, question.answered_by = "closed", now or utcnow(), officer.id
