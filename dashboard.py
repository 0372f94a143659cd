"""Home: what is running now, what ran recently, what failed, and what the engine runs on."""
from __future__ import annotations

import streamlit as st

import batch_core as core
from batch_core.models import BatchState, Tier
from ui.components import (
    PAGE_BATCHES, PAGE_MEETINGS, PAGE_UPLOAD, engine_summary, guarded, page_setup, show_flash,
    storage_down,
)
from ui.format import fmt_ago, plural, status_value
from ui.tables import (
    batches_frame, failed_rows_frame, progress_fraction, recent_failures, status_counts,
    style_status, tier_totals, workers_frame,
)

REFRESH_MS = 2000

page_setup("Home", ":material/home:")
st.title(":material/inventory_2: Meeting batch station")
st.caption("Upload meeting transcripts, process them in batches, and read the insights.")
show_flash()

health = guarded(core.health)
if status_value(health.get("redis")) != "ok":
    storage_down(RuntimeError(str(health.get("redis") or "no answer")))
    st.stop()
info = guarded(core.engine_info)
batches = guarded(core.list_batches, limit=50)
counts_by_tier = guarded(core.count_meetings)

active_at_start = any(status_value(b.get("status")) == BatchState.PROCESSING.value for b in batches)

links = st.columns(3)
links[0].page_link(PAGE_UPLOAD, label="Upload transcripts", icon=":material/upload_file:")
links[1].page_link(PAGE_BATCHES, label="Monitor batches", icon=":material/monitoring:")
links[2].page_link(PAGE_MEETINGS, label="Browse meetings", icon=":material/description:")


def live_view(was_active: bool) -> None:
    """Counters, active and recent batches, failures: while a batch runs, this fragment alone
    reruns every 2 s; when the last one ends, one full rerun stops the timer."""
    batches = guarded(core.list_batches, limit=50)
    counts_by_tier = guarded(core.count_meetings)
    active = [b for b in batches if status_value(b.get("status")) == BatchState.PROCESSING.value]
    if was_active and not active:
        st.rerun()
    failures = recent_failures(batches)
    metrics = st.columns(4)
    metrics[0].metric("Active batches", len(active))
    for column, tier in zip(metrics[1:3], [t for t in Tier if t.value in counts_by_tier]):
        column.metric(f"{tier.value.capitalize()} meetings", counts_by_tier[tier.value])
    metrics[3].metric("Failed meetings (24 h)", sum(int(b.get("failed") or 0) for b in failures))

    st.subheader("Active batches")
    if not active:
        st.info("No batch is running. Start one from **Upload transcripts**.", icon=":material/bedtime:")
    for batch in active:
        counts = status_counts(batch)
        done = sum(counts[s] for s in ("completed", "failed", "skipped", "canceled"))
        label = (f"{batch['batch_id']} · {done}/{batch.get('total', 0)} done · "
                 f"{plural(counts['failed'], 'failure')} · submitted {fmt_ago(batch.get('submitted_at'))}")
        row = st.columns([5, 1], vertical_alignment="center")
        row[0].progress(progress_fraction(batch), text=label)
        row[1].page_link(PAGE_BATCHES, label="Open", icon=":material/arrow_forward:",
                         query_params={"batch": batch["batch_id"]})

    st.subheader("Recent batches")
    if batches:
        st.dataframe(
            batches_frame(batches) if active else style_status(batches_frame(batches)),
            hide_index=True, width="stretch",
            column_config={"Progress": st.column_config.ProgressColumn("Progress", min_value=0.0,
                                                                       max_value=1.0, format="percent")},
        )
    else:
        st.info("No batches yet.", icon=":material/inbox:")

    st.subheader("Failures in the last 24 h")
    if failures:
        detailed = [guarded(core.get, b["batch_id"]) for b in failures[:10]]
        st.dataframe(failed_rows_frame([b for b in detailed if b]), hide_index=True, width="stretch",
                     column_config={"Reason": st.column_config.TextColumn(width="large")})
    else:
        st.success("No failed meetings in the last 24 hours.", icon=":material/check_circle:")


st.fragment(live_view, run_every=REFRESH_MS / 1000 if active_at_start else None)(active_at_start)

left, right = st.columns(2)
with left:
    st.subheader("Meetings per tier")
    st.bar_chart(tier_totals(counts_by_tier), x="Tier", y="Meetings", horizontal=True,
                 height=180)
with right:
    st.subheader("Engine")
    st.dataframe([{"Setting": k, "Value": v} for k, v in engine_summary(info)], hide_index=True,
                 width="stretch")
    st.caption(f"Redis: {health.get('redis', '?')} · {len(batches)} batches kept (finished "
               f"batches expire after {int(info.get('result_ttl_seconds') or 0) // 3600} h)")

if status_value(info.get("executor")) == "rq":
    fleet = guarded(core.fleet_info)
    st.subheader("Workers")
    cells = st.columns(3)
    cells[0].metric("Live workers", sum(w["state"] != "unresponsive" for w in fleet["workers"]))
    cells[1].metric("Queued meetings", fleet["queue_depth"])
    cells[2].metric("Running meetings", fleet["running"])
    if fleet["queue_depth"] and not fleet["workers"]:
        st.warning("Meetings are waiting but no worker is running. Start one with "
                   "`make worker` (or `python -m batch_core worker`) on any machine that "
                   "reaches this Redis.", icon=":material/warning:")
    if fleet["workers"]:
        st.dataframe(workers_frame(fleet["workers"]), hide_index=True, width="stretch")
