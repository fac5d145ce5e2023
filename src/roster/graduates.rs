//! The graduates roster (花名册, 004_… 附件1 step 5 “各主考院校花名册”).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::input::{major_key, Candidate, EligEntry, Eligibility};
use super::{
    shown_id, Group, Kind, Options, Roster, RosterMsg, Section, GRADUATES_COLUMNS,
    GRADUATES_PHOTO_COLUMNS,
};
use crate::finding::{Finding, InputProblem, Item, Severity};
use crate::idno::{self, Gender, IdType};

/// The printed gender: 男/女 from the 性别 column, else from a GB 11643
/// identity number (17th digit), else the cell as it is.
pub(crate) fn gender_of(c: &Candidate) -> String {
    if let Some(g) = &c.gender {
        return Gender::parse(g)
            .map(|g| g.zh().to_string())
            .unwrap_or_else(|| g.clone());
    }
    if IdType::parse(c.id_type.as_deref()).uses_gb11643() {
        if let Ok(id) = idno::parse(&c.id_no, chrono::NaiveDate::MAX) {
            return id.gender.zh().to_string();
        }
    }
    String::new()
}

/// The eligibility result for a candidate: the entry with the same
/// admission number and major, else one with the same admission number that
/// names no major.
fn find<'a>(by_no: &HashMap<&str, Vec<&'a EligEntry>>, c: &Candidate) -> Option<&'a EligEntry> {
    let list = by_no.get(c.exam_no.as_str())?;
    let mk = major_key(&c.major_code);
    list.iter()
        .find(|e| e.major_code.as_deref().map(major_key).as_deref() == Some(mk.as_str()))
        .or_else(|| list.iter().find(|e| e.major_code.is_none()))
        .copied()
}

/// Builds the graduates roster from candidates and (when given) the
/// eligibility result. Without an eligibility result every candidate is
/// listed (the candidates table is the list).
pub fn build_graduates(cands: &[Candidate], elig: Option<&Eligibility>, opts: &Options) -> Roster {
    let columns = if opts.photos.is_some() {
        GRADUATES_PHOTO_COLUMNS
    } else {
        GRADUATES_COLUMNS
    };
    let mut r = Roster::new(Kind::Graduates, columns, opts);
    let mut without_photo = 0usize;
    let mut by_no: HashMap<&str, Vec<&EligEntry>> = HashMap::new();
    if let Some(e) = elig {
        r.input_errors.extend(e.problems.iter().cloned());
        for en in &e.entries {
            by_no.entry(en.exam_no.as_str()).or_default().push(en);
        }
    }
    let mut used: HashSet<usize> = HashSet::new();
    // school -> major key -> rows of (candidate, entry)
    type Listed<'a> = Vec<(&'a Candidate, Option<&'a EligEntry>)>;
    let mut groups: BTreeMap<String, BTreeMap<String, Listed<'_>>> = BTreeMap::new();
    for c in cands {
        let entry = if elig.is_some() {
            let e = find(&by_no, c);
            if let Some(e) = e {
                used.insert(e.index);
            }
            match e {
                Some(e) if e.verdict == "eligible" => Some(Some(e)),
                Some(e) => {
                    r.excluded.push(excluded(c, Some(&e.verdict)));
                    None
                }
                None => {
                    r.excluded.push(excluded(c, None));
                    None
                }
            }
        } else {
            Some(None)
        };
        if let Some(e) = entry {
            groups
                .entry(c.school.clone())
                .or_default()
                .entry(major_key(&c.major_code))
                .or_default()
                .push((c, e));
        }
    }
    if let Some(e) = elig {
        for en in &e.entries {
            if !used.contains(&en.index) && en.verdict == "eligible" {
                r.input_errors.push(InputProblem {
                    file: e.path.clone(),
                    row: Some(en.index),
                    column: Some("exam_no".into()),
                    severity: Severity::Error,
                    code: "roster.not_in_candidates",
                    message: RosterMsg::EligibleNotInCandidates {
                        exam_no: en.exam_no.clone(),
                    }
                    .into(),
                });
            }
        }
    }
    for (_, majors) in groups {
        // as written in the candidates table (groups are keyed normalised)
        let school = majors
            .values()
            .next()
            .map(|v| v[0].0.school.clone())
            .unwrap_or_default();
        let mut g = Group {
            keys: vec![("school", school.clone())],
            name: if school.is_empty() {
                "（未填写主考学校）".to_string()
            } else {
                school
            },
            info: Vec::new(),
            sections: Vec::new(),
        };
        let mut no = 0usize;
        for (_, mut rows) in majors {
            rows.sort_by(|a, b| a.0.exam_no.cmp(&b.0.exam_no));
            let (c0, e0) = rows[0];
            let major_name = c0
                .major_name
                .clone()
                .or_else(|| e0.and_then(|e| e.major_name.clone()))
                .unwrap_or_default();
            let level = c0
                .level
                .clone()
                .or_else(|| e0.and_then(|e| e.level.clone()))
                .unwrap_or_default();
            let mut s = Section {
                keys: vec![
                    ("major_code", c0.major_code.clone()),
                    ("major_name", major_name.clone()),
                    ("level", level.clone()),
                ],
                rows: Vec::new(),
            };
            for (c, e) in rows {
                no += 1;
                let photo = opts.photos.as_ref().map(|p| p.status(&c.exam_no));
                if photo
                    .as_ref()
                    .is_some_and(|s| *s != super::photos::PhotoStatus::Compliant)
                {
                    without_photo += 1;
                }
                let mut row = vec![
                    no.to_string(),
                    c.exam_no.clone(),
                    c.name.clone(),
                    gender_of(c),
                    shown_id(&c.id_no, opts),
                    c.major_code.clone(),
                    c.major_name
                        .clone()
                        .or_else(|| e.and_then(|e| e.major_name.clone()))
                        .unwrap_or_else(|| major_name.clone()),
                    c.level
                        .clone()
                        .or_else(|| e.and_then(|e| e.level.clone()))
                        .unwrap_or_else(|| level.clone()),
                ];
                if let Some(p) = photo {
                    row.push(p.cell());
                }
                s.rows.push(row);
            }
            g.sections.push(s);
        }
        r.groups.push(g);
    }
    r.counts.push((
        "source",
        Value::from(if elig.is_some() {
            "eligibility"
        } else {
            "list"
        }),
    ));
    if let Some(p) = &opts.photos {
        r.counts
            .push(("without_compliant_photo", Value::from(without_photo)));
        r.counts
            .push(("photos", Value::from(p.path.display().to_string())));
    }
    r
}

fn excluded(c: &Candidate, verdict: Option<&str>) -> Item {
    // Leaving off an audited, not eligible candidate is the roster doing
    // its job (information, exit 0); a candidate missing from the audit
    // result is a real mismatch of the inputs (error, exit 1).
    let (f, it) = match verdict {
        Some(v) => (
            Finding::info(
                "roster.not_eligible",
                RosterMsg::NotEligible {
                    verdict: v.to_string(),
                },
            )
            .measured(v),
            Item::new("not_listed", true),
        ),
        None => (
            Finding::error("roster.not_eligible", RosterMsg::NotAudited).measured("absent"),
            Item::new("error", false),
        ),
    };
    let f = f.expected("eligible");
    let mut it = it
        .key("school", c.school.as_str())
        .key("major_code", c.major_code.as_str())
        .key("exam_no", c.exam_no.as_str())
        .key("name", c.name.as_str());
    it.findings.push(f);
    it
}
