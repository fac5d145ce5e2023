//! JPEG marker parser (SOI/SOFn/DQT/APP0 JFIF/APP1 EXIF/APP2 ICC/APP14/SOS/EOI),
//! the EXIF TIFF reader, the PNG header reader, format sniffing and the
//! quality estimate from the parsed DQT tables. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zikao::photo::{check, jpeg, qfactor};

fuzz_target!(|data: &[u8]| {
    let _ = jpeg::sniff(data);
    let info = jpeg::parse(data);
    // Everything derived from the parse must be total as well.
    let _ = info.complete();
    let _ = info.summary_json();
    for p in &info.problems {
        let _ = p.describe();
    }
    for slot in 0..4 {
        let _ = info.qtable(slot);
    }
    if let Some(j) = &info.jfif {
        let _ = check::jfif_dpi(j);
    }
    if let Some(e) = &info.exif {
        let _ = check::exif_dpi(e);
    }
    let est = qfactor::estimate(&info.qtables);
    let _ = serde_json::to_string(&est);
    // The EXIF (TIFF) reader and the PNG header reader on raw bytes too.
    let _ = check::exif_dpi(&jpeg::parse_tiff(data));
    let _ = jpeg::parse_png(data);
});
