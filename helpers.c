// SPDX-License-Identifier: GPL-2.0
/*
 * knetstat C shims: what needs kernel internals and nothing else.
 *
 *  - per-namespace registration of the four /proc/net files;
 *  - the walks over the TCP and UDP hash tables, under the bucket locks;
 *  - knetstat_snapshot(): copy the fields of one socket into a plain
 *    struct knetstat_sock, touching only fields its kind of socket has.
 *
 * Nothing here formats output: the show callback hands the snapshot and
 * the free part of the seq_file buffer to knetstat_format_row()
 * (knetstat.rs).
 *
 * The TCP walk mirrors tcp_seq_start/next/stop in net/ipv4/tcp_ipv4.c
 * (Linux 6.12), which are not exported to modules when IPv6 is built in.
 * The UDP walk mirrors udp_seq_start/next/stop in net/ipv4/udp.c but always
 * uses the namespace's own table and resumes from the last position, so a
 * full read is O(N) like the TCP one.
 */

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/seq_file_net.h>
#include <linux/netdevice.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/request_sock.h>
#include <net/tcp.h>
#include <net/udp.h>

#include "helpers.h"

/* diag.rs compares knetstat_sock.pending with this number. */
static_assert(ICSK_TIME_PROBE0 == 3);

#if !IS_ENABLED(CONFIG_IPV6)
#error "knetstat needs a kernel with IPv6 support (CONFIG_IPV6)"
#endif

/* One of the four files: what it lists. Stored as the proc entry's data. */
struct knetstat_file {
	const char *name;
	unsigned short family;	/* AF_INET or AF_INET6 */
	bool udp;
};

static const struct knetstat_file knetstat_files[] = {
	{ "tcpstat",  AF_INET,  false },
	{ "tcp6stat", AF_INET6, false },
	{ "udpstat",  AF_INET,  true },
	{ "udp6stat", AF_INET6, true },
};

/* Which table a TCP walk is in, as TCP_SEQ_STATE_* in the kernel. */
enum { WALK_LISTENING, WALK_ESTABLISHED };

/* Per-open-file iterator state; seq_net_private must come first. */
struct knetstat_iter {
	struct seq_net_private p;
	const struct knetstat_file *file;
	int table;		/* WALK_LISTENING or WALK_ESTABLISHED (TCP) */
	int bucket;		/* current hash bucket, its lock held while on it */
	int offset;		/* matching sockets already returned from bucket */
	loff_t last_pos;	/* *pos after the last start/next */
	bool net_admin;		/* the opener has CAP_NET_ADMIN over the namespace */
};

/*
 * Testing only: the bucket locks the walks have taken since the module was
 * loaded, read-only in /sys/module/knetstat/parameters/buckets_locked, so
 * that a test can tell how many buckets a read walked (SPEC.md: a full
 * read walks each table once).
 */
static atomic_long_t buckets_locked;

static int buckets_locked_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&buckets_locked));
}

static const struct kernel_param_ops buckets_locked_ops = {
	.get = buckets_locked_get,
};
module_param_cb(buckets_locked, &buckets_locked_ops, NULL, 0444);
MODULE_PARM_DESC(buckets_locked,
		 "testing only: bucket locks taken by the walks since load (read-only)");

static bool iter_match(const struct seq_file *seq, const struct sock *sk)
{
	const struct knetstat_iter *it = seq->private;

	return sk->sk_family == it->file->family &&
	       net_eq(sock_net(sk), seq_file_net((struct seq_file *)seq));
}

/* --- TCP: listening hash, then established hash (TIME_WAIT and requests) */

static struct inet_hashinfo *tcp_hinfo(struct seq_file *seq)
{
	return seq_file_net(seq)->ipv4.tcp_death_row.hashinfo;
}

/* listening_get_first(): first match from it->bucket on, its lock held. */
static void *tcp_listening_first(struct seq_file *seq)
{
	struct inet_hashinfo *hinfo = tcp_hinfo(seq);
	struct knetstat_iter *it = seq->private;

	it->offset = 0;
	for (; it->bucket <= hinfo->lhash2_mask; it->bucket++) {
		struct inet_listen_hashbucket *ilb2 = &hinfo->lhash2[it->bucket];
		struct hlist_nulls_node *node;
		struct sock *sk;

		if (hlist_nulls_empty(&ilb2->nulls_head))
			continue;
		atomic_long_inc(&buckets_locked);
		spin_lock(&ilb2->lock);
		sk_nulls_for_each(sk, node, &ilb2->nulls_head)
			if (iter_match(seq, sk))
				return sk;
		spin_unlock(&ilb2->lock);
	}
	return NULL;
}

