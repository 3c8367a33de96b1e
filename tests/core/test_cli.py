"""`python -m core`: help that teaches, the app's numbers as CSV, and one-line errors on bad input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import core
from core.cli import PROBLEMS, PROBLEMS_OF, SUBCOMMANDS, main
from core.group_baselines import group_sweep
from core.reports import exact_report

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m core ...` in a fresh interpreter, as a user runs it (`env`: extra variables)."""
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=None if env is None else {**os.environ, **env},
    )


def run_in_process(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """main(args) in this process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_csv(text: str) -> pd.DataFrame:
    # pandas ≥ 3 parses floats round-trip: the CSV carries full precision, so numbers come back exactly.
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


# --- help --------------------------------------------------------------------------------------


def test_help_teaches_the_trick_and_shows_runnable_examples() -> None:
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for text in (
        "∇θ E[f(x)] = E[f(x) ∇θ log p(x|θ)]",
        "examples:",
        "variance",
        "exact",
        "baselines",
    ):
        assert text in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("command", "problem"),
    [(c, p) for c in sorted(SUBCOMMANDS) for p in sorted(PROBLEMS_OF.get(c, PROBLEMS))],
)
def test_every_problem_help_lists_its_flags_with_defaults(
    capsys: pytest.CaptureFixture, command: str, problem: str
) -> None:
    code, out, _ = run_in_process(capsys, command, problem, "--help")
    assert code == 0
    assert f"{problem} problem:" in out and f"{command} options:" in out
    assert "(default:" in out
    assert PROBLEMS[problem].summary.split(";")[0] in " ".join(out.split())


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
def test_every_constructor_argument_in_the_registry_is_a_flag_with_its_default(
    capsys: pytest.CaptureFixture, problem: str
) -> None:
    code, out, _ = run_in_process(capsys, "exact", problem, "--help")
    assert code == 0
    text = " ".join(out.split())
    for parameter in PROBLEMS[problem].parameters:
        flag = "--" + parameter.name.replace("_", "-")
        assert flag in text, flag
        assert " ".join(parameter.help.split()) in text, flag
        if parameter.default is not None:
            default = parameter.default
            shown = " ".join(f"{v:g}" for v in default) if isinstance(default, tuple) else default
            assert f"(default: {shown})" in text, flag


# --- the variance study ------------------------------------------------------------------------


def test_variance_csv_equals_core_variance_curve_for_the_same_arguments() -> None:
    result = run_cli(
        "variance", "bandit", "--theta", "0.5", "--rewards", "5", "10",
        "--ns", "10,100", "1000", "--reps", "300", "--baseline", "loo", "--seed", "7",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "no progress on stderr unless it is a terminal or --progress"
    from_cli = read_csv(result.stdout)
    expected = core.variance_curve(
        core.Bandit(theta=0.5, rewards=(5.0, 10.0)), [10, 100, 1000], 300, baseline="loo", seed=7
    )
    pd.testing.assert_frame_equal(from_cli, expected, check_exact=True)


def test_each_variance_row_is_variance_curve_with_the_size_s_own_seed(
    capsys: pytest.CaptureFixture,
) -> None:
    """Each CLI row is variance_curve's row for that N alone (seeded by (seed, N)): the app's variance-page numbers."""
    code, out, _ = run_in_process(
        capsys, "variance", "gaussian", "--mu", "0.3", "--sigma", "2", "--cost", "cos",
        "--ns", "5", "50", "--reps", "200", "--estimator", "measure-valued", "--seed", "3",
    )  # fmt: skip
    assert code == 0
    from_cli = read_csv(out)
    problem = core.Gaussian(mu=0.3, sigma=2.0, cost="cos")
    for n in (5, 50):
        curve = core.variance_curve(
            problem,
            [n],
            200,
            estimator="measure_valued",
            seed=3,
        )
        rows = from_cli[from_cli["n"] == n].reset_index(drop=True)[curve.columns]
        pd.testing.assert_frame_equal(rows, curve, check_exact=True)


def test_log_spaced_sizes_are_the_variance_page_s_choice_of_n(
    capsys: pytest.CaptureFixture,
) -> None:
    code, out, _ = run_in_process(
        capsys, "variance", "bandit", "--log-ns", "10", "1000", "7", "--reps", "50"
    )
    assert code == 0
    sizes = core.variance_studies.log_spaced_sizes(10, 1000, 7)
    assert read_csv(out)["n"].tolist() == list(sizes)
    expected = core.variance_curve(core.Bandit(), list(sizes), 50)
    pd.testing.assert_frame_equal(read_csv(out), expected, check_exact=True)


def test_variance_with_a_constant_baseline_and_table_format(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_in_process(
        capsys, "variance", "softmax", "--logits", "0", "1", "-1", "--rewards", "1", "2", "3",
        "--ns", "20", "--reps", "100", "--baseline", "2.5", "--format", "table",
    )  # fmt: skip
    assert code == 0
    expected = core.variance_curve(
        core.SoftmaxBandit((0.0, 1.0, -1.0), (1.0, 2.0, 3.0)), [20], 100, baseline=2.5
    )
    lines = out.splitlines()
    assert lines[0].split() == list(expected.columns)
    assert len(lines) == 1 + len(expected)  # header + one line per (n, param)
    assert [line.split()[1] for line in lines[1:]] == ["logit_0", "logit_1", "logit_2"]


def test_progress_goes_to_stderr_and_leaves_the_csv_untouched(
    capsys: pytest.CaptureFixture,
) -> None:
    args = ("variance", "bandit", "--ns", "10", "20", "30", "--reps", "50")
    quiet = run_in_process(capsys, *args, "--no-progress")
    loud = run_in_process(capsys, *args, "--progress")
    assert quiet[0] == loud[0] == 0
    assert quiet[1] == loud[1]
    assert quiet[2] == ""
    assert "3/3" in loud[2] and "#" in loud[2]


def test_output_file_gets_the_csv_and_stdout_stays_empty(
    capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    target = tmp_path / "study.csv"
    code, out, _ = run_in_process(
        capsys, "variance", "policy", "--ns", "8", "--reps", "40", "-o", str(target)
    )
    assert code == 0 and out == ""
    expected = core.variance_curve(core.LinearGaussianPolicy(), [8], 40)
    pd.testing.assert_frame_equal(read_csv(target.read_text()), expected, check_exact=True)


@pytest.mark.parametrize(
    ("args", "function"),
    [
        (("variance", "episodes", "--horizon", "4", "--ns", "6", "--reps", "30", "--baseline", "mean"), "variance_curve"),
        (("baselines", "bandit", "--n", "12", "--reps", "40", "--constant", "7.5"), "baseline_comparison"),
        (("exact", "gaussian", "--cost", "abs", "--k", "0.5", "--n", "10"), "exact_report"),
        (("groups", "softmax", "--group-sizes", "2,5", "--thetas", "0", "1.5", "--reps", "50", "--grpo-epsilon", "0"), "group_sweep"),
    ],
)  # fmt: skip
def test_python_flag_prints_code_that_computes_the_same_numbers(
    capsys: pytest.CaptureFixture, args: tuple[str, ...], function: str
) -> None:
    code, printed, _ = run_in_process(capsys, *args, "--python")
    assert code == 0 and f"{function}(" in printed
    namespace: dict[str, object] = {}
    exec(compile(printed.replace("print(table)", ""), "<cli --python>", "exec"), namespace)
    code, out, _ = run_in_process(capsys, *args, "--format", "csv")
    assert code == 0
    table = namespace["table"]
    assert isinstance(table, pd.DataFrame)
    pd.testing.assert_frame_equal(
        read_csv(out), read_csv(table.to_csv(index=False)), check_exact=True
    )


def test_groups_csv_equals_core_group_sweep_and_its_checks_pass(
    capsys: pytest.CaptureFixture,
) -> None:
    code, out, _ = run_in_process(
        capsys, "groups", "bandit", "--group-sizes", "2", "4", "--thetas", "0,1", "--reps", "400"
    )
    assert code == 0
    table = read_csv(out)
    expected = group_sweep(core.Bandit(), (2, 4), (0.0, 1.0), reps=400)
    pd.testing.assert_frame_equal(table, read_csv(expected.to_csv(index=False)), check_exact=True)
    assert len(table) == 2 * 2 * 5 and table.mean_passed.all()
    at_defaults = table[(table.theta == 0) & (table.group_size == 4)].set_index("estimator")
    assert at_defaults.loc["mean", "exact_mean"] == pytest.approx(0.9375)
    assert at_defaults.loc["loo", "exact_mean"] == pytest.approx(1.25)


def test_baselines_csv_equals_core_baseline_comparison(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_in_process(
        capsys, "baselines", "bandit", "--theta", "-1", "--n", "16", "--reps", "120",
        "--constant", "6", "--seed", "11",
    )  # fmt: skip
    assert code == 0
    expected = core.baseline_comparison(core.Bandit(theta=-1.0), 16, 120, constant=6.0, seed=11)
    pd.testing.assert_frame_equal(
        read_csv(out), read_csv(expected.to_csv(index=False)), check_exact=True
    )
    optimal = read_csv(out).query("baseline == 'optimal b*'")
    assert optimal["variance"].abs().max() < 1e-24  # the binary bandit's zero-variance baseline


# --- where the work runs: in process, local processes, a Dask cluster -------------------------

SWEEPS = {
    # the largest size is split into several tasks, so their order on the way back matters
    "variance": ("variance", "gaussian", "--cost", "cos", "--ns", "10", "300000", "--reps", "30"),
    "baselines": ("baselines", "episodes", "--n", "12", "--reps", "200", "--constant", "1"),
}


@pytest.mark.parametrize("sweep", SWEEPS)
def test_a_sweep_writes_the_same_csv_on_workers_and_on_a_cluster_as_in_process(
    sweep: str, dask_client
) -> None:
    address = dask_client.scheduler.address
    args = (*SWEEPS[sweep], "--seed", "5")
    in_process = run_cli(*args)
    assert in_process.returncode == 0, in_process.stderr
    for where, env in [
        (("--workers", "2"), None),
        (("--scheduler", address), None),
        ((), {"DASK_SCHEDULER_ADDRESS": address}),
    ]:
        result = run_cli(*args, *where, "--progress", env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout == in_process.stdout, where or env
        assert "worker" in result.stderr  # it says where the work ran


def test_progress_on_a_cluster_counts_tasks_as_they_finish(dask_client) -> None:
    result = run_cli(
        *SWEEPS["variance"], "--scheduler", dask_client.scheduler.address, "--progress"
    )
    assert f"on the Dask cluster at {dask_client.scheduler.address} (2 workers)" in result.stderr
    counts = [part.split()[0] for part in result.stderr.split("] ")[1:]]
    total = counts[-1].split("/")[1]
    assert int(total) > 2
    assert counts == [f"{done}/{total}" for done in range(1, int(total) + 1)]


def test_scheduler_without_distributed_installed_says_how_to_install_it(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed → ImportError
    code, out, err = run_in_process(
        capsys, "variance", "bandit", "--reps", "10", "--scheduler", "tcp://127.0.0.1:1"
    )
    assert code == 2 and out == ""
    assert "pip install distributed" in err and err.count("\n") == 1


def test_an_unreachable_scheduler_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr("core.cli.SCHEDULER_TIMEOUT", "1s")
    code, _, err = run_in_process(
        capsys, "variance", "bandit", "--reps", "10", "--scheduler", "tcp://127.0.0.1:9"
    )
    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err and "Traceback" not in err


# --- the exact report --------------------------------------------------------------------------

PROBLEM_CASES = {
    "bandit": (("--theta", "0.7", "--rewards", "2", "-3"), core.Bandit(0.7, (2.0, -3.0))),
    "softmax": (
        ("--logits", "0.5", "0", "-1", "2", "--rewards", "1", "0", "4", "2"),
        core.SoftmaxBandit((0.5, 0.0, -1.0, 2.0), (1.0, 0.0, 4.0, 2.0)),
    ),
    "gaussian": (
        ("--mu", "0.4", "--sigma", "1.5", "--cost", "step", "--k", "0.2"),
        core.Gaussian(0.4, 1.5, "step", 0.2),
    ),
    "policy": (
        ("--weights", "0.2", "-0.1", "0.3", "--target", "1", "0", "-1", "--sigma", "0.5"),
        core.LinearGaussianPolicy((0.2, -0.1, 0.3), (1.0, 0.0, -1.0), 0.5),
    ),
    "episodes": (
        ("--horizon", "4", "--theta", "0.3", "-0.2", "--state-rewards", "0", "1",
         "--credit", "reward_to_go"),
        core.Episodes(4, (0.3, -0.2), (0.0, 1.0), "reward_to_go"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PROBLEM_CASES))
def test_exact_report_numbers_are_core_s_exact_values(
    capsys: pytest.CaptureFixture, name: str
) -> None:
    flags, problem = PROBLEM_CASES[name]
    code, out, _ = run_in_process(capsys, "exact", name, *flags, "--format", "csv", "--n", "7")
    assert code == 0
    report = read_csv(out)
    params = list(problem.params)

    def values(quantity: str, **match: str) -> np.ndarray:
        rows = report[report["quantity"] == quantity]
        for column, value in match.items():
            rows = rows[rows[column] == value]
        return rows.set_index("param").loc[params, "value"].to_numpy()

    expected_value = report.loc[report["quantity"] == "expected_value", "value"]
    assert expected_value.tolist() == [problem.expected_value()]
    np.testing.assert_array_equal(values("exact_gradient"), problem.exact_gradient())
    np.testing.assert_array_equal(values("optimal_baseline"), problem.optimal_baseline())
    fisher = report[report["quantity"] == "fisher_information"].pivot(
        index="param", columns="column", values="value"
    )
    np.testing.assert_array_equal(fisher.loc[params, params], problem.fisher_information())
    for baseline, core_baseline in (("none", None), ("mean", "mean"), ("optimal", "optimal")):
        np.testing.assert_array_equal(
            values("per_sample_variance", estimator="score", baseline=baseline),
            core.per_sample_variance(problem, "score", core_baseline),
        )
    for baseline, core_baseline in (("none", None), ("loo", "loo"), ("mean", "mean")):
        mean, variance = core.estimate_moments(problem, 7, "score", core_baseline)
        np.testing.assert_array_equal(
            values("estimate_mean", estimator="score", baseline=baseline), mean
        )
        np.testing.assert_array_equal(
            values("estimate_variance", estimator="score", baseline=baseline), variance
        )


def test_exact_report_says_why_an_estimator_does_not_apply() -> None:
    report = exact_report(core.Gaussian(cost="step"))
    pathwise = report[
        (report["quantity"] == "per_sample_variance") & (report["estimator"] == "pathwise")
    ]
    assert pathwise["value"].isna().all()
    assert pathwise["note"].str.contains("not differentiable").all()
    measure_valued = report[
        (report["quantity"] == "per_sample_variance") & (report["estimator"] == "measure_valued")
    ]
    np.testing.assert_array_equal(
        measure_valued["value"],
        core.per_sample_variance(core.Gaussian(cost="step"), "measure_valued"),
    )


def test_exact_table_shows_the_bandit_worked_example(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_in_process(capsys, "exact", "bandit")
    assert code == 0
    assert "expected value E[f] = 7.5" in out
    gradient_line = next(line for line in out.splitlines() if line.startswith("exact gradient"))
    assert gradient_line.split()[-1] == "1.25"  # 5 σ(0)(1 − σ(0))
    optimal_line = next(
        line for line in out.splitlines() if line.split()[:2] == ["score", "optimal"]
    )
    assert optimal_line.split()[2] == "0"  # zero variance with b*


# --- bad input ---------------------------------------------------------------------------------

BAD_ARGUMENTS = [
    (("variance", "gaussian", "--sigma", "-1"), "sigma must be > 0"),
    (("variance", "bandit", "--reps", "0"), "--reps"),
    (("variance", "bandit", "--reps", "1"), "reps must be ≥ 2"),
    (("variance", "bandit", "--ns", "10,x"), "--ns"),
    (("variance", "bandit", "--ns", "2.5"), "whole number"),
    (("variance", "bandit", "--baseline", "median"), "--baseline"),
    (("variance", "bandit", "--estimator", "magic"), "--estimator"),
    (("variance", "bandit", "--estimator", "pathwise"), "pathwise gradient is not available"),
    (("variance", "gaussian", "--cost", "step", "--estimator", "pathwise"), "not differentiable"),
    (("variance", "bandit", "--estimator", "pathwise", "--baseline", "loo"), "baselines apply"),
    (("variance", "bandit", "--baseline", "loo", "--ns", "1"), "leave-one-out"),
    (("variance", "bandit", "--rewards", "1", "2", "3"), "rewards must have 2 entries"),
    (("variance", "bandit", "--theta", "nan"), "finite"),
    (("variance", "bandit", "--seed", "-4"), "--seed"),
    (("variance", "episodes", "--horizon", "40"), "horizon must be between 1 and 12"),
    (("variance", "policy", "--weights", "1", "2", "3"), "target must have 3 entries"),
    (("variance", "softmax", "--logits", "1"), "at least 2 arms"),
    (("variance", "gaussian", "--cost", "cubic"), "--cost"),
    (("exact", "bandit", "--n", "-3"), "--n"),
    (("exact", "unicorn"), "invalid choice"),
    (("groups", "gaussian"), "invalid choice"),
    (("groups", "bandit", "--group-sizes", "65"), "group_size must be a whole number from 2 to 64"),
    (("groups", "bandit", "--estimators", "ppo"), "--estimators"),
    (("baselines", "bandit", "--constant", "inf"), "finite"),
    (("variance", "bandit", "--log-ns", "100", "10", "3"), "largest (10) must be ≥ smallest (100)"),
    (("variance", "bandit", "--ns", "5", "--log-ns", "1", "10", "2"), "not allowed with"),
    ((), "required"),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD_ARGUMENTS, ids=[" ".join(a) for a, _ in BAD_ARGUMENTS]
)
def test_invalid_arguments_exit_2_with_one_clear_line(
    capsys: pytest.CaptureFixture, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run_in_process(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, f"expected one line, got:\n{err}"
    assert err.startswith("python -m core") and "error: " in err
    assert message in err
    assert "Traceback" not in err


def test_a_core_error_in_a_real_process_prints_no_traceback() -> None:
    result = run_cli("variance", "gaussian", "--sigma", "0")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "python -m core variance gaussian: error: sigma must be > 0, got 0.0\n"
