#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run-sweep.sh - runs a testbed sweep as a Slurm job array and merges it:
#
#   run-sweep.sh [--tasks N] [--dir DIR] [--same-as SINGLE.json]
#                [--timeout SECONDS] [--poll SECONDS] [--sbatch OPTION]...
#                -- SWEEP [ARGS...]
#
# builds the CLI once here (the tasks then skip the build check), submits
# sweep.sbatch as an N-task array (sbatch --array=0-(N-1); default 4) whose
# task k runs `./scripts/testbed SWEEP ARGS --shard k/N --result
# DIR/shard-k.json`, polls squeue until the array is gone, and runs
#   ./scripts/testbed merge DIR/shard-*.json --result DIR/merged.json [--same-as SINGLE.json]
# Each --sbatch OPTION goes to sbatch as it is (--sbatch=--partition=short,
# --sbatch=--time=60); sbatch's own SBATCH_* variables and SLURM_CONF work
# as usual.  DIR (default build/cluster/sweep) must be on a filesystem the
# nodes share; task k's output is DIR/slurm-JOB_k.out.
# Exit status: merge's (0 clean and, with --same-as, the same report; 1
# findings or a different report; 2 a bad shard set or usage), or 3 when a
# task did not finish its shard (killed, timed out, an error exit).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)

usage() {
	echo "run-sweep.sh: $*" >&2
	echo "usage: run-sweep.sh [--tasks N] [--dir DIR] [--same-as FILE] [--timeout SECONDS] [--poll SECONDS] [--sbatch OPTION]... -- SWEEP [ARGS...]" >&2
	exit 2
}

tasks=4
dir=$root/build/cluster/sweep
same_as=
timeout=0
poll=5
sbatch_options=()
while [ $# -gt 0 ]; do
	case "$1" in
	--tasks) tasks=${2:-} && shift ;;
	--dir) dir=${2:-} && shift ;;
	--same-as) same_as=${2:-} && shift ;;
	--timeout) timeout=${2:-} && shift ;;
	--poll) poll=${2:-} && shift ;;
	--sbatch) sbatch_options+=("${2:-}") && shift ;;
	--sbatch=*) sbatch_options+=("${1#--sbatch=}") ;;
	--) shift && break ;;
	*) usage "unknown option $1" ;;
	esac
	shift
done
[ $# -ge 1 ] || usage "no sweep given after --"
[[ $tasks =~ ^[1-9][0-9]*$ ]] || usage "--tasks needs a positive count"
[[ $timeout =~ ^[0-9]+$ ]] || usage "--timeout needs whole seconds (0: no limit)"
[[ $poll =~ ^[1-9][0-9]*$ ]] || usage "--poll needs whole seconds"
[ -n "$dir" ] || usage "--dir needs a directory"
if [ -n "$same_as" ]; then
	[ -f "$same_as" ] || usage "--same-as $same_as: no such file"
	same_as=$(cd "$(dirname "$same_as")" && pwd)/$(basename "$same_as")
fi
command -v sbatch >/dev/null 2>&1 || usage "sbatch is not on PATH (scripts/cluster/slurm/up.sh starts a one-node cluster)"

mkdir -p "$dir" || exit 2
dir=$(cd "$dir" && pwd)
rm -f "$dir"/shard-*.json "$dir"/shard-*.exit "$dir"/slurm-*.out "$dir/merged.json"

cd "$root" || exit 2
# One build here, not one per task at the same time.
./scripts/testbed --help >/dev/null || { echo "run-sweep.sh: building the testbed CLI failed" >&2; exit 2; }

started=$(date +%s)
job=$(sbatch --parsable --array="0-$((tasks - 1))" --chdir="$root" \
	--output="$dir/slurm-%A_%a.out" --export="ALL,TESTBED_ROOT=$root,TESTBED_NO_BUILD=1" \
	"${sbatch_options[@]}" "$here/sweep.sbatch" "$dir" "$@") || {
	echo "run-sweep.sh: sbatch failed" >&2
	exit 3
}
job=${job%%;*}
echo "run-sweep.sh: job $job: $tasks tasks of ./scripts/testbed $*"
trap 'scancel "$job" 2>/dev/null; echo "run-sweep.sh: interrupted; job $job cancelled" >&2; exit 3' INT TERM

# squeue lists the array's tasks until all ended; a job that aged out of
# slurmctld's memory is an "Invalid job id".
errors=0
while :; do
	if out=$(squeue -h -j "$job" -o %i 2>&1); then
		errors=0
		[ -z "$out" ] && break
	elif [[ $out == *"Invalid job id"* ]]; then
		break
	elif [ $((errors += 1)) -ge 5 ]; then
		echo "run-sweep.sh: squeue keeps failing: $out" >&2
		scancel "$job" 2>/dev/null
		exit 3
	fi
	if [ "$timeout" -gt 0 ] && [ $(($(date +%s) - started)) -ge "$timeout" ]; then
		echo "run-sweep.sh: job $job still running after $timeout s; cancelled" >&2
		scancel "$job" 2>/dev/null
		exit 3
	fi
	sleep "$poll"
done
trap - INT TERM
echo "run-sweep.sh: job $job done after $(($(date +%s) - started)) s"

shards=()
broken=0
for ((k = 0; k < tasks; k++)); do
	log=$dir/slurm-${job}_$k.out
	rc=$(cat "$dir/shard-$k.exit" 2>/dev/null)
	case "$rc" in
	0) shards+=("$dir/shard-$k.json") ;;
	1)
		shards+=("$dir/shard-$k.json")
		echo "run-sweep.sh: shard $k/$tasks has findings"
		;;
	*)
		if [ -z "$rc" ]; then
			echo "run-sweep.sh: task $k ended without finishing its shard (log: $log)" >&2
		else
			echo "run-sweep.sh: task $k exited $rc (log: $log)" >&2
		fi
		tail -n 20 "$log" >&2 2>/dev/null
		broken=$((broken + 1))
		;;
	esac
done
[ $broken -eq 0 ] || exit 3

./scripts/testbed merge "${shards[@]}" --result "$dir/merged.json" ${same_as:+--same-as "$same_as"}
