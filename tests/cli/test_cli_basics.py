"""The CLI verbs run end to end on real files and report real facts."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import cv2
import pytest

from gameir.cli.main import main


def test_help_lists_verbs_and_each_verb_has_an_example():
    out = subprocess.run([sys.executable, "-m", "gameir", "--help"], capture_output=True, text=True, check=True).stdout
    for verb in ("quickstart", "doctor", "info", "verify", "manifest"):
        assert verb in out
        verb_help = subprocess.run([sys.executable, "-m", "gameir", verb, "--help"], capture_output=True, text=True,
                                   check=True).stdout
        assert "example" in verb_help


def test_doctor_reports_the_gl_renderer(capsys):
    assert main(["doctor", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["gl"]["renderer"]  # e.g. "llvmpipe (LLVM 15.0.6, 256 bits)" on CPU machines
    assert facts["gl"]["version"].split()[0] >= "3.3"
    assert facts["hdf5"].count(".") == 2


def test_info_reports_buffers_sizes_and_ratio(synthetic_root, capsys):
    assert main(["info", str(synthetic_root / "train" / "synthetic-0000.h5"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    rows = {(r["level"], r["buffer"]): r for r in info["datasets"]}
    assert rows[("hr", "depth")]["shape"] == [3, 96, 128] and rows[("hr", "depth")]["dtype"] == "float32"
    assert rows[("lr", "motion")]["shape"] == [3, 48, 64, 2] and rows[("lr", "motion")]["dtype"] == "float16"
    assert len(rows) == 18
    assert info["raw_bytes"] == sum(r["raw_bytes"] for r in rows.values())
    assert info["ratio"] > 1.0 and info["meta"]["scene"] == {"family": "synthetic", "seed": 0}
    assert main(["info", str(synthetic_root)]) == 0
    out = capsys.readouterr().out
    assert "train" in out and "3 frames" in out


def test_user_errors_are_one_line_with_exit_2(tmp_path, capsys):
    assert main(["info", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gameir info: error:") and "nope: no such file or directory" in err
    assert main(["verify", str(tmp_path)]) == 2
    assert "no manifest" in capsys.readouterr().err


@pytest.mark.slow
def test_quickstart_renders_verifies_previews_evaluates_and_trains(tmp_path, capsys):
    out = tmp_path / "qs"
    assert main(["quickstart", "--out", str(out), "--train-seconds", "5"]) == 0
    text = capsys.readouterr().out
    assert "OpenGL: " in text and text.count("verify: OK") == 2
    for name in ("tiny", "tiny-nvs"):  # where the README's examples read them
        assert (out / "data" / name / "manifest.json").exists() and (out / "data" / name / "card.json").exists()
    runs = out / "runs" / "quickstart"
    preview = cv2.imread(str(runs / "preview.png"))
    assert preview is not None and preview.shape[1] == 4 * 256  # 4 tiles per row: LR, HR and 9 buffers
    assert f" frame 1): {runs / 'preview.png'}" in text  # frame 0 has no camera motion
    for method in ("bicubic", "gbuffer-jbu", "nearest-view", "warp"):
        assert f"--method {method}" in text
    assert text.count("Protocol: ") == 4 and text.count("| overall | all |") == 4
    summary = json.loads((runs / "eval" / "sr-bicubic" / "summary.json").read_text())
    assert 15 < summary["overall"]["psnr"] < 50  # a real score of real frames, not inf or 0
    jbu = json.loads((runs / "eval" / "sr-gbuffer-jbu" / "summary.json").read_text())["overall"]
    assert f"gbuffer-jbu: {jbu['psnr'] - summary['overall']['psnr']:+.2f} dB PSNR and " \
           f"{jbu['ssim'] - summary['overall']['ssim']:+.4f} SSIM vs bicubic" in text
    assert "test PSNR" in text and " SSIM vs bicubic) within this budget" in text
    m = re.search(r"test PSNR ([\d.]+) dB vs bicubic ([\d.]+) dB, SSIM ([\d.]+) vs ([\d.]+)", text)
    expected = {(True, True): "beats bicubic in PSNR and SSIM", (False, False): "does NOT beat bicubic in PSNR or SSIM",
                (True, False): "beats bicubic in PSNR only", (False, True): "beats bicubic in SSIM only"}
    psnr = [float(m[1]) > float(m[2])] if m[1] != m[2] else [True, False]  # equal when printed: either
    ssim = [float(m[3]) > float(m[4])] if m[3] != m[4] else [True, False]
    verdicts = [f"the model {expected[p, q]} (model: " for p in psnr for q in ssim]
    assert any(v in text for v in verdicts), verdicts  # the verdict follows the printed numbers
    assert f"model:     {runs / 'train' / 'model.pt'}" in text and (runs / "train" / "model.pt").is_file()
    next_steps = text.split("== next\n")[1].splitlines()[:3]
    assert next_steps[0].strip().startswith(f"python loaders/train_sr.py --data {out / 'data' / 'tiny'}")
    assert next_steps[1].strip().startswith(f"gameir eval sr --data {out / 'data' / 'tiny'}")
    assert next_steps[2].strip().startswith("gameir render gameir-sr")


def test_missing_egl_driver_is_one_line_naming_what_to_install(tmp_path):
    """With no EGL vendor library, `gameir render` and `gameir doctor` say what to install, no traceback."""
    env = dict(__import__("os").environ, __EGL_VENDOR_LIBRARY_FILENAMES=str(tmp_path / "none.json"))
    render = subprocess.run([sys.executable, "-m", "gameir", "render", "tiny", "--out", str(tmp_path / "d"),
                             "--clips", "1", "--quiet"], capture_output=True, text=True, env=env)
    assert render.returncode == 2 and "Traceback" not in render.stderr
    assert render.stderr.startswith("gameir render: error: could not create a headless EGL OpenGL 3.3 context")
    assert "apt-get install libegl1" in render.stderr
    doctor = subprocess.run([sys.executable, "-m", "gameir", "doctor"], capture_output=True, text=True, env=env)
    assert doctor.returncode == 1 and "apt-get install libegl1" in doctor.stdout
