"""One client's report as PDF (fpdf2, core fonts): findings, keyframes, plan, progress plots.

Takes typed values (screening result, plan model, PNG bytes) and returns the PDF bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fpdf import FPDF

from glutefire.programming.plan import Plan
from glutefire.programming.render import dose_text
from glutefire.reports.explained import ExplainedFinding, StoredScreening
from glutefire.result import DISCLAIMER

_REPLACE = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
            "\u201d": '"', "\u2265": ">=", "\u2264": "<=", "\u00b0": " deg", "\u2026": "..."}


def _latin1(text: Any) -> str:
    """Core PDF fonts are Latin-1: map common typography, replace anything else with '?'."""
    out = str(text)
    for a, b in _REPLACE.items():
        out = out.replace(a, b)
    return out.encode("latin-1", "replace").decode("latin-1")


@dataclass
class ReportContent:
    client_name: str
    generated_on: str
    screening: StoredScreening | None = None
    findings: Sequence[ExplainedFinding] = ()
    keyframes: Mapping[str, bytes] = field(default_factory=dict)
    plan: Plan | None = None
    plots: Mapping[str, bytes] = field(default_factory=dict)
    alerts: Sequence[str] = ()
    credits: Sequence[str] = ()


class _Doc(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("helvetica", "I", 7)
        self.cell(0, 8, _latin1(f"glutefire screening aid - page {self.page_no()}"), align="C")


def _heading(pdf: FPDF, text: str, size: int = 14) -> None:
    pdf.set_font("helvetica", "B", size)
    pdf.multi_cell(0, 8, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)


def _para(pdf: FPDF, text: str, size: int = 10) -> None:
    pdf.set_font("helvetica", "", size)
    pdf.multi_cell(0, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")


def _image(pdf: FPDF, png: bytes, width_mm: float = 150) -> None:
    pdf.image(io.BytesIO(png), w=width_mm)
    pdf.ln(2)


def _findings(pdf: FPDF, content: ReportContent) -> None:
    _heading(pdf, "Screening findings")
    if content.screening is None:
        _para(pdf, "No screening recorded yet.")
        return
    _para(pdf, f"Screened on {content.screening.recorded_at:%Y-%m-%d}, view "
               f"{content.screening.result.view}.")
    for f in content.findings:
        value = f" ({f.value} {f.unit}, threshold {f.threshold})" if f.value is not None else ""
        _para(pdf, f"- {f.title}: {f.status.value}{value}. {f.plain}")
    for code, png in content.keyframes.items():
        _para(pdf, f"Keyframe: {code}", 9)
        _image(pdf, png, 120)


def _plan(pdf: FPDF, plan: Plan | None) -> None:
    _heading(pdf, "Plan")
    if plan is None:
        _para(pdf, "No plan yet.")
        return
    if plan.stopped:
        _para(pdf, "Program stopped: " + "; ".join(plan.red_flags))
        return
    _para(pdf, f"{plan.weeks} weeks from {plan.start_date}, {plan.sessions_per_week} sessions a "
               f"week, up to {plan.minutes_per_session} min. Reassess on {plan.reassess_on}.")
    for phase in plan.phases:
        _heading(pdf, f"Weeks {phase.week_from}-{phase.week_to}: {phase.name}", 11)
        for session in phase.sessions:
            _para(pdf, f"Session {session.label} (about {session.minutes} min)", 10)
            for x in session.exercises:
                _para(pdf, f"   - {x.name}: {dose_text(x)}, {x.load}", 9)


def render_pdf(content: ReportContent) -> bytes:
    """The whole report as PDF bytes."""
    pdf = _Doc(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    _heading(pdf, f"glutefire report: {content.client_name}", 16)
    _para(pdf, f"Generated {content.generated_on}.", 9)
    _para(pdf, DISCLAIMER, 8)
    pdf.ln(3)
    _findings(pdf, content)
    _plan(pdf, content.plan)
    _heading(pdf, "Progress")
    for text in content.alerts:
        _para(pdf, f"Alert: {text}")
    for png in content.plots.values():
        _image(pdf, png, 160)
    for line in content.credits:
        _para(pdf, line, 7)
    return bytes(pdf.output())
