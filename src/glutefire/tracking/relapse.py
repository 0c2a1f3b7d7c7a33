"""Relapse detection (pure): rules as data in ``data/relapse_rules.yaml``.

Two rules raise an alert:

* adherence below the maintenance dose (1 session/week; Spiering 2021) for 2 or more consecutive
  complete weeks in which a plan was in force;
* a re-screen worse than the previous screening of the same camera view by more than the
  measurement's smallest detectable difference (SDD; e.g. 8 deg for knee FPPA, Munro 2012).

Changes within the SDD are reported as "no real change". Measures without a documented SDD are
shown but not judged. Alerts describe movement patterns and training habits, not diagnoses.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from glutefire.datafiles import data_text
from glutefire.errors import RecordError
from glutefire.result import ScreeningResult, Status
from glutefire.tracking.adherence import WeekAdherence
from glutefire.tracking.session_entry import current_phase

WORSE = "worse"
BETTER = "better"
NO_REAL_CHANGE = "no real change"
NOT_JUDGED = "not judged (no documented smallest detectable difference)"


@dataclass(frozen=True)
class AdherenceRule:
    id: str
    min_sessions_per_week: int
    min_consecutive_weeks: int
    source: str


@dataclass(frozen=True)
class NoiseRule:
    id: str
    label: str
    metrics: tuple[str, ...]
    findings: tuple[tuple[str, str], ...]
    sdd: float
    unit: str
    worse_when: str  # "higher" or "lower"
    source: str
    verified: bool


@dataclass(frozen=True)
class PainTrendRule:
    """Recent sessions' mean pain against the ``window_sessions`` before; a change below
    ``mdc_points`` (NPRS points) is no real change."""

    window_sessions: int
    mdc_points: float
    source: str


@dataclass(frozen=True)
class RelapseRules:
    adherence: AdherenceRule
    maintenance_sessions_per_week: int
    maintenance_sets_per_exercise: int
    maintenance_source: str
    noise: tuple[NoiseRule, ...]
    pain_trend: PainTrendRule


def _require(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = record.get(key) if isinstance(record, Mapping) else None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise RecordError(f"expected {where}.{key} of type {kind}, but got {value!r}")
    return value


def _noise_rule(record: Mapping[str, Any]) -> NoiseRule:
    where = f"measurement_noise[{record.get('id')!r}]"
    worse = _require(record, "worse_when", str, where)
    if worse not in ("higher", "lower"):
        raise RecordError(f"expected {where}.worse_when higher or lower, but got {worse!r}")
    return NoiseRule(
        id=_require(record, "id", str, where),
        label=_require(record, "label", str, where),
        metrics=tuple(record.get("metrics", [])),
        findings=tuple((f["code"], f["unit"]) for f in record.get("findings", [])),
        sdd=float(_require(record, "sdd", (int, float), where)),
        unit=_require(record, "unit", str, where),
        worse_when=worse,
        source=_require(record, "source", str, where).strip(),
        verified=bool(record.get("verified", False)),
    )


def load_rules(path: Path | None = None) -> RelapseRules:
    """Read and validate the rules file (the packaged ``data/relapse_rules.yaml`` by default)."""
    data = yaml.safe_load(data_text("relapse_rules.yaml", path)[0])
    adherence = data["adherence"]
    maintenance = data["maintenance_routine"]
    pain = data["pain_trend"]
    return RelapseRules(
        adherence=AdherenceRule(
            id=_require(adherence, "id", str, "adherence"),
            min_sessions_per_week=_require(adherence, "min_sessions_per_week", int, "adherence"),
            min_consecutive_weeks=_require(adherence, "min_consecutive_weeks", int, "adherence"),
            source=_require(adherence, "source", str, "adherence").strip(),
        ),
        maintenance_sessions_per_week=_require(
            maintenance, "sessions_per_week", int, "maintenance_routine"
        ),
        maintenance_sets_per_exercise=_require(
            maintenance, "sets_per_exercise", int, "maintenance_routine"
        ),
        maintenance_source=_require(maintenance, "source", str, "maintenance_routine").strip(),
        noise=tuple(_noise_rule(r) for r in data.get("measurement_noise", [])),
        pain_trend=PainTrendRule(
            window_sessions=_require(pain, "window_sessions", int, "pain_trend"),
            mdc_points=float(_require(pain, "mdc_points", (int, float), "pain_trend")),
            source=_require(pain, "source", str, "pain_trend").strip(),
        ),
    )


# --- adherence ---


def lapse_streak(weeks: Sequence[WeekAdherence], rule: AdherenceRule) -> int:
    """Consecutive complete weeks, ending with the latest, below the maintenance dose.

    Only weeks with a plan in force (planned > 0) count. A current week that already reaches the
    dose means training has resumed: the streak is 0.
    """
    if weeks and not weeks[-1].complete and weeks[-1].done >= rule.min_sessions_per_week:
        return 0
    streak = 0
    for week in reversed([w for w in weeks if w.complete]):
        if week.planned <= 0 or week.done >= rule.min_sessions_per_week:
            break
        streak += 1
    return streak


# --- screenings ---


@dataclass(frozen=True)
class Measure:
    key: str
    value: float
    unit: str | None
    rule: NoiseRule | None


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    previous: float
    current: float
    unit: str | None
    sdd: float | None
    verdict: str
    source: str | None

    @property
    def change(self) -> float:
        return self.current - self.previous


def rule_for_metric(name: str, rules: Sequence[NoiseRule]) -> NoiseRule | None:
    return next((r for r in rules if any(fnmatch.fnmatch(name, g) for g in r.metrics)), None)


def rule_for_finding(code: str, unit: str | None, rules: Sequence[NoiseRule]) -> NoiseRule | None:
    return next((r for r in rules if (code, unit) in r.findings), None)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def screening_measures(result: ScreeningResult, rules: Sequence[NoiseRule]) -> dict[str, Measure]:
    """Finding values and per-rep metric means (complete reps only, if any are complete)."""
    measures: dict[str, Measure] = {}
    for finding in result.findings:
        value = finding.value
        if finding.status is Status.NOT_ASSESSABLE or value is None or not _finite(value):
            continue
        # keyed by code alone: the side of an absent finding is "none", so a side in the key
        # would keep an absent and a later present finding from ever being compared
        key = finding.code.value
        unit = finding.unit
        measures[key] = Measure(
            key, float(value), unit, rule_for_finding(finding.code.value, unit, rules)
        )
    chosen = [r for r in result.reps if r.complete] or list(result.reps)
    names = sorted({name for rep in chosen for name in rep.metrics})
    for name in names:
        values = [
            value for rep in chosen if (value := rep.metrics.get(name)) is not None
            and _finite(value)
        ]
        if values:
            rule = rule_for_metric(name, rules)
            measures[name] = Measure(
                name, sum(values) / len(values), rule.unit if rule else None, rule
            )
    return measures


@dataclass(frozen=True)
class MetricSeries:
    """One measure over screenings, with its smallest detectable difference (None if unknown)."""

    key: str
    label: str
    unit: str | None
    times: tuple[dt.datetime, ...]
    values: tuple[float, ...]
    sdd: float | None


def metric_history(
    screenings: Sequence[tuple[dt.datetime, ScreeningResult]], rules: Sequence[NoiseRule]
) -> list[MetricSeries]:
    """Each measure with a documented SDD across all screenings (chronological input)."""
    collected: dict[str, tuple[list[dt.datetime], list[float], Measure]] = {}
    for recorded_at, result in screenings:
        for key, measure in screening_measures(result, rules).items():
            if measure.rule is None:
                continue
            times, values, _ = collected.setdefault(key, ([], [], measure))
            times.append(recorded_at)
            values.append(measure.value)
    return [
        MetricSeries(key, m.rule.label, m.unit, tuple(t), tuple(v), m.rule.sdd)
        for key, (t, v, m) in collected.items()
        if m.rule is not None
    ]


def judge(change: float, rule: NoiseRule | None) -> str:
    if rule is None:
        return NOT_JUDGED
    if abs(change) <= rule.sdd:
        return NO_REAL_CHANGE
    worse = change > 0 if rule.worse_when == "higher" else change < 0
    return WORSE if worse else BETTER


def compare_screenings(
    previous: ScreeningResult, current: ScreeningResult, rules: Sequence[NoiseRule]
) -> list[Comparison]:
    """Every measure present in both screenings, judged against its SDD."""
    before, after = screening_measures(previous, rules), screening_measures(current, rules)
    comparisons = []
    for key in [k for k in after if k in before]:
        old, new = before[key], after[key]
        rule = new.rule
        comparisons.append(
            Comparison(
                key=key,
                label=rule.label if rule else key,
                previous=old.value,
                current=new.value,
                unit=new.unit,
                sdd=rule.sdd if rule else None,
                verdict=judge(new.value - old.value, rule),
                source=rule.source if rule else None,
            )
        )
    return comparisons


def latest_pair(
    screenings: Sequence[ScreeningResult],
) -> tuple[ScreeningResult, ScreeningResult] | None:
    """The newest screening and the previous one of the same view (input is chronological)."""
    if not screenings:
        return None
    latest = screenings[-1]
    earlier = [s for s in screenings[:-1] if s.view == latest.view]
    return (earlier[-1], latest) if earlier else None


# --- maintenance routine and alerts ---


@dataclass(frozen=True)
class MaintenanceRoutine:
    sessions_per_week: int
    exercises: tuple[dict[str, Any], ...]
    source: str


@dataclass(frozen=True)
class Alert:
    rule_id: str
    message: str
    source: str


@dataclass(frozen=True)
class RelapseReport:
    alerts: tuple[Alert, ...]
    comparisons: tuple[Comparison, ...]
    lapse_weeks: int
    routine: MaintenanceRoutine | None


def minimum_maintenance_routine(
    plan: Mapping[str, Any] | None, *, on: dt.date, rules: RelapseRules
) -> MaintenanceRoutine:
    """Every distinct exercise of the current phase, 1 set each, same reps/hold/load/tempo."""
    phase = current_phase(plan, on) if plan else None
    seen: dict[str, dict[str, Any]] = {}
    for session in (phase or {}).get("sessions", []):
        for exercise in session.get("exercises", []):
            key = str(exercise.get("exercise_id"))
            if key not in seen:
                seen[key] = {**exercise, "sets": rules.maintenance_sets_per_exercise}
    return MaintenanceRoutine(
        rules.maintenance_sessions_per_week, tuple(seen.values()), rules.maintenance_source
    )


def _adherence_alert(streak: int, rule: AdherenceRule) -> Alert:
    return Alert(
        rule.id,
        f"Fewer than {rule.min_sessions_per_week} session(s) a week for the last {streak} "
        f"complete weeks: below the maintenance dose. A short weekly routine keeps most of the "
        f"progress.",
        rule.source,
    )


def _screening_alerts(comparisons: Sequence[Comparison]) -> list[Alert]:
    """One alert per measure family (a finding and its per-rep metric usually move together)."""
    worse: dict[str, list[Comparison]] = {}
    for comparison in comparisons:
        if comparison.verdict == WORSE:
            worse.setdefault(comparison.label, []).append(comparison)
    alerts = []
    for label, items in worse.items():
        unit = f" {items[0].unit}" if items[0].unit else ""
        changes = "; ".join(
            f"{c.key} {c.previous:.1f} -> {c.current:.1f}{unit} ({c.change:+.1f})" for c in items
        )
        alerts.append(
            Alert(
                "rescreen_worse_than_sdd",
                f"Re-screen: {label} changed by more than its {items[0].sdd:g}{unit} smallest "
                f"detectable difference ({changes}): the movement pattern looks worse than last "
                f"time (a measurement, not a diagnosis).",
                items[0].source or "",
            )
        )
    return alerts


def detect_relapse(
    weeks: Sequence[WeekAdherence],
    screenings: Sequence[ScreeningResult],
    plan: Mapping[str, Any] | None,
    *,
    today: dt.date,
    rules: RelapseRules,
) -> RelapseReport:
    """Apply both rules to a person's history (plain values, chronological screenings)."""
    streak = lapse_streak(weeks, rules.adherence)
    alerts = []
    if streak >= rules.adherence.min_consecutive_weeks:
        alerts.append(_adherence_alert(streak, rules.adherence))
    pair = latest_pair(screenings)
    comparisons = compare_screenings(*pair, rules.noise) if pair else []
    alerts.extend(_screening_alerts(comparisons))
    routine = minimum_maintenance_routine(plan, on=today, rules=rules) if alerts else None
    return RelapseReport(tuple(alerts), tuple(comparisons), streak, routine)
