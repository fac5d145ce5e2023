//! A photo folder checked against the candidate list
//! (`zikao photo check DIR --candidates FILE`, docs/photo.md "Folder
//! against the candidate list").
//!
//! The files are checked one by one as usual ([`crate::photo::check`]);
//! this module then works on the results in memory (no filesystem, apart
//! from [`read_candidates`]):
//! - each file's stem is matched to a candidate's ID number or admission
//!   number ([`names::stem_key`], [`names::id_key`]);
//! - one result per candidate (`photo.missing`, `photo.name_duplicate`,
//!   `photo.same_picture`, plus the photo's own findings) and one per file
//!   that matched no one (`photo.unlisted` or `photo.name_invalid`);
//! - the same picture filed for several candidates is found with the
//!   perceptual signatures of [`phash`], grouped without comparing every
//!   pair.

mod msg;
pub mod names;
pub mod phash;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde_json::{json, Value};

pub use msg::FolderMsg;
pub use names::{InvalidId, Junk};
pub use phash::Signature;

use crate::finding::{Finding, InputProblem, Item, Report, Severity};
use crate::table::schemas::col;
use crate::table::{self, Kind, ReadOptions, Schema};
use crate::text::norm;
use crate::Result;

/// What a photo's file name is compared with (`--name-by`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NameBy {
    /// 证件号码 only.
    Id,
    /// 准考证号 only.
    Exam,
    /// Either (the default).
    #[default]
    Auto,
}

impl NameBy {
    pub fn as_str(self) -> &'static str {
        match self {
            NameBy::Id => "id",
            NameBy::Exam => "exam",
            NameBy::Auto => "auto",
        }
    }
    fn ids(self) -> bool {
        self != NameBy::Exam
    }
    fn exams(self) -> bool {
        self != NameBy::Id
    }
}

/// One candidate of the list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Listed {
    pub exam_no: String,
    pub name: String,
    /// As written (normalised: half-width, upper-case X); may be empty.
    pub id_no: String,
    /// Row in the list (header = 1).
    pub row: usize,
}

/// The columns of the candidates table (data.md "candidates") a photo
/// folder needs: the same headers and aliases, but only 准考证号 and 姓名
/// required, so a short list (准考证号, 姓名, 证件号码) is enough. Without
/// 证件号码 files can only be named by admission number.
pub static SCHEMA: Schema = Schema {
    name: "candidates",
    zh: "申请毕业考生",
    columns: &[
        col("exam_no", "准考证号", &["考号", "准考证"], true, Kind::Code),
        col("name", "姓名", &["考生姓名"], true, Kind::Text),
        col(
            "id_no",
            "证件号码",
            &["身份证号", "身份证号码", "证件号"],
            false,
            Kind::Code,
        ),
    ],
};

/// Reads the candidate list (CSV, TSV, JSON, Excel: [`crate::table::read`]).
/// A row without admission number is an input problem; a repeated
/// admission number is one candidate (later rows ignored with a warning).
pub fn read_candidates(
    path: &Path,
    opts: &ReadOptions,
) -> Result<(Vec<Listed>, Vec<InputProblem>)> {
    let mut out: Vec<Listed> = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut reader = table::read(path, &SCHEMA, opts, &mut |row| {
        let Some(exam_no) = row.get("exam_no").map(norm).filter(|s| !s.is_empty()) else {
            problems.push(row.problem(
                "exam_no",
                Severity::Error,
                "photo.list",
                FolderMsg::NoExamNo,
            ));
            return;
        };
        let key = names::stem_key(&exam_no);
        if let Some(first) = seen.get(&key) {
            problems.push(row.problem(
                "exam_no",
                Severity::Warning,
                "photo.list",
                FolderMsg::ListedTwice {
                    exam_no: exam_no.clone(),
                    first_row: *first,
                },
            ));
            return;
        }
        seen.insert(key, row.row);
        out.push(Listed {
            exam_no,
            name: row.get("name").map(norm).unwrap_or_default(),
            id_no: row
                .get("id_no")
                .map(crate::idno::normalize)
                .unwrap_or_default(),
            row: row.row,
        });
    })?;
    reader.append(&mut problems);
    Ok((out, reader))
}

