/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knetstat: the snapshot, the contract between the C shims and Rust.
 *
 * helpers.c fills one struct knetstat_sock per row; the Rust side formats
 * it. This header is the only definition of the struct and its constants:
 * the Rust types are generated from it by bindgen (snapshot.bindgen; Kbuild
 * for the module, tests/host/build.rs for the host crates), so both sides
 * always agree on the layout.
 *
 * It includes nothing but <linux/types.h>, the kernel's or, for the host
 * crates, the C library's (the same __u8 ... __s64 in both), and its
 * constants are typed static consts rather than macros, so that bindgen
 * gives Rust each one with the type of the field it goes into.
 */
#ifndef KNETSTAT_SNAPSHOT_H
#define KNETSTAT_SNAPSHOT_H

#include <linux/types.h>

/* knetstat_sock.kind: a header line, or a row of one kind of socket. */
static const __u8 KNETSTAT_TCP_FULL = 0;		/* struct tcp_sock */
static const __u8 KNETSTAT_TCP_TIMEWAIT = 1;		/* struct inet_timewait_sock */
static const __u8 KNETSTAT_TCP_REQUEST = 2;		/* struct request_sock (SYN_RECV) */
static const __u8 KNETSTAT_UDP = 3;			/* struct udp_sock */
static const __u8 KNETSTAT_HEADER_TCP = 4;		/* the first line of tcpstat/tcp6stat */
static const __u8 KNETSTAT_HEADER_UDP = 5;		/* the first line of udpstat/udp6stat */

/* Bits of knetstat_sock.flags. */
static const __u8 KNETSTAT_F_KEEPALIVE = 0x01;		/* SOCK_KEEPOPEN */
static const __u8 KNETSTAT_F_NODELAY = 0x02;		/* tp->nonagle & TCP_NAGLE_OFF */
static const __u8 KNETSTAT_F_LINGER = 0x04;		/* SOCK_LINGER */
static const __u8 KNETSTAT_F_RCVBUF_LOCK = 0x08;	/* SOCK_RCVBUF_LOCK: SO_RCVBUF was set */
static const __u8 KNETSTAT_F_SNDBUF_LOCK = 0x10;	/* SOCK_SNDBUF_LOCK: SO_SNDBUF was set */
static const __u8 KNETSTAT_F_BROADCAST = 0x20;		/* SOCK_BROADCAST */

/* Bits of knetstat_sock.xflags: the extension items (SPEC.md "Extensions"). */
static const __u32 KNETSTAT_X_TRANSPARENT = 0x0001;	/* IP_TRANSPARENT */
static const __u32 KNETSTAT_X_FREEBIND = 0x0002;	/* IP_FREEBIND */
static const __u32 KNETSTAT_X_BIND_NO_PORT = 0x0004;	/* IP_BIND_ADDRESS_NO_PORT */
static const __u32 KNETSTAT_X_V6ONLY = 0x0008;		/* sk_ipv6only */
static const __u32 KNETSTAT_X_V6ONLY_DEF = 0x0010;	/* the namespace's bindv6only sysctl */
static const __u32 KNETSTAT_X_FILTER = 0x0020;		/* a socket filter is attached */
static const __u32 KNETSTAT_X_RCVTSTAMP = 0x0040;	/* SOCK_RCVTSTAMP */
static const __u32 KNETSTAT_X_RCVTSTAMPNS = 0x0080;	/* SOCK_RCVTSTAMPNS */
static const __u32 KNETSTAT_X_TSTAMP_NEW = 0x0100;	/* SOCK_TSTAMP_NEW */
static const __u32 KNETSTAT_X_MC_LOOP = 0x0200;		/* IPv4 MC_LOOP or IPv6 MC6_LOOP */
static const __u32 KNETSTAT_X_MC_ALL = 0x0400;		/* IPv4 MC_ALL or IPv6 MC6_ALL */
static const __u32 KNETSTAT_X_TCP_CORK = 0x0800;	/* tp->nonagle & TCP_NAGLE_CORK */
static const __u32 KNETSTAT_X_THIN_LTO = 0x1000;	/* tp->thin_lto */
/* The congestion control was set by setsockopt or is not the default. */
static const __u32 KNETSTAT_X_CA_CUSTOM = 0x2000;
static const __u32 KNETSTAT_X_UDP_CORK = 0x4000;	/* UDP_CORK */
static const __u32 KNETSTAT_X_UDP_GRO = 0x8000;		/* UDP_GRO */
/* tp->window_clamp is the one that SO_RCVBUF sets on 7.x. */
static const __u32 KNETSTAT_X_CLAMP_RCVBUF = 0x10000;

/* knetstat_sock.rcvtimeo/sndtimeo when no timeout is set. */
static const __s64 KNETSTAT_NO_TIMEOUT = -1;

/*
 * One line of a file, as helpers.c copied it: raw kernel fields, which the
 * Rust side turns into what getsockopt() and /proc/net/tcp would say.
 */
