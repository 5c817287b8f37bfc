"""For comparison only: the design this project does NOT use, answering inside the webhook request.

``POST /callback`` verifies the signature, then for each text event runs the same matcher and calls
LINE's reply API before answering 200 (what a tutorial bot does). Nothing is stored; a slow LINE API
slows every acknowledgement. Served by gunicorn in `make bench-webhook` under the same load.
"""
from __future__ import annotations

import json
import os

from flask import Flask, abort, request
from linebot.v3 import SignatureValidator

from bot.knowledge.brain import default_brain
from bot.line.gateway import LineGateway, SendFailure


def create_app() -> Flask:
    app = Flask(__name__)
    validator = SignatureValidator(os.environ["LINE_CHANNEL_SECRET"])
    gateway = LineGateway(os.environ["LINE_API_BASE_URL"], os.environ["LINE_CHANNEL_ACCESS_TOKEN"], 10.0)
    brain = default_brain()  # built at start, like the project's warm workers

    @app.post("/callback")
    def callback():
        text = request.get_data(as_text=True)
        if not validator.validate(text, request.headers.get("X-Line-Signature", "")):
            abort(400)
        for event in json.loads(text).get("events", []):
            token = event.get("replyToken")
            message = (event.get("message") or {}).get("text", "")
            if not token:
                continue
            result = brain.matcher.match(message)
            answer = ", ".join(c.code for c in result.candidates) or brain.classifier.classify(message).intent
            try:
                gateway.reply(token, [{"type": "text", "text": answer}])
            except SendFailure:
                pass  # a tutorial bot would log and move on
        return "OK"

    return app
