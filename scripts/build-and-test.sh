#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds everything from a fresh clone and runs every test:
#   1. installs what is missing (gcc, make, liburcu, linux-source-6.12, QEMU,
#      Debian's kernel, busybox)
#   2. builds the solution (the interop project builds the native libraries)
#   3. native checks: shim and maple-tree unit tests (release and ASan+UBSan), the layering
#      rule (kernel/ and mm/ never see testbed.h), and the C stress driver
#      under ASan+UBSan and TSan for every config
#   4. the xunit suite (TRX logged)
# and ends with one line "N passed, N failed, N skipped" counted from the
# native runners' own summaries and the TRX file (tools/Testbed.TrxCount
# reads it with an XML reader).  When the QEMU packages cannot be installed,
# everything else still builds and runs and the QEMU tests fail with the
# reason.  A test the TRX file does not report (the test host died before it
# ran) is counted as failed, by name.
#
#   --kernel-build   also the opt-in kernel tier (minutes; see
#                    docs/kernel-hooks.md): build Debian's linux-source-6.1
#                    (and -6.12, with its per-VMA lock statistics) with
#                    scripts/kernel/testbed.config, boot it and each
#                    mutant kernel of tests/kernel-patches/ (xunit category
#                    KernelBuild, left out otherwise) and the same through
#                    `testbed kernel --build`; counted in the same line.
#   --cluster        also the opt-in cluster tier (see docs/cluster.md):
#                    start a one-node Slurm cluster here (installing
#                    slurm-wlm and munge when missing), run a differential
#                    seed sweep and a kernel-sequence sweep each as a
#                    4-task job array, merge the shards and compare them
#                    with one run of the same sweep, and stop the cluster
#                    (also on failure); counted in the same line.
#   --image          also the opt-in image tier (minutes; see docs/cluster.md):
#                    build the container image from Debian packages
#                    (scripts/cluster/image/build-image.sh), run each shard of
#                    deploy/kubernetes/sweep-job.yaml and kernel-sweep-job.yaml
#                    (fewer sequences: QEMU under TCG) and their merge Jobs in
#                    it under podman and compare with one run (xunit category
#                    Image, left out otherwise); counted in the same line.
set -uo pipefail

kernel_build=0
cluster=0
image=0
for arg in "$@"; do
	case "$arg" in
	--kernel-build) kernel_build=1 ;;
	--cluster) cluster=1 ;;
	--image) image=1 ;;
	-h|--help) awk 'NR < 3 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
	*) echo "unknown argument $arg (see --help)" >&2; exit 2 ;;
	esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=lib/ensure-deps.sh
. scripts/lib/ensure-deps.sh

results="$root/build/test-results"
rm -rf "$results"
mkdir -p "$results"

passed=0
failed=0
skipped=0

step() { printf '\n== %s\n' "$*"; }

# Adds the counts from "N tests run, N passed, N failed" lines in a log.
count_native_log() {
	local log=$1 line p f
	while read -r line; do
		p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		passed=$((passed + p))
		failed=$((failed + f))
	done < <(grep -E '^[0-9]+ tests run, [0-9]+ passed, [0-9]+ failed' "$log")
}

# One command counted as one test: pass (and return 0) when it exits 0.
run_as_test() {
	local name=$1
	shift
	if "$@" >"$results/$name.log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS $name: $(tail -n 1 "$results/$name.log")"
	else
		failed=$((failed + 1))
		echo "FAIL $name (log: $results/$name.log)"
		tail -n 30 "$results/$name.log"
		return 1
	fi
}

