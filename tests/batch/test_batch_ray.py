"""Ray mode on a local runtime with 2 CPUs gives the same results as the local pool."""

import pytest

from batch.conftest import load_result, run_batch_cli, without_time

ray = pytest.importorskip("ray", reason="Ray is part of the dev extra (glutefire[ray])")
pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def ray_runtime():
    """One local Ray runtime for the module (startup takes seconds)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_gives_the_results_of_the_local_pool(tmp_path, squad, ray_runtime):
    code, text = run_batch_cli(squad, "--out", tmp_path / "local", "--workers", "2")
    assert code == 0, text
    for mode, extra in (("ray", []), ("ray_bytes", ["--ship-bytes"])):
        code, text = run_batch_cli(
            squad, "--out", tmp_path / mode, "--ray", "auto", "--workers", "2", *extra
        )
        assert code == 0, text
        for person in ("Anna", "Ben"):
            assert without_time(load_result(tmp_path / mode, person)) == without_time(
                load_result(tmp_path / "local", person)
            )
        assert (tmp_path / mode / "summary.csv").read_text() == (
            tmp_path / "local" / "summary.csv"
        ).read_text()


def test_missing_ray_is_one_clear_line(tmp_path, squad, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    code, text = run_batch_cli(squad, "--out", tmp_path / "out", "--ray", "auto")
    assert code == 2, text
    assert "install glutefire[ray]" in text
