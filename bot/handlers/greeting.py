"""Greeting, help and the main menu of the three jobs."""
from __future__ import annotations

from bot.handlers import privacy
from bot.handlers.turn import Turn
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.privacy.notice import short_notice


def main_menu(lang: str) -> list[m.Action]:
    """Quick replies for the three jobs the bot does."""
    labels = [("find_standard", "button_find_standard"), ("track_status", "button_track_status"),
              ("ask_question", "button_ask_question")]
    return [m.postback(phrase(key, lang), f"action={action}", phrase(key, lang)) for action, key in labels]


def on_follow(turn: Turn) -> list[m.Message]:
    """A new friend: a warm greeting, then the short privacy notice, with the menu and a "privacy notice"
    button. An unblock (a re-follow): welcome back, with the same buttons but not the notice again."""
    lang, buttons = turn.lang, [*main_menu(turn.lang), privacy.notice_button(turn.lang)]
    if turn.incoming.is_unblocked:
        return [m.text(phrase("welcome_back", lang) + "\n\n" + phrase("greeting", lang), buttons)]
    return [m.text(phrase("greeting", lang)), m.text(short_notice(lang), buttons)]


def greet(turn: Turn) -> list[m.Message]:
    return [m.text(phrase("greeting", turn.lang), main_menu(turn.lang))]


def help(turn: Turn) -> list[m.Message]:
    """How to use the bot when asked ("วิธีใช้งาน", "help"); a gentle "not sure" for unclear messages."""
    asked = turn.intent is not None and turn.intent.intent == "help" and turn.intent.confidence >= 0.5
    if not asked:
        return [m.text(phrase("help", turn.lang), main_menu(turn.lang))]
    more = [m.postback(phrase(key, turn.lang), f"action={action}", phrase(key, turn.lang))
            for action, key in (("lookup_code", "button_lookup_code"), ("officer", "button_officer"))]
    return [m.text(phrase("how_to_use", turn.lang), [*main_menu(turn.lang), *more])]


def off_topic(turn: Turn) -> list[m.Message]:
    """Weather, gold prices, lottery, recipes…: outside what the bot answers, said politely, with the menu."""
    return [m.text(phrase("off_topic", turn.lang), main_menu(turn.lang))]


def thanks(turn: Turn) -> list[m.Message]:
    return [m.text(phrase("thanks", turn.lang), main_menu(turn.lang))]


def cancel(turn: Turn) -> list[m.Message]:
    """Leave whatever flow the user is in."""
    turn.leave()
    return [m.text(phrase("cancelled", turn.lang), main_menu(turn.lang))]
