"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py 'app:create_app()'` (override with
GUNICORN_CMD_ARGS). Worker processes default to gunicorn's advice, 2 × CPU cores + 1."""
import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # request lines would carry no personal data, but keep logs small
errorlog = "-"


def child_exit(server, worker):
    """Metrics of several processes (PROMETHEUS_MULTIPROC_DIR): forget the live values of a worker that exited."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
