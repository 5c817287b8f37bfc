"""Look up a standard by its code, or list the standards of a category (issue #7)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bot.handlers import product
from bot.line import messages as m

if TYPE_CHECKING:
    from bot.conversation import Turn


def by_code(turn: Turn) -> list[m.Message]:
    """"มผช. 129/2546 คืออะไร" (placeholder)."""
    return product.ask(turn)


def by_category(turn: Turn) -> list[m.Message]:
    """"มาตรฐานหมวดอาหารมีอะไรบ้าง" (placeholder)."""
    return product.ask(turn)
