"""The printable client handout: one Jinja2 template rendered as HTML (print from the browser)
and, through fpdf2's HTML renderer with a shipped Unicode font (DejaVu Sans), as PDF.

Contents: the findings in plain words (seen / not seen / not checked, never the "pattern seen"
sentence under a finding that was not seen, no raw ids), the plan with doses, cues, cautions,
easier and harder versions and the pain rules, and progress (re-screen comparisons, alerts,
plots). Takes plain values and returns text or bytes; no files are read except the packaged
template and fonts.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import jinja2
from fpdf import FPDF

from glutefire.programming.plan import Plan, PlanExercise
from glutefire.programming.render import dose_text
from glutefire.reports.result import DISCLAIMER

VERDICT_WORDS = {"present": "Seen", "absent": "Not seen", "not_assessable": "Not checked"}
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


def _measured(finding: Mapping[str, Any]) -> str:
    value, unit, limit = finding.get("value"), finding.get("unit") or "", finding.get("threshold")
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    text = f"measured {value:.1f} {unit}".rstrip()
    return text + (f" (limit {limit:g} {unit})".rstrip() if isinstance(limit, int | float) else "")


def plain_finding(finding: Mapping[str, Any], plain_sentence: str) -> PlainFinding:
    """A stored finding in plain words. Only a seen finding gets the pattern's sentence."""
    status = str(finding.get("status"))
    title = str(finding.get("title") or str(finding.get("code", "")).replace("_", " ").title())
    side = SIDE_WORDS.get(str(finding.get("side")), "")
    if status == "present":
        sentence = f"{plain_sentence} {side.capitalize()}." if side else plain_sentence
    elif status == "absent":
        sentence = "This pattern was not seen in the clip."
    else:
        reason = str(finding.get("reason") or "it could not be measured in this clip")
        sentence = reason.rstrip(".")[:1].upper() + reason.rstrip(".")[1:] + "."
    return PlainFinding(title, VERDICT_WORDS.get(status, status), sentence.strip(), _measured(
        finding) if status != "not_assessable" else "")


def plain_findings(result: Mapping[str, Any]) -> list[PlainFinding]:
    """Every finding of a stored result in plain words: seen first, then not seen, not checked."""
    from glutefire.screening.rules import load_rules

    sentences = {rule.code: rule.plain for rule in load_rules()}
    order = {"present": 0, "absent": 1, "not_assessable": 2}
    findings = sorted(result.get("findings", []), key=lambda f: order.get(f.get("status"), 3))
    return [plain_finding(f, sentences.get(str(f.get("code")), "")) for f in findings]


def _names(ids: Sequence[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(i, i.replace("_", " ")) for i in ids)


def _environment() -> jinja2.Environment:
    folder = resources.files("glutefire.reports").joinpath("templates")
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
        h=handout, for_pdf=for_pdf, disclaimer=DISCLAIMER,
        names=lambda ids: _names(ids, handout.exercise_names),
    )


class _Doc(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.cell(0, 8, f"glutefire client handout - page {self.page_no()}", align="C")


def render_pdf(handout: Handout) -> bytes:
    """The same handout as PDF bytes (DejaVu Sans: Latin, Greek and Cyrillic names print)."""
    fonts = resources.files("glutefire.reports").joinpath("fonts")
    pdf = _Doc(format="A4")
    for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"),
                        ("I", "DejaVuSans.ttf"), ("BI", "DejaVuSans-Bold.ttf")):
        pdf.add_font(FONT, style, str(fonts.joinpath(file)))  # no oblique file shipped
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    pdf.write_html(render_html(handout, for_pdf=True), font_family=FONT)
    return bytes(pdf.output())
