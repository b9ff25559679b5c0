"""`python -m gameir` runs the CLI (also under `torchrun -m gameir`)."""

import sys

from gameir.cli.main import main

sys.exit(main())
