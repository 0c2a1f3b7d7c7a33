"""Helpers for the trainer-workflow tests: a plan through the questionnaire form, a Strong CSV
with sets in the current week (written at test time), a logged session."""

from __future__ import annotations

import datetime as dt

from webtools import RED_FLAGS

STRONG_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE"
)


def questionnaire(client, csrf: str, cid: int, **extra: str):
    """Submit the questionnaire (built from the latest screening when there is one)."""
    data = {
        "csrf_token": csrf,
        "sitting_hours_per_day": "9",
        "quad_dominant_percent": "70",
        "abdominal_training": "crunches_situps",
        "jump_landing": "unsure",
        "minutes_per_session": "30",
        "weeks": "6",
        "start_date": dt.date.today().isoformat(),
        "use_screening": "on",
        **{f"flag_{flag}": "no" for flag in RED_FLAGS},  # warning signs must be answered
        **extra,
    }
    return client.post(f"/clients/{cid}/questionnaire", data=data, follow_redirects=False)


def strong_csv(day: dt.date, rows: list[tuple[str, str, float, int]]) -> str:
    """A Strong export: ``(exercise, set order, weight, reps)`` rows on ``day`` at 18:00."""
    lines = [STRONG_HEADER]
    for exercise, order, weight, reps in rows:
        lines.append(f'{day} 18:00:00,"Lower",50m,"{exercise}",{order},{weight:g},{reps},0,0,,,')
    return "\n".join(lines) + "\n"


def quad_heavy_week(day: dt.date) -> str:
    """Three knee-dominant working sets, one hip-dominant, one warm-up: quad-dominant."""
    return strong_csv(
        day,
        [
            ("Squat (Barbell)", "W", 40, 8),
            ("Squat (Barbell)", "1", 80, 5),
            ("Squat (Barbell)", "2", 80, 5),
            ("Leg Extension (Machine)", "1", 45, 12),
            ("Hip Thrust (Barbell)", "1", 100, 10),
        ],
    )