/* listening_get_next() */
static void *tcp_listening_next(struct seq_file *seq, struct sock *sk)
{
	struct knetstat_iter *it = seq->private;
	struct hlist_nulls_node *node;

	it->offset++;
	sk = sk_nulls_next(sk);
	sk_nulls_for_each_from(sk, node)
		if (iter_match(seq, sk))
			return sk;
	spin_unlock(&tcp_hinfo(seq)->lhash2[it->bucket].lock);
	it->bucket++;
	return tcp_listening_first(seq);
}

/* established_get_first() */
static void *tcp_established_first(struct seq_file *seq)
{
	struct inet_hashinfo *hinfo = tcp_hinfo(seq);
	struct knetstat_iter *it = seq->private;

	it->offset = 0;
	for (; it->bucket <= hinfo->ehash_mask; it->bucket++) {
		spinlock_t *lock = inet_ehash_lockp(hinfo, it->bucket);
		struct hlist_nulls_node *node;
		struct sock *sk;

		cond_resched();
		if (hlist_nulls_empty(&hinfo->ehash[it->bucket].chain))
			continue;
		atomic_long_inc(&buckets_locked);
		spin_lock_bh(lock);
		sk_nulls_for_each(sk, node, &hinfo->ehash[it->bucket].chain)
			if (iter_match(seq, sk))
				return sk;
		spin_unlock_bh(lock);
	}
	return NULL;
}

/* established_get_next() */
static void *tcp_established_next(struct seq_file *seq, struct sock *sk)
{
	struct knetstat_iter *it = seq->private;
	struct hlist_nulls_node *node;

	it->offset++;
	sk = sk_nulls_next(sk);
	sk_nulls_for_each_from(sk, node)
		if (iter_match(seq, sk))
			return sk;
	spin_unlock_bh(inet_ehash_lockp(tcp_hinfo(seq), it->bucket));
	it->bucket++;
	return tcp_established_first(seq);
}

/* The next socket after @v in walk order, moving on to the next table. */
static void *tcp_next_sock(struct seq_file *seq, void *v)
{
	struct knetstat_iter *it = seq->private;
	void *rc;

	if (it->table == WALK_LISTENING) {
		rc = v ? tcp_listening_next(seq, v) : tcp_listening_first(seq);
		if (rc)
			return rc;
		it->table = WALK_ESTABLISHED;
		it->bucket = 0;
		return tcp_established_first(seq);
	}
	return v ? tcp_established_next(seq, v) : tcp_established_first(seq);
}

/*
 * tcp_seek_last_pos(): go back to the bucket and offset where the previous
 * read stopped, instead of walking from the start (that would make a full
 * read O(N^2)). The offset counts matches, so sockets added or removed in
 * the meantime can shift the walk by a few rows, exactly as in the kernel.
 * NULL: nothing is left from there to the end of the established table.
 */
static void *tcp_seek_last(struct seq_file *seq)
{
	struct knetstat_iter *it = seq->private;
	int bucket = it->bucket, offset = it->offset;
	struct inet_hashinfo *hinfo = tcp_hinfo(seq);
	void *rc;

	if (it->table == WALK_LISTENING) {
		rc = tcp_listening_first(seq);
		while (offset-- && rc && bucket == it->bucket)
			rc = tcp_listening_next(seq, rc);
		if (rc)
			return rc;
		it->bucket = 0;
		it->table = WALK_ESTABLISHED;
	}
	if (it->bucket > hinfo->ehash_mask)
		return NULL;	/* the previous read reached the end */
	rc = tcp_established_first(seq);
	while (offset-- && rc && bucket == it->bucket)
		rc = tcp_established_next(seq, rc);
	return rc;
}

/* tcp_get_idx(): the @pos-th socket (0-based) from the very start. */
static void *tcp_get_idx(struct seq_file *seq, loff_t pos)
{
	struct knetstat_iter *it = seq->private;
	void *rc;

	it->table = WALK_LISTENING;
	it->bucket = 0;
	rc = tcp_next_sock(seq, NULL);
	while (rc && pos--)
		rc = tcp_next_sock(seq, rc);
	return rc;
}

