"""The officers' web console (Thai, server-rendered): login, dashboard, applications, CSV import,
unmatched product queries, questions, office contacts, documents sent in LINE. `base` holds the blueprint,
`views`, `offices` and `documents` its pages."""
from bot.office.console import demand, documents, offices, unmatched, views
from bot.office.console.base import bp

__all__ = ["bp", "demand", "documents", "offices", "unmatched", "views"]
