//! Excel workbooks. `.xlsx` is streamed cell by cell (calamine's cell
//! reader); `.xls`, `.xlsb` and `.ods` are read as a whole sheet, which
//! their formats require (an `.xls` sheet holds at most 65,536 rows).

use std::collections::HashMap;
use std::fmt::Display;
use std::path::Path;

use calamine::{open_workbook, Data, DataRef, Ods, Reader, Xls, Xlsb, Xlsx};

use super::cell::{fmt_float, Raw};
use super::detect::ExcelKind;
use super::{lookup, missing_error, Header, ReadOptions, Sink, HEADER_SCAN};
use crate::{Error, Result};

fn wb_error(path: &Path, e: impl Display) -> Error {
    Error::format(
        path,
        "无法读取 Excel 工作簿（文件损坏，或不是工作簿）",
        format!("cannot read the Excel workbook: {e}"),
    )
}

/// The sheet to read: `--sheet` (exact, then ignoring case and spaces) or
/// the first one.
fn sheet(path: &Path, names: &[String], opts: &ReadOptions) -> Result<String> {
    match &opts.sheet {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::format(path, "工作簿中没有工作表", "the workbook has no sheets")),
        Some(want) => {
            if let Some(n) = names.iter().find(|n| *n == want) {
                return Ok(n.clone());
            }
            let key = crate::text::header_key(want);
            names
                .iter()
                .find(|n| crate::text::header_key(n) == key)
                .cloned()
                .ok_or_else(|| {
                    Error::format(
                        path,
                        format!(
                            "没有名为「{want}」的工作表；现有工作表：{}",
                            names.join("、")
                        ),
                        format!(
                            "no sheet named `{want}`; the sheets are: {}",
                            names.join(", ")
                        ),
                    )
                })
        }
    }
}

fn raw_ref<'x>(d: &'x DataRef<'_>) -> Raw<'x> {
    match d {
        DataRef::Int(i) => Raw::Int(*i),
        DataRef::Float(f) => Raw::Float(*f),
        DataRef::String(s) => Raw::Str(s),
        DataRef::SharedString(s) => Raw::Str(s),
        DataRef::Bool(b) => Raw::Bool(*b),
        DataRef::DateTime(dt) => excel_date(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Raw::Str(s),
        DataRef::Error(e) => Raw::Error(e.to_string()),
        DataRef::Empty => Raw::Empty,
    }
}

fn raw_data(d: &Data) -> Raw<'_> {
    match d {
        Data::Int(i) => Raw::Int(*i),
        Data::Float(f) => Raw::Float(*f),
        Data::String(s) => Raw::Str(s),
        Data::Bool(b) => Raw::Bool(*b),
        Data::DateTime(dt) => excel_date(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Raw::Str(s),
        Data::Error(e) => Raw::Error(e.to_string()),
        Data::Empty => Raw::Empty,
    }
}

fn excel_date(dt: &calamine::ExcelDateTime) -> Raw<'static> {
    let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
    Raw::ExcelDate {
        serial: dt.as_f64(),
        duration: dt.is_duration(),
        ymd: (y, m, d),
        hms: (hh, mm, ss),
    }
}

fn header_text(r: &Raw<'_>) -> String {
    match r {
        Raw::Str(s) => s.to_string(),
        Raw::Int(i) => i.to_string(),
        Raw::Float(f) => fmt_float(*f),
        _ => String::new(),
    }
}

