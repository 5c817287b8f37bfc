"""Which news categories a LINE user chose (for `flask notify announce`)."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.models import CategorySubscription, LineUser
from bot.nlp.categories import Category, categories_by_key


def categories() -> dict[str, Category]:
    """Category key → Category (knowledge/categories.yaml)."""
    return categories_by_key()


def chosen(session: Session, user: LineUser) -> list[str]:
    """The user's category keys, in the order of categories.yaml."""
    keys = set(session.execute(select(CategorySubscription.category)
                               .where(CategorySubscription.line_user_id == user.id)).scalars())
    return [key for key in categories() if key in keys]


def subscribe(session: Session, user: LineUser, category: str) -> bool:
    """Add ``category`` for ``user``; False if it was already chosen."""
    if category not in categories():
        raise ValueError(f"unknown category {category!r}")
    if category in chosen(session, user):
        return False
    session.add(CategorySubscription(line_user_id=user.id, category=category))
    session.flush()
    return True


def unsubscribe(session: Session, user: LineUser, category: str) -> bool:
    """Remove ``category`` for ``user``; False if it was not chosen."""
    result = session.execute(delete(CategorySubscription).where(CategorySubscription.line_user_id == user.id,
                                                                CategorySubscription.category == category))
    return bool(getattr(result, "rowcount", 0))  # a CursorResult for DELETE


def subscribers(session: Session, category: str) -> list[str]:
    """LINE user ids of followers who chose ``category``."""
    return list(session.execute(
        select(LineUser.line_user_id).join(CategorySubscription, CategorySubscription.line_user_id == LineUser.id)
        .where(CategorySubscription.category == category, LineUser.following.is_(True))
        .order_by(LineUser.id)).scalars())
