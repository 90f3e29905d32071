#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# expect-cli.sh cached|mismatch COMMAND...
#
# Runs a `testbed kernel --build` command for the opt-in kernel tier of
# build-and-test.sh and checks what it must show:
#   cached    exit 0, and the kernel came from the cache (nothing built)
#   mismatch  exit 1, the guest finished, and a MISMATCH naming the sequence
#             and operation with the replay command that rebuilds the same
#             kernel (--build --patch ...) and reruns that one sequence
# Prints the command's output; the last line says what was found.
set -uo pipefail

[ $# -ge 2 ] || { echo "usage: $0 cached|mismatch COMMAND..." >&2; exit 2; }
want=$1
shift
out=$("$@" 2>&1)
rc=$?
echo "$out"
fail() { echo "expect-cli: $*"; exit 1; }
case "$want" in
cached)
	[ $rc -eq 0 ] || fail "exit $rc, want 0"
	grep -q '^kernel: .*(cached' <<<"$out" || fail "the kernel was built, not taken from the cache"
	echo "expect-cli: passed with the cached kernel"
	;;
mismatch)
	[ $rc -eq 1 ] || fail "exit $rc, want 1 (a difference)"
	grep -q 'the guest did not finish' <<<"$out" && fail "the guest did not finish"
	first=$(grep -m 1 -E '^MISMATCH seed [0-9]+ sequence [0-9]+ op [0-9]+: ' <<<"$out") ||
		fail "no MISMATCH line"
	grep -q -E '^  replay: testbed kernel .* --build --patch .* --only [0-9]+$' <<<"$out" ||
		fail "no replay line that rebuilds the patched kernel"
	echo "expect-cli: $first"
	;;
*) echo "unknown expectation $want" >&2; exit 2 ;;
esac
