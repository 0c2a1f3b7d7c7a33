"""Relapse detection (pure): rules as data in ``data/relapse_rules.yaml``.

Two rules raise an alert:

* adherence below the maintenance dose (1 session/week; Spiering 2021) for 2 or more consecutive
  complete weeks in which a plan was in force;
* a re-screen in which a finding, on one side, is worse than the last earlier session that
  measured the same finding on the same side by more than the measurement's smallest detectable
  difference (SDD; e.g. 8 deg for knee FPPA, Munro 2012); it leads back to a new plan.

Only findings of the typed :class:`~glutefire.result.ScreeningResult` are compared (one
accessor, :func:`finding_measures`), never raw per-rep metrics. Changes within the SDD are
reported as "no real change". Findings without a documented SDD are shown but not judged.
Alerts describe movement patterns and training habits, not diagnoses.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from glutefire.datafiles import data_text
from glutefire.errors import RecordError
from glutefire.result import Finding, ScreeningResult, Status
from glutefire.tracking.adherence import WeekAdherence
from glutefire.tracking.session_entry import current_phase, plan_end

WORSE = "worse"
BETTER = "better"
NO_REAL_CHANGE = "no real change"
NOT_JUDGED = "not judged"  # no documented smallest detectable difference


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
    older_min_age_years: int | None = None
    older_sessions_per_week: int | None = None
    older_sets_per_exercise: int | None = None

    def for_age(self, age_years: int | None) -> RelapseRules:
        """These rules with the older adults' maintenance dose when ``age_years`` qualifies."""
        older = self.older_min_age_years
        if age_years is None or older is None or age_years < older:
            return self
        return replace(
            self,
            adherence=replace(
                self.adherence,
                min_sessions_per_week=self.older_sessions_per_week
                or self.adherence.min_sessions_per_week,
            ),
            maintenance_sessions_per_week=self.older_sessions_per_week
            or self.maintenance_sessions_per_week,
            maintenance_sets_per_exercise=self.older_sets_per_exercise
            or self.maintenance_sets_per_exercise,
        )


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
    older = maintenance.get("older_adults") or {}
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
        older_min_age_years=older.get("min_age_years"),
        older_sessions_per_week=older.get("sessions_per_week"),
        older_sets_per_exercise=older.get("sets_per_exercise"),
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

SIDES = ("left", "right", "both")
Dated = tuple[dt.datetime, ScreeningResult]  # (recorded_at, stored screening result)


@dataclass(frozen=True)
class FindingMeasure:
    """One finding's measured value on one side in one screening session.

    ``side`` is ``left``/``right`` for per-leg values, else ``both``; ``view`` is the camera view
    of the clip the finding was measured in (the best one of the session, chosen at screening).
    """

    code: str
    side: str
    label: str
    value: float
    unit: str | None
    status: str
    view: str | None
    clip: int | None
    evidence_frame: int | None
    rule: NoiseRule | None

    @property
    def key(self) -> str:
        return f"{self.code}_{self.side}"


@dataclass(frozen=True)
class Comparison:
    """One finding on one side: the latest session against the last session that measured it."""

    key: str
    label: str
    previous: float
    current: float
    previous_at: dt.datetime
    current_at: dt.datetime
    previous_view: str | None
    current_view: str | None
    unit: str | None
    sdd: float | None
    verdict: str
    source: str | None
    code: str = ""
    side: str = "both"

    @property
    def change(self) -> float:
        return self.current - self.previous


def rule_for_finding(code: str, unit: str | None, rules: Sequence[NoiseRule]) -> NoiseRule | None:
    return next((r for r in rules if (code, unit) in r.findings), None)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _clip_view(result: ScreeningResult, clip: int) -> str | None:
    """The camera view of clip ``clip`` (the session's views if the index is out of range)."""
    if 0 <= clip < len(result.input):
        return result.input[clip].view
    return result.view


def _side_values(finding: Finding) -> dict[str, float]:
    """Per-side values if the finding has them (``per_side``), else its value on its own side
    (``both`` for a value not tied to one leg)."""
    per_side = {k: v for k, v in finding.per_side.items() if k in SIDES}
    if any(_finite(v) for v in per_side.values()):
        return {k: float(v) for k, v in per_side.items() if _finite(v)}
    if finding.value is None or not _finite(finding.value):
        return {}
    side = finding.side
    return {side if side in ("left", "right") else "both": float(finding.value)}


