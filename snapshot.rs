// SPDX-License-Identifier: GPL-2.0

//! The snapshot: what `helpers.c` copies of one socket for one line, and
//! the constants that go with it.
//!
//! `snapshot.h` is their only definition. bindgen turns it into Rust, with
//! the arguments in `snapshot.bindgen`: Kbuild for the module, into the
//! module's build directory, and `tests/host/build.rs` for the host crates,
//! into their `OUT_DIR`. Either way `KNETSTAT_GENERATED` names the
//! directory when this file is compiled.
//!
//! The items keep their C names (`KNETSTAT_F_KEEPALIVE`, ...), so C and
//! Rust grep alike. What a raw field would make easy to misread has an
//! accessor here.

/// The code bindgen generated from `snapshot.h`, as it is.
#[allow(
    dead_code,
    missing_docs,
    non_camel_case_types,
    non_upper_case_globals,
    unreachable_pub,
    clippy::all
)]
mod generated {
    include!(concat!(
        env!("KNETSTAT_GENERATED"),
        "/snapshot_generated.rs"
    ));
}

pub(crate) use generated::*;

/// One line of a file as `helpers.c` copied it (`struct knetstat_sock`).
pub(crate) type Snapshot = knetstat_sock;

impl Snapshot {
    /// The SO_BINDTODEVICE device's name; empty when none.
    pub(crate) fn bound_dev(&self) -> &[u8] {
        until_nul(&self.bound_dev)
    }

    /// The congestion control's name where it is custom
    /// ([`KNETSTAT_X_CA_CUSTOM`]); helpers.c copies no other.
    pub(crate) fn congestion(&self) -> &[u8] {
        until_nul(&self.congestion)
    }

    /// The ULP's name; empty when none.
    pub(crate) fn ulp(&self) -> &[u8] {
        until_nul(&self.ulp)
    }

    /// Whether the reader may see the items that the kernel's socket
    /// diagnostics show only to CAP_NET_ADMIN over the namespace (SPEC.md
    /// "Who sees what"): SO_MARK, SO_ATTACH_FILTER and TCP_ULP.
    pub(crate) fn net_admin(&self) -> bool {
        self.net_admin != 0
    }

    /// SO_RCVTIMEO in jiffies, `None` when no timeout is set.
    pub(crate) fn rcv_timeout(&self) -> Option<u64> {
        timeout(self.rcvtimeo)
    }

    /// SO_SNDTIMEO in jiffies, `None` when no timeout is set.
    pub(crate) fn snd_timeout(&self) -> Option<u64> {
        timeout(self.sndtimeo)
    }
}

/// The bytes of a NUL-padded name, up to its first NUL.
fn until_nul(raw: &[u8]) -> &[u8] {
    let len = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    raw.get(..len).unwrap_or(b"")
}

/// A stored timeout: the kernel stores [`KNETSTAT_NO_TIMEOUT`] for "none"
/// and no other negative value; a negative value is no timeout either.
fn timeout(jiffies: i64) -> Option<u64> {
    if jiffies == KNETSTAT_NO_TIMEOUT {
        return None;
    }
    u64::try_from(jiffies).ok()
}
