"""Each flow draws itself as a Mermaid diagram, and the committed docs stay in step with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.diagrams import page, write_diagrams
from flows.services import ALL_FLOWS

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("flow", ALL_FLOWS.values(), ids=lambda f: f.id)
def test_the_diagram_shows_every_step_and_the_ending(flow):
    diagram = flow.mermaid()
    assert diagram.startswith("flowchart TD\n")
    for step in flow.steps:
        assert f"s_{step.id}[" in diagram  # a node
        assert re.search(rf"-->(\|[^|]*\|)? s_{step.id}\n", diagram)  # reached by an arrow
        assert step.label in diagram
    assert "--> summary" in diagram and "summary -->|ยืนยัน| submitted" in diagram


def test_conditions_label_their_arrows():
    diagram = ALL_FLOWS["withdrawal"].mermaid()
    assert 's_applicant_relationship -->|"ถ้า ยังไม่จบ ม.3 และยังไม่ถึงปีที่อายุย่างเข้าปีที่ 16"| s_destination' in diagram
    assert 's_destination -->|"ถ้าไม่"| s_reason' in diagram


def test_write_diagrams_writes_one_page_per_flow(tmp_path):
    written = write_diagrams(ALL_FLOWS.values(), tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{service}.md" for service in ALL_FLOWS)
    assert {"transfer_out.md", "venue_booking.md"} <= {p.name for p in written}
    assert "```mermaid\nflowchart TD" in (tmp_path / "flows" / "withdrawal.md").read_text("utf-8")


@pytest.mark.parametrize("flow", ALL_FLOWS.values(), ids=lambda f: f.id)
def test_committed_docs_are_up_to_date(flow):
    committed = DOCS / "flows" / f"{flow.id}.md"
    assert committed.read_text("utf-8") == page(flow), "run: python -m flows.diagrams"
