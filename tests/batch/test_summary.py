"""The coach's summary: attention order, one column per finding, escaped HTML, relative links."""

from pathlib import Path

from glutefire.batch.manifest import Assessment
from glutefire.batch.summary import attention_score, summary_csv, summary_html, summary_rows
from glutefire.batch.tasks import TaskResult
from glutefire.result import FINDING_CODES, FindingCode, Status
from glutefire.screening.pipeline import ClipInput
from results import make_finding, make_screening


def _finding(code, status, confidence=0.8, side="both"):
    status = Status(status)
    return make_finding(
        FindingCode(code),
        status,
        confidence=confidence,
        side=side if status is Status.PRESENT else "none",
    )


def _result(*findings):
    return make_screening(findings=findings)


def _case(person, result=None, error=None):
    a = Assessment(person, "squat", (ClipInput(path=Path(f"{person}.mp4")),))
    status = "screened" if result else "failed"
    return a, TaskResult(0, person, "squat", status, result=result, error=error)


def test_attention_score_weights_present_findings_by_confidence():
    assert (
        attention_score(
            _result(
                _finding("knees_cave_in", "present", 0.9),
                _finding("heel_rise", "present", 0.4),
                _finding("feet_turn_out", "absent", 1.0),
            )
        )
        == 1.3
    )


def test_rows_sorted_by_attention_failed_last():
    cases = [
        _case("Low", _result(_finding("knees_cave_in", "present", 0.3))),
        _case("Broken", error="not a readable video"),
        _case(
            "High",
            _result(
                _finding("knees_cave_in", "present", 0.9, "left"),
                _finding("heel_rise", "present", 0.6),
            ),
        ),
    ]
    rows = summary_rows(*zip(*cases, strict=True))
    assert [r.person for r in rows] == ["High", "Low", "Broken"]
    lines = summary_csv(rows).splitlines()
    assert lines[0].endswith("error," + ",".join(FINDING_CODES))
    assert lines[1].startswith("High,squat,screened,1.5,knees_cave_in;heel_rise,")
    assert "High/squat/keyframe_knees_cave_in.png" in lines[1]
    cells = dict(zip(FINDING_CODES, lines[1].split(",")[-len(FINDING_CODES) :], strict=True))
    assert cells["knees_cave_in"] == "present (left)" and cells["heel_rise"] == "present (both)"
    assert cells["knees_forward"] == "not_assessable"
    assert lines[3].startswith("Broken,squat,failed,,")


def test_html_escapes_names_and_errors():
    cases = [
        _case("<script>x</script>", _result(_finding("knees_cave_in", "present"))),
        _case("Bo & Co", error="<b>bad</b>"),
    ]
    page = summary_html(summary_rows(*zip(*cases, strict=True)))
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;b&gt;bad&lt;/b&gt;" in page and "Bo &amp; Co" in page
    assert 'href="_script_x_script_/squat/result.json"' in page
