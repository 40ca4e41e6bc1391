#!/usr/bin/env bash
# One entry point for maintainers. Each command first sets everything up
# (a virtualenv in .venv with requirements.txt, plus requirements-test.txt for the tests,
# and the npm packages from the lockfile), then does its job.
#
#   bash dev.sh serve [ARGS] set up, then serve the site at http://127.0.0.1:8000/autograd/ (ARGS go to mkdocs serve)
#   bash dev.sh test [ARGS]  set up, then run the whole test suite (ARGS go to pytest)
#   bash dev.sh build        set up, then build the site strictly into site/ (SITE_URL: its address)
#
# Setting up is skipped when nothing it depends on changed since the last time: pip's
# inputs (the requirement files, pyproject.toml, the venv's Python) are stamped in .venv,
# npm's (package.json, package-lock.json) in node_modules. Delete a stamp to force a reinstall.
set -euo pipefail
cd "$(dirname "$0")"

# Material for MkDocs prints an end-of-life banner whenever mkdocs starts; it says nothing about this site.
export NO_MKDOCS_2_WARNING=1

# A digest of the files (and the text) that decide what an install puts in place.
digest() {
  { for input in "$@"; do
      if [ -f "$input" ]; then printf '%s\n' "$input"; cat "$input"; else printf '%s\n' "$input"; fi
    done; } | sha256sum | cut -d' ' -f1
}

pip_digest() {
  digest "$1" requirements.txt pyproject.toml "$(.venv/bin/python -VV)"
}

# True if the stamp of this requirement file matches what it would install now.
installed() {
  [ "$(cat ".venv/.setup-${1%.txt}.sha256" 2>/dev/null)" = "$(pip_digest "$1")" ]
}

setup() {
  local requirements="${1:-requirements.txt}"
  if [ ! -x .venv/bin/python ]; then
    python3 -c 'import sys; assert sys.version_info >= (3, 11), "autograd needs Python >= 3.11"'
    python3 -m venv .venv
  fi
  # requirements-test.txt includes requirements.txt, so its stamp does for both; -e . installs from pyproject.toml.
  if ! installed "$requirements" && ! { [ "$requirements" = requirements.txt ] && installed requirements-test.txt; }; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    pip_digest "$requirements" > ".venv/.setup-${requirements%.txt}.sha256"
  fi
  local npm_stamp="node_modules/.setup.sha256"
  local npm_inputs
  npm_inputs=$(digest package.json package-lock.json "$(node --version)")
  if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_inputs" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    echo "$npm_inputs" > "$npm_stamp"
  fi
}

case "${1:-}" in
  serve) setup; shift; exec .venv/bin/mkdocs serve "$@" ;;
  test) setup requirements-test.txt; shift; exec .venv/bin/python -m pytest "$@" ;;
  build) setup; exec .venv/bin/mkdocs build --strict --clean --site-dir site ;;
  *) echo "usage: bash dev.sh serve [mkdocs serve arguments] | test [pytest arguments] | build" >&2; exit 2 ;;
esac
