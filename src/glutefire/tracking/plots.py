"""Progress plots a person would rather look at than read (matplotlib, Agg, PNG and SVG).

Each function takes plain values and writes ``<stem>.png`` and ``<stem>.svg`` (or the formats
asked for) and returns the paths. No pyplot state is used, so nothing leaks between calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from glutefire.tracking.adherence import WeekAdherence
from glutefire.tracking.relapse import MetricSeries
from glutefire.tracking.training_log.balance import BalanceReport

FORMATS = ("png", "svg")
DONE_COLOUR = "#2a9d8f"
PLANNED_COLOUR = "#d9d9d9"
PAIN_COLOUR = "#e76f51"
METRIC_COLOUR = "#264653"
HIP_COLOUR = "#2a9d8f"
KNEE_COLOUR = "#e9c46a"


@dataclass(frozen=True)
class PlotSize:
    """Figure size in inches (saved at 120 dpi) and the legend's font size in points."""

    width_in: float
    height_in: float
    legend_pt: float = 8.0


#: Files and the PDF handout: a page-wide figure.
WIDE = PlotSize(6.5, 3.4)
#: Web pages: shown at its own 504 px on a desktop and scaled to about 370 px on a 390 px phone,
#: where 10 pt text stays about 13 px high (a 6.5 in figure's would be 7 px).
COMPACT = PlotSize(4.2, 3.3, legend_pt=7.5)


def _save(fig: Figure, out_dir: Path, stem: str, formats: Sequence[str]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"expected plot formats from {FORMATS}, but got {fmt!r}")
        path = out_dir / f"{stem}.{fmt}"
        fig.savefig(path, format=fmt, dpi=120, bbox_inches="tight")
        paths.append(path)
    return paths


def plot_adherence(
    weeks: Sequence[WeekAdherence],
    out_dir: Path,
    *,
    formats: Sequence[str] = FORMATS,
    size: PlotSize = WIDE,
) -> list[Path]:
    """Bars: sessions done (coloured) in front of sessions planned (grey) per ISO week."""
    compact = size.width_in < WIDE.width_in
    width_in = size.width_in if compact else max(6.0, 0.45 * len(weeks) + 2)
    fig = Figure(figsize=(width_in, size.height_in + (0.2 if not compact else 0.0)))
    ax = fig.add_subplot()
    x = range(len(weeks))
    ax.bar(x, [w.planned for w in weeks], color=PLANNED_COLOUR, label="planned", width=0.8)
    ax.bar(x, [w.done for w in weeks], color=DONE_COLOUR, label="done", width=0.5)
    ax.set_xticks(list(x), [w.iso_week[2:] for w in weeks], rotation=60, fontsize=8)
    ax.set_ylabel("sessions per week")
    ax.set_title("Sessions done vs planned")
    ax.axhline(1, color="#555555", linestyle=":", linewidth=1, label="maintenance dose (1/week)")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if compact:  # no room beside the plot on a phone: the legend goes underneath
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.3),
            ncols=2,
            fontsize=size.legend_pt,
            frameon=False,
        )
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, out_dir, "adherence", formats)


def plot_pain(
    points: Sequence[tuple[dt.date, int]],
    out_dir: Path,
    *,
    formats: Sequence[str] = FORMATS,
    size: PlotSize = WIDE,
) -> list[Path]:
    """Pain 0-10 per logged session, with the pain-monitoring zones (Silbernagel 2007)."""
    fig = Figure(figsize=(size.width_in, size.height_in))
    ax = fig.add_subplot()
    ax.axhspan(0, 3, color="#e9f5db", label="0-3 safe")
    ax.axhspan(3, 5, color="#fff3b0", label="4-5 acceptable")
    ax.axhspan(5, 10, color="#fde2e4", label=">5 too much")
    if points:
        ax.plot(
            [p[0] for p in points],  # type: ignore[arg-type]  # dates: matplotlib converts
            [p[1] for p in points],
            "o-",
            color=PAIN_COLOUR,
        )
    else:
        ax.text(0.5, 0.5, "no pain scores logged yet", transform=ax.transAxes, ha="center")
    ax.set_ylim(0, 10)
    ax.set_ylabel("pain (0-10)")
    ax.set_title("Pain during sessions")
    ax.legend(loc="upper right", fontsize=size.legend_pt, frameon=False)
    fig.autofmt_xdate()
    return _save(fig, out_dir, "pain", formats)


def plot_metric(
    series: MetricSeries,
    out_dir: Path,
    *,
    formats: Sequence[str] = FORMATS,
    size: PlotSize = WIDE,
) -> list[Path]:
    """A measure over screenings; the band is first value +/- SDD (changes inside it are noise)."""
    fig = Figure(figsize=(size.width_in, size.height_in))
    ax = fig.add_subplot()
    unit = f" ({series.unit})" if series.unit else ""
    if series.sdd is not None and series.values:
        first = series.values[0]
        ax.axhspan(
            first - series.sdd,
            first + series.sdd,
            color="#e0e0e0",
            label=f"first screen +/- {series.sdd:g}{unit}: no real change",
        )
    ax.plot(
        series.times,  # type: ignore[arg-type]  # datetimes: matplotlib converts them
        series.values,
        "o-",
        color=METRIC_COLOUR,
        label=series.key,
    )
    ax.set_ylabel(f"{series.label}{unit}")
    ax.set_title(f"{series.label} over screenings", wrap=True)
    ax.legend(loc="best", fontsize=size.legend_pt, frameon=False)
    fig.autofmt_xdate()
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in series.key)
    return _save(fig, out_dir, f"metric_{safe}", formats)


def plot_balance(
    report: BalanceReport, out_dir: Path, *, formats: Sequence[str] = FORMATS
) -> list[Path]:
    """Hip- (glute) next to knee-dominant (quad) working sets per ISO week, as in
    ``glutefire balance``; a week where the knee bar is taller is quad-dominant."""
    fig = Figure(figsize=(max(4.5, 0.6 * len(report.weeks) + 1.5), 3.4))  # readable on a phone
    ax = fig.add_subplot()
    x = range(len(report.weeks))
    ax.bar([i - 0.2 for i in x], [w.hip_sets for w in report.weeks], 0.4, color=HIP_COLOUR,
           label="hip-dominant (glute) sets")  # fmt: skip
    ax.bar([i + 0.2 for i in x], [w.knee_sets for w in report.weeks], 0.4, color=KNEE_COLOUR,
           label="knee-dominant (quad) sets")  # fmt: skip
    labels = [f"W{w.week_start.isocalendar()[1]:02d}" for w in report.weeks]
    ax.set_xticks(list(x), labels, fontsize=9)
    if not report.weeks:
        ax.text(0.5, 0.5, "no imported sets yet", transform=ax.transAxes, ha="center")
    ax.set_ylabel("working sets per week")
    ax.set_title("Glute vs quad work per week")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(y=0.3)  # room for the legend above the bars
    ax.legend(loc="upper center", ncols=2, fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, out_dir, "balance", formats)
