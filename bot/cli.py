"""Flask CLI commands: `worker` (production) and `serve` (embedded mode for `make run`)."""
from __future__ import annotations

import signal
import threading

import click
from flask import Flask
from flask.cli import with_appcontext
from flask.globals import app_ctx

from bot.config import forget_simulator_url, record_simulator_url
from bot.knowledge.cli import knowledge_cli
from bot.line.richmenu import line_group, setup_in_background
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
    from werkzeug.serving import make_server

    app = app_ctx.app
    server = make_server(host, app.config["PORT"], app, threaded=True)  # listening from here on
    url = f"http://{_local_host(host)}:{server.server_port}"
    # Simulator mode with its own fake API (LINE_API_BASE_URL not set): the port really bound, a note of it
    # for `line setup-rich-menu`, and the rich menu set up through the fake API as that command does.
    own_api = url + "/fake-line" if app.config["SIMULATOR"] and app.config.get("SIMULATOR_API_FROM_PORT") else None
    if own_api:
        app.config["LINE_API_BASE_URL"] = app.config["LINE_API_DATA_URL"] = own_api
    stop = threading.Event()
    start_threads(app, stop)
    if own_api:
        record_simulator_url(app.config, own_api)
        setup_in_background(app, own_api)
    click.echo(f"simulator mode: open {url}/simulator" if app.config["SIMULATOR"] else f"serving on {url}")
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stop as on Ctrl-C, so the note above is removed
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        if own_api:
            forget_simulator_url(app.config, own_api)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _local_host(host: str) -> str:
    """The address this machine reaches a server bound to ``host`` at."""
    if host in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def init_app(app: Flask) -> None:
    """Register every command group on ``app``."""
    app.cli.add_command(worker_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(knowledge_cli)
    app.cli.add_command(officers)
    app.cli.add_command(notify)
    app.cli.add_command(line_group)
