"""Altair charts: finished meetings over time for a batch, sentiment per speaker for a meeting."""
from __future__ import annotations

import altair as alt
import pandas as pd

SENTIMENT_COLOURS = alt.Scale(domain=["positive", "neutral", "negative"],
                              range=["#16a34a", "#9ca3af", "#dc2626"])
STATUS_SCALE = alt.Scale(domain=["completed", "failed", "skipped", "canceled"],
                         range=["#16a34a", "#dc2626", "#f97316", "#6b7280"])


def throughput_chart(series: pd.DataFrame) -> alt.Chart:
    """A step line of finished meetings, with a dot per finish coloured by its outcome."""
    base = alt.Chart(series).encode(
        x=alt.X("Seconds:Q", title="Seconds since submission", axis=alt.Axis(tickCount=8)),
        y=alt.Y("Finished:Q", title="Meetings finished", axis=alt.Axis(tickMinStep=1)),
    )
    line = base.mark_line(interpolate="step-after", color="#2563eb")
    dots = base.transform_filter(alt.datum.Status != "").mark_circle(size=60).encode(
        color=alt.Color("Status:N", scale=STATUS_SCALE, legend=alt.Legend(orient="bottom")),
        tooltip=["Seconds", "Finished", "Status"],
    )
    return (line + dots).properties(height=240)


def sentiment_chart(frame: pd.DataFrame) -> alt.Chart:
    """Mean VADER score per speaker on a fixed -1..1 axis, coloured by label."""
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("Score:Q", scale=alt.Scale(domain=[-1, 1]), title="Mean sentiment (−1 … +1)"),
        y=alt.Y("Speaker:N", sort="-x", title=None, axis=alt.Axis(labelLimit=200)),
        color=alt.Color("Label:N", scale=SENTIMENT_COLOURS, legend=alt.Legend(orient="bottom")),
        tooltip=["Speaker", alt.Tooltip("Score:Q", format=".2f"), "Label", "Utterances"],
    ).properties(height=alt.Step(34))


def topics_chart(frame: pd.DataFrame) -> alt.Chart:
    return alt.Chart(frame).mark_bar(color="#6366f1").encode(
        x=alt.X("Importance:Q", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("Topic:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        tooltip=["Topic", alt.Tooltip("Importance:Q", format=".2f"), "Speakers"],
    ).properties(height=alt.Step(26))
