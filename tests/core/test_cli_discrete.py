"""`python -m core discrete`: the comparison of core.discrete_estimators as CSV, its --python
code and a one-line error on bad input."""

from __future__ import annotations

import pandas as pd
import pytest

import core
from core.discrete_estimators import discrete_comparison, discrete_theta_sweep
from tests.core.test_cli import read_csv
from tests.core.test_cli import run_in_process as run


def test_discrete_csv_equals_core_discrete_comparison(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "discrete", "binary", "--theta", "0.5", "--n", "500", "--k", "3")
    assert code == 0
    problem = core.BernoulliUnits((0.5,), "linear", (5.0, 10.0))
    expected = discrete_comparison(problem, k=3, n=500)
    pd.testing.assert_frame_equal(
        read_csv(out), read_csv(expected.to_csv(index=False)), check_exact=True
    )
    table = read_csv(out).set_index("estimator")
    assert table.loc["arm", "evaluations"] == 2 and table.loc["rloo", "evaluations"] == 3
    assert bool(table.loc["antithetic_loo", "biased"])


def test_discrete_sweeps_theta_and_reads_every_problem(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(
        capsys, "discrete", "toy", "--thetas=-1,0,1", "--n", "200", "--target", "0.45",
        "--estimators", "score", "disarm",
    )  # fmt: skip
    assert code == 0
    toy = core.BernoulliUnits((0.0,), "squared_error", target=0.45)
    expected = discrete_theta_sweep(toy, (-1.0, 0.0, 1.0), n=200, estimators=("score", "disarm"))
    pd.testing.assert_frame_equal(
        read_csv(out), read_csv(expected.to_csv(index=False)), check_exact=True
    )
    for problem, count in (("vector", 3 * 9), ("categorical", 6 * 4)):  # K = 4: with the GS
        code, out, _ = run(capsys, "discrete", problem, "--units", "3", "--arms", "4", "--n", "100")
        assert code == 0 and len(read_csv(out)) == count


def test_discrete_python_flag_prints_the_call(capsys: pytest.CaptureFixture) -> None:
    code, printed, _ = run(capsys, "discrete", "vector", "--units", "2", "--python")
    assert code == 0
    assert "discrete_comparison(core.BernoulliUnits(theta=(0.0, 0.0)" in printed
    namespace: dict[str, object] = {}
    exec(compile(printed.replace("print(table)", ""), "<cli --python>", "exec"), namespace)
    assert len(namespace["table"]) == 2 * 9


def test_discrete_bad_input_is_one_line_with_exit_status_2(capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(capsys, "discrete", "binary", "--tau", "0")
    assert code == 2 and "temperature τ" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "discrete", "vector", "--units", "11")
    assert code == 2 and "units D must be 1…10" in err
    code, _, err = run(capsys, "discrete", "binary", "--estimators", "unordered_set")
    assert code == 2 and "does not apply" in err