fn blank(r: &Raw<'_>) -> bool {
    match r {
        Raw::Empty => true,
        Raw::Str(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Feeds the rows of a sheet (absolute 0-based row and column numbers) to
/// the sink, finding the header first.
struct Feeder<'s, 'a> {
    sink: &'s mut Sink<'a>,
    lookup: HashMap<String, usize>,
    header: Option<Header>,
    best: Option<Header>,
    scanned: usize,
}

impl Feeder<'_, '_> {
    fn row(&mut self, r: u32, cells: Vec<(u32, Raw<'_>)>) -> Result<()> {
        if cells.iter().all(|(_, c)| blank(c)) {
            return Ok(());
        }
        let row = r as usize + 1;
        let Some(h) = &self.header else {
            let width = cells
                .iter()
                .map(|(c, _)| *c as usize + 1)
                .max()
                .unwrap_or(0);
            let mut text = vec![String::new(); width];
            for (c, raw) in &cells {
                text[*c as usize] = header_text(raw);
            }
            let h = Header::map(&self.lookup, self.sink.schema, &text);
            if h.complete(self.sink.schema) {
                self.sink.set_header(&h, row);
                self.header = Some(h);
                return Ok(());
            }
            self.scanned += 1;
            if self.best.as_ref().is_none_or(|b| h.matched > b.matched) {
                self.best = Some(h);
            }
            if self.scanned >= HEADER_SCAN {
                return Err(missing_error(
                    self.sink.path,
                    self.sink.schema,
                    self.best.as_ref(),
                ));
            }
            return Ok(());
        };
        self.sink.start_row();
        for (c, raw) in cells {
            if let Some(Some(col)) = h.by_file.get(c as usize) {
                self.sink.cell(row, *col, raw);
            }
        }
        self.sink.finish_row(row);
        Ok(())
    }

    fn finish(self, sheet: &str) -> Result<()> {
        if self.header.is_some() {
            return Ok(());
        }
        if self.scanned == 0 {
            return Err(Error::format(
                self.sink.path,
                format!("工作表「{sheet}」是空的"),
                format!("the sheet `{sheet}` is empty"),
            ));
        }
        Err(missing_error(
            self.sink.path,
            self.sink.schema,
            self.best.as_ref(),
        ))
    }
}

pub(crate) fn read(sink: &mut Sink<'_>, opts: &ReadOptions, kind: ExcelKind) -> Result<()> {
    let path = sink.path;
    let lookup = lookup(sink.schema);
    let mut feeder = Feeder {
        sink,
        lookup,
        header: None,
        best: None,
        scanned: 0,
    };
    let name;
    match kind {
        ExcelKind::Xlsx => {
            zip_check(path, kind)?;
            let mut wb: Xlsx<_> = open_workbook(path).map_err(|e| wb_error(path, e))?;
            name = sheet(path, &wb.sheet_names(), opts)?;
            let mut cells = wb
                .worksheet_cells_reader(&name)
                .map_err(|e| wb_error(path, e))?;
            let mut cur: Option<u32> = None;
            let mut buf: Vec<(u32, DataRef<'_>)> = Vec::new();
            loop {
                // calamine indexes the shared strings with the cell's value
                // unchecked (`strings[idx]`): a damaged workbook panics
                // there. Caught and reported as a damaged file (found by
                // fuzzing; under cargo-fuzz the panic hook still aborts).
                let next =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cells.next_cell()))
                        .map_err(|_| wb_error(path, "damaged cell data"))?;
                let Some(cell) = next.map_err(|e| wb_error(path, e))? else {
                    break;
                };
                let (r, c) = cell.get_position();
                if cur != Some(r) {
                    if let Some(pr) = cur {
                        feeder.row(pr, buf.iter().map(|(c, d)| (*c, raw_ref(d))).collect())?;
                    }
                    buf.clear();
                    cur = Some(r);
                }
                buf.push((c, cell.get_value().clone()));
            }
            if let Some(pr) = cur {
                feeder.row(pr, buf.iter().map(|(c, d)| (*c, raw_ref(d))).collect())?;
            }
        }
        _ => {
            let range = match kind {
                ExcelKind::Xls => {
                    let (n, range) = xls_range(path, opts)?;
                    name = n;
                    range
                }
                ExcelKind::Xlsb => {
                    zip_check(path, kind)?;
                    let mut wb: Xlsb<_> = open_workbook(path).map_err(|e| wb_error(path, e))?;
                    name = sheet(path, &wb.sheet_names(), opts)?;
                    wb.worksheet_range(&name).map_err(|e| wb_error(path, e))?
                }
                _ => {
                    zip_check(path, kind)?;
                    let mut wb: Ods<_> = open_workbook(path).map_err(|e| wb_error(path, e))?;
                    name = sheet(path, &wb.sheet_names(), opts)?;
                    wb.worksheet_range(&name).map_err(|e| wb_error(path, e))?
                }
            };
            if let Some((r0, c0)) = range.start() {
                for (i, row) in range.rows().enumerate() {
                    let cells = row
                        .iter()
                        .enumerate()
                        .map(|(j, d)| (c0 + j as u32, raw_data(d)))
                        .collect();
                    feeder.row(r0 + i as u32, cells)?;
                }
            }
        }
    }
    feeder.finish(&name)
}

/// The most a part of a zipped workbook (`.xlsx`, `.xlsb`, `.ods`) may
/// unpack to when calamine holds it in memory whole: the shared strings,
/// styles, an `.ods` content or an `.xlsb`/`.ods` sheet. 256 MiB of shared
/// strings is millions of distinct texts, far beyond a province's export.
pub const ZIP_PART_MAX: u64 = 256 << 20;
/// The most an `.xlsx` worksheet may unpack to (it is streamed cell by
/// cell, so this bounds time rather than memory): a full 1,048,576-row
/// sheet of a score export is under 1 GiB.
pub const ZIP_SHEET_MAX: u64 = 2 << 30;
/// The most parts a zipped workbook may have.
const ZIP_PARTS_MAX: usize = 10_000;

/// A zipped workbook is refused before calamine opens it when a part would
/// unpack to more than calamine can hold (a "zip bomb": a small file whose
/// shared strings unpack to gigabytes). Each part is unpacked once into
/// nothing, counting the bytes and stopping at the limit, so a lying size
/// in the zip directory does not matter. A file that is not a sound zip is
/// left to calamine's own error.
fn zip_check(path: &Path, kind: ExcelKind) -> Result<()> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    if zip.len() > ZIP_PARTS_MAX {
        return Err(wb_error(
            path,
            format!(
                "{} parts in the workbook (at most {ZIP_PARTS_MAX})",
                zip.len()
            ),
        ));
    }
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            continue;
        };
        let streamed = kind == ExcelKind::Xlsx && part.name().starts_with("xl/worksheets/");
        let max = if streamed {
            ZIP_SHEET_MAX
        } else {
            ZIP_PART_MAX
        };
        let declared = part.size();
        let unpacked = if declared > max {
            declared
        } else {
            match std::io::copy(&mut (&mut part).take(max + 1), &mut std::io::sink()) {
                Ok(n) => n,
                // damaged data: calamine says so in its own words if it
                // reads this part; the other parts are still checked
                Err(_) => continue,
            }
        };
        if unpacked > max {
            return Err(wb_error(
                path,
                format!(
                    "part `{}` unpacks to more than {} MiB (a zip bomb or not a real export; the file is {})",
                    part.name(),
                    max >> 20,
                    crate::text::file_size(
                        std::fs::metadata(path).map_or(0, |m| m.len()),
                        crate::Lang::En
                    )
                ),
            ));
        }
    }
    Ok(())
}

