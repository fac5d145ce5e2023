//! Fuzz target `jpeg`: the body is `zikao::fuzzing::jpeg` (its doc says what
//! it feeds and how the input is laid out; docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| zikao::fuzzing::jpeg(data));
