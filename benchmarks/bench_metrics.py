"""Time PSNR and SSIM on a CPU batch of 2x3x1440x1920 float32 pairs: ours vs torchmetrics vs scikit-image.

Prints one table: seconds per call (best of --repeats) and the largest per-image difference from
scikit-image computed in float64 on the same float32 values (the reference). Images are two
scikit-image photographs resized to 1920x1440; predictions are blurred and noisy copies.

Run:
    python benchmarks/bench_metrics.py            # needs: pip install torchmetrics (benchmark only)
    python benchmarks/bench_metrics.py --repeats 5 --threads 2
    python benchmarks/bench_metrics.py --baselines   # also time the SR / NVS baselines at 1920x1440
    python benchmarks/bench_metrics.py --flip        # also FLIP: ours vs flip-evaluator (NVIDIA's reference)
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

import cv2
import numpy as np
import torch
from skimage import data
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from gameir.metrics import flip_map, psnr, ssim

H, W = 1440, 1920


def make_batch(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """(2, 3, 1440, 1920) float32 pred and target in [0, 1]."""
    rng = np.random.default_rng(seed)
    targets, preds = [], []
    for name in ("astronaut", "coffee"):
        img = cv2.resize(getattr(data, name)().astype(np.float32) / 255, (W, H), interpolation=cv2.INTER_CUBIC)
        img = np.clip(img, 0, 1)
        pred = cv2.GaussianBlur(img, (0, 0), 0.8) + rng.normal(0, 0.02, img.shape).astype(np.float32)
        targets.append(img.transpose(2, 0, 1))
        preds.append(np.clip(pred, 0, 1).transpose(2, 0, 1))
    return torch.from_numpy(np.stack(preds)).contiguous(), torch.from_numpy(np.stack(targets)).contiguous()


def best_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    out = fn()  # warm-up (also returns the value)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def sk_per_image(fn: Callable, pred: torch.Tensor, target: torch.Tensor, as64: bool) -> np.ndarray:
    vals = []
    for p, t in zip(pred.numpy(), target.numpy()):
        p, t = p.transpose(1, 2, 0), t.transpose(1, 2, 0)
        if as64:
            p, t = p.astype(np.float64), t.astype(np.float64)
        vals.append(fn(p, t))
    return np.array(vals)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3, help="timed calls per entry (best is kept)")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    ap.add_argument("--baselines", action="store_true",
                    help="also time gameir.baselines (bicubic, joint bilateral, warp) on one HR frame")
    ap.add_argument("--flip", action="store_true",
                    help="also LDR-FLIP per 1920x1440 pair: gameir vs flip-evaluator (pip install flip-evaluator)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        from torchmetrics.functional.image import peak_signal_noise_ratio as tm_psnr
        from torchmetrics.functional.image import structural_similarity_index_measure as tm_ssim
    except ImportError:
        tm_psnr = tm_ssim = None
        print("torchmetrics not installed: `pip install torchmetrics` to include it (benchmark only)")

    pred, target = make_batch()
    sk_ssim = lambda p, t: structural_similarity(p, t, gaussian_weights=True, sigma=1.5,  # noqa: E731
                                                 use_sample_covariance=False, data_range=1.0, channel_axis=2)
    sk_psnr = lambda p, t: peak_signal_noise_ratio(t, p, data_range=1.0)  # noqa: E731
    ref_ssim = sk_per_image(sk_ssim, pred, target, as64=True)
    ref_psnr = sk_per_image(sk_psnr, pred, target, as64=True)

    entries: list[tuple[str, Callable | None, Callable | None]] = [
        ("gameir (OpenCV path, CPU default)", lambda: ssim(pred, target, 1.0), lambda: psnr(pred, target, 1.0)),
        ("gameir (torch path, as on CUDA)", lambda: ssim(pred, target, 1.0, backend="torch"), None),
    ]
    if tm_ssim is not None:
        entries.append(("torchmetrics (per image)",
                        lambda: tm_ssim(pred, target, data_range=1.0, reduction="none"),
                        lambda: tm_psnr(pred, target, data_range=1.0, reduction="none", dim=(1, 2, 3))))
    entries.append(("scikit-image (float32 in)",
                    lambda: sk_per_image(sk_ssim, pred, target, as64=False),
                    lambda: sk_per_image(sk_psnr, pred, target, as64=False)))

    print(f"batch {tuple(pred.shape)} float32, CPU, torch threads {torch.get_num_threads()}, "
          f"{platform.processor() or platform.machine()}, torch {torch.__version__}, OpenCV {cv2.__version__}")
    rows = []
    for name, f_ssim, f_psnr in entries:
        row = [name]
        for f, ref in ((f_ssim, ref_ssim), (f_psnr, ref_psnr)):
            if f is None:
                row += ["-", "-"]
                continue
            t, v = best_time(f, args.repeats)
            v = np.asarray(torch.as_tensor(v, dtype=torch.float64).flatten())
            row += [f"{t:.3f}", f"{np.max(np.abs(v - ref)):.1e}"]
        rows.append(row)
    head = ["implementation", "SSIM s", "SSIM max|d| vs skimage64", "PSNR s", "PSNR max|d| vs skimage64"]
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    fmt = " | ".join(f"{{:{w}}}" for w in widths)
    print(fmt.format(*head))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(fmt.format(*r))
    if args.baselines:
        bench_baselines(args.repeats)
    if args.flip:
        bench_flip(pred, target, args.repeats)


def bench_flip(pred: torch.Tensor, target: torch.Tensor, repeats: int) -> None:
    """Seconds per 1920x1440 pair and largest difference of gameir's LDR-FLIP from flip-evaluator's."""
    import flip_evaluator

    print()
    print("pair | flip-evaluator s | gameir s | speed ratio | mean FLIP (ref) | |d mean| | max |d| per pixel")
    print("--- | ---: | ---: | ---: | ---: | ---: | ---:")
    for i in range(pred.shape[0]):
        p = np.ascontiguousarray(pred[i].permute(1, 2, 0).numpy())
        t = np.ascontiguousarray(target[i].permute(1, 2, 0).numpy())
        t_ref, (ref_map, ref_mean, _) = best_time(lambda: flip_evaluator.evaluate(t, p, "LDR", applyMagma=False), repeats)
        t_ours, ours = best_time(lambda: flip_map(pred[i:i + 1], target[i:i + 1], 1.0)[0].numpy(), repeats)
        print(f"{i} | {t_ref:.2f} | {t_ours:.2f} | {t_ref / t_ours:.1f}x | {ref_mean:.6f} | "
              f"{abs(float(ours.mean(dtype=np.float64)) - ref_mean):.1e} | {np.abs(ours - ref_map[..., 0]).max():.1e}")


def bench_baselines(repeats: int) -> None:
    """Seconds per 1920x1440 frame (x2 from 960x720) for the non-learned baselines."""
    from gameir.baselines import joint_bilateral_upscale, upscale, warp_views
    from gameir.scene.camera import intrinsics_from_fov, look_at

    rng = np.random.default_rng(0)
    g = torch.Generator().manual_seed(0)
    lr = torch.rand(1, 3, H // 2, W // 2, generator=g)
    guides = {"depth": torch.rand(1, 1, H, W, generator=g) * 50 + 1,
              "normal": torch.nn.functional.normalize(torch.randn(1, 3, H, W, generator=g), dim=1),
              "basecolor": torch.rand(1, 3, H, W, generator=g)}
    K = intrinsics_from_fov(W, H, 60.0)
    rgb = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    depth = rng.uniform(2, 50, (H, W)).astype(np.float32)
    src, dst = look_at([0, 0, 1.5], [10, 0, 0]), look_at([0.4, 0.3, 1.6], [10, 1, 0])
    cases = [("upscale bicubic x2 (960x720 -> 1920x1440)", lambda: upscale(lr, 2, "bicubic")),
             ("joint_bilateral_upscale x2, 3 guides, radius 2", lambda: joint_bilateral_upscale(lr, 2, guides)),
             ("warp_views 1920x1440 (random depth, hole fill)", lambda: warp_views(rgb, depth, K, src, K, dst))]
    print()
    print("baseline | s per frame")
    print("--- | ---")
    for name, fn in cases:
        print(f"{name} | {best_time(fn, repeats)[0]:.3f}")


if __name__ == "__main__":
    main()
