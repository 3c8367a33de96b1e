"""`python -m core ...`: variance studies and exact-value reports without the browser.

Every subcommand builds a problem from its flags, calls the same `core` function the app
calls, and writes CSV (or a readable table) to stdout or a file. The same arguments and seed
give the same numbers as the app and as a notebook.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import TextIO

import pandas as pd

from core.calls import Call
from core.catalogue import PROBLEMS, Parameter, ProblemEntry
from core.estimators import ESTIMATORS
from core.problem import Problem
from core.study_grid import parse_baseline
from core.variance_studies import log_spaced_sizes

PROG = "python -m core"
TRICK = "∇θ E[f(x)] = E[f(x) ∇θ log p(x|θ)]"

EXAMPLES = f"""\
the maths in one line:
  {TRICK}; the N-sample average of f(x)·∇θ log p(x|θ) is unbiased,
  its variance falls as σ²/N, and a baseline b (f(x) − b) can shrink σ².

examples:
  {PROG} exact bandit
      exact gradient 1.25 at θ = 0 with r(0)=5, r(1)=10; Fisher; variance per estimator/baseline
  {PROG} variance bandit --ns 10 100 1000 --reps 2000 --baseline loo > bandit.csv
      Var[ĝ_N] over 2000 repetitions beside the exact σ²/N, as CSV
  {PROG} variance gaussian --cost step --estimator measure_valued --format table
  {PROG} baselines bandit --n 20 --constant 7.5
      bias and variance of every baseline, Monte Carlo beside exact
  {PROG} groups bandit --group-sizes 2 4 16 64 --thetas 0 1
      none / batch mean / RLOO / GRPO / standardised group estimates, exact beside Monte Carlo
  {PROG} discrete binary --k 4 --tau 0.2 --format table
      score function, RLOO, antithetic, ARM, DisARM, Gumbel-softmax: variance × evaluations
  {PROG} variance gaussian --ns 1000 100000 --workers 2
  {PROG} variance gaussian --ns 1000 100000 --scheduler tcp://127.0.0.1:8786
      the same numbers on 2 local processes, or on a Dask cluster (pip install distributed;
      DASK_SCHEDULER_ADDRESS is read when neither flag is given)
  {PROG} study studies/example.toml --workers 2
      a resumable grid of studies into studies/example.parquet and .csv (rerun to resume)
  {PROG} variance gaussian --help
      the flags of one problem

problems: bandit, softmax, gaussian, policy, episodes (see `{PROG} exact <problem> --help`).
Invalid arguments exit with status 2 and a one-line message.
"""


class _Parser(argparse.ArgumentParser):
    """Bad arguments get one line — what is wrong — not the whole usage block."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' layout and shows every default that is not None."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (
            "%(default)" not in text
            and action.default is not None
            and action.default is not argparse.SUPPRESS
            and action.default is not False
            and action.option_strings
        ):
            text += " (default: %(default)s)"
        return text

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return action.dest.upper()


def _format_default(value: object) -> object:
    """Show list defaults as the user would type them: `5 10`, not `[5.0, 10.0]`."""
    if isinstance(value, list | tuple):
        return _Spaced(value)
    return value


class _Spaced(list):
    def __str__(self) -> str:
        return " ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in self)


