// SPDX-License-Identifier: GPL-2.0

//! The Diag column: a short flag for an ESTABLISHED TCP connection in
//! trouble, first match wins (see SPEC.md "Diag").

use crate::sock_fmt::{Snapshot, KIND_TCP_FULL};

/// TCP state number of ESTABLISHED.
const TCP_ESTABLISHED: u8 = 1;

/// The Diag flag of `s`, or `""` when there is none.
pub(crate) fn diag_flag(s: &Snapshot) -> &'static str {
    if s.kind != KIND_TCP_FULL || s.state != TCP_ESTABLISHED {
        return "";
    }
    match (s.rcv_wnd == 0, s.snd_wnd == 0) {
        (true, true) => ">|<",
        (true, false) => "|<",
        (false, true) => ">|",
        (false, false) if ack_stalled(s) => ">#",
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
