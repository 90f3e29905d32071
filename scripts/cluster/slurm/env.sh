# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034
#
# Where the one-node cluster keeps its files; sourced by up.sh, down.sh and
# check.sh.  Everything lives under one state directory (the private
# slurm.conf, munge key and socket, spool directories, logs):
#   TESTBED_SLURM_STATE   the state directory (default: build/cluster/slurm in
#                         the clone when munged accepts that path, else
#                         /run/testbed-slurm-HASH, private to this clone)
#   TESTBED_SLURM_PORT    slurmctld's port (default 6817; slurmd uses the next)
# The client commands find this cluster through SLURM_CONF=$tb_slurm_conf.

tb_slurm_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)

# Whether munged would accept a socket below DIR: every directory from DIR
# (or its nearest existing ancestor) up to / must be searchable by all, and
# none writable by group or others unless sticky.  A clone under a 0700 home
# directory or a mktemp -d folder fails the first rule.
tb_slurm_path_ok() {
	local dir=$1 mode
	while [ ! -e "$dir" ]; do
		dir=$(dirname "$dir")
	done
	while :; do
		mode=$(stat -L -c %a "$dir") || return 1
		mode=$((8#$mode))
		[ $((mode & 8#001)) -ne 0 ] || return 1
		if [ $((mode & 8#022)) -ne 0 ] && [ $((mode & 8#1000)) -eq 0 ]; then
			return 1
		fi
		[ "$dir" = / ] && return 0
		dir=$(dirname "$dir")
	done
}

tb_slurm_clone_state=$tb_slurm_root/build/cluster/slurm
tb_slurm_state_in_run=0
if [ -n "${TESTBED_SLURM_STATE:-}" ]; then
	tb_slurm_state=$TESTBED_SLURM_STATE
elif tb_slurm_path_ok "$tb_slurm_clone_state"; then
	tb_slurm_state=$tb_slurm_clone_state
else
	# /run is root's, 0755 and on every Debian machine; the hash of the
	# clone's path keeps two clones' clusters apart.
	tb_slurm_state=/run/testbed-slurm-$(printf %s "$tb_slurm_root" | sha256sum | cut -c1-12)
	tb_slurm_state_in_run=1
fi
tb_slurm_conf=$tb_slurm_state/slurm.conf
tb_slurm_socket=$tb_slurm_state/munge/munge.socket
tb_slurm_port=${TESTBED_SLURM_PORT:-6817}
tb_slurm_partition=testbed
