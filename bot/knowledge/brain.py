"""The bot's language knowledge: the product matcher, the intent classifier and the FAQ.

Standards and aliases come from the database (``standard``, ``standard_alias``) when it holds
any standard, else from the files in ``knowledge/``. Each app keeps one `Brain`; the dispatcher
calls :func:`refresh_brain` before each event, which reads ``knowledge_version`` at most every
``KNOWLEDGE_REFRESH_SECONDS`` and rebuilds when it changed (an import, a sync or an officer's
alias), so running processes see new knowledge without a restart. The rebuild (about a second for
the whole TISI catalogue) runs in a thread of its own, off the answering path: answers keep coming
from the current brain until the new one is ready (or, with ``KNOWLEDGE_REBUILD_WAIT_SECONDS``, an
answer waits that long for it), then the reference is swapped atomically; readers keep the brain
they already hold. Built brains are cached by content, so processes (and test apps) with the same
knowledge share one.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.knowledge.store import knowledge_changed, knowledge_version, records_from_db
from bot.knowledge.sync import last_tisi_sync
from bot.nlp.categories import load_categories
from bot.nlp.faq import FaqDocument, load_faq_document
from bot.nlp.intent import IntentClassifier
from bot.nlp.knowledge import KnowledgeBundle, load_knowledge
from bot.nlp.matcher import Matcher
from bot.nlp.product_terms import product_terms

log = logging.getLogger(__name__)

DEFAULT_REFRESH_SECONDS = 5.0
CACHE_SIZE = 3
_EXTENSION = "tcps_brain"


@dataclass(frozen=True)
class Brain:
    bundle: KnowledgeBundle
    matcher: Matcher
    classifier: IntentClassifier
    faq: FaqDocument


def build_brain(bundle: KnowledgeBundle | None = None) -> Brain:
    """Build everything from ``bundle`` (default: the shipped knowledge files)."""
    bundle = bundle or load_knowledge()
    faq = load_faq_document()
    matcher = Matcher.build(bundle.standards, bundle.aliases, **bundle.lexicons)
    classifier = IntentClassifier.build(faq.entries, load_categories(), product_terms(bundle))
    return Brain(bundle=bundle, matcher=matcher, classifier=classifier, faq=faq)


_cache: OrderedDict[tuple, Brain] = OrderedDict()
_pinned: dict[tuple, Brain] = {}  # the knowledge files' brain (`default_brain`): never evicted
_cache_lock = threading.Lock()
_build_lock = threading.Lock()


def brain_for(bundle: KnowledgeBundle, *, pin: bool = False) -> Brain:
    """The brain for ``bundle``, reused when an identical bundle was built before (the newest
    ``CACHE_SIZE`` of them, and the ``pin``-ned one of the files, which an app on an empty or
    file-identical database shares)."""
    key = (tuple(bundle.standards), tuple(bundle.aliases), repr(sorted(bundle.lexicons.items())))
    brain = _cached(key, pin)
    if brain is None:
        with _build_lock:  # one build at a time: builds are CPU-bound and share PyThaiNLP's tries
            brain = _cached(key, pin)
            if brain is None:
                brain = build_brain(bundle)
                _keep(key, brain, pin)
    return brain


def _cached(key: tuple, pin: bool) -> Brain | None:
    with _cache_lock:
        brain = _pinned.get(key)
        if brain is None and key in _cache:
            if pin:
                brain = _pinned[key] = _cache.pop(key)
            else:
                _cache.move_to_end(key)
                brain = _cache[key]
        return brain


def _keep(key: tuple, brain: Brain, pin: bool) -> None:
    with _cache_lock:
        if pin:
            _pinned[key] = brain
            return
        _cache[key] = brain
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def knowledge_bundle(session: Session, knowledge_dir: Path | None = None) -> KnowledgeBundle:
    """Standards and aliases from the database, or from the files when the database has none.

    Once a complete sync with TISI's list has run, the catalogue is the whole list: the
    hand-curated ``unlisted_community_products.csv`` (products we knew were missing) no longer
    decides anything, so a product is either matched to a listed standard or covered by none.
    """
    files = load_knowledge(knowledge_dir)
    standards, aliases = records_from_db(session)
    if not standards:
        return files
    lexicons = files.lexicons
    if last_tisi_sync(session) is not None:
        lexicons = {**lexicons, "unlisted": {}}
    return KnowledgeBundle(standards, aliases, lexicons)


class BrainHolder:
    """One app's current brain and the knowledge version it was built from (thread-safe)."""

    def __init__(self, knowledge_dir: Path | None = None, interval: float = DEFAULT_REFRESH_SECONDS,
                 clock: Callable[[], float] = time.monotonic, rebuild_wait: float = 0.0) -> None:
        self.knowledge_dir = knowledge_dir
        self.interval = interval
        self.clock = clock
        self.rebuild_wait = rebuild_wait  # how long the refreshing caller waits for a rebuild
        self.rebuilds = 0  # finished background rebuilds (for tests and figures)
        self._building: int | None = None  # the version a background thread is building
        self.brain: Brain | None = None
        self.version: int | None = None
        self.checked_at = float("-inf")
        self.checks = 0  # how many times the version was read (for tests and figures)
        self.synced_at: datetime | None = None  # the last complete sync with TISI's list, as of the last check
        self._lock = threading.Lock()

    def mark_stale(self) -> None:
        """Check the version at the next refresh, whatever the interval."""
        self.checked_at = float("-inf")

    def refresh(self, engine: Engine) -> Brain:
        """Rebuild if the knowledge version changed (checked at most every ``interval`` seconds).

        Reads in a short session of its own (closed before any rebuild, so no lock is held while
        building). While another thread rebuilds, callers keep the current brain instead of waiting.
        """
        current = self.brain
        if current is not None and self.clock() - self.checked_at < self.interval:
            return current
        if current is not None and not self._lock.acquire(blocking=False):
            return current  # someone else is refreshing
        if current is None:
            self._lock.acquire()  # nothing to answer with yet: wait for the first build
        try:
            now = self.clock()
            if self.brain is not None and now - self.checked_at < self.interval:
                return self.brain
            self._check(engine)
            self.checked_at = now
        finally:
            self._lock.release()
        assert self.brain is not None
        return self.brain

    def _check(self, engine: Engine) -> None:
        try:
            self.checks += 1
            with Session(engine) as session:
                version = knowledge_version(session)
                synced = last_tisi_sync(session)
                self.synced_at = synced.finished_at if synced else None
                if self.brain is not None and version in (self.version, self._building):
                    return
                bundle = knowledge_bundle(session, self.knowledge_dir)
        except SQLAlchemyError:
            log.exception("cannot read the knowledge tables; keeping the current knowledge")
            if self.brain is None:
                self.brain = brain_for(load_knowledge(self.knowledge_dir))
            return
        if self.brain is None:  # nothing to answer with yet: build here
            self._install(bundle, version)
            return
        self._building = version
        builder = threading.Thread(target=self._install, args=(bundle, version),
                                   name=f"brain-rebuild-{version}", daemon=True)
        builder.start()
        if self.rebuild_wait > 0:
            builder.join(self.rebuild_wait)

    def _install(self, bundle: KnowledgeBundle, version: int) -> None:
        """Build the brain for ``bundle`` and make it current (the old one stays if the build fails)."""
        try:
            brain = brain_for(bundle)
        except Exception:  # bad data must not stop the bot: keep what works until the next change
            log.exception("knowledge version %s cannot be built; keeping the current knowledge", version)
            brain = self.brain or brain_for(load_knowledge(self.knowledge_dir))
        if self.brain is not None and brain is not self.brain:
            log.info("knowledge version %s → %s: matcher rebuilt (%d standards, %d aliases)",
                     self.version, version, len(bundle.standards), len(bundle.aliases))
        self.brain, self.version = brain, version
        if self._building == version:
            self._building = None
        self.rebuilds += 1


