"""Signatures: LINE's published test vectors and the fixture signatures from shared/line-fixtures."""
from pathlib import Path

import pytest
from linebot.v3 import SignatureValidator

from bot.simulator.events import signature

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhook"


@pytest.mark.parametrize("secret, body, expected", [
    ("channel_secret", b"bodybodybodybody", "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k="),
    ("SECRET", b"{}", "3q8QXTAGaey18yL8FWTqdVlbMr6hcuNvM4tefa0o9nA="),
])
def test_line_published_vectors(secret, body, expected):
    assert signature(secret, body) == expected
    assert SignatureValidator(secret).validate(body.decode(), expected)


@pytest.mark.parametrize("name, expected", [
    ("sdk-python-webhook.json", "Ay5km4RvdSHwBk4SxsPtjeTNSHvZV7frV7Z7kVGAEKc="),
    ("java-follow.json", "S2cqwYVj5xMW0zyaBYLPnaIPlrOUFsjbjnwSv5GaDGk="),
])
def test_fixture_bytes_are_untouched(name, expected):
    assert signature("channel_secret", (FIXTURES / name).read_bytes()) == expected