class _NumberList(argparse.Action):
    """Collects numbers given as `--ns 10 100 1000` or `--ns 10,100,1000` (or both)."""

    def __init__(self, *args, convert: Callable[[str], float] = float, **kwargs) -> None:
        self.convert = convert
        kwargs.setdefault("nargs", "+")
        super().__init__(*args, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        numbers = []
        for token in values:
            for part in filter(None, token.split(",")):
                try:
                    numbers.append(self.convert(part))
                except (ValueError, OverflowError):
                    kind = "a whole number" if self.convert is _whole_number else "a number"
                    parser.error(f"argument {option_string}: expected {kind}, got {part!r}")
        if not numbers:
            parser.error(f"argument {option_string}: needs at least one value")
        setattr(namespace, self.dest, numbers)


def _whole_number(text: str) -> int:
    """int('1e4') fails; accept 1e4 and 10000.0 as long as they are whole."""
    try:
        return int(text)
    except ValueError:
        value = float(text)
        if not value.is_integer():
            raise ValueError(text) from None
        return int(value)


def _at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number ≥ minimum (sizes and counts ≥ 1, seeds ≥ 0)."""

    def convert(text: str) -> int:
        try:
            value = _whole_number(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be ≥ {minimum}, got {value}")
        return value

    return convert


_positive_int, _seed = _at_least(1), _at_least(0)


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
    return value


def _baseline(text: str) -> float | str | None:
    """none | mean | loo | optimal | a number (a constant b): `core.study_grid.parse_baseline`."""
    try:
        return parse_baseline(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _estimator(text: str) -> str:
    name = text.strip().lower().replace("-", "_")
    if name not in ESTIMATORS:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(ESTIMATORS)}, got {text!r}")
    return name


# --- problems: flags from core.catalogue's registry -------------------------------------------


def _flag(parameter: Parameter) -> str:
    return "--" + parameter.name.replace("_", "-")


def add_problem_flags(parser: argparse.ArgumentParser, entry: ProblemEntry) -> None:
    """One flag per constructor argument of `entry`, typed by its default: a list of numbers
    for a vector, a whole number ≥ 1, one of its choices, or a finite number."""
    for parameter in entry.parameters:
        flag, default = _flag(parameter), parameter.default
        if isinstance(default, tuple):
            parser.add_argument(
                flag,
                action=_NumberList,
                default=_format_default(list(default)),
                metavar="X",
                help=parameter.help,
            )
        elif parameter.choices:
            parser.add_argument(
                flag, choices=parameter.choices, default=default, help=parameter.help
            )
        elif isinstance(default, int) and not isinstance(default, bool):
            parser.add_argument(flag, type=_positive_int, default=default, help=parameter.help)
        else:
            parser.add_argument(flag, type=_finite_float, default=default, help=parameter.help)


def problem_of(args: argparse.Namespace) -> Problem:
    """The problem the flags describe (its ValueError for a bad value passes on)."""
    entry = PROBLEMS[args.problem]
    return entry.build(**{p.name: getattr(args, p.name) for p in entry.parameters})


# --- progress on stderr --------------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr, redrawn in place; silent unless enabled."""

    def __init__(self, label: str, enabled: bool, stream: TextIO | None = None) -> None:
        self.label, self.enabled = label, enabled
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 24
        filled = round(width * done / total)
        elapsed = time.perf_counter() - self.start
        line = f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} · {elapsed:.1f} s"
        self.stream.write(line + ("\n" if done >= total else ""))
        self.stream.flush()

    def note(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"{self.label}: {text}\n")
            self.stream.flush()


def _progress_enabled(args: argparse.Namespace) -> bool:
    if args.progress is not None:
        return args.progress
    return sys.stderr.isatty()


# --- where the work runs --------------------------------------------------------------------

SCHEDULER_VARIABLE = "DASK_SCHEDULER_ADDRESS"
SCHEDULER_TIMEOUT = "10s"  # how long to wait for the scheduler to answer


@contextlib.contextmanager
def executor_of(args: argparse.Namespace, progress: Progress) -> Iterator[Executor | None]:
    """None (this process), a ProcessPoolExecutor of --workers N, or a Dask client's executor
    on --scheduler ADDRESS (else $DASK_SCHEDULER_ADDRESS); closed when the study is done."""
    address = args.scheduler or (None if args.workers else os.environ.get(SCHEDULER_VARIABLE))
    if address:
        try:
            import distributed
        except ImportError:
            raise ValueError(
                f"--scheduler {address} needs Dask's distributed package, an optional extra: "
                "pip install distributed (or run without it: drop --scheduler and unset "
                f"{SCHEDULER_VARIABLE})"
            ) from None
        try:
            client = distributed.Client(address, timeout=SCHEDULER_TIMEOUT)
        except OSError as error:
            raise ValueError(f"cannot reach the Dask scheduler at {address}: {error}") from None
        with client:
            workers = len(client.scheduler_info().get("workers", {}))
            progress.note(f"on the Dask cluster at {address} ({workers} workers)")
            yield client.get_executor()
    elif args.workers:
        progress.note(f"on {args.workers} local worker processes")
        with ProcessPoolExecutor(args.workers) as pool:
            yield pool
    else:
        yield None


# --- subcommands ---------------------------------------------------------------------------


