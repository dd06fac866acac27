#!/usr/bin/env bash
# Builds (Release) and runs the benchmark; rewrites the table in docs/performance.md. See scripts/bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh >/dev/null
exec /usr/bin/python3 scripts/bench.py "$@"