_holders_lock = threading.Lock()


def holder_for(app: Flask) -> BrainHolder:
    """The app's `BrainHolder` (created on first use from the app's config)."""
    holder = app.extensions.get(_EXTENSION)
    if holder is None:
        with _holders_lock:
            holder = app.extensions.get(_EXTENSION)
            if holder is None:
                holder = BrainHolder(Path(app.config["KNOWLEDGE_DIR"]),
                                     float(app.config.get("KNOWLEDGE_REFRESH_SECONDS", DEFAULT_REFRESH_SECONDS)),
                                     rebuild_wait=float(app.config.get("KNOWLEDGE_REBUILD_WAIT_SECONDS", 0.0)))
                app.extensions[_EXTENSION] = holder
    return holder


def refresh_brain() -> Brain:
    """In an app context: pick up new knowledge if its version changed, and return the brain.

    The dispatcher calls this before each event; a web view that matches products should call
    it at the start of the request (not inside an open write transaction on SQLite).
    """
    from bot.db import db

    return holder_for(current_app).refresh(db.engine)


@knowledge_changed.connect
def _on_knowledge_changed(_sender: object, **_: object) -> None:
    """Knowledge changed in this process: this app checks the version at its next refresh."""
    if has_app_context():
        holder_for(current_app).mark_stale()


_default_lock = threading.Lock()
_default: Brain | None = None


def default_brain() -> Brain:
    """The brain of the shipped knowledge files (no database), built on first use."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = brain_for(load_knowledge(), pin=True)
    return _default


def tisi_synced_at() -> datetime | None:
    """When the last complete sync with TISI's list finished (UTC), as of the app's last knowledge check
    (at most ``KNOWLEDGE_REFRESH_SECONDS`` old); None before the first sync or outside an app."""
    if not has_app_context():
        return None
    holder = current_app.extensions.get(_EXTENSION)
    return holder.synced_at if holder is not None else None


def get_brain() -> Brain:
    """The current brain: the app's (as of its last refresh) or, before any refresh or outside an
    app, the one built from the knowledge files. Never touches the database."""
    if has_app_context():
        holder = current_app.extensions.get(_EXTENSION)
        if holder is not None and holder.brain is not None:
            return holder.brain
    return default_brain()