def _write(table: pd.DataFrame, args: argparse.Namespace, text: str | None = None) -> None:
    """CSV (full precision, round-trips) or a readable table, to --output or stdout."""
    if text is None:
        if args.format == "csv":
            text = table.to_csv(index=False)
        else:
            text = table.to_string(index=False, float_format=_number) + "\n"
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


def _print_python(call: Call) -> None:
    """The call as a script that prints its table (the problem written inline)."""
    imports = "\n".join(sorted(call.imports() | {"import core"}))
    sys.stdout.write(f"{imports}\n\ntable = {call.expression(repr(call.problem))}\nprint(table)\n")


def run_variance(args: argparse.Namespace) -> None:
    ns = list(log_spaced_sizes(*args.log_ns)) if args.log_ns else list(args.ns)
    call = Call.of(
        "variance_curve", problem_of(args), ns=ns, reps=args.reps, estimator=args.estimator,
        baseline=args.baseline, seed=args.seed,
    )  # fmt: skip
    if args.python:
        _print_python(call)
        return
    progress = Progress(f"variance {args.problem}", _progress_enabled(args))
    progress.note(f"{args.reps} repetitions × {len(ns)} sizes = {args.reps * sum(ns):,} samples")
    # The sweep is cut into tasks that depend on the study alone, so the rows are the same
    # wherever the tasks run; progress counts tasks as they come back.
    with executor_of(args, progress) as executor:
        table = call.run(executor=executor, progress=progress)
    _write(table, args)


def _run_timed(call: Call, args: argparse.Namespace, what: str) -> None:
    """--python prints the call; otherwise run it with a note of what and how long, and write."""
    if args.python:
        _print_python(call)
        return
    progress = Progress(f"{args.command} {args.problem}", _progress_enabled(args))
    progress.note(what)
    if hasattr(args, "workers"):  # a subcommand with --workers / --scheduler
        with executor_of(args, progress) as executor:
            table = call.run(executor=executor, progress=progress)
    else:
        table = call.run()
    progress.note(f"done in {time.perf_counter() - progress.start:.1f} s")
    _write(table, args)


def run_baselines(args: argparse.Namespace) -> None:
    call = Call.of(
        "baseline_comparison", problem_of(args), n=args.n, reps=args.reps,
        constant=args.constant, seed=args.seed,
    )  # fmt: skip
    _run_timed(call, args, f"{args.reps} repetitions of n = {args.n} per baseline …")


def run_groups(args: argparse.Namespace) -> None:
    from core.group_baselines import GroupSettings

    settings = GroupSettings(
        grpo_ddof=args.grpo_ddof, grpo_epsilon=args.grpo_epsilon, batch_groups=args.batch_groups
    )
    call = Call.of(
        "group_baselines.group_sweep", problem_of(args), group_sizes=tuple(args.group_sizes),
        thetas=tuple(args.thetas), estimators=tuple(args.estimators), reps=args.reps,
        seed=args.seed, settings=settings,
    )  # fmt: skip
    _run_timed(call, args, f"{len(args.group_sizes)} sizes × {len(args.thetas)} θ, exact and MC …")


def run_study(args: argparse.Namespace) -> None:
    from core import study_grid

    try:
        cells = study_grid.read_grid(args.grid)
    except OSError as error:
        raise ValueError(f"cannot read the study grid {args.grid}: {error.strerror}") from None
    output = args.output or str(Path(args.grid).with_suffix(""))
    existing = study_grid.read_table(output)
    written = set() if existing is None else set(existing["cell"])
    todo = sum(cell.key not in written for cell in cells)
    progress = Progress("study", _progress_enabled(args))
    progress.note(
        f"{len(cells)} cells, {len(cells) - todo} already in {output}.parquet, {todo} to run"
    )

    def cell_done(done: int, total: int, cell: study_grid.Cell) -> None:
        progress.note(f"{done}/{total} {time.perf_counter() - progress.start:.1f} s {cell.key}")

    with executor_of(args, progress) as executor:
        table = study_grid.run_study(cells, output, executor=executor, progress=cell_done)
    parquet, csv = study_grid.output_paths(output)
    progress.note(
        f"{len(table)} rows in {parquet} and {csv}; {int(table['passed'].sum())} pass the check"
    )


def run_exact(args: argparse.Namespace) -> None:
    call = Call.of("exact_report", problem_of(args), n=args.n, constant=args.constant)
    if args.python:
        _print_python(call)
        return
    report = call.run()
    text = None if args.format == "csv" else format_exact_report(call.problem, report, args.n)
    _write(report, args, text)


