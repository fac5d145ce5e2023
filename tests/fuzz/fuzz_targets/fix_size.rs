//! Fuzz target `fix_size`: the body is `zikao::fuzzing::fix_size` (its doc says what
//! it feeds and how the input is laid out; docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zikao::fuzzing::fix_size(data));
