"""Draw the LINE rich menu image (2500 x 1686 PNG) from ``knowledge/richmenu.yaml`` with Pillow.

Thai is set in Noto Sans Thai (Debian ``fonts-noto-core``) through Pillow's Raqm layout, so
vowels and tone marks are positioned by HarfBuzz. Noto Sans Thai has no Latin letters, digits
or punctuation, so those runs use Noto Sans from the same folder.

Regenerate the committed preview:  python -m bot.line.richmenu_image --out docs/richmenu.png
"""
from __future__ import annotations

import argparse
import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFont, features

from bot.config import knowledge_file

FONT_DIR = Path("/usr/share/fonts/truetype/noto")
WIDTH, HEIGHT = 2500, 1686
MAX_BYTES = 1024 * 1024
ICONS = ("search", "clock", "chat", "hash", "person", "info")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+(?:\s+[\u0e00-\u0e7f]+)*|[^\u0e00-\u0e7f]+")
_THAI = re.compile(r"[\u0e00-\u0e7f]")


class RichMenuError(ValueError):
    """The rich menu spec or the fonts are not usable; the message says what to fix."""


# --- spec -----------------------------------------------------------------------------------


def load_richmenu_spec(path: Path | str | None = None) -> dict[str, Any]:
    """Read ``richmenu.yaml`` (default: the knowledge directory's) and validate it (see :func:`validate_spec`)."""
    spec = yaml.safe_load(Path(path or knowledge_file("richmenu.yaml")).read_text(encoding="utf-8"))
    validate_spec(spec)
    return spec


def validate_spec(spec: Any) -> None:
    """Raise :class:`RichMenuError` unless ``spec`` is a 2500x1686 menu whose areas tile it."""
    if not isinstance(spec, dict):
        raise RichMenuError("rich menu spec must be a mapping")
    size = spec.get("size") or {}
    if size.get("width") != WIDTH or size.get("height") != HEIGHT:
        raise RichMenuError(f"size must be {WIDTH}x{HEIGHT}, got {size!r}")
    chat_bar = spec.get("chat_bar_text")
    if not isinstance(chat_bar, str) or not 0 < len(chat_bar) <= 14:
        raise RichMenuError("chat_bar_text must be 1-14 characters (LINE limit)")
    for key in ("background", "card", "label", "sub_label"):
        if not _HEX.match(str((spec.get("style") or {}).get(key, ""))):
            raise RichMenuError(f"style.{key} must be a #RRGGBB colour")
    areas = spec.get("areas")
    if not isinstance(areas, list) or not 1 <= len(areas) <= 20:
        raise RichMenuError("areas must be a list of 1-20 areas (LINE limit)")
    covered = 0
    for i, area in enumerate(areas):
        where = f"area #{i + 1} ({area.get('key', '?') if isinstance(area, dict) else '?'})"
        if not isinstance(area, dict):
            raise RichMenuError(f"{where} must be a mapping")
        for key in ("key", "label_th", "label_en", "intent"):
            if not isinstance(area.get(key), str) or not area[key].strip():
                raise RichMenuError(f"{where}: '{key}' must be a non-empty string")
        if area.get("icon") not in ICONS:
            raise RichMenuError(f"{where}: icon must be one of {', '.join(ICONS)}")
        if not _HEX.match(str(area.get("color", ""))):
            raise RichMenuError(f"{where}: color must be #RRGGBB")
        b = area.get("bounds") or {}
        if not all(isinstance(b.get(k), int) and b[k] >= 0 for k in ("x", "y", "width", "height")):
            raise RichMenuError(f"{where}: bounds needs non-negative integers x, y, width, height")
        if b["width"] == 0 or b["height"] == 0 or b["x"] + b["width"] > WIDTH or b["y"] + b["height"] > HEIGHT:
            raise RichMenuError(f"{where}: bounds fall outside the {WIDTH}x{HEIGHT} image")
        covered += b["width"] * b["height"]
        _validate_action(area.get("action"), where)
    if covered != WIDTH * HEIGHT or _overlap(areas):
        raise RichMenuError("areas must tile the whole image without overlapping")


