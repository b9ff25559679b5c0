"""Faults of scored methods are one-line errors (exit 2) naming the method, file and frame; outputs
far outside [0, 1] are refused, small overshoot is clamped."""

from __future__ import annotations

import re

import pytest
import torch

from gameir.cli.main import main
from gameir.evaluation import evaluate_nvs, evaluate_sr
from gameir.evaluation.predictions import (RANGE_TOLERANCE, PredictionError, PredictionTypeError,
                                           check_prediction)

def _line(path, marker: str) -> int:
    return next(i for i, text in enumerate(path.read_text().splitlines(), 1) if marker in text)


def _cli(capsys, *argv: str) -> tuple[int, str]:
    rc = main(list(argv))
    return rc, capsys.readouterr().err


def _eval_sr(capsys, root, method: str, *extra: str) -> tuple[int, str]:
    rc, err = _cli(capsys, "eval", "sr", "--data", str(root), "--method", method, "--quiet", *extra)
    assert err.count("\n") == 1, err  # one line, no traceback
    return rc, err


# -- item: values far outside [0, 1] ---------------------------------------------------------------

def test_0_255_float_output_is_refused_naming_method_frame_and_range(synthetic_root, fault_models, first_frame, capsys):
    name, _ = fault_models
    rc, err = _eval_sr(capsys, synthetic_root, f"python:{name}:x255")
    assert rc == 2
    m = re.search(rf"--method 'python:{name}:x255': {first_frame}: prediction values span \[([0-9.]+), ([0-9.]+)\], "
                  r"expected float sRGB in \[0, 1\] \(overshoot up to 0\.25 beyond it is clamped\) "
                  r"\(looks like 0\.\.255: divide by 255\)", err)
    assert m, err
    assert 1.25 < float(m.group(2)) <= 255.0
    rc, err = _eval_sr(capsys, synthetic_root, f"python:{name}:signed")
    assert rc == 2 and re.search(rf"{first_frame}: prediction values span \[-[0-9.]+, [0-9.]+\].*"
                                 r"looks like \[-1, 1\]: map with \(x \+ 1\) / 2", err), err


def test_small_overshoot_is_clamped_and_scored(synthetic_root, fault_models):
    name, _ = fault_models
    over = evaluate_sr(synthetic_root, "test", f"python:{name}:overshoot")
    clamped = evaluate_sr(synthetic_root, "test", f"python:{name}:overshoot_clamped")
    assert over["overall"]["psnr"] == clamped["overall"]["psnr"]
    assert over["overall"]["ssim"] == clamped["overall"]["ssim"]


def test_check_prediction_tolerance_edges():
    shape = (1, 3, 2, 2)
    edge = torch.tensor([-RANGE_TOLERANCE, 0.5, 1.0 + RANGE_TOLERANCE, 0.0]).reshape(1, 1, 2, 2).repeat(1, 3, 1, 1)
    out = check_prediction(edge, shape, "here")
    assert float(out.min()) == 0.0 and float(out.max()) == 1.0
    with pytest.raises(PredictionError, match=r"here: prediction values span \[0, 1\.26\]"):
        check_prediction(torch.full(shape, 0.0).index_fill_(3, torch.tensor([1]), 1.26), shape, "here")
    with pytest.raises(PredictionError, match=r"here: prediction values span \[-0\.3, 1\]"):
        check_prediction(torch.full(shape, 1.0).index_fill_(3, torch.tensor([0]), -0.3), shape, "here")


# -- item: wrong kinds of output, broken factories and models, garbage files -----------------------

@pytest.mark.parametrize("factory, message", [
    ("uint8", r"prediction has dtype torch\.uint8, expected a floating dtype \(sRGB in \[0, 1\]\) of shape "
              r"\[1, 3, 96, 128\]; for 0\.\.255 integer output return pred\.float\(\) / 255"),
    ("pair", r"the model returned a tuple of 2 item\(s\) \(Tensor, Tensor\); return only the image tensor; "
             r"expected a float tensor of shape \[1, 3, 96, 128\]"),
    ("ndarray", r"the model returned a numpy ndarray; return a torch tensor"),
])
def test_wrong_output_kinds_are_one_line_errors(synthetic_root, fault_models, first_frame, capsys, factory, message):
    name, _ = fault_models
    rc, err = _eval_sr(capsys, synthetic_root, f"python:{name}:{factory}")
    assert rc == 2 and re.search(rf"--method 'python:{name}:{factory}': {first_frame}: {message}", err), err
    with pytest.raises(PredictionTypeError, match=message) as info:  # a TypeError for Python callers
        evaluate_sr(synthetic_root, "test", f"python:{name}:{factory}")
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


