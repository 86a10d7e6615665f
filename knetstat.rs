// SPDX-License-Identifier: GPL-2.0

//! knetstat: `/proc/net/tcpstat`, `tcp6stat`, `udpstat` and `udp6stat`,
//! netstat-like rows with the socket options of every TCP and UDP socket.
//!
//! `helpers.c` registers the files in every network namespace, walks the
//! socket tables and, for each element of the walk, takes a [`Snapshot`] of
//! the socket; [`knetstat_format_row`] here formats it with
//! [`sock_fmt::write_row`] straight into the seq_file buffer.

use core::ffi::c_int;
use kernel::prelude::*;

mod diag;
mod options;
mod sink;
mod snapshot;
mod sock_fmt;

use sink::SliceSink;
use snapshot::Snapshot;

// No `author`: 6.12's module! knows only `author:`, 7.x's only
// `authors: [..]`; helpers.c says MODULE_AUTHOR for both.
module! {
    type: Knetstat,
    name: "knetstat",
    description: "Socket options and diagnostics of TCP/UDP sockets in /proc/net/{tcp,tcp6,udp,udp6}stat",
    license: "GPL",
}

extern "C" {
    /// Registers the pernet subsystem that creates the four files (helpers.c).
    fn knetstat_register() -> c_int;
    /// Removes the four files from every namespace (helpers.c).
    fn knetstat_unregister();
}

/// The module: while it exists, the files exist in every namespace.
struct Knetstat;

impl kernel::Module for Knetstat {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: called once, from module init; `Drop` undoes it.
        kernel::error::to_result(unsafe { knetstat_register() })?;
        Ok(Knetstat)
    }
}

impl Drop for Knetstat {
    fn drop(&mut self) {
        // SAFETY: `Knetstat` exists only after `knetstat_register()`
        // succeeded, and it is dropped once, at module exit.
        unsafe { knetstat_unregister() };
    }
}

/// Formats the line for `*s` into the `room` bytes at `buf` (called by
/// the show callback in helpers.c): the number of bytes written, or -1 if
/// the line does not fit, for seq_file to retry it with a larger buffer.
///
/// # Safety
///
/// `s` points to a snapshot that `knetstat_snapshot()` filled, and `buf`
/// (not null) to `room` writable bytes that nothing else touches during
/// the call.
#[no_mangle]
unsafe extern "C" fn knetstat_format_row(s: *const Snapshot, buf: *mut u8, room: usize) -> c_int {
    // SAFETY: by the function's contract `s` points to a filled snapshot
    // (knetstat_snapshot() starts with a memset of all of it; every field
    // is a plain integer or byte array, valid for any value), which lives
    // until the call returns.
    let s = unsafe { &*s };
    // SAFETY: by the function's contract `buf` holds `room` bytes for us
    // alone; the slice does not outlive the call.
    let buf = unsafe { core::slice::from_raw_parts_mut(buf, room) };
    let mut sink = SliceSink::new(buf);
    sock_fmt::write_row(&mut sink, s);
    sink.written()
        .and_then(|n| c_int::try_from(n).ok())
        .unwrap_or(-1)
}
