"""``python -m bot``: the ``reportbot`` command."""

import sys

from bot.frontends.cli import main

sys.exit(main())
