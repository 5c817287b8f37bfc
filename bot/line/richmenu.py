"""Register the rich menu with the Messaging API: `flask --app app line setup-rich-menu`.

Steps (LINE's order): validate the menu object, create it, upload the image to the data host
(``LINE_API_DATA_URL``, https://api-data.line.me for LINE), make it the default for every user, then
delete the older menus with the same name (ours). A failure after creating removes the new menu, so
a half-made menu never lingers and the previous default stays in place.

In simulator mode the command talks to the fake API of the running `make run` (whatever its port, or
``--base-url``), and `flask serve` sets the menu up itself at start (:func:`setup_in_background`).
"""
from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import urllib3
from flask import Flask, current_app
from flask.cli import with_appcontext
from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApi, MessagingApiBlob, RichMenuRequest

from bot.config import DEFAULT_LINE_API, DEFAULT_LINE_DATA_API, running_simulator_url
from bot.line.messages import MAX_LABEL, clip
from bot.line.richmenu_image import RichMenuError, draw_rich_menu, load_richmenu_spec


@dataclass(frozen=True)
class RichMenuSetup:
    menu_id: str
    image_bytes: int
    deleted: tuple[str, ...]


class RichMenuSetupError(RuntimeError):
    """LINE refused a step; the message names the step and LINE's answer."""


def menu_object(spec: dict[str, Any]) -> dict[str, Any]:
    """The LINE rich menu object for ``knowledge/richmenu.yaml`` (labels help screen readers)."""
    areas = []
    for area in spec["areas"]:
        action = {**area["action"], "label": clip(area["label_th"], MAX_LABEL)}
        areas.append({"bounds": dict(area["bounds"]), "action": action})
    return {"size": dict(spec["size"]), "selected": bool(spec.get("selected", True)), "name": spec["name"],
            "chatBarText": spec["chat_bar_text"], "areas": areas}


