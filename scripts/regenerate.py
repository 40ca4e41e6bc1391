"""Regenerate the site's figures and tables into generated/ without building the site.

    .venv/bin/python scripts/regenerate.py            # writes generated/
    .venv/bin/python scripts/regenerate.py --out DIR  # writes DIR/

The outputs come from the same functions (docs_gen) and the same notebook
(docs/training.ipynb) that the MkDocs build runs, so they match the site.
Files whose bytes did not change are left alone. generated/ is not committed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from docs_gen.outputs import write_all  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "generated", help="folder to write into")
    args = parser.parse_args()
    for path, changed in write_all(args.out):
        print(f"{'wrote    ' if changed else 'unchanged'} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
