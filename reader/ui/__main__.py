"""`python -m reader.ui`: the window (or a command), as the installed launcher runs it."""

import sys

from reader.ui.launch import main

sys.exit(main())
