#!/usr/bin/env bash
# bounds.sh SASIM CONFIG WORKLOAD: simulates the workload and checks, for every layer, that the simulated cycles
# are at least the compute bound ceil(MACs / (R * C)) and the DRAM bound ceil(bytes moved / bytes per cycle),
# both recomputed here from the config, and that the report's roofline fields agree with them. A violation is a
# bug in the model or in the bound.
set -euo pipefail
sasim="$1"; cfg="$2"; wl="$3"
"$sasim" run -q --no-check --format json --config "$cfg" --workload "$wl" | python3 "$(dirname "$0")/check_bounds.py"
