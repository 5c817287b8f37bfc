"""Settings from the environment (and `.env`), with safe defaults for local use.

The names are fixed by the design: LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN,
LINE_API_BASE_URL, DATABASE_URL, SECRET_KEY. With neither LINE credential set the
app runs in *simulator mode*: a local chat page and a fake Messaging API.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from dotenv import load_dotenv
from flask import current_app, has_app_context

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = ROOT / "knowledge"
DEFAULT_TISI_STANDARD_LIST_URL = "https://tcps.tisi.go.th/public/StandardList.aspx"
DEFAULT_LINE_API = "https://api.line.me"
DEFAULT_LINE_DATA_API = "https://api-data.line.me"  # rich menu images and message content
MAX_WEBHOOK_BYTES = 2 * 1024 * 1024
DEFAULT_RETENTION_DAYS = 730  # two years after an application closed


class ConfigError(RuntimeError):
    """The configuration cannot start the app; the message says what to fix."""


def database_url(raw: str | None, instance_path: Path) -> str:
    """Return an SQLAlchemy URL; plain ``postgresql://`` URLs use the shipped psycopg 3 driver."""
    if not raw:
        return f"sqlite:///{instance_path / 'tcps.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _instance_secret(instance_path: Path) -> str:
    """A random key kept in instance/secret_key, so simulator sessions and hashes survive restarts."""
    path = instance_path / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(key)
        path.chmod(0o600)
        return key


