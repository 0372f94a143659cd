"""Upload: drop transcripts or paste one, check the preview, choose tier and policy, Process All."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator

import streamlit as st

import batch_core as core
from batch_core.config import settings
from batch_core.models import BatchMode, DuplicatePolicy, Tier
from ui.components import PAGE_BATCHES, SELECTED_BATCH, flash, guarded, page_setup, principal, storage_down
from ui.format import escape_markdown
from ui.preview import (MODE_HELP, build_preview, with_choices, economy_words, estimate_words,
                        selected_meetings, split_into_batches, upload_signature)

# What ingest reads (batch_core.ingest.detect); anything else is refused by the widget itself.
ACCEPTED_TYPES = ["vtt", "webvtt", "srt", "txt", "text", "md", "markdown", "docx", "json", "sbv", "tsv", "pdf", "zip"]
PASTED_NAME = "pasted transcript.txt"
TIER_HELP = {
    Tier.ORDINARY.value: "Processed as is: the transcript and its insights are stored unchanged.",
    Tier.SENSITIVE.value: "Names, national ids, phone numbers, e-mail and street addresses, card "
                          "and bank numbers are replaced by placeholders before the text reaches "
                          "the model or the store. See what is and is not detected below.",
}
POLICY_HELP = {
    DuplicatePolicy.SKIP.value: "Keep the meeting already stored; the new one is marked skipped.",
    DuplicatePolicy.REPLACE.value: "Process the new one; once it succeeds the old one is deleted.",
    DuplicatePolicy.ALLOW_DUPLICATES.value: "Process the new one and keep both.",
}
POLICY_LABELS = {
    DuplicatePolicy.SKIP.value: "Skip duplicates",
    DuplicatePolicy.REPLACE.value: "Replace the existing meeting",
    DuplicatePolicy.ALLOW_DUPLICATES.value: "Allow duplicates",
}
SPLIT_OFFER = "upload_split_offer"
GENERATION = "upload_generation"
PREVIEW_CHOICE = "upload_preview_choice"  # select all/none and the edits kept across it
# The one size rule (the uploader's own "per file" figure is the upload's total, which a .zip may use).
SIZE_RULE = ("Each transcript (or archive member) may be up to {file:g} MB; a whole upload, a .zip included, "
             "{total:g} MB.")


def duplicate_lookup(report: object, tier: str, overrides: dict[str, str]):
    """One store query for every title in the upload; returns title, tier -> existing id."""
    titles = [overrides.get(p.name) or p.title for p in getattr(report, "parsed", [])]
    found = guarded(core.find_duplicates, [(t, tier) for t in titles if t])
    return lambda title, tier_: found.get((core.normalise_title(title), tier_))


def parse_inputs(files: list, pasted: str) -> tuple[tuple, object]:
    """Parse once per distinct upload; reruns reuse the report."""
    signature = upload_signature(files) + (hashlib.sha1(pasted.encode()).hexdigest(),)
    cached = st.session_state.get("upload_report")
    if cached and cached[0] == signature:
        return cached
    inputs = [(f.name, f.getvalue()) for f in files]
    if pasted.strip():
        inputs.append((PASTED_NAME, pasted.encode("utf-8")))
    total_mb = sum(len(data) for _, data in inputs) / 1e6
    with st.status(f"Reading {len(inputs)} file(s), {total_mb:.1f} MB…", expanded=False) as reading:
        bar = st.progress(0.0)
        position = [0]

        def files() -> Iterator[tuple[str, bytes]]:
            for number, item in enumerate(inputs, 1):
                position[0] = number
                yield item

        def moved(read: int, name: str) -> None:  # after each transcript; a .zip's members are not counted ahead
            reading.update(label=f"Reading file {position[0]} of {len(inputs)}: {read} transcript(s) so far "
                                 f"(last: {name[-60:]})")
            bar.progress((position[0] - 0.5) / len(inputs))

        report = guarded(core.read_files, files(), progress=moved)
        found = len(getattr(report, "parsed", None) or [])
        reading.update(label=f"Read {found} transcript(s) from {len(inputs)} file(s)", state="complete")
        bar.progress(1.0)
    st.session_state["upload_report"] = (signature, report)
    return signature, report


def submit_and_open(chunks: list[list[dict]], policy: str, notes: list[str], mode: str = "live") -> None:
    batch_ids: list[str] = []
    for chunk in chunks:
        try:
            name = st.session_state.get("upload_name") or None
            if name and len(chunks) > 1:
                name = f"{name} ({len(batch_ids) + 1}/{len(chunks)})"
            result = core.submit(chunk, on_duplicate=policy, principal=principal(), mode=mode, name=name)
        except core.BatchError as exc:
            already = f" Already submitted: {', '.join(batch_ids)}." if batch_ids else ""
            st.error(f"The batch was not accepted: {escape_markdown(exc)}.{already}", icon=":material/block:")
            return
        except core.StorageUnavailable as exc:
            storage_down(exc)
            return
        except core.AccessDenied as exc:
            st.error(escape_markdown(exc), icon=":material/lock:")
            return
        batch_ids.append(result["batch_id"])
    # A new uploader key empties the widget, so a second click cannot submit the files again.
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    for key in ("upload_report", SPLIT_OFFER, PREVIEW_CHOICE):
        st.session_state.pop(key, None)
    st.session_state[SELECTED_BATCH] = batch_ids[0]
    total = sum(len(c) for c in chunks)
    message = (f"Submitted {total} meetings as batch {batch_ids[0]}." if len(batch_ids) == 1 else
               f"Submitted {total} meetings as {len(batch_ids)} batches: {', '.join(batch_ids)}.")
    flash(" ".join([message, *(escape_markdown(n) for n in notes)]))
    st.switch_page(PAGE_BATCHES, query_params={"batch": batch_ids[0]})


who = page_setup("Upload", ":material/upload_file:")
st.title(":material/upload_file: Upload transcripts")
cfg = settings()
generation = st.session_state.setdefault(GENERATION, 0)
tiers = [t.value for t in Tier if who.may_process(t)]
if not tiers:
    st.info(f"Signed in as {escape_markdown(who.describe())}: uploading needs the 'analyst' role "
            "(ordinary meetings) or the 'sensitive' role. Ask an admin.", icon=":material/lock:")
    st.stop()

options = st.columns(3)
with options[0]:
    tier = st.radio("Tier", tiers, key="upload_tier", horizontal=True,
                    format_func=str.capitalize, captions=[TIER_HELP[t] for t in tiers])
with options[1]:
    policy = st.radio("When a meeting with the same title already exists",
                      [p.value for p in DuplicatePolicy], key="upload_policy",
                      format_func=POLICY_LABELS.get, captions=[POLICY_HELP[p.value] for p in DuplicatePolicy])
with options[2]:
    engine = core.engine_info()
    no_economy = engine["economy_unavailable"]
    mode = st.radio("Mode", [m.value for m in BatchMode], key="upload_mode", disabled=bool(no_economy),
                    format_func=str.capitalize, captions=[MODE_HELP[m.value] for m in BatchMode],
                    help=no_economy or None)
    if no_economy:
        st.caption(f":material/info: {escape_markdown(no_economy)}")
if tier == Tier.SENSITIVE.value:
    protection = core.sensitive_tier_info()
    with st.expander("What the sensitive tier detects, and what it does not", icon=":material/shield:"):
        st.markdown("**Replaced by placeholders**\n" +
                    "\n".join(f"- {escape_markdown(line)}" for line in protection["detected"]))
        st.markdown("**Not detected** (check these yourself before uploading)\n" +
                    "\n".join(f"- {escape_markdown(line)}" for line in protection["not_detected"]))
        st.caption(escape_markdown(protection["at_rest"]))

files_tab, paste_tab = st.tabs([":material/folder_open: Files", ":material/content_paste: Paste a transcript"])
with files_tab:
    files = st.file_uploader(
        "Drag and drop transcripts here (.vtt .srt .txt .md .docx .pdf .sbv, speech-to-text .json/.tsv, "
        "or a .zip of them)",
        type=ACCEPTED_TYPES, accept_multiple_files=True, key=f"uploader_{generation}",
        help=SIZE_RULE.format(file=cfg.ingest_max_file_mb, total=cfg.ingest_max_total_mb),
    ) or []
with paste_tab:
    pasted_title = st.text_input("Title of the pasted meeting", key=f"paste_title_{generation}",
                                 placeholder="e.g. Weekly sync 2026-11-29")
    pasted = st.text_area("Transcript (one 'Speaker: text' line per turn, or a pasted .vtt/.srt)",
                          key=f"paste_text_{generation}", height=180)

if not files and not pasted.strip():
    st.info(f"Add files or paste a transcript to see a preview. One batch holds at most "
            f"{cfg.max_meetings} meetings. " + SIZE_RULE.format(file=cfg.ingest_max_file_mb, total=cfg.ingest_max_total_mb),
            icon=":material/info:")
    st.stop()

signature, report = parse_inputs(files, pasted)
overrides = {PASTED_NAME: pasted_title.strip()} if pasted_title.strip() else {}
same_content = guarded(core.content_duplicates, [(p.text, tier) for p in report.parsed])
preview = build_preview(report, tier, cfg.min_transcript_words,
                        duplicate_lookup(report, tier, overrides), overrides, same_content)

st.subheader("Preview")
st.caption("Untick rows to leave them out; titles and each row's tier can be edited (the tier above is "
           "the default). Nothing is processed until you click Process All.")
# Keyed on the upload (and each select all/none): a keyed fixed-row editor keeps its edits when
# values change, so switching the default tier (which re-checks duplicates) keeps what the user set.
choice = st.session_state.get(PREVIEW_CHOICE)
if not choice or choice["signature"] != signature:
    choice = st.session_state[PREVIEW_CHOICE] = {"signature": signature, "round": 0, "include": None, "edits": {}}
editor_key = "preview_" + hashlib.sha1(repr((generation, signature, choice["round"])).encode()).hexdigest()[:12]


def choose_all(include: bool) -> None:
    """Select all / none: keep the title and tier edits made so far, then tick or untick every row."""
    edited_rows = (st.session_state.get(editor_key) or {}).get("edited_rows", {})
    keys = list(preview.frame.index)
    for position, changes in edited_rows.items():
        key = keys[int(position)]
        choice["edits"].setdefault(key, {}).update({k: v for k, v in changes.items() if k != "Include"})
    choice.update(include=include, round=choice["round"] + 1)


picks = st.columns([1, 1, 6])
picks[0].button("Select all", key="select_all", on_click=choose_all, args=(True,), icon=":material/select_all:")
picks[1].button("Select none", key="select_none", on_click=choose_all, args=(False,), icon=":material/deselect:")
edited = st.data_editor(
    with_choices(preview.frame, choice["include"], choice["edits"]), key=editor_key, hide_index=True,
    width="stretch", num_rows="fixed",
    column_order=["Include", "File", "Format", "Check", "Title", "Tier", "Words", "Duration", "Speakers",
                  "Date"],
    disabled=[c for c in preview.frame.columns if c not in ("Include", "Title", "Tier")],
    column_config={
        "Tier": st.column_config.SelectboxColumn("Tier", options=tiers, width="small", required=True),
        "Include": st.column_config.CheckboxColumn("Include", width="small"),
        "File": st.column_config.TextColumn("File", width="medium"),
        "Title": st.column_config.TextColumn("Title (editable)", width="medium", required=True),
        "Check": st.column_config.TextColumn("Check", width="medium"),
        "Words": st.column_config.NumberColumn("Words", format="%d"),
    },
)

selection = selected_meetings(edited, preview.parsed, tier)
count = len(selection.meetings)
chosen_tiers = sorted({m["tier"] for m in selection.meetings}) or [tier]
st.caption(f"{count} of {len(edited)} rows selected · tier **{' + '.join(chosen_tiers)}** · duplicates: "
           f"**{POLICY_LABELS[policy].lower()}**")
for note in selection.notes:
    st.warning(escape_markdown(note), icon=":material/warning:")
estimate_key = "estimate_" + hashlib.sha1(repr([(m["title"], m["tier"], len(m["transcript"]))
                                                for m in selection.meetings]).encode()).hexdigest()[:16]
if estimate_key not in st.session_state:  # numbers only: what the selection would send and cost
    try:
        st.session_state[estimate_key] = estimate_words(selection.meetings, cfg.max_meetings, core.estimate) or None
    except core.BatchError:  # the submit button says what is wrong with the selection
        st.session_state[estimate_key] = None
if st.session_state[estimate_key]:
    words, cost = st.session_state[estimate_key]
    st.caption(f":material/payments: {escape_markdown(words)}")
    if mode == BatchMode.ECONOMY.value:
        st.caption(":material/savings: " + escape_markdown(economy_words(cost, engine["economy_price_factor"])))

st.text_input("Batch name (optional, shown with the batch everywhere)", key="upload_name", max_chars=120,
              placeholder="e.g. Sales team archive 2025")
if st.button(f"Process All ({count})", type="primary", disabled=count == 0, key="process_all"):
    if count > cfg.max_meetings:
        st.session_state[SPLIT_OFFER] = count
    else:
        submit_and_open([selection.meetings], policy, selection.notes, mode)

if st.session_state.get(SPLIT_OFFER) and count > cfg.max_meetings:
    chunks = split_into_batches(selection.meetings, cfg.max_meetings)
    sizes = " + ".join(str(len(c)) for c in chunks)
    st.warning(f"{count} meetings are selected, but one batch holds at most {cfg.max_meetings} "
               f"(BATCH_MAX_MEETINGS). You can submit them as {len(chunks)} batches ({sizes}), "
               f"or untick some rows.", icon=":material/content_cut:")
    if st.button(f"Submit as {len(chunks)} batches", key="submit_split", type="primary"):
        submit_and_open(chunks, policy, selection.notes, mode)
