"""Batch monitor: pick a batch, watch its meetings move, act on it, download its results."""
from __future__ import annotations

import streamlit as st

import batch_core as core
from batch_core.models import BatchState, MeetingState
from ui.charts import throughput_chart
from ui.components import (
    PAGE_MEETINGS, PAGE_UPLOAD, SELECTED_BATCH, flash, guarded, linked_id, page_setup, principal,
    outcome_markdown, show_flash,
)
from ui.exports import batch_json, rows_csv
from ui.format import STATUS_ICONS, code_span, escape_markdown, fmt_ms, fmt_seconds, fmt_time, status_value
from ui.tables import (
    audit_frame, batch_rows_frame, economy_line, eta_seconds, progress_fraction, stage_timings_frame, usage_line,
    status_counts, style_status, throughput_per_min, throughput_series,
)

REFRESH_MS = 2000
DETAILS_REFRESH_S = 10
PICKER = "batch_picker"
DETAIL_STATES = (MeetingState.FAILED.value, MeetingState.SKIPPED.value)


def remember_choice() -> None:
    st.session_state[SELECTED_BATCH] = st.session_state[PICKER]
    st.query_params["batch"] = st.session_state[PICKER]


page_setup("Batches", ":material/monitoring:")
st.title(":material/monitoring: Batch monitor")
show_flash()

batches = guarded(core.list_batches, limit=100)
by_id = {b["batch_id"]: b for b in batches}
wanted = linked_id(st.query_params.get("batch") or st.session_state.get(SELECTED_BATCH), "batch")
if wanted and wanted not in by_id:
    older = guarded(core.get, wanted)
    if older:
        by_id[wanted] = older
if not by_id:
    st.info("No batches yet.", icon=":material/inbox:")
    st.page_link(PAGE_UPLOAD, label="Upload transcripts", icon=":material/upload_file:")
    st.stop()

if st.session_state.get(PICKER) not in by_id:
    st.session_state[PICKER] = wanted if wanted in by_id else next(iter(by_id))


def picker_label(batch_id: str) -> str:
    """Only fields that never change: the browser may keep showing a selected option's old text."""
    batch = by_id[batch_id]
    name = f"{batch['name']} · " if batch.get("name") else ""
    return (f"{name}{batch_id} · {batch.get('total', 0)} meetings · submitted "
            f"{fmt_time(batch.get('submitted_at'))}")


# Read the chosen batch before drawing the picker, so its label never shows an older status
# than the page below it (the list and the batch are two reads).
batch = guarded(core.get, st.session_state[PICKER])
if batch:
    by_id[batch["batch_id"]] = {k: v for k, v in batch.items() if k != "results"}
chosen = st.selectbox("Batch (newest first)", list(by_id), key=PICKER, format_func=picker_label,
                      on_change=remember_choice)
st.session_state[SELECTED_BATCH] = chosen
if not batch:
    st.warning(f"Batch {chosen} is no longer stored (finished batches expire).",
               icon=":material/hourglass_empty:")
    st.stop()

was_active = status_value(batch.get("status")) == BatchState.PROCESSING.value


