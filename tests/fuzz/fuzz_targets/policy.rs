//! Fuzz target `policy`: the body is `zikao::fuzzing::policy` (its doc says what
//! it feeds and how the input is laid out; docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zikao::fuzzing::policy(data));
