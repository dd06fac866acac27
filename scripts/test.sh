#!/usr/bin/env bash
# Installs missing packages, builds, and runs the whole test suite with ctest. CI (.ci/run) calls this.
#   scripts/test.sh              all tests (Release build in build/)
#   scripts/test.sh -L unit      ctest arguments are passed through
#   scripts/test.sh --sanitize   AddressSanitizer + UBSan build in build-asan/, labels unit, sc, golden, cli
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
# Searches in tests never read or write the user's mapper cache (a cache filled by other code would choose
# other programs); the tests of the cache pass their own directory.
export SASIM_MAPPER_CACHE=none
if [ "${1:-}" = "--sanitize" ]; then
  shift
  export SASIM_BUILD_DIR=build-asan SASIM_BUILD_TYPE=RelWithDebInfo
  scripts/build.sh -DSASIM_SANITIZE=ON
  cd build-asan
  # halt_on_error: any report fails the test; leak checking on (LeakSanitizer is part of ASan here).
  export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  # no_asan: tests that throw after SystemC has switched coroutine stacks, which ASan cannot follow
  # (google/sanitizers#189); they run in the normal suite.
  ctest --output-on-failure --no-tests=error -j "$(nproc)" -L "unit|sc|golden|cli" -LE no_asan \
    -E "second run_workload in the same process" "$@"
  exit 0
fi
scripts/build.sh
BUILD_DIR="${SASIM_BUILD_DIR:-build}"
cd "$BUILD_DIR"
ctest --output-on-failure --no-tests=error -j "$(nproc)" "$@"
