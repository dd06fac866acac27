#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS: scripts/fuzz.sh TARGET SECONDS
#   TARGET: config | workload_json | workload_csv | compiler | mapping | tech_table | onnx | sweep_spec | ...
# Builds with clang in build-fuzz/ (ASan + UBSan + coverage). The working corpus grows in
# build-fuzz/corpus/TARGET, seeded from tests/fuzz/corpus/TARGET. Crashing inputs are written to
# tests/fuzz/crashers/TARGET/: fix the bug, keep the file, and the `fuzz` ctest label replays it forever.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh TARGET SECONDS}"
seconds="${2:?usage: scripts/fuzz.sh TARGET SECONDS}"
scripts/deps.sh
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    echo "fuzz: installing $p" >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p"; }
done
GEN=(); command -v ninja >/dev/null && GEN=(-G Ninja)
if [ ! -f build-fuzz/CMakeCache.txt ]; then
  CXX=clang++ CC=clang cmake -S . -B build-fuzz "${GEN[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSASIM_FUZZ=ON
fi
cmake --build build-fuzz --target "fuzz_$target" -j "$(nproc)"
mkdir -p "build-fuzz/corpus/$target" "tests/fuzz/crashers/$target"
exe="$(find build-fuzz -name "fuzz_$target" -type f -perm -u+x | head -n 1)"
"$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="tests/fuzz/crashers/$target/" "build-fuzz/corpus/$target" "tests/fuzz/corpus/$target"
