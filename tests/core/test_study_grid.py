"""Study grids: the example grid runs, every cell is variance_curve with the grid's seed, the
same table wherever the cells run, and a run killed mid-way resumes to the uninterrupted table
without computing any written cell again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import core
from core import study_grid
from core.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "studies" / "example.toml"

SMALL = {
    "ns": [10, 200_000],  # the large N is split into several tasks inside its cell
    "reps": [30],
    "baselines": ["none", "loo"],
    "problems": [
        {"name": "bandit", "grid": {"theta": [0.0, 1.0]}},
        {"name": "gaussian", "estimators": ["score", "pathwise"], "grid": {"cost": ["cos"]}},
        {"name": "episodes", "horizon": 3, "theta": [0.2, -0.4], "state_rewards": [0.0, 1.0]},
    ],
}


def test_the_example_grid_writes_one_checked_row_per_cell_and_parameter(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    output = tmp_path / "example"
    assert main(["study", str(EXAMPLE), "-o", str(output), "--no-progress"]) == 0
    cells = study_grid.read_grid(EXAMPLE)
    table = pd.read_parquet(output.with_suffix(".parquet"))
    assert len(cells) == 105
    assert len(table) == sum(cell.problem.dim for cell in cells) == 201
    assert list(table["cell"].unique()) == [cell.key for cell in cells]
    assert table["passed"].all()
    csv = pd.read_csv(output.with_suffix(".csv"), keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(csv, table, check_dtype=False, check_exact=True)
    # every cell is variance_curve for its one N with the grid's seed
    cell = cells[40]
    rows = table[table["cell"] == cell.key].reset_index(drop=True)
    expected = core.variance_curve(
        cell.problem, [cell.n], cell.reps, estimator=cell.estimator, baseline=cell.baseline
    )
    pd.testing.assert_frame_equal(rows[expected.columns], expected, check_exact=True)


def test_a_finished_study_reruns_nothing_and_leaves_its_files_unchanged(tmp_path: Path) -> None:
    cells, output = study_grid.grid_cells(SMALL), tmp_path / "small"
    first = study_grid.run_study(cells, output)
    before = output.with_suffix(".csv").read_bytes()
    ran = []
    again = study_grid.run_study(cells, output, progress=lambda *call: ran.append(call))
    assert ran == []
    pd.testing.assert_frame_equal(again, first)
    assert output.with_suffix(".csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.csv", "small.parquet"]


def test_a_grid_gives_the_same_table_on_processes_and_on_the_cluster(
    tmp_path: Path, dask_client
) -> None:
    from concurrent.futures import ProcessPoolExecutor

    cells = study_grid.grid_cells(SMALL)
    in_process = study_grid.run_study(cells, tmp_path / "here")
    with ProcessPoolExecutor(2) as pool:
        processes = study_grid.run_study(cells, tmp_path / "pool", executor=pool)
    cluster = study_grid.run_study(cells, tmp_path / "dask", executor=dask_client.get_executor())
    pd.testing.assert_frame_equal(processes, in_process, check_exact=True)
    pd.testing.assert_frame_equal(cluster, in_process, check_exact=True)
    for name in ("pool", "dask"):
        assert (tmp_path / f"{name}.csv").read_bytes() == (tmp_path / "here.csv").read_bytes()


SLOW_GRID = """\
ns = [6000]
reps = 100
estimators = ["score", "measure_valued"]
[[problems]]
name = "gaussian"
cost = "cos"
[problems.grid]
mu = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4]
"""


def _computed_keys(stderr: str) -> list[str]:
    """The cells a run computed, from its --progress lines `study: done/total T s KEY`."""
    return [
        line.split(" s ", 1)[1]
        for line in stderr.splitlines()
        if line.startswith("study: ") and "/" in line.split()[1] and " s " in line
    ]


def test_a_study_killed_mid_run_resumes_to_the_uninterrupted_table(tmp_path: Path) -> None:
    grid = tmp_path / "slow.toml"
    grid.write_text(SLOW_GRID, encoding="utf-8")
    cells = study_grid.read_grid(grid)
    output = tmp_path / "slow"
    command = [sys.executable, "-m", "core", "study", str(grid), "--progress"]
    run = subprocess.Popen(command, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        partial = study_grid.read_table(output)
        if partial is not None and partial["cell"].nunique() >= 3:
            break
        time.sleep(0.005)
    assert run.poll() is None, "the study finished before it could be killed: make it slower"
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=30)
    killed = set(study_grid.read_table(output)["cell"])  # a whole table, never half-written
    assert 3 <= len(killed) < len(cells)

    rerun = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    computed = _computed_keys(rerun.stderr)
    assert f"{len(cells)} cells, {len(killed)} already in" in rerun.stderr
    assert not killed & set(computed), "a cell written before the kill was computed again"
    assert sorted(killed | set(computed)) == sorted(cell.key for cell in cells)
    assert len(computed) == len(set(computed))

    study_grid.run_study(cells, tmp_path / "uninterrupted")
    pd.testing.assert_frame_equal(
        pd.read_parquet(output.with_suffix(".parquet")),
        pd.read_parquet(tmp_path / "uninterrupted.parquet"),
        check_exact=True,
    )
    assert output.with_suffix(".csv").read_bytes() == (tmp_path / "uninterrupted.csv").read_bytes()
    assert not list(tmp_path.glob(".*.tmp")), "the rerun cleared the killed run's temporary files"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"ns": [10], "reps": 5, "problems": [{"name": "coin"}]}, "unknown problem 'coin'"),
        ({"ns": [10], "reps": 5}, "at least one [[problems]]"),
        ({"reps": 5, "problems": [{"name": "bandit"}]}, "the study needs ns"),
        (
            {"ns": [10], "reps": 5, "estimators": ["pathwise"], "problems": [{"name": "bandit"}]},
            "bandit (default), pathwise:",
        ),
        (
            {"ns": [1], "reps": 5, "baselines": ["loo"], "problems": [{"name": "bandit"}]},
            "leave-one-out",
        ),
        ({"ns": [10], "reps": 5, "baselines": ["mode"], "problems": [{"name": "bandit"}]}, "mode"),
    ],
)
def test_a_bad_grid_is_refused_before_any_work_with_what_is_wrong(spec, message) -> None:
    with pytest.raises(ValueError) as error:
        study_grid.grid_cells(spec)
    assert message in str(error.value)


def test_the_study_command_says_what_is_wrong_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('ns = [10]\nreps = 5\n[[problems]]\nname = "coin"\n', encoding="utf-8")
    for path, message in [(bad, "unknown problem 'coin'"), (tmp_path / "none.toml", "cannot read")]:
        with pytest.raises(SystemExit) as exit_:
            main(["study", str(path)])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


def test_a_study_table_reads_back_from_its_parquet_and_its_csv_bytes(tmp_path: Path) -> None:
    cells, output = study_grid.grid_cells(SMALL), tmp_path / "small"
    table = study_grid.run_study(cells, output)
    for suffix in (".parquet", ".csv"):
        path = output.with_suffix(suffix)
        back = study_grid.table_from_bytes(path.read_bytes(), path.name)
        pd.testing.assert_frame_equal(back, table, check_dtype=False, check_exact=True)


def test_grid_table_computes_what_the_study_command_writes(tmp_path: Path) -> None:
    grid = tmp_path / "small.toml"
    grid.write_text(
        'ns = [10, 100]\nreps = 20\nbaselines = ["none", "loo"]\n'
        '[[problems]]\nname = "bandit"\n[problems.grid]\ntheta = [0.0, 1.0]\n',
        encoding="utf-8",
    )
    written = study_grid.run_study(study_grid.read_grid(grid), tmp_path / "small")
    pd.testing.assert_frame_equal(study_grid.grid_table(grid), written, check_exact=True)


def test_setting_curves_are_one_variance_curve_per_estimator_and_baseline() -> None:
    table = pd.concat([study_grid.run_cell(cell) for cell in study_grid.grid_cells(SMALL)])
    bandit = repr(core.Bandit(theta=0.0))
    curves = study_grid.setting_curves(table, bandit, 30)
    assert sorted(curves["estimator"].unique()) == ["score", "score, b = loo"]
    assert curves.groupby("estimator")["n"].apply(list).tolist() == [[10, 200_000]] * 2
    plain = curves[curves["estimator"] == "score"].reset_index(drop=True)
    expected = core.variance_curve(core.Bandit(theta=0.0), [10, 200_000], 30)
    pd.testing.assert_frame_equal(plain[expected.columns], expected, check_exact=True)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"a,b\n1,2\n", "other.csv", "not a study table from python -m core study: no cell"),
        (b"\x00\x01garbage", "broken.parquet", "not a readable Parquet file"),
        (b"", "empty.csv", "not a readable CSV file"),
    ],
)
def test_a_file_that_is_not_a_study_table_is_refused_with_what_is_wrong(data, name, message):
    with pytest.raises(ValueError, match=message):
        study_grid.table_from_bytes(data, name)
