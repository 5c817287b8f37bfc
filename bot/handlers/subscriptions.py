"""News by category: "รับข่าวหมวดอาหาร" subscribes, "เลิกรับข่าวหมวดอาหาร" unsubscribes; without a
category the user picks one from quick replies (postback ``action=subscribe&category=food``)."""
from __future__ import annotations

from bot.handlers.turn import Turn
from bot.knowledge.replies import phrase
from bot.line import messages as m
from bot.office.subscriptions import categories, chosen
from bot.office.subscriptions import subscribe as add
from bot.office.subscriptions import unsubscribe as remove


def subscribe(turn: Turn) -> list[m.Message]:
    """Text intent or postback: add the named category, or ask which one."""
    return _change(turn, "subscribe")


def unsubscribe(turn: Turn) -> list[m.Message]:
    """Text intent or postback: remove the named category, or ask which one."""
    return _change(turn, "unsubscribe")


def _category(turn: Turn) -> str | None:
    key = turn.postback.get("category") if turn.incoming.kind == "postback" else None
    if key is None and turn.intent is not None:
        named = turn.intent.entities.get("category")
        key = named if isinstance(named, str) else None
    return key if key in categories() else None


def _change(turn: Turn, action: str) -> list[m.Message]:
    lang, mine = turn.lang, chosen(turn.session, turn.user)
    key = _category(turn)
    if key is None:
        options = [c for k, c in categories().items() if (k in mine) == (action == "unsubscribe")]
        current = ", ".join(categories()[k].label(lang) for k in mine) or phrase("subscriptions_none", lang)
        buttons = [m.postback(c.label(lang), f"action={action}&category={c.key}", c.label(lang)) for c in options]
        return [m.text(phrase(f"{action}_which", lang, current=current), buttons)]
    label = categories()[key].label(lang)
    if action == "subscribe":
        done = add(turn.session, turn.user, key)
        return [m.text(phrase("subscribe_done" if done else "subscribe_already", lang, category=label))]
    done = remove(turn.session, turn.user, key)
    return [m.text(phrase("unsubscribe_done" if done else "unsubscribe_not_subscribed", lang, category=label))]
