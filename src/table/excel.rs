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
    Error::format(path, format!("cannot read the Excel workbook: {e}"))
}

/// The sheet to read: `--sheet` (exact, then ignoring case and spaces) or
/// the first one.
fn sheet(path: &Path, names: &[String], opts: &ReadOptions) -> Result<String> {
    match &opts.sheet {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::format(path, "the workbook has no sheets")),
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
                    // calamine's CFB reader trusts the sector numbers in the
                    // file: a crafted or damaged .xls can make it allocate
                    // terabytes (abort), index out of bounds or loop forever.
                    // The structure is checked first (found by fuzzing).
                    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
                    cfb_check(&bytes).map_err(|e| wb_error(path, e))?;
                    let mut wb =
                        Xls::new(std::io::Cursor::new(bytes)).map_err(|e| wb_error(path, e))?;
                    name = sheet(path, &wb.sheet_names(), opts)?;
                    wb.worksheet_range(&name).map_err(|e| wb_error(path, e))?
                }
                ExcelKind::Xlsb => {
                    let mut wb: Xlsb<_> = open_workbook(path).map_err(|e| wb_error(path, e))?;
                    name = sheet(path, &wb.sheet_names(), opts)?;
                    wb.worksheet_range(&name).map_err(|e| wb_error(path, e))?
                }
                _ => {
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

/// Sector numbers at or above this are special (FREESECT, ENDOFCHAIN,
/// FATSECT, DIFSECT) in a Compound File Binary (OLE2) file.
const CFB_RESERVED: u32 = 0xFFFF_FFFA;
const CFB_END_OF_CHAIN: u32 = 0xFFFF_FFFE;

fn le32(b: &[u8], i: usize) -> u32 {
    b.get(i..i + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0)
}

/// Checks that the Compound File Binary structure of an `.xls` file can be
/// read by calamine without trusting it: every sector number it will follow
/// (DIFAT, FAT, directory, mini FAT, mini stream and every stream) lies
/// inside the file, every chain ends within as many steps as there are
/// sectors (no cycle), the directory is whole, and every stream length fits
/// in the file. Files calamine rejects itself (no OLE signature, a bad
/// sector shift) are passed through for its own error message.
fn cfb_check(b: &[u8]) -> std::result::Result<(), &'static str> {
    const BAD: &str = "damaged compound file structure (sector numbers outside the file)";
    if b.len() < 512 || b[..8] != [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        return Ok(());
    }
    let ssz: usize = match u16::from_le_bytes([b[30], b[31]]) {
        9 => 512,
        12 => 4096,
        _ => return Ok(()),
    };
    if b.len() < ssz {
        return Ok(());
    }
    // calamine numbers sectors from the end of the header (one sector).
    let data = &b[ssz..];
    let nsec = data.len().div_ceil(ssz);
    let sector = |id: u32| -> std::result::Result<&[u8], &'static str> {
        let start = (id as usize).checked_mul(ssz).ok_or(BAD)?;
        if (id as usize) >= nsec {
            return Err(BAD);
        }
        Ok(&data[start..data.len().min(start + ssz)])
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
    fn chain(table: &[u32], n: usize, mut id: u32) -> std::result::Result<Vec<u32>, &'static str> {
        let mut ids = Vec::new();
        while id != CFB_END_OF_CHAIN {
            if id as usize >= n || id as usize >= table.len() || ids.len() >= n {
                return Err(BAD);
            }
            ids.push(id);
            id = table[id as usize];
        }
        Ok(ids)
    }
    let dir_ids = chain(&fat, nsec, le32(b, 48))?;
    let mut dir = Vec::new();
    for &id in &dir_ids {
        dir.extend_from_slice(sector(id)?);
    }
    let dir_len = le32(b, 40) as usize;
    if dir_len > 0 {
        dir.truncate(dir_len * ssz);
    }
    if dir.len() < 128 || dir.len() % 128 != 0 {
        return Err(BAD);
    }
    let entry_len = |e: &[u8]| -> u64 {
        if ssz == 512 {
            le32(e, 120) as u64
        } else {
            le32(e, 120) as u64 | ((le32(e, 124) as u64) << 32)
        }
    };
    let root = &dir[..128];
    let mut mini_fat = Vec::new();
    let mut mini_len = 0usize;
    if le32(b, 64) > 0 {
        let root_len = entry_len(root);
        if root_len > data.len() as u64 {
            return Err(BAD);
        }
        chain(&fat, nsec, le32(root, 116))?;
        mini_len = root_len as usize;
        for id in chain(&fat, nsec, le32(b, 60))? {
            mini_fat.extend(words(sector(id)?));
        }
    }
    let nmini = mini_len.div_ceil(64);
    for e in dir.chunks_exact(128).skip(1) {
        // Only streams (type 2) are ever looked up and read.
        if e[66] != 2 || e[..2] == [0, 0] {
            continue;
        }
        let len = entry_len(e);
        if len > data.len() as u64 {
            return Err(BAD);
        }
        if len < 4096 {
            chain(&mini_fat, nmini, le32(e, 116))?;
        } else {
            chain(&fat, nsec, le32(e, 116))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod cfb_tests {
    use super::*;

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

    /// header + FAT in sector 0 + directory in sector 1 with a root entry
    /// and a `Workbook` stream of `len` bytes starting at sector `start`.
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
        let w: Vec<u8> = "Workbook"
            .encode_utf16()
            .flat_map(|c| c.to_le_bytes())
            .collect();
        dir[128..128 + w.len()].copy_from_slice(&w);
        dir[128 + 66] = 2;
        dir[128 + 116..128 + 120].copy_from_slice(&start.to_le_bytes());
        dir[128 + 120..128 + 124].copy_from_slice(&len.to_le_bytes());
        f.extend(dir);
        f.extend(vec![0u8; 512 * 10]);
        f
    }

    #[test]
    fn sound_structure_passes() {
        assert_eq!(cfb_check(&file(2, 5120)), Ok(()));
        // Not a CFB file at all: left to calamine's own error.
        assert_eq!(cfb_check(b"not an ole file"), Ok(()));
    }

    #[test]
    fn real_xls_fixture_passes() {
        let p = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tables/scores.xls"
        );
        assert_eq!(cfb_check(&std::fs::read(p).unwrap()), Ok(()));
    }

    #[test]
    fn sector_numbers_outside_the_file_are_refused() {
        // Stream starting far past the end of the file.
        assert!(cfb_check(&file(0x00AA_AAAA, 5120)).is_err());
        // Stream longer than the file.
        assert!(cfb_check(&file(2, 1 << 30)).is_err());
        // FAT sector number outside the file (the fuzz crash: calamine
        // tried to allocate 0xAAAAAAAE00 bytes).
        let mut f = file(2, 5120);
        f[76..80].copy_from_slice(&0xAAAA_AAA9u32.to_le_bytes());
        assert!(cfb_check(&f).is_err());
        // A FAT count larger than the file.
        let mut f = file(2, 5120);
        f[44..48].copy_from_slice(&0x4000_0000u32.to_le_bytes());
        assert!(cfb_check(&f).is_err());
    }

    #[test]
    fn chain_cycles_are_refused() {
        let mut f = file(2, 5120);
        // sector 11 points back to sector 2
        let at = 512 + 11 * 4;
        f[at..at + 4].copy_from_slice(&2u32.to_le_bytes());
        assert!(cfb_check(&f).is_err());
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

    #[test]
    fn fuzz_crash_input_is_an_error_not_an_abort() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("crash.xls");
        let mut f = file(2, 5120);
        f[76..80].copy_from_slice(&0xAAAA_AAA9u32.to_le_bytes());
        std::fs::write(&p, &f).unwrap();
        let r = super::super::read(
            &p,
            &super::super::schemas::SCORES,
            &ReadOptions::default(),
            &mut |_| {},
        );
        assert!(r.is_err());
    }
}
