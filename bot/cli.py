"""Flask CLI commands: `worker` (production) and `serve` (embedded mode for `make run`)."""
from __future__ import annotations

import signal
import threading

import click
from flask import Flask
from flask.cli import with_appcontext
from flask.globals import app_ctx

from bot.knowledge.cli import knowledge_cli
from bot.line.richmenu import line_group
from bot.office.cli import notify, officers
from bot.pipeline.worker import dispatch_available, make_sender, send_available, start_threads


@click.command("worker")
@click.option("--once", is_flag=True, help="Handle what is due now, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Run the dispatcher and the sender until stopped (Ctrl-C or SIGTERM)."""
    app = app_ctx.app
    if once:
        handled = dispatch_available(app)
        sent = send_available(app, make_sender(app))
        click.echo(f"events handled: {handled}, messages handled: {sent}")
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    threads = start_threads(app, stop, kind="worker")
    click.echo("worker running: dispatcher + sender (Ctrl-C to stop)")
    stop.wait()
    for thread in threads:
        thread.join(timeout=15)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@with_appcontext
def serve_command(host: str) -> None:
    """Serve web + dispatcher + sender in one process (embedded mode, SQLite) on $PORT (5000)."""
    from werkzeug.serving import run_simple

    app = app_ctx.app
    port = app.config["PORT"]
    stop = threading.Event()
    start_threads(app, stop)
    if app.config["SIMULATOR"]:
        click.echo(f"simulator mode: open http://{host}:{port}/simulator")
    run_simple(host, port, app, threaded=True, use_reloader=False)
    stop.set()


def init_app(app: Flask) -> None:
    """Register every command group on ``app``."""
    app.cli.add_command(worker_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(knowledge_cli)
    app.cli.add_command(officers)
    app.cli.add_command(notify)
    app.cli.add_command(line_group)
