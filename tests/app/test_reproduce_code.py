"""Every "Reproduce in Python" block on every page runs and gives the numbers the page shows.

Each block is printed from the same `core.calls.Call` values the page's cache ran. The test
records what each export hands out (the table behind a chart or a table, and its code), checks
that no code is drawn while its expander is closed, opens every "Reproduce in Python" expander
as a visitor would, and then reads the code the page shows: it runs it in a fresh namespace and
checks that every exported row is among the rows the code computes — exactly, column by
column, as CSV text with full precision. The same run reads every CSV download as a visitor
would, with a bare pandas.read_csv: it is the exported table, and its data dictionary names
every column.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
import streamlit

import ui.exports
from tests.app.page_runner import assert_healthy, open_code_blocks, run_page

CASES = [
    ("pages/1_Bandit_derivation.py", {}),
    ("pages/1_Bandit_derivation.py", {"theta": "1.5", "r0": "-2", "seed": "3", "n": "5000"}),
    ("pages/2_Score_checks.py", {}),
    ("pages/2_Score_checks.py", {"problem": "Gaussian", "sweep": "sigma", "n": "2000"}),
    ("pages/3_Variance_vs_samples.py", {}),
    ("pages/3_Variance_vs_samples.py",
     {"problem": "Gaussian", "est": "all three", "cost": "abs", "reps": "200"}),
    ("pages/4_Baselines.py", {}),
    ("pages/4_Baselines.py", {"problem": "softmax bandit", "ascent_b": "constant b"}),
    ("pages/5_Continuous_and_nondifferentiable.py", {}),
    ("pages/5_Continuous_and_nondifferentiable.py", {"f": "abs(x - 2)**1.5", "n": "1000"}),
    ("pages/6_Trajectories.py", {"reps": "200", "per_T": "500"}),
    ("pages/10_Surrogate_loss.py", {"steps": "10", "runs": "20"}),
    ("pages/10_Surrogate_loss.py", {"problem": "Softmax", "b": "2", "steps": "10", "runs": "20"}),
    ("pages/9_Discrete_estimators.py", {"units": "2", "n": "2000", "theta": "0.8"}),
    ("pages/8_Group_baselines.py", {"reps": "1000", "runs": "5", "steps": "10", "seed": "4"}),
]  # fmt: skip


def rows_as_text(frame: pd.DataFrame, columns: list[str]) -> set[str]:
    """Each row of `frame[columns]` as one line of CSV (floats at full precision, NaN empty)."""
    return set(frame[columns].to_csv(index=False).splitlines()[1:])


def computed_rows(namespace: dict, exported: pd.DataFrame) -> tuple[list[str], set[str]]:
    """The exported columns the code's tables share, and every row those tables hold."""
    frames = [value for value in namespace.values() if isinstance(value, pd.DataFrame)]
    assert frames, "the code block computes no table"
    known = set().union(*(frame.columns for frame in frames))
    columns = [column for column in exported.columns if column in known]
    missing = [c for c in exported.columns if c not in known]
    numeric = exported.select_dtypes("number").columns
    assert not set(missing) & set(numeric), f"the code does not compute {missing}"
    rows = set()
    for frame in frames:
        if set(columns) <= set(frame.columns):
            rows |= rows_as_text(frame, columns)
    return columns, rows


def assert_downloads_load_as_is(downloads: dict[str, str], tables: dict[str, pd.DataFrame]):
    """Each exported table's CSV, read by a bare pandas.read_csv, is that table (numbers to the
    last bit, text as text); its data dictionary lists its columns in order, each explained."""
    assert set(tables) and set(downloads) == set(tables) | {
        ui.exports.dictionary_filename(name) for name in tables
    }
    for filename, table in tables.items():
        table = table.reset_index(drop=True)
        text = downloads[filename]
        assert text.splitlines()[0] == ",".join(table.columns), "one plain header row"
        read = pd.read_csv(io.StringIO(text), float_precision="round_trip")
        assert list(read.columns) == list(table.columns) and len(read) == len(table)
        for column in table.columns:
            expected, got = table[column], read[column]
            if pd.api.types.is_numeric_dtype(expected) and not pd.api.types.is_bool_dtype(expected):
                pd.testing.assert_series_equal(got, expected, check_dtype=False, check_names=False)
            else:
                as_text = expected.map(lambda v: "" if v is None or v != v else str(v))
                assert list(got.fillna("").astype(str)) == list(as_text), column
        dictionary = pd.read_csv(io.StringIO(downloads[ui.exports.dictionary_filename(filename)]))
        assert list(dictionary.columns) == ["column", "meaning"]
        assert list(dictionary["column"]) == list(table.columns)
        assert dictionary["meaning"].str.len().min() > 10


