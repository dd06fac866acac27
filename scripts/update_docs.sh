#!/usr/bin/env bash
# Rewrites the numbers in docs/*.md and README.md that come from a run (the <!--n:KEY--> and
# <!--block:KEY--> markers, scripts/doc_numbers.py) from the current build. Like update_golden.sh: run it
# when a change of cycles is intended, read the prose around every number it changed, and say why in the
# commit message. The ctest `docs_numbers` fails while a marked number is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
/usr/bin/python3 scripts/doc_numbers.py --sasim build/sasim --check || true
/usr/bin/python3 scripts/doc_numbers.py --sasim build/sasim --write
git --no-pager diff --stat -- README.md docs/ 2>/dev/null || true
