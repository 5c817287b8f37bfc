import copy
import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from bot.line.richmenu_image import (
    FONT_DIR,
    RichMenuError,
    draw_rich_menu,
    find_fonts,
    load_richmenu_spec,
    validate_spec,
)
from bot.nlp.intent import classify

pytestmark = pytest.mark.skipif(
    not (FONT_DIR / "NotoSansThai-Regular.ttf").exists() and os.environ.get("CI", "").lower() not in ("1", "true"),
    reason="fonts-noto-core not installed (make test installs it with apt when it can)",
)


@pytest.fixture(scope="module")
def spec():
    return load_richmenu_spec()


@pytest.fixture(scope="module")
def png(spec):
    return draw_rich_menu(spec)


def test_png_meets_line_limits(png):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) < 1024 * 1024
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (2500, 1686)


def test_every_area_has_drawn_text_and_icon(spec, png):
    image = Image.open(io.BytesIO(png)).convert("RGB")
    card = tuple(int(spec["style"]["card"][i : i + 2], 16) for i in (1, 3, 5))
    for area in spec["areas"]:
        b = area["bounds"]
        # Lower part of the card holds the labels: it must not be plain card colour.
        top = b["y"] + int(b["height"] * 0.6)
        label_box = image.crop((b["x"] + 60, top, b["x"] + b["width"] - 60, b["y"] + b["height"] - 60))
        colours = label_box.getcolors(maxcolors=1_000_000)
        assert len(colours) > 10, area["key"]
        assert max(colours)[1] == card
        icon_centre = image.getpixel((b["x"] + b["width"] // 2, b["y"] + int(b["height"] * 0.33) - 120))
        assert icon_centre != card, area["key"]


def test_spec_has_the_six_menu_entries(spec):
    labels = [a["label_th"] for a in spec["areas"]]
    assert labels == [
        "หามาตรฐานสินค้า",
        "ติดตามสถานะคำขอ",
        "ถามเรื่อง มผช.",
        "ค้นหาตามรหัส มผช.",
        "คุยกับเจ้าหน้าที่",
        "วิธีใช้งาน",
    ]
    assert all(a["label_en"] for a in spec["areas"])


def test_menu_texts_route_to_their_intents(spec):
    for area in spec["areas"]:
        action = area["action"]
        shown = action.get("displayText") or action.get("text")
        assert classify(shown).intent == area["intent"], shown


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s["size"].update(width=2400), "size must be 2500x1686"),
        (lambda s: s["areas"][0]["bounds"].update(width=800), "tile the whole image"),
        (lambda s: s["areas"][0]["bounds"].update(x=2000), "outside"),
        (lambda s: s["areas"][1]["action"].pop("displayText"), "displayText"),
        (lambda s: s["areas"][5]["action"].update(type="uri"), "'postback' or 'message'"),
        (lambda s: s["areas"][2].update(icon="rocket"), "icon must be one of"),
        (lambda s: s.update(chat_bar_text="เมนูบริการมาตรฐานผลิตภัณฑ์ชุมชน"), "chat_bar_text"),
        (lambda s: s["areas"][3].update(color="purple"), "color must be"),
    ],
)
def test_invalid_specs_are_rejected(spec, mutate, message):
    broken = copy.deepcopy(spec)
    mutate(broken)
    with pytest.raises(RichMenuError, match=message):
        validate_spec(broken)


def test_missing_font_gives_a_clear_error(spec, tmp_path):
    with pytest.raises(RichMenuError, match="fonts-noto-core"):
        draw_rich_menu(spec, font_dir=tmp_path)


def test_bold_thai_font_falls_back_to_regular(tmp_path):
    for name in ("NotoSansThai-Regular.ttf", "NotoSans-Regular.ttf"):
        (tmp_path / name).symlink_to(FONT_DIR / name)
    fonts = find_fonts(tmp_path)
    assert fonts.thai_bold.name == "NotoSansThai-Regular.ttf"
    assert fonts.latin_bold.name == "NotoSans-Regular.ttf"


def test_glyph_missing_from_fonts_is_an_error(spec):
    broken = copy.deepcopy(spec)
    broken["areas"][0]["label_th"] = "หามาตรฐาน 漢字"
    with pytest.raises(RichMenuError, match="no glyph"):
        draw_rich_menu(broken)


def test_committed_preview_is_current(png):
    """docs/richmenu.png must be regenerated when the spec or the drawing code changes."""
    preview = Path(__file__).resolve().parents[2] / "docs" / "richmenu.png"
    with Image.open(preview) as committed, Image.open(io.BytesIO(png)) as fresh:
        assert committed.size == fresh.size
        assert ImageChops.difference(committed.convert("RGB"), fresh.convert("RGB")).getbbox() is None
