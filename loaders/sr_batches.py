"""Training-style iteration over SRDataset: batches of aligned LR/HR crops with G-buffers.

Prints the keys, shapes and dtypes of the first batch, then samples/s per epoch, the way a
training loop would consume the data (shuffle, workers, persistent workers, set_epoch).

Examples:
    gameir quickstart --out /tmp/gq     # a small dataset with every buffer at LR and HR
    python loaders/sr_batches.py data/tiny --split train --lr-patch 16 --gbuffers depth,normal,motion
    python loaders/sr_batches.py /data/gameir-sr --lr-patch 128 --frames 3 --num-workers 2 --epochs 2
    python loaders/sr_batches.py /data/GameIR-release --split "" --gbuffers depth,semantic   # release tars
"""

from __future__ import annotations

import argparse
import sys
import time

import torch
from torch.utils.data import DataLoader

from gameir.cli.arglists import names
from gameir.data import SRDataset


def describe(batch: dict) -> str:
    lines = []
    for key, value in batch.items():
        if torch.is_tensor(value):
            lines.append(f"  {key:<13} {tuple(value.shape)} {str(value.dtype).replace('torch.', '')}")
        else:
            lines.append(f"  {key:<13} {type(value).__name__} e.g. {value[0]!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Iterate SRDataset batches and print shapes and throughput.",
                                     epilog=__doc__.split("Examples:")[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", help="dataset root (manifest.json), shard files' folder, or release tars/folder")
    parser.add_argument("--split", default="train", help="split name; '' for every clip (default: %(default)s)")
    parser.add_argument("--lr-patch", type=int, default=None, help="LR crop edge in pixels (default: full frames)")
    parser.add_argument("--gbuffers", type=lambda t: names(t) if t else (), default=("depth", "normal", "basecolor"),
                        help="comma-separated G-buffers after RGB (default: depth,normal,basecolor; '' for none)")
    parser.add_argument("--gbuffer-res", default="lr", choices=("lr", "hr"))
    parser.add_argument("--frames", type=int, default=1, help="window length for temporal models")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--num-workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-augment", action="store_true")
    args = parser.parse_args(argv)

    dataset = SRDataset(args.root, args.split or None, lr_patch=args.lr_patch, gbuffers=tuple(args.gbuffers),
                        gbuffer_res=args.gbuffer_res, frames=args.frames, augment=not args.no_augment, seed=args.seed)
    print(dataset)
    print(f"aux channels ({len(dataset.aux_channels)}): {', '.join(dataset.aux_channels[:8])}"
          f"{' ...' if len(dataset.aux_channels) > 8 else ''}")
    loader = DataLoader(dataset, batch_size=args.batch_size, shuffle=True, num_workers=args.num_workers,
                        persistent_workers=args.num_workers > 0, drop_last=False,
                        generator=torch.Generator().manual_seed(args.seed))
    for epoch in range(args.epochs):
        dataset.set_epoch(epoch)  # new crops and flips each epoch, identical for any worker count
        start, samples = time.perf_counter(), 0
        for step, batch in enumerate(loader):
            if epoch == 0 and step == 0:
                print("first batch:\n" + describe(batch))
            samples += batch["lr"].shape[0]
        elapsed = time.perf_counter() - start
        print(f"epoch {epoch}: {samples} samples in {elapsed:.2f} s = {samples / elapsed:.1f} samples/s "
              f"({args.num_workers} workers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
