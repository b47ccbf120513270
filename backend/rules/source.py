"""Where a rule comes from: the citation every rule table carries, and reading the tables."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DATA = Path(__file__).resolve().parent / "data"


class Source(BaseModel):
    """One source of a rule, as docs/rules.md cites it: title, issuer, date, address."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    date: str = Field(min_length=1)  # as the source gives it (BE); "not shown" when it gives none
    url: str = Field(pattern=r"^https?://")
    quote: str = ""  # the words the rule rests on, as the source writes them


def read_table(path: Path) -> dict[str, Any]:
    """A rule table's TOML, with the file named in any error (a broken table stops the start)."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"rule table {path}: {error}") from error
