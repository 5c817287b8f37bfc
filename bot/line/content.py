"""Download what a user sent (photo, file) from LINE's data API through line-bot-sdk.

``GET {LINE_API_DATA_URL}/v2/bot/message/{messageId}/content`` with `MessagingApiBlob`. The body is read
with ``_preload_content=False`` so that the SDK never logs it (its debug log prints preloaded bodies)
and the declared Content-Type stays visible to the caller.
"""
from __future__ import annotations

from dataclasses import dataclass

import urllib3
from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApiBlob


@dataclass(frozen=True)
class Content:
    data: bytes
    declared_type: str  # what LINE said (the caller checks the bytes themselves)


class ContentError(Exception):
    """A download that did not work: ``gone`` (LINE has no such content any more: do not retry) or
    ``retry`` (5xx, 429, timeouts, no connection, a refused token)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


def fetch_content(data_url: str, access_token: str, message_id: str, timeout: float) -> Content:
    """The bytes of message ``message_id``, or `ContentError`."""
    config = Configuration(access_token=access_token, host=data_url)
    try:
        with ApiClient(config) as client:
            response = MessagingApiBlob(client).get_message_content_with_http_info(
                message_id, _preload_content=False, _request_timeout=timeout)
            data = bytes(response.raw_data or b"")
    except ApiException as exc:
        kind = "gone" if exc.status in (400, 404, 410) else "retry"
        raise ContentError(kind, f"HTTP {exc.status}") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise ContentError("retry", type(exc).__name__) from exc
    headers = {k.lower(): v for k, v in (response.headers or {}).items()}
    return Content(data, headers.get("content-type", "").split(";")[0].strip())
