//! The web page's engine: `photo check` and `photo fix-size` on bytes, as a
//! small C ABI for `web/src/worker.js`. Like `src/cli/`, it only adapts: the
//! checks, fixes and messages are the library's.
//!
//! Calling convention (all lengths in bytes, pointers into wasm memory):
//! - `zk_alloc(len) -> ptr` gives a buffer the caller fills; `zk_free(ptr, len)`
//!   returns it.
//! - `zk_check(photo, photo_len, args, args_len)` and `zk_fix(...)` take the
//!   photo and a JSON object `{"name": "a.jpg", "profile": "national"}`, and
//!   leave their answer in the output buffer (`zk_out_ptr`, `zk_out_len`),
//!   valid until the next call. They return 0, or 1 when the arguments were
//!   unusable (the output is then `{"error": "..."}`).
//! - check's output is `[json length: u32 LE][json][preview RGBA]`, the JSON
//!   being `{"zh": item, "en": item, "guides": {...}}`, where `item` is one
//!   element of `results[]` of `zikao photo check --format json` in that
//!   language, and `guides` the numbers `--annotate` draws with (see
//!   `src/photo/annotate.rs`) plus the preview's size: the decoded pixels
//!   (as stored, like `--annotate`) scaled to at most [`PREVIEW_SIDE`].
//! - `zk_panic_message` (import `env.zk_panic`) hands a panic's text to the
//!   page before the instance traps; the page then starts a fresh instance
//!   and asks `zk_unreadable` for the item the CLI reports after a panic.
//! - fix's output is `[json length: u32 little-endian][json][jpeg]`, the JSON
//!   being `{"zh": item, "en": item}` with `item` one element of `results[]`
//!   of `zikao photo fix-size --format json`; the JPEG is empty when refused.

use std::cell::RefCell;
use std::path::Path;

use serde_json::{json, Value};
use zikao::photo::annotate::GeometryRanges;
use zikao::photo::check::{check_bytes_with, CheckOptions};
use zikao::photo::fix::{fix_image, FixOptions};
use zikao::photo::{PhotoMsg, PhotoProfile};
use zikao::{Finding, Item, Lang};

thread_local! {
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn set_out(bytes: Vec<u8>) {
    OUT.with(|o| *o.borrow_mut() = bytes);
}

/// Allocates `len` bytes for the caller to fill.
#[no_mangle]
pub extern "C" fn zk_alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len.max(1));
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Frees a buffer from [`zk_alloc`].
///
/// # Safety
/// `ptr` and `len` must be exactly those of one earlier `zk_alloc`.
#[no_mangle]
pub unsafe extern "C" fn zk_free(ptr: *mut u8, len: usize) {
    drop(Vec::from_raw_parts(ptr, 0, len.max(1)));
}

#[no_mangle]
pub extern "C" fn zk_out_ptr() -> *const u8 {
    OUT.with(|o| o.borrow().as_ptr())
}

#[no_mangle]
pub extern "C" fn zk_out_len() -> usize {
    OUT.with(|o| o.borrow().len())
}

/// Frees the last output.
#[no_mangle]
pub extern "C" fn zk_out_clear() {
    set_out(Vec::new());
}

struct Args {
    name: String,
    profile: PhotoProfile,
}

fn args(raw: &[u8]) -> Result<Args, String> {
    let v: Value = serde_json::from_slice(raw).map_err(|e| format!("arguments: {e}"))?;
    let name = v["name"].as_str().unwrap_or("photo.jpg").to_string();
    let profile = v["profile"].as_str().unwrap_or("national");
    let profile = PhotoProfile::builtin(profile).map_err(|e| e.to_string())?;
    Ok(Args { name, profile })
}

/// # Safety
/// The pointers must come from [`zk_alloc`] with at least these lengths.
unsafe fn input<'a>(p: *const u8, n: usize, a: *const u8, an: usize) -> (&'a [u8], &'a [u8]) {
    (
        std::slice::from_raw_parts(p, n),
        std::slice::from_raw_parts(a, an),
    )
}

fn both(item: &Item) -> Value {
    json!({"zh": item.to_json(Lang::Zh), "en": item.to_json(Lang::En)})
}

fn error_out(e: String) -> i32 {
    set_out(serde_json::to_vec(&json!({ "error": e })).unwrap_or_default());
    1
}

