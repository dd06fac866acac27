#!/usr/bin/env bash
# expect_exit.sh CODE COMMAND...: runs COMMAND, prints its output, succeeds iff it exits with CODE.
want="$1"; shift
"$@" 2>&1
rc=$?
if [ "$rc" -ne "$want" ]; then echo "expected exit code $want, got $rc"; exit 1; fi
exit 0