def _env_float(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    return float(value) if value not in (None, "") else default


def _retention_days(raw: str | None) -> int:
    """``PERSONAL_DATA_RETENTION_DAYS``: unset → 730 (two years), empty or 0 → 0 (keep), else whole days."""
    if raw is None:
        return DEFAULT_RETENTION_DAYS
    value = raw.strip()
    if not value:
        return 0
    if not (value.isascii() and value.isdigit()):
        raise ConfigError(f"PERSONAL_DATA_RETENTION_DAYS must be a whole number of days, not {raw!r}")
    return int(value)


def knowledge_dir() -> Path:
    """The one knowledge directory every loader reads: the app's ``KNOWLEDGE_DIR`` inside an app,
    else the environment's ``KNOWLEDGE_DIR`` (scripts such as ``python -m bot.nlp.match``), else knowledge/."""
    if has_app_context():
        return _path(str(current_app.config["KNOWLEDGE_DIR"]))
    return _path(str(os.environ.get("KNOWLEDGE_DIR") or DEFAULT_KNOWLEDGE_DIR))


def knowledge_file(name: str) -> Path:
    """``name`` (a file or folder such as ``stages.yaml`` or ``replies``) in the knowledge directory."""
    return _path(str(knowledge_dir()), name)


@lru_cache(maxsize=256)
def _path(*parts: str) -> Path:
    """A path built once (every reply looks up its phrases by path)."""
    return Path(*parts)


def tisi_standard_list_url() -> str:
    """TISI's official list of community product standards (setting ``TISI_STANDARD_LIST_URL``)."""
    if has_app_context():
        return str(current_app.config["TISI_STANDARD_LIST_URL"])
    return os.environ.get("TISI_STANDARD_LIST_URL") or DEFAULT_TISI_STANDARD_LIST_URL


def load_config(instance_path: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from ``.env``, the environment and ``overrides`` (tests)."""
    load_dotenv(ROOT / ".env")
    env = os.environ
    cfg: dict[str, Any] = {
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "PII_HASH_KEY": env.get("PII_HASH_KEY") or None,
        "DATABASE_URL": env.get("DATABASE_URL") or None,
        "LINE_CHANNEL_SECRET": env.get("LINE_CHANNEL_SECRET") or None,
        "LINE_CHANNEL_ACCESS_TOKEN": env.get("LINE_CHANNEL_ACCESS_TOKEN") or None,
        "LINE_API_BASE_URL": env.get("LINE_API_BASE_URL") or None,
        "LINE_API_DATA_URL": env.get("LINE_API_DATA_URL") or None,
        "PORT": int(env.get("PORT") or 5000),
        "LINE_TIMEOUT_SECONDS": _env_float(env, "LINE_TIMEOUT_SECONDS", 10.0),
        "SEND_MAX_ATTEMPTS": int(env.get("SEND_MAX_ATTEMPTS") or 8),
        "SEND_BACKOFF_SECONDS": _env_float(env, "SEND_BACKOFF_SECONDS", 2.0),
        "SEND_BACKOFF_CAP_SECONDS": _env_float(env, "SEND_BACKOFF_CAP_SECONDS", 600.0),
        # shorter than a reply token's usable age (50 s): a dead worker's replies are taken over in time
        "SEND_LEASE_SECONDS": _env_float(env, "SEND_LEASE_SECONDS", 20.0),
        # LINE takes ~100 ms a call and allows 2,000 requests/s: 32 in flight ≈ 300 replies/s per worker
        "SEND_CONCURRENCY": int(env.get("SEND_CONCURRENCY") or 32),
        "DISPATCH_MAX_ATTEMPTS": int(env.get("DISPATCH_MAX_ATTEMPTS") or 5),
        "LOG_FORMAT": "json" if (env.get("LOG_FORMAT") or "").lower() == "json" else "text",
        "VERIFY_GLOBAL_MAX_FAILURES": max(1, int(env.get("VERIFY_GLOBAL_MAX_FAILURES") or 300)),
        "DISPATCH_BATCH_SIZE": max(1, int(env.get("DISPATCH_BATCH_SIZE") or 20)),
        "WORKER_IDLE_SECONDS": _env_float(env, "WORKER_IDLE_SECONDS", 0.2),
        "HEARTBEAT_SECONDS": _env_float(env, "HEARTBEAT_SECONDS", 5.0),
        "PIPELINE_MAX_LAG_SECONDS": _env_float(env, "PIPELINE_MAX_LAG_SECONDS", 60.0),
        "REPLY_TOKEN_MAX_AGE_SECONDS": _env_float(env, "REPLY_TOKEN_MAX_AGE_SECONDS", 50.0),
        "KNOWLEDGE_DIR": env.get("KNOWLEDGE_DIR") or str(DEFAULT_KNOWLEDGE_DIR),
        "TISI_STANDARD_LIST_URL": env.get("TISI_STANDARD_LIST_URL") or DEFAULT_TISI_STANDARD_LIST_URL,
        "KNOWLEDGE_REFRESH_SECONDS": _env_float(env, "KNOWLEDGE_REFRESH_SECONDS", 5.0),
        # 0: answers never wait for a rebuild (they come from the current knowledge meanwhile)
        "KNOWLEDGE_REBUILD_WAIT_SECONDS": _env_float(env, "KNOWLEDGE_REBUILD_WAIT_SECONDS", 0.0),
        "DOCUMENT_DIR": env.get("DOCUMENT_DIR") or None,
        # the address buyers reach the certificate page at (QR codes, verify_url); else this request's host
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
        "CERTIFICATE_LOOKUPS_PER_MINUTE": max(1, int(env.get("CERTIFICATE_LOOKUPS_PER_MINUTE") or 30)),
        "DOCUMENT_MAX_BYTES": int(env.get("DOCUMENT_MAX_BYTES") or 10 * 1024 * 1024),
        "DOCUMENT_FETCH_TIMEOUT_SECONDS": _env_float(env, "DOCUMENT_FETCH_TIMEOUT_SECONDS", 30.0),
        # Personal data of applications closed longer than this is erased (bot/privacy/retention.py); 0 or empty: keep.
        "PERSONAL_DATA_RETENTION_DAYS": _retention_days(env.get("PERSONAL_DATA_RETENTION_DAYS")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "TESTING": False,
    }
    cfg.update(overrides or {})
    return finish_config(cfg, instance_path)


def finish_config(cfg: dict[str, Any], instance_path: Path) -> dict[str, Any]:
    """Derive the mode (simulator or production) and fill in dependent settings."""
    secret, token = cfg["LINE_CHANNEL_SECRET"], cfg["LINE_CHANNEL_ACCESS_TOKEN"]
    if bool(secret) != bool(token):
        raise ConfigError(
            "ตั้งค่า LINE_CHANNEL_SECRET และ LINE_CHANNEL_ACCESS_TOKEN ให้ครบทั้งคู่ หรือไม่ตั้งเลยทั้งคู่ (โหมดจำลอง) / "
            "Set both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, or neither (simulator mode)."
        )
    simulator = not secret and not cfg.get("TESTING")
    cfg.setdefault("SIMULATOR", simulator)
    if cfg["SIMULATOR"]:
        # A private secret for this process: the simulator signs its own webhook bodies with it.
        cfg["LINE_CHANNEL_SECRET"] = cfg["LINE_CHANNEL_SECRET"] or secrets.token_hex(16)
        cfg["LINE_CHANNEL_ACCESS_TOKEN"] = cfg["LINE_CHANNEL_ACCESS_TOKEN"] or "simulator-token"
        # Not given: the fake API of this server on $PORT (`flask serve` puts in the port it really listens on).
        cfg.setdefault("SIMULATOR_API_FROM_PORT", not cfg["LINE_API_BASE_URL"])
        cfg["LINE_API_BASE_URL"] = cfg["LINE_API_BASE_URL"] or f"http://127.0.0.1:{cfg['PORT']}/fake-line"
        cfg.setdefault("SIMULATOR_URL_FILE", str(instance_path / "simulator-url"))
        cfg["SECRET_KEY"] = cfg["SECRET_KEY"] or _instance_secret(instance_path)
    elif not cfg["SECRET_KEY"]:
        raise ConfigError(
            "ไม่ได้ตั้ง SECRET_KEY: โหมดใช้งานจริงต้องมีค่านี้ (สร้างได้ด้วย "
            "python -c 'import secrets; print(secrets.token_hex(32))') / "
            "SECRET_KEY is not set: production mode needs it."
        )
    else:
        cfg["SESSION_COOKIE_SECURE"] = cfg.get("SESSION_COOKIE_SECURE", not cfg.get("TESTING"))
    # Keyed hashes of phone numbers must survive restarts and SECRET_KEY rotation: set PII_HASH_KEY.
    cfg["PII_HASH_KEY"] = cfg.get("PII_HASH_KEY") or hmac.new(
        str(cfg["SECRET_KEY"]).encode(), b"pii-hash-key", hashlib.sha256).hexdigest()
    cfg["LINE_API_BASE_URL"] = (cfg["LINE_API_BASE_URL"] or DEFAULT_LINE_API).rstrip("/")
    # The data host defaults to LINE's when talking to LINE, else to the same (fake) server.
    default_data = DEFAULT_LINE_DATA_API if cfg["LINE_API_BASE_URL"] == DEFAULT_LINE_API else cfg["LINE_API_BASE_URL"]
    cfg["LINE_API_DATA_URL"] = (cfg.get("LINE_API_DATA_URL") or default_data).rstrip("/")
    cfg["DOCUMENT_DIR"] = cfg.get("DOCUMENT_DIR") or str(instance_path / "documents")
    cfg["SQLALCHEMY_DATABASE_URI"] = database_url(cfg["DATABASE_URL"], instance_path)
    cfg.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"json_serializer": json_text})
    return cfg


def json_text(value: Any) -> str:
    """JSON columns as UTF-8 text: Thai kept as it is, not as \\uXXXX escapes (a third of the size, and
    faster to write and read: a card answer is written once and read by the sender)."""
    return json.dumps(value, ensure_ascii=False)


def record_simulator_url(cfg: Mapping[str, Any], api_url: str) -> None:
    """Note where the running simulator's fake API listens, for commands run beside it (setup-rich-menu)."""
    path = Path(cfg["SIMULATOR_URL_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(api_url + "\n", encoding="utf-8")


def forget_simulator_url(cfg: Mapping[str, Any], api_url: str) -> None:
    """Remove the note at shutdown, unless another server has written its own since."""
    if running_simulator_url(cfg) == api_url:
        Path(cfg["SIMULATOR_URL_FILE"]).unlink(missing_ok=True)


def running_simulator_url(cfg: Mapping[str, Any]) -> str | None:
    """The fake API URL a running `flask serve` in simulator mode recorded, if any."""
    try:
        return Path(cfg["SIMULATOR_URL_FILE"]).read_text(encoding="utf-8").strip() or None
    except (KeyError, FileNotFoundError):
        return None