static void *tcp_seq_start_(struct seq_file *seq, loff_t *pos)
{
	struct knetstat_iter *it = seq->private;
	void *rc;

	/*
	 * A read that goes on where the previous one stopped resumes there,
	 * and what the resumed walk finds is the answer, end of file
	 * included. The kernel's tcp_seq_start() walks the tables again from
	 * the start when the resume finds nothing; at the end of the file
	 * that is a second full walk that shows nothing (every socket before
	 * the resume point was shown, or came after the walk had passed its
	 * bucket, which SPEC.md allows to be missed), so it is not done here.
	 * Only a position that is not the last one (lseek, pread) counts
	 * from the start.
	 */
	if (*pos && *pos == it->last_pos) {
		rc = tcp_seek_last(seq);
		goto out;
	}
	it->table = WALK_LISTENING;
	it->bucket = 0;
	it->offset = 0;
	rc = *pos ? tcp_get_idx(seq, *pos - 1) : SEQ_START_TOKEN;
out:
	it->last_pos = *pos;
	return rc;
}

static void *tcp_seq_next_(struct seq_file *seq, void *v, loff_t *pos)
{
	struct knetstat_iter *it = seq->private;
	void *rc;

	rc = v == SEQ_START_TOKEN ? tcp_get_idx(seq, 0) : tcp_next_sock(seq, v);
	++*pos;
	it->last_pos = *pos;
	return rc;
}

/* tcp_seq_stop(): drop the lock of the bucket the walk stopped in. */
static void tcp_seq_stop_(struct seq_file *seq, void *v)
{
	struct knetstat_iter *it = seq->private;
	struct inet_hashinfo *hinfo = tcp_hinfo(seq);

	if (!v || v == SEQ_START_TOKEN)
		return;
	if (it->table == WALK_LISTENING)
		spin_unlock(&hinfo->lhash2[it->bucket].lock);
	else
		spin_unlock_bh(inet_ehash_lockp(hinfo, it->bucket));
}

/* --- UDP: the namespace's own table (net->ipv4.udp_table) --------------- */

static struct udp_table *udp_table_of(struct seq_file *seq)
{
	return seq_file_net(seq)->ipv4.udp_table;
}

/* udp_get_first(): first match from it->bucket on, its lock held. */
static struct sock *udp_first(struct seq_file *seq)
{
	struct udp_table *table = udp_table_of(seq);
	struct knetstat_iter *it = seq->private;
	struct sock *sk;

	it->offset = 0;
	for (; it->bucket <= table->mask; it->bucket++) {
		struct udp_hslot *hslot = &table->hash[it->bucket];

		if (hlist_empty(&hslot->head))
			continue;
		atomic_long_inc(&buckets_locked);
		spin_lock_bh(&hslot->lock);
		sk_for_each(sk, &hslot->head)
			if (iter_match(seq, sk))
				return sk;
		spin_unlock_bh(&hslot->lock);
	}
	return NULL;
}

/* udp_get_next() */
static struct sock *udp_next(struct seq_file *seq, struct sock *sk)
{
	struct knetstat_iter *it = seq->private;

	it->offset++;
	do
		sk = sk_next(sk);
	while (sk && !iter_match(seq, sk));
	if (sk)
		return sk;
	spin_unlock_bh(&udp_table_of(seq)->hash[it->bucket].lock);
	it->bucket++;
	return udp_first(seq);
}

static void *udp_seq_start_(struct seq_file *seq, loff_t *pos)
{
	struct knetstat_iter *it = seq->private;
	struct sock *sk = NULL;
	loff_t n;

	/* Resume where the previous read stopped: see tcp_seq_start_(). */
	if (*pos && *pos == it->last_pos) {
		int bucket = it->bucket, offset = it->offset;

		sk = udp_first(seq);	/* NULL at once past the last bucket */
		while (offset-- && sk && bucket == it->bucket)
			sk = udp_next(seq, sk);
		goto out;
	}
	if (!*pos) {
		it->bucket = 0;
		it->offset = 0;
		it->last_pos = 0;
		return SEQ_START_TOKEN;
	}
	it->bucket = 0;
	sk = udp_first(seq);
	for (n = *pos - 1; sk && n; n--)
		sk = udp_next(seq, sk);
out:
	it->last_pos = *pos;
	return sk;
}

static void *udp_seq_next_(struct seq_file *seq, void *v, loff_t *pos)
{
	struct knetstat_iter *it = seq->private;
	struct sock *sk;

	if (v == SEQ_START_TOKEN) {
		it->bucket = 0;
		sk = udp_first(seq);
	} else {
		sk = udp_next(seq, v);
	}
	++*pos;
	it->last_pos = *pos;
	return sk;
}

