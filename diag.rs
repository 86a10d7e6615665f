// SPDX-License-Identifier: GPL-2.0

//! The Diag column: a short flag for an ESTABLISHED TCP connection in
//! trouble, first match wins (see SPEC.md "Diag"). After the original's
//! four flags come knetstat's own, from the fields /proc/net/tcp shows only
//! as raw timer and retransmit numbers.

use crate::snapshot::{Snapshot, KNETSTAT_F_KEEPALIVE, KNETSTAT_TCP_FULL};

/// TCP state number of ESTABLISHED.
const TCP_ESTABLISHED: u8 = 1;

/// `icsk_pending` while the zero window probe timer is armed
/// (`ICSK_TIME_PROBE0`; helpers.c asserts the number).
const ICSK_TIME_PROBE0: u8 = 3;

/// The Diag flag of `s`, or `""` when there is none.
///
/// | flag  | condition |
/// | ----- | --------- |
/// | `>\|<` | both windows are 0 |
/// | `\|<`  | the receive window we advertise is 0 |
/// | `>\|`  | the send window the peer advertises is 0 |
/// | `>#`  | data unacknowledged, last ACK more than 1 s ago |
/// | `>R`  | retransmitting: an RTO fired and no ACK has moved `snd_una` since |
/// | `>P`  | probing the peer's window: the zero window probe timer is armed
///           although the window is not 0 (it is smaller than the next segment) |
/// | `>K`  | keepalive probes sent and not answered |
pub(crate) fn diag_flag(s: &Snapshot) -> &'static str {
    if s.kind != KNETSTAT_TCP_FULL || s.state != TCP_ESTABLISHED {
        return "";
    }
    match (s.rcv_wnd == 0, s.snd_wnd == 0) {
        (true, true) => ">|<",
        (true, false) => "|<",
        (false, true) => ">|",
        (false, false) if ack_stalled(s) => ">#",
        (false, false) if s.retransmits > 0 => ">R",
        (false, false) if s.pending == ICSK_TIME_PROBE0 => ">P",
        (false, false) if s.flags & KNETSTAT_F_KEEPALIVE != 0 && s.probes_out > 0 => ">K",
        _ => "",
    }
}

/// Data is unacknowledged and the last ACK came more than a second ago.
///
/// Both comparisons are modulo 2^32, as the kernel's `after()` and jiffies
/// arithmetic are: sequence numbers and `tcp_jiffies32` wrap.
fn ack_stalled(s: &Snapshot) -> bool {
    let unacked = (s.snd_nxt.wrapping_sub(s.snd_una) as i32) > 0;
    unacked && s.now.wrapping_sub(s.rcv_tstamp) > s.hz
}
