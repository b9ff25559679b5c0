"""--out after a failed run: the earlier run's reports are gone and a FAILED file names the error."""

from __future__ import annotations

import json

import pytest

from gameir.cli.main import main
from gameir.evaluation import evaluate_nvs, evaluate_sr
from gameir.evaluation.report import FAILED_MARKER, REPORT_FILES


def _good_run(root, out) -> None:
    evaluate_sr(root, "test", "nearest", out=out, worst=1)
    assert all((out / name).is_file() for name in REPORT_FILES) and len(list((out / "worst").glob("*.png"))) == 1


def test_failed_run_removes_stale_reports_and_writes_failed(synthetic_root, fault_models, first_frame, tmp_path,
                                                             capsys):
    name, _ = fault_models
    out = tmp_path / "run"
    _good_run(synthetic_root, out)
    (out / "notes.txt").write_text("mine")  # files the user put there are left alone
    (out / "worst" / "keep.txt").write_text("mine")
    rc = main(["eval", "sr", "--data", str(synthetic_root), "--method", f"python:{name}:raises", "--out", str(out),
               "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1
    assert not any((out / n).exists() for n in REPORT_FILES) and not list((out / "worst").glob("*.png"))
    assert (out / "notes.txt").read_text() == "mine" and (out / "worst" / "keep.txt").read_text() == "mine"
    failed = (out / FAILED_MARKER).read_text().splitlines()
    assert failed[0].startswith(f"gameir eval sr --method python:{name}:raises failed at 20")
    assert failed[1].startswith(f"PredictionError: --method 'python:{name}:raises': {first_frame}: the model raised "
                                f"RuntimeError: boom in forward")
    assert "Reports of earlier runs in this folder were removed" in failed[2]
    assert not list(out.glob("*.partial"))
    # the next successful run clears the marker
    _good_run(synthetic_root, out)
    assert not (out / FAILED_MARKER).exists()
    assert json.loads((out / "summary.json").read_text())["method"] == "nearest"


def test_bad_settings_and_interrupts_mark_the_folder_too(synthetic_root, fault_models, tmp_path):
    name, _ = fault_models
    out = tmp_path / "run"
    _good_run(synthetic_root, out)
    with pytest.raises(TypeError, match="y_channel must be a boolean"):
        evaluate_sr(synthetic_root, "test", "nearest", out=out, y_channel="no")
    assert not (out / "summary.json").exists()
    assert "TypeError: evaluate_sr: y_channel must be a boolean" in (out / FAILED_MARKER).read_text()
    _good_run(synthetic_root, out)
    with pytest.raises(KeyboardInterrupt):
        evaluate_sr(synthetic_root, "test", f"python:{name}:interrupted", out=out)
    assert not (out / "summary.json").exists()
    assert "interrupted (KeyboardInterrupt)" in (out / FAILED_MARKER).read_text()
    # NVS runs are guarded the same way (this SR-only dataset has no rigs)
    (out / "summary.json").write_text("{}")
    with pytest.raises(ValueError):
        evaluate_nvs(synthetic_root, "test", "warp", out=out)
    assert not (out / "summary.json").exists()
    assert "gameir eval nvs --method warp failed at" in (out / FAILED_MARKER).read_text()


def test_failed_run_into_a_new_folder_creates_nothing(synthetic_root, fault_models, tmp_path):
    name, _ = fault_models
    out = tmp_path / "new"
    with pytest.raises(ValueError):
        evaluate_sr(synthetic_root, "test", f"python:{name}:raises", out=out)
    assert not out.exists()


def test_out_that_is_a_file_is_refused(synthetic_root, tmp_path, capsys):
    path = tmp_path / "results.json"
    path.write_text("keep")
    rc = main(["eval", "sr", "--data", str(synthetic_root), "--method", "nearest", "--out", str(path), "--quiet"])
    assert rc == 2 and f"--out {path}: exists and is not a folder" in capsys.readouterr().err
    assert path.read_text() == "keep"
