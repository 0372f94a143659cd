"""Access audit (admins): who viewed, downloaded, reprocessed or deleted which sensitive meeting."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import batch_core as core
from ui.components import guarded, page_setup
from ui.exports import neutralise_cells

who = page_setup("Access audit", ":material/policy:")
st.title(":material/policy: Access audit")
if not who.is_admin:
    st.info("The access audit is for admins.", icon=":material/lock:")
    st.stop()
retention = core.engine_info().get("audit_retention_days")
st.caption(f"Every access to a sensitive meeting, newest first. Kept for {retention} days "
           "(BATCH_AUDIT_RETENTION_DAYS); entries hold ids and who, never titles or text. "
           "Repeated views by the same person within five minutes are recorded once.")
limit = st.select_slider("Entries", options=[50, 200, 1000, 5000], value=200, key="audit_limit")
entries = guarded(core.audit_log, limit=limit)
if not entries:
    st.info("No access to a sensitive meeting has been recorded yet.", icon=":material/inbox:")
    st.stop()
columns = {"at": "When", "who": "Who", "roles": "Roles", "via": "From", "action": "Action",
           "meeting_id": "Meeting", "batch_id": "Batch", "detail": "Detail"}
frame = pd.DataFrame.from_records([{label: e.get(key, "") for key, label in columns.items()} for e in entries])
st.dataframe(frame, hide_index=True, width="stretch")
st.download_button("Audit (CSV)", data=neutralise_cells(frame).to_csv(index=False), file_name="access-audit.csv",
                   mime="text/csv", key="download_audit", icon=":material/download:", on_click="ignore")
