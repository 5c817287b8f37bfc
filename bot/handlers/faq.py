"""Questions about มผช. and certification (issue #7: FAQ answers come here)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.line import messages as m
from bot.replies import phrase

if TYPE_CHECKING:
    from bot.conversation import Turn


def ask(turn: Turn) -> list[m.Message]:
    """The menu button: invite a question."""
    return [m.text(phrase("ask_question", turn.lang))]


def answer(turn: Turn) -> list[m.Message]:
    """Answer a question from the FAQ (placeholder)."""
    return ask(turn)
