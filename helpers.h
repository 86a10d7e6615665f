/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knetstat: the interface between the C shims (helpers.c) and the Rust side.
 *
 * struct knetstat_sock is a plain copy of what one row needs. Rust mirrors it
 * in sock_fmt.rs (struct Snapshot); both sides assert the same size and field
 * offsets, so a change on one side that is not made on the other fails the
 * build.
 */
#ifndef KNETSTAT_HELPERS_H
#define KNETSTAT_HELPERS_H

#include <linux/types.h>

struct seq_file;

/* What a snapshot describes: a header line, or a row of one kind of socket. */
enum knetstat_kind {
	KNETSTAT_TCP_FULL = 0,		/* struct tcp_sock */
	KNETSTAT_TCP_TIMEWAIT = 1,	/* struct inet_timewait_sock */
	KNETSTAT_TCP_REQUEST = 2,	/* struct request_sock (SYN_RECV) */
	KNETSTAT_UDP = 3,		/* struct udp_sock */
	KNETSTAT_HEADER_TCP = 4,	/* the first line of tcpstat/tcp6stat */
	KNETSTAT_HEADER_UDP = 5,	/* the first line of udpstat/udp6stat */
};

/* Bits of knetstat_sock.flags. */
#define KNETSTAT_F_KEEPALIVE	0x01	/* SOCK_KEEPOPEN */
#define KNETSTAT_F_NODELAY	0x02	/* tp->nonagle & TCP_NAGLE_OFF */
#define KNETSTAT_F_LINGER	0x04	/* SOCK_LINGER */
#define KNETSTAT_F_RCVBUF_LOCK	0x08	/* SOCK_RCVBUF_LOCK: SO_RCVBUF was set */
#define KNETSTAT_F_SNDBUF_LOCK	0x10	/* SOCK_SNDBUF_LOCK: SO_SNDBUF was set */
#define KNETSTAT_F_BROADCAST	0x20	/* SOCK_BROADCAST */

/* Bits of knetstat_sock.xflags: the extension items (SPEC.md "Extensions"). */
#define KNETSTAT_X_TRANSPARENT	0x0001	/* IP_TRANSPARENT */
#define KNETSTAT_X_FREEBIND	0x0002	/* IP_FREEBIND */
#define KNETSTAT_X_BIND_NO_PORT	0x0004	/* IP_BIND_ADDRESS_NO_PORT */
#define KNETSTAT_X_V6ONLY	0x0008	/* sk_ipv6only */
#define KNETSTAT_X_V6ONLY_DEF	0x0010	/* the namespace's bindv6only sysctl */
#define KNETSTAT_X_FILTER	0x0020	/* a socket filter is attached */
#define KNETSTAT_X_RCVTSTAMP	0x0040	/* SOCK_RCVTSTAMP */
#define KNETSTAT_X_RCVTSTAMPNS	0x0080	/* SOCK_RCVTSTAMPNS */
#define KNETSTAT_X_TSTAMP_NEW	0x0100	/* SOCK_TSTAMP_NEW */
#define KNETSTAT_X_MC_LOOP	0x0200	/* IPv4 MC_LOOP or IPv6 MC6_LOOP */
#define KNETSTAT_X_MC_ALL	0x0400	/* IPv4 MC_ALL or IPv6 MC6_ALL */
#define KNETSTAT_X_TCP_CORK	0x0800	/* tp->nonagle & TCP_NAGLE_CORK */
#define KNETSTAT_X_THIN_LTO	0x1000	/* tp->thin_lto */
#define KNETSTAT_X_CA_CUSTOM	0x2000	/* congestion control set by setsockopt
					   or not the namespace default */
#define KNETSTAT_X_UDP_CORK	0x4000	/* UDP_CORK */
#define KNETSTAT_X_UDP_GRO	0x8000	/* UDP_GRO */
#define KNETSTAT_X_CLAMP_RCVBUF	0x10000	/* tp->window_clamp is the one that
					   SO_RCVBUF sets on 7.x */

/* knetstat_sock.rcvtimeo/sndtimeo when no timeout is set. */
#define KNETSTAT_NO_TIMEOUT	(-1LL)

