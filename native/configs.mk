# SPDX-License-Identifier: GPL-2.0-only
#
# The config registry: the one list of configs.  native/Makefile includes
# it; the binding generator reads it (interop/Testbed.BindGen/bindgen.rsp);
# Testbed.Contract embeds it (ConfigRegistry), which is what the backend
# factories, the managed port and the CLI read.  A test checks that they
# all agree.  Keep the format: one "NAME := words" per line, # comments.

# Every config, in build order.
TB_CONFIGS := mmu-spf mmu mmu-spf-rcu mmu-pvl mmu-vmrefcnt mmu-spf-v9 nommu nommu-orig nommu-badfree mmu-rcu-nogp mmu-pvl-noseq

# Test-only: built and bound (the A/B bite test needs it), but the managed
# port has no such config and the CLI does not list it.
TB_TEST_CONFIGS := nommu-badfree mmu-rcu-nogp mmu-pvl-noseq

# The stress driver races faults against mmap/munmap/mprotect: mmu only.
TB_STRESS_CONFIGS := mmu-spf mmu mmu-spf-rcu mmu-pvl mmu-vmrefcnt mmu-spf-v9

# Per config: the model it builds (mmu: mm/mmap.c and friends, nommu:
# mm/nommu.c), its compiler flags and (TB_LIBS_) the libraries it links.
TB_MODEL_mmu-spf := mmu
TB_FLAGS_mmu-spf := -DCONFIG_MMU -DCONFIG_SPECULATIVE_PAGE_FAULT
TB_MODEL_mmu := mmu
TB_FLAGS_mmu := -DCONFIG_MMU
# mmu-spf-rcu: the SPF fault path with the VMA found under RCU instead of
# pinned by vm_ref_count; VMAs freed after a grace period (liburcu).
TB_MODEL_mmu-spf-rcu := mmu
TB_FLAGS_mmu-spf-rcu := -DCONFIG_MMU -DCONFIG_SPECULATIVE_PAGE_FAULT -DCONFIG_SPF_RCU
TB_LIBS_mmu-spf-rcu := -lurcu-memb
# mmu-pvl: the per-VMA locks merged in Linux 6.4 instead of SPF
# (lock_vma_under_rcu, vm_lock_seq); VMAs freed after a grace period.
TB_MODEL_mmu-pvl := mmu
TB_FLAGS_mmu-pvl := -DCONFIG_MMU -DCONFIG_PER_VMA_LOCK
TB_LIBS_mmu-pvl := -lurcu-memb
# mmu-vmrefcnt: 6.15's vm_refcnt (Suren Baghdasaryan, "replace vm_lock and
# detached flag with a reference count") on mmu-pvl's fault path; the VMA
# cache is SLAB_TYPESAFE_BY_RCU: a freed VMA is reused at once, no call_rcu.
TB_MODEL_mmu-vmrefcnt := mmu
TB_FLAGS_mmu-vmrefcnt := -DCONFIG_MMU -DCONFIG_PER_VMA_LOCK -DCONFIG_VMA_REFCNT
TB_LIBS_mmu-vmrefcnt := -lurcu-memb
# mmu-spf-v9: mmu-spf with SPF v9's fallback (v7-v10, dropped in v11): a
# speculative fault that gives up (VM_FAULT_RETRY) keeps its get_vma
# reference and hands the VMA to the classic path, which under mmap_sem
# reuses it when can_reuse_spf_vma() holds (still in mm_rb, still covering
# the address) instead of calling find_vma; either way the reference is
# dropped there.  The kernel LKP's page_fault1/2/3 and malloc1 rows ran.
TB_MODEL_mmu-spf-v9 := mmu
TB_FLAGS_mmu-spf-v9 := -DCONFIG_MMU -DCONFIG_SPECULATIVE_PAGE_FAULT -DCONFIG_SPF_REUSE_VMA
# nommu: no CONFIG_MMU; VMAs freed through the shared __free_vma.
TB_MODEL_nommu := nommu
TB_FLAGS_nommu :=
# nommu-orig: 4.16's open-coded frees, the A/B partner of nommu.
TB_MODEL_nommu-orig := nommu
TB_FLAGS_nommu-orig := -DTB_NOMMU_OPEN_CODED_FREE
# The test-only configs are patched builds: TB_PATCHES_ names the patches
# (native/test-configs/, applied to a copy of the sources, never in place)
# and TB_CONFIG_TEST_FLAGS the tb_config_info.test_flags bits of the
# managed port's matching test-only switch.
# nommu-badfree: TEST-ONLY.  A deliberately broken __free_vma (leaks the
# VMA's file reference), so tests can show the A/B runner catches a bad
# refactor.  Never ship it.
TB_MODEL_nommu-badfree := nommu
TB_FLAGS_nommu-badfree := -DTB_CONFIG_TEST_FLAGS=0x1
TB_PATCHES_nommu-badfree := test-configs/nommu-badfree.patch
# mmu-rcu-nogp: TEST-ONLY.  mmu-spf-rcu freeing VMAs without waiting for
# the grace period; the interleaving specs show a fault still inside its
# read-side section then meets a freed VMA (a violation).
TB_MODEL_mmu-rcu-nogp := mmu
TB_FLAGS_mmu-rcu-nogp := -DCONFIG_MMU -DCONFIG_SPECULATIVE_PAGE_FAULT -DCONFIG_SPF_RCU -DTB_CONFIG_TEST_FLAGS=0x4
TB_PATCHES_mmu-rcu-nogp := test-configs/mmu-rcu-nogp.patch
TB_LIBS_mmu-rcu-nogp := -lurcu-memb
# mmu-pvl-noseq: TEST-ONLY.  mmu-pvl whose vma_start_read skips the
# vm_lock_seq re-check after its trylock.
TB_MODEL_mmu-pvl-noseq := mmu
TB_FLAGS_mmu-pvl-noseq := -DCONFIG_MMU -DCONFIG_PER_VMA_LOCK -DTB_CONFIG_TEST_FLAGS=0x10
TB_PATCHES_mmu-pvl-noseq := test-configs/mmu-pvl-noseq.patch
TB_LIBS_mmu-pvl-noseq := -lurcu-memb
