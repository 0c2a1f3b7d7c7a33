"""A readable terminal summary of a screening result (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from glutefire.result import Finding, ScreeningResult, Status

STATUS_STYLE = {Status.PRESENT: "bold red", Status.ABSENT: "green", Status.NOT_ASSESSABLE: "dim"}


def _value(f: Finding) -> str:
    if f.value is None:
        return "-"
    limit = "" if f.threshold is None else f" (limit {f.threshold:g})"
    return f"{f.value:g} {f.unit}{limit}"


def _print_inputs(result: ScreeningResult, console: Console) -> None:
    """One line per clip, then its notes (legs measured, view changes, warnings)."""
    for clip in result.input:
        extra = " (heels raised)" if clip.heels_elevated else ""
        console.print(
            f"[bold]{escape(clip.path)}[/]: {clip.view} view{extra}, "
            f"{clip.duration_s:.1f} s at {clip.fps:.0f} fps"
        )
        if clip.subject is not None:
            console.print(f"  analysed {escape(clip.subject.reason)}")
        for note in clip.notes:
            style = "yellow" if note.startswith("warning") or "view changed" in note else "dim"
            console.print(f"  [{style}]{escape(note)}[/]", soft_wrap=True)


def print_summary(result: ScreeningResult, console: Console) -> None:
    """Inputs, reps and findings as tables, then the disclaimer."""
    _print_inputs(result, console)
    reps = Table(title="Repetitions", show_lines=False)
    for name in ("clip", "rep", "start s", "bottom s", "end s", "complete"):
        reps.add_column(name, justify="right")
    for r in result.reps:
        reps.add_row(
            str(r.clip),
            str(r.index),
            f"{r.start_s:.2f}",
            f"{r.bottom_s:.2f}",
            f"{r.end_s:.2f}",
            "yes" if r.complete else "partial",
        )
    console.print(reps)
    table = Table(title="Findings (movement patterns, not a diagnosis)")
    for name in ("finding", "status", "side", "measured", "reps", "confidence"):
        table.add_column(name)
    for f in result.findings:
        status = f.status.value.replace("_", " ")
        table.add_row(
            escape(f.title),
            f"[{STATUS_STYLE[f.status]}]{status}[/]",
            f.side,
            _value(f),
            ",".join(map(str, f.reps)) or "-",
            f.confidence_label if f.status is not Status.NOT_ASSESSABLE else "-",
        )
    console.print(table)
    for f in result.findings:
        if f.status is Status.NOT_ASSESSABLE:
            console.print(f"[dim]- {escape(f.title)}: not assessable, {escape(f.reason)}[/]")
        elif f.interpretation:
            console.print(f"[yellow]- {escape(f.title)}: {escape(f.interpretation)}[/]")
    console.print(f"\n[italic]{escape(result.disclaimer)}[/]")
