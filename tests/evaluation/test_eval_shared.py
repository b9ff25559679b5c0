"""The pieces every evaluation path shares: protocol resolution, device choice, the in-memory
predictor scoring the trainer uses, and the TorchScript loader's error boundary."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gameir.data import SRDataset
from gameir.evaluation import evaluate_sr_predictor, resolve_device, resolve_protocol
from gameir.evaluation.protocol import protocol_settings
from gameir.evaluation.sr_methods import _is_device_error


def test_protocol_file_values_with_overrides_rename_the_protocol():
    assert protocol_settings("sr") == ("split", "scale", "y_channel", "crop_border", "temporal")
    assert protocol_settings("nvs") == ("split", "y_channel", "crop_border", "holdout")
    plain = resolve_protocol("gameir-sr-x2-y", "sr")
    assert plain == {"split": "test", "scale": 2, "y_channel": True, "crop_border": 2, "temporal": True,
                     "protocol_name": "gameir-sr-x2-y"}
    same = resolve_protocol("gameir-sr-x2-y", "sr", {"crop_border": 2, "y_channel": None})
    assert same["protocol_name"] == "gameir-sr-x2-y"  # an override equal to the file's value changes nothing
    changed = resolve_protocol("gameir-sr-x2-y", "sr", {"crop_border": 0, "temporal": False, "split": "val"})
    assert changed["protocol_name"] == "gameir-sr-x2-y modified (split, crop_border, temporal)"
    assert (changed["split"], changed["crop_border"], changed["temporal"]) == ("val", 0, False)
    nvs = resolve_protocol("gameir-nvs-holdout-1-3", "nvs", {"holdout": (1, 3)})  # a tuple equals the file's list
    assert nvs["protocol_name"] == "gameir-nvs-holdout-1-3" and nvs["holdout"] == (1, 3)
    assert resolve_protocol(None, "nvs") == {"split": "test", "protocol_name": "custom"}
    assert resolve_protocol(None, "sr", {"scale": 4}) == {"scale": 4, "split": "test", "protocol_name": "custom"}


def test_protocol_resolution_refuses_a_key_of_the_other_task():
    with pytest.raises(ValueError, match=r"resolve_protocol: 'holdout' is not a setting of task sr; allowed: split, "
                                         r"scale, y_channel, crop_border, temporal"):
        resolve_protocol(None, "sr", {"holdout": (1,)})
    with pytest.raises(ValueError, match=r"protocol is for task 'nvs', not 'sr'"):
        resolve_protocol("gameir-nvs-holdout-1-3", "sr")
    with pytest.raises(ValueError, match=r"task must be one of sr, nvs, got 'depth'"):
        resolve_protocol(None, "depth")


def test_one_device_rule_for_evaluation_and_training():
    import gameir.evaluation.distributed as distributed
    import gameir.training as training

    assert training.resolve_device is resolve_device is distributed.resolve_device
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("cpu", 0)) == torch.device("cpu", 0)  # a device passes through
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError, match=r"--device must be auto, cpu or cuda\[:K\], got 'gpu'"):
        resolve_device("gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"--device cuda:1: CUDA is not available on this machine"):
            resolve_device("cuda:1")


def _psnr_numpy(pred: np.ndarray, gt: np.ndarray, crop: int) -> float:
    """PSNR in dB of float images in [0, 1], (3, H, W), ``crop`` pixels removed per side (independent of gameir)."""
    p, g = pred[:, crop:-crop, crop:-crop].astype(np.float64), gt[:, crop:-crop, crop:-crop].astype(np.float64)
    return 10.0 * math.log10(1.0 / float(np.mean((p - g) ** 2)))


def test_predictor_scoring_matches_an_independent_psnr_and_its_warp_errors(synthetic_root):
    ds = SRDataset(synthetic_root, "test", gbuffers=("motion",), seed=0)
    items = [ds[i] for i in range(len(ds))]

    def nearest(batch, prev):
        return F.interpolate(batch["lr"], scale_factor=2.0, mode="nearest")

    got = evaluate_sr_predictor(nearest, items, scale=2, stability=True)
    want = [_psnr_numpy(nearest({"lr": it["lr"][None]}, None)[0].numpy(), it["hr"].numpy(), 2) for it in items]
    assert got["frames"] == len(items) == 3
    assert got["psnr"] == pytest.approx(float(np.mean(want)), abs=1e-4)
    assert got["warp_pairs"] == 2 and got["warp_mse"] > 0
    truth = evaluate_sr_predictor(lambda b, _: b["hr"], items, scale=2, stability=True)
    assert truth["warp_mse"] == truth["warp_mse_gt"] and math.isinf(truth["psnr"])
    # extra per-frame metrics join the records; warp errors come per consecutive pair too
    extra = evaluate_sr_predictor(nearest, items, scale=2, stability=True,
                                  extra_metrics={"mae": lambda p, h: (p - h).abs().mean(dim=(1, 2, 3))})
    want_mae = [float((nearest({"lr": it["lr"][None]}, None) - it["hr"][None]).abs().mean()) for it in items]
    assert [r["mae"] for r in extra["records"]] == pytest.approx(want_mae, abs=1e-6)
    assert [r["frame"] for r in extra["warp_records"]] == [1, 2]
    assert np.mean([r["warp_mse"] for r in extra["warp_records"]]) == pytest.approx(got["warp_mse"])

    def wrong(batch, prev):
        return batch["hr"][..., :-1]

    with pytest.raises(ValueError, match=rf"clip {items[0]['clip_id']} frame 0: prediction has shape "
                                         r"\[1, 3, 96, 127\], expected \[1, 3, 96, 128\]"):
        evaluate_sr_predictor(wrong, items, scale=2)


def test_the_former_training_name_still_works_with_a_warning():
    import gameir.training as training

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from gameir.training import evaluate_sr
    assert evaluate_sr is evaluate_sr_predictor
    assert any(issubclass(w.category, DeprecationWarning) and "evaluate_sr_predictor" in str(w.message) for w in caught)
    with pytest.raises(AttributeError, match="has no attribute 'evaluate_srr'"):
        training.evaluate_srr  # noqa: B018


def test_device_errors_are_not_taken_for_bad_files(tmp_path):
    assert _is_device_error(torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"))
    assert _is_device_error(RuntimeError("CUDA error: an illegal memory access was encountered"))
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a zip archive")
    with pytest.raises(RuntimeError) as info:  # what torch raises for a file that is not TorchScript
        torch.jit.load(str(bad))
    assert not _is_device_error(info.value)
    assert not _is_device_error(ValueError("Expecting value: line 1 column 1 (char 0)"))