/// Options of the matching.
#[derive(Clone, Debug, Default)]
pub struct FolderOptions {
    pub name_by: NameBy,
    /// Print ID numbers in full (default: masked as on rosters).
    pub unmask: bool,
    /// The candidate list's file, named by the `table.unmatched_rows`
    /// problem when file names match the list only with leading zeros.
    pub list_file: std::path::PathBuf,
}

/// Which candidates a file stem names (indices into the list).
struct Index {
    by_id: HashMap<String, Vec<usize>>,
    by_exam: HashMap<String, Vec<usize>>,
    /// Numeric keys (all digits) for the spreadsheet-damage look-up.
    numeric: BTreeMap<u128, Vec<usize>>,
    /// First 15 characters of 18-character ID keys.
    id15: HashMap<String, Vec<usize>>,
    name_by: NameBy,
}

impl Index {
    fn new(list: &[Listed], name_by: NameBy) -> Index {
        let mut ix = Index {
            by_id: HashMap::new(),
            by_exam: HashMap::new(),
            numeric: BTreeMap::new(),
            id15: HashMap::new(),
            name_by,
        };
        for (i, c) in list.iter().enumerate() {
            if name_by.ids() && !c.id_no.is_empty() {
                let k = names::id_key(&c.id_no);
                if let Ok(v) = k.parse::<u128>() {
                    ix.numeric.entry(v).or_default().push(i);
                }
                if k.len() == 18 {
                    ix.id15.entry(k[..15].to_string()).or_default().push(i);
                }
                ix.by_id.entry(k).or_default().push(i);
            }
            if name_by.exams() {
                let k = names::stem_key(&c.exam_no);
                if let Ok(v) = k.parse::<u128>() {
                    ix.numeric.entry(v).or_default().push(i);
                }
                ix.by_exam.entry(k).or_default().push(i);
            }
        }
        ix
    }

