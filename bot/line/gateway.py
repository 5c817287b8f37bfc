"""Calls to the Messaging API through line-bot-sdk, with LINE's errors sorted into kinds."""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from typing import Any

import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
)

log = logging.getLogger(__name__)


class SendFailure(Exception):
    """A send that did not go through.

    ``kind``: ``invalid_reply_token`` (use push instead), ``retry`` (5xx, rate limit, or the request
    never reached LINE), ``unknown`` (timed out or dropped after sending: LINE may have delivered it),
    ``quota`` (monthly limit: do not retry), ``rejected`` (other 4xx or an invalid message).
    """

    def __init__(self, kind: str, detail: str, status: int | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.status = kind, detail, status


def _error_message(exc: ApiException) -> str:
    body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else str(exc.body or "")
    try:
        return str(json.loads(body or "{}").get("message", ""))
    except (ValueError, AttributeError):  # not JSON, or JSON that is not an object
        return body[:200]


def classify(exc: ApiException) -> SendFailure | str:
    """Map an API error to a `SendFailure`, or to the accepted request id for a 409 duplicate."""
    status, message = exc.status, _error_message(exc)
    if status == 409:
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        return headers.get("x-line-accepted-request-id", "accepted-earlier")
    if status == 400 and "reply token" in message.lower():
        return SendFailure("invalid_reply_token", message, status)
    if status == 429 and "monthly limit" in message.lower():
        return SendFailure("quota", message, status)
    if status == 429 or (status or 0) >= 500:
        return SendFailure("retry", f"HTTP {status} {message}".strip(), status)
    return SendFailure("rejected", f"HTTP {status} {message}".strip(), status)


class LineGateway:
    """One API client (a pool of kept-alive connections) per sender; each call returns LINE's request id or
    raises `SendFailure`. Safe to call from the sender's threads.

    The messages are checked with the SDK's model (an invalid message is never sent; a list already
    checked is not checked again: an announcement or a popular card goes to many users), then the body
    is posted through the SDK's REST client as it is: the generated API methods would validate and
    serialise the model a second and third time, which cost more CPU than the HTTP call (bench/README.md)."""

    def __init__(self, base_url: str, access_token: str, timeout: float = 10.0, pool_size: int = 4) -> None:
        config = Configuration(access_token=access_token, host=base_url)
        config.connection_pool_maxsize = pool_size  # one kept-alive connection per call in flight
        self._client = ApiClient(config)
        self._host = base_url.rstrip("/")
        self._timeout = timeout

    def close(self) -> None:
        self._client.close()

    def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> str:
        return self._post("/v2/bot/message/reply", ReplyMessageRequest,
                          {"replyToken": reply_token, "messages": messages})

    def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> str:
        return self._post("/v2/bot/message/push", PushMessageRequest, {"to": to, "messages": messages}, retry_key)

    def multicast(self, to: list[str], messages: list[dict[str, Any]], retry_key: str) -> str:
        return self._post("/v2/bot/message/multicast", MulticastRequest, {"to": to, "messages": messages}, retry_key)

    def _post(self, path: str, model: Any, body: dict[str, Any], retry_key: str | None = None) -> str:
        _build(model, {**body, "messages": [_PLACEHOLDER]})  # the token or recipients; the messages below
        CHECKED.check(body["messages"])
        headers = {**self._client.default_headers, "Content-Type": "application/json"}
        if retry_key:
            headers["X-Line-Retry-Key"] = retry_key
        try:
            response = self._client.rest_client.request("POST", self._host + path, headers=headers, body=body,
                                                        _request_timeout=self._timeout)
        except ApiException as exc:
            outcome = classify(exc)
            if isinstance(outcome, SendFailure):
                raise outcome from exc
            return outcome
        except urllib3.exceptions.HTTPError as exc:
            kind = "unknown" if maybe_delivered(exc) else "retry"
            raise SendFailure(kind, f"{type(exc).__name__}: {exc}") from exc
        return response.getheader("x-line-request-id") or ""


def maybe_delivered(exc: urllib3.exceptions.HTTPError) -> bool:
    """True when the request may have reached LINE (read timed out, connection dropped after sending);
    False when it certainly did not (connection refused, connect timeout, DNS)."""
    reason = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason else exc
    never_sent = (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError,
                  urllib3.exceptions.NameResolutionError)
    return not isinstance(reason, never_sent)


def _build(model, data: dict[str, Any]):
    """Validate a request body with the SDK's model; an invalid message is never retried."""
    try:
        return model.from_dict(data)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise SendFailure("rejected", f"invalid message: {exc}"[:500]) from exc


_PLACEHOLDER = {"type": "text", "text": "-"}


class CheckedLists:
    """Message lists LINE's model accepted, remembered by a 16-byte digest of their JSON (a status card
    is 13 KB: the lists themselves are not kept), the newest ``size`` of them. Safe across threads."""

    def __init__(self, size: int = 4096) -> None:
        self.size, self.checks = size, 0  # checks: how many lists were checked with the model
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, messages: list[dict[str, Any]]) -> None:
        """Raise `SendFailure` unless LINE's model accepts ``messages`` (1–5 of them)."""
        text = json.dumps(messages, ensure_ascii=False, sort_keys=True)
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()
        with self._lock:
            if key in self._seen:
                self._seen.move_to_end(key)
                return
            self.checks += 1
        validate_messages(messages)  # raises: a bad list is never kept
        with self._lock:
            self._seen[key] = None
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)


CHECKED = CheckedLists()


def validate_messages(messages: list[dict[str, Any]]) -> None:
    """Raise `SendFailure` if LINE's models reject ``messages`` (1–5 of them; tests of builders use it too)."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        raise SendFailure("rejected", "invalid message: 1 to 5 messages per request")
    _build(PushMessageRequest, {"to": "U0", "messages": messages})
