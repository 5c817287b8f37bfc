"""Flex building blocks as plain JSON dicts: the pieces every card (status, standard, category) is made of.

Only layout lives here; what a card says comes from the capability that builds it.
"""
from __future__ import annotations

from typing import Any

from bot.line.messages import Action

Component = dict[str, Any]
MUTED = "#5C6A72"


def text(value: str, **style: Any) -> Component:
    """A wrapping text component (``size``, ``color``, ``weight``, ``flex``… as LINE names them)."""
    return {"type": "text", "text": value, "wrap": True, **style}


def row(label: str, value: str, *, label_flex: int = 2, value_flex: int = 5, label_color: str = MUTED,
        **style: Any) -> Component:
    """A label and its value side by side (label muted); ``style`` applies to both texts."""
    style = {"size": "sm", **style}
    label_style = {**style, "color": label_color, "flex": label_flex}
    return {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
        text(label, **label_style), text(value, **{**style, "flex": value_flex})]}


def button(action: Action, style: str = "link") -> Component:
    """A small button (``primary``, ``secondary`` or ``link``)."""
    return {"type": "button", "style": style, "height": "sm", "action": action}


def box(contents: list[Component], layout: str = "vertical", **style: Any) -> Component:
    """A box of ``contents``."""
    return {"type": "box", "layout": layout, "contents": contents, **style}


def bubble(body: list[Component], *, header: Component | None = None, footer: list[Component] | None = None,
           size: str | None = None, spacing: str = "sm", footer_spacing: str = "sm") -> Component:
    """A bubble with a vertical body (and optional header, footer of buttons, size)."""
    card: Component = {"type": "bubble"}
    if size:
        card["size"] = size
    if header is not None:
        card["header"] = header
    card["body"] = box(body, spacing=spacing)
    if footer:
        card["footer"] = box(footer, spacing=footer_spacing)
    return card
