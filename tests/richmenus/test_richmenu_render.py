"""Menu images: LINE's size and format limits, real Thai glyphs correctly shaped, school colours, versions."""

from __future__ import annotations

import dataclasses
import io

import fontpkg.pil
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from richmenus import fonts
from richmenus.menus import all_menus, parents_menu
from richmenus.render import MAX_IMAGE_BYTES, Theme, draw, render

BASE_URL = "https://school.example"


def ink(text: str, font: ImageFont.FreeTypeFont) -> Image.Image:
    image = Image.new("L", (1400, 300), 0)
    ImageDraw.Draw(image).text((20, 40), text, font=font, fill=255)
    return image


@pytest.mark.parametrize("menu", all_menus(BASE_URL), ids=lambda m: m.name)
def test_images_are_png_of_the_menu_size_within_1_mb(menu):
    rendered = render(menu)
    assert len(rendered.image) <= MAX_IMAGE_BYTES
    assert rendered.content_type == "image/png"
    with Image.open(io.BytesIO(rendered.image)) as image:
        assert image.format == "PNG"
        assert image.size == (menu.size.width, menu.size.height)


def test_thai_labels_are_drawn_as_thai_glyphs():
    label = "ติดต่อโรงเรียน"
    thai = ink(label, fonts.font(108, fonts.BOLD))
    latin_only = ink(label, ImageFont.load_default(size=108))
    assert thai.getbbox() is not None
    assert ImageChops.difference(thai, latin_only).getbbox() is not None
    # Sarabun draws each Thai letter; tofu boxes of a Latin-only font would be as wide, so also
    # check that the Thai font has a glyph for every character of the label.
    assert all(fonts.font(108).getmask(char).getbbox() for char in label if char.strip())


def test_tone_marks_are_placed_by_a_shaping_engine():
    # Without shaping the tone mark of ที่ is drawn inside the vowel above it, and the word reads ที.
    shaped = ink("ที่นี่", fonts.font(108, fonts.BOLD))
    unshaped = ink("ที่นี่", fontpkg.pil.truetype(fonts.FAMILY, 108, weight=fonts.BOLD,
                                                           layout_engine=ImageFont.Layout.BASIC))
    assert ImageChops.difference(shaped, unshaped).getbbox() is not None
    assert shaped.getbbox()[1] < unshaped.getbbox()[1], "the tone marks should stand above the vowels"


def test_each_cell_shows_its_label_in_the_middle_of_its_tile():
    menu = parents_menu()
    image = draw(menu)
    label_colour = (255, 255, 255)
    for area in menu.areas:
        b = area.bounds
        middle = image.crop((b.x + b.width // 4, b.y + b.height // 4, b.x + 3 * b.width // 4, b.y + 3 * b.height // 4))
        assert label_colour in {colour for _, colour in middle.getcolors(maxcolors=1 << 16)}, area.cell.label


def test_tiles_take_the_school_colour():
    menu = parents_menu()
    first = menu.areas[0].bounds
    point = (first.x + first.width // 2, first.y + first.height - menu.typography.padding)
    assert draw(menu).getpixel(point) == (11, 61, 145)
    assert draw(menu, Theme(primary="#7a1f2b")).getpixel(point) == (122, 31, 43)


def test_the_version_changes_with_the_definition_or_the_image_only():
    menu = parents_menu()
    assert render(menu).version == render(parents_menu()).version
    assert render(menu, Theme(accent="#2e7d32")).version != render(menu).version
    first, *rest = menu.cells
    relabelled = dataclasses.replace(menu, cells=(dataclasses.replace(first, sublabel="ใหม่"), *rest))
    assert render(relabelled).version != render(menu).version
    retargeted = dataclasses.replace(first, action=dataclasses.replace(first.action, text="ขอสมัครเรียน"))
    assert render(dataclasses.replace(menu, cells=(retargeted, *rest))).version != render(menu).version
