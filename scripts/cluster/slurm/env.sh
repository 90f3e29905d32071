# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034
#
# Where the one-node cluster keeps its files; sourced by up.sh, down.sh and
# check.sh.  Everything lives under one state directory (the private
# slurm.conf, munge key and socket, spool directories, logs):
#   TESTBED_SLURM_STATE   the state directory (default build/cluster/slurm)
#   TESTBED_SLURM_PORT    slurmctld's port (default 6817; slurmd uses the next)
# The client commands find this cluster through SLURM_CONF=$tb_slurm_conf.

tb_slurm_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
tb_slurm_state=${TESTBED_SLURM_STATE:-$tb_slurm_root/build/cluster/slurm}
tb_slurm_conf=$tb_slurm_state/slurm.conf
tb_slurm_socket=$tb_slurm_state/munge/munge.socket
tb_slurm_port=${TESTBED_SLURM_PORT:-6817}
tb_slurm_partition=testbed
