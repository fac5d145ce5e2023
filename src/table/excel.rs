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
            while let Some(cell) = cells.next_cell().map_err(|e| wb_error(path, e))? {
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
                    let mut wb: Xls<_> = open_workbook(path).map_err(|e| wb_error(path, e))?;
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
