#!/usr/bin/env bash
# Installs missing packages, builds, and runs the whole test suite with ctest. CI (.ci/run) calls exactly this.
#   scripts/test.sh              all tests
#   scripts/test.sh -L unit      ctest arguments are passed through
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
BUILD_DIR="${SASIM_BUILD_DIR:-build}"
cd "$BUILD_DIR"
ctest --output-on-failure --no-tests=error -j "$(nproc)" "$@"