static void udp_seq_stop_(struct seq_file *seq, void *v)
{
	struct knetstat_iter *it = seq->private;

	if (v && v != SEQ_START_TOKEN)
		spin_unlock_bh(&udp_table_of(seq)->hash[it->bucket].lock);
}

/* --- snapshots ----------------------------------------------------------- */

static void copy_addr(u8 *dst, unsigned short family,
		      __be32 v4, const struct in6_addr *v6)
{
	if (family == AF_INET6)
		memcpy(dst, v6, 16);
	else
		memcpy(dst, &v4, 4);
}

/* The name of the device an SO_BINDTODEVICE socket is bound to. */
static void snap_bound_dev(const struct sock *sk, struct knetstat_sock *s)
{
	int ifindex = READ_ONCE(sk->sk_bound_dev_if);
	struct net_device *dev;

	if (!ifindex)
		return;
	/*
	 * The lookup of netdev_get_name() (not exported), under RCU. A rename
	 * racing with the copy can mix two names, but strscpy() never reads
	 * or writes past IFNAMSIZ. A device that is gone leaves the name
	 * empty, and getsockopt() fails then too.
	 */
	rcu_read_lock();
	dev = dev_get_by_index_rcu(sock_net(sk), ifindex);
	if (dev)
		strscpy(s->bound_dev, dev->name, sizeof(s->bound_dev));
	rcu_read_unlock();
}

/*
 * What struct sock itself holds: shared by TCP and UDP rows. Every read is
 * one that sk_getsockopt() also makes without the socket lock. Inlined in
 * both: a call and return a row cost more under TCG than the copy.
 */
static __always_inline void snap_sock_options(const struct sock *sk, struct knetstat_sock *s)
{
	u8 locks = READ_ONCE(sk->sk_userlocks);
	long timeo;

	/* Bit-fields: read plainly, as sk_getsockopt() does. */
	s->reuse = sk->sk_reuse;
	s->reuseport = sk->sk_reuseport;
	if (sock_flag(sk, SOCK_KEEPOPEN))
		s->flags |= KNETSTAT_F_KEEPALIVE;
	if (sock_flag(sk, SOCK_LINGER))
		s->flags |= KNETSTAT_F_LINGER;
	if (sock_flag(sk, SOCK_BROADCAST))
		s->flags |= KNETSTAT_F_BROADCAST;
	if (locks & SOCK_RCVBUF_LOCK)
		s->flags |= KNETSTAT_F_RCVBUF_LOCK;
	if (locks & SOCK_SNDBUF_LOCK)
		s->flags |= KNETSTAT_F_SNDBUF_LOCK;
	s->rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	s->sndbuf = READ_ONCE(sk->sk_sndbuf);
	timeo = READ_ONCE(sk->sk_rcvtimeo);
	s->rcvtimeo = timeo == MAX_SCHEDULE_TIMEOUT ? KNETSTAT_NO_TIMEOUT : timeo;
	timeo = READ_ONCE(sk->sk_sndtimeo);
	s->sndtimeo = timeo == MAX_SCHEDULE_TIMEOUT ? KNETSTAT_NO_TIMEOUT : timeo;
	/*
	 * Here and in snap_tcp_full(), a field that the row shows only under
	 * a condition is read only then: sk_lingertime, for one, has a cache
	 * line of its own, which a read of 100k sockets would otherwise fetch
	 * 100k times for nothing.
	 */
	if (s->flags & KNETSTAT_F_LINGER)
		s->lingertime = READ_ONCE(sk->sk_lingertime);

	/* Extensions */
	s->priority = READ_ONCE(sk->sk_priority);
	s->mark = READ_ONCE(sk->sk_mark);
	snap_bound_dev(sk, s);
	s->rcvlowat = READ_ONCE(sk->sk_rcvlowat);
	s->incoming_cpu = READ_ONCE(sk->sk_incoming_cpu);
#ifdef CONFIG_NET_RX_BUSY_POLL
	s->busy_poll = READ_ONCE(sk->sk_ll_usec);
#endif
	s->max_pacing_rate = READ_ONCE(sk->sk_max_pacing_rate);
	s->tsflags = READ_ONCE(sk->sk_tsflags);
	if (sock_flag(sk, SOCK_RCVTSTAMP))
		s->xflags |= KNETSTAT_X_RCVTSTAMP;
	if (sock_flag(sk, SOCK_RCVTSTAMPNS))
		s->xflags |= KNETSTAT_X_RCVTSTAMPNS;
	if (sock_flag(sk, SOCK_TSTAMP_NEW))
		s->xflags |= KNETSTAT_X_TSTAMP_NEW;
	/* Only whether there is one: the pointer is not followed. */
	if (rcu_access_pointer(sk->sk_filter))
		s->xflags |= KNETSTAT_X_FILTER;
}