finish() {
	echo
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

step "dependencies"
if ! ensure_build_deps; then
	failed=$((failed + 1))
	finish
fi
if ! ensure_qemu_deps 2>"$results/qemu-deps.log"; then
	# The QEMU tests read the reason and fail with it; nothing else needs QEMU.
	export TESTBED_QEMU_UNAVAILABLE="the QEMU packages could not be installed: $(tail -n 1 "$results/qemu-deps.log")"
	echo "$TESTBED_QEMU_UNAVAILABLE (log: $results/qemu-deps.log)"
	echo "the QEMU tests will fail with this reason; everything else runs"
fi

step "build (Release)"
if ! dotnet build Testbed.sln -c Release -nologo -v:q -clp:ErrorsOnly; then
	echo "build failed"
	failed=$((failed + 1))
	finish
fi

step "native checks"
# The shim unit tests count their own results; each flavour's run that
# fails without a counted failure (a crash, a sanitizer abort) counts one.
for flavour in release asan; do
	log="$results/native-check-$flavour.log"
	make -C native "check-$flavour" >"$log" 2>&1
	rc=$?
	before=$failed
	count_native_log "$log"
	grep -E '^[0-9]+ tests run' "$log" | sed "s/^/native C tests ($flavour): /"
	if [ $rc -ne 0 ] && [ $failed -eq $before ]; then
		echo "FAIL native C tests ($flavour) (log: $log)"
		tail -n 30 "$log"
		failed=$((failed + 1))
	fi
done
run_as_test layering make -s --no-print-directory -C native check-layering
run_as_test spf-needs-mmu make -s --no-print-directory -C native check-spf-needs-mmu
run_as_test nommu-ab-release make -s --no-print-directory -C native check-nommu-ab-release
run_as_test nommu-ab-asan make -s --no-print-directory -C native check-nommu-ab-asan

step "sanitizer stress (ASan+UBSan, TSan)"
if make -C native asan tsan >"$results/native-sanitizers.log" 2>&1; then
	for flavour in asan tsan; do
		for bin in build/native/$flavour/stress-*; do
			[ -x "$bin" ] || continue
			cfg=${bin##*/stress-}
			run_as_test "stress-$flavour-$cfg" \
				env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
				UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
				TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
				"$bin" -t 8 -n 20000 -s 1
			# forks racing the others (docs/model.md, Fork)
			run_as_test "stress-$flavour-$cfg-fork" \
				env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
				UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
				TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
				"$bin" -t 8 -n 20000 -s 1 -f 64
		done
	done
else
	echo "sanitizer builds failed (log: $results/native-sanitizers.log)"
	tail -n 30 "$results/native-sanitizers.log"
	failed=$((failed + 1))
fi

trx_count="$root/tools/Testbed.TrxCount/bin/Release/net10.0/trx-count.dll"

# Runs the xunit tests that FILTER selects, whose display names (from the
# list of all tests) GREP_ARGS select too, and adds the TRX counts.  The list
# comes first: a test host that dies (a native crash outside the isolated
# specs) leaves tests without a result, and each is counted as failed.
run_xunit() {
	local name=$1 filter=$2
	shift 2
	dotnet test tests/Testbed.Tests -c Release --no-build -nologo --list-tests \
		>"$results/$name-discovered.log" 2>&1
	sed -n 's/^    //p' "$results/$name-discovered.log" | grep "$@" |
		sort -u >"$results/$name-discovered.txt"
	dotnet test tests/Testbed.Tests -c Release --no-build -nologo --filter "$filter" \
		--logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
		--results-directory "$results" >"$results/$name.log" 2>&1
	local rc=$?
	grep -E '^\s+Skipped ' "$results/$name.log" | head -n 50
	# tools/Testbed.TrxCount reads the TRX with an XML reader: the summary's
	# counters, the name of every reported result and the message of every
	# failed one, and prints each discovered test without a result, each
	# failure with its message, then "passed failed not-executed never-ran".
	local trx="$results/$name.trx" xp=0 xf=0 xs=0 missing=0 counted
	local -a trx_arg=()
	if [ -f "$trx" ]; then
		trx_arg=("$trx")
	else
		echo "no TRX file: the test run did not complete (log: $results/$name.log)"
		tail -n 40 "$results/$name.log"
	fi
	if counted=$(dotnet "$trx_count" "$results/$name-discovered.txt" "${trx_arg[@]}" 2>&1); then
		sed '$d' <<<"$counted"
		read -r xp xf xs missing < <(tail -n 1 <<<"$counted")
	else
		echo "FAIL counting $name: $counted"
		failed=$((failed + 1))
	fi
	passed=$((passed + xp))
	failed=$((failed + xf + missing))
	skipped=$((skipped + xs))
	echo "$name: $xp passed, $xf failed, $xs not executed, $missing never ran"
	if [ "$missing" -gt 0 ]; then
		grep -E 'Test host process crashed|The active test run was aborted' "$results/$name.log" | head -n 3
	fi
	if [ "$rc" -ne 0 ] && [ "$xf" -eq 0 ] && [ "$missing" -eq 0 ]; then
		echo "dotnet test exited $rc without a failed test (log: $results/$name.log)"
		tail -n 30 "$results/$name.log"
		failed=$((failed + 1))
	fi
}

# The kernel tier's specs (category KernelBuild) live in one class, and so
# do the image tier's (category Image).
kernel_build_specs=Testbed.Tests.Kernel.KernelBuildSpecs.
image_specs=Testbed.Tests.Cluster.ImageSpecs.

step "xunit"
run_xunit xunit "Category!=KernelBuild&Category!=Image" -vF -e "$kernel_build_specs" -e "$image_specs"

if [ $kernel_build -eq 1 ]; then
	step "kernel build tier (linux-source-6.1 and -6.12, tests/kernel-patches)"
	run_xunit kernel-build "Category=KernelBuild" -F "$kernel_build_specs"
	run_as_test testbed-kernel-build ./scripts/testbed kernel --build
	run_as_test testbed-kernel-build-6.12 ./scripts/testbed kernel --build --source 6.12
	run_as_test testbed-kernel-build-cached \
		scripts/kernel/expect-cli.sh cached ./scripts/testbed kernel --build
	for patch in tests/kernel-patches/*.patch; do
		run_as_test "testbed-kernel-build-$(basename "$patch" .patch)" \
			scripts/kernel/expect-cli.sh mismatch \
			./scripts/testbed kernel --build --patch "$patch"
	done
fi

if [ $cluster -eq 1 ]; then
	step "cluster tier (one-node Slurm, 4-task job arrays; docs/cluster.md)"
	trap 'scripts/cluster/slurm/down.sh >/dev/null 2>&1' EXIT
	if run_as_test slurm-up scripts/cluster/slurm/up.sh; then
		run_as_test slurm-differential scripts/cluster/slurm/check.sh \
			differential differential --seed 1 --seeds 8
		run_as_test slurm-kernel scripts/cluster/slurm/check.sh \
			kernel kernel --seed 1 --sequences 16
	else
		echo "FAIL slurm-differential, slurm-kernel: the cluster did not start"
		failed=$((failed + 2))
	fi
	run_as_test slurm-down scripts/cluster/slurm/down.sh
	trap - EXIT
fi

if [ $image -eq 1 ]; then
	step "image tier (mmdebstrap + podman, deploy/kubernetes)"
	run_xunit image "Category=Image" -F "$image_specs"
fi

finish
