"""The officers' web console (Thai, server-rendered): login, dashboard, applications, CSV import,
unmatched product queries, questions, office contacts, documents sent in LINE, certificates. `base` holds the blueprint,
`views`, `offices` and `documents` its pages."""
from bot.office.console import certificates, documents, offices, views
from bot.office.console.base import bp

__all__ = ["bp", "certificates", "documents", "offices", "views"]
