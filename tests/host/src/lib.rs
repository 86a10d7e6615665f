//! Host unit tests of knetstat's formatting.
//!
//! The three formatting files of the module are compiled here unchanged, as
//! sibling modules of this crate root, exactly as they are in the kernel
//! crate (`knetstat.rs`), so `crate::sock_fmt` etc. resolve the same way.

#![allow(dead_code)]

#[path = "../../../diag.rs"]
mod diag;
#[path = "../../../options.rs"]
mod options;
#[path = "../../../sink.rs"]
mod sink;
#[path = "../../../snapshot.rs"]
mod snapshot;
#[path = "../../../sock_fmt.rs"]
mod sock_fmt;

#[cfg(test)]
mod kernel_model;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_ext;
#[cfg(test)]
mod tests_support;
