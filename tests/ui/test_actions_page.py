"""The Action items page: filter, tick off (stored), links to each meeting, decisions read-only."""
from __future__ import annotations

import batch_core
from ui_support import assert_clean, open_page, texts


def test_the_page_ticks_an_item_off_and_links_each_row_to_its_meeting(board_meetings):
    stored = board_meetings
    at = open_page("pages/5_Actions.py")
    assert_clean(at)
    frame = at.data_editor[0].value
    assert len(frame) == 6 and set(frame["Meeting"]) == {f"/Meetings?meeting={m}" for m in stored.values()}
    row = list(frame["Task"]).index("Send the Roadmap notes")
    at.session_state[at.data_editor[0].key] = {"edited_rows": {row: {"Done": True}}, "added_rows": [],
                                               "deleted_rows": []}
    at.run()
    assert_clean(at)
    assert [r["task"] for r in batch_core.action_items(status="done")] == ["Send the Roadmap notes"]
    assert len(at.data_editor[0].value) == 5  # the default view shows open items
    at.segmented_control(key="board_status").set_value("done").run()
    assert list(at.data_editor[0].value["Task"]) == ["Send the Roadmap notes"]
    assert "Decisions" in " ".join(t.label for t in at.tabs) and "Ship Budget small" in str(at.dataframe[-1].value)
    assert "Action items" in texts(at)
