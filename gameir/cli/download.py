"""`gameir download URL --split S [--to DIR]` (a published split) or `gameir download TAR_URL... --to DIR` (files)."""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from pathlib import Path

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "download", help="download (or resume) a split of a published dataset, or a list of release tars, verified",
        description="With one dataset URL: fetch URL/manifest.json, then every shard of the split concurrently. "
                    "With .tar URLs (arguments, or a text file of URLs with --urls): fetch each file into "
                    "DIR/<file name>. Interrupted transfers resume from their *.partial file with HTTP Range "
                    "requests; each file is checked (manifest SHA-256 and size; for files, the server's "
                    "Content-Length and a SHA-256 where given as URL#sha256=<hex> or in a --sha256 list) before "
                    "it gets its final name; verified files are never fetched again. URL may be http(s)://, "
                    "file://, a local path, or any fsspec URL (s3://, gs://, hf://...) whose backend is installed. "
                    "Exits 1 naming each file that failed.",
        epilog="examples:\n"
               "  gameir download https://example.org/gameir-sr-v1 --split train --to data/gameir\n"
               "  gameir download http://192.168.1.20:8000/ --split val --to data/lab --jobs 8\n"
               "  gameir download file:///mnt/nas/gameir --split test --to data/gameir --verify-only\n"
               "  gameir download https://example.org/rel/GameIR-SR-000.tar https://example.org/rel/GameIR-SR-001.tar "
               "--to release/\n"
               "  gameir download --urls release-urls.txt --sha256 SHA256SUMS --to release/",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", nargs="*", help="base URL of the dataset (the folder holding manifest.json), "
                                               "or one or more .tar file URLs")
    parser.add_argument("--urls", metavar="FILE", help="text file of file URLs, one per line (# comments allowed)")
    parser.add_argument("--sha256", metavar="FILE", help="sha256sum-style list '<hex>  <file name>' for the files")
    parser.add_argument("--split", default="train", help="split to fetch (default: train; datasets only)")
    parser.add_argument("--to", help="local dataset root (default: ./<last part of URL>; for files: .)")
    parser.add_argument("--jobs", type=int, default=4, help="files fetched concurrently (default: 4)")
    parser.add_argument("--verify-only", action="store_true",
                        help="fetch only the manifest and re-hash the local shards of the split")
    parser.add_argument("--retries", type=int, default=5, help="retries per file after a transient error (default: 5)")
    parser.add_argument("--timeout", type=float, default=30.0, help="socket timeout in seconds (default: 30)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def _is_file_url(url: str) -> bool:
    return urllib.parse.urlsplit(url.split("#", 1)[0]).path.endswith(".tar")


def run(args: argparse.Namespace) -> int:
    from gameir.distribution.download import DownloadError, download_split
    from gameir.distribution.files import download_files, parse_sha256sums, parse_url_list

    urls = list(args.url)
    if args.urls:
        urls += parse_url_list(_read_text(args.urls), where=args.urls)
    files_mode = bool(args.urls) or any(_is_file_url(u) for u in urls)
    if not urls:
        raise ValueError("give a dataset URL, one or more file URLs, or --urls FILE")
    if not files_mode and (args.sha256 or len(urls) > 1):
        raise ValueError(f"{len(urls)} URLs given but none ends in .tar: a dataset download takes one base URL "
                         "(--sha256 applies to file downloads only)")
    try:
        if files_mode:
            if args.verify_only:
                raise ValueError("--verify-only checks a dataset's split against its manifest; not for file lists")
            sums = parse_sha256sums(_read_text(args.sha256), where=args.sha256) if args.sha256 else None
            report = download_files(urls, args.to or ".", sha256=sums, jobs=args.jobs, retries=args.retries,
                                    timeout_s=args.timeout, quiet=args.quiet)
        else:
            report = download_split(urls[0], args.split, args.to, jobs=args.jobs, verify_only=args.verify_only,
                                    retries=args.retries, timeout_s=args.timeout, quiet=args.quiet)
    except DownloadError as exc:
        print(f"gameir download: error: {exc}", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError):
        raise
    except OSError as exc:  # not enough disk space, unwritable destination
        print(f"gameir download: error: {exc}", file=sys.stderr)
        return 2
    for line in report.failures.values():
        print(f"FAIL {line}", file=sys.stderr)
    print(report.summary())
    return 1 if report.failures else 0


def _read_text(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    return file.read_text(encoding="utf-8")
