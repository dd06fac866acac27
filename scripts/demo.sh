#!/usr/bin/env bash
# One command from a fresh clone: installs missing packages, builds, and runs the main job
# (ResNet-50 on the Gemmini-like 16x16 config), writing out/resnet50/report.json and layers.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
build/sasim run --config configs/gemmini_16x16.json --workload workloads/resnet50.json --out out/resnet50
