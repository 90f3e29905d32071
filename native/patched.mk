# SPDX-License-Identifier: GPL-2.0-only
#
# Patched builds: the model's sources copied to a folder of their own,
# patched there (patch-tree.sh: patch -p1, --fuzz=0), and compiled like a
# config, never in place:
#   make -C native patched PATCHES="<file>..." PATCHED_DIR=<dir>
#        [PATCHED_CONFIGS="mmu-spf nommu"] [PATCHED_FLAVOUR=release|asan|perf]
# builds <dir>/libtestbed-<config>.so (and, in the asan flavour, the stress
# driver of an mmu config) from <dir>/src/native.  The harness loads such
# a folder through TESTBED_NATIVE_DIR; --model-patch (the CLI) and
# `testbed mutants` both build through this target.
#   make -C native mutant MUTANT=<name> [MUTANT_CONFIGS=..] [MUTANT_FLAVOUR=..]
# is the same with PATCHES=mutants/<name>.patch and
# PATCHED_DIR=../build/native/mutants/<name>[-asan] (docs/mutants.md).
# A test-only config with TB_PATCHES_<config> (configs.mk) is built by the
# flavour rules from the patched tree $(BUILD)/src/<config>.

ifneq ($(MUTANT),)
PATCHES := mutants/$(MUTANT).patch
PATCHED_DIR := $(BUILD)/mutants/$(MUTANT)$(if $(filter asan,$(MUTANT_FLAVOUR)),-asan)
PATCHED_CONFIGS := $(or $(MUTANT_CONFIGS),mmu-spf)
PATCHED_FLAVOUR := $(or $(MUTANT_FLAVOUR),release)
endif

PATCHED_CONFIGS ?= mmu-spf
PATCHED_FLAVOUR ?= release

# $(1) = tree folder (its sources under $(1)/native), $(2) = patches.
# The copy is redone when a source or a patch changes; every file in it
# is then new, so everything built from it is rebuilt.
define tree_rules
$(1)/.stamp: $(MODEL_TREE_SRCS) $(2) patch-tree.sh
	./patch-tree.sh $(1) $(2)

$(addprefix $(1)/native/,$(sort $(KERNEL_SRCS) $(MMU_SRCS) $(NOMMU_SRCS) \
	$(STRESS_SRCS))): $(1)/.stamp ;
endef

ifneq ($(PATCHED_DIR),)
$(eval $(call tree_rules,$(PATCHED_DIR)/src,$(PATCHES)))

# $(1) = config
define patched_rules
POBJS_$(1) := $$(patsubst %.c,$(PATCHED_DIR)/obj/$(1)/%.o,\
	$(KERNEL_SRCS) $(CONFIG_SRCS_$(1)))

$(PATCHED_DIR)/obj/$(1)/%.o: $(PATCHED_DIR)/src/native/%.c $(PATCHED_DIR)/src/.stamp
	@mkdir -p $$(@D)
	$$(CC) $(call tree_cflags,$(PATCHED_DIR)/src/native) \
		$(CFLAGS_$(PATCHED_FLAVOUR)) $(CONFIG_FLAGS_$(1)) \
		-DTB_CONFIG_NAME='"$(1)"' \
		-DTB_SANITIZERS=$(SANITIZER_$(PATCHED_FLAVOUR)) -c $$< -o $$@

$(PATCHED_DIR)/libtestbed-$(1).so: $$(POBJS_$(1)) \
		$(if $(call uses_maple,$(1)),$(PATCHED_DIR)/obj/maple/maple.o)
	$$(CC) -shared $(BASE_LDFLAGS) $(LDFLAGS_$(PATCHED_FLAVOUR)) -o $$@ $$^ \
		$(TB_LIBS_$(1))

$(PATCHED_DIR)/stress-$(1): $(PATCHED_DIR)/src/native/$(STRESS_SRCS) $(PATCHED_DIR)/libtestbed-$(1).so
	$$(CC) $(filter-out -fvisibility=hidden,$(call tree_cflags,$(PATCHED_DIR)/src/native)) \
		$(CFLAGS_$(PATCHED_FLAVOUR)) $(CONFIG_FLAGS_$(1)) -o $$@ \
		$(PATCHED_DIR)/src/native/$(STRESS_SRCS) -L$(PATCHED_DIR) \
		-l:libtestbed-$(1).so -Wl,-rpath,'$$$$ORIGIN' $(BASE_LDFLAGS) \
		$(LDFLAGS_$(PATCHED_FLAVOUR))

patched: $(PATCHED_DIR)/libtestbed-$(1).so
$(if $(and $(filter asan,$(PATCHED_FLAVOUR)),$(filter $(1),$(STRESS_CONFIGS))),patched: $(PATCHED_DIR)/stress-$(1))

-include $$(POBJS_$(1):.o=.d)
endef
$(foreach c,$(PATCHED_CONFIGS),$(eval $(call patched_rules,$(c))))

# The maple tree of the patched copy (native/maple/maple.c there).
$(PATCHED_DIR)/obj/maple/maple.o: $(PATCHED_DIR)/src/.stamp $(MAPLE_KSRC)/.stamp
	@mkdir -p $(@D)
	$(CC) $(subst -Imaple,-I$(PATCHED_DIR)/src/native/maple,$(MAPLE_CFLAGS)) \
		$(call MAPLE_FLAVOUR_CFLAGS,$(PATCHED_FLAVOUR)) \
		-c $(PATCHED_DIR)/src/native/maple/maple.c -o $@
endif

.PHONY: patched mutant
patched:
	@test -n '$(PATCHED_DIR)' || { echo "patched: set PATCHED_DIR=<dir> (and PATCHES)"; exit 2; }
mutant: patched
	@test -n '$(MUTANT)' || { echo "mutant: set MUTANT=<name>"; exit 2; }
