// SPDX-License-Identifier: GPL-2.0

//! knetstat: `/proc/net/tcpstat`, `tcp6stat`, `udpstat` and `udp6stat`,
//! netstat-like rows with the socket options of every TCP and UDP socket.
//!
//! `helpers.c` registers the files in every network namespace and walks the
//! socket tables; for each element of the walk, seq_file calls
//! [`knetstat_seq_show`] here, which takes a [`Snapshot`] of the socket
//! through `knetstat_snapshot()` and formats it with [`sock_fmt::write_row`].

use core::ffi::{c_int, c_void};
use kernel::prelude::*;

mod diag;
mod options;
mod sock_fmt;

use sock_fmt::{Sink, Snapshot};

module! {
    type: Knetstat,
    name: "knetstat",
    author: "knetstat developers",
    description: "Socket options and diagnostics of TCP/UDP sockets in /proc/net/{tcp,tcp6,udp,udp6}stat",
    license: "GPL",
}

extern "C" {
    /// Registers the pernet subsystem that creates the four files (helpers.c).
    fn knetstat_register() -> c_int;
    /// Removes the four files from every namespace (helpers.c).
    fn knetstat_unregister();
    /// Copies the socket `v` of the walk of `seq` into `out` (helpers.c).
    fn knetstat_snapshot(seq: *mut c_void, v: *mut c_void, out: *mut Snapshot);
    /// Appends `len` bytes to the seq_file buffer (fs/seq_file.c).
    fn seq_write(seq: *mut c_void, data: *const c_void, len: usize) -> c_int;
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

/// A [`Sink`] that appends to a seq_file's buffer.
///
/// # Invariants
///
/// `seq` is the seq_file whose show callback is running.
struct SeqSink {
    /// The `struct seq_file *`.
    seq: *mut c_void,
}

impl Sink for SeqSink {
    fn put(&mut self, bytes: &[u8]) {
        // SAFETY: by the type invariant `seq` is live for the callback;
        // `bytes` is a valid slice. An overflow of the seq_file buffer is
        // recorded by seq_write itself and seq_file retries the row with a
        // larger buffer, so the return value needs no handling here.
        unsafe { seq_write(self.seq, bytes.as_ptr().cast(), bytes.len()) };
    }
}

/// Formats the row for `v` into the seq_file `seq`.
fn show(sink: &mut SeqSink, v: *mut c_void) -> Result {
    let mut snap = Snapshot::default();
    // SAFETY: `sink.seq` is the running seq_file (type invariant) and `v` is
    // the element its walk returned, with the walk's bucket lock held, so the
    // socket cannot go away while it is copied.
    unsafe { knetstat_snapshot(sink.seq, v, &mut snap) };
    sock_fmt::write_row(sink, &snap);
    Ok(())
}

/// The seq_file `show` callback of the four files (used in helpers.c).
///
/// # Safety
///
/// Called by seq_file only, with `seq` a live seq_file of one of our files
/// and `v` the element that our start/next callbacks returned for it.
#[no_mangle]
unsafe extern "C" fn knetstat_seq_show(seq: *mut c_void, v: *mut c_void) -> c_int {
    // INVARIANT: seq_file calls us with its own live `seq`.
    let mut sink = SeqSink { seq };
    match show(&mut sink, v) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}
