"""``python -m planlib``: the same as the ``planlib`` command."""

import sys

from .cli import main

sys.exit(main())