def _validate_action(action: Any, where: str) -> None:
    if not isinstance(action, dict):
        raise RichMenuError(f"{where}: action must be a mapping")
    if action.get("type") == "postback":
        data, shown = action.get("data"), action.get("displayText")
        if not isinstance(data, str) or not 0 < len(data) <= 300:
            raise RichMenuError(f"{where}: postback data must be 1-300 characters")
        if not isinstance(shown, str) or not 0 < len(shown) <= 300:
            raise RichMenuError(f"{where}: postback displayText must be 1-300 characters")
    elif action.get("type") == "message":
        text = action.get("text")
        if not isinstance(text, str) or not 0 < len(text) <= 300:
            raise RichMenuError(f"{where}: message text must be 1-300 characters")
    else:
        raise RichMenuError(f"{where}: action type must be 'postback' or 'message'")


def _overlap(areas: list[dict]) -> bool:
    boxes = [(a["bounds"]["x"], a["bounds"]["y"], a["bounds"]["x"] + a["bounds"]["width"],
              a["bounds"]["y"] + a["bounds"]["height"]) for a in areas]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                return True
    return False


# --- fonts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fonts:
    thai_bold: Path
    latin_bold: Path
    latin_regular: Path


def find_fonts(font_dir: Path | str = FONT_DIR) -> _Fonts:
    """Locate Noto Sans Thai (Bold, else Regular) and Noto Sans; raise a clear error if absent."""
    font_dir = Path(font_dir)

    def pick(*names: str) -> Path:
        for name in names:
            if (font_dir / name).is_file():
                return font_dir / name
        raise RichMenuError(
            f"font not found: none of {', '.join(names)} in {font_dir}. "
            "Install Debian's fonts-noto-core (apt-get install fonts-noto-core)."
        )

    return _Fonts(
        thai_bold=pick("NotoSansThai-Bold.ttf", "NotoSansThai-Regular.ttf"),
        latin_bold=pick("NotoSans-Bold.ttf", "NotoSans-Regular.ttf"),
        latin_regular=pick("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    )


@lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=layout)


@lru_cache(maxsize=4096)
def _missing(path: Path, char: str) -> bool:
    font = _font(path, 40)
    notdef = font.getmask("\uffff")
    mask = font.getmask(char)
    return mask.size == notdef.size and bytes(mask) == bytes(notdef)


class _Text:
    """A label set in runs: Thai runs in the Thai font, everything else in the Latin font."""

    def __init__(self, text: str, thai: Path, latin: Path, size: int) -> None:
        self.runs: list[tuple[str, ImageFont.FreeTypeFont]] = []
        for m in _THAI_RUN.finditer(text):
            run = m.group(0)
            path = thai if _THAI.search(run) else latin
            bad = [c for c in run if not c.isspace() and _missing(path, c)]
            if bad:
                raise RichMenuError(f"font {path.name} has no glyph for {''.join(bad)!r} in {text!r}")
            self.runs.append((run, _font(path, size)))

    @property
    def width(self) -> float:
        return sum(font.getlength(run) for run, font in self.runs)

    def draw(self, draw: ImageDraw.ImageDraw, center_x: float, baseline: float, fill: str) -> None:
        x = center_x - self.width / 2
        for run, font in self.runs:
            lang = "th" if _THAI.search(run) else "en"
            language = lang if features.check("raqm") else None
            draw.text((x, baseline), run, font=font, fill=fill, anchor="ls", language=language)
            x += font.getlength(run)


def _fit(text: str, thai: Path, latin: Path, size: int, max_width: float) -> _Text:
    while True:
        label = _Text(text, thai, latin, size)
        if label.width <= max_width or size <= 24:
            return label
        size -= 4


# --- drawing --------------------------------------------------------------------------------


def _icon(
    draw: ImageDraw.ImageDraw, kind: str, cx: float, cy: float, r: float, accent: str, fonts: _Fonts
) -> None:
    """White pictogram of ``kind`` inside an ``accent`` disc of radius ``r`` centred at (cx, cy)."""
    white = "#FFFFFF"
    w = max(10, int(r * 0.12))
    if kind == "search":
        lr = r * 0.36
        lx, ly = cx - r * 0.12, cy - r * 0.12
        draw.ellipse((lx - lr, ly - lr, lx + lr, ly + lr), outline=white, width=w)
        a = math.radians(45)
        sx, sy = lx + lr * math.cos(a), ly + lr * math.sin(a)
        draw.line((sx, sy, cx + r * 0.48, cy + r * 0.48), fill=white, width=int(w * 1.4))
    elif kind == "clock":
        cr = r * 0.5
        draw.ellipse((cx - cr, cy - cr, cx + cr, cy + cr), outline=white, width=w)
        draw.line((cx, cy, cx, cy - cr * 0.62), fill=white, width=w)
        draw.line((cx, cy, cx + cr * 0.5, cy + cr * 0.2), fill=white, width=w)
        draw.ellipse((cx - w * 0.7, cy - w * 0.7, cx + w * 0.7, cy + w * 0.7), fill=white)
    elif kind == "chat":
        bw, bh = r * 1.05, r * 0.78
        box = (cx - bw / 2, cy - bh / 2 - r * 0.08, cx + bw / 2, cy + bh / 2 - r * 0.08)
        draw.rounded_rectangle(box, radius=int(r * 0.2), fill=white)
        tail = [(cx - r * 0.28, box[3] - 2), (cx - r * 0.42, box[3] + r * 0.28), (cx - r * 0.02, box[3] - 2)]
        draw.polygon(tail, fill=white)
        mark = _font(fonts.latin_bold, int(r * 0.62))
        draw.text((cx, (box[1] + box[3]) / 2), "?", font=mark, fill=accent, anchor="mm")
    elif kind == "hash":
        mark = _font(fonts.latin_bold, int(r * 1.05))
        draw.text((cx, cy), "#", font=mark, fill=white, anchor="mm")
    elif kind == "person":
        hr = r * 0.22
        draw.ellipse((cx - hr, cy - r * 0.5, cx + hr, cy - r * 0.5 + 2 * hr), fill=white)
        draw.pieslice((cx - r * 0.48, cy - r * 0.02, cx + r * 0.48, cy + r * 0.9), 180, 360, fill=white)
        draw.rectangle((cx - r * 0.48, cy + r * 0.44, cx + r * 0.48, cy + r * 0.46), fill=white)
    elif kind == "info":
        draw.ellipse((cx - w * 0.9, cy - r * 0.46, cx + w * 0.9, cy - r * 0.46 + w * 1.8), fill=white)
        stem = (cx - w * 0.75, cy - r * 0.14, cx + w * 0.75, cy + r * 0.5)
        draw.rounded_rectangle(stem, radius=int(w * 0.4), fill=white)


def render_rich_menu(spec: dict[str, Any], font_dir: Path | str = FONT_DIR) -> Image.Image:
    """The rich menu as a Pillow image (validated spec, fonts from ``font_dir``)."""
    validate_spec(spec)
    fonts = find_fonts(font_dir)
    style = spec["style"]
    gap = int(style.get("gap", 12))
    radius = int(style.get("radius", 36))
    image = Image.new("RGB", (WIDTH, HEIGHT), style["background"])
    draw = ImageDraw.Draw(image)
    for area in spec["areas"]:
        b = area["bounds"]
        x0, y0 = b["x"] + gap, b["y"] + gap
        x1, y1 = b["x"] + b["width"] - gap, b["y"] + b["height"] - gap
        draw.rounded_rectangle((x0, y0, x1, y1), radius=radius, fill=style["card"])
        cx, card_h = (x0 + x1) / 2, y1 - y0
        r = card_h * 0.19
        cy = y0 + card_h * 0.33
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=area["color"])
        _icon(draw, area["icon"], cx, cy, r, area["color"], fonts)
        inner = (x1 - x0) - 2 * 48
        th = _fit(area["label_th"], fonts.thai_bold, fonts.latin_bold, 92, inner)
        th.draw(draw, cx, y0 + card_h * 0.70, style["label"])
        en = _fit(area["label_en"], fonts.thai_bold, fonts.latin_regular, 54, inner)
        en.draw(draw, cx, y0 + card_h * 0.83, style["sub_label"])
    return image


def draw_rich_menu(spec: dict[str, Any], font_dir: Path | str = FONT_DIR) -> bytes:
    """PNG bytes of the rich menu (2500x1686, under 1 MB as LINE requires)."""
    buffer = io.BytesIO()
    render_rich_menu(spec, font_dir).save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue()
    if len(data) >= MAX_BYTES:
        raise RichMenuError(f"rich menu PNG is {len(data)} bytes; LINE allows under {MAX_BYTES}")
    return data


def main(argv: list[str] | None = None) -> int:
    """Write the PNG for ``knowledge/richmenu.yaml``."""
    parser = argparse.ArgumentParser(description="Draw the LINE rich menu image.")
    parser.add_argument("--spec", type=Path, default=None, help="default: richmenu.yaml in $KNOWLEDGE_DIR")
    parser.add_argument("--out", type=Path, default=Path("docs/richmenu.png"))
    args = parser.parse_args(argv)
    data = draw_rich_menu(load_richmenu_spec(args.spec))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