struct knetstat_sock {
	__u8  laddr[16];	/* local address, network order; IPv4 in bytes 0..3 */
	__u8  raddr[16];	/* remote address, likewise */
	__u16 lport;		/* local port, host order */
	__u16 rport;		/* remote port, host order; 0 = none */
	__u8  family;		/* 4 or 6 */
	__u8  kind;		/* KNETSTAT_TCP_FULL ... KNETSTAT_HEADER_UDP */
	__u8  state;		/* TCP state number (tw_substate for TIME_WAIT) */
	__u8  flags;		/* KNETSTAT_F_* */
	__s32 rx_queue;		/* Recv-Q, computed as /proc/net/{tcp,udp} do */
	__s32 tx_queue;		/* Send-Q, likewise */
	/* Diag inputs, TCP full sockets */
	__u32 rcv_wnd;		/* window we advertise */
	__u32 snd_wnd;		/* window the peer advertises */
	__u32 snd_nxt;		/* next sequence number to send */
	__u32 snd_una;		/* first unacknowledged sequence number */
	__u32 rcv_tstamp;	/* tcp_jiffies32 of the last ACK received */
	__u32 now;		/* tcp_jiffies32 when the snapshot was taken */
	__u32 hz;		/* HZ of the running kernel */
	/* Socket option inputs, raw as the kernel stores them */
	__u8  reuse;		/* sk_reuse */
	__u8  reuseport;	/* sk_reuseport */
	__u8  keepcnt;		/* tp->keepalive_probes, 0 = not set on the socket */
	__u8  defer_accept;	/* rskq_defer_accept, in SYN-ACK retransmissions */
	__u32 keepidle;		/* tp->keepalive_time in jiffies, 0 = not set */
	__u32 keepintvl;	/* tp->keepalive_intvl in jiffies, 0 = not set */
	__u32 user_timeout;	/* icsk_user_timeout, milliseconds */
	__s32 rcvbuf;		/* sk_rcvbuf (the kernel's doubled value) */
	__s32 sndbuf;		/* sk_sndbuf (likewise) */
	__s32 fastopen_qlen;	/* fastopenq.max_qlen; listeners only, else 0 */
	__s64 rcvtimeo;		/* sk_rcvtimeo in jiffies, KNETSTAT_NO_TIMEOUT = none */
	__s64 sndtimeo;		/* sk_sndtimeo in jiffies, likewise */
	__s64 lingertime;	/* sk_lingertime in jiffies; 0 unless SO_LINGER is on */
	/* Extension inputs, raw as the kernel stores them; full sockets only */
	__u64 max_pacing_rate;	/* sk_max_pacing_rate, bytes/s; ~0 = unlimited */
	__u32 xflags;		/* KNETSTAT_X_* */
	__u32 priority;		/* sk_priority */
	__u32 mark;		/* sk_mark */
	__s32 rcvlowat;		/* sk_rcvlowat, 1 by default */
	__s32 incoming_cpu;	/* sk_incoming_cpu, -1 = none */
	__u32 busy_poll;	/* sk_ll_usec, microseconds */
	__u32 tsflags;		/* sk_tsflags (SO_TIMESTAMPING) */
	__s32 ttl;		/* IPv4 uc_ttl, IPv6 hop_limit; -1 = not set */
	__s32 mc_ifindex;	/* UDP: IPv4 mc_index, IPv6 mcast_oif; 0 = none */
	__u8  mc_addr[4];	/* UDP IPv4: mc_addr, network order */
	__u32 notsent_lowat;	/* tp->notsent_lowat, 0 = the sysctl */
	__u32 window_clamp;	/* tp->window_clamp */
	__s32 linger2;		/* tp->linger2 in jiffies; 0 = the sysctl, < 0 = off */
	__u16 user_mss;		/* tp->rx_opt.user_mss, 0 = not set */
	__u16 gso_size;		/* UDP_SEGMENT, 0 = off */
	__u8  tos;		/* IPv4 inet->tos, IPv6 np->tclass */
	__u8  mc_ttl;		/* UDP: IPv4 mc_ttl, IPv6 mcast_hops; 1 by default */
	__u8  syn_retries;	/* icsk_syn_retries, 0 = the sysctl */
	__u8  encap_type;	/* UDP encap_type, 0 = none */
	__u8  retransmits;	/* icsk_retransmits: unrecovered RTO timeouts */
	__u8  probes_out;	/* icsk_probes_out: unanswered probes */
	__u8  pending;		/* icsk_pending: ICSK_TIME_* of the armed timer */
	/*
	 * 1: the file was opened with CAP_NET_ADMIN over its namespace, so
	 * the row may show what sock_diag shows only to such a caller
	 * (SPEC.md "Who sees what"); 0: those items are left out.
	 */
	__u8  net_admin;
	__u8  bound_dev[16];	/* SO_BINDTODEVICE's device name, "" = none */
	__u8  congestion[16];	/* icsk_ca_ops->name if KNETSTAT_X_CA_CUSTOM, else "" */
	__u8  ulp[16];		/* icsk_ulp_ops->name, "" = none */
};

#endif /* KNETSTAT_SNAPSHOT_H */