    fn find(&self, stem: &str) -> Vec<usize> {
        let mut out = Vec::new();
        if self.name_by.ids() {
            if let Some(v) = self.by_id.get(&names::id_key(stem)) {
                out.extend(v);
            }
        }
        if self.name_by.exams() {
            if let Some(v) = self.by_exam.get(&names::stem_key(stem)) {
                out.extend(v);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The candidates a damaged stem (key form) can stand for.
    fn could_be(&self, key: &str, why: &InvalidId) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        match why {
            InvalidId::Scientific { lo, hi } => {
                for (_, v) in self.numeric.range(*lo..=*hi) {
                    out.extend(v);
                }
            }
            _ => {
                let b = key.as_bytes();
                let mut probe = |s: &[u8]| {
                    if let Ok(s) = std::str::from_utf8(s) {
                        for map in [&self.by_id, &self.by_exam] {
                            if let Some(v) = map.get(s) {
                                out.extend(v);
                            }
                        }
                    }
                };
                let mut v = b.to_vec();
                for i in 0..b.len() {
                    for c in b"0123456789X" {
                        if *c != b[i] {
                            v[i] = *c;
                            probe(&v);
                        }
                    }
                    v[i] = b[i];
                }
                for i in 0..b.len().saturating_sub(1) {
                    if b[i] != b[i + 1] {
                        v.swap(i, i + 1);
                        probe(&v);
                        v.swap(i, i + 1);
                    }
                }
                if b.len() == 18 && key.ends_with("000") {
                    if let Some(l) = self.id15.get(&key[..15]) {
                        out.extend(l);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// A candidate as named in messages: `准考证号 姓名`.
fn who(c: &Listed) -> String {
    format!("{} {}", c.exam_no, c.name).trim().to_string()
}

fn path_of(item: &Item) -> String {
    item.get("path")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn stem_of(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Builds the folder report from a `photo check` report (one item per
/// checked file, with a `path` key) and the files' signatures (aligned
/// with `checked.results`; `None` when a file could not be decoded),
/// against the candidate list. `list_problems` (reading the list) are
/// added to the input problems.
pub fn match_folder(
    checked: Report,
    signatures: Vec<Option<Signature>>,
    list: &[Listed],
    list_problems: Vec<InputProblem>,
    opts: &FolderOptions,
) -> Report {
    let files = checked.results;
    let m = Matching::new(&files, list, opts);
    let same = same_pictures(&signatures, &m.owners, list);

    let mut report = Report::new("photo check");
    let (mut compliant, mut failing, mut none) = (0usize, 0usize, 0usize);
    for (c, cand) in list.iter().enumerate() {
        let it = candidate_item(c, cand, &files, &m, &same.others[c], list, opts);
        match (m.of_cand[c].is_empty(), it.ok) {
            (true, _) => none += 1,
            (false, true) => compliant += 1,
            (false, false) => failing += 1,
        }
        report.results.push(it);
    }
    let (mut unlisted, mut n_invalid) = (0usize, 0usize);
    for (f, file) in files.iter().enumerate() {
        if !m.owners[f].is_empty() {
            continue;
        }
        match m.invalid.get(&f) {
            Some(_) => n_invalid += 1,
            None => unlisted += 1,
        }
        report.results.push(unmatched_item(f, file, &m, list));
    }

    let matched = m.owners.iter().filter(|o| !o.is_empty()).count();
    let skipped = checked.input_errors.len();
    report.input_errors = list_problems;
    report
        .input_errors
        .extend(lost_zeros(&m.paths, &m.owners, list, opts));
    report.input_errors.extend(checked.input_errors);
    report.summary_extra = checked.summary_extra;
    report.summary_extra.push((
        "candidates",
        json!({"total": list.len(), "compliant": compliant, "failing": failing, "none": none}),
    ));
    report.summary_extra.push((
        "files",
        json!({"checked": files.len(), "matched": matched, "unlisted": unlisted,
               "name_invalid": n_invalid, "skipped": skipped}),
    ));
    report
        .summary_extra
        .push(("same_picture_groups", json!(same.groups)));
    report
        .summary_extra
        .push(("name_by", json!(opts.name_by.as_str())));
    report
}

/// Which files name which candidates.
struct Matching {
    /// Each file's path.
    paths: Vec<String>,
    /// File -> the candidates its name stands for.
    owners: Vec<Vec<usize>>,
    /// Candidate -> its files.
    of_cand: Vec<Vec<usize>>,
    /// Files named by a damaged ID number: why, and the one candidate it
    /// can stand for.
    invalid: HashMap<usize, (InvalidId, Option<usize>)>,
    /// Candidate without a file -> the badly named file probably theirs.
    probable: HashMap<usize, String>,
}

impl Matching {
    fn new(files: &[Item], list: &[Listed], opts: &FolderOptions) -> Matching {
        let ix = Index::new(list, opts.name_by);
        let paths: Vec<String> = files.iter().map(path_of).collect();
        let mut owners: Vec<Vec<usize>> = Vec::with_capacity(files.len());
        let mut of_cand: Vec<Vec<usize>> = vec![Vec::new(); list.len()];
        for (f, p) in paths.iter().enumerate() {
            let o = ix.find(&stem_of(p));
            for &c in &o {
                of_cand[c].push(f);
            }
            owners.push(o);
        }
        // unmatched files: a damaged ID number, or unlisted
        let mut invalid = HashMap::new();
        let mut probable = HashMap::new();
        for (f, p) in paths.iter().enumerate() {
            if !owners[f].is_empty() {
                continue;
            }
            let key = names::stem_key(&stem_of(p));
            let why = match names::invalid_id(&key) {
                Some(w @ InvalidId::Scientific { .. }) => w,
                Some(w) if opts.name_by.ids() => w,
                _ => continue,
            };
            let cands = ix.could_be(&key, &why);
            let one = (cands.len() == 1).then(|| cands[0]);
            if let Some(c) = one {
                if of_cand[c].is_empty() {
                    probable.entry(c).or_insert_with(|| p.clone());
                }
            }
            invalid.insert(f, (why, one));
        }
        Matching {
            paths,
            owners,
            of_cand,
            invalid,
            probable,
        }
    }
}

/// The same picture filed for several persons.
struct SamePictures {
    /// Candidate -> the other candidates with the same picture.
    others: Vec<BTreeMap<usize, ()>>,
    /// How many groups of files that span two persons or more.
    groups: usize,
}

fn same_pictures(
    signatures: &[Option<Signature>],
    owners: &[Vec<usize>],
    list: &[Listed],
) -> SamePictures {
    let mut same: Vec<BTreeMap<usize, ()>> = vec![BTreeMap::new(); list.len()];
    let mut groups_flagged = 0usize;
    for g in phash::groups(signatures) {
        // persons: one candidate list entry each (same ID = same person)
        let cands: Vec<usize> = {
            let mut v: Vec<usize> = g.iter().flat_map(|&f| owners[f].iter().copied()).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let persons: HashSet<String> = cands
            .iter()
            .map(|&c| {
                if list[c].id_no.is_empty() {
                    format!("exam:{}", names::stem_key(&list[c].exam_no))
                } else {
                    format!("id:{}", names::id_key(&list[c].id_no))
                }
            })
            .collect();
        if persons.len() < 2 {
            continue;
        }
        groups_flagged += 1;
        for &c in &cands {
            for &o in &cands {
                if o != c {
                    same[c].insert(o, ());
                }
            }
        }
    }
    SamePictures {
        others: same,
        groups: groups_flagged,
    }
}

/// The ID number as shown: masked unless `--unmask`.
fn shown_id(c: &Listed, opts: &FolderOptions) -> Value {
    if c.id_no.is_empty() {
        Value::Null
    } else if opts.unmask {
        Value::from(c.id_no.as_str())
    } else {
        Value::from(crate::idno::mask(&c.id_no))
    }
}

/// The result of candidate `c`: `photo.missing`, or their photo's
/// findings with `photo.name_duplicate` and `photo.same_picture`.
fn candidate_item(
    c: usize,
    cand: &Listed,
    files: &[Item],
    m: &Matching,
    same: &BTreeMap<usize, ()>,
    list: &[Listed],
    opts: &FolderOptions,
) -> Item {
    let fs = &m.of_cand[c];
    let paths = &m.paths;
    let mut findings = Vec::new();
    let mut extra: Vec<(&'static str, Value)> = Vec::new();
    let mut photo_ok = false;
    if fs.is_empty() {
        let mut accepted = Vec::new();
        if opts.name_by.ids() && !cand.id_no.is_empty() {
            accepted.push(if opts.unmask {
                cand.id_no.clone()
            } else {
                crate::idno::mask(&cand.id_no)
            });
        }
        if opts.name_by.exams() {
            accepted.push(cand.exam_no.clone());
        }
        let accepted: Vec<String> = accepted.iter().map(|s| format!("{s}.jpg")).collect();
        findings.push(
            Finding::error(
                "photo.missing",
                FolderMsg::Missing {
                    names: accepted.join(" / "),
                    probable: m.probable.get(&c).cloned(),
                },
            )
            .measured(Value::Null)
            .expected(json!(accepted)),
        );
    } else {
        if fs.len() > 1 {
            let ps: Vec<String> = fs.iter().map(|&f| paths[f].clone()).collect();
            findings.push(
                Finding::error(
                    "photo.name_duplicate",
                    FolderMsg::NameDuplicate { paths: ps.clone() },
                )
                .measured(json!(ps))
                .expected(1),
            );
            extra.push((
                "files",
                Value::Array(
                    fs.iter()
                        .map(|&f| {
                            json!({"path": paths[f], "verdict": files[f].verdict,
                                   "codes": files[f].codes().collect::<Vec<_>>()})
                        })
                        .collect(),
                ),
            ));
        }
        if !same.is_empty() {
            let others: Vec<String> = same.keys().map(|&o| who(&list[o])).collect();
            let other_paths: Vec<String> = same
                .keys()
                .flat_map(|&o| m.of_cand[o].iter().map(|&f| paths[f].clone()))
                .collect();
            findings.push(
                Finding::error(
                    "photo.same_picture",
                    FolderMsg::SamePicture {
                        others: others.clone(),
                    },
                )
                .measured(json!({"candidates": others, "paths": other_paths}))
                .expected("one picture per candidate"),
            );
        }
        let first = &files[fs[0]];
        photo_ok = first.ok;
        findings.extend(first.findings.iter().cloned());
        extra.extend(first.extra.iter().cloned());
    }
    let ok = photo_ok && !findings.iter().any(|f| f.severity == Severity::Error);
    let mut it = Item::new(if ok { "pass" } else { "fail" }, ok)
        .key("exam_no", cand.exam_no.as_str())
        .key("name", cand.name.as_str())
        .key("id_no", shown_id(cand, opts))
        .key(
            "path",
            fs.first()
                .map(|&f| Value::from(paths[f].as_str()))
                .unwrap_or(Value::Null),
        );
    it.findings = findings;
    it.extra = extra;
    it
}

/// The result of file `f`, which names no candidate: `photo.name_invalid`
/// (a damaged ID number, with the candidate it probably stands for) or
/// `photo.unlisted`, then the photo's own findings.
fn unmatched_item(f: usize, file: &Item, m: &Matching, list: &[Listed]) -> Item {
    let stem = stem_of(&m.paths[f]);
    let head = match m.invalid.get(&f) {
        Some((why, one)) => {
            let suggestion = one.map(|c| who(&list[c]));
            Finding::error(
                "photo.name_invalid",
                FolderMsg::NameInvalid {
                    stem: stem.clone(),
                    why: why.clone(),
                    suggestion: suggestion.clone(),
                },
            )
            .measured(stem.as_str())
            .expected(match (suggestion, *one) {
                (Some(_), Some(c)) => {
                    json!({"candidate": list[c].exam_no, "name": list[c].name})
                }
                _ => Value::Null,
            })
        }
        None => Finding::error("photo.unlisted", FolderMsg::Unlisted { stem: stem.clone() })
            .measured(stem.as_str()),
    };
    let mut it = Item::new("fail", false)
        .key("exam_no", Value::Null)
        .key("name", Value::Null)
        .key("id_no", Value::Null)
        .key("path", m.paths[f].as_str());
    it.findings.push(head);
    it.findings.extend(file.findings.iter().cloned());
    it.extra = file.extra.clone();
    it
}

/// The `table.unmatched_rows` error when unmatched files are named after
/// a listed exam number with leading zeros the list's numbers have lost
/// (`0440….jpg` against `440…`: the list went through Excel as numbers).
fn lost_zeros(
    paths: &[String],
    owners: &[Vec<usize>],
    list: &[Listed],
    opts: &FolderOptions,
) -> Option<InputProblem> {
    if !opts.name_by.exams() {
        return None;
    }
    let keys: Vec<String> = list.iter().map(|c| names::stem_key(&c.exam_no)).collect();
    let lost = crate::table::unmatched::LostZeros::new(keys.iter().map(String::as_str));
    let files: Vec<String> = paths
        .iter()
        .zip(owners)
        .filter(|(_, o)| o.is_empty())
        .map(|(p, _)| names::stem_key(&stem_of(p)))
        .filter(|k| k.starts_with('0') && lost.matches(k))
        .collect();
    let first = files.first()?;
    Some(InputProblem {
        file: opts.list_file.clone(),
        row: None,
        column: Some("准考证号".into()),
        severity: Severity::Error,
        code: "table.unmatched_rows",
        message: FolderMsg::ListLostZeros {
            count: files.len(),
            example: first.clone(),
        }
        .into(),
    })
}

#[cfg(test)]
mod tests;