def format_exact_report(problem: Problem, report: pd.DataFrame, n: int | None = None) -> str:
    """The long exact report laid out for reading: one small table per quantity."""

    def values(quantity: str) -> pd.DataFrame:
        return report[report["quantity"] == quantity]

    def by_param(rows: pd.DataFrame) -> str:
        """One line per (estimator, baseline): a number per param, then what the baseline is."""
        table, meanings = [], []
        for (estimator, baseline), group in rows.groupby(["estimator", "baseline"], sort=False):
            line = {"estimator": estimator, "baseline": baseline}
            line.update(zip(group["param"], group["value"].map(_number), strict=True))
            table.append(line)
            note = group["note"].iloc[0]
            if group["value"].isna().all():
                note = "not available: " + note
            meanings.append(note if len(note) <= 100 else note[:99] + "…")
        body = pd.DataFrame(table).to_string(index=False).splitlines()
        return "\n".join(
            f"{line}  {meaning}" for line, meaning in zip(body, ["meaning", *meanings], strict=True)
        )

    lines = [repr(problem), ""]
    lines.append(f"expected value E[f] = {values('expected_value')['value'].iloc[0]:.10g}")
    per_param = pd.DataFrame(
        {
            "exact gradient ∇E[f]": values("exact_gradient")["value"].to_numpy(),
            "optimal baseline b*": values("optimal_baseline")["value"].to_numpy(),
        },
        index=list(problem.params),
    ).T
    lines += ["", per_param.to_string(float_format=_number), ""]
    fisher = values("fisher_information").pivot(index="param", columns="column", values="value")
    fisher = fisher.loc[list(problem.params), list(problem.params)]
    fisher.index.name = fisher.columns.name = None
    lines += ["Fisher information E[s sᵀ]:", fisher.to_string(float_format=_number), ""]
    lines += ["variance of one gradient term (the N-sample estimate has this / N):"]
    lines += [by_param(values("per_sample_variance")), ""]
    if (report["quantity"] == "estimate_variance").any():
        for quantity, what in (("estimate_mean", "mean"), ("estimate_variance", "variance")):
            lines += [f"exact {what} of the n = {n}-sample estimate:"]
            lines += [by_param(values(quantity)), ""]
    return "\n".join(lines)


def _number(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.6g}"


# --- parser --------------------------------------------------------------------------------


def _add_output_flags(parser: argparse.ArgumentParser, default_format: str) -> None:
    parser.add_argument(
        "--format",
        choices=("csv", "table"),
        default=default_format,
        help="csv (full precision, for other tools) or a readable table",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument(
        "--python",
        action="store_true",
        help="print the core call that computes the same numbers, and exit",
    )


def _add_progress_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress on stderr (default: only when stderr is a terminal; never on stdout)",
    )


def _add_executor_flags(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help="run the tasks on N local worker processes (the same numbers as in process)",
    )
    where.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the tasks on the Dask cluster at ADDRESS, e.g. tcp://scheduler:8786 (needs "
        f"pip install distributed; default: ${SCHEDULER_VARIABLE} if set, else in process)",
    )


def _variance_flags(parser: argparse.ArgumentParser) -> None:
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument(
        "--ns",
        action=_NumberList,
        convert=_whole_number,
        default=_format_default([10, 100, 1000, 10000]),
        metavar="N",
        help="sample sizes N (space- or comma-separated)",
    )
    sizes.add_argument(
        "--log-ns",
        nargs=3,
        type=_positive_int,
        metavar=("SMALLEST", "LARGEST", "COUNT"),
        help="instead of --ns: COUNT sizes evenly spaced in log N, as the app's variance page "
        "picks them from its smallest N, largest N and points (core.variance_studies.log_spaced_sizes)",
    )
    parser.add_argument(
        "--reps", type=_positive_int, default=1000, help="independent repetitions per N (≥ 2)"
    )
    parser.add_argument(
        "--estimator",
        type=_estimator,
        default="score",
        help=f"one of {', '.join(ESTIMATORS)}",
    )
    parser.add_argument(
        "--baseline",
        type=_baseline,
        default=None,
        help="score estimator only: none, a number (constant b), mean (batch mean, biased), "
        "loo (leave-one-out) or optimal (b*) (default: none)",
    )
    parser.add_argument(
        "--seed", type=_seed, default=0, help="random seed; same seed, same numbers"
    )
    _add_output_flags(parser, "csv")
    _add_progress_flag(parser)
    _add_executor_flags(parser)