def show_header(batch: dict, counts: dict, rows: list) -> None:
    total = int(batch.get("total") or len(rows))
    finished = sum(counts[s.value] for s in MeetingState if s.terminal)
    if batch.get("name"):
        st.subheader(escape_markdown(batch["name"]))
    st.markdown(f"{outcome_markdown(batch)} &nbsp; submitted {fmt_time(batch.get('submitted_at'))}"
                f" · duplicates: **{status_value(batch.get('on_duplicate')) or '?'}**"
                + (f" · finished {fmt_time(batch.get('finished_at'))}" if batch.get("finished_at") else ""))
    st.progress(progress_fraction(batch), text=f"{finished} of {total} meetings finished")
    spend = usage_line(batch.get("usage"))
    if spend:
        st.caption(f"Provider usage: {spend}")
    economy = batch.get("economy")
    if economy:
        st.info(economy_line(economy), icon=":material/savings:")
    if batch.get("resumed_at"):
        st.info(f"Resumed by {code_span(batch.get('resumed_by'))} at "
                f"{fmt_time(batch.get('resumed_at'))}: its previous owner "
                f"{code_span(batch.get('resumed_from') or 'unknown')} stopped renewing its "
                "lease. Finished meetings were kept; interrupted ones ran again.",
                icon=":material/restart_alt:")
    if batch.get("partial_reason"):
        st.warning(f"Stopped early: {escape_markdown(batch.get('partial_reason'))}. "
                   "Completed meetings kept their results; use Retry failed to finish the rest.",
                   icon=":material/warning:")
    metric_columns = st.columns(len(MeetingState) + 2)
    for column, state in zip(metric_columns, MeetingState):
        column.metric(f"{STATUS_ICONS[state.value]} {state.value.capitalize()}", counts[state.value])
    rate = throughput_per_min(batch)
    eta = eta_seconds(batch)
    metric_columns[-2].metric("Per minute", "—" if not rate else
                              f"{rate:.0f}" if rate >= 10 else f"{rate:.1f}",
                              help="Throughput: meetings finished per minute since submission.")
    metric_columns[-1].metric("ETA", "done" if eta == 0 else fmt_seconds(eta))


def may_change(batch: dict) -> bool:
    who = principal()
    sensitive_count = int(batch.get("sensitive") or 0)
    return ((sensitive_count == 0 or who.may_process("sensitive"))
            and (int(batch.get("total") or 0) == sensitive_count or who.may_process("ordinary")))


def requeue_button(column, chosen: str, action, state: str, count: int, allowed: bool, runs_with: str, *,
                   label: str, key: str, icon: str, refused: str) -> None:
    """Retry failed / Re-queue canceled: the provider they will run with is named before the click."""
    if not column.button(f"{label} ({count})", key=key, icon=icon, disabled=count == 0 or not allowed,
                         width="stretch", help=f"They run with {runs_with} (the provider configured now)."):
        return
    try:
        result = guarded(action, chosen)
    except core.BatchError as exc:
        st.error(f"{refused} was refused: {escape_markdown(exc)}", icon=":material/block:")
        return
    flash(f"Batch {chosen}: {result.get('requeued', 0)} {state} meetings queued again; they run with {runs_with}.")
    st.rerun()


def show_actions(chosen: str, batch: dict, counts: dict, rows: list, active: bool) -> None:
    allowed = may_change(batch)
    engine = core.engine_info()
    runs_with = f"{engine['provider']} / {engine['model']}"
    actions = st.columns(6)
    if actions[0].button("Cancel", key="cancel_batch", icon=":material/stop_circle:",
                         disabled=not active or not allowed, width="stretch",
                         help="Queued meetings are canceled; the ones already running finish." if allowed
                         else "Your roles do not allow changing this batch."):
        try:
            result = guarded(core.cancel, chosen)
        except core.BatchError as exc:
            st.warning(escape_markdown(exc), icon=":material/info:")
        else:
            flash(f"Batch {chosen}: {result.get('canceled_now', 0)} queued meetings canceled; "
                  "meetings already running will finish.")
            st.rerun()
    requeue_button(actions[1], chosen, core.retry_failed, "failed", counts["failed"], allowed, runs_with,
                   label="Retry failed", key="retry_failed", icon=":material/replay:", refused="Retry")
    requeue_button(actions[5], chosen, core.requeue_canceled, "canceled", counts["canceled"], allowed, runs_with,
                   label="Re-queue canceled", key="requeue_canceled", icon=":material/redo:", refused="Re-queue")
    actions[2].download_button(
        "Results (JSON)", data=lambda who=principal(): batch_json(
            core.get(chosen, principal=who) or batch,
            lambda mid: core.get_meeting(mid, principal=who, access="download")),
        file_name=f"{chosen}.json", mime="application/json", key="download_json", icon=":material/download:", width="stretch",
        on_click="ignore")
    actions[3].download_button("Status table (CSV)", data=rows_csv(rows), file_name=f"{chosen}.csv",
                               mime="text/csv", key="download_csv", icon=":material/download:", width="stretch", on_click="ignore")
    actions[4].download_button(
        "Minutes (zip)", data=lambda who=principal(): core.batch_minutes_zip(chosen, principal=who) or b"",
        file_name=f"{chosen}-minutes.zip", mime="application/zip", key="download_minutes", icon=":material/folder_zip:",
        width="stretch", on_click="ignore")