def finding_measures(
    result: ScreeningResult, rules: Sequence[NoiseRule]
) -> dict[str, FindingMeasure]:
    """Every assessed finding of one result, per side, keyed ``{code}_{side}`` (the one place
    results are read for comparisons). Keyed by the side of the measure, not the finding's
    reported side, so an absent finding (side "none") and a later present one are compared."""
    measures: dict[str, FindingMeasure] = {}
    for finding in result.findings:
        if finding.status is Status.NOT_ASSESSABLE:
            continue
        unit = finding.unit or None
        code = finding.code.value
        rule = rule_for_finding(code, unit, rules)
        for side, value in _side_values(finding).items():
            m = FindingMeasure(
                code=code,
                side=side,
                label=finding.label_on(side if side in ("left", "right") else "none"),
                value=value,
                unit=unit,
                status=finding.status.value,
                view=_clip_view(result, finding.clip),
                clip=finding.clip,
                evidence_frame=finding.evidence_frame,
                rule=rule,
            )
            measures[m.key] = m
    return measures


@dataclass(frozen=True)
class MetricSeries:
    """One finding on one side over screenings, with its smallest detectable difference."""

    key: str
    label: str
    unit: str | None
    times: tuple[dt.datetime, ...]
    values: tuple[float, ...]
    sdd: float | None


