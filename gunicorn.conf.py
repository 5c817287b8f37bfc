"""gunicorn settings for production: `gunicorn 'app:create_app()'` (override with GUNICORN_CMD_ARGS)."""
import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # request lines would carry no personal data, but keep logs small
errorlog = "-"
