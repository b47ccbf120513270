"""Menu definitions: tap areas tile the image exactly, and LINE's limits are enforced when a menu is defined."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from linebot.v3.messaging import RichMenuRequest

from bot.simulator.validation import check_rich_menu
from richmenus.layout import (
    COMPACT,
    FULL,
    Cell,
    MenuDefinition,
    MenuDefinitionError,
    MessageAction,
    Size,
    SwitchAction,
    UriAction,
)
from richmenus.menus import PARENTS, all_menus, parents_menu, staff_menu

BASE_URL = "https://school.example"


def grid(rows: int, columns: int, *, size: Size = FULL, chat_bar_text: str = "เมนู",
         label: str = "ก", cells: tuple[Cell, ...] | None = None) -> MenuDefinition:
    if cells is None:
        cells = tuple(Cell(label, "", MessageAction("เมนู"), row=r, column=c)
                      for r, c in itertools.product(range(rows), range(columns)))
    return MenuDefinition(name="test", alias_id="test", chat_bar_text=chat_bar_text, size=size,
                          rows=rows, columns=columns, cells=cells)


def assert_tiles_exactly(menu: MenuDefinition) -> None:
    width, height = menu.size.width, menu.size.height
    rects = [(a.bounds.x, a.bounds.y, a.bounds.x + a.bounds.width, a.bounds.y + a.bounds.height)
             for a in menu.areas]
    for left, top, right, bottom in rects:
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
    for a, b in itertools.combinations(rects, 2):
        overlap_x = min(a[2], b[2]) - max(a[0], b[0])
        overlap_y = min(a[3], b[3]) - max(a[1], b[1])
        assert overlap_x <= 0 or overlap_y <= 0, f"{a} overlaps {b}"
    # Inside, no overlaps and the areas add up to the whole image: no gap anywhere.
    assert sum((right - left) * (bottom - top) for left, top, right, bottom in rects) == width * height
    assert max(r for _, _, r, _ in rects) == width
    assert max(b for _, _, _, b in rects) == height


@pytest.mark.parametrize("menu", all_menus(BASE_URL), ids=lambda m: m.name)
def test_every_menu_tiles_its_image_exactly(menu):
    assert_tiles_exactly(menu)


@pytest.mark.parametrize("menu", all_menus(BASE_URL), ids=lambda m: m.name)
def test_every_menu_is_accepted_by_line_and_the_sdk(menu):
    request = menu.line_request(f"{menu.name}@12345678")
    assert check_rich_menu(request) == []
    assert RichMenuRequest.from_dict(request).to_dict() == request


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 4), columns=st.integers(1, 5),
       size=st.sampled_from([FULL, COMPACT, Size(800, 540), Size(1200, 405), Size(2499, 1001)]))
def test_any_grid_tiles_exactly(rows, columns, size):
    assert_tiles_exactly(grid(rows, columns, size=size))


def test_spans_tile_exactly():
    action = MessageAction("เมนู")
    menu = grid(2, 3, cells=(
        Cell("ก", "", action, row=0, column=0, row_span=2),
        Cell("ข", "", action, row=0, column=1, column_span=2),
        Cell("ค", "", action, row=1, column=1),
        Cell("ง", "", action, row=1, column=2),
    ))
    assert_tiles_exactly(menu)
    assert menu.areas[0].bounds.height == FULL.height


def test_the_last_column_ends_at_the_image_edge_even_when_the_width_does_not_divide():
    menu = grid(1, 3)
    assert [(a.bounds.x, a.bounds.width) for a in menu.areas] == [(0, 833), (833, 834), (1667, 833)]


def test_more_than_20_areas_are_refused():
    grid(4, 5)
    with pytest.raises(MenuDefinitionError, match="at most 20 areas"):
        grid(3, 7)


def test_a_chat_bar_text_of_15_characters_is_refused():
    grid(1, 2, chat_bar_text="ก" * 14)
    with pytest.raises(MenuDefinitionError, match="chatBarText"):
        grid(1, 2, chat_bar_text="ก" * 15)


@pytest.mark.parametrize("size", [Size(2500, 1725), Size(799, 540), Size(2501, 843), Size(800, 249)],
                         ids=["ratio-below-1.45", "too-narrow", "too-wide", "too-short"])
def test_image_sizes_line_refuses_are_refused(size):
    with pytest.raises(MenuDefinitionError):
        grid(1, 1, size=size)


def test_a_gap_or_an_overlap_in_the_grid_is_refused():
    action = MessageAction("เมนู")
    with pytest.raises(MenuDefinitionError, match="no cell"):
        grid(1, 2, cells=(Cell("ก", "", action, row=0, column=0),))
    with pytest.raises(MenuDefinitionError, match="overlaps"):
        grid(1, 2, cells=(Cell("ก", "", action, row=0, column=0, column_span=2),
                          Cell("ข", "", action, row=0, column=1)))


def test_a_label_wider_than_its_cell_is_refused():
    with pytest.raises(MenuDefinitionError, match="wider than its cell"):
        grid(1, 4, label="ย้ายเข้า–ย้ายออก")


def test_bad_aliases_and_links_are_refused():
    with pytest.raises(MenuDefinitionError, match="switch"):
        grid(1, 1, cells=(Cell("ก", "", SwitchAction("Parents!", "x"), row=0, column=0),))
    with pytest.raises(MenuDefinitionError, match="uri"):
        grid(1, 1, cells=(Cell("ก", "", UriAction("javascript:alert(1)"), row=0, column=0),))


def test_the_parents_menu_sends_what_a_parent_would_type():
    texts = {a.cell.label: a.cell.action.text for a in parents_menu().areas}
    assert texts["สมัครเรียน"] == "สมัครเรียน"
    assert texts["ติดตามสถานะ"] == "ติดตามสถานะ"
    assert texts["คำขออื่น ๆ"] == "เมนู"


def test_the_staff_menu_opens_our_pages_and_switches_back_to_the_parents_menu():
    actions = [a.cell.action for a in staff_menu(BASE_URL + "/").areas]
    assert all(a.uri.startswith(f"{BASE_URL}/staff/") for a in actions if isinstance(a, UriAction))
    switches = [a for a in actions if isinstance(a, SwitchAction)]
    assert [s.alias_id for s in switches] == [PARENTS]


def test_the_parents_menu_has_the_admission_announcement_and_every_tile_is_understood():
    from flows.router import Destination, route
    from flows.services import load_catalog

    load_catalog()
    menu = parents_menu()
    texts = {a.cell.label: a.cell.action.text for a in menu.areas}
    assert route(texts["ประกาศรับ"]).to is Destination.ADMISSION_ANNOUNCEMENT
    assert all(route(text).to is not Destination.NOTHING for text in texts.values())
    # Applying stays the largest tile, beside the announcement.
    apply, announce = (next(a.bounds for a in menu.areas if a.cell.label == label)
                       for label in ("สมัครเรียน", "ประกาศรับ"))
    assert apply.height == menu.size.height and announce.x == apply.x + apply.width


def test_the_staff_menu_has_a_welfare_tile_that_sends_what_a_teacher_would_type():
    texts = {a.cell.label: a.cell.action.text for a in staff_menu(BASE_URL + "/").areas
             if isinstance(a.cell.action, MessageAction)}
    # The words start the civil servants' claim in the chat (tests/e2e/test_welfare_claim_in_chat.py).
    assert texts == {"สวัสดิการ": "เบิกสวัสดิการ"}
