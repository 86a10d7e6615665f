// SPDX-License-Identifier: GPL-2.0

//! knetstat: `/proc/net/tcpstat`, `tcp6stat`, `udpstat` and `udp6stat`,
//! netstat-like rows with the socket options of every TCP and UDP socket.
//!
//! `helpers.c` registers the files in every network namespace and walks the
//! socket tables; for each element of the walk, seq_file calls
//! [`knetstat_seq_show`] here, which takes a [`Snapshot`] of the socket
//! through `knetstat_snapshot()` and formats it with [`sock_fmt::write_row`]
//! straight into the seq_file buffer.

use core::ffi::{c_int, c_void};
use core::mem::MaybeUninit;
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
    /// Copies the socket `v` of the walk of `seq` into `out`, all of which
    /// it writes (helpers.c).
    fn knetstat_snapshot(seq: *mut c_void, v: *mut c_void, out: *mut Snapshot);
    /// The free part of the seq_file buffer: its length, and its start in
    /// `buf` (null when there is none) (helpers.c, `seq_get_buf`).
    fn knetstat_seq_room(seq: *mut c_void, buf: *mut *mut u8) -> usize;
    /// Accounts for `len` bytes written into that room, or marks the
    /// buffer overflowed when `len` is negative (helpers.c, `seq_commit`).
    fn knetstat_seq_commit(seq: *mut c_void, len: c_int);
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

/// Formats the line for `v` straight into the seq_file buffer of `seq`.
///
/// # Safety
///
/// `seq` is a live seq_file of one of our files whose show callback is
/// running, and `v` the element its start/next callbacks returned.
unsafe fn show(seq: *mut c_void, v: *mut c_void) -> Result {
    // Not zeroed here: knetstat_snapshot() zeroes the whole struct before
    // it fills it, and a second 248-byte memset per row was measurable
    // (issue 21's profile: 3% of a read went to memset).
    let mut snap = MaybeUninit::<Snapshot>::uninit();
    // SAFETY: by the function's contract `seq` is running and `v` is the
    // element of its walk, with the walk's bucket lock held, so the socket
    // cannot go away while it is copied.
    unsafe { knetstat_snapshot(seq, v, snap.as_mut_ptr()) };
    // SAFETY: knetstat_snapshot() starts with a memset of all of `*out`
    // and then only stores fields, so every byte is initialized; every
    // field is a plain integer or byte array, valid for any value.
    let snap = unsafe { snap.assume_init() };

    let mut start: *mut u8 = core::ptr::null_mut();
    // SAFETY: `seq` is live (the function's contract).
    let room = unsafe { knetstat_seq_room(seq, &mut start) };
    let buf: &mut [u8] = if start.is_null() {
        &mut []
    } else {
        // SAFETY: seq_get_buf() returned the unused tail of the seq_file
        // buffer, `room` bytes from `start`. Nothing else touches it until
        // the commit below, and the slice does not outlive this function.
        unsafe { core::slice::from_raw_parts_mut(start, room) }
    };
    let mut sink = SliceSink::new(buf);
    sock_fmt::write_row(&mut sink, &snap);
    // A row that does not fit is committed as an overflow: seq_file then
    // flushes what it has, or grows its buffer, and asks for the row again.
    let len = sink
        .written()
        .and_then(|n| c_int::try_from(n).ok())
        .unwrap_or(-1);
    // SAFETY: `seq` is live; `len` bytes of the room were written.
    unsafe { knetstat_seq_commit(seq, len) };
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
    // SAFETY: the caller's contract is `show`'s.
    match unsafe { show(seq, v) } {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}
