/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knetstat: the functions between the C shims (helpers.c) and the Rust side
 * (knetstat.rs). The snapshot they pass is in snapshot.h.
 */
#ifndef KNETSTAT_HELPERS_H
#define KNETSTAT_HELPERS_H

#include <linux/types.h>
#include "snapshot.h"

struct seq_file;

/* Registration of the pernet subsystem that owns the four files. */
int knetstat_register(void);
void knetstat_unregister(void);

/*
 * Format the line for @s into @buf, @room bytes (knetstat.rs): the number
 * of bytes written, or -1 if the line does not fit.
 */
int knetstat_format_row(const struct knetstat_sock *s, char *buf, size_t room);

#endif /* KNETSTAT_HELPERS_H */