struct knetstat_sock {
	u8  laddr[16];		/* local address, network order; IPv4 in bytes 0..3 */
	u8  raddr[16];		/* remote address, likewise */
	u16 lport;		/* local port, host order */
	u16 rport;		/* remote port, host order; 0 = none */
	u8  family;		/* 4 or 6 */
	u8  kind;		/* enum knetstat_kind */
	u8  state;		/* TCP state number (tw_substate for TIME_WAIT) */
	u8  flags;		/* KNETSTAT_F_* */
	s32 rx_queue;		/* Recv-Q, computed as /proc/net/{tcp,udp} do */
	s32 tx_queue;		/* Send-Q, likewise */
	/* Diag inputs, TCP full sockets */
	u32 rcv_wnd;		/* window we advertise */
	u32 snd_wnd;		/* window the peer advertises */
	u32 snd_nxt;
	u32 snd_una;
	u32 rcv_tstamp;		/* tcp_jiffies32 of the last ACK received */
	u32 now;		/* tcp_jiffies32 when the snapshot was taken */
	u32 hz;			/* HZ of the running kernel */
	/* Socket option inputs, raw as the kernel stores them */
	u8  reuse;		/* sk_reuse */
	u8  reuseport;		/* sk_reuseport */
	u8  keepcnt;		/* tp->keepalive_probes, 0 = not set on the socket */
	u8  defer_accept;	/* rskq_defer_accept, in SYN-ACK retransmissions */
	u32 keepidle;		/* tp->keepalive_time in jiffies, 0 = not set */
	u32 keepintvl;		/* tp->keepalive_intvl in jiffies, 0 = not set */
	u32 user_timeout;	/* icsk_user_timeout, milliseconds */
	s32 rcvbuf;		/* sk_rcvbuf (the kernel's doubled value) */
	s32 sndbuf;		/* sk_sndbuf (likewise) */
	s32 fastopen_qlen;	/* fastopenq.max_qlen */
	s64 rcvtimeo;		/* sk_rcvtimeo in jiffies, KNETSTAT_NO_TIMEOUT = none */
	s64 sndtimeo;		/* sk_sndtimeo in jiffies, likewise */
	s64 lingertime;		/* sk_lingertime in jiffies */
	/* Extension inputs, raw as the kernel stores them; full sockets only */
	u64 max_pacing_rate;	/* sk_max_pacing_rate, bytes/s; ~0 = unlimited */
	u32 xflags;		/* KNETSTAT_X_* */
	u32 priority;		/* sk_priority */
	u32 mark;		/* sk_mark */
	s32 rcvlowat;		/* sk_rcvlowat, 1 by default */
	s32 incoming_cpu;	/* sk_incoming_cpu, -1 = none */
	u32 busy_poll;		/* sk_ll_usec, microseconds */
	u32 tsflags;		/* sk_tsflags (SO_TIMESTAMPING) */
	s32 ttl;		/* IPv4 uc_ttl, IPv6 hop_limit; -1 = not set */
	s32 mc_ifindex;		/* UDP: IPv4 mc_index, IPv6 mcast_oif; 0 = none */
	u8  mc_addr[4];		/* UDP IPv4: mc_addr, network order */
	u32 notsent_lowat;	/* tp->notsent_lowat, 0 = the sysctl */
	u32 window_clamp;	/* tp->window_clamp */
	s32 linger2;		/* tp->linger2 in jiffies; 0 = the sysctl, < 0 = off */
	u16 user_mss;		/* tp->rx_opt.user_mss, 0 = not set */
	u16 gso_size;		/* UDP_SEGMENT, 0 = off */
	u8  tos;		/* IPv4 inet->tos, IPv6 np->tclass */
	u8  mc_ttl;		/* UDP: IPv4 mc_ttl, IPv6 mcast_hops; 1 by default */
	u8  syn_retries;	/* icsk_syn_retries, 0 = the sysctl */
	u8  encap_type;		/* UDP encap_type, 0 = none */
	u8  retransmits;	/* icsk_retransmits: unrecovered RTO timeouts */
	u8  probes_out;		/* icsk_probes_out: unanswered probes */
	u8  pending;		/* icsk_pending: ICSK_TIME_* of the armed timer */
	u8  reserved;		/* zero */
	char bound_dev[16];	/* SO_BINDTODEVICE's device name, "" = none */
	char congestion[16];	/* icsk_ca_ops->name */
	char ulp[16];		/* icsk_ulp_ops->name, "" = none */
};

/* Registration of the pernet subsystem that owns the four files. */
int knetstat_register(void);
void knetstat_unregister(void);

/* Fill @out for the element @v that the iterator of @seq returned. */
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
