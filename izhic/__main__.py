"""``python -m izhic``: the ``izhic`` command line (see :mod:`izhic.cli`)."""
import sys

from .cli import main

sys.exit(main())
