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
};

/* Registration of the pernet subsystem that owns the four files. */
int knetstat_register(void);
void knetstat_unregister(void);

/* Fill @out for the element @v that the iterator of @seq returned. */
void knetstat_snapshot(struct seq_file *seq, void *v, struct knetstat_sock *out);

/* The seq_file show callback, implemented in Rust (knetstat.rs). */
int knetstat_seq_show(struct seq_file *seq, void *v);

#endif /* KNETSTAT_HELPERS_H */
