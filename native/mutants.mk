# SPDX-License-Identifier: GPL-2.0-only
#
# Mutant builds, for `testbed mutants` only (docs/mutants.md):
#   make -C native mutant MUTANT=<name> [MUTANT_CONFIGS="mmu-spf nommu"]
#        [MUTANT_FLAVOUR=release|asan]
# compiles every source of each config with -DTB_MUTANT_<NAME> (the name
# upper-cased, '-' as '_') into
#   ../build/native/mutants/<name>[-asan]/libtestbed-<config>.so
# plus, for mmu configs in the asan flavour, the stress driver.  A mutant
# library is never copied next to the assemblies: the harness loads it
# through TESTBED_NATIVE_DIR.

MUTANT_CONFIGS ?= mmu-spf
MUTANT_FLAVOUR ?= release

ifneq ($(MUTANT),)
MUTANT_DEFINE := -DTB_MUTANT_$(shell echo '$(MUTANT)' | tr 'a-z-' 'A-Z_')
MUTANT_DIR := $(BUILD)/mutants/$(MUTANT)$(if $(filter asan,$(MUTANT_FLAVOUR)),-asan)

# $(1) = config
define mutant_rules
MOBJS_$(1) := $$(patsubst %.c,$(MUTANT_DIR)/obj/$(1)/%.o,\
	$(KERNEL_SRCS) $(CONFIG_SRCS_$(1)))

$(MUTANT_DIR)/obj/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $(BASE_CFLAGS) $(CFLAGS_$(MUTANT_FLAVOUR)) $(CONFIG_FLAGS_$(1)) \
		$(MUTANT_DEFINE) -DTB_CONFIG_NAME='"$(1)"' \
		-DTB_SANITIZERS=$(SANITIZER_$(MUTANT_FLAVOUR)) -c $$< -o $$@

$(MUTANT_DIR)/libtestbed-$(1).so: $$(MOBJS_$(1))
	$$(CC) -shared $(BASE_LDFLAGS) $(LDFLAGS_$(MUTANT_FLAVOUR)) -o $$@ $$^ \
		$(TB_LIBS_$(1))

$(MUTANT_DIR)/stress-$(1): $(STRESS_SRCS) $(MUTANT_DIR)/libtestbed-$(1).so
	$$(CC) $(filter-out -fvisibility=hidden,$(BASE_CFLAGS)) \
		$(CFLAGS_$(MUTANT_FLAVOUR)) $(CONFIG_FLAGS_$(1)) -o $$@ \
		$(STRESS_SRCS) -L$(MUTANT_DIR) -l:libtestbed-$(1).so \
		-Wl,-rpath,'$$$$ORIGIN' $(BASE_LDFLAGS) $(LDFLAGS_$(MUTANT_FLAVOUR))

mutant: $(MUTANT_DIR)/libtestbed-$(1).so
$(if $(and $(filter asan,$(MUTANT_FLAVOUR)),$(filter $(1),$(STRESS_CONFIGS))),mutant: $(MUTANT_DIR)/stress-$(1))

-include $$(MOBJS_$(1):.o=.d)
endef
$(foreach c,$(MUTANT_CONFIGS),$(eval $(call mutant_rules,$(c))))
endif

.PHONY: mutant
mutant:
	@test -n '$(MUTANT)' || { echo "mutant: set MUTANT=<name>"; exit 2; }
