# SPDX-License-Identifier: GPL-2.0
# knetstat — see README.md.
#
#   make                 build knetstat.ko (KDIR: the running kernel's build
#                        tree if it has Rust support, else the test kernel)
#   make check           host tests, module build, VM tests, short stress
#                        (debug kernels 6.12 and 7.3; tests/check.sh)
#   make test            the quick loop: host tests, docs, module build,
#                        VM tests on the 6.12 debug kernel
#   make stress DURATION=600   the stress suite for DURATION seconds
#   make bench           read-time benchmark on the release kernel (SIZES, RUNS)
#   make impact          what a reader costs live traffic, release kernel
#                        (SIZES, SECONDS)
#   make demo            boot Debian's stock 7.x kernel with the package
#                        installed, load the module, show the files
#                        (DEMO_KERNEL=sid|own: sid's kernel, the test kernel)
#   make vm CMD='...'    run CMD as root in the test VM with the module loaded
#   make check-arm64-native  the .deb installed in an arm64 root, DKMS
#                        building with the arm64 toolchain (under
#                        qemu-user), that kernel booted with the module
#                        (tests/stock/arm64_native.sh)
#   make deps            install build and test dependencies (Debian 12, root)
#   make install         install knetstat.ko for KDIR's kernel, and the man page
#   make uninstall       remove them
#   make dkms-install    copy the source to /usr/src and dkms add/build/install
#   make dkms-uninstall  dkms remove, and remove the source from /usr/src
#   make deb             knetstat-dkms_<version>_all.deb (pkg/mkdeb.sh)
#
# VARIANT=debug|release picks the test kernel (default debug).

# kbuild reads ./Kbuild, never this file; DKMS runs this file with
# KERNELRELEASE=<version> on the command line, so that variable must not
# switch it into a kbuild mode.

VARIANT ?= debug
# The one version number (Kbuild reads it the same way; scripts ask
# `make print-version`).
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# What an installed source tree (DKMS) needs to build the module.
SOURCES := Kbuild Makefile dkms.conf knetstat.rs sock_fmt.rs diag.rs options.rs sink.rs \
	snapshot.rs snapshot.h snapshot.bindgen \
	helpers.c helpers.h scripts/kdir-check.sh scripts/kdir-prepare.sh \
	scripts/dkms-pre-build.sh knetstat.4 README.md LICENSE
MANDIR ?= /usr/share/man/man4
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build

# Without KDIR, use the running kernel if its build tree has Rust support.
ifeq ($(origin KDIR),undefined)
ifneq ($(shell grep -s '^CONFIG_RUST=y' $(RUNNING_KDIR)/include/config/auto.conf),)
KDIR := $(RUNNING_KDIR)
endif
endif

# The test kernel for VARIANT, built on first use (tests/kernel/build.sh).
TEST_KDIR = $$(tests/kernel/build.sh $(VARIANT))

DURATION ?= 600

.PHONY: all module build-module install-source deps check check-arm64-native test host-test vm-test stress bench impact demo vm clean test-kernel \
	install uninstall dkms-install dkms-uninstall deb print-sources print-version

all: module

module:
ifdef KDIR
	@$(MAKE) --no-print-directory build-module KDIR="$(KDIR)"
else
	@echo "knetstat: no Rust-enabled build tree for the running kernel; building against the $(VARIANT) test kernel"
	@kdir=$(TEST_KDIR) && $(MAKE) --no-print-directory build-module KDIR="$$kdir"
endif

# In a recipe: kdir, the tree to build in (KDIR, or for headers without the
# Rust crates the tree scripts/kdir-prepare.sh makes from them), and args,
# the make arguments it needs; or one sentence and a failure.
USE_KDIR = kdir=$$(scripts/kdir-prepare.sh "$(KDIR)") && args=$$(scripts/kdir-check.sh "$$kdir") || exit 1

# Rebuild from scratch when the tree changes: objects for one kernel (say,
# with KASAN) must never be linked into a module for another.
build-module:
	@$(USE_KDIR); \
	if [ "$$(cat .kdir 2>/dev/null)" != "$$kdir" ]; then \
		$(MAKE) -C "$$kdir" M="$(CURDIR)" $$args clean >/dev/null; \
		echo "$$kdir" > .kdir; \
	fi; \
	$(MAKE) -C "$$kdir" M="$(CURDIR)" $$args modules

deps:
	tests/deps.sh

# install/uninstall act on KDIR's kernel (default: the running one).
KREL = $$($(MAKE) -s -C "$(KDIR)" kernelrelease)

