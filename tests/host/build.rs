//! Generates the snapshot's Rust types from `snapshot.h` for the host
//! crates (tests/host, and tests/fuzz, whose Cargo.toml points here), with
//! the bindgen arguments the module's Kbuild uses (`snapshot.bindgen`), so
//! the formatting files compile here against the same generated code.
//!
//! `<linux/types.h>` comes from the C library's headers (linux-libc-dev),
//! whose `__u8` ... `__s64` are the kernel's. `BINDGEN` names the program,
//! as in the kernel's build (default `bindgen`).

use std::env;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../..");
    let root = root.canonicalize().expect("the knetstat source tree");
    let header = root.join("snapshot.h");
    let params = root.join("snapshot.bindgen");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", header.display());
    println!("cargo:rerun-if-changed={}", params.display());
    println!("cargo:rerun-if-env-changed=BINDGEN");

    let text = fs::read_to_string(&params).expect("snapshot.bindgen");
    let args = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let bindgen = env::var("BINDGEN").unwrap_or_else(|_| "bindgen".into());
    let status = Command::new(&bindgen)
        .arg(&header)
        .arg("-o")
        .arg(out.join("snapshot_generated.rs"))
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {bindgen} (tests/deps.sh installs it): {e}"));
    assert!(status.success(), "{bindgen} failed on {}", header.display());
    println!("cargo:rustc-env=KNETSTAT_GENERATED={}", out.display());
}