/// Reads the chosen sheet of an `.xls` workbook with calamine, after
/// [`xls_prepare`] has checked what calamine will read of the file.
/// calamine's `.xls` record parser also indexes record bodies without
/// length checks: a panic there is caught and reported as a damaged
/// workbook (found by fuzzing).
fn xls_range(path: &Path, opts: &ReadOptions) -> Result<(String, calamine::Range<Data>)> {
    let mut bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    xls_prepare(&mut bytes).map_err(|e| wb_error(path, e))?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut wb = Xls::new(std::io::Cursor::new(bytes)).map_err(|e| wb_error(path, e))?;
        let name = sheet(path, &wb.sheet_names(), opts)?;
        let range = wb.worksheet_range(&name).map_err(|e| wb_error(path, e))?;
        Ok((name, range))
    }))
    .unwrap_or_else(|_| Err(wb_error(path, "damaged workbook records")))
}

/// calamine trusts every number in an `.xls` file: sector numbers and
/// stream lengths of the Compound File Binary container, and the sheet
/// dimensions and cell positions of the BIFF records. A crafted or damaged
/// file makes it reserve terabytes (a process abort that no error handling
/// can catch), index out of bounds or loop forever. This walks exactly what
/// calamine will read, refuses what it cannot read safely, and adjusts the
/// in-memory copy calamine is given:
///
/// - the file is padded with zeros to whole sectors, so every sector
///   calamine reads is whole (it returns a cut last sector the first time
///   and a zero-padded one afterwards, which would let its view of a stream
///   differ from the one checked here);
/// - the names of `_VBA_PROJECT_CUR` directory entries are blanked, so
///   calamine does not parse the VBA project of a macro workbook (zikao
///   never uses it; calamine would read module streams named by the file
///   itself, from any directory entry, and panics on a bad compressed
///   chunk).
///
/// Files calamine rejects itself (no OLE signature, a bad sector shift)
/// are passed through for its own error message.
fn xls_prepare(b: &mut Vec<u8>) -> std::result::Result<(), &'static str> {
    let Some(cfb) = cfb_check(b)? else {
        return Ok(());
    };
    for at in cfb.vba_names {
        b[at..at + 64].fill(0);
    }
    if let Some(stream) = cfb.workbook {
        biff_check(&stream)?;
    }
    Ok(())
}

/// Sector numbers at or above this are special (FREESECT, ENDOFCHAIN,
/// FATSECT, DIFSECT) in a Compound File Binary (OLE2) file.
const CFB_RESERVED: u32 = 0xFFFF_FFFA;
const CFB_END_OF_CHAIN: u32 = 0xFFFF_FFFE;

fn le32(b: &[u8], i: usize) -> u32 {
    b.get(i..i + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0)
}

