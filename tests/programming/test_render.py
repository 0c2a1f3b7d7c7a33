"""Plan output: the JSON contract's field names, Markdown and terminal rendering."""

from __future__ import annotations

import io
import json
import re

from rich.console import Console

from glutefire.programming.builder import build_plan
from glutefire.programming.questionnaire import parse_answers
from glutefire.programming.render import plan_to_json, plan_to_markdown, print_plan
from glutefire.result import parse_result

from .conftest import options

TOP = {
    "schema_version",
    "mode",
    "stopped",
    "red_flags",
    "advice",
    "created_on",
    "start_date",
    "reassess_on",
    "sessions_per_week",
    "minutes_per_session",
    "weeks",
    "phases",
    "dropped",
    "explanations",
    "balance",
    "progression_rules",
    "expected_results",
    "not_checked",
}
EXERCISE = {
    "exercise_id",
    "name",
    "phase",
    "sets",
    "reps",
    "hold_s",
    "tempo",
    "load",
    "rest_s",
    "minutes",
    "side",
    "cues",
    "why",
}


def _plan(data, raw_answers, screen_result=None):
    result = parse_result(screen_result) if screen_result else None
    return build_plan(
        answers=parse_answers(raw_answers), findings=result, options=options(), data=data
    )


def test_json_has_the_contract_fields(data, raw_answers, screen_result):
    doc = json.loads(plan_to_json(_plan(data, raw_answers, screen_result)))
    assert TOP <= set(doc)
    assert doc["schema_version"] == 1 and doc["mode"] == "corrective" and doc["stopped"] is False
    phase = doc["phases"][0]
    assert {"name", "week_from", "week_to", "sessions"} <= set(phase)
    session = phase["sessions"][0]
    assert {"label", "minutes", "exercises"} <= set(session)
    assert EXERCISE <= set(session["exercises"][0])
    assert set(doc["balance"]) == {"hip_dominant_sets", "knee_dominant_sets"}
    assert {"because", "so", "source"} <= set(doc["explanations"][0])
    assert {"exercise_id", "reason"} <= set(doc["dropped"][0])
    assert doc["start_date"] == "2026-12-01"


def test_stopped_plan_json(data, raw_answers):
    raw_answers["red_flags"]["recent_trauma"] = True
    doc = json.loads(plan_to_json(_plan(data, raw_answers)))
    assert doc["stopped"] is True and doc["phases"] == [] and doc["red_flags"]
    assert TOP <= set(doc)


def test_markdown_lists_sessions_and_reasons(data, raw_answers, screen_result):
    text = plan_to_markdown(_plan(data, raw_answers, screen_result))
    assert "## Weeks 1-2: activation" in text
    assert "### Session A" in text and "| Glute bridge (activate) |" in text
    assert "## Why these exercises" in text and "## What to expect" in text
    assert "not a diagnosis" in text


def test_terminal_output(data, raw_answers):
    buffer = io.StringIO()
    print_plan(_plan(data, raw_answers), Console(file=buffer, width=120))
    out = buffer.getvalue()
    assert "Weeks 1-2: activation" in out and "Glute bridge" in out


def test_stopped_terminal_output(data, raw_answers):
    raw_answers["red_flags"]["leg_weakness"] = True
    buffer = io.StringIO()
    print_plan(_plan(data, raw_answers), Console(file=buffer, width=120))
    assert "see a clinician first" in buffer.getvalue()


def test_safety_text_is_shown_in_terminal_and_markdown(data, raw_answers):
    """Cautions, easier and harder versions reach every place a person reads the plan."""
    import io

    from rich.console import Console

    from glutefire.programming.questionnaire import parse_answers
    from glutefire.programming.render import plan_to_markdown, print_plan

    from .conftest import options

    plan = build_plan(
        answers=parse_answers(raw_answers),
        findings=None,
        options=options(minutes_per_session=20),
        data=data,
    )
    cautions = {c for p in plan.phases for s in p.sessions for x in s.exercises for c in x.cautions}
    assert cautions
    buffer = io.StringIO()
    print_plan(plan, Console(file=buffer, width=200))
    terminal = " ".join(buffer.getvalue().split())
    markdown = " ".join(plan_to_markdown(plan).split())
    for shown in (terminal, markdown):
        assert all(" ".join(c.split()) in shown for c in cautions)
        assert "Easier (Side-lying hip abduction): Clamshell" in shown
        assert "Harder (Side-lying hip abduction): Side plank" in shown
    prose = re.sub(r"`glutefire check \w+ CLIP`", "", markdown)  # the command names a check id
    assert all(d.exercise_id not in prose for d in plan.dropped)  # names, not ids
    assert any(
        f"left out {name}" in terminal
        for name in ("Foam roll hip flexors", "Foam roll TFL (outer hip)")
    )
