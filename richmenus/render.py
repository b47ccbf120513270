"""Draws a rich menu's image in the school's colours and fingerprints definition and image as its content version."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass

from PIL import Image, ImageColor, ImageDraw

from richmenus import fonts
from richmenus.layout import MenuDefinition

MAX_IMAGE_BYTES = 1024 * 1024
Colour = tuple[int, int, int]


def _rgb(colour: str) -> Colour:
    return ImageColor.getrgb(colour)[:3]


def _mix(a: Colour, b: Colour, share_of_b: float) -> Colour:
    red, green, blue = (round(x + (y - x) * share_of_b) for x, y in zip(a, b, strict=True))
    return red, green, blue


@dataclass(frozen=True)
class Theme:
    """School colours: `primary` fills the tiles, `accent` marks each label; any CSS colour works."""
    primary: str = "#0b3d91"
    accent: str = "#f2b705"
    text: str = "#ffffff"

    def palette(self) -> dict[str, Colour]:
        primary, accent, text = _rgb(self.primary), _rgb(self.accent), _rgb(self.text)
        return {
            "border": _mix(primary, (0, 0, 0), 0.35),
            "tile": primary,
            "tile_alt": _mix(primary, (255, 255, 255), 0.08),
            "accent": accent,
            "label": text,
            "sublabel": _mix(text, primary, 0.2),
        }


@dataclass(frozen=True)
class RenderedMenu:
    definition: MenuDefinition
    image: bytes
    content_type: str
    # Changes whenever the definition or the pixels change: deploy compares it, never dates.
    version: str

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def deployed_name(self) -> str:
        return f"{self.definition.name}@{self.version[:8]}"

    def line_request(self) -> dict:
        return self.definition.line_request(self.deployed_name)


def draw(definition: MenuDefinition, theme: Theme = Theme()) -> Image.Image:
    colours = theme.palette()
    size = definition.size
    image = Image.new("RGB", (size.width, size.height), colours["border"])
    canvas = ImageDraw.Draw(image)
    type_ = definition.typography
    border = max(4, round(type_.padding * 0.12))
    label_font = fonts.font(type_.label_size, fonts.BOLD)
    sublabel_font = fonts.font(type_.sublabel_size, fonts.REGULAR)
    for area in definition.areas:
        b, cell = area.bounds, area.cell
        # Each tile is inset by half a border on every side, so shared edges show one full border.
        tile = (b.x + border // 2, b.y + border // 2, b.x + b.width - 1 - border // 2, b.y + b.height - 1 - border // 2)
        shade = "tile" if (cell.row + cell.column) % 2 == 0 else "tile_alt"
        canvas.rounded_rectangle(tile, radius=type_.padding // 2, fill=colours[shade])
        centre_x = b.x + b.width / 2
        centre_y = b.y + b.height / 2
        label_y = centre_y - type_.label_size * 0.2
        canvas.text((centre_x, label_y), cell.label, font=label_font, fill=colours["label"], anchor="ms")
        bar_half = type_.label_size * 0.6
        bar_y = label_y + type_.label_size * 0.42
        canvas.rounded_rectangle((centre_x - bar_half, bar_y, centre_x + bar_half, bar_y + border * 2),
                                 radius=border, fill=colours["accent"])
        canvas.text((centre_x, bar_y + border * 2 + type_.sublabel_size * 0.45), cell.sublabel,
                    font=sublabel_font, fill=colours["sublabel"], anchor="mt")
    return image


def render(definition: MenuDefinition, theme: Theme = Theme()) -> RenderedMenu:
    buffer = io.BytesIO()
    # PNG keeps the Thai strokes crisp and, with flat tiles, stays far below LINE's 1 MB; Pillow
    # writes no timestamp, so the same menu always gives the same bytes and the same version.
    draw(definition, theme).save(buffer, "PNG", optimize=True)
    image = buffer.getvalue()
    if len(image) > MAX_IMAGE_BYTES:
        raise ValueError(f"rich menu {definition.name!r}: image is {len(image)} bytes, LINE takes at most 1 MB")
    fingerprint = hashlib.sha256()
    fingerprint.update(json.dumps(definition.line_request(definition.name), sort_keys=True,
                                  ensure_ascii=False).encode())
    fingerprint.update(b"\0")
    fingerprint.update(image)
    return RenderedMenu(definition=definition, image=image, content_type="image/png",
                        version=fingerprint.hexdigest())


def render_all(definitions: list[MenuDefinition], theme: Theme = Theme()) -> list[RenderedMenu]:
    return [render(d, theme) for d in definitions]
