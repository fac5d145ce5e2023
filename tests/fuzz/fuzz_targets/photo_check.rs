//! The whole photo check (`zikao::photo::check::check_bytes_with`): sniffing,
//! marker parse, decode, pixel rules and the face engine, against the
//! `national` profile. The pixel budget is lowered to 4 megapixels so that a
//! header claiming a huge image is refused quickly instead of exhausting the
//! fuzzer's memory limit (the same code path as the default 64 MP budget).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zikao::photo::check::{self, CheckOptions};
use zikao::photo::PhotoProfile;

fn profile() -> &'static PhotoProfile {
    static P: OnceLock<PhotoProfile> = OnceLock::new();
    P.get_or_init(|| PhotoProfile::builtin("national").expect("built-in profile"))
}

fuzz_target!(|data: &[u8]| {
    let opts = CheckOptions {
        max_pixels: 4_000_000,
        ..CheckOptions::default()
    };
    let r = check::check_bytes_with(Path::new("fuzz.jpg"), data, profile(), &opts);
    for f in &r.item.findings {
        let _ = f.message.render(zikao::Lang::Zh);
        let _ = f.message.render(zikao::Lang::En);
        let _ = serde_json::to_string(&f.measured);
        let _ = serde_json::to_string(&f.expected);
    }
});
