"""LINE's message limits hold by construction."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import messages as m


@given(st.text(min_size=0, max_size=12000))
def test_any_text_splits_into_parts_within_the_limit_and_loses_nothing(body):
    parts = m.split_text(body, limit=1000)
    assert all(m.utf16_len(part) <= 1000 for part in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == body.replace("\n", "").replace(" ", "")


def test_long_thai_text_is_split_at_line_breaks():
    line = "กรุณาแนบสำเนาทะเบียนบ้านของนักเรียนค่ะ\n"
    parts = m.split_text(line * 400)
    assert len(parts) == 4
    assert all(part.rstrip().endswith("ค่ะ") for part in parts)


def test_emoji_is_never_cut_in_half():
    parts = m.split_text("😀" * 3000)
    assert all(m.utf16_len(part) <= m.MAX_TEXT for part in parts)
    assert "".join(parts) == "😀" * 3000


def test_labels_are_shortened_to_twenty_characters():
    action = m.message_action("ขอผ่อนผันการเข้าเรียนชั้นประถมศึกษาปีที่หนึ่ง", "ผ่อนผัน")
    assert m.utf16_len(action["label"]) <= 20
    assert action["label"].endswith("…")


def test_postback_data_over_300_characters_is_refused():
    with pytest.raises(ValueError):
        m.postback_action("ตกลง", "x" * 301)


def test_more_than_thirteen_quick_replies_is_refused():
    with pytest.raises(ValueError):
        m.text("เลือก", quick_replies=[m.message_action(str(i), str(i)) for i in range(14)])


def test_quick_replies_go_on_the_last_part():
    messages = m.text("ก" * 6000, quick_replies=[m.message_action("ตกลง", "ตกลง")])
    assert len(messages) == 2
    assert "quickReply" in messages[-1] and "quickReply" not in messages[0]


def test_batches_hold_at_most_five_messages_in_order():
    items = [{"type": "text", "text": str(i)} for i in range(12)]
    groups = m.batches(items)
    assert [len(g) for g in groups] == [5, 5, 2]
    assert [msg["text"] for g in groups for msg in g] == [str(i) for i in range(12)]
