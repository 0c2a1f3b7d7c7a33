"""Merging findings from several clips of one session into one overall list.

For each code the best-suited clip decides: an assessable finding beats a not-assessable one,
and among assessable ones the highest confidence wins (e.g. a front view for knees caving in, a
side view for forward lean). Heel-raised retest clips never decide; their knee-valgus result is
attached to ``knees_cave_in`` as ``heels_elevated_status`` (Bell 2008: valgus that disappears
with the heels raised points to ankle mobility rather than the hip; evidence.md §1.1).
"""

from __future__ import annotations

from dataclasses import replace

from glutefire import result
from glutefire.result import FindingCode, Status
from glutefire.screening.findings import Finding

RETEST_CODE = FindingCode.KNEES_CAVE_IN
ANKLE_NOTE = (
    "knees caved in with flat feet but not with the heels raised: this points to limited ankle "
    "dorsiflexion rather than the hip muscles (Bell 2008)"
)


def _rank(finding: Finding) -> tuple[int, float]:
    return (0 if finding.status is Status.NOT_ASSESSABLE else 1, finding.confidence)


def to_result(finding: Finding) -> result.Finding:
    """The typed result record of one computed finding (validated)."""
    return result.Finding.model_validate(finding.as_dict())


def best_findings(per_clip: list[list[Finding]]) -> list[Finding]:
    """For each code in report order, the finding of the clip (or clip part) best suited to
    decide it."""
    return [
        max((f for fs in per_clip for f in fs if f.code == code), key=_rank) for code in FindingCode
    ]


def merge_findings(
    per_clip: list[list[Finding]], heels_elevated: list[bool]
) -> list[result.Finding]:
    """Overall findings, one per code in report order, from each clip's findings. A heel-raised
    retest is compared with the flat-foot clips only: given alone it decides, and is compared
    with nothing."""
    normal = [fs for fs, he in zip(per_clip, heels_elevated, strict=True) if not he]
    retest = [fs for fs, he in zip(per_clip, heels_elevated, strict=True) if he]
    if not normal:
        normal, retest = per_clip, []
    merged: list[result.Finding] = []
    for best in best_findings(normal):
        out = to_result(best)
        if best.code == RETEST_CODE and retest:
            out = out.model_copy(
                update=_retest(best, [f for fs in retest for f in fs if f.code == best.code])
            )
        merged.append(out)
    return merged


def _retest(best: Finding, retests: list[Finding]) -> dict[str, object]:
    """Retest fields of the merged knee finding (keys of :class:`glutefire.result.Finding`)."""
    chosen = max(retests, key=_rank)
    extra: dict[str, object] = {
        "heels_elevated_status": chosen.status,
        "heels_elevated_value": chosen.value,
    }
    if best.status is Status.PRESENT and chosen.status is Status.ABSENT:
        extra["interpretation"] = ANKLE_NOTE
    elif best.status is Status.PRESENT and chosen.status is Status.PRESENT:
        extra["interpretation"] = (
            "knees caved in with and without the heels raised: ankle "
            "mobility alone does not explain it"
        )
    return extra


def tag_clip(findings: list[Finding], clip: int) -> list[Finding]:
    """Copies of ``findings`` labelled with their clip index."""
    return [replace(f, clip=clip) for f in findings]
