//! The policy parser (`zikao::policy::Policy::parse`) and the photo profile
//! parser (`zikao::photo::profile::PhotoProfile::parse`) on arbitrary text.
//! The first byte selects the parser; the rest must be UTF-8 to be tried.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zikao::photo::profile::PhotoProfile;
use zikao::policy::Policy;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let path = Path::new("fuzz.toml");
    if sel & 1 == 0 {
        if let Err(e) = Policy::parse(text, path) {
            let _ = e.to_string();
        }
    } else {
        match PhotoProfile::parse(text, path) {
            Ok(p) => {
                let _ = p.needs_face();
                let _ = p.extension_ok("jpg");
                let _ = p.format_ok("jpeg");
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
