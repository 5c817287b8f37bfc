"""Where is my application (issue #5: verification, linking and the status card come here)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.line import messages as m
from bot.replies import phrase

if TYPE_CHECKING:
    from bot.conversation import Turn


def start(turn: Turn) -> list[m.Message]:
    """Start a status check (placeholder: asks for the number)."""
    return [m.text(phrase("ask_status", turn.lang))]


def unlink(turn: Turn) -> list[m.Message]:
    """Unlink this LINE account from its applications (placeholder)."""
    return start(turn)