@pytest.mark.parametrize(
    ("script", "query"),
    CASES,
    ids=[
        s.split("/")[1].split("_")[0] + "?" + "&".join(f"{k}={v}" for k, v in q.items())
        for s, q in CASES
    ],
)
def test_every_code_block_runs_and_gives_the_page_s_numbers(
    monkeypatch: pytest.MonkeyPatch, script: str, query: dict[str, str]
) -> None:
    # By filename: the page runs again when its expanders are opened, and exports the same.
    exports: dict[str, tuple[pd.DataFrame, str]] = {}
    tables: dict[str, pd.DataFrame] = {}
    shown = ui.exports.export_results

    def recording(table, filename, code, *args, **kwargs):
        exports[filename] = (table.copy(), code)
        tables[filename] = table.copy()
        shown(table, filename, code, *args, **kwargs)

    downloads: dict[str, str] = {}
    download_button = streamlit.download_button

    def recording_download(label, data, *args, file_name=None, **kwargs):
        downloads[file_name] = data
        return download_button(label, data, *args, file_name=file_name, **kwargs)

    monkeypatch.setattr(ui.exports, "export_results", recording)
    monkeypatch.setattr(streamlit, "download_button", recording_download)
    app = run_page(script, query)
    assert_healthy(app)
    codes = [code for _, code in exports.values()]
    assert codes and not [e for e in app.code if e.value in codes], "code drawn while closed"
    open_code_blocks(app)
    assert_healthy(app)
    assert_downloads_load_as_is(downloads, tables)
    blocks = [element.value for element in app.code]
    codes = [code for _, code in exports.values()]
    assert blocks and [b for b in blocks if b in codes] == codes, "every export shows its code"
    # Other blocks are labelled snippets of what people write (e.g. PyTorch), never core code.
    assert all("core" not in b for b in blocks if b not in codes), "a typed block uses core"
    for table, code in exports.values():
        namespace: dict[str, object] = {}
        exec(compile(code, "<reproduce in Python>", "exec"), namespace)
        columns, rows = computed_rows(namespace, table)
        exported = rows_as_text(table, columns)
        assert exported <= rows, (
            f"{len(exported - rows)} exported rows differ from the code's:\n{code}"
        )


def test_code_is_drawn_only_while_its_expander_is_open_and_stays_open_across_reruns():
    app = run_page("pages/1_Bandit_derivation.py")
    assert_healthy(app)
    boxes = [box for box in app.expander if box.label == "Reproduce in Python"]
    keys = [key for key in app.session_state if key.startswith(ui.exports.CODE_KEY_PREFIX)]
    assert len(boxes) >= 2 and len(keys) == len(boxes)
    assert not any(box.code for box in boxes), "code drawn inside a closed expander"
    assert not app.code, "no code block on the page while every expander is closed"

    first = keys[0]
    app.session_state[ui.exports.remembered_key(first)] = True  # the visitor opens one
    app.run()
    boxes = [box for box in app.expander if box.label == "Reproduce in Python"]
    shown = [box.code[0].value for box in boxes if box.code]
    assert len(shown) == 1 and "import core" in shown[0], "the opened expander shows its code"
    assert app.code[0].language == "python"

    app.slider(key="theta").set_value(0.5).run()  # another control: the page reruns
    assert app.session_state[first] is True, "the expander stays open"
    opened = [box.code[0].value for box in app.expander if box.code]
    assert len(opened) == 1 and opened[0] != shown[0] and "theta=0.5" in opened[0]

    app.session_state[ui.exports.remembered_key(first)] = False  # closed again
    app.run()
    assert not app.code