def show_problem(row: dict) -> None:
    state = status_value(row.get("status"))
    title = str(row.get("title") or "")
    with st.expander(f"{STATUS_ICONS[state]} #{int(row.get('index', 0)) + 1} · {state} · "
                     f"{escape_markdown(title[:80])}"):
        st.markdown("**Reason**")
        st.text(row.get("error") or "No reason was recorded.")
        facts = [f"stage {status_value(row.get('stage'))}" if row.get("stage") else "",
                 f"{row.get('attempts')} attempts" if row.get("attempts") else "",
                 f"took {fmt_ms(row.get('duration_ms'))}" if row.get("duration_ms") else "",
                 f"finished {fmt_time(row.get('finished_at'))}" if row.get("finished_at") else ""]
        if any(facts):
            st.caption(" · ".join(f for f in facts if f))
        if row.get("source_name"):
            st.text(f"File: {row['source_name']}")
        audit = row.get("audit") or []
        if audit:
            st.markdown("**Audit log**")
            st.dataframe(audit_frame(audit), hide_index=True, width="stretch")
        elif row.get("stage_ms"):
            st.markdown("**Audit log (stage timings)**")
            st.dataframe(stage_timings_frame(row), hide_index=True, width="stretch")
        else:
            st.caption("No stage was reached, so there is no audit log.")


def show_rows(rows: list, active: bool) -> None:
    st.subheader("Meetings")
    frame = batch_rows_frame(rows)
    # Painting the status cells (a pandas Styler) is the dearest part of a 2 s refresh; the status
    # chips carry their colour anyway, so cells are painted once the batch has ended.
    st.dataframe(
        frame if active else style_status(frame), hide_index=True, width="stretch", key="rows_table",
        height="auto" if len(rows) <= 15 else 560,
        column_config={"#": st.column_config.NumberColumn("#", width="small"),
                       "Open": st.column_config.LinkColumn("Open", display_text="open", width="small"),
                       "Title": st.column_config.TextColumn("Title", width="large"),
                       "Error": st.column_config.TextColumn("Error", width="large")},
    )


def batch_details(chosen: str) -> None:
    """Throughput chart, failure details and the link to the results: slower to draw and slower
    to change than the counters, so refreshed every 10 s rather than every 2 s."""
    batch = guarded(core.get, chosen)
    if not batch:
        return
    rows = batch.get("results") or []
    series = throughput_series(rows, batch.get("submitted_at"))
    if len(series) > 1:
        st.subheader("Throughput over time")
        st.altair_chart(throughput_chart(series), width="stretch")
    problems = [r for r in rows if status_value(r.get("status")) in DETAIL_STATES]
    if problems:
        st.subheader("Failed and skipped meetings")
    for row in problems:
        show_problem(row)
    completed = [r for r in rows if status_value(r.get("status")) == MeetingState.COMPLETED.value
                 and r.get("meeting_id")]
    if completed:
        st.page_link(PAGE_MEETINGS, label="Open the completed meetings", icon=":material/description:",
                     query_params={"meeting": completed[0]["meeting_id"]})


def batch_view(chosen: str, was_active: bool) -> None:
    """The batch itself. While it runs this fragment alone reruns every 2 s (the picker and the
    sidebar stay as they are); when it ends, one full rerun stops the timer."""
    batch = guarded(core.get, chosen)
    if not batch:
        st.warning(f"Batch {chosen} is no longer stored (finished batches expire).",
                   icon=":material/hourglass_empty:")
        return
    active = status_value(batch.get("status")) == BatchState.PROCESSING.value
    if was_active and not active:
        st.rerun()
    rows = batch.get("results") or []
    counts = status_counts(batch)
    show_header(batch, counts, rows)
    show_actions(chosen, batch, counts, rows, active)
    show_rows(rows, active)


st.fragment(batch_view, run_every=REFRESH_MS / 1000 if was_active else None)(chosen, was_active)
st.fragment(batch_details, run_every=DETAILS_REFRESH_S if was_active else None)(chosen)
