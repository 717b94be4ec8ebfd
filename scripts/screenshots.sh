#!/usr/bin/env bash
# Screenshots of the window under a virtual X display: `scripts/screenshots.sh`.
# Needs Xvfb (`apt-get install xvfb xauth`); writes docs/screenshots/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
unset QT_QPA_PLATFORM
exec xvfb-run -a -s "-screen 0 1700x1000x24 -dpi 96" "$PYTHON" scripts/screenshots.py "$@"
