"""The history's stored changes read as words (issue 14 words): a choice
kept in an entry's changes shows its label in the reader's language, never
the code."""

from __future__ import annotations

from django.utils import translation

from audit.display import _json_text


def test_a_choice_in_an_entrys_changes_reads_as_its_label():
    changes = {"event_type": [None, "enterprise_visit"], "participants": [3, 5]}
    with translation.override("zh-hans"):
        assert _json_text(changes) == "活动类型: 企业走访; 参与人数: 3 → 5"
        assert _json_text({"event_type": ["roadshow", "enterprise_visit"]}) == (
            "活动类型: 路演 → 企业走访"
        )
    with translation.override("en"):
        assert _json_text({"event_type": [None, "enterprise_visit"]}) == (
            "event type: Enterprise visit"
        )
