"""Presentation helpers for the Streamlit pages: formatting, tables and shared widgets.

Nothing here talks to Redis; the pages feed it dicts from batch_core's public API.
"""
