"""`gameir serve DIR [--port P] [--host H] [--idle-timeout S]`: share a dataset read-only over HTTP with byte ranges."""

from __future__ import annotations

import argparse

__all__ = ["register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve", help="serve a dataset directory read-only over HTTP (Range requests supported)",
        description="Serve DIR over HTTP so others can `gameir download` it: GET/HEAD only (others: 405), single "
                    "byte ranges (206/416), no path outside DIR (`..` and outward symlinks are refused and left "
                    "out of listings), headers capped (431), idle connections closed. Binds 127.0.0.1 "
                    "unless --host says otherwise; use --host 0.0.0.0 to share on a LAN. Ctrl-C stops it.",
        epilog="examples:\n  gameir serve data/gameir --port 8000\n"
               "  gameir serve data/gameir --host 0.0.0.0 --port 8000   # then, on another machine:\n"
               "  gameir download http://<this-host>:8000/ --split train --to data/gameir",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", help="dataset root to serve")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default: 8000; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)")
    parser.add_argument("--idle-timeout", type=float, default=None, metavar="SECONDS",
                        help="close a connection that sends or receives nothing for this long (default: 30)")
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from gameir.distribution.serve import make_server

    try:
        timeout = {} if args.idle_timeout is None else {"idle_timeout_s": args.idle_timeout}
        server = make_server(args.dir, host=args.host, port=args.port, quiet=args.quiet, **timeout)
    except (FileNotFoundError, ValueError):
        raise
    except OSError as exc:  # address in use, permission denied for a low port, unknown host
        print(f"gameir serve: error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"serving {server.root} read-only at {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
