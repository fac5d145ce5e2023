//! The table reader (`zikao::table::read`) on arbitrary file contents.
//! The first byte selects the extension (.csv/.tsv/.txt/.json/.jsonl/.xlsx/.xls)
//! and the schema (SCORES or CANDIDATES); the rest is written to a temp file
//! (one path per extension per process, overwritten each run) and read.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zikao::table::{self, schemas, ReadOptions};

const EXTS: &[&str] = &["csv", "tsv", "txt", "json", "jsonl", "xlsx", "xls"];

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("zikao-fuzz-table-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys's panic hook aborts even on a panic the library catches
    // (excel.rs catches calamine's shared-string index panic). Restore the
    // default hook once: an uncaught panic still reaches libfuzzer-sys's
    // catch_unwind wrapper, which aborts, so real crashes are still found.
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| drop(std::panic::take_hook()));
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let ext = EXTS[(sel as usize & 0x0F) % EXTS.len()];
    let schema = if sel & 0x80 == 0 {
        &schemas::SCORES
    } else {
        &schemas::CANDIDATES
    };
    let path = dir().join(format!("input.{ext}"));
    std::fs::write(&path, body).expect("write temp file");
    let mut rows = 0usize;
    let result = table::read(&path, schema, &ReadOptions::default(), &mut |row| {
        // Touch every column of the schema like a consumer would.
        for c in schema.columns {
            let _ = row.get(c.key);
        }
        rows += 1;
    });
    if let Ok(problems) = result {
        for p in &problems {
            let _ = p.message.render(zikao::Lang::Zh);
            let _ = p.message.render(zikao::Lang::En);
        }
    }
});
