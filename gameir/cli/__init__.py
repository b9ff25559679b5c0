"""Command-line interface: one module per verb, each a thin layer over the library."""

__all__ = ["main"]


def main(argv=None) -> int:  # re-exported lazily so `import gameir.cli` stays cheap
    from gameir.cli.main import main as _main

    return _main(argv)
