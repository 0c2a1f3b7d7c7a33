"""Manifest parsing: grouping into assessments, and one clear message per kind of mistake."""

import pytest

from conftest import run_cli
from glutefire.batch.manifest import read_batch_input, read_manifest, safe_name
from glutefire.errors import InputFileError
from glutefire.kinematics.view import View


def _manifest(tmp_path, text, clips=("a.csv", "b.csv")):
    for name in clips:
        (tmp_path / name).write_text("x")
    path = tmp_path / "m.csv"
    path.write_text(text)
    return path


def test_rows_of_a_person_and_test_form_one_assessment(tmp_path):
    path = _manifest(
        tmp_path,
        "person,test,view,clip,heels_elevated\n"
        "Anna,squat,front,a.csv,no\nAnna,squat,side,b.csv,yes\n"
        "Ben,squat,auto,a.csv,\n",
    )
    anna, ben = read_manifest(path)
    assert (anna.person, anna.test, len(anna.clips)) == ("Anna", "squat", 2)
    assert [c.view for c in anna.clips] == [View.FRONT, View.SIDE]
    assert [c.heels_elevated for c in anna.clips] == [False, True]
    assert anna.clips[0].path == tmp_path / "a.csv"  # relative to the manifest's folder
    assert ben.clips[0].view is None


def test_missing_columns(tmp_path):
    path = _manifest(tmp_path, "person,clip\nAnna,a.csv\n")
    with pytest.raises(
        InputFileError,
        match="expected the columns person, test, view, clip.*test, view are missing",
    ):
        read_manifest(path)


def test_missing_files_are_listed_with_their_lines(tmp_path):
    path = _manifest(
        tmp_path,
        "person,test,view,clip\nAnna,squat,,a.csv\nBen,squat,,gone.mp4\nCara,squat,,lost.mp4\n",
    )
    with pytest.raises(
        InputFileError,
        match=r"but 2 are missing: line 3: .*gone\.mp4; "
        r"line 4: .*lost\.mp4",
    ):
        read_manifest(path)


def test_duplicate_rows(tmp_path):
    path = _manifest(tmp_path, "person,test,view,clip\nAnna,squat,,a.csv\nAnna,squat,front,a.csv\n")
    with pytest.raises(InputFileError, match="manifest line 3: duplicate of line 2"):
        read_manifest(path)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("view=top", "expected view to be one of front, back, side, oblique, auto, but got 'top'"),
        ("heels=maybe", "expected heels_elevated to be yes/no"),
        ("person=", "expected a person, but it is empty"),
    ],
)
def test_bad_cells(tmp_path, cell, message):
    column, value = cell.split("=")
    row = {"person": "Anna", "view": "front", "heels": "no"} | {column: value}
    path = _manifest(
        tmp_path,
        "person,test,view,clip,heels_elevated\n"
        f"{row['person']},squat,{row['view']},a.csv,{row['heels']}\n",
    )
    with pytest.raises(InputFileError, match=message):
        read_manifest(path)


def test_names_that_map_to_one_folder(tmp_path):
    path = _manifest(tmp_path, "person,test,view,clip\nA/B,squat,,a.csv\nA_B,squat,,b.csv\n")
    with pytest.raises(InputFileError, match="both map to A_B/squat"):
        read_manifest(path)


def test_safe_names():
    assert safe_name("../etc") == "_etc"
    assert safe_name("Zoë Smith") == "Zo_ Smith"
    assert safe_name("...") == "_"


def test_folder_of_clips_is_one_assessment_per_clip(tmp_path):
    for name in ("b.mp4", "a.csv", "notes.txt"):
        (tmp_path / name).write_text("x")
    assessments = read_batch_input(tmp_path)
    assert [(a.person, a.test, len(a.clips)) for a in assessments] == [
        ("a", "squat", 1),
        ("b", "squat", 1),
    ]


def test_empty_folder(tmp_path):
    with pytest.raises(InputFileError, match="expected video files"):
        read_batch_input(tmp_path)


def test_cli_reports_manifest_errors_in_one_line(tmp_path):
    path = _manifest(tmp_path, "person,test\nAnna,squat\n")
    code, text = run_cli("batch", path, "--out", tmp_path / "out")
    assert code == 2, text
    assert text.strip().startswith("error:") and "Traceback" not in text
    assert "view, clip are missing" in text
