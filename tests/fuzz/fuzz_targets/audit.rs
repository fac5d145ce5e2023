//! Fuzz target `audit`: the body is `zikao::fuzzing::audit` (its doc says what
//! it feeds and how the input is laid out; docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zikao::fuzzing::audit(data));
