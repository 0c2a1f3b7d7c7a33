"""The printable client handout: one Jinja2 template rendered as HTML (print from the browser)
and, through fpdf2's HTML renderer with a shipped Unicode font (DejaVu Sans), as PDF.

Contents: the findings in plain words (seen / not seen / not checked, never the "pattern seen"
sentence under a finding that was not seen, no raw ids), the plan with doses, cues, cautions,
easier and harder versions and the pain rules, and progress (re-screen comparisons, alerts,
plots). Takes typed values (the screening result model, the plan) and returns text or bytes;
no files are read except the packaged template and fonts.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import jinja2
from fpdf import FPDF

from glutefire.datafiles import packaged_file
from glutefire.programming.plan import Plan, PlanExercise
from glutefire.programming.render import dose_text
from glutefire.reports.citations import cite_in_words
from glutefire.reports.explained import explained_findings
from glutefire.result import DISCLAIMER, Finding, ScreeningResult, Status

VERDICT_WORDS = {
    Status.PRESENT: "Seen",
    Status.ABSENT: "Not seen",
    Status.NOT_ASSESSABLE: "Not checked",
}
SIDE_WORDS = {"left": "on the left", "right": "on the right", "both": "on both sides"}
FONT = "dejavu"


@dataclass(frozen=True)
class PlainFinding:
    """One finding for a client: title, verdict in words, one plain sentence, the measure."""

    title: str
    verdict: str
    sentence: str
    measured: str


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    before: str
    now: str
    verdict: str


@dataclass(frozen=True)
class KeyframePair:
    """The same finding's keyframe in the previous and the latest screening, side by side."""

    title: str
    before_on: str
    before_png: bytes
    now_on: str
    now_png: bytes


@dataclass
class Handout:
    client_name: str
    generated_on: str
    screened_on: str | None = None
    findings: Sequence[PlainFinding] = ()
    keyframes: Sequence[tuple[str, bytes]] = ()
    keyframe_pairs: Sequence[KeyframePair] = ()
    plan: Plan | None = None
    exercise_names: Mapping[str, str] = field(default_factory=dict)
    comparisons: Sequence[ComparisonRow] = ()
    alerts: Sequence[str] = ()
    advice: Sequence[str] = ()
    plots: Sequence[tuple[str, bytes]] = ()
    credits: Sequence[str] = ()


def _measured(finding: Finding) -> str:
    value, unit, limit = finding.value, finding.unit, finding.threshold
    if value is None:
        return ""
    text = f"measured {value:.1f} {unit}".rstrip()
    return text + (f" (limit {limit:g} {unit})".rstrip() if limit is not None else "")


def plain_finding(finding: Finding, plain_sentence: str) -> PlainFinding:
    """A stored finding in plain words. Only a seen finding gets the pattern's sentence."""
    status = finding.status
    side = SIDE_WORDS.get(finding.side, "")
    if status is Status.PRESENT:
        sentence = f"{plain_sentence} {side.capitalize()}." if side else plain_sentence
    elif status is Status.ABSENT:
        sentence = "This pattern was not seen in the clip."
    else:
        reason = cite_in_words(finding.reason) or "it could not be measured in this clip"
        sentence = reason.rstrip(".")[:1].upper() + reason.rstrip(".")[1:] + "."
    return PlainFinding(
        finding.title,
        VERDICT_WORDS[status],
        sentence.strip(),
        _measured(finding) if status is not Status.NOT_ASSESSABLE else "",
    )


def plain_findings(result: ScreeningResult) -> list[PlainFinding]:
    """Every finding of a result in plain words: seen first, then not seen, not checked."""
    return [plain_finding(f, f.plain) for f in explained_findings(result)]


def _names(ids: Sequence[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(i, i.replace("_", " ")) for i in ids)


def _environment() -> jinja2.Environment:
    folder = packaged_file("templates", package="glutefire.reports")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["dose"] = lambda x: dose_text(x) if isinstance(x, PlanExercise) else ""
    env.filters["b64"] = lambda png: "data:image/png;base64," + base64.b64encode(png).decode()
    return env


def render_html(handout: Handout, *, for_pdf: bool = False) -> str:
    """The handout as an HTML page (``for_pdf``: the body only, in fpdf2's HTML subset)."""
    template = _environment().get_template("handout.html.j2")
    return template.render(
        h=handout,
        for_pdf=for_pdf,
        disclaimer=DISCLAIMER,
        names=lambda ids: _names(ids, handout.exercise_names),
    )


class _Doc(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.cell(0, 8, f"glutefire client handout - page {self.page_no()}", align="C")


def render_pdf(handout: Handout) -> bytes:
    """The same handout as PDF bytes (DejaVu Sans: Latin, Greek and Cyrillic names print)."""
    fonts = packaged_file("fonts", package="glutefire.reports")
    pdf = _Doc(format="A4")
    for style, file in (
        ("", "DejaVuSans.ttf"),
        ("B", "DejaVuSans-Bold.ttf"),
        ("I", "DejaVuSans.ttf"),
        ("BI", "DejaVuSans-Bold.ttf"),
    ):
        pdf.add_font(FONT, style, str(fonts / file))  # no oblique file shipped
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    pdf.write_html(render_html(handout, for_pdf=True), font_family=FONT)
    return bytes(pdf.output())
