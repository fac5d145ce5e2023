//! The exemption summary (免试申请汇总表, 004_… 三: “按申请专业对应的主考院校
//! 分类打印三份免试申请汇总表上报……免试申请表由我院、主考院校和市考试机构分别留存”).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde_json::Value;

use super::input::{major_key, Candidate, Exemption, Exemptions};
use super::{shown_id, Group, Kind, Options, Roster, Section, EXEMPTIONS_COLUMNS};

/// A date of the table reader (`YYYY-MM` taken as the first of the month).
fn date_of(s: &str) -> Option<NaiveDate> {
    crate::date::DateVal::parse(s).map(|d| d.range().0)
}

/// Builds the exemption summary: the approved exemptions of the candidates
/// (a row whose candidate is not in the candidates table is not listed and
/// is counted in `not_candidates`), grouped by the candidate's main exam
/// school, rows by admission number and course.
pub fn build_exemptions(cands: &[Candidate], ex: &Exemptions, opts: &Options) -> Roster {
    let mut r = Roster::new(Kind::Exemptions, EXEMPTIONS_COLUMNS, opts);
    r.input_errors.extend(ex.problems.iter().cloned());
    let mut by_no: HashMap<&str, Vec<&Candidate>> = HashMap::new();
    for c in cands {
        by_no.entry(c.exam_no.as_str()).or_default().push(c);
    }
    let mut not_candidates = 0usize;
    let mut outside = 0usize;
    let mut groups: BTreeMap<String, Vec<(&Candidate, &Exemption)>> = BTreeMap::new();
    for e in &ex.approved {
        let Some(list) = by_no.get(e.exam_no.as_str()) else {
            not_candidates += 1;
            continue;
        };
        if opts.approved_from.is_some() || opts.approved_to.is_some() {
            let inside = date_of(&e.approved_date).is_some_and(|d| {
                opts.approved_from.is_none_or(|f| d >= f) && opts.approved_to.is_none_or(|t| d <= t)
            });
            if !inside {
                outside += 1;
                continue;
            }
        }
        // The application whose major the row names, else the first one.
        let c = e
            .major_code
            .as_deref()
            .and_then(|m| {
                let mk = major_key(m);
                list.iter().find(|c| major_key(&c.major_code) == mk)
            })
            .unwrap_or(&list[0]);
        groups
            .entry(crate::text::norm(&c.school))
            .or_default()
            .push((c, e));
    }
    for (_, mut rows) in groups {
        let school = rows[0].0.school.clone();
        rows.sort_by(|a, b| {
            (a.0.exam_no.as_str(), a.1.course_code.as_str())
                .cmp(&(b.0.exam_no.as_str(), b.1.course_code.as_str()))
        });
        let s = Section {
            keys: Vec::new(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, (c, e))| {
                    vec![
                        (i + 1).to_string(),
                        c.exam_no.clone(),
                        c.name.clone(),
                        shown_id(&c.id_no, opts),
                        c.major_code.clone(),
                        c.major_name.clone().unwrap_or_default(),
                        e.course_code.clone(),
                        e.course_name.clone().unwrap_or_default(),
                        e.certificate.clone().unwrap_or_default(),
                        e.approved_date.clone(),
                    ]
                })
                .collect(),
        };
        r.groups.push(Group {
            keys: vec![("school", school.clone())],
            name: if school.is_empty() {
                "（未填写主考学校）".to_string()
            } else {
                school
            },
            info: Vec::new(),
            sections: vec![s],
        });
    }
    r.counts
        .push(("not_approved", Value::from(ex.not_approved)));
    r.counts
        .push(("not_candidates", Value::from(not_candidates)));
    if opts.approved_from.is_some() || opts.approved_to.is_some() {
        r.counts.push(("outside_dates", Value::from(outside)));
    }
    r
}