fn le16(b: &[u8], i: usize) -> u16 {
    b.get(i..i + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .unwrap_or(0)
}

/// What calamine will read of a sound compound file.
struct CfbView {
    /// The `Workbook` (else `Book`) stream as calamine assembles it, if
    /// the directory has one.
    workbook: Option<Vec<u8>>,
    /// File offsets of the names of the `_VBA_PROJECT_CUR` entries.
    vba_names: Vec<usize>,
}

/// Checks the Compound File Binary structure the way calamine reads it
/// (`calamine::cfb::Cfb::new` and `get_stream`): every sector number it
/// follows (DIFAT, FAT, directory, mini FAT, mini stream, the workbook
/// stream) lies inside the file, every chain ends within as many steps as
/// there are sectors (no cycle), the directory is whole, the lengths it
/// reserves fit in the file. calamine looks streams up by name, in
/// directory order and whatever the entry's type (the second fuzz crash was
/// a `Workbook` entry of type 32 whose chain left the file: it reserved
/// 2 TB), so the stream checked is the one calamine will find. Pads `b` to
/// whole sectors (see [`xls_prepare`]). `Ok(None)`: not a compound file
/// calamine accepts; its own error follows.
fn cfb_check(b: &mut Vec<u8>) -> std::result::Result<Option<CfbView>, &'static str> {
    const BAD: &str = "damaged compound file structure (sector numbers outside the file)";
    if b.len() < 512 || b[..8] != [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        return Ok(None);
    }
    let ssz: usize = match u16::from_le_bytes([b[30], b[31]]) {
        9 => 512,
        12 => 4096,
        _ => return Ok(None),
    };
    if b.len() < ssz {
        return Ok(None);
    }
    // calamine numbers sectors from the end of the header (one sector).
    let nsec = (b.len() - ssz).div_ceil(ssz);
    b.resize(ssz + nsec * ssz, 0);
    let b: &[u8] = b;
    let data = &b[ssz..];
    let sector = |id: u32| -> std::result::Result<&[u8], &'static str> {
        let id = id as usize;
        if id >= nsec {
            return Err(BAD);
        }
        Ok(&data[id * ssz..(id + 1) * ssz])
    };
    let words = |s: &[u8]| -> Vec<u32> { s.chunks_exact(4).map(|c| le32(c, 0)).collect() };
    // Counts in the header are allocation sizes for calamine.
    for at in [40usize, 44, 64, 72] {
        if le32(b, at) as usize > nsec + 1 {
            return Err(BAD);
        }
    }
    // calamine sizes its DIFAT vector from bytes 62..66 (a misread of the
    // DIFAT count): refuse values that would reserve absurd memory.
    if le32(b, 62) as u64 * 4 > (b.len() as u64).saturating_mul(64).max(1 << 26) {
        return Err(BAD);
    }
    // DIFAT: 109 entries in the header, then a chain of DIFAT sectors whose
    // last entry is the next DIFAT sector.
    let mut difat = words(&b[76..512]);
    let mut id = le32(b, 68);
    let mut steps = 0usize;
    while id < CFB_RESERVED {
        steps += 1;
        if steps > nsec {
            return Err(BAD);
        }
        difat.extend(words(sector(id)?));
        id = difat.pop().unwrap_or(CFB_END_OF_CHAIN);
    }
    let mut fat = Vec::new();
    for &id in difat.iter().filter(|&&id| id < 0xFFFF_FFFC) {
        fat.extend(words(sector(id)?));
    }
    // A chain in the FAT (or mini FAT) over `n` sectors: every number must
    // index both the table and the sector space, and the chain must end.
    fn chain(
        table: &[u32],
        n: usize,
        mut id: u32,
    ) -> std::result::Result<Vec<usize>, &'static str> {
        let mut ids = Vec::new();
        while id != CFB_END_OF_CHAIN {
            if id as usize >= n || id as usize >= table.len() || ids.len() >= n {
                return Err(BAD);
            }
            ids.push(id as usize);
            id = table[id as usize];
        }
        Ok(ids)
    }
    let fat_stream = |start: u32| -> std::result::Result<Vec<u8>, &'static str> {
        let mut out = Vec::new();
        for id in chain(&fat, nsec, start)? {
            out.extend_from_slice(&data[id * ssz..(id + 1) * ssz]);
        }
        Ok(out)
    };
    let dir_ids = chain(&fat, nsec, le32(b, 48))?;
    let mut dir = fat_stream(le32(b, 48))?;
    let dir_len = le32(b, 40) as usize;
    if dir_len > 0 {
        dir.truncate(dir_len * ssz);
    }
    if dir.len() < 128 {
        return Err(BAD);
    }
    let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
    // calamine's entry name: the 64 name bytes decoded as UTF-16LE (with
    // BOM sniffing), cut at the first NUL.
    let names: Vec<String> = entries
        .iter()
        .map(|e| {
            let mut n = encoding_rs::UTF_16LE.decode(&e[..64]).0.into_owned();
            if let Some(l) = n.bytes().position(|c| c == 0) {
                n.truncate(l);
            }
            n
        })
        .collect();
    let entry_len = |e: &[u8]| -> u64 {
        if ssz == 512 {
            le32(e, 120) as u64
        } else {
            le32(e, 120) as u64 | ((le32(e, 124) as u64) << 32)
        }
    };
    // The mini stream (the root entry's stream) and the mini FAT, read only
    // when the header counts mini FAT sectors.
    let (mini_fat, mini) = if le32(b, 64) > 0 {
        let root_len = entry_len(entries[0]);
        if root_len > data.len() as u64 {
            return Err(BAD);
        }
        let mut mini = fat_stream(le32(entries[0], 116))?;
        if root_len > 0 {
            mini.truncate(root_len as usize);
        }
        let mut mf = fat_stream(le32(b, 60))?;
        mf.truncate(le32(b, 64) as usize * ssz);
        (words(&mf), mini)
    } else {
        (Vec::new(), Vec::new())
    };
    // A mini sector past the end of the mini stream makes calamine read on
    // from wherever its file cursor is: only whole mini sectors count.
    let nmini = mini.len() / 64;
    let stream = |e: &[u8]| -> std::result::Result<Vec<u8>, &'static str> {
        let len = entry_len(e);
        if len > data.len() as u64 {
            return Err(BAD);
        }
        let start = le32(e, 116);
        let mut out = if len < 4096 {
            let mut out = Vec::new();
            for id in chain(&mini_fat, nmini, start)? {
                out.extend_from_slice(&mini[id * 64..(id + 1) * 64]);
            }
            out
        } else {
            fat_stream(start)?
        };
        if len > 0 {
            out.truncate(len as usize);
        }
        Ok(out)
    };
    let find = |want: &str| names.iter().position(|n| n == want);
    let workbook = match find("Workbook").or_else(|| find("Book")) {
        Some(i) => Some(stream(entries[i])?),
        None => None,
    };
    let vba_names = names
        .iter()
        .enumerate()
        .filter(|(_, n)| *n == "_VBA_PROJECT_CUR")
        .map(|(i, _)| ssz + dir_ids[i * 128 / ssz] * ssz + i * 128 % ssz)
        .collect();
    Ok(Some(CfbView {
        workbook,
        vba_names,
    }))
}

