"""The officers' web console (Thai, server-rendered): login, dashboard, applications, import, unmatched product
queries, questions, office contacts, documents sent in LINE, officer accounts, certificates. `base` holds the
blueprint, `views`, `imports`, `stages`, `offices`, `documents`, `accounts` and `certificates` its pages."""
from bot.office.console import accounts, certificates, documents, imports, offices, stages, views
from bot.office.console.base import bp

__all__ = ["accounts", "bp", "certificates", "documents", "imports", "offices", "stages", "views"]
