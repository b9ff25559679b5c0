"""`gameir` entry point: builds the argparse tree from the verb modules listed in VERBS."""

from __future__ import annotations

import argparse
import importlib
import sys

from gameir.version import __version__

__all__ = ["VERBS", "build_parser", "main"]

#: Verb modules under gameir.cli; each defines ``register(subparsers)`` which adds its parser and
#: sets ``func`` (a callable taking the parsed args and returning an exit code).
VERBS: tuple[str, ...] = (
    "quickstart",
    "render",
    "doctor",
    "info",
    "verify",
    "manifest",
    "download",
    "serve",
    "export",
    "import_",
    "preview",
    "eval",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gameir",
        description="GameIR: render, ship, load and score native LR/HR game-frame datasets.",
        epilog="Run `gameir VERB --help` for each verb's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"gameir {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for name in VERBS:
        importlib.import_module(f"gameir.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError, FileExistsError, ImportError, ConnectionError) as exc:
        print(f"gameir {args.verb}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as exc:  # a corrupt shard read: ShardReadError names the file, buffer, level and frame
        from gameir.shards.format import ShardReadError

        if not isinstance(exc, ShardReadError):
            raise
        print(f"gameir {args.verb}: error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        from gameir.render.context import GLUnavailableError

        if not isinstance(exc, GLUnavailableError):
            raise
        print(f"gameir {args.verb}: error: {exc}", file=sys.stderr)  # names what to install
        return 2
    except KeyboardInterrupt:
        print(f"gameir {args.verb}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
