"""Study grids: problems × parameter values × estimators × baselines × sample sizes × repetitions.

A grid is described in a TOML file (read with the standard library's `tomllib`)::

    seed = 0  # optional (default 0)
    ns = [10, 100, 1000]  # sample sizes N
    reps = [200, 1000]  # repetitions per cell (a number or a list)
    estimators = ["score"]  # optional (default ["score"])
    baselines = ["none", "loo"]  # the score estimator's (none, mean, loo, optimal, a number);
    # other estimators run without one
    tolerance_se = 4  # optional: the check's tolerance in standard errors

    [[problems]]
    name = "bandit"  # a core.catalogue.PROBLEMS name
    rewards = [5.0, 10.0]  # fixed constructor arguments
    [problems.grid]
    theta = [-1.0, 0.0, 1.0]  # swept: one setting per value (the product of several)

A problem may set its own ``estimators`` and ``baselines``. A *cell* is one (setting, estimator,
baseline, N, reps): `variance_curve(problem, [N], reps, estimator=, baseline=, seed=seed)`, so
its numbers depend on the cell and the seed alone — not on the order cells run in, nor on where
(in process or on any executor). Its rows, one per parameter, hold the Monte Carlo mean and
variance beside the exact ones and the check of the mean (exact SE, and the exact law of the
counts where there is one: the table's mean_p_value, `core.checks.mean_reference_laws`).

`run_study` writes the table as Parquet and CSV after every finished cell, each through a
temporary file in the same directory and `os.replace`, so the files are never half-written and a
killed run loses at most the cells in flight; a rerun reads the Parquet back and skips every cell
already there (cells are known by `Cell.key`, built from the problem's repr and the settings).
"""

from __future__ import annotations

import io
import itertools
import math
import os
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.catalogue import PROBLEMS
from core.checks import DEFAULT_TOLERANCE_SE, check_agreement
from core.estimators import ESTIMATORS, Baseline
from core.exact import estimate_moments
from core.problem import Problem
from core.variance_studies import variance_curve

GRID_COLUMNS = ["cell", "problem", "setting", "problem_repr"]


@dataclass(frozen=True)
class Cell:
    """One cell of a grid: `reps` repetitions of the n-sample estimate of one problem setting."""

    name: str
    setting: str
    problem: Problem
    estimator: str
    baseline: Baseline
    n: int
    reps: int
    seed: int
    tolerance_se: float

    @property
    def key(self) -> str:
        """What identifies the cell's numbers: the problem value, the choices and the seed."""
        baseline = "none" if self.baseline is None else str(self.baseline)
        return (
            f"{self.problem!r} | {self.estimator} | {baseline} | n={self.n} | reps={self.reps} "
            f"| seed={self.seed}"
        )


