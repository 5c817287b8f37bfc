"""The officers' web console (Thai, server-rendered): login, dashboard, applications, import, unmatched product
queries, questions, office contacts, documents sent in LINE, officer accounts. `base` holds the blueprint,
`views`, `imports`, `stages`, `offices`, `documents` and `accounts` its pages."""
from bot.office.console import accounts, documents, imports, offices, stages, views
from bot.office.console.base import bp

__all__ = ["accounts", "bp", "documents", "imports", "offices", "stages", "views"]
