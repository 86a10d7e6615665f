//! libFuzzer target: `write_row` for any snapshot bytes and any room.
//! The input format and the properties are in `src/lib.rs`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    knetstat_fuzz::check(data);
});
