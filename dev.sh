#!/usr/bin/env bash
# One entry point for maintainers. Each command first sets everything up
# (a virtualenv in .venv with requirements.txt, and the npm packages from the lockfile).
#
#   bash dev.sh serve        set up, then serve the site at http://127.0.0.1:8000
#   bash dev.sh test         set up, then run the whole test suite
#   bash dev.sh regenerate   set up, then write the figures and tables into generated/
set -euo pipefail
cd "$(dirname "$0")"

setup() {
  if [ ! -x .venv/bin/python ]; then
    python3 -c 'import sys; assert sys.version_info >= (3, 11), "autograd needs Python >= 3.11"'
    python3 -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  npm ci --no-audit --no-fund --loglevel=error
}

case "${1:-}" in
  serve) setup; exec .venv/bin/mkdocs serve ;;
  test) setup; shift; exec .venv/bin/python -m pytest "$@" ;;
  regenerate) setup; exec .venv/bin/python scripts/regenerate.py ;;
  *) echo "usage: bash dev.sh serve | test | regenerate" >&2; exit 2 ;;
esac
