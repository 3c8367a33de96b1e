"""Rows of results with their targets, printed as plain-text tables."""

from __future__ import annotations

from dataclasses import dataclass

from bench.measure import Timing


@dataclass(frozen=True)
class Target:
    """Either a speed floor (limit time / our time ≥ value) or a time ceiling (ours/limit ≤ value).

    `absolute` targets compare our time in seconds with `value` directly (page renders).
    """

    kind: str  # "speed", "time" or "absolute"
    value: float

    def describe(self) -> str:
        if self.kind == "speed":
            return f"speed ≥ {self.value:g}× raw"
        if self.kind == "time":
            return f"time ≤ {self.value:g}× raw"
        return f"≤ {self.value:g} s"

    def measured(self, timing: Timing) -> float | None:
        if self.kind == "absolute":
            return timing.ours
        if timing.ratio is None:
            return None
        return 1.0 / timing.ratio if self.kind == "speed" else timing.ratio

    def verdict(self, timing: Timing) -> str:
        value = self.measured(timing)
        if value is None:
            return "n/a"
        if self.kind == "speed":
            shortfall = 1 - value / self.value
        else:
            shortfall = value / self.value - 1
        if shortfall <= 0:
            return "met"
        return f"MISSED by {shortfall:.1%}" if shortfall < 0.1 else f"MISSED by {shortfall:.0%}"


@dataclass(frozen=True)
class Row:
    workload: str
    timing: Timing | None
    target: Target | None = None
    note: str = ""
    as_speed: bool = False  # show the ratio as a speed even without a speed target


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1.0:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def _ratio(row: Row) -> str:
    timing = row.timing
    if timing is None or timing.ratio is None:
        return "—"
    if row.as_speed or (row.target is not None and row.target.kind == "speed"):
        return f"{1.0 / timing.ratio:.2f}× (speed)"
    return f"{timing.ratio:.3g}× (time)"


def print_table(title: str, rows: list[Row]) -> None:
    header = ("workload", "ours", "raw limit", "ratio", "target", "verdict", "peak RSS")
    lines = []
    for row in rows:
        timing = row.timing
        peak = "—" if timing is None or timing.peak_mib is None else f"+{timing.peak_mib:.0f} MiB"
        lines.append(
            (
                row.workload,
                _seconds(timing.ours) if timing else "—",
                _seconds(timing.limit) if timing else "—",
                _ratio(row),
                row.target.describe() if row.target else "",
                (row.target.verdict(timing) if row.target and timing else "") or "",
                peak,
            )
        )
    widths = [max(len(str(cells[i])) for cells in [header, *lines]) for i in range(len(header))]
    print(f"\n## {title}\n")
    print("  ".join(name.ljust(width) for name, width in zip(header, widths, strict=True)))
    print("  ".join("-" * width for width in widths))
    for cells, row in zip(lines, rows, strict=True):
        print("  ".join(str(c).ljust(width) for c, width in zip(cells, widths, strict=True)))
        if row.note:
            print(f"    ↳ {row.note}")
