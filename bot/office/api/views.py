"""The API's JSON view of applications: no phone number except its mask; a page of them read in a fixed
number of queries (followers and documents for all of them at once)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.cases.applications import stage_book, timeline_of
from bot.documents.model import ApplicationDocument
from bot.documents.records import documents_json, stored_documents_of
from bot.models import Application, ApplicationEvent
from bot.office.casework import linked_counts, next_stages


def application_json(session: Session, application: Application, today: date | None = None) -> dict[str, Any]:
    """The API's view of an application: no phone number except its mask."""
    return applications_json(session, [application], today)[0]


def applications_json(session: Session, applications: list[Application],
                      today: date | None = None) -> list[dict[str, Any]]:
    """`application_json` of each, with the followers and documents of all of them read in two queries."""
    ids = [application.id for application in applications]
    linked, documents = linked_counts(session, ids), stored_documents_of(session, ids)
    return [_application_json(a, today, linked.get(a.id, 0), documents.get(a.id, [])) for a in applications]


def _application_json(application: Application, today: date | None, linked: int,
                      documents: list[ApplicationDocument]) -> dict[str, Any]:
    book = stage_book()
    timeline = timeline_of(application, today)

    def iso(day: date | None) -> str | None:
        return day.isoformat() if day else None

    def event_json(event: ApplicationEvent) -> dict[str, Any]:
        return {"from_stage": event.from_stage, "to_stage": event.to_stage,
                "stage_label": book[event.to_stage].label_th, "entered_on": iso(event.entered_on),
                "note": event.note, "note_public": event.note_public,
                "officer": event.officer.username if event.officer else None,
                "at": event.at.isoformat(timespec="seconds") + "Z"}

    stage = book[application.stage]
    return {
        "number": application.number, "applicant_name": application.applicant.name,
        "phone": application.applicant.phone_masked, "province": application.province,
        "product": application.product, "standard_number": application.standard_number,
        "submitted_on": iso(application.submitted_on), "stage": stage.key, "stage_label": stage.label_th,
        "stage_label_en": stage.label_en, "due_on": iso(timeline.due_on), "overdue": timeline.overdue,
        "working_days_used": timeline.used_days, "working_days_remaining": timeline.remaining_days,
        "certificate_expires_on": iso(application.certificate_expires_on),
        "linked_line_users": linked,
        "next_stages": [{"stage": s.key, "stage_label": s.label_th} for s in next_stages(application)],
        "history": [event_json(event) for event in application.events],
        "documents": documents_json(documents),
    }
