#!/usr/bin/env bash
# Proves that BasicSR's own dataset classes (basicsr 1.4.2 from PyPI, unchanged) read what
# `gameir export basicsr` writes: PairedImageDataset in folder mode and in meta_info_file mode,
# REDSDataset and VideoTestDataset, each built through BasicSR's registry from the option blocks
# in docs/DISTRIBUTION.md, with N > 0 items whose LR/HR crops are aligned (HR crop = the exported
# HR frame at scale x the LR corner that BasicSR drew); and that gameir.metrics PSNR / SSIM agree
# with basicsr.metrics on the exported frames. Renders one 100-frame clip at 32x24 first.
# Runs in a throw-away venv that reuses the installed torch; about 2 min on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
start=$SECONDS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv --system-site-packages "$work/venv"
py="$work/venv/bin/python"
pip=("$py" -m pip install --quiet --disable-pip-version-check --no-deps)
# torchvision 0.28.0 is the release built for torch 2.13; basicsr imports it but none of its C++ ops.
# basicsr ships only an sdist; build it against the venv (no isolated build env to download).
quiet_pip() { "${pip[@]}" "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
quiet_pip torchvision==0.28.0 wheel
quiet_pip --no-build-isolation basicsr==1.4.2
echo "check_basicsr: venv with basicsr 1.4.2 ready after $((SECONDS - start)) s"

LP_NUM_THREADS=1 python3 -m gameir render tiny --out "$work/data" --clips 1 --split val --quiet \
  --override clips.frames=100 --override 'render.lr=[32,24]'
python3 -m gameir export basicsr "$work/data" --layout paired --to "$work/bsr-paired" --quiet
python3 -m gameir export basicsr "$work/data" --layout reds --to "$work/bsr-reds" --quiet
echo "check_basicsr: rendered and exported after $((SECONDS - start)) s"

"$py" - "$work" docs/DISTRIBUTION.md <<'EOF'
import random
import re
import sys
import types
from pathlib import Path

import cv2
import numpy as np
import torch
import yaml

work, doc = Path(sys.argv[1]), Path(sys.argv[2])

# Shim 1: PyPI's x86_64 torchvision wheels are built against CUDA torch, so beside a CPU build of
# torch their C++ extension does not load, and torchvision 0.28 then fails at import while
# registering fake kernels for its ops. Declaring the two op schemas it registers lets the pure
# Python part import; BasicSR's data classes use none of torchvision's C++ ops.
torch.library.define("torchvision::nms", "(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
torch.library.define("torchvision::qnms", "(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
import torchvision.transforms.functional as tvf  # noqa: E402

# Shim 2: basicsr 1.4.2 (basicsr/data/degradations.py) imports torchvision.transforms.functional_tensor,
# which torchvision 0.17 removed; its rgb_to_grayscale lives on in torchvision.transforms.functional.
sys.modules["torchvision.transforms.functional_tensor"] = types.SimpleNamespace(rgb_to_grayscale=tvf.rgb_to_grayscale)

import basicsr  # noqa: E402
from basicsr.data import build_dataset  # noqa: E402

print(f"basicsr {basicsr.__version__} from {Path(basicsr.__file__).parent}")

# The option blocks users copy from docs/DISTRIBUTION.md, with its example paths pointed at this run.
blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", doc.read_text(), re.S)]
blocks = [b for b in blocks if isinstance(b, dict) and "datasets" in b]
if len(blocks) != 4:
    sys.exit(f"expected 4 BasicSR option blocks in {doc}, found {len(blocks)}")


def rgb(path):
    return cv2.imread(str(path), cv2.IMREAD_COLOR)[..., ::-1].astype(np.float32) / 255.0


def chw(t):
    return t.numpy().transpose(1, 2, 0)


for block in blocks:
    for phase, opt in block["datasets"].items():
        for key in ("dataroot_gt", "dataroot_lq", "meta_info_file"):
            if opt.get(key):
                opt[key] = str(work / opt[key].removeprefix("exports/"))
        # what basicsr.utils.options.parse_options adds to every dataset block
        opt["phase"] = phase.split("_")[0]
        opt["scale"] = block["scale"]
        if opt["phase"] == "train":
            # the tiny render is 24x32 / 48x64: a 16 px GT crop; no flips, so the crop corner can be replayed
            opt.update(gt_size=16, use_hflip=False, use_rot=False)
        dataset = build_dataset(opt)
        n, scale = len(dataset), block["scale"]
        if n == 0:
            sys.exit(f"{opt['type']} ({opt['name']}): 0 items")
        mode = "meta_info_file" if opt.get("meta_info_file") else "folder scan"
        for index in (0, n // 2, n - 1):
            seed = 1000 + index
            random.seed(seed)
            item = dataset[index]
            lq, gt = item["lq"], item["gt"]
            if opt["type"] == "VideoTestDataset":
                lr_frame, hr_frame = rgb(item["lq_path"]), rgb(Path(opt["dataroot_gt"]) / item["folder"] / Path(item["lq_path"]).name)
                lq_centre = chw(lq[lq.shape[0] // 2])
                assert np.array_equal(lq_centre, lr_frame) and np.array_equal(chw(gt), hr_frame), item["lq_path"]
                assert tuple(gt.shape[-2:]) == (lq.shape[-2] * scale, lq.shape[-1] * scale)
                continue
            random.seed(seed)  # replay BasicSR's draws: the centre frame (REDSDataset), then the LQ corner
            if opt["type"] == "REDSDataset":
                clip, frame = item["key"].split("/")
                centre, half, interval = int(frame), opt["num_frame"] // 2, random.choice(opt["interval_list"])
                while centre - half * interval < 0 or centre + half * interval > 99:
                    centre = random.randint(0, 99)
                lr_path = Path(opt["dataroot_lq"]) / clip / f"{centre:08d}.png"
                hr_path = Path(opt["dataroot_gt"]) / clip / f"{centre:08d}.png"
                lq_centre = chw(lq[half])
            else:
                lr_path, hr_path, lq_centre = Path(item["lq_path"]), Path(item["gt_path"]), chw(lq)
            lr_frame, hr_frame = rgb(lr_path), rgb(hr_path)
            p = opt["gt_size"] // scale
            top, left = random.randint(0, lr_frame.shape[0] - p), random.randint(0, lr_frame.shape[1] - p)
            assert lr_path.name == hr_path.name, (lr_path, hr_path)
            assert np.array_equal(lq_centre, lr_frame[top:top + p, left:left + p]), (opt["type"], lr_path, top, left)
            assert np.array_equal(chw(gt), hr_frame[scale * top:scale * (top + p), scale * left:scale * (left + p)]), \
                (opt["type"], hr_path, top, left)
            assert tuple(gt.shape[-2:]) == (lq.shape[-2] * scale, lq.shape[-1] * scale)
        print(f"{opt['type']:<20} {mode:<15} {opt['name']}: N = {n} items, LR/HR crops aligned (x{scale})")

# gameir.metrics against BasicSR's own calculate_psnr / calculate_ssim (numpy, BGR, 0..255) on the
# exported HR frames and their bicubic x2 upscaled LR frames, RGB and Y channel, crop_border = scale.
from basicsr.metrics import calculate_psnr, calculate_ssim  # noqa: E402

from gameir.metrics import psnr, ssim  # noqa: E402

paired = work / "bsr-paired"
worst = {"psnr": 0.0, "ssim": 0.0}
for path in sorted((paired / "HR").iterdir())[::10]:
    hr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    lr = cv2.imread(str(paired / "LR" / path.name), cv2.IMREAD_COLOR)
    up = cv2.resize(lr, (hr.shape[1], hr.shape[0]), interpolation=cv2.INTER_CUBIC)
    ours_t = [torch.from_numpy(np.ascontiguousarray(a[..., ::-1].transpose(2, 0, 1))).double() for a in (up, hr)]
    for y in (False, True):
        ref = calculate_psnr(up.astype(np.float64), hr.astype(np.float64), 2, input_order="HWC", test_y_channel=y)
        worst["psnr"] = max(worst["psnr"], abs(float(psnr(*ours_t, 255.0, crop_border=2, y_channel=y)) - ref))
        ref = calculate_ssim(up.astype(np.float64), hr.astype(np.float64), 2, input_order="HWC", test_y_channel=y)
        worst["ssim"] = max(worst["ssim"], abs(float(ssim(*ours_t, 255.0, crop_border=2, y_channel=y)) - ref))
print(f"gameir.metrics vs basicsr.metrics on 10 frames, RGB and Y: |dPSNR| <= {worst['psnr']:.1e} dB, "
      f"|dSSIM| <= {worst['ssim']:.1e}")
if worst["psnr"] > 1e-5 or worst["ssim"] > 1e-5:
    sys.exit("gameir.metrics disagree with basicsr.metrics")
EOF
echo "check_basicsr: passed in $((SECONDS - start)) s"