def _baselines_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=_positive_int, default=100, help="samples per estimate N")
    parser.add_argument(
        "--reps", type=_positive_int, default=1000, help="independent repetitions per baseline"
    )
    parser.add_argument(
        "--constant", type=_finite_float, default=None, help="also compare a constant baseline b"
    )
    parser.add_argument(
        "--seed", type=_seed, default=0, help="random seed; same seed, same numbers"
    )
    _add_output_flags(parser, "csv")
    _add_progress_flag(parser)
    _add_executor_flags(parser)


def _group_estimator(text: str) -> str:
    from core.group_baselines import GROUP_ESTIMATORS

    name = text.strip().lower()
    if name not in GROUP_ESTIMATORS:
        raise argparse.ArgumentTypeError(
            f"expected one of {', '.join(GROUP_ESTIMATORS)}, got {text!r}"
        )
    return name


def _groups_flags(parser: argparse.ArgumentParser) -> None:
    from core.group_baselines import GROUP_ESTIMATORS, GroupSettings

    defaults = GroupSettings()
    parser.add_argument(
        "--group-sizes",
        action=_NumberList,
        convert=_whole_number,
        default=_format_default([2, 4, 8, 16, 32, 64]),
        metavar="G",
        help="group sizes G, each 2…64 (space- or comma-separated)",
    )
    parser.add_argument(
        "--thetas",
        action=_NumberList,
        default=_format_default([0.0]),
        metavar="THETA",
        help="values of the first parameter (θ of the bandit, logit_0 of the softmax)",
    )
    parser.add_argument(
        "--estimators",
        nargs="+",
        type=_group_estimator,
        default=_format_default(list(GROUP_ESTIMATORS)),
        metavar="NAME",
        help="none, mean (Dr. GRPO), loo (RLOO), grpo, standardised (over a batch of groups)",
    )
    parser.add_argument(
        "--reps", type=_positive_int, default=2000, help="Monte Carlo group estimates (≥ 2)"
    )
    parser.add_argument(
        "--grpo-ddof",
        type=int,
        choices=(0, 1),
        default=defaults.grpo_ddof,
        help="GRPO std's ddof (TRL: 1)",
    )
    parser.add_argument(
        "--grpo-epsilon",
        type=_finite_float,
        default=defaults.grpo_epsilon,
        help="GRPO's ε (TRL: 1e-4)",
    )
    parser.add_argument(
        "--batch-groups",
        type=_positive_int,
        default=defaults.batch_groups,
        help="groups B in the standardised-returns batch (B·G draws per estimate)",
    )
    parser.add_argument(
        "--seed", type=_seed, default=0, help="random seed; same seed, same numbers"
    )
    _add_output_flags(parser, "csv")
    _add_progress_flag(parser)


def _exact_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--n",
        type=_positive_int,
        default=None,
        help="also give the exact mean and variance of the N-sample estimate, including the "
        "batch-mean and leave-one-out baselines",
    )
    parser.add_argument(
        "--constant", type=_finite_float, default=None, help="also report a constant baseline b"
    )
    _add_output_flags(parser, "table")


SUBCOMMANDS = {
    "variance": (
        "variance study: mean and variance of the N-sample estimate across repetitions",
        "Runs core.variance_curve: for each N, `reps` independent N-sample estimates ĝ_N; their\n"
        "mean and variance beside the exact gradient and the exact Var[ĝ_N] = σ²/N.\n"
        "Each N has its own random stream seeded by (seed, N), so these are the numbers the\n"
        "app's variance page shows for the same settings, and adding a size changes no other.\n"
        "CSV columns: n, param, mean, variance, exact_gradient, exact_variance, exact_mean,\n"
        "mean_standard_error, variance_standard_error, reps, estimator, baseline, then each\n"
        "check (core.checks): mean_/variance_ exact_standard_error, p_value, law.",
        _variance_flags,
        run_variance,
    ),
    "exact": (
        "exact values: E[f], ∇E[f], Fisher information, per-sample variance per estimator",
        "Runs core.exact_report: every exact value the problem knows — no sampling, instant.\n"
        "CSV columns: quantity, estimator, baseline, param, column, value, note.",
        _exact_flags,
        run_exact,
    ),
    "baselines": (
        "baseline comparison: bias and variance under none / constant / mean / loo / optimal",
        "Runs core.baseline_comparison: `reps` N-sample estimates per baseline, Monte Carlo\n"
        "bias and variance beside their exact values and the variance-reduction factor.",
        _baselines_flags,
        run_baselines,
    ),
    "groups": (
        "group baselines: none / batch mean / RLOO / GRPO / standardised over G × θ",
        "Runs core.group_baselines.group_sweep: for each θ and group size G, every group\n"
        "estimate's exact mean, bias, variance, MSE and cosine with ∇J (by enumerating the arm\n"
        "counts' law) beside Monte Carlo with its SE and check. Binary and softmax bandits only.",
        _groups_flags,
        run_groups,
    ),
}

