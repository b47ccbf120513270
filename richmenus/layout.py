"""A rich menu as a grid of labelled cells, checked against LINE's limits and turned into exact tap areas."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from richmenus import fonts

MAX_AREAS = 20
MAX_CHAT_BAR_TEXT = 14
MAX_ACTION_LABEL = 20
MAX_MESSAGE_TEXT = 300
MAX_POSTBACK_DATA = 300
MAX_URI = 1000
MIN_WIDTH, MAX_WIDTH = 800, 2500
MIN_HEIGHT = 250
MIN_ASPECT_RATIO = 1.45
ID_PATTERN = re.compile(r"[a-z0-9_-]{1,32}")
URI_SCHEMES = ("http://", "https://", "line://", "tel:")


class MenuDefinitionError(ValueError):
    """A menu that LINE would refuse, or that would not look right."""


def _line_length(text: str) -> int:
    # LINE counts characters as UTF-16 code units (its servers are Java); Thai is one unit per
    # character, but an emoji is two.
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Size:
    width: int
    height: int


FULL = Size(2500, 1686)
COMPACT = Size(2500, 843)


@dataclass(frozen=True)
class MessageAction:
    """The user's tap sends this text as if typed, so the bot's free-text matcher routes it."""
    text: str

    def to_line(self, label: str) -> dict[str, Any]:
        return {"type": "message", "label": label, "text": self.text}


@dataclass(frozen=True)
class UriAction:
    uri: str

    def to_line(self, label: str) -> dict[str, Any]:
        return {"type": "uri", "label": label, "uri": self.uri}


@dataclass(frozen=True)
class SwitchAction:
    """Shows the menu behind an alias (a tab); LINE also sends `data` to the bot as a postback."""
    alias_id: str
    data: str

    def to_line(self, label: str) -> dict[str, Any]:
        return {"type": "richmenuswitch", "label": label, "richMenuAliasId": self.alias_id, "data": self.data}


Action = MessageAction | UriAction | SwitchAction


@dataclass(frozen=True)
class Cell:
    """One tappable tile: a large label, a short line under it, and what a tap does."""
    label: str
    sublabel: str
    action: Action
    row: int
    column: int
    row_span: int = 1
    column_span: int = 1


@dataclass(frozen=True)
class Bounds:
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Area:
    cell: Cell
    bounds: Bounds


@dataclass(frozen=True)
class Typography:
    """Type sizes in pixels, the same for every cell of a menu so the grid reads evenly."""
    label_size: int
    sublabel_size: int
    padding: int


def _edges(length: int, parts: int) -> list[int]:
    # Integer edges from one formula: consecutive cells share an edge, and the last edge is
    # exactly `length`, so the areas tile the image with no gap, overlap or stray pixel.
    return [round(i * length / parts) for i in range(parts + 1)]


@dataclass(frozen=True)
class MenuDefinition:
    name: str
    alias_id: str
    chat_bar_text: str
    size: Size
    rows: int
    columns: int
    cells: tuple[Cell, ...]
    # Whether the menu opens when the chat opens (LINE's `selected`).
    selected: bool = True
    areas: tuple[Area, ...] = field(init=False)
    typography: Typography = field(init=False)

    def __post_init__(self) -> None:
        self._check_menu()
        xs, ys = _edges(self.size.width, self.columns), _edges(self.size.height, self.rows)
        object.__setattr__(self, "areas", tuple(
            Area(cell, Bounds(x=xs[cell.column], y=ys[cell.row],
                              width=xs[cell.column + cell.column_span] - xs[cell.column],
                              height=ys[cell.row + cell.row_span] - ys[cell.row]))
            for cell in self.cells))
        smallest = min(self.size.width // self.columns, self.size.height // self.rows)
        label = round(smallest * 0.13)
        object.__setattr__(self, "typography", Typography(
            label_size=label, sublabel_size=round(label * 0.55), padding=round(smallest * 0.06)))
        self._check_labels_fit()

    def _fail(self, problem: str) -> None:
        raise MenuDefinitionError(f"rich menu {self.name!r}: {problem}")

    def _check_menu(self) -> None:
        if not ID_PATTERN.fullmatch(self.name):
            self._fail("name must be 1-32 characters of [a-z0-9_-] (it prefixes the deployed name)")
        if not ID_PATTERN.fullmatch(self.alias_id):
            self._fail("alias id must be 1-32 characters of [a-z0-9_-]")
        if not 1 <= _line_length(self.chat_bar_text) <= MAX_CHAT_BAR_TEXT:
            self._fail(f"chatBarText must be 1-{MAX_CHAT_BAR_TEXT} characters")
        self._check_size()
        self._check_grid()

    def _check_size(self) -> None:
        width, height = self.size.width, self.size.height
        if not MIN_WIDTH <= width <= MAX_WIDTH:
            self._fail(f"width must be {MIN_WIDTH}-{MAX_WIDTH} px")
        if height < MIN_HEIGHT:
            self._fail(f"height must be at least {MIN_HEIGHT} px")
        if width / height < MIN_ASPECT_RATIO:
            self._fail(f"width/height must be at least {MIN_ASPECT_RATIO}")

    def _check_grid(self) -> None:
        """Every cell inside the grid, none overlapping, every grid position covered."""
        if self.rows < 1 or self.columns < 1:
            self._fail("the grid needs at least one row and one column")
        if len(self.cells) > MAX_AREAS:
            self._fail(f"at most {MAX_AREAS} areas")
        covered: dict[tuple[int, int], str] = {}
        for cell in self.cells:
            self._check_cell(cell)
            for row in range(cell.row, cell.row + cell.row_span):
                for column in range(cell.column, cell.column + cell.column_span):
                    if (row, column) in covered:
                        self._fail(f"{cell.label!r} overlaps {covered[row, column]!r}")
                    covered[row, column] = cell.label
        if len(covered) != self.rows * self.columns:
            self._fail("some grid positions have no cell (a tap there would do nothing)")

    def _check_cell(self, cell: Cell) -> None:
        if cell.row_span < 1 or cell.column_span < 1 or cell.row < 0 or cell.column < 0 \
                or cell.row + cell.row_span > self.rows or cell.column + cell.column_span > self.columns:
            self._fail(f"{cell.label!r} lies outside the {self.rows}x{self.columns} grid")
        if not 1 <= _line_length(cell.label) <= MAX_ACTION_LABEL:
            self._fail(f"label {cell.label!r} must be 1-{MAX_ACTION_LABEL} characters")
        action = cell.action
        if isinstance(action, MessageAction) and not 1 <= _line_length(action.text) <= MAX_MESSAGE_TEXT:
            self._fail(f"{cell.label!r}: message text must be 1-{MAX_MESSAGE_TEXT} characters")
        if isinstance(action, UriAction) and (
                not action.uri.startswith(URI_SCHEMES) or len(action.uri) > MAX_URI):
            self._fail(f"{cell.label!r}: uri must be http(s)/line/tel and at most {MAX_URI} characters")
        if isinstance(action, SwitchAction) and (
                not ID_PATTERN.fullmatch(action.alias_id)
                or not 1 <= _line_length(action.data) <= MAX_POSTBACK_DATA):
            self._fail(f"{cell.label!r}: switch needs an alias id of [a-z0-9_-]{{1,32}} and 1-300 characters of data")

    def _check_labels_fit(self) -> None:
        type_ = self.typography
        for area in self.areas:
            room = area.bounds.width - 2 * type_.padding
            for text, size, weight in ((area.cell.label, type_.label_size, fonts.BOLD),
                                       (area.cell.sublabel, type_.sublabel_size, fonts.REGULAR)):
                if fonts.text_width(text, size, weight) > room:
                    self._fail(f"{text!r} is wider than its cell at {size} px")

    def line_request(self, name: str) -> dict[str, Any]:
        """The body of LINE's create-rich-menu request, under the given (versioned) name."""
        return {
            "size": {"width": self.size.width, "height": self.size.height},
            "selected": self.selected,
            "name": name,
            "chatBarText": self.chat_bar_text,
            "areas": [
                {"bounds": {"x": a.bounds.x, "y": a.bounds.y, "width": a.bounds.width, "height": a.bounds.height},
                 "action": a.cell.action.to_line(a.cell.label)}
                for a in self.areas
            ],
        }