/* IP level items of a full socket, IPv4 or IPv6 (do_ip(v6)_getsockopt). */
static void snap_ip_options(struct sock *sk, unsigned short family,
			    struct knetstat_sock *s)
{
	const struct inet_sock *inet = inet_sk(sk);
	const struct ipv6_pinfo *np = family == AF_INET6 ? inet6_sk(sk) : NULL;

	if (np) {
		s->tos = READ_ONCE(np->tclass);
		s->ttl = READ_ONCE(np->hop_limit);
		if (sk->sk_ipv6only)	/* a bit-field, as in getsockopt */
			s->xflags |= KNETSTAT_X_V6ONLY;
		if (READ_ONCE(sock_net(sk)->ipv6.sysctl.bindv6only))
			s->xflags |= KNETSTAT_X_V6ONLY_DEF;
	} else {
		s->tos = READ_ONCE(inet->tos);
		s->ttl = READ_ONCE(inet->uc_ttl);
	}
	if (inet_test_bit(TRANSPARENT, sk))
		s->xflags |= KNETSTAT_X_TRANSPARENT;
	if (inet_test_bit(FREEBIND, sk))
		s->xflags |= KNETSTAT_X_FREEBIND;
	if (inet_test_bit(BIND_ADDRESS_NO_PORT, sk))
		s->xflags |= KNETSTAT_X_BIND_NO_PORT;
}

/* Multicast items of a UDP socket. */
static void snap_multicast(struct sock *sk, unsigned short family,
			   struct knetstat_sock *s)
{
	const struct inet_sock *inet = inet_sk(sk);
	const struct ipv6_pinfo *np = family == AF_INET6 ? inet6_sk(sk) : NULL;
	__be32 addr;

	if (np) {
		s->mc_ttl = READ_ONCE(np->mcast_hops);
		s->mc_ifindex = READ_ONCE(np->mcast_oif);
		if (inet6_test_bit(MC6_LOOP, sk))
			s->xflags |= KNETSTAT_X_MC_LOOP;
		if (inet6_test_bit(MC6_ALL, sk))
			s->xflags |= KNETSTAT_X_MC_ALL;
	} else {
		s->mc_ttl = READ_ONCE(inet->mc_ttl);
		s->mc_ifindex = READ_ONCE(inet->mc_index);
		addr = READ_ONCE(inet->mc_addr);
		memcpy(s->mc_addr, &addr, sizeof(s->mc_addr));
		if (inet_test_bit(MC_LOOP, sk))
			s->xflags |= KNETSTAT_X_MC_LOOP;
		if (inet_test_bit(MC_ALL, sk))
			s->xflags |= KNETSTAT_X_MC_ALL;
	}
}

/*
 * Whether the congestion control is the application's, and the names of a
 * custom one and of the ULP. Both ops live in modules that wait for an RCU
 * grace period before they go (tcp_unregister_congestion_control(),
 * tcp_unregister_ulp()), so under rcu_read_lock() a name can be copied even
 * if setsockopt() swaps the ops meanwhile. Comparing the pointers needs no
 * lock, and most rows name neither: they take none.
 */
static void snap_tcp_names(struct sock *sk, struct knetstat_sock *s)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_congestion_ops *ca = READ_ONCE(icsk->icsk_ca_ops);
	const struct tcp_ulp_ops *ulp;

	/* a bit-field: read plainly, like the others */
	if (ca && (icsk->icsk_ca_setsockopt ||
		   ca != rcu_access_pointer(sock_net(sk)->ipv4.tcp_congestion_control)))
		s->xflags |= KNETSTAT_X_CA_CUSTOM;
	if (!(s->xflags & KNETSTAT_X_CA_CUSTOM) && !READ_ONCE(icsk->icsk_ulp_ops))
		return;

	rcu_read_lock();
	ca = READ_ONCE(icsk->icsk_ca_ops);
	if (ca && (s->xflags & KNETSTAT_X_CA_CUSTOM))
		strscpy(s->congestion, ca->name, sizeof(s->congestion));
	ulp = READ_ONCE(icsk->icsk_ulp_ops);
	if (ulp)
		strscpy(s->ulp, ulp->name, sizeof(s->ulp));
	rcu_read_unlock();
}

