"""The coach's summary: attention order, one column per finding, escaped HTML, relative links."""

from pathlib import Path

from glutefire.batch.manifest import Assessment
from glutefire.batch.summary import attention_score, summary_csv, summary_html, summary_rows
from glutefire.batch.tasks import TaskResult
from glutefire.screening.pipeline import ClipInput


def _finding(code, status, confidence=0.8, side=None):
    return {"code": code, "status": status, "confidence": confidence, "side": side}


def _result(*findings):
    present = [f["code"] for f in findings if f["status"] == "present"]
    return {"view": "front", "findings": list(findings),
            "summary": {"present": present, "not_assessable": [], "complete_reps": 3}}


def _case(person, result=None, error=None):
    a = Assessment(person, "squat", (ClipInput(path=Path(f"{person}.mp4")),))
    status = "screened" if result else "failed"
    return a, TaskResult(0, person, "squat", status, result=result, error=error)


def test_attention_score_weights_present_findings_by_confidence():
    assert attention_score(_result(_finding("a", "present", 0.9), _finding("b", "present", 0.4),
                                   _finding("c", "absent", 1.0))) == 1.3


def test_rows_sorted_by_attention_failed_last():
    cases = [_case("Low", _result(_finding("knees_cave_in", "present", 0.3))),
             _case("Broken", error="not a readable video"),
             _case("High", _result(_finding("knees_cave_in", "present", 0.9, "left"),
                                   _finding("heel_rise", "present", 0.6)))]
    rows = summary_rows(*zip(*cases, strict=True))
    assert [r.person for r in rows] == ["High", "Low", "Broken"]
    lines = summary_csv(rows).splitlines()
    assert lines[0].endswith("error,knees_cave_in,heel_rise")
    assert lines[1].startswith("High,squat,screened,1.5,knees_cave_in;heel_rise,")
    assert "High/squat/keyframe_knees_cave_in.png" in lines[1]
    assert lines[1].endswith(",present (left),present")
    assert lines[3].startswith("Broken,squat,failed,,")


def test_html_escapes_names_and_errors():
    cases = [_case("<script>x</script>", _result(_finding("knees_cave_in", "present"))),
             _case("Bo & Co", error="<b>bad</b>")]
    page = summary_html(summary_rows(*zip(*cases, strict=True)))
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;b&gt;bad&lt;/b&gt;" in page and "Bo &amp; Co" in page
    assert 'href="_script_x_script_/squat/result.json"' in page
