# SPDX-License-Identifier: GPL-2.0
# knetstat — see README.md.
#
#   make                 build knetstat.ko (KDIR: the running kernel's build
#                        tree if it has Rust support, else the test kernel)
#   make check           host tests, module build, VM tests (debug kernel)
#   make demo            boot the test kernel, load the module, show the files
#   make vm CMD='...'    run CMD as root in the test VM with the module loaded
#   make deps            install build and test dependencies (Debian 12, root)
#
# VARIANT=debug|release picks the test kernel (default debug).

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

VARIANT ?= debug
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build

# Without KDIR, use the running kernel if its build tree has Rust support.
ifeq ($(origin KDIR),undefined)
ifneq ($(shell grep -s '^CONFIG_RUST=y' $(RUNNING_KDIR)/include/config/auto.conf),)
KDIR := $(RUNNING_KDIR)
endif
endif

# The test kernel for VARIANT, built on first use (tests/kernel/build.sh).
TEST_KDIR = $$(tests/kernel/build.sh $(VARIANT))

.PHONY: all module build-module deps check host-test vm-test demo vm clean test-kernel

all: module

module:
ifdef KDIR
	@$(MAKE) --no-print-directory build-module KDIR="$(KDIR)"
else
	@echo "knetstat: no Rust-enabled build tree for the running kernel; building against the $(VARIANT) test kernel"
	@kdir=$(TEST_KDIR) && $(MAKE) --no-print-directory build-module KDIR="$$kdir"
endif

# Rebuild from scratch when KDIR changes: objects for one kernel (say, with
# KASAN) must never be linked into a module for another.
build-module:
	@args=$$(tests/kdir-check.sh "$(KDIR)") || exit 1; \
	if [ "$$(cat .kdir 2>/dev/null)" != "$(KDIR)" ]; then \
		$(MAKE) -C "$(KDIR)" M="$(CURDIR)" $$args clean >/dev/null; \
		echo "$(KDIR)" > .kdir; \
	fi; \
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" $$args modules

deps:
	tests/deps.sh

test-kernel:
	tests/kernel/build.sh $(VARIANT)

host-test:
	cargo test --manifest-path tests/host/Cargo.toml

vm:
	@kdir=$(TEST_KDIR) && $(MAKE) --no-print-directory build-module KDIR="$$kdir" && \
	tests/vm/run.sh "$$kdir" knetstat.ko '$(CMD)'

vm-test:
	@kdir=$(TEST_KDIR) && $(MAKE) --no-print-directory build-module KDIR="$$kdir" && \
	tests/vm/run.sh "$$kdir" knetstat.ko 'python3 tests/vm/test_knetstat.py'

check: deps host-test vm-test

demo: deps
	@kdir=$(TEST_KDIR) && $(MAKE) --no-print-directory build-module KDIR="$$kdir" && \
	tests/vm/run.sh "$$kdir" knetstat.ko 'python3 tests/vm/demo.py'

clean:
	@if [ -f .kdir ]; then $(MAKE) -C "$$(cat .kdir)" M="$(CURDIR)" clean; fi
	rm -f .kdir
	rm -rf tests/host/target

endif
