"""The officers' web console (Thai, server-rendered): login, dashboard, applications, CSV import,
unmatched product queries, questions, office contacts. `base` holds the blueprint, `views` and `offices`
its pages."""
from bot.office.console import offices, views
from bot.office.console.base import bp

__all__ = ["bp", "offices", "views"]