/* A full TCP socket: get_tcp4_sock()/get_tcp6_sock() for the row. */
static void snap_tcp_full(struct sock *sk, unsigned short family,
			  struct knetstat_sock *s)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct inet_sock *inet = inet_sk(sk);
	int state = inet_sk_state_load(sk);

	s->kind = KNETSTAT_TCP_FULL;
	copy_addr(s->laddr, family, inet->inet_rcv_saddr, &sk->sk_v6_rcv_saddr);
	copy_addr(s->raddr, family, inet->inet_daddr, &sk->sk_v6_daddr);
	s->lport = ntohs(inet->inet_sport);
	s->rport = ntohs(inet->inet_dport);
	s->state = state;
	if (state == TCP_LISTEN) {
		s->rx_queue = READ_ONCE(sk->sk_ack_backlog);
		s->tx_queue = 0;
	} else {
		/* Unlocked: the difference can be transiently negative. */
		s->rx_queue = max_t(int, READ_ONCE(tp->rcv_nxt) -
					 READ_ONCE(tp->copied_seq), 0);
		s->tx_queue = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
	}

	s->rcv_wnd = READ_ONCE(tp->rcv_wnd);
	s->snd_wnd = READ_ONCE(tp->snd_wnd);
	s->snd_nxt = READ_ONCE(tp->snd_nxt);
	s->snd_una = READ_ONCE(tp->snd_una);
	s->rcv_tstamp = READ_ONCE(tp->rcv_tstamp);
	s->now = tcp_jiffies32;

	snap_sock_options(sk, s);
	if (tp->nonagle & TCP_NAGLE_OFF)	/* a bit-field, as in getsockopt */
		s->flags |= KNETSTAT_F_NODELAY;
	s->keepidle = READ_ONCE(tp->keepalive_time);
	s->keepintvl = READ_ONCE(tp->keepalive_intvl);
	s->keepcnt = READ_ONCE(tp->keepalive_probes);
	s->user_timeout = READ_ONCE(icsk->icsk_user_timeout);
	s->defer_accept = READ_ONCE(icsk->icsk_accept_queue.rskq_defer_accept);
	if (state == TCP_LISTEN)	/* TCP_FASTOPEN is a listener's item */
		s->fastopen_qlen = READ_ONCE(icsk->icsk_accept_queue.fastopenq.max_qlen);

	/* Extensions; bit-fields read plainly, as do_tcp_getsockopt() does */
	snap_ip_options(sk, family, s);
	if (tp->nonagle & TCP_NAGLE_CORK)
		s->xflags |= KNETSTAT_X_TCP_CORK;
	if (tp->thin_lto)
		s->xflags |= KNETSTAT_X_THIN_LTO;
	s->notsent_lowat = READ_ONCE(tp->notsent_lowat);
	s->window_clamp = READ_ONCE(tp->window_clamp);
	/*
	 * Since commit b025461303d8 (in 7.2 and 7.3, not in 6.12), SO_RCVBUF
	 * on TCP sets the clamp too: __sock_set_rcvbuf() calls
	 * tcp_set_rcvbuf(), i.e. tcp_set_window_clamp(sk,
	 * tcp_win_from_space(sk, sk->sk_rcvbuf)). Such a clamp is SO_RCVBUF's,
	 * not a TCP_WINDOW_CLAMP of the application. Flagged on every kernel,
	 * so that a row means the same on 6.12 as on 7.x.
	 */
	if ((READ_ONCE(sk->sk_userlocks) & SOCK_RCVBUF_LOCK) &&
	    s->window_clamp == max_t(int, SOCK_MIN_RCVBUF / 2,
				     tcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf))))
		s->xflags |= KNETSTAT_X_CLAMP_RCVBUF;
	s->linger2 = READ_ONCE(tp->linger2);
	s->user_mss = READ_ONCE(tp->rx_opt.user_mss);
	s->syn_retries = READ_ONCE(icsk->icsk_syn_retries);
	snap_tcp_names(sk, s);
	/* Diag: what get_tcp4_sock() reads for the timer columns */
	s->retransmits = READ_ONCE(icsk->icsk_retransmits);
	s->probes_out = READ_ONCE(icsk->icsk_probes_out);
	s->pending = smp_load_acquire(&icsk->icsk_pending);
}

