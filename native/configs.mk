# SPDX-License-Identifier: GPL-2.0-only
#
# The config registry: the one list of configs.  native/Makefile includes
# it; the binding generator reads it (interop/Testbed.BindGen/bindgen.rsp);
# Testbed.Contract embeds it (ConfigRegistry), which is what the backend
# factories, the managed port and the CLI read.  A test checks that they
# all agree.  Keep the format: one "NAME := words" per line, # comments.

# Every config, in build order.
TB_CONFIGS := mmu-spf mmu nommu nommu-orig nommu-badfree

# Test-only: built and bound (the A/B bite test needs it), but the managed
# port has no such config and the CLI does not list it.
TB_TEST_CONFIGS := nommu-badfree

# The stress driver races faults against mmap/munmap/mprotect: mmu only.
TB_STRESS_CONFIGS := mmu-spf mmu

# Per config: the model it builds (mmu: mm/mmap.c and friends, nommu:
# mm/nommu.c) and its compiler flags.
TB_MODEL_mmu-spf := mmu
TB_FLAGS_mmu-spf := -DCONFIG_MMU -DCONFIG_SPECULATIVE_PAGE_FAULT
TB_MODEL_mmu := mmu
TB_FLAGS_mmu := -DCONFIG_MMU
# nommu: no CONFIG_MMU; VMAs freed through the shared __free_vma.
TB_MODEL_nommu := nommu
TB_FLAGS_nommu :=
# nommu-orig: 4.16's open-coded frees, the A/B partner of nommu.
TB_MODEL_nommu-orig := nommu
TB_FLAGS_nommu-orig := -DTB_NOMMU_OPEN_CODED_FREE
# nommu-badfree: TEST-ONLY.  A deliberately broken __free_vma (leaks the
# VMA's file reference), so tests can show the A/B runner catches a bad
# refactor.  Never ship it.
TB_MODEL_nommu-badfree := nommu
TB_FLAGS_nommu-badfree := -DTB_TEST_BAD_FREE