/// The most cells an `.xls` sheet can hold: BIFF8 has 65,536 rows and 256
/// columns ([MS-XLS] 2.5.14 Col ≤ 0xFF, 2.5.222 Rw ≤ 0xFFFF; DIMENSIONS
/// rwMac ≤ 0x10000, colMac ≤ 0x100); BIFF5 has fewer rows.
const XLS_MAX_CELLS: u64 = 65_536 * 256;

/// The BIFF records of a stream, split the way calamine's `RecordIter`
/// splits them (a record's CONTINUE records are skipped with it). Stops
/// where calamine reports an error.
fn biff_records(mut s: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if s.len() < 4 {
            return None;
        }
        let (typ, len) = (le16(s, 0), le16(s, 2) as usize);
        if s.len() < len + 4 {
            return None;
        }
        let body = &s[4..len + 4];
        s = &s[len + 4..];
        while s.len() > 4 && le16(s, 0) == 0x003C {
            let l = le16(s, 2) as usize;
            if s.len() < l + 4 {
                return None;
            }
            s = &s[l + 4..];
        }
        Some((typ, body))
    })
}

/// The cells calamine reserves for a DIMENSIONS record (its
/// `parse_dimensions`, then `rows * cols` in wrapping `u32` arithmetic as
/// in a release build): a last row before the first wraps to ~4 billion.
fn dimensions_cells(r: &[u8]) -> Option<u64> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            le16(r, 0) as u32,
            le16(r, 2) as u32,
            le16(r, 4) as u32,
            le16(r, 6) as u32,
        ),
        14 => (
            le32(r, 0),
            le32(r, 4),
            le16(r, 8) as u32,
            le16(r, 10) as u32,
        ),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (er, ec) = if rl >= 1 && cl >= 1 {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    let rows = er.wrapping_sub(rf).wrapping_add(1) as u64;
    let cols = ec.wrapping_sub(cf).wrapping_add(1) as u64;
    Some(rows * cols)
}

/// The rectangle spanned by cell positions.
#[derive(Default)]
struct Span(Option<(u32, u32, u32, u32)>);

impl Span {
    fn add(&mut self, (r, c): (u32, u32)) {
        self.0 = Some(match self.0 {
            None => (r, r, c, c),
            Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
        });
    }
    fn cells(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            (r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64
        })
    }
}

/// Checks the sizes calamine takes from the BIFF records of the workbook
/// stream before it allocates them. For every sheet (`BoundSheet8`, read
/// from its offset to its EOF as calamine does): the DIMENSIONS records
/// (calamine reserves room for rows × cols cells) must declare at most the
/// cells of one full `.xls` sheet; the cells and formulas calamine stores
/// become dense ranges over the rectangle their positions span, which must
/// fit in one full sheet too (positions past column IV or row 65,536 do not
/// exist in the format). calamine keeps every sheet's range at once, so
/// over the workbook the rectangles together may hold at most one full
/// sheet or, for a larger file, one cell per byte of the workbook stream: a
/// real workbook's rectangles are mostly filled by its cell records (each
/// at least 6 bytes), whatever its size, while a crafted one cannot make
/// calamine allocate much more than a full sheet per byte it has.
fn biff_check(stream: &[u8]) -> std::result::Result<(), &'static str> {
    const DIMS: &str =
        "a sheet declares more cells than an .xls sheet can hold (DIMENSIONS record)";
    const SPAN: &str = "the cell positions span more than an .xls sheet can hold";
    const TOTAL: &str = "the sheets span far more cells than the file holds";
    let mut sheets = Vec::new();
    for (typ, body) in biff_records(stream) {
        match typ {
            0x0085 if body.len() >= 4 => sheets.push(le32(body, 0) as usize),
            0x000A => break,
            _ => {}
        }
    }
    let budget = XLS_MAX_CELLS.max(stream.len() as u64);
    let mut total = 0u64;
    let at = |b: &[u8]| (le16(b, 0) as u32, le16(b, 2) as u32);
    for pos in sheets {
        let Some(sh) = stream.get(pos..) else {
            continue;
        };
        let mut declared = 0u64;
        let mut cells = Span::default();
        let mut formulas = Span::default();
        let mut formula_at = (0, 0);
        for (typ, body) in biff_records(sh) {
            match typ {
                0x0200 => {
                    declared += dimensions_cells(body).unwrap_or(0);
                    if declared > XLS_MAX_CELLS {
                        return Err(DIMS);
                    }
                }
                // Number, Label, BoolErr, Rk, LabelSst
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD if body.len() >= 4 => {
                    cells.add(at(body))
                }
                // String (the value of the last formula)
                0x0207 => cells.add(formula_at),
                // MulRk: one cell per 6 bytes from the first column on
                0x00BD if body.len() >= 6 => {
                    let (r, c) = at(body);
                    let n = (body.len() - 6).div_ceil(6) as u32;
                    if n > 0 {
                        cells.add((r, c));
                        cells.add((r, c + n - 1));
                    }
                }
                0x0006 if body.len() >= 20 => {
                    formula_at = at(body);
                    cells.add(formula_at);
                    formulas.add(formula_at);
                }
                0x000A => break,
                _ => {}
            }
        }
        if cells.cells() > XLS_MAX_CELLS || formulas.cells() > XLS_MAX_CELLS {
            return Err(SPAN);
        }
        total += cells.cells() + formulas.cells();
        if total > budget {
            return Err(TOTAL);
        }
    }
    Ok(())
}

