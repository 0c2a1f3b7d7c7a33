"""The printable client handout: plain-words findings, plan with doses and safety text, progress;
HTML and PDF from the same template, any Latin/Greek/Cyrillic name printed as written."""

from __future__ import annotations

import io
import re

import pypdf
from tests.conftest import sample_plan

from glutefire.reports.handout import (
    Handout,
    plain_finding,
    plain_findings,
    render_html,
    render_pdf,
)
from glutefire.result import Finding, FindingCode, Status, parse_result
from results import make_finding, make_screening


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _finding(status: str, **extra) -> Finding:
    fields = {
        "side": "none",
        "value": 4.0 if status != "not_assessable" else None,
        "threshold": 10.0,
        "unit": "deg",
        "reason": "needs a front view; this clip is a side view",
        **extra,
    }
    return make_finding(
        FindingCode.KNEES_CAVE_IN,
        Status(status),
        confidence=0.8 if status != "not_assessable" else 0.0,
        **fields,
    )


def test_the_pattern_sentence_is_only_under_a_seen_finding():
    pattern = "The knees moved towards the midline."
    seen = plain_finding(_finding("present", side="left", value=14.0), pattern)
    absent = plain_finding(_finding("absent"), pattern)
    unchecked = plain_finding(_finding("not_assessable"), pattern)
    assert seen.verdict == "Seen" and pattern in seen.sentence and "On the left" in seen.sentence
    assert absent.verdict == "Not seen" and pattern not in absent.sentence
    assert unchecked.verdict == "Not checked" and pattern not in unchecked.sentence
    assert unchecked.sentence == "Needs a front view; this clip is a side view."
    assert "not_assessable" not in str([seen, absent, unchecked])


def test_real_result_findings_have_no_raw_ids(screened_front):
    result, _ = screened_front
    words = plain_findings(parse_result(result))
    assert {f.verdict for f in words} <= {"Seen", "Not seen", "Not checked"}
    text = " ".join(f"{f.title} {f.verdict} {f.sentence}" for f in words)
    assert "not_assessable" not in text and "knees_cave_in" not in text


def _handout(name: str) -> Handout:
    from glutefire.programming.library import load_library
    from glutefire.programming.plan import Plan

    raw = sample_plan()
    for phase in raw["phases"]:
        for session in phase["sessions"]:
            for x in session["exercises"]:
                x.update(
                    reps=12 if x["reps"] == "12-15" else x["reps"],
                    pattern="hip_dominant",
                    minutes=3.0,
                    cues=["Drive through the heels."],
                    why=[],
                    cautions=["Hamstring cramping is common; shorten the range."],
                    regressions=["glute_bridge"],
                    progressions=["single_leg_glute_bridge"],
                )
    for key, value in {
        "created_on": "2026-11-01",
        "red_flags": [],
        "advice": [],
        "dropped": [],
        "explanations": [],
        "progression_rules": [
            {
                "id": "pain",
                "when": "pain during an exercise is 4-5/10",
                "then": "keep the same dose",
                "source": "Silbernagel 2007",
            }
        ],
        "expected_results": [],
        "not_checked": [],
        "balance": {"hip_dominant_sets": 1, "knee_dominant_sets": 1},
    }.items():
        raw[key] = value
    return Handout(
        client_name=name,
        generated_on="2026-12-01",
        screened_on="2026-11-02",
        findings=[plain_finding(_finding("present", value=14.0), "The knees moved inward.")],
        plan=Plan.model_validate(raw),
        exercise_names={e.id: e.name for e in load_library().exercises},
    )


def test_html_and_pdf_carry_doses_cues_cautions_and_pain_rules():
    handout = _handout("Zoë Łukasz Ярослава")
    html = " ".join(re.sub(r"<[^>]+>", "", render_html(handout)).split())
    text = pdf_text(render_pdf(handout))
    for shown in (html, text):
        assert "Zoë Łukasz Ярослава" in shown
        assert "2 x 12 reps" in shown and "Drive through the heels." in shown
        assert "Hamstring cramping is common" in shown
        assert "Easier (Glute Bridge): Glute bridge" in shown
        assert "Harder (Glute Bridge): Single-leg glute bridge" in shown
        assert "pain during an exercise is 4-5/10" in shown
        assert "Knees cave in: Seen." in shown
    assert "?" not in text.split("handout:")[1][:30]


def test_keyframes_of_both_screenings_are_shown_side_by_side():
    import datetime as dt

    import cv2
    import numpy as np

    from glutefire.reports.client_pdf import (
        PreviousScreening,
        ReportContent,
        render_html_fragment,
        render_pdf,
    )
    from glutefire.reports.explained import StoredScreening

    def png(value: int) -> bytes:
        return cv2.imencode(".png", np.full((40, 60, 3), value, np.uint8))[1].tobytes()

    result = make_screening(findings=[_finding("present", side="left", value=14.0)])
    content = ReportContent(
        client_name="Ana",
        generated_on="2026-12-24",
        screening=StoredScreening(1, dt.datetime(2026, 12, 24), result),
        keyframes={"knees_cave_in": png(200), "heel_rise": png(100)},
        previous=PreviousScreening(dt.datetime(2026, 11, 2), {"knees_cave_in": png(50)}),
    )
    html = render_html_fragment(content)
    assert "Then and now" in html
    assert "<b>Knees cave in</b>: before (2026-11-02), then now (2026-12-24)" in html
    assert html.count("<img") == 2 + 2  # two latest keyframes + one pair
    assert "Then and now" in pdf_text(render_pdf(content))
