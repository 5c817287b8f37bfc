"""The officers' web console (Thai, server-rendered): login, dashboard, applications, import, unmatched product
queries, demand map, questions, office contacts, documents sent in LINE, officer accounts, certificates. `base`
holds the blueprint, `views`, `imports`, `stages`, `unmatched`, `demand`, `offices`, `documents`, `accounts` and
`certificates` its pages."""
from bot.office.console import (
    accounts,
    certificates,
    demand,
    documents,
    imports,
    offices,
    stages,
    unmatched,
    views,
)
from bot.office.console.base import bp

__all__ = ["accounts", "bp", "certificates", "demand", "documents", "imports", "offices", "stages", "unmatched",
           "views"]
