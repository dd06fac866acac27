#!/usr/bin/env bash
# Installs the Debian packages sasim needs, only those missing. Idempotent; fast when all are present.
set -euo pipefail
PKGS=(cmake g++ ninja-build pkg-config libsystemc-dev verilator libfmt-dev nlohmann-json3-dev catch2
      libcli11-dev python3-matplotlib ccache libonnx-dev libprotobuf-dev python3-onnx libonnx-testdata yosys
      qflow-tech-osu018 opensta python3-pandas pybind11-dev python3-dev parallel python3-torch python3-torchvision
      slurm-wlm munge)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