def parse_baseline(value: object) -> Baseline:
    """none | mean | loo | optimal | a number (a constant b), as a study or the CLI writes it."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(f"a constant baseline must be finite, got {value}")
        return float(value)
    word = str(value).strip().lower()
    if word == "none":
        return None
    if word in ("mean", "loo", "optimal"):
        return word
    try:
        return parse_baseline(float(word))
    except ValueError:
        raise ValueError(
            f"expected none, mean, loo, optimal or a number (a constant b), got {value!r}"
        ) from None


def _list(spec: Mapping[str, object], key: str, default: object = None) -> list:
    value = spec.get(key, default)
    if value is None:
        raise ValueError(f"the study needs {key} = [...]")
    values = value if isinstance(value, list) else [value]
    if not values:
        raise ValueError(f"{key} must list at least one value")
    return values


def read_grid(path: str | Path) -> list[Cell]:
    """The cells of the study grid in the TOML file at `path`, in grid order (see the module)."""
    with open(path, "rb") as handle:
        spec = tomllib.load(handle)
    return grid_cells(spec)


def grid_cells(spec: Mapping[str, object]) -> list[Cell]:
    """The cells of a study grid given as the parsed TOML mapping, each checked before any work."""
    seed = int(spec.get("seed", 0))
    tolerance = float(spec.get("tolerance_se", DEFAULT_TOLERANCE_SE))
    ns = [int(n) for n in _list(spec, "ns")]
    reps = [int(r) for r in _list(spec, "reps")]
    problems = spec.get("problems")
    if not isinstance(problems, list) or not problems:
        raise ValueError("the study needs at least one [[problems]] table with a name")
    cells = []
    for entry_spec in problems:
        entry_spec = dict(entry_spec)
        name = entry_spec.pop("name", None)
        if name not in PROBLEMS:
            raise ValueError(f"unknown problem {name!r}: choose one of {', '.join(PROBLEMS)}")
        estimators = _list(entry_spec, "estimators", spec.get("estimators", ["score"]))
        baselines = [
            parse_baseline(b)
            for b in _list(entry_spec, "baselines", spec.get("baselines", ["none"]))
        ]
        entry_spec.pop("estimators", None), entry_spec.pop("baselines", None)
        grid = entry_spec.pop("grid", {})
        swept = {key: _list(grid, key) for key in grid}
        for values in itertools.product(*swept.values()):
            chosen = dict(zip(swept, values, strict=True))
            problem = PROBLEMS[name].build(**entry_spec, **chosen)
            setting = ", ".join(f"{key}={value}" for key, value in chosen.items()) or "default"
            for estimator in estimators:
                if estimator not in ESTIMATORS:
                    raise ValueError(
                        f"unknown estimator {estimator!r}: choose one of {', '.join(ESTIMATORS)}"
                    )
                for baseline in baselines if estimator == "score" else [None]:
                    try:  # an estimator the problem cannot take fails here, before any work
                        estimate_moments(problem, min(ns), estimator, baseline)
                    except ValueError as error:
                        raise ValueError(f"{name} ({setting}), {estimator}: {error}") from None
                    for n, r in itertools.product(ns, reps):
                        cells.append(
                            Cell(name, setting, problem, estimator, baseline, n, r, seed, tolerance)
                        )
    return cells


def run_cell(cell: Cell) -> pd.DataFrame:
    """The cell's rows: `variance_curve`'s columns for its one N, the grid's, and the check.
    Module-level so that process pools and Dask workers can pickle it."""
    table = variance_curve(
        cell.problem,
        [cell.n],
        cell.reps,
        estimator=cell.estimator,
        baseline=cell.baseline,
        seed=cell.seed,
    )
    checks = [
        check_agreement(
            row.mean, row.exact_mean, row.mean_exact_standard_error, cell.tolerance_se,
            p_value=row.mean_p_value, law=row.mean_law,
        )
        for row in table.itertuples()
    ]  # fmt: skip
    grid = pd.DataFrame(
        {
            "cell": [cell.key] * len(table),
            "problem": [cell.name] * len(table),
            "setting": [cell.setting] * len(table),
            "problem_repr": [repr(cell.problem)] * len(table),
        }
    )
    check = pd.DataFrame(
        {
            "tolerance_se": [c.tolerance_se for c in checks],
            "distance_se": [c.distance_se for c in checks],
            "passed": [c.passed for c in checks],
        }
    )
    return pd.concat([grid, table, check], axis=1)


def output_paths(output: str | Path) -> tuple[Path, Path]:
    """The Parquet and CSV files of a study written to `output` (a path without suffix)."""
    output = Path(output)
    return output.with_name(output.name + ".parquet"), output.with_name(output.name + ".csv")


def _temporary(path: Path) -> Path:
    """The temporary file `path` is written through: in its directory, named for this process."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _replace_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """write(a temporary file in path's directory), then rename it over `path` in one step."""
    temporary = _temporary(path)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _remove_stale_temporaries(output: str | Path) -> None:
    """Temporary files a killed run left behind (never the files it had already replaced)."""
    for path in output_paths(output):
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            stale.unlink(missing_ok=True)


def write_table(table: pd.DataFrame, output: str | Path) -> None:
    """The study table as `output`.parquet and `output`.csv, each replaced atomically."""
    parquet, csv = output_paths(output)
    _replace_atomically(parquet, lambda path: table.to_parquet(path, index=False))
    _replace_atomically(csv, lambda path: table.to_csv(path, index=False))


def read_table(output: str | Path) -> pd.DataFrame | None:
    """The study table written so far to `output`.parquet, or None before the first cell.

    The file is read in one go: a reader that opened it by name twice (as pyarrow's datasets
    do) could meet a newer file the second time, while a running study replaces it."""
    parquet, _ = output_paths(output)
    try:
        data = parquet.read_bytes()
    except FileNotFoundError:
        return None
    return pd.read_parquet(io.BytesIO(data))


def _in_grid_order(frames: Sequence[pd.DataFrame], cells: Sequence[Cell]) -> pd.DataFrame:
    """Rows ordered by their cell's place in the grid (rows of cells no longer in it last)."""
    table = pd.concat(frames, ignore_index=True)
    order = {cell.key: k for k, cell in enumerate(cells)}
    position = table["cell"].map(order).fillna(len(cells))
    return table.iloc[position.argsort(kind="stable")].reset_index(drop=True)


def run_study(
    cells: Sequence[Cell],
    output: str | Path,
    *,
    executor: Executor | None = None,
    progress: Callable[[int, int, Cell], None] | None = None,
) -> pd.DataFrame:
    """Run every cell not yet in `output`.parquet and return the whole table, rewriting
    `output`.parquet and `output`.csv after each finished cell (see the module).

    Cells run one after another in this process, or all at once on `executor` (a
    ProcessPoolExecutor, a Dask client's ``get_executor()``) — the same numbers either way;
    `progress(done, total, cell)` is called as each cell of this run is written.
    """
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(output)
    existing = read_table(output)
    frames = [] if existing is None else [existing]
    written = set() if existing is None else set(existing["cell"])
    todo = [cell for cell in cells if cell.key not in written]
    for done, (cell, rows) in enumerate(_finished(todo, executor), start=1):
        frames.append(rows)
        write_table(_in_grid_order(frames, cells), output)
        if progress is not None:
            progress(done, len(todo), cell)
    if not frames:
        raise ValueError("the study grid has no cells")
    table = _in_grid_order(frames, cells)
    if not todo:  # nothing new: make sure the CSV matches the Parquet all the same
        write_table(table, output)
    return table


def _finished(
    cells: Sequence[Cell], executor: Executor | None
) -> Iterator[tuple[Cell, pd.DataFrame]]:
    """(cell, rows) as each cell finishes: in order in this process, as they come on `executor`."""
    if executor is None:
        yield from ((cell, run_cell(cell)) for cell in cells)
        return
    futures = {executor.submit(run_cell, cell): cell for cell in cells}
    for future in as_completed(futures):
        yield futures[future], future.result()


# --- reading a table back (the app's study page) ---------------------------------------------


def grid_table(path: str | Path) -> pd.DataFrame:
    """The table of the grid in the TOML file at `path`, computed here without writing files:
    what `python -m core study` writes for it, row for row."""
    cells = read_grid(path)
    return _in_grid_order([run_cell(cell) for cell in cells], cells)


def table_from_bytes(data: bytes, name: str) -> pd.DataFrame:
    """A study table read back from the bytes of its Parquet or CSV file (by `name`'s suffix);
    a ValueError saying what is missing when it is not a study table."""
    if name.lower().endswith(".parquet"):
        try:
            table = pd.read_parquet(io.BytesIO(data))
        except Exception as error:  # pyarrow raises its own kinds for a damaged file
            raise ValueError(f"{name} is not a readable Parquet file: {error}") from None
    else:
        try:
            table = pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
            raise ValueError(f"{name} is not a readable CSV file: {error}") from None
    needed = [*GRID_COLUMNS, "n", "param", "variance", "exact_variance", "reps", "estimator"]
    missing = [column for column in [*needed, "baseline"] if column not in table]
    if missing:
        raise ValueError(
            f"{name} is not a study table from python -m core study: no {', '.join(missing)} column"
        )
    return table


def setting_curves(table: pd.DataFrame, problem_repr: str, reps: int) -> pd.DataFrame:
    """The rows of one problem setting and one reps in a study table, as a `variance_curve`
    table with one curve per (estimator, baseline): `estimator` reads e.g. "score, b = loo"."""
    rows = table[(table["problem_repr"] == problem_repr) & (table["reps"] == reps)]
    label = rows["estimator"].where(
        rows["baseline"].astype(str) == "none",
        rows["estimator"] + ", b = " + rows["baseline"].astype(str),
    )
    return rows.assign(estimator=label).sort_values(["estimator", "param", "n"], kind="stable")
