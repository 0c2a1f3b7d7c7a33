"""The evaluation table as rows of text (for the terminal) and as Markdown (for docs)."""

from __future__ import annotations

from collections.abc import Sequence

from glutefire.evaluation.run import ClipEvaluation, EvaluationSummary

HEADER = (
    "clip",
    "view (label)",
    "complete reps (label)",
    "bottoms matched",
    "reps exact",
    "findings agree",
    "problem",
)


def _counts(values: Sequence[int]) -> str:
    return " or ".join(str(v) for v in values)


def clip_row(e: ClipEvaluation) -> tuple[str, ...]:
    """One clip as the cells of :data:`HEADER`."""
    view = f"{e.view_found or '-'} ({'/'.join(e.views_expected)})"
    reps = f"{'-' if e.reps_found is None else e.reps_found} ({_counts(e.reps_expected)})"
    bottoms = f"{e.bottoms_matched}/{e.bottoms_labelled}" if e.bottoms_labelled else "-"
    findings = f"{e.findings_agree}/{e.findings_labelled}" if e.findings_labelled else "-"
    problem = ("CRASH " if e.crashed else "") + e.error
    if e.error and e.reps_exact:
        problem = f"expected error: {e.error}"
    if not problem and e.disagreements:
        problem = "; ".join(e.disagreements)
    return (e.id, view, reps, bottoms, "yes" if e.reps_exact else "NO", findings, problem)


def summary_line(s: EvaluationSummary) -> str:
    """One sentence with the totals."""
    findings = (
        "no findings labelled"
        if s.findings_fraction is None
        else f"findings agree {s.findings_agree}/{s.findings_labelled} "
        f"({100 * s.findings_fraction:.0f} %)"
    )
    return (
        f"complete reps exact {s.reps_exact}/{s.n_clips} "
        f"({100 * s.reps_exact_fraction:.0f} %), view agrees {s.view_agree}/{s.n_clips}, "
        f"{findings}, crashes {s.crashes}, stopped with an error {s.errors}"
    )


def markdown_table(results: Sequence[ClipEvaluation], summary: EvaluationSummary) -> str:
    """The per-clip table and the totals as Markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for e in results:
        cells = [c.replace("|", "/") for c in clip_row(e)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Overall: {summary_line(summary)}."]
    return "\n".join(lines) + "\n"