def test_exception_inside_the_model_names_method_frame_type_and_place(synthetic_root, fault_models, first_frame,
                                                                       capsys):
    name, path = fault_models
    rc, err = _eval_sr(capsys, synthetic_root, f"python:{name}:raises")
    assert rc == 2
    assert (f"--method 'python:{name}:raises': {first_frame}: the model raised RuntimeError: boom in forward "
            f"(at {path}:{_line(path, 'MODEL_RAISE_LINE')})") in err
    # Python callers keep the original exception as the cause
    with pytest.raises(PredictionError) as info:
        evaluate_sr(synthetic_root, "test", f"python:{name}:raises")
    assert isinstance(info.value.__cause__, RuntimeError)
    # in tiled mode the same
    rc, err = _eval_sr(capsys, synthetic_root, f"python:{name}:raises", "--tile", "16")
    assert rc == 2 and f"{first_frame}: the model raised RuntimeError: boom in forward" in err


@pytest.mark.parametrize("factory, message", [
    ("returns_int", r"returns_int\(\) in {path} returned int 42, expected an nn\.Module or a callable"),
    ("not_a_function", r"{path} has no callable 'not_a_function' \(found int 7\)"),
    ("missing", r"{path} has no callable 'missing' \(found nothing\)"),
    ("factory_raises", r"factory_raises\(\) in {path} raised KeyError: 'weights\.pth' \(at {path}:\d+\)"),
])
def test_broken_factories_name_method_and_file(synthetic_root, fault_models, capsys, factory, message):
    name, path = fault_models
    rc, err = _eval_sr(capsys, synthetic_root, f"python:{name}:{factory}")
    assert rc == 2
    assert re.search(rf"--method 'python:{name}:{factory}': " + message.format(path=re.escape(str(path))), err), err


def test_module_that_fails_to_import_names_file_and_line(synthetic_root, tmp_path, monkeypatch, capsys):
    (tmp_path / "eval_broken_syntax.py").write_text("def f(:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    rc, err = _eval_sr(capsys, synthetic_root, "python:eval_broken_syntax:f")
    assert rc == 2 and "cannot import 'eval_broken_syntax' (SyntaxError:" in err
    assert f"(at {tmp_path / 'eval_broken_syntax.py'}:1)" in err


def test_garbage_and_missing_torchscript_files(synthetic_root, tmp_path, capsys):
    bad = tmp_path / "model.pt"
    bad.write_bytes(b"this is not a model\n" * 10)
    rc, err = _eval_sr(capsys, synthetic_root, f"torchscript:{bad}")
    assert rc == 2
    assert (f"--method 'torchscript:{bad}': {bad} is not a TorchScript model written by "
            f"gameir.models.export_torchscript or torch.jit.save (RuntimeError: ") in err
    rc, err = _eval_sr(capsys, synthetic_root, f"torchscript:{tmp_path / 'none.pt'}")
    assert rc == 2 and f"no such TorchScript file {tmp_path / 'none.pt'}" in err


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.jit.script / save in torch 2.13
def test_exception_inside_a_torchscript_model_is_one_line(synthetic_root, tmp_path, first_frame, capsys):
    class Broken(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.cat([x, torch.zeros(2, 2)])

    path = tmp_path / "broken.pt"
    torch.jit.save(torch.jit.script(Broken()), str(path))
    rc, err = _eval_sr(capsys, synthetic_root, f"torchscript:{path}")
    assert rc == 2
    assert (f"--method 'torchscript:{path}': {first_frame}: the model raised RuntimeError: Tensors must have same "
            f"number of dimensions: got 4 and 2") in err


def test_nvs_method_faults_name_method_and_frame(tiny_nvs, fault_models, capsys):
    name, path = fault_models
    rc, err = _cli(capsys, "eval", "nvs", "--data", str(tiny_nvs), "--method", f"python:{name}:nvs_raises",
                   "--holdout", "1", "--quiet")
    assert rc == 2 and err.count("\n") == 1, err
    assert re.search(rf"--method 'python:{name}:nvs_raises': clip \S+ frame 0 views \[1\]: the model raised "
                     rf"RuntimeError: .* \(at {re.escape(str(path))}:{_line(path, 'NVS_RAISE_LINE')}\)", err), err
    rc, err = _cli(capsys, "eval", "nvs", "--data", str(tiny_nvs), "--method", f"python:{name}:nvs_uint8",
                   "--holdout", "1", "--quiet")
    assert rc == 2 and err.count("\n") == 1 and "views [1]: prediction has dtype torch.uint8" in err
    rc, err = _cli(capsys, "eval", "nvs", "--data", str(tiny_nvs), "--method", f"python:{name}:returns_int",
                   "--holdout", "1", "--quiet")
    assert rc == 2 and f"returns_int() in {path} returned int 42" in err
    with pytest.raises(PredictionError, match=r"views \[1\]: the model raised RuntimeError"):
        evaluate_nvs(tiny_nvs, "test", f"python:{name}:nvs_raises", holdout=(1,))
