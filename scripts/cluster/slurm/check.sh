#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh NAME SWEEP [ARGS...] - the cluster tier's check of one sweep on
# the one-node cluster that up.sh started: runs the sweep once here, outside
# Slurm (./scripts/testbed SWEEP ARGS --result single.json), then as a
# 4-task job array through run-sweep.sh, merged with --same-as single.json.
# Passes when the single run is clean and the merged report is clean and
# the same as the single run's.  Prints both wall-clock times and their
# ratio (the shard overhead on this machine).  Files: build/cluster/check/NAME/.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

tasks=4

fail() {
	echo "FAIL $name: $*"
	exit 1
}

[ $# -ge 2 ] || { echo "usage: check.sh NAME SWEEP [ARGS...]" >&2; exit 2; }
name=$1
shift
[ -f "$tb_slurm_conf" ] || fail "no cluster here: run scripts/cluster/slurm/up.sh first"
export SLURM_CONF=$tb_slurm_conf
dir=$tb_slurm_root/build/cluster/check/$name
rm -rf "$dir"
mkdir -p "$dir"
cd "$tb_slurm_root" || exit 2
./scripts/testbed --help >/dev/null || fail "building the testbed CLI failed"

now() { date +%s.%N; }

t0=$(now)
./scripts/testbed "$@" --result "$dir/single.json" >"$dir/single.log" 2>&1
rc=$?
t1=$(now)
[ $rc -eq 0 ] || { tail -n 20 "$dir/single.log"; fail "the single run exited $rc, not clean (log: $dir/single.log)"; }

"$here/run-sweep.sh" --tasks $tasks --dir "$dir/shards" --same-as "$dir/single.json" \
	--poll 1 --timeout 1800 -- "$@" >"$dir/sharded.log" 2>&1
rc=$?
t2=$(now)
[ $rc -eq 0 ] || { tail -n 30 "$dir/sharded.log"; fail "run-sweep.sh exited $rc (log: $dir/sharded.log)"; }

awk -v n="$name" -v k=$tasks -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
	printf "%s: %d shards under Slurm merged clean and the same as one run; one run %.1f s, %d shards %.1f s (ratio %.2f)\n",
		n, k, b - a, k, c - b, (c - b) / (b - a)
}'