#[cfg(test)]
mod cfb_tests {
    use super::*;

    /// `xls_prepare` on a copy.
    fn check(b: &[u8]) -> std::result::Result<(), &'static str> {
        xls_prepare(&mut b.to_vec())
    }

    /// A minimal valid-looking CFB header with 512-byte sectors.
    fn header() -> Vec<u8> {
        let mut h = vec![0u8; 512];
        h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        h[26] = 3;
        h[30] = 9;
        h[32] = 6;
        h[68..72].copy_from_slice(&CFB_END_OF_CHAIN.to_le_bytes());
        for i in (76..512).step_by(4) {
            h[i..i + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        h
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|c| c.to_le_bytes()).collect()
    }

    /// Offset of directory entry `i` in [`file`]'s output.
    fn entry(i: usize) -> usize {
        1024 + i * 128
    }

    /// header + FAT in sector 0 + directory in sector 1 with a root entry
    /// and a `Workbook` stream of `len` bytes starting at sector `start`
    /// (sectors 2..=11 form one chain, all zeros).
    fn file(start: u32, len: u32) -> Vec<u8> {
        let mut f = header();
        f[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
        f[76..80].copy_from_slice(&0u32.to_le_bytes()); // FAT is sector 0
        f[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
        f[60..64].copy_from_slice(&CFB_END_OF_CHAIN.to_le_bytes());
        let mut fat = vec![0xFFu8; 512];
        fat[0..4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
        fat[4..8].copy_from_slice(&CFB_END_OF_CHAIN.to_le_bytes());
        for s in 2..12u32 {
            let next = if s == 11 { CFB_END_OF_CHAIN } else { s + 1 };
            fat[s as usize * 4..s as usize * 4 + 4].copy_from_slice(&next.to_le_bytes());
        }
        f.extend(fat);
        let mut dir = vec![0u8; 512];
        dir[..2].copy_from_slice(b"R\0");
        dir[66] = 5;
        dir[116..120].copy_from_slice(&CFB_END_OF_CHAIN.to_le_bytes());
        let w = utf16("Workbook");
        dir[128..128 + w.len()].copy_from_slice(&w);
        dir[128 + 66] = 2;
        dir[128 + 116..128 + 120].copy_from_slice(&start.to_le_bytes());
        dir[128 + 120..128 + 124].copy_from_slice(&len.to_le_bytes());
        f.extend(dir);
        f.extend(vec![0u8; 512 * 10]);
        f
    }

    fn record(typ: u16, body: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((body.len() as u16).to_le_bytes());
        r.extend(body);
        r
    }

    /// A BIFF8 workbook stream: globals (BOF, one `BoundSheet8` per entry
    /// of `names`, all pointing at the same sheet, EOF), then one sheet
    /// (BOF, `sheet` records, EOF).
    fn workbook(names: &[&str], sheet: &[Vec<u8>]) -> Vec<u8> {
        let bof = record(0x0809, &[0, 6, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let bound = |pos: u32, name: &str| {
            let mut b = pos.to_le_bytes().to_vec();
            b.extend([0, 0, name.len() as u8, 0]);
            b.extend(name.as_bytes());
            record(0x0085, &b)
        };
        let globals_len: usize =
            bof.len() + names.iter().map(|n| bound(0, n).len()).sum::<usize>() + 4;
        let mut s = bof.clone();
        for n in names {
            s.extend(bound(globals_len as u32, n));
        }
        s.extend(record(0x000A, &[]));
        s.extend(&bof);
        for r in sheet {
            s.extend(r);
        }
        s.extend(record(0x000A, &[]));
        s
    }

    /// [`file`] with `stream` as the content of the `Workbook` stream.
    fn xls_with(stream: &[u8]) -> Vec<u8> {
        assert!(stream.len() <= 5120);
        let mut f = file(2, 5120);
        f[1536..1536 + stream.len()].copy_from_slice(stream);
        f
    }

    fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut b = rf.to_le_bytes().to_vec();
        b.extend(rl.to_le_bytes());
        b.extend(cf.to_le_bytes());
        b.extend(cl.to_le_bytes());
        b.extend([0, 0]);
        record(0x0200, &b)
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut b = row.to_le_bytes().to_vec();
        b.extend(col.to_le_bytes());
        b.extend([0, 0]);
        b.extend(1.5f64.to_le_bytes());
        record(0x0203, &b)
    }

    /// `table::read` on `bytes` written as an `.xls` file.
    fn read_xls(bytes: &[u8]) -> Result<Vec<crate::finding::InputProblem>> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.xls");
        std::fs::write(&p, bytes).unwrap();
        super::super::read(
            &p,
            &super::super::schemas::SCORES,
            &ReadOptions::default(),
            &mut |_| {},
        )
    }

    #[test]
    fn sound_structure_passes() {
        assert_eq!(check(&file(2, 5120)), Ok(()));
        // Not a CFB file at all: left to calamine's own error.
        assert_eq!(check(b"not an ole file"), Ok(()));
    }

    #[test]
    fn real_xls_fixture_passes() {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tables/scores.xls"
        );
        let b = std::fs::read(p).unwrap();
        assert_eq!(check(&b), Ok(()));
        // ... and its workbook stream is what the BIFF check saw.
        let view = cfb_check(&mut b.clone()).unwrap().unwrap();
        assert!(view.workbook.is_some_and(|w| w.len() > 100));
    }

    #[test]
    fn sector_numbers_outside_the_file_are_refused() {
        // Stream starting far past the end of the file.
        assert!(check(&file(0x00AA_AAAA, 5120)).is_err());
        // Stream longer than the file.
        assert!(check(&file(2, 1 << 30)).is_err());
        // FAT sector number outside the file (the first fuzz crash:
        // calamine tried to allocate 0xAAAAAAAE00 bytes).
        let mut f = file(2, 5120);
        f[76..80].copy_from_slice(&0xAAAA_AAA9u32.to_le_bytes());
        assert!(check(&f).is_err());
        // A FAT count larger than the file.
        let mut f = file(2, 5120);
        f[44..48].copy_from_slice(&0x4000_0000u32.to_le_bytes());
        assert!(check(&f).is_err());
    }

    #[test]
    fn chain_cycles_are_refused() {
        let mut f = file(2, 5120);
        // sector 11 points back to sector 2
        let at = 512 + 11 * 4;
        f[at..at + 4].copy_from_slice(&2u32.to_le_bytes());
        assert!(check(&f).is_err());
    }

    #[test]
    fn the_workbook_entry_is_checked_whatever_its_type() {
        // The second fuzz crash: the `Workbook` entry had type 32 (not a
        // stream), so the old check skipped it; calamine finds streams by
        // name only, followed its chain to sector 0xFF000004 and reserved
        // 0x1FE00000A00 bytes.
        let mut f = file(2, 5120);
        f[entry(1) + 66] = 32;
        assert_eq!(check(&f), Ok(()));
        // chain 2 -> 3 -> 0xFF000004
        f[512 + 3 * 4..512 + 4 * 4].copy_from_slice(&0xFF00_0004u32.to_le_bytes());
        assert!(check(&f).is_err());
        // Same chain, sound type: refused too.
        f[entry(1) + 66] = 2;
        assert!(check(&f).is_err());
        // A second, sound `Workbook` entry after it does not help: calamine
        // reads the first.
        let w = utf16("Workbook");
        f[entry(2)..entry(2) + w.len()].copy_from_slice(&w);
        f[entry(2) + 66] = 2;
        f[entry(2) + 116..entry(2) + 120].copy_from_slice(&CFB_END_OF_CHAIN.to_le_bytes());
        assert!(check(&f).is_err());
    }

    #[test]
    fn a_short_workbook_is_read_from_the_mini_stream() {
        // len < 4096: calamine reads mini sectors; with no mini stream,
        // any start but end-of-chain makes it grow its buffer from the
        // sector number.
        assert!(check(&file(0x0400_0000, 100)).is_err());
        assert_eq!(check(&file(CFB_END_OF_CHAIN, 0)), Ok(()));
    }

    #[test]
    fn the_vba_project_is_hidden_from_calamine() {
        let mut f = file(2, 5120);
        let v = utf16("_VBA_PROJECT_CUR");
        f[entry(2)..entry(2) + v.len()].copy_from_slice(&v);
        f[entry(2) + 66] = 1;
        let mut g = f.clone();
        assert_eq!(xls_prepare(&mut g), Ok(()));
        assert!(g[entry(2)..entry(2) + 64].iter().all(|&b| b == 0));
        // Nothing else changes (the file already is whole sectors).
        g[entry(2)..entry(2) + v.len()].copy_from_slice(&v);
        assert_eq!(g, f);
    }

    #[test]
    fn a_cut_last_sector_is_padded() {
        let f = file(2, 5120);
        let mut g = f[..f.len() - 100].to_vec();
        assert_eq!(xls_prepare(&mut g), Ok(()));
        assert_eq!(g.len(), f.len());
    }

    #[test]
    fn declared_dimensions_within_one_sheet_pass() {
        // A full BIFF8 sheet (65,536 rows x 256 columns) is allowed.
        let s = workbook(&["S"], &[dimensions(0, 65_536, 0, 256), number(0, 0)]);
        assert_eq!(check(&xls_with(&s)), Ok(()));
        // An empty sheet's record.
        let s = workbook(&["S"], &[dimensions(0, 0, 0, 0)]);
        assert_eq!(check(&xls_with(&s)), Ok(()));
    }

    #[test]
    fn absurd_dimensions_are_refused() {
        // 4 billion rows (calamine would reserve rows x cols cells).
        let s = workbook(&["S"], &[dimensions(0, u32::MAX, 0, 256)]);
        assert!(check(&xls_with(&s)).is_err());
        // Last row before the first: wraps to ~4 billion rows.
        let s = workbook(&["S"], &[dimensions(10, 5, 0, 3)]);
        assert!(check(&xls_with(&s)).is_err());
        // Each record alone fits, together they do not.
        let d = dimensions(0, 65_536, 0, 200);
        let s = workbook(&["S"], &[d.clone(), d]);
        assert!(check(&xls_with(&s)).is_err());
        // Through the reader: a format error naming the file.
        let e = read_xls(&xls_with(&workbook(
            &["S"],
            &[dimensions(0, u32::MAX, 0, 256)],
        )))
        .unwrap_err();
        assert!(e.to_string().contains("t.xls"), "{e}");
        assert!(e.to_string().contains("DIMENSIONS"), "{e}");
    }

    #[test]
    fn cell_positions_beyond_the_format_are_refused() {
        // Column IV (255) on row 65,536: the largest sheet, allowed.
        let s = workbook(&["S"], &[number(0, 0), number(65_535, 255)]);
        assert_eq!(check(&xls_with(&s)), Ok(()));
        // Column 65,535 does not exist: calamine's dense range would hold
        // 4 billion cells (128 GB).
        let s = workbook(&["S"], &[number(0, 0), number(65_535, 65_535)]);
        assert!(check(&xls_with(&s)).is_err());
        // A MulRk record reaching far right.
        let mut b = 0u16.to_le_bytes().to_vec();
        b.extend(65_000u16.to_le_bytes());
        b.extend(vec![0u8; 6 * 2]);
        b.extend(65_001u16.to_le_bytes());
        let s = workbook(&["S"], &[number(60_000, 0), record(0x00BD, &b)]);
        assert!(check(&xls_with(&s)).is_err());
    }

    #[test]
    fn sheets_together_may_not_span_far_more_than_the_file() {
        // calamine builds every sheet at once: two full-size sheets from a
        // 5 KB file are refused, one is allowed.
        let cells = [number(0, 0), number(65_535, 255)];
        assert_eq!(check(&xls_with(&workbook(&["A"], &cells))), Ok(()));
        assert!(check(&xls_with(&workbook(&["A", "B"], &cells))).is_err());
        // Small sheets: many are fine.
        let cells = [number(0, 0), number(999, 9)];
        let names = ["A", "B", "C", "D", "E", "F", "G", "H"];
        assert_eq!(check(&xls_with(&workbook(&names, &cells))), Ok(()));
    }

    #[test]
    fn fuzz_crash_inputs_are_errors_not_aborts() {
        // The first crash (FAT sector outside the file).
        let mut f = file(2, 5120);
        f[76..80].copy_from_slice(&0xAAAA_AAA9u32.to_le_bytes());
        assert!(read_xls(&f).is_err());
        // The second (a `Workbook` entry of type 32 whose chain leaves the
        // file), minimised from the fuzzer's input without its selector
        // byte.
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tables/fuzz_xls_workbook_entry_type.xls"
        );
        let b = std::fs::read(p).unwrap();
        let e = read_xls(&b).unwrap_err();
        assert!(e.to_string().contains("compound file"), "{e}");
    }

    #[test]
    fn a_panic_in_calamines_record_parser_is_an_error() {
        // A MergeCells record counting 5 ranges with no room for them:
        // calamine slices past the record and panics.
        let s = workbook(&["S"], &[number(0, 0), record(0x00E5, &[5, 0])]);
        let f = xls_with(&s);
        assert_eq!(check(&f), Ok(()));
        let e = read_xls(&f).unwrap_err();
        assert!(e.to_string().contains("damaged workbook records"), "{e}");
    }

    #[test]
    fn xls_fixture_still_reads() {
        let p = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tables/scores.xls"
        ));
        let mut rows = 0;
        let r = super::super::read(
            p,
            &super::super::schemas::SCORES,
            &ReadOptions::default(),
            &mut |_| rows += 1,
        );
        assert!(r.is_ok(), "{r:?}");
        assert!(rows > 0);
    }

    #[test]
    fn xlsx_shared_string_index_out_of_range_is_an_error() {
        // Fuzz crash: calamine panicked indexing the shared strings.
        let p = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tables/fuzz_bad_shared_string.xlsx"
        ));
        let r = super::super::read(
            p,
            &super::super::schemas::SCORES,
            &ReadOptions::default(),
            &mut |_| {},
        );
        assert!(r.is_err());
    }
}