/* get_timewait4_sock(): only inet_timewait_sock fields. */
static void snap_tcp_timewait(const struct inet_timewait_sock *tw,
			      unsigned short family, struct knetstat_sock *s)
{
	s->kind = KNETSTAT_TCP_TIMEWAIT;
	copy_addr(s->laddr, family, tw->tw_rcv_saddr, &tw->tw_v6_rcv_saddr);
	copy_addr(s->raddr, family, tw->tw_daddr, &tw->tw_v6_daddr);
	s->lport = ntohs(tw->tw_sport);
	s->rport = ntohs(tw->tw_dport);
	s->state = READ_ONCE(tw->tw_substate);
}

/* get_openreq4(): only request_sock fields; the local port is ir_num. */
static void snap_tcp_request(const struct request_sock *req,
			     unsigned short family, struct knetstat_sock *s)
{
	const struct inet_request_sock *ireq = inet_rsk(req);

	s->kind = KNETSTAT_TCP_REQUEST;
	copy_addr(s->laddr, family, ireq->ir_loc_addr, &ireq->ir_v6_loc_addr);
	copy_addr(s->raddr, family, ireq->ir_rmt_addr, &ireq->ir_v6_rmt_addr);
	s->lport = ireq->ir_num;
	s->rport = ntohs(ireq->ir_rmt_port);
	s->state = TCP_SYN_RECV;
}

/* udp4_format_sock(): queues as /proc/net/udp computes them. */
static void snap_udp(struct sock *sk, unsigned short family,
		     struct knetstat_sock *s)
{
	const struct inet_sock *inet = inet_sk(sk);

	s->kind = KNETSTAT_UDP;
	copy_addr(s->laddr, family, inet->inet_rcv_saddr, &sk->sk_v6_rcv_saddr);
	copy_addr(s->raddr, family, inet->inet_daddr, &sk->sk_v6_daddr);
	s->lport = ntohs(inet->inet_sport);
	s->rport = ntohs(inet->inet_dport);
	s->rx_queue = udp_rqueue_get(sk);
	s->tx_queue = sk_wmem_alloc_get(sk);
	snap_sock_options(sk, s);
	snap_ip_options(sk, family, s);
	snap_multicast(sk, family, s);
	if (udp_test_bit(CORK, sk))
		s->xflags |= KNETSTAT_X_UDP_CORK;
	if (udp_test_bit(GRO_ENABLED, sk))
		s->xflags |= KNETSTAT_X_UDP_GRO;
	s->gso_size = READ_ONCE(udp_sk(sk)->gso_size);
	s->encap_type = READ_ONCE(udp_sk(sk)->encap_type);
}

/* Fills all of @s (zeroed first) for the element @v of the walk of @seq. */
static void knetstat_snapshot(struct seq_file *seq, void *v, struct knetstat_sock *s)
{
	const struct knetstat_iter *it = seq->private;
	const struct knetstat_file *f = it->file;
	struct sock *sk = v;

	memset(s, 0, sizeof(*s));	/* knetstat_format_row() reads every byte */
	s->family = f->family == AF_INET6 ? 6 : 4;
	s->net_admin = it->net_admin;
	s->hz = HZ;
	if (v == SEQ_START_TOKEN)
		s->kind = f->udp ? KNETSTAT_HEADER_UDP : KNETSTAT_HEADER_TCP;
	else if (f->udp)
		snap_udp(sk, f->family, s);
	else if (sk->sk_state == TCP_TIME_WAIT)
		snap_tcp_timewait(inet_twsk(sk), f->family, s);
	else if (sk->sk_state == TCP_NEW_SYN_RECV)
		snap_tcp_request(inet_reqsk(sk), f->family, s);
	else
		snap_tcp_full(sk, f->family, s);
}

/* --- show ---------------------------------------------------------------- */

/*
 * The show callback: a snapshot of @v, formatted by Rust straight into the
 * free part of the seq_file buffer. It is C so that a row makes one call
 * into Rust and none back (snapshot, buffer, commit are inlined here):
 * under QEMU's TCG, where the tests and benchmarks run, every call and
 * return costs far more than on hardware (issue 21).
 *
 * A row that does not fit is committed as an overflow (-1): seq_file then
 * hands what it has to the reader, or grows its buffer, and asks for the
 * row again.
 */
