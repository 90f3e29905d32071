#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# down.sh - stops the one-node cluster that up.sh started: cancels its jobs,
# shuts slurmctld and slurmd down (scontrol shutdown, then SIGTERM and
# SIGKILL to the daemons named in the state directory's pid files), stops
# munged, and removes the state directory but its logs (which stay in, or
# move to, the clone's build/cluster/slurm/log).  Always safe to
# run: with nothing running it does nothing.  Exits 1 only when a daemon
# survived SIGKILL.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"

# The pid in FILE when it is alive and its command is NAME.
daemon_pid() {
	local file=$1 name=$2 pid
	[ -f "$file" ] || return 1
	pid=$(cat "$file" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
	echo "$pid"
}

# Waits up to SECONDS for the daemon of FILE to exit.
wait_gone() {
	local file=$1 name=$2 seconds=$3
	for _ in $(seq $((seconds * 5))); do
		daemon_pid "$file" "$name" >/dev/null || return 0
		sleep 0.2
	done
	! daemon_pid "$file" "$name" >/dev/null
}

# Stops the daemon of FILE: SIGTERM, and SIGKILL when it outlives 10 s.
stop_daemon() {
	local file=$1 name=$2 pid signal
	for signal in TERM KILL; do
		pid=$(daemon_pid "$file" "$name") || break
		kill -s "$signal" "$pid" 2>/dev/null
		wait_gone "$file" "$name" 10 && break
		echo "slurm down: $name ($pid) outlived SIG$signal for 10 s" >&2
	done
	daemon_pid "$file" "$name" >/dev/null || rm -f "$file"
}

ctld_pid=$tb_slurm_state/slurmctld.pid
slurmd_pid=$tb_slurm_state/slurmd.pid
munged_pid=$tb_slurm_state/munge/munged.pid

if [ -f "$tb_slurm_conf" ] && daemon_pid "$ctld_pid" slurmctld >/dev/null && command -v scontrol >/dev/null; then
	export SLURM_CONF=$tb_slurm_conf
	jobs=$(timeout 10 squeue -h -o %F 2>/dev/null | sort -u)
	if [ -n "$jobs" ]; then
		echo "slurm down: cancelling jobs ${jobs//$'\n'/ }"
		# shellcheck disable=SC2086
		timeout 10 scancel $jobs
		for _ in $(seq 60); do
			[ -z "$(timeout 10 squeue -h -o %i 2>/dev/null)" ] && break
			sleep 0.5
		done
	fi
	timeout 10 scontrol shutdown >/dev/null 2>&1 &&
		wait_gone "$ctld_pid" slurmctld 10 && wait_gone "$slurmd_pid" slurmd 10
fi
stop_daemon "$ctld_pid" slurmctld
stop_daemon "$slurmd_pid" slurmd
if daemon_pid "$munged_pid" munged >/dev/null; then
	timeout 10 munged --stop --socket="$tb_slurm_socket" >/dev/null 2>&1 &&
		wait_gone "$munged_pid" munged 5
	stop_daemon "$munged_pid" munged
fi

left=()
daemon_pid "$ctld_pid" slurmctld >/dev/null && left+=(slurmctld)
daemon_pid "$slurmd_pid" slurmd >/dev/null && left+=(slurmd)
daemon_pid "$munged_pid" munged >/dev/null && left+=(munged)
if [ ${#left[@]} -gt 0 ]; then
	echo "slurm down: still running: ${left[*]} (pid files in $tb_slurm_state)" >&2
	exit 1
fi
rm -rf "$tb_slurm_state/munge" "$tb_slurm_state/spool" "$tb_slurm_conf"
if [ "$tb_slurm_state_in_run" -eq 1 ] && [ -d "$tb_slurm_state" ]; then
	# A state directory outside the clone (/run/testbed-slurm-HASH) goes
	# whole; its logs move into the clone.
	if [ -d "$tb_slurm_state/log" ]; then
		mkdir -p "$tb_slurm_clone_state"
		rm -rf "$tb_slurm_clone_state/log"
		mv "$tb_slurm_state/log" "$tb_slurm_clone_state/log"
	fi
	rm -f "$tb_slurm_state"/*.pid
	rmdir "$tb_slurm_state" 2>/dev/null
fi
echo "slurm down: stopped"
