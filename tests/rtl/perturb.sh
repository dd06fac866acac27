#!/usr/bin/env bash
# The checker must fail on a one-cycle difference and name the instruction where it starts.
#   perturb.sh SASIM CACHE_DIR MODE [MAPPER]
#   MODE: delay-read | rtl-late-result | rtl-drop-token | model-late-result | rtl-late-acc-load
#   (rtl-late-acc-load runs a residual block, whose second conv LOADs its shortcut into the accumulator)
#   MAPPER: heuristic (default) | search; with search the program must have operand windows (the
#   perturbation is then caught on a windowed program).
set -uo pipefail
sasim="$1" cache="$2" mode="$3" mapper="${4:-heuristic}"
here="$(cd "$(dirname "$0")" && pwd)"
cfg="$here/configs/m04_4x4_is.json"
wl="$here/workloads/conv3x3_s1_p1.json"
[ "$mode" = rtl-late-acc-load ] && wl="$here/workloads/resnet_basic.json"
case "$mode" in
  delay-read) args=(--delay-read 0) ;;
  *) args=(--fault "$mode") ;;
esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="$("$sasim" rtl check -q --config "$cfg" --workload "$wl" --cache-dir "$cache" --keep-cases "$tmp" \
        --mapper "$mapper" "${args[@]}" 2>&1)"
rc=$?
echo "$out"
fail() { echo "FAIL: $*"; exit 1; }
if [ "$mapper" = search ]; then
  windowed="$(cat "$tmp"/*.case | awk '/^fields cmd_word /{for (i = 4; i <= NF; i++) {if ($i == "op") op = i - 3; if ($i == "win_w") w = i - 3}} /^instrs /{on=1; next} /^end/{on=0} on && $op == 2 && $w != 0' | wc -l)"
  [ "$windowed" -gt 0 ] || fail "--mapper search ran no EXECUTE with an operand window"
  echo "$windowed windowed EXECUTEs"
fi
[ $rc -eq 1 ] || fail "expected exit 1 (divergence), got $rc"
grep -q '^match:' <<<"$out" && fail "the perturbed run matched"
first="$(grep -m1 'instruction #' <<<"$out" || true)"
# "layer L: instruction #I (unit ...): model issue A retire B, RTL issue C retire D"
re='instruction #([0-9]+) \(([a-z]+) .*model issue ([0-9]+) retire ([0-9]+), RTL issue ([0-9]+) retire ([0-9]+)'
case "$mode" in
  delay-read)
    # The first read belongs to the first LOAD (#0): its rows arrive, are written and retire one cycle late.
    [[ "$first" =~ $re ]] || fail "no divergence line"
    [ "${BASH_REMATCH[1]}" = 0 ] && [ "${BASH_REMATCH[2]}" = load ] || fail "expected instruction #0 (load): $first"
    [ "${BASH_REMATCH[3]}" = "${BASH_REMATCH[5]}" ] || fail "issue cycles should agree: $first"
    [ $((BASH_REMATCH[4] + 1)) = "${BASH_REMATCH[6]}" ] || fail "RTL retire should be one later: $first" ;;
  rtl-late-result|model-late-result)
    # The first EXECUTE issues at the same cycle and retires one cycle late (RTL) or early (model is late).
    [[ "$first" =~ $re ]] || fail "no divergence line"
    [ "${BASH_REMATCH[2]}" = execute ] || fail "expected an EXECUTE: $first"
    [ "${BASH_REMATCH[3]}" = "${BASH_REMATCH[5]}" ] || fail "issue cycles should agree: $first"
    want=$((BASH_REMATCH[4] + 1)); [ "$mode" = model-late-result ] && want=$((BASH_REMATCH[4] - 1))
    [ "$want" = "${BASH_REMATCH[6]}" ] || fail "retire cycles should differ by one: $first"
    # ... and it is the program's first EXECUTE (op 2 in the kept case file's instruction lines).
    idx="${BASH_REMATCH[1]}"
    firstexec="$(awk '/^instrs /{on=1; i=0; next} on && /^end/{exit} on {if ($1 == 2) {print i; exit} i++}' "$tmp"/*.case)"
    [ "$idx" = "$firstexec" ] || fail "expected the first EXECUTE (#$firstexec): $first" ;;
  rtl-late-acc-load)
    # The first LOAD into the accumulator (field dst = 1) issues in the same cycle and retires later.
    [[ "$first" =~ $re ]] || fail "no divergence line"
    [ "${BASH_REMATCH[2]}" = load ] || fail "expected a LOAD: $first"
    [ "${BASH_REMATCH[3]}" = "${BASH_REMATCH[5]}" ] || fail "issue cycles should agree: $first"
    [ "${BASH_REMATCH[6]}" -gt "${BASH_REMATCH[4]}" ] || fail "RTL retire should be later: $first"
    idx="${BASH_REMATCH[1]}"
    firstacc="$(cat "$tmp"/conv2.case | awk '/^fields cmd_word /{for (i = 4; i <= NF; i++) if ($i == "dst") d = i - 3}
                /^instrs /{on=1; i=0; next} on && /^end/{exit} on {if ($d == 1) {print i; exit} i++}')"
    [ -n "$firstacc" ] || fail "the residual conv has no LOAD into the accumulator"
    [ "$idx" = "$firstacc" ] || fail "expected the first LOAD into the accumulator (#$firstacc): $first" ;;
  rtl-drop-token)
    grep -q 'the RTL hung (watchdog at cycle' <<<"$out" || fail "no watchdog report"
    grep -q 'execute unit: instruction #[0-9]* not issued: waits for a load->execute token (none available)' <<<"$out" || fail "the report does not say what the execute unit waits for" ;;
  *) fail "unknown mode $mode" ;;
esac
echo "PASS: $mode caught"
