//! Fuzz target `table`: the body is `zikao::fuzzing::table` (its doc says what
//! it feeds and how the input is laid out; docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zikao::fuzzing::table(data));