def metric_history(screenings: Sequence[Dated], rules: Sequence[NoiseRule]) -> list[MetricSeries]:
    """Each finding (per side) with a documented SDD across all screenings (chronological)."""
    collected: dict[str, tuple[list[dt.datetime], list[float], FindingMeasure]] = {}
    for recorded_at, result in screenings:
        for key, measure in finding_measures(result, rules).items():
            if measure.rule is None:
                continue
            times, values, _ = collected.setdefault(key, ([], [], measure))
            times.append(recorded_at)
            values.append(measure.value)
    return [
        MetricSeries(key, m.label, m.unit, tuple(t), tuple(v), m.rule.sdd)
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


def _compare(
    old: FindingMeasure, new: FindingMeasure, old_at: dt.datetime, new_at: dt.datetime
) -> Comparison:
    rule = new.rule
    return Comparison(
        key=new.key,
        label=new.label,
        previous=old.value,
        current=new.value,
        previous_at=old_at,
        current_at=new_at,
        previous_view=old.view,
        current_view=new.view,
        unit=new.unit,
        sdd=rule.sdd if rule else None,
        verdict=judge(new.value - old.value, rule),
        source=rule.source if rule else None,
        code=new.code,
        side=new.side,
    )


def compare_latest(screenings: Sequence[Dated], rules: Sequence[NoiseRule]) -> list[Comparison]:
    """The latest session, finding by finding and side by side, against the most recent earlier
    session that measured the same finding on the same side (whatever the camera views were)."""
    if len(screenings) < 2:
        return []
    latest_at, latest = screenings[-1]
    earlier = [(at, finding_measures(r, rules)) for at, r in screenings[:-1]]
    rows = []
    for key, new in finding_measures(latest, rules).items():
        match = next(((at, m[key]) for at, m in reversed(earlier) if key in m), None)
        if match is not None:
            rows.append(_compare(match[1], new, match[0], latest_at))
    return rows


def compare_screenings(
    previous: ScreeningResult,
    current: ScreeningResult,
    rules: Sequence[NoiseRule],
    *,
    previous_at: dt.datetime | None = None,
    current_at: dt.datetime | None = None,
) -> list[Comparison]:
    """Two results compared finding by finding (dates default to the results' ``created_at``)."""
    return compare_latest(
        [
            (previous_at or previous.created_at, previous),
            (current_at or current.created_at, current),
        ],
        rules,
    )


# --- the plan over time ---


@dataclass(frozen=True)
class PlanTimeline:
    """Where a person stands in their plan on ``today``.

    ``ended_on`` is the first day after the plan's last week; from then the maintenance phase is
    in force on its own. ``reassess_due`` is true once ``reassess_on`` has passed with no
    screening recorded on or after it.
    """

    start: dt.date | None
    ended_on: dt.date | None
    reassess_on: dt.date | None
    reassess_due: bool
    in_maintenance: bool


def plan_timeline(
    plan: Mapping[str, Any] | None, screenings: Sequence[Dated], *, today: dt.date
) -> PlanTimeline | None:
    if not plan:
        return None
    start = plan.get("start_date")
    start_day = dt.date.fromisoformat(str(start)[:10]) if start else None
    end = plan_end(plan)
    reassess_text = plan.get("reassess_on")
    reassess = dt.date.fromisoformat(str(reassess_text)[:10]) if reassess_text else end
    rescreened = any(at.date() >= reassess for at, _ in screenings) if reassess else False
    return PlanTimeline(
        start=start_day,
        ended_on=end,
        reassess_on=reassess,
        reassess_due=reassess is not None and today >= reassess and not rescreened,
        in_maintenance=end is not None and today >= end and plan.get("mode") != "maintenance",
    )


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
class Replan:
    """A worse re-screen: go back to the corrective phase for these findings (labels)."""

    worse: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class RelapseReport:
    alerts: tuple[Alert, ...]
    comparisons: tuple[Comparison, ...]
    lapse_weeks: int
    routine: MaintenanceRoutine | None
    replan: Replan | None = None
    timeline: PlanTimeline | None = None


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


def _value(value: float, unit: str | None) -> str:
    return f"{value:.1f} {unit}" if unit else f"{value:.2f}"


def _screening_alerts(comparisons: Sequence[Comparison]) -> list[Alert]:
    """One alert per finding and side that changed for the worse by more than its SDD."""
    alerts = []
    for c in comparisons:
        if c.verdict != WORSE or c.sdd is None:
            continue
        unit = f" {c.unit}" if c.unit else ""
        alerts.append(
            Alert(
                "rescreen_worse_than_sdd",
                f"Re-screen {c.current_at:%Y-%m-%d} vs {c.previous_at:%Y-%m-%d}: {c.label} "
                f"{_value(c.previous, c.unit)} -> {_value(c.current, c.unit)} "
                f"({c.change:+.1f}{unit}), more than its {c.sdd:g}{unit} smallest detectable "
                f"difference: the movement pattern looks worse than last time (a measurement, "
                f"not a diagnosis).",
                c.source or "",
            )
        )
    return alerts


def past_gaps(
    weeks: Sequence[WeekAdherence], rule: AdherenceRule
) -> list[tuple[dt.date, dt.date, int]]:
    """Every run of ``min_consecutive_weeks`` or more complete weeks, with a plan in force,
    below the maintenance dose: ``(first Monday, last Sunday, weeks)``, oldest first. Kept in the
    record after training resumes."""
    gaps, run = [], []
    for week in [*weeks, None]:
        low = (
            week is not None
            and week.complete
            and week.planned > 0
            and week.done < rule.min_sessions_per_week
        )
        if low and week is not None:
            run.append(week)
            continue
        if len(run) >= rule.min_consecutive_weeks:
            gaps.append((run[0].week_start, run[-1].week_start + dt.timedelta(days=6), len(run)))
        run = []
    return gaps


def detect_relapse(
    weeks: Sequence[WeekAdherence],
    screenings: Sequence[Dated],
    plan: Mapping[str, Any] | None,
    *,
    today: dt.date,
    rules: RelapseRules,
) -> RelapseReport:
    """Apply both rules to a person's history (chronological ``(recorded_at, result)`` pairs).

    A worse re-screen leads back to the corrective phase (``replan``); a lapse in training alone
    leads to the minimum maintenance routine.
    """
    streak = lapse_streak(weeks, rules.adherence)
    alerts = []
    if streak >= rules.adherence.min_consecutive_weeks:
        alerts.append(_adherence_alert(streak, rules.adherence))
    comparisons = compare_latest(screenings, rules.noise)
    worse = _screening_alerts(comparisons)
    alerts.extend(worse)
    replan = None
    if worse:
        labels = tuple(c.label for c in comparisons if c.verdict == WORSE and c.sdd is not None)
        replan = Replan(
            labels,
            "the re-screen is worse by more than the measurement noise, so the plan goes back to "
            "the phase that addresses these findings: a new plan from the latest screening and "
            "the last questionnaire",
        )
    routine = None
    if alerts and replan is None:
        routine = minimum_maintenance_routine(plan, on=today, rules=rules)
    timeline = plan_timeline(plan, screenings, today=today)
    return RelapseReport(tuple(alerts), tuple(comparisons), streak, routine, replan, timeline)
