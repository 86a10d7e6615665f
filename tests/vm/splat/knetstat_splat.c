// SPDX-License-Identifier: GPL-2.0
/*
 * A deliberately broken module for the harness self-test: it triggers a
 * kernel WARNING when loaded. tests/vm/selftest.sh checks that a VM run
 * that loads it fails, even though its command succeeds.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init knetstat_splat_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit knetstat_splat_exit(void)
{
}

module_init(knetstat_splat_init);
module_exit(knetstat_splat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("knetstat harness self-test: warns on load");
