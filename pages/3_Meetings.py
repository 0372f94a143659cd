"""Meetings: browse processed meetings per tier, open one to read its insights, or delete it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import batch_core as core
from batch_core.models import Tier
from ui.charts import sentiment_chart, topics_chart
from ui.components import PAGE_BATCHES, SELECTED_BATCH, SELECTED_MEETING, flash, guarded, linked_id, page_setup, principal, show_flash
from ui.format import (code_span, escape_markdown, fmt_ago, fmt_clock, fmt_time, highlight_placeholders,
                       status_value)
from ui.tables import (
    action_items_frame, audit_frame, decisions_frame, meetings_frame, questions_frame,
    sentiment_frame, topics_frame, usage_line,
)

ALL_TIERS = "all"
PICKER = "meeting_picker"


def remember_choice() -> None:
    st.session_state[SELECTED_MEETING] = st.session_state[PICKER]
    st.query_params["meeting"] = st.session_state[PICKER]


def highlighted(hit: dict) -> str:
    """The snippet as Markdown, the matched words in bold (everything else escaped); the snippet
    itself says with '…' where its text was cut."""
    text, spans, out, at = hit["snippet"], hit["highlights"], [], 0
    for start, end in spans:
        out += [escape_markdown(text[at:start]), "**" + escape_markdown(text[start:end]) + "**"]
        at = end
    out.append(escape_markdown(text[at:]))
    return "".join(out).replace("\n", " ")


def offer_speaker_names(record: dict) -> None:
    """Say who "Speaker 1" is; the same name on two labels merges them."""
    if not principal().may_process(record.get("tier", "sensitive")):
        return
    meeting_id = record["meeting_id"]
    given = record.get("speaker_names") or {}
    labels = sorted(set(record.get("speakers") or []) - set(given.values()) | set(given))
    with st.expander("Name the speakers", icon=":material/badge:"):
        st.caption("Give a label its person's name; the same name on two labels merges them. Insights, "
                   "sentiment, the action-item board and exports follow. "
                   + ("For this sensitive meeting the names are stored encrypted." if record.get("redacted") else ""))
        frame = pd.DataFrame({"Label": labels, "Name": [given.get(label, "") for label in labels]})
        edited = st.data_editor(frame, key=f"speaker_names_{meeting_id}", hide_index=True, num_rows="fixed",
                                disabled=["Label"], width="stretch")
        if st.button("Save names", key="save_speaker_names", icon=":material/save:"):
            guarded(core.rename_speakers, meeting_id, dict(zip(edited["Label"], edited["Name"].fillna(""))))
            flash("Speaker names saved.")
            st.rerun()


def offer_reprocess(record: dict) -> None:
    """Run the meeting again, with the provider named before the click."""
    meeting_id = record["meeting_id"]
    if principal().may_process(record.get("tier", "sensitive")):
        engine = core.engine_info()
        with st.expander("Reprocess this meeting", icon=":material/replay:"):
            st.caption(f"Runs it again with **{escape_markdown(engine['provider'])} / "
                       f"{escape_markdown(engine['model'])}** (the provider configured now; this record was made "
                       f"with {escape_markdown(record.get('provider'))} / {escape_markdown(record.get('model'))}). "
                       "The new result replaces this one once it is stored.")
            if st.button("Reprocess", key="reprocess_meeting", icon=":material/replay:"):
                result = guarded(core.reprocess_meetings, [meeting_id])
                st.session_state[SELECTED_BATCH] = result["batch_id"]
                flash(f"Reprocessing as batch {result['batch_id']} with {engine['provider']} / {engine['model']}.")
                st.switch_page(PAGE_BATCHES)


def show_meeting(record: dict) -> None:
    meeting_id = record["meeting_id"]
    st.header(escape_markdown(record.get("title") or meeting_id), anchor=False)
    tier = status_value(record.get("tier"))
    badges = [f":violet-badge[:material/shield: {tier}]" if tier == Tier.SENSITIVE.value
              else f":blue-badge[:material/description: {tier}]"]
    if record.get("redacted"):
        badges.append(":red-badge[:material/lock: Redacted]")
    st.markdown(" ".join(badges), help="Redacted: personal data was removed before the text "
                "reached the model or the store." if record.get("redacted") else None)
    speakers = record.get("speakers") or []
    st.caption(
        (f"Date {escape_markdown(record['meeting_date'])} · " if record.get("meeting_date") else "")
        + f"{len(speakers)} speakers · "
        f"{record.get('word_count', 0)} words · length {fmt_clock(record.get('duration_seconds'))} · "
        + (f"language {core.language_name(record['language'])} · " if record.get("language") else "")
        + f"processed {fmt_time(record.get('processed_at'))} by {record.get('provider')}/"
        f"{record.get('model')} · id {meeting_id}")
    spend = usage_line(record.get("usage"))
    if spend:
        st.caption(f"Provider usage: {spend}")
    for warning in record.get("warnings") or []:
        st.warning(escape_markdown(warning), icon=":material/translate:")
    exports = st.columns([1, 1, 3])
    # The minutes are built (and a sensitive meeting's download audited) only when clicked.
    exports[0].download_button(
        "Minutes (Markdown)", data=lambda who=principal(): core.meeting_minutes(meeting_id, "markdown", principal=who) or "",
        file_name=f"{meeting_id}.md", mime="text/markdown", key="minutes_md", icon=":material/download:", on_click="ignore")
    exports[1].download_button(
        "Minutes (JSON)", data=lambda who=principal(): core.meeting_minutes(meeting_id, "json", principal=who) or "",
        file_name=f"{meeting_id}.json", mime="application/json", key="minutes_json", icon=":material/download:",
        on_click="ignore")

    insights = record.get("insights") or {}
    tabs = st.tabs([":material/lightbulb: Insights", ":material/mood: Sentiment",
                   ":material/article: Transcript", ":material/receipt_long: Audit log"])
    with tabs[0]:
        if record.get("provider") == "local":
            st.caption(f":material/rule: Automatic draft from offline rules (model "
                       f"{code_span(record.get('model'))}): topics, summary and items are "
                       "picked from the transcript by rules. Check them before relying on them.")
        else:
            st.caption(f":material/smart_toy: Written by the {escape_markdown(record.get('provider'))} "
                       f"model {code_span(record.get('model'))} from the "
                       f"{'redacted ' if record.get('redacted') else ''}transcript.")
        summary_column, topics_column = st.columns([3, 2])
        with summary_column:
            st.subheader("Summary", anchor=False)
            st.markdown(escape_markdown(insights.get("summary") or "No summary."))
        with topics_column:
            st.subheader("Topics", anchor=False)
            topics = topics_frame(insights)
            if topics.empty:
                st.caption("No topics.")
            else:
                st.altair_chart(topics_chart(topics), width="stretch")
        sections = [
            ("Decisions", decisions_frame(insights), "No decisions recorded.", {
                "Confidence": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0,
                                                              format="percent", width="small"),
                "Decision": st.column_config.TextColumn(width="large")}),
            ("Action items", action_items_frame(insights), "No action items.", {
                "Task": st.column_config.TextColumn(width="large")}),
            ("Open questions", questions_frame(insights), "No open questions.", {
                "Question": st.column_config.TextColumn(width="large")}),
        ]
        for heading, frame, empty_note, columns in sections:
            st.subheader(heading, anchor=False)
            if frame.empty:
                st.caption(empty_note)
            else:
                st.dataframe(frame, hide_index=True, width="stretch", column_config=columns)
    with tabs[1]:
        sentiment = sentiment_frame(record.get("sentiment") or [])
        if record.get("sentiment_note"):
            st.info(escape_markdown(record["sentiment_note"]), icon=":material/translate:")
        elif sentiment.empty:
            st.caption("No sentiment scores.")
        else:
            st.altair_chart(sentiment_chart(sentiment), width="stretch")
            st.dataframe(sentiment, hide_index=True, width="stretch")
    with tabs[2]:
        if record.get("redacted"):
            found = core.describe_found(record.get("redaction_counts") or {},
                                        record.get("redaction_distinct") or {})
            st.info(f"Redacted transcript. Replaced: {found}. Placeholders are highlighted; "
                    "one placeholder stands for one person or value throughout the meeting.",
                    icon=":material/lock:")
            with st.container(height=480):
                st.markdown(highlight_placeholders(record.get("transcript") or ""))
        else:
            with st.container(height=480):
                st.text(record.get("transcript") or "")
    with tabs[3]:
        st.dataframe(audit_frame(record.get("audit") or []), hide_index=True, width="stretch")

    offer_speaker_names(record)
    offer_reprocess(record)
    if not principal().is_admin:
        return
    with st.expander("Delete this meeting", icon=":material/delete:"):
        sure = st.checkbox("Yes, delete it for good", key=f"confirm_delete_{meeting_id}")
        if st.button("Delete meeting", key="delete_meeting", type="primary", disabled=not sure):
            deleted = guarded(core.delete_meeting, meeting_id)
            st.session_state.pop(SELECTED_MEETING, None)
            st.session_state.pop(PICKER, None)
            st.query_params.pop("meeting", None)
            flash("Meeting deleted." if deleted else "That meeting was already gone.")
            st.rerun()


who = page_setup("Meetings", ":material/description:")
st.title(":material/description: Meetings")
show_flash()

PAGE_SIZE = 200
filters = st.columns([1, 2, 1])
tier = filters[0].segmented_control("Tier", [ALL_TIERS] + [t.value for t in who.readable_tiers()], key="meeting_tier",
                                    default=ALL_TIERS, format_func=str.capitalize) or ALL_TIERS
search = filters[1].text_input("Search titles, transcripts and insights", key="meeting_search",
                               placeholder="e.g. remote control")
tier_filter = None if tier == ALL_TIERS else tier
page = 1
if search.strip():
    with st.expander("Search filters", icon=":material/filter_alt:"):
        narrow = st.columns(3)
        since = narrow[0].date_input("From", value=None, key="search_from")
        until = narrow[1].date_input("To", value=None, key="search_to")
        speaker = narrow[2].text_input("Speaker", key="search_speaker")
    hits = guarded(core.search_meetings, search, tier=tier_filter, date_from=since.isoformat() if since else None,
                   date_to=until.isoformat() if until else None, speaker=speaker or None, limit=50)
    counted = len(hits)
    if hits and hits[0].get("ranked_among_newest"):
        st.caption(f"This search matches more than {hits[0]['ranked_among_newest']:,} meetings: the best matches "
                   f"below are among the newest {hits[0]['ranked_among_newest']:,}. Add a word or a filter to narrow it.")
    meetings = [{"meeting_id": h["meeting_id"], "title": h["title"], "tier": h["tier"], "meeting_date": h["day"]}
                for h in hits]
    for hit in hits[:10]:
        st.markdown(f"[**{escape_markdown(hit['title'] or hit['meeting_id'])}**](/Meetings?meeting={hit['meeting_id']}) "
                    f"· {escape_markdown(hit['day'] or '')} · {hit['tier']}  \n{highlighted(hit)}")
else:
    counted = sum(guarded(core.count_meetings, tier=tier_filter).values())
    pages = max(1, -(-counted // PAGE_SIZE))
    page = int(filters[2].number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, step=1,
                                       key="meeting_page"))
    meetings = guarded(core.list_meetings, tier=tier_filter, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)

wanted = linked_id(st.query_params.get("meeting") or st.session_state.get(SELECTED_MEETING), "meeting")
by_id = {m["meeting_id"]: m for m in meetings}
filtering = bool(search.strip()) or tier != ALL_TIERS
if wanted and wanted not in by_id and not filtering:
    # A link to a meeting older than the newest 200 still opens it.
    record = guarded(core.get_meeting, wanted)
    if record:
        by_id = {wanted: record, **by_id}

if not by_id:
    st.info("No processed meetings match." if filtering else
            "No processed meetings yet. Upload transcripts to get started.", icon=":material/inbox:")
    st.stop()

first = (page - 1) * PAGE_SIZE + 1
st.caption(f"{counted} best matches, best first" if search.strip() else
           f"Meetings {first}–{first + len(meetings) - 1} of {counted}" + (f" · page {page} of {-(-counted // PAGE_SIZE)}"
                                                                           if counted > PAGE_SIZE else ""))
st.dataframe(meetings_frame(meetings), hide_index=True, width="stretch",
             height="auto" if len(meetings) <= 8 else 320,
             column_config={"Open": st.column_config.LinkColumn("Open", display_text="open", width="small")})

if st.session_state.get(PICKER) not in by_id:
    st.session_state[PICKER] = wanted if wanted in by_id else next(iter(by_id))
chosen = st.selectbox(
    "Open a meeting", list(by_id), key=PICKER, on_change=remember_choice,
    format_func=lambda mid: f"{by_id[mid].get('title')} · {status_value(by_id[mid].get('tier'))}"
                            f" · {fmt_ago(by_id[mid].get('processed_at'))}")
st.session_state[SELECTED_MEETING] = chosen
record = guarded(core.get_meeting, chosen)
st.divider()
if record:
    show_meeting(record)
else:
    st.warning("That meeting no longer exists.", icon=":material/hourglass_empty:")