/// `photo check` on one photo.
///
/// # Safety
/// See [`input`].
#[no_mangle]
pub unsafe extern "C" fn zk_check(photo: *const u8, len: usize, a: *const u8, alen: usize) -> i32 {
    let (bytes, raw) = input(photo, len, a, alen);
    let args = match args(raw) {
        Ok(a) => a,
        Err(e) => return error_out(e),
    };
    let r = check_bytes_with(
        Path::new(&args.name),
        bytes,
        &args.profile,
        &CheckOptions::default(),
    );
    let mut out = both(&r.item);
    let mut preview = Vec::new();
    if let Some(img) = &r.image {
        let (w, h) = img.dimensions();
        let ranges = args
            .profile
            .needs_face()
            .then(|| GeometryRanges::for_image(&args.profile.geometry, w, h));
        let face = r.face.as_ref().and_then(|f| f.primary.as_ref());
        out["guides"] = json!({
            "width": w,
            "height": h,
            "ranges": ranges.map(|r| json!({
                "head_top": [r.head_top.0, r.head_top.1],
                "eyes": [r.eyes.0, r.eyes.1],
                "face_width": [r.face_width.0, r.face_width.1],
                "center_x": r.center_x,
                "center_tolerance": r.center_tolerance,
            })),
            "face": face,
        });
        let (pw, ph) = preview_size(w, h);
        let small = if (pw, ph) == (w, h) {
            img.clone()
        } else {
            image::imageops::thumbnail(img, pw, ph)
        };
        out["guides"]["preview_width"] = json!(pw);
        out["guides"]["preview_height"] = json!(ph);
        preview.reserve(pw as usize * ph as usize * 4);
        for p in small.pixels() {
            preview.extend_from_slice(&[p[0], p[1], p[2], 255]);
        }
    }
    set_out(framed(&out, &preview));
    0
}

/// Longest side of the preview the page draws the guides on.
pub const PREVIEW_SIDE: u32 = 800;

fn preview_size(w: u32, h: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= PREVIEW_SIDE {
        return (w, h);
    }
    let s = PREVIEW_SIDE as f64 / long as f64;
    (
        ((w as f64 * s).round() as u32).max(1),
        ((h as f64 * s).round() as u32).max(1),
    )
}

fn framed(json: &Value, tail: &[u8]) -> Vec<u8> {
    let j = serde_json::to_vec(json).unwrap_or_default();
    let mut out = Vec::with_capacity(4 + j.len() + tail.len());
    out.extend_from_slice(&(j.len() as u32).to_le_bytes());
    out.extend_from_slice(&j);
    out.extend_from_slice(tail);
    out
}

/// The item `photo check` reports for a photo whose check panicked
/// (`photo.unreadable`, "internal error while checking: ..."), built on a
/// fresh instance after the one that panicked trapped. `detail` is the
/// panic's text; `len` the photo's size. Output: `{"zh": item, "en": item}`.
///
/// # Safety
/// See [`input`].
#[no_mangle]
pub unsafe extern "C" fn zk_unreadable(
    d: *const u8,
    dlen: usize,
    a: *const u8,
    alen: usize,
    len: usize,
) -> i32 {
    let (detail, raw) = input(d, dlen, a, alen);
    let args = match args(raw) {
        Ok(a) => a,
        Err(e) => return error_out(e),
    };
    // The check of no bytes gives an item with every measurement key (null).
    let mut r = check_bytes_with(
        Path::new(&args.name),
        &[],
        &args.profile,
        &CheckOptions::default(),
    );
    r.item.verdict = "fail";
    r.item.ok = false;
    r.item.findings = vec![Finding::error(
        "photo.unreadable",
        PhotoMsg::InternalError {
            detail: String::from_utf8_lossy(detail).into_owned(),
        },
    )];
    for (k, v) in r.item.extra.iter_mut() {
        if *k == "measurements" {
            if let Some(m) = v.as_object_mut() {
                m.remove("format");
                m.insert("bytes".into(), json!(len as u64));
            }
        }
    }
    set_out(serde_json::to_vec(&both(&r.item)).unwrap_or_default());
    0
}

#[link(wasm_import_module = "env")]
extern "C" {
    fn zk_panic(ptr: *const u8, len: usize);
}

/// Installs the panic hook that tells the page a panic's text.
#[no_mangle]
pub extern "C" fn zk_init() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        // SAFETY: the page's import only reads `len` bytes at `ptr`.
        unsafe { zk_panic(msg.as_ptr(), msg.len()) }
    }));
}

/// `photo fix-size` on one photo, in memory.
///
/// # Safety
/// See [`input`].
#[no_mangle]
pub unsafe extern "C" fn zk_fix(photo: *const u8, len: usize, a: *const u8, alen: usize) -> i32 {
    let (bytes, raw) = input(photo, len, a, alen);
    let args = match args(raw) {
        Ok(a) => a,
        Err(e) => return error_out(e),
    };
    let stem = Path::new(&args.name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "photo".into());
    let (item, jpeg) = match fix_image(bytes, &args.profile, &FixOptions::default()) {
        Ok(o) => {
            let mut it = Item::new(o.action.verdict(), true)
                .key("path", args.name.clone())
                .key("output", format!("{stem}.jpg"));
            it.findings = o.findings;
            it.extra = o.extra;
            (it, o.bytes)
        }
        Err(r) => {
            let mut it = Item::new("refused", false)
                .key("path", args.name.clone())
                .key("output", Value::Null);
            it.findings = r.findings;
            it.extra = r.extra;
            (it, Vec::new())
        }
    };
    set_out(framed(&both(&item), &jpeg));
    0
}
