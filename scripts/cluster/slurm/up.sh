#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# up.sh - starts a private one-node Slurm cluster on this machine: munged
# with its own key and socket, slurmctld and slurmd from Debian's slurm-wlm,
# configured by a slurm.conf of our own under the state directory (see
# env.sh: build/cluster/slurm in the clone, or /run/testbed-slurm-HASH when
# munged would refuse the clone's path); the system's /etc/slurm and /etc/munge are not touched.  No
# cgroups (proctrack/linuxproc, task/none) and no accounting, so it runs in
# a container without systemd.  The node is this host's short name at
# 127.0.0.1, with nproc CPUs; partition "testbed" (the default).
# Installs slurm-wlm and munge when they are missing.  Stops a cluster left
# from an earlier run first, waits until sinfo shows the node idle, and
# prints the line that points the client commands at the cluster:
#   export SLURM_CONF=<state directory>/slurm.conf
# Fails (and stops what it started) with the daemons' logs when the node
# does not come up.  scripts/cluster/slurm/down.sh stops it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=env.sh
. "$here/env.sh"
# shellcheck source=../../lib/ensure-deps.sh
. "$tb_slurm_root/scripts/lib/ensure-deps.sh"

fail() {
	echo "slurm up: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || fail "needs root (SlurmUser and SlurmdUser are root in the private slurm.conf)"
ensure_slurm_deps || fail "slurm-wlm and munge are missing and could not be installed"
for cmd in munged slurmctld slurmd sinfo scontrol; do
	command -v "$cmd" >/dev/null 2>&1 || fail "$cmd is not on PATH after installing slurm-wlm and munge"
done
# A unix socket path holds at most 107 bytes.
[ ${#tb_slurm_socket} -lt 108 ] ||
	fail "munge socket path $tb_slurm_socket is too long; set TESTBED_SLURM_STATE to a shorter directory"

started=$(date +%s.%N)
"$here/down.sh" >/dev/null 2>&1 || true

for port in "$tb_slurm_port" $((tb_slurm_port + 1)); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		fail "port $port is in use (another slurmctld or slurmd?); set TESTBED_SLURM_PORT"
	fi
done

up=0
cleanup() {
	[ $up -eq 1 ] && return
	local log
	for log in "$tb_slurm_state"/log/*.log; do
		[ -f "$log" ] || continue
		echo "--- $log (last lines)" >&2
		tail -n 15 "$log" >&2
	done
	"$here/down.sh" >/dev/null 2>&1
}
trap cleanup EXIT

mkdir -p "$tb_slurm_state/log" "$tb_slurm_state/spool/slurmctld" "$tb_slurm_state/spool/slurmd"
# Searchable by all whatever the umask: munged checks every directory above
# its socket.
chmod 755 "$tb_slurm_state"
rm -f "$tb_slurm_state"/log/*.log
# munged checks the key's directory (private) and the socket's (searchable
# by all, writable only by its owner).
mkdir -p "$tb_slurm_state/munge/key"
chmod 755 "$tb_slurm_state/munge"
chmod 700 "$tb_slurm_state/munge/key"
key=$tb_slurm_state/munge/key/munge.key
head -c 1024 /dev/urandom >"$key"
chmod 400 "$key"
munged --key-file="$key" --socket="$tb_slurm_socket" \
	--pid-file="$tb_slurm_state/munge/munged.pid" \
	--seed-file="$tb_slurm_state/munge/key/munged.seed" \
	--log-file="$tb_slurm_state/log/munged.log" ||
	fail "munged did not start in $tb_slurm_state (it refuses a socket below a directory that is not searchable by all, or group- or world-writable without the sticky bit: set TESTBED_SLURM_STATE elsewhere)"

node=$(hostname -s)
cpus=$(nproc)
# Half the memory: RealMemory only has to be no more than the node has.
memory=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 / 2))
cat >"$tb_slurm_conf" <<CONF
# Written by scripts/cluster/slurm/up.sh: a private one-node cluster.
ClusterName=testbed
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$tb_slurm_port
SlurmdPort=$((tb_slurm_port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tb_slurm_socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tb_slurm_state/spool/slurmctld
SlurmdSpoolDir=$tb_slurm_state/spool/slurmd
SlurmctldPidFile=$tb_slurm_state/slurmctld.pid
SlurmdPidFile=$tb_slurm_state/slurmd.pid
SlurmctldLogFile=$tb_slurm_state/log/slurmctld.log
SlurmdLogFile=$tb_slurm_state/log/slurmd.log
# No cgroups and no systemd here: track job processes through /proc.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=$tb_slurm_partition Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$tb_slurm_conf

# -c: start from a clean state (no jobs or node states from an earlier cluster).
slurmctld -c -f "$tb_slurm_conf" || fail "slurmctld did not start"
slurmd -f "$tb_slurm_conf" -N "$node" || fail "slurmd did not start"

state=
for _ in $(seq 120); do
	state=$(sinfo -h -N -n "$node" -o %T 2>/dev/null || true)
	[ "$state" = idle ] && break
	sleep 0.5
done
[ "$state" = idle ] || fail "node $node is not idle after 60 s (sinfo says: ${state:-nothing})"

up=1
awk -v s="$started" -v e="$(date +%s.%N)" -v n="$node" -v c="$cpus" -v p="$tb_slurm_partition" \
	'BEGIN { printf "slurm up: node %s (%s CPUs, partition %s) idle after %.1f s\n", n, c, p, e - s }'
echo "export SLURM_CONF=$tb_slurm_conf"
