#!/usr/bin/env bash
# safe_outputs.sh SASIM OUTDIR: every output is written safely (docs/reliability.md, "Outputs"). A report
# that cannot reach stdout, a retire log on a full device, a report.json that is a directory, and --vcd
# onto a device all exit 2 with the path and the OS error; special files are written in place and never
# replaced; a failed run leaves the previous files whole and no temporary files.
set -euo pipefail
sasim="$1"; out="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$out"; mkdir -p "$out"
args=(-q --config "$src/configs/tiny_4x4_ws.json" --workload "$src/workloads/tiny/mixed.json" --mapper-cache none)
expect() {  # expect CODE PATTERN -- COMMAND...: exit code CODE and PATTERN in stderr
  local code="$1" pattern="$2"; shift 3
  local rc=0
  "$@" > "$out/stdout.txt" 2> "$out/stderr.txt" || rc=$?
  [ "$rc" = "$code" ] || { echo "exit $rc, expected $code: $*"; cat "$out/stderr.txt"; exit 1; }
  grep -q -- "$pattern" "$out/stderr.txt" || { echo "stderr lacks \"$pattern\": $*"; cat "$out/stderr.txt"; exit 1; }
}
if [ -c /dev/full ]; then
  for fmt in table json csv; do
    rc=0; "$sasim" run "${args[@]}" --format "$fmt" > /dev/full 2> "$out/stderr.txt" || rc=$?
    [ "$rc" = 2 ] || { echo "--format $fmt > /dev/full: exit $rc, expected 2"; exit 1; }
    grep -q "standard output: cannot write" "$out/stderr.txt" || { cat "$out/stderr.txt"; exit 1; }
  done
  expect 2 "/dev/full: cannot write: No space left on device" -- "$sasim" run "${args[@]}" --retire-log /dev/full
  expect 2 "/dev/full: exists and is not a regular file" -- "$sasim" run "${args[@]}" --vcd /dev/full
  [ -c /dev/full ] || { echo "/dev/full is no longer a character device"; exit 1; }
fi
# A device is written in place (and stays a device).
"$sasim" run "${args[@]}" --retire-log /dev/null > /dev/null
[ -c /dev/null ] || { echo "/dev/null is no longer a character device"; exit 1; }
# An output path that is a directory is refused before anything is simulated.
mkdir -p "$out/dir_out/report.json"
expect 2 "report.json: is a directory, not a file" -- "$sasim" run "${args[@]}" --out "$out/dir_out"
expect 2 "is a directory, not a file" -- "$sasim" run "${args[@]}" --retire-log "$out"
expect 2 "is not a directory" -- "$sasim" run "${args[@]}" --retire-log "$out/no/such/dir/log.txt"
# A run that fails (a deadlock, exit 3) keeps the previous retire log whole and leaves no temporary file.
"$sasim" run "${args[@]}" --retire-log "$out/retire.log" --out "$out/good" > /dev/null
cp "$out/retire.log" "$out/retire.before"
expect 3 "deadlock\|watchdog" -- "$sasim" run "${args[@]}" --retire-log "$out/retire.log" --out "$out/good" \
  --inject-fault drop-token --watchdog-cycles 1000
cmp "$out/retire.log" "$out/retire.before"
[ -z "$(find "$out" -name '*.tmp*')" ] || { echo "temporary files left:"; find "$out" -name '*.tmp*'; exit 1; }
echo "ok: write errors reported, special files written in place, failed runs leave the old files"