install: module
	@test -n "$(KDIR)" || { echo "knetstat: make install needs KDIR=<kernel build tree> (the running kernel has no Rust-enabled build tree)." >&2; exit 1; }
	@$(USE_KDIR); \
	$(MAKE) -C "$$kdir" M="$(CURDIR)" $$args INSTALL_MOD_DIR=updates modules_install && \
	depmod -a $(KREL)
	install -D -m 0644 knetstat.4 $(DESTDIR)$(MANDIR)/knetstat.4

uninstall:
	@test -n "$(KDIR)" || { echo "knetstat: make uninstall needs KDIR=<kernel build tree> (the running kernel has no Rust-enabled build tree)." >&2; exit 1; }
	rm -f /lib/modules/$(KREL)/updates/knetstat.ko
	depmod -a $(KREL)
	rm -f $(DESTDIR)$(MANDIR)/knetstat.4

# The DKMS source tree: what /usr/src/knetstat-<version> holds.
DKMS_SRC := /usr/src/knetstat-$(VERSION)

# The source as DKMS wants it, under DESTDIR (debian/rules uses it too).
install-source:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	for f in $(SOURCES); do install -D -m 0644 $$f $(DESTDIR)$(DKMS_SRC)/$$f; done
	chmod 0755 $(DESTDIR)$(DKMS_SRC)/scripts/*.sh

dkms-install: install-source
	dkms add knetstat/$(VERSION)
	dkms build knetstat/$(VERSION)
	dkms install knetstat/$(VERSION)
	install -D -m 0644 knetstat.4 $(DESTDIR)$(MANDIR)/knetstat.4

dkms-uninstall:
	if dkms status -m knetstat -v $(VERSION) | grep -q .; then dkms remove knetstat/$(VERSION) --all; fi
	rm -rf $(DKMS_SRC)
	rm -f $(DESTDIR)$(MANDIR)/knetstat.4

# knetstat-dkms_<version>_all.deb in this directory, built from debian/.
deb:
	pkg/mkdeb.sh $(CURDIR)

print-sources:
	@echo $(SOURCES)

print-version:
	@echo $(VERSION)

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

stress:
	@kdir=$(TEST_KDIR) && $(MAKE) --no-print-directory build-module KDIR="$$kdir" && \
	VM_TIMEOUT=$$(( $(DURATION) + 600 )) tests/vm/run.sh "$$kdir" knetstat.ko \
		"python3 tests/vm/stress.py $(DURATION) $(CURDIR)/knetstat.ko"

# Figures only (tests/vm/bench.py): tcpstat against /proc/net/tcp, ss, netstat.
SIZES ?= 1000,10000,100000
RUNS ?= 5
bench:
	@kdir=$$(tests/kernel/build.sh release) && $(MAKE) --no-print-directory build-module KDIR="$$kdir" && \
	VM_MEM=4G VM_TIMEOUT=5400 tests/vm/run.sh "$$kdir" knetstat.ko "python3 tests/vm/bench.py $(SIZES) $(RUNS)"

# Figures only (tests/vm/impact.py): what a tcpstat reader costs live traffic,
# against a /proc/net/tcp reader and none. SECONDS per measurement.
impact: SIZES = 10000,100000
SECONDS ?= 10
impact:
	@kdir=$$(tests/kernel/build.sh release) && $(MAKE) --no-print-directory build-module KDIR="$$kdir" && \
	VM_MEM=4G VM_TIMEOUT=3600 tests/vm/run.sh "$$kdir" knetstat.ko "python3 tests/vm/impact.py $(SIZES) $(SECONDS)"

check:
	tests/check.sh

test:
	tests/check.sh quick

check-arm64-native:
	@tests/deps.sh arm64
	tests/stock/arm64_native.sh

# The demo's kernel: Debian's stock one (trixie-backports, the default, or
# sid) with the .deb installed in a Debian root, the fastest path from
# nothing; or own, the project's test kernel, built on first use.
DEMO_KERNEL ?= trixie-backports
demo:
ifeq ($(DEMO_KERNEL),own)
	@tests/deps.sh
	@kdir=$(TEST_KDIR) && $(MAKE) --no-print-directory build-module KDIR="$$kdir" && \
	tests/vm/run.sh "$$kdir" knetstat.ko 'python3 tests/vm/demo.py'
else
	@tests/deps.sh demo
	@root=$$(tests/stock/root.sh $(DEMO_KERNEL)) && \
	echo "knetstat: apt-get install ./knetstat-dkms_$(VERSION)_all.deb in $$root" && \
	{ tests/stock/install.sh "$$root" >/dev/null || { tail -30 "$$root/tmp/apt.log"; exit 1; }; } && \
	tests/vm/run.sh "$$root" "" 'modprobe knetstat && python3 tests/vm/demo.py'
endif

clean:
	@if [ -f .kdir ]; then $(MAKE) -C "$$(cat .kdir)" M="$(CURDIR)" clean; fi
	rm -f .kdir
	rm -rf tests/host/target
