"""Local fakes of the outside sites the service talks to (LINE's API, TISI's list), over real HTTP."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pytest_httpserver import HTTPServer


@contextmanager
def fake_site(paths: str) -> Iterator[tuple[HTTPServer, dict[str, Any]]]:
    """A threaded local server answering every path matching ``paths`` with ``holder["fake"].handle(request)``;
    yields the server and the holder (put a fresh fake in it for each test)."""
    holder: dict[str, Any] = {}
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request(re.compile(paths)).respond_with_handler(lambda request: holder["fake"].handle(request))
    server.start()
    try:
        yield server, holder
    finally:
        server.clear()
        server.stop()
