#!/usr/bin/env bash
# scripts/slurm_sweep.sbatch on a real, private single-node Slurm (tests/slurm/cluster.sh): the sweep's
# results.csv equals a local `sasim sweep` byte for byte; an array task cancelled mid-run leaves the merge
# incomplete, and submitting the same command again resumes it to the same results.csv; a request the
# partition cannot satisfy (more CPUs than its node has: pending forever before) is refused, exit 2, with
# the reason, and nothing is queued.
#   slurm_sweep.sh SASIM SOURCE_DIR WORKDIR
set -euo pipefail
sasim="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; src="$(cd "$2" && pwd)"; work="$3"
source "$src/tests/slurm/cluster.sh"
mkdir -p "$work"; work="$(cd "$work" && pwd)"
cluster_start "$work/cluster"
spec="$src/tests/sweep/slow.json"
submit="$src/scripts/slurm_sweep.sbatch"
export SASIM="$sasim"

# Waits until no job of ours is queued or running (at most 3 minutes).
wait_idle() {
  for _ in $(seq 1 900); do
    [ -z "$(squeue -h -o %i)" ] && return 0
    sleep 0.2
  done
  echo "jobs still queued after 3 minutes:"; squeue; return 1
}

"$sasim" sweep "$spec" --out "$work/local" --jobs 2 -q > /dev/null

# 1. The whole sweep: 4 array tasks and the merge.
cd "$src"
bash "$submit" "$spec" "$work/run1" 4 | tee "$work/submit1.txt"
wait_idle
cmp "$work/local/results.csv" "$work/run1/results.csv" || { echo "results differ"; cat "$work"/run1/slurm-*; exit 1; }

# 2. Two shards of four points; task 1 cancelled once its shard has begun: the merge misses points; the same command resumes.
bash "$submit" "$spec" "$work/run2" 2 > "$work/submit2.txt"
array=$(sed -E 's/^submitted array job ([0-9]+).*/\1/' "$work/submit2.txt")
# Cancelled after its first point is on disk when the timing allows (the resume then keeps it), else as
# soon as the shard has begun.
for _ in $(seq 1 1000); do
  [ -s "$work/run2/shard-1-of-2/points.jsonl" ] && break
  sleep 0.01
done
scancel "${array}_1"
wait_idle
if cmp -s "$work/local/results.csv" "$work/run2/results.csv" 2> /dev/null; then
  echo "note: task 1 finished before it was cancelled; the resume below has nothing to redo"
fi
bash "$submit" "$spec" "$work/run2" 2 > "$work/submit3.txt"
wait_idle
cmp "$work/local/results.csv" "$work/run2/results.csv" || { echo "resumed results differ"; cat "$work"/run2/slurm-*; exit 1; }
resumed=$(sed -E 's/.*array job ([0-9]+).*/\1/' "$work/submit3.txt")
grep -q "ran 0 in" "$work/run2/slurm-${resumed}_0.out" || { echo "shard 0 was not resumed (it ran points again)"; exit 1; }
kept=$(grep -o "[0-9]* already done" "$work/run2/slurm-${resumed}_1.out" | head -1)

# 3. A request the node cannot satisfy is refused before anything is queued.
set +e
SASIM_SLURM_CPUS=64 bash "$submit" "$spec" "$work/run3" 4 > "$work/refused.out" 2> "$work/refused.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "64 CPUs per task: exit $rc, want 2"; cat "$work/refused.err"; exit 1; }
grep -q "largest node has $(nproc) CPUs" "$work/refused.err" || { cat "$work/refused.err"; exit 1; }
[ -z "$(squeue -h -o %i)" ] || { echo "a refused request queued jobs"; squeue; exit 1; }
echo "ok: Slurm sweep equals the local one, resumes after a cancelled task ($kept in its shard), refuses an impossible request"
