"""A polite HTTP client for TISI's list page: timeout, retries with backoff, a pause between requests.

Built on ``requests`` with urllib3's ``Retry`` (connection errors, read timeouts, 429 and 5xx are
retried with exponential backoff, ``Retry-After`` is honoured). The cookie jar of the session keeps
ASP.NET's session cookie between the first GET and the postbacks.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from types import TracebackType
from typing import Self

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util import Retry

from bot.knowledge.tisi_page import TisiError

USER_AGENT = "tcps-line-assistant/0.1 (+provincial industry offices)"
DEFAULT_DELAY = 1.0  # seconds between two requests (at most about one a second)
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class Fetched:
    """One answer of the site: the final URL, the raw bytes and the charset of its Content-Type."""

    url: str
    content: bytes
    encoding: str | None


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    header = Message()
    header["content-type"] = content_type
    return header.get_content_charset()


def _is_timeout(exc: requests.RequestException) -> bool:
    if isinstance(exc, requests.Timeout):
        return True
    reason = exc.args[0] if exc.args else None
    cause = reason.reason if isinstance(reason, MaxRetryError) else None
    # urllib3's NewConnectionError (refused, no route) subclasses its timeout error: not a timeout.
    return isinstance(cause, Urllib3Timeout) and not isinstance(cause, NewConnectionError)


class TisiClient:
    """GET the list page and post its pager back, one request at a time, ``delay`` seconds apart."""

    def __init__(self, *, delay: float = DEFAULT_DELAY, timeout: float = DEFAULT_TIMEOUT,
                 retries: int = DEFAULT_RETRIES, sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay = delay
        self.timeout = timeout
        self.retries = retries
        self.requests = 0
        self._sleep = sleep
        self._last: float | None = None
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, other=0,
                      backoff_factor=delay, status_forcelist=RETRY_STATUSES,
                      allowed_methods=frozenset({"GET", "POST"}),  # paging is read-only
                      respect_retry_after_header=True, raise_on_status=False)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self.session.mount("http://", HTTPAdapter(max_retries=retry))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.session.close()

    def get(self, url: str) -> Fetched:
        """The first page."""
        return self._request("GET", url)

    def post_back(self, url: str, fields: Mapping[str, str], referer: str) -> Fetched:
        """A form postback (``application/x-www-form-urlencoded``), as a browser sends it."""
        return self._request("POST", url, data=dict(fields), headers={"Referer": referer})

    def _wait(self) -> None:
        if self._last is not None:
            pause = self._last + self.delay - time.monotonic()
            if pause > 0:
                self._sleep(pause)

    def _retried(self, retryable: bool) -> tuple[str, str]:
        """" (ลอง N ครั้ง)" / " (tried N times)" when the failure was retried."""
        if not retryable or not self.retries:
            return "", ""
        return f" (ลอง {self.retries + 1} ครั้ง)", f" (tried {self.retries + 1} times)"

    def _request(self, method: str, url: str, data: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None) -> Fetched:
        self._wait()
        self.requests += 1
        try:
            response = self.session.request(method, url, data=data, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            th, en = self._retried(True)
            if _is_timeout(exc):
                raise TisiError(f"{url} ไม่ตอบภายใน {self.timeout:g} วินาที{th}",
                                f"{url} did not answer within {self.timeout:g} s{en}") from exc
            raise TisiError(f"เชื่อมต่อ {url} ไม่ได้{th}: {type(exc).__name__}",
                            f"cannot reach {url}{en}: {exc}") from exc
        finally:
            self._last = time.monotonic()
        if response.status_code >= 400:
            th, en = self._retried(response.status_code in RETRY_STATUSES)
            raise TisiError(f"{url} ตอบ HTTP {response.status_code}{th}",
                            f"{url} answered HTTP {response.status_code}{en}")
        return Fetched(response.url, response.content, _charset(response.headers.get("Content-Type")))
