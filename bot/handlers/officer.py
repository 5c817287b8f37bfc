"""Talk to an officer (issue #7: the question is recorded for officers)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.handlers import greeting
from bot.line import messages as m

if TYPE_CHECKING:
    from bot.conversation import Turn


def request(turn: Turn) -> list[m.Message]:
    """The user asks for a human (placeholder)."""
    return greeting.help(turn)