static int knetstat_seq_show(struct seq_file *seq, void *v)
{
	/*
	 * knetstat_snapshot() clears all of it first; without __uninitialized
	 * CONFIG_INIT_STACK_ALL_ZERO (the default where the compiler has it)
	 * would clear it once more, a second memset() a row.
	 */
	struct knetstat_sock s __uninitialized;
	char *buf;
	size_t room = seq_get_buf(seq, &buf);

	knetstat_snapshot(seq, v, &s);
	seq_commit(seq, buf ? knetstat_format_row(&s, buf, room) : -1);
	return 0;
}

/* --- registration -------------------------------------------------------- */

static void *knetstat_seq_start(struct seq_file *seq, loff_t *pos)
{
	struct knetstat_iter *it = seq->private;

	/*
	 * The first start of an open file, before any bucket lock. Who sees
	 * what (SPEC.md) is decided here once, from the opener's credentials
	 * (f_cred, which never change), as inet_diag decides its net_admin:
	 * CAP_NET_ADMIN in the user namespace that owns the file's network
	 * namespace. A file passed on or read after a setuid() keeps the view
	 * of the one who opened it.
	 */
	if (!it->file) {
		it->file = pde_data(file_inode(seq->file));
		it->net_admin = file_ns_capable(seq->file, seq_file_net(seq)->user_ns,
						CAP_NET_ADMIN);
	}
	return it->file->udp ? udp_seq_start_(seq, pos) : tcp_seq_start_(seq, pos);
}

static void *knetstat_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	const struct knetstat_iter *it = seq->private;

	return it->file->udp ? udp_seq_next_(seq, v, pos) : tcp_seq_next_(seq, v, pos);
}

static void knetstat_seq_stop(struct seq_file *seq, void *v)
{
	const struct knetstat_iter *it = seq->private;

	if (it->file->udp)
		udp_seq_stop_(seq, v);
	else
		tcp_seq_stop_(seq, v);
}

static const struct seq_operations knetstat_seq_ops = {
	.start = knetstat_seq_start,
	.next = knetstat_seq_next,
	.stop = knetstat_seq_stop,
	.show = knetstat_seq_show,
};

/*
 * Testing only: when set to N (1..4), creating the Nth file fails in every
 * namespace that is set up while it is set, so the unwinding of a failed
 * module load or namespace creation can be tested. 0 (default) = never.
 */
static int fail_create;

static int fail_create_set(const char *val, const struct kernel_param *kp)
{
	int n, err = kstrtoint(val, 0, &n);

	if (err || n < 0 || n > ARRAY_SIZE(knetstat_files)) {
		pr_err("knetstat: fail_create must be 0..%zu, not '%s'\n",
		       ARRAY_SIZE(knetstat_files), val);
		return -EINVAL;
	}
	WRITE_ONCE(fail_create, n);
	return 0;
}

static const struct kernel_param_ops fail_create_ops = {
	.set = fail_create_set,
	.get = param_get_int,
};
module_param_cb(fail_create, &fail_create_ops, &fail_create, 0644);
MODULE_PARM_DESC(fail_create,
		 "testing only: make creating file N (1-4) fail; 0 = never (default)");

static void knetstat_remove_files(struct net *net, int n)
{
	while (n--)
		remove_proc_entry(knetstat_files[n].name, net->proc_net);
}

static int __net_init knetstat_net_init(struct net *net)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(knetstat_files); i++) {
		const struct knetstat_file *f = &knetstat_files[i];

		if (READ_ONCE(fail_create) == i + 1 ||
		    !proc_create_net_data(f->name, 0444, net->proc_net,
					  &knetstat_seq_ops,
					  sizeof(struct knetstat_iter),
					  (void *)f)) {
			knetstat_remove_files(net, i);
			return -ENOMEM;
		}
	}
	return 0;
}

static void __net_exit knetstat_net_exit(struct net *net)
{
	knetstat_remove_files(net, ARRAY_SIZE(knetstat_files));
}

static struct pernet_operations knetstat_net_ops = {
	.init = knetstat_net_init,
	.exit = knetstat_net_exit,
};

int knetstat_register(void)
{
	return register_pernet_subsys(&knetstat_net_ops);
}

void knetstat_unregister(void)
{
	unregister_pernet_subsys(&knetstat_net_ops);
}

MODULE_VERSION(KNETSTAT_VERSION);	/* from dkms.conf, see Kbuild */
MODULE_AUTHOR("knetstat developers");	/* here, not in module! (knetstat.rs) */
