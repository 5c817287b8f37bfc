"""Stickers, photos, videos, files and locations: a polite text answer."""
from __future__ import annotations

from bot.handlers.greeting import main_menu
from bot.handlers.turn import Turn
from bot.knowledge.replies import phrase
from bot.line import messages as m


def on_sticker(turn: Turn) -> list[m.Message]:
    return [m.text(phrase("sticker", turn.lang), main_menu(turn.lang))]


def on_media(turn: Turn) -> list[m.Message]:
    return [m.text(phrase("media", turn.lang), main_menu(turn.lang))]


def on_location(turn: Turn) -> list[m.Message]:
    return [m.text(phrase("location", turn.lang), main_menu(turn.lang))]
