#!/usr/bin/env bash
# relative_cache.sh SASIM WORKDIR: `sasim rtl check --cache-dir DIR` with a relative DIR builds into DIR and
# matches (verilator's make runs in its object directory, so the checker must make the path absolute).
set -euo pipefail
sasim="$1"; work="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$work"; mkdir -p "$work"; cd "$work"
out="$("$sasim" rtl check -q --cache-dir relcache -c "$src/tests/rtl/configs/m01_2x2_ws.json" \
        -w "$src/tests/rtl/workloads/gemm00_1x1x1.json")"
echo "$out"
case "$out" in match:*) ;; *) echo "expected a match"; exit 1 ;; esac
ls relcache/*/harness > /dev/null
rm -rf "$work"
echo "ok: a relative --cache-dir builds and matches"
