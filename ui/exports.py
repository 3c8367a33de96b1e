"""Results leave the app: the table behind a chart as CSV, and the core calls that made it."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def export_results(
    table: pd.DataFrame, filename: str, code: str, columns_note: str = "", key: str | None = None
) -> None:
    """A CSV download of `table` (tidy, one row per observation) and a 'reproduce in Python' block.

    `columns_note` says what each column means and its units; it is shown beside the button and
    written as `#` comment lines at the top of the CSV so the file explains itself.
    """
    header = "".join(f"# {line}\n" for line in columns_note.splitlines() if line.strip())
    left, right = st.columns([1, 2])
    with left:
        st.download_button(
            f"Download {filename}",
            header + table.to_csv(index=False),
            file_name=filename,
            mime="text/csv",
            key=key or f"download-{filename}",
        )
        if columns_note:
            st.caption(columns_note)
    with right, st.expander("Reproduce in Python"):
        st.code(code, language="python")
