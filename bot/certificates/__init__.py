"""Certificate records (มผช. certificates issued by the offices): the tables, the import of the offices'
sheets, the state rules, the verification links and QR codes, and the public page buyers open from a QR
code. `init_app` wires the public page and the CLI into the app."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the public page (/verify/<token>) and `flask certificates …`."""
    from bot.certificates.cli import certificates_cli
    from bot.certificates.public import bp

    app.register_blueprint(bp)
    app.cli.add_command(certificates_cli)
