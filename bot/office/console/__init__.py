"""The officers' web console (Thai, server-rendered): login, dashboard, applications, CSV import,
unmatched product queries, questions. `base` holds the blueprint, `views` its pages."""
from bot.office.console import views
from bot.office.console.base import bp

__all__ = ["bp", "views"]
