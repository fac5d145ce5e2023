//! Fuzz target `photo_check`: the body is `zikao::fuzzing::photo_check` (its doc says what
//! it feeds and how the input is laid out; docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zikao::fuzzing::photo_check(data));
