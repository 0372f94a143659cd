"""Action items across meetings: filter, sort, tick off (stored with who and when), export; and
the decisions, read-only."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import batch_core as core
from ui.components import guarded, page_setup
from ui.format import escape_markdown

DONE_COLUMN = "Done"
who = page_setup("Action items", ":material/checklist:")
st.title(":material/checklist: Action items")
st.caption("Every action item of the meetings you may see. Tick one off when it is done: the mark is stored "
           "with your name and the time, for everyone. Click a meeting to open it.")

filters = st.columns([1, 1, 1, 2])
status = filters[0].segmented_control("Show", ["open", "done", "all"], default="open", key="board_status") or "all"
owner = filters[1].text_input("Owner", key="board_owner", placeholder="e.g. Kari")
priority = filters[2].multiselect("Priority", ["high", "medium", "low", "none"], key="board_priority")
text = filters[3].text_input("Task or meeting contains", key="board_text")

rows = guarded(core.action_items, status=None if status == "all" else status, owner=owner or None,
               text=text or None)
if priority:
    rows = [r for r in rows if (r["priority"] or "none") in priority]
items_tab, decisions_tab = st.tabs([f":material/task_alt: Action items ({len(rows)})", ":material/gavel: Decisions"])

with items_tab:
    if not rows:
        st.info("No action item matches these filters." if (owner or text or priority)
                else f"No {status + ' ' if status != 'all' else ''}action items yet: they appear as meetings "
                     "are processed.", icon=":material/inbox:")
    else:
        frame = pd.DataFrame.from_records([{
            DONE_COLUMN: r["done"], "Task": r["task"], "Owner": r["owner"] or "", "Deadline": r["deadline"] or "",
            "Priority": r["priority"] or "", "Meeting": f"/Meetings?meeting={r['meeting_id']}",
            "Title": r["title"] or "", "Date": r["meeting_date"] or (r["processed_at"] or "")[:10],
            "Done by": (f"{r['done_by']} · {r['done_at'][:16].replace('T', ' ')}" if r["done"] else ""),
        } for r in rows])
        editor_key = "board_editor_" + str(abs(hash(tuple((r["meeting_id"], r["item"], r["done"]) for r in rows))))
        edited = st.data_editor(
            frame, key=editor_key, hide_index=True, width="stretch", num_rows="fixed",
            disabled=[c for c in frame.columns if c != DONE_COLUMN],
            column_config={
                DONE_COLUMN: st.column_config.CheckboxColumn(DONE_COLUMN, width="small"),
                "Meeting": st.column_config.LinkColumn("Meeting", display_text="open", width="small"),
                "Task": st.column_config.TextColumn("Task", width="large"),
            })
        changed = [(row, bool(new)) for row, new in zip(rows, edited[DONE_COLUMN]) if bool(new) != row["done"]]
        for row, done in changed:
            try:
                guarded(core.set_action_done, row["meeting_id"], row["item"], done)
            except core.BatchError as exc:
                st.error(escape_markdown(exc), icon=":material/block:")
                st.stop()
        if changed:
            st.rerun()
        exports = st.columns(2)
        exports[0].download_button("Action items (CSV)", data=core.action_items_csv(rows), file_name="action-items.csv",
                                   mime="text/csv", key="board_csv", icon=":material/download:", on_click="ignore")
        exports[1].download_button("Action items (Markdown)", data=core.action_items_markdown(rows),
                                   file_name="action-items.md", mime="text/markdown", key="board_md",
                                   icon=":material/download:", on_click="ignore")

with decisions_tab:
    decisions = guarded(core.decision_log, text=text or None)
    if not decisions:
        st.info("No decisions recorded yet.", icon=":material/inbox:")
    else:
        st.dataframe(pd.DataFrame.from_records([{
            "Decision": d["decision"], "Topic": d["topic"], "Deciders": ", ".join(d["deciders"]),
            "Meeting": f"/Meetings?meeting={d['meeting_id']}", "Title": d["title"] or "",
            "Date": d["meeting_date"] or (d["processed_at"] or "")[:10]} for d in decisions]),
            hide_index=True, width="stretch",
            column_config={"Meeting": st.column_config.LinkColumn("Meeting", display_text="open", width="small")})
