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

/* Fill all of @out (zeroed first; show() in knetstat.rs relies on it) for the
 * element @v that the iterator of @seq returned. */
void knetstat_snapshot(struct seq_file *seq, void *v, struct knetstat_sock *out);

/*
 * The free part of @seq's buffer, where the show callback formats a row in
 * place (seq_get_buf); *@buf is NULL when there is none.
 */
size_t knetstat_seq_room(struct seq_file *seq, char **buf);

/*
 * Account for @len bytes written there, or, with @len < 0, mark the buffer
 * as overflowed so that seq_file retries the row with a larger one
 * (seq_commit).
 */
void knetstat_seq_commit(struct seq_file *seq, int len);

/* The seq_file show callback, implemented in Rust (knetstat.rs). */
int knetstat_seq_show(struct seq_file *seq, void *v);

#endif /* KNETSTAT_HELPERS_H */
