"""Which standard fits my product (issue #4: matcher-backed answers come here)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.line import messages as m
from bot.replies import phrase

if TYPE_CHECKING:
    from bot.conversation import Turn


def ask(turn: Turn) -> list[m.Message]:
    """The menu button: ask for the product's name."""
    return [m.text(phrase("ask_product", turn.lang))]


def on_question(turn: Turn) -> list[m.Message]:
    """A product question (placeholder until the matcher conversation lands)."""
    return ask(turn)