# Subcommands offered for some problems only (the others: every problem).
PROBLEMS_OF = {"groups": ("bandit", "softmax")}


STUDY_DESCRIPTION = """\
Runs a study grid (core.study_grid): every cell — one problem setting, estimator, baseline,
N and reps — is core.variance_curve for that N with the grid's seed, its rows (one per
parameter) Monte Carlo beside exact with the check |mean − exact| ≤ tolerance · SE.
The table is rewritten after each finished cell as PREFIX.parquet and PREFIX.csv, each through
a temporary file and a rename: never half-written, and a killed run loses at most the cells
in flight. Rerun the same command to resume: cells already in PREFIX.parquet are skipped."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Score-Function Lab from the command line: variance studies and exact values "
        "of the score-function (REINFORCE) gradient estimator.",
        epilog=EXAMPLES,
        formatter_class=_HelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command, (summary, description, add_flags, run) in SUBCOMMANDS.items():
        sub = commands.add_parser(
            command,
            help=summary,
            description=f"{description}\n\n{TRICK}",
            epilog=EXAMPLES,
            formatter_class=_HelpFormatter,
        )
        problems = sub.add_subparsers(dest="problem", metavar="PROBLEM", required=True)
        for entry in PROBLEMS.values():
            if entry.name not in PROBLEMS_OF.get(command, PROBLEMS):
                continue
            leaf = problems.add_parser(
                entry.name,
                help=entry.summary,
                description=f"{command} on {entry.name}: {entry.summary}\n\n{description}",
                epilog=EXAMPLES,
                formatter_class=_HelpFormatter,
            )
            add_problem_flags(leaf.add_argument_group(f"{entry.name} problem"), entry)
            add_flags(leaf.add_argument_group(f"{command} options"))
            leaf.set_defaults(run=run, parser=leaf)
    study = commands.add_parser(
        "study",
        help="a study grid from a TOML file, resumable: problems × parameters × estimators × "
        "baselines × N × reps",
        description=STUDY_DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=_HelpFormatter,
    )
    study.add_argument("grid", metavar="FILE.toml", help="the grid (see studies/example.toml)")
    study.add_argument(
        "-o",
        "--output",
        metavar="PREFIX",
        help="write PREFIX.parquet and PREFIX.csv (default: FILE without .toml, beside it)",
    )
    _add_progress_flag(study)
    _add_executor_flags(study)
    study.set_defaults(run=run_study, parser=study)
    add_discrete_command(commands)
    return parser


# --- discrete estimators (core.discrete_estimators): one block ---------------------------------

DISCRETE_PROBLEMS = ("binary", "vector", "toy", "categorical")
DISCRETE_DESCRIPTION = """\
Runs core.discrete_estimators.discrete_comparison: every estimator for a discrete choice —
score function (none, b*, RLOO-k), antithetic pair, antithetic + leave-one-out (biased), ARM,
DisARM, Gumbel-softmax and straight-through (biased), and for K arms the unordered-set
estimator — with its reward evaluations per estimate, exact mean, bias, variance and
variance × evaluations, beside Monte Carlo and the exact SEs of its mean and variance.
Problems: binary (θ, r(0), r(1)), vector (D units at θ, f = (mean(b) − t)²), toy (REBAR/RELAX
E[(b − t)²]), categorical (K arms, logits (θ, 0, …), rewards 1…K). --thetas sweeps θ instead
(core.discrete_estimators.discrete_theta_sweep)."""


def discrete_problem(args: argparse.Namespace) -> Problem:
    """The problem of `python -m core discrete PROBLEM` from its flags."""
    from core.bandits import SoftmaxBandit
    from core.bernoulli_units import BernoulliUnits

    if args.problem == "binary":
        return BernoulliUnits((args.theta,), "linear", (args.r0, args.r1))
    if args.problem == "vector":
        return BernoulliUnits((args.theta,) * args.units, "squared_error", target=args.target)
    if args.problem == "toy":
        return BernoulliUnits((args.theta,), "squared_error", target=args.target)
    if args.arms < 2:
        raise ValueError(f"a categorical choice needs K ≥ 2 arms, got {args.arms}")
    return SoftmaxBandit((args.theta,) + (0.0,) * (args.arms - 1), tuple(range(1, args.arms + 1)))


def run_discrete(args: argparse.Namespace) -> None:
    problem = discrete_problem(args)
    estimators = tuple(args.estimators) if args.estimators else None
    if args.thetas:
        call = Call.of(
            "discrete_estimators.discrete_theta_sweep", problem, tuple(args.thetas), k=args.k,
            temperature=args.tau, n=args.n, seed=args.seed, estimators=estimators,
        )  # fmt: skip
    else:
        call = Call.of(
            "discrete_estimators.discrete_comparison", problem, k=args.k, temperature=args.tau,
            n=args.n, seed=args.seed, estimators=estimators,
        )  # fmt: skip
    _run_timed(call, args, f"{args.n:,} Monte Carlo estimates per estimator …")


def _discrete_flags(parser: argparse.ArgumentParser) -> None:
    from core.bernoulli_units import REBAR_TARGET, RELAX_TARGET

    parser.add_argument("problem", choices=DISCRETE_PROBLEMS, help="which discrete choice")
    parser.add_argument("--theta", type=_finite_float, default=0.0, help="logit θ")
    parser.add_argument("--r0", type=_finite_float, default=5.0, help="binary: reward r(0)")
    parser.add_argument("--r1", type=_finite_float, default=10.0, help="binary: reward r(1)")
    parser.add_argument("--units", type=_positive_int, default=10, help="vector: units D ≤ 10")
    parser.add_argument(
        "--target", type=_finite_float, default=RELAX_TARGET,
        help=f"vector/toy: t in (b − t)² (RELAX {RELAX_TARGET:g}; REBAR {REBAR_TARGET:g})",
    )  # fmt: skip
    parser.add_argument("--arms", type=_positive_int, default=3, help="categorical: K arms")
    parser.add_argument(
        "--k", type=_positive_int, default=2, help="draws for RLOO and the unordered set"
    )
    parser.add_argument("--tau", type=_finite_float, default=0.5, help="temperature τ (> 0)")
    parser.add_argument(
        "--n", type=_positive_int, default=20_000, help="Monte Carlo estimates per estimator"
    )
    parser.add_argument(
        "--estimators", nargs="+", default=None, metavar="NAME",
        help="a subset, e.g. score rloo arm disarm (default: all that apply)",
    )  # fmt: skip
    parser.add_argument(
        "--thetas", action=_NumberList, default=None, metavar="THETA",
        help="sweep θ over these values instead (the n estimates are drawn at each)",
    )  # fmt: skip
    parser.add_argument(
        "--seed", type=_seed, default=0, help="random seed; same seed, same numbers"
    )
    _add_output_flags(parser, "csv")
    _add_progress_flag(parser)


def add_discrete_command(commands) -> None:
    """`discrete PROBLEM [flags]`: the comparison of core.discrete_estimators."""
    sub = commands.add_parser(
        "discrete",
        help="estimators for discrete choices at an equal budget of reward evaluations",
        description=DISCRETE_DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=_HelpFormatter,
    )
    _discrete_flags(sub)
    sub.set_defaults(run=run_discrete, parser=sub)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv`, run the subcommand; 0 on success, 2 with a one-line message on bad input."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except ValueError as error:
        # core speaks to the person in its ValueErrors; a traceback would bury the message.
        args.parser.exit(2, f"{args.parser.prog}: error: {error}\n")
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return 130
    except BrokenPipeError:
        # `... | head` closed the pipe: not an error of ours, and nothing more to say.
        sys.stderr.close()
        return 0
    return 0
