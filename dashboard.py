"""Entry point of the operator dashboard (`streamlit run dashboard.py`): the page navigation."""
from __future__ import annotations

import streamlit as st

from ui.components import PAGE_BATCHES, PAGE_HOME, PAGE_MEETINGS, PAGE_UPLOAD

st.set_page_config(page_title="Meeting batches", page_icon=":material/inventory_2:", layout="wide")
navigation = st.navigation([
    st.Page(PAGE_HOME, title="Home", icon=":material/home:", default=True),
    st.Page(PAGE_UPLOAD, title="Upload", icon=":material/upload_file:"),
    st.Page(PAGE_BATCHES, title="Batches", icon=":material/monitoring:"),
    st.Page(PAGE_MEETINGS, title="Meetings", icon=":material/description:"),
])
navigation.run()
