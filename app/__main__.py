"""``python -m app``: the same as the ``poplark`` command."""

import sys

from app.main import main

sys.exit(main())