def _step(name: str, call, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except ApiException as exc:
        try:
            detail = json.loads(exc.body or "{}")
        except ValueError:
            detail = exc.body
        raise RichMenuSetupError(f"{name}: HTTP {exc.status} {detail}") from exc
    except urllib3.exceptions.HTTPError as exc:
        raise RichMenuSetupError(f"{name}: {type(exc).__name__}: {exc}") from exc


def setup_rich_menu(base_url: str, data_url: str, access_token: str, spec: dict[str, Any], image: bytes,
                    *, replace: bool = True, timeout: float = 10.0) -> RichMenuSetup:
    """Create the menu from ``spec`` with ``image`` (PNG) and make it the default; see the module doc."""
    request = RichMenuRequest.from_dict(menu_object(spec))
    with ApiClient(Configuration(access_token=access_token, host=base_url)) as api_client, \
            ApiClient(Configuration(access_token=access_token, host=data_url)) as data_client:
        api, blob = MessagingApi(api_client), MessagingApiBlob(data_client)
        _step("validate", api.validate_rich_menu_object, request, _request_timeout=timeout)
        listed = _step("list", api.get_rich_menu_list, _request_timeout=timeout).richmenus if replace else []
        previous = tuple(menu.rich_menu_id for menu in listed if menu.name == spec["name"])
        menu_id = _step("create", api.create_rich_menu, request, _request_timeout=timeout).rich_menu_id
        try:
            _step("upload image", blob.set_rich_menu_image, menu_id, body=image,
                  _headers={"Content-Type": "image/png"}, _request_timeout=timeout)
            _step("set default", api.set_default_rich_menu, menu_id, _request_timeout=timeout)
        except RichMenuSetupError:
            _step("clean up", api.delete_rich_menu, menu_id, _request_timeout=timeout)
            raise
        for old in previous:
            _step("delete old menu", api.delete_rich_menu, old, _request_timeout=timeout)
    return RichMenuSetup(menu_id=menu_id, image_bytes=len(image), deleted=previous)


@click.group("line")
def line_group() -> None:
    """LINE channel setup."""


def api_urls(cfg: Mapping[str, Any], base_url: str | None = None) -> tuple[str, str]:
    """(Messaging API, data API) URLs the command talks to.

    ``base_url`` (``--base-url``) wins; a bare server URL in simulator mode means its fake API
    (``http://127.0.0.1:8080`` → ``…/fake-line``), and data calls go to the same place. Else, in simulator
    mode with no ``LINE_API_BASE_URL`` set, the fake API of the running ``flask serve`` (it records its
    URL, whatever port it got); else the configured URLs.
    """
    if base_url:
        base_url = base_url.rstrip("/")
        if cfg.get("SIMULATOR") and urlsplit(base_url).path == "":
            base_url += "/fake-line"
        return base_url, (DEFAULT_LINE_DATA_API if base_url == DEFAULT_LINE_API else base_url)
    running = running_simulator_url(cfg) if cfg.get("SIMULATOR") and cfg.get("SIMULATOR_API_FROM_PORT") else None
    if running:
        return running, running
    return cfg["LINE_API_BASE_URL"], cfg["LINE_API_DATA_URL"]


def setup_in_background(app: Flask, api_url: str) -> threading.Thread:
    """Simulator mode at server start: give the fake API the default rich menu through the same calls
    as the command (``api_url`` is this server's fake API), so the simulator page shows it at once."""

    def run() -> None:
        cfg = app.config
        try:
            with app.app_context():
                spec = load_richmenu_spec()
            done = setup_rich_menu(api_url, api_url, cfg["LINE_CHANNEL_ACCESS_TOKEN"], spec, draw_rich_menu(spec),
                                   timeout=cfg["LINE_TIMEOUT_SECONDS"])
        except (RichMenuError, RichMenuSetupError, OSError) as exc:
            click.echo(f"note: the simulator has no rich menu ({exc}); "
                       "run `flask --app app line setup-rich-menu` to try again", err=True)
            return
        click.echo(f"simulator: rich menu {done.menu_id} set up (as `line setup-rich-menu` does)")

    thread = threading.Thread(target=run, name="simulator-rich-menu", daemon=True)
    thread.start()
    return thread


@line_group.command("setup-rich-menu")
@click.option("--spec", "spec_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Rich menu spec (areas, labels, actions; default: richmenu.yaml in KNOWLEDGE_DIR).")
@click.option("--save-image", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the drawn PNG here (e.g. docs/richmenu.png).")
@click.option("--keep-old", is_flag=True, help="Do not delete our previous menus.")
@click.option("--base-url", default=None, metavar="URL",
              help="Messaging API to talk to instead of LINE_API_BASE_URL (and for the image too). Simulator "
                   "mode: a running server's URL, e.g. http://127.0.0.1:8080 (default: the one `make run` serves).")
@with_appcontext
def setup_rich_menu_command(spec_path: Path | None, save_image: Path | None, keep_old: bool,
                            base_url: str | None) -> None:
    """Draw the rich menu image, create the menu on LINE, upload the image and make it the default."""
    cfg = current_app.config
    spec = load_richmenu_spec(spec_path)
    image = draw_rich_menu(spec)
    if save_image:
        save_image.parent.mkdir(parents=True, exist_ok=True)
        save_image.write_bytes(image)
        click.echo(f"image written to {save_image}")
    api_url, data_url = api_urls(cfg, base_url)
    try:
        done = setup_rich_menu(api_url, data_url, cfg["LINE_CHANNEL_ACCESS_TOKEN"],
                               spec, image, replace=not keep_old, timeout=cfg["LINE_TIMEOUT_SECONDS"])
    except RichMenuSetupError as exc:
        hint = "" if not cfg.get("SIMULATOR") else (f" (simulator mode: is a server up at {api_url}?)" if base_url else
                                                   f" (simulator mode: is `make run` up? looked at {api_url}; "
                                                   "or pass --base-url)")
        raise click.ClickException(f"rich menu setup failed at {exc}{hint}") from exc
    click.echo(f"rich menu {done.menu_id} created ({done.image_bytes} byte PNG) and set as default"
               + (f" at {api_url}" if cfg.get("SIMULATOR") else "")
               + (f"; deleted {len(done.deleted)} older menu(s)" if done.deleted else ""))
