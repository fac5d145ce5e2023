//! The reception list (毕业初审安排, 001_… 附件1; 附件3 二 “不可以选择
//! “广州市区”作为办理毕业初审的地点”).

use serde_json::{json, Value};

use super::graduates::gender_of;
use super::input::Candidate;
use super::policy::{Office, ReceptionPolicy};
use super::{shown_id, Group, Info, Kind, Options, Roster, RosterMsg, Section, RECEPTION_COLUMNS};
use crate::finding::{Finding, Item};
use crate::text::norm;

/// Comparison form of an office name: normalised, without any spaces.
pub(crate) fn office_key(s: &str) -> String {
    norm(s).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The name without a trailing 区/县/市 (`天河区` → `天河`), at least two
/// characters left.
fn short(s: &str) -> &str {
    for suf in ['区', '县', '市'] {
        if let Some(t) = s.strip_suffix(suf) {
            if t.chars().count() >= 2 {
                return t;
            }
        }
    }
    s
}

/// How a candidate's 办理地点 resolves.
#[derive(Debug, PartialEq)]
pub(crate) enum Choice {
    Missing,
    NotAllowed,
    Unknown,
    Office(usize),
}

/// Resolves a 办理地点 against a schedule: a name of `not_allowed` (exactly,
/// after normalisation); an office's area or alias exactly; else, when
/// exactly one office fits, the area without its 区/县 suffix (`天河`) or
/// with the city in front (`广州市天河区`).
pub(crate) fn resolve(office: Option<&str>, sched: &ReceptionPolicy) -> Choice {
    let Some(v) = office.map(office_key).filter(|v| !v.is_empty()) else {
        return Choice::Missing;
    };
    if sched.not_allowed.iter().any(|n| office_key(n) == v) {
        return Choice::NotAllowed;
    }
    let names = |o: &Office| -> Vec<String> {
        std::iter::once(&o.area)
            .chain(o.aliases.iter())
            .map(|n| office_key(n))
            .collect()
    };
    if let Some(i) = sched.offices.iter().position(|o| names(o).contains(&v)) {
        return Choice::Office(i);
    }
    // Relaxed: 天河 / 广州市天河区 / 广州天河.
    let fits = |o: &Office| {
        names(o).iter().any(|n| {
            let sn = short(n);
            v == sn
                || v.strip_suffix(n.as_str())
                    .or_else(|| v.strip_suffix(sn))
                    .is_some_and(|prefix| {
                        !prefix.is_empty()
                            && (prefix.ends_with('市')
                                || prefix.ends_with('省')
                                || prefix.chars().count() <= 3)
                    })
        })
    };
    let hits: Vec<usize> = sched
        .offices
        .iter()
        .enumerate()
        .filter(|(_, o)| fits(o))
        .map(|(i, _)| i)
        .collect();
    match hits.as_slice() {
        [i] => Choice::Office(*i),
        _ => Choice::Unknown,
    }
}

/// Builds the reception list: candidates by office, in the schedule's
/// order, rows by admission number; each group carries the office's dates,
/// address, phones and hours (its own, else the schedule's general hours).
/// A candidate whose 办理地点 is missing, unknown or not allowed is left
/// off and listed with `roster.office_missing` / `office_unknown` /
/// `office_not_allowed`.
pub fn build_reception(cands: &[Candidate], sched: &ReceptionPolicy, opts: &Options) -> Roster {
    let mut r = Roster::new(Kind::Reception, RECEPTION_COLUMNS, opts);
    let areas: Vec<&str> = sched.offices.iter().map(|o| o.area.as_str()).collect();
    let mut per: Vec<Vec<&Candidate>> = vec![Vec::new(); sched.offices.len()];
    for c in cands {
        let f = match resolve(c.office.as_deref(), sched) {
            Choice::Office(i) => {
                per[i].push(c);
                continue;
            }
            Choice::Missing => Finding::error("roster.office_missing", RosterMsg::OfficeMissing)
                .expected(json!(areas)),
            Choice::NotAllowed => {
                let o = c.office.clone().unwrap_or_default();
                Finding::error(
                    "roster.office_not_allowed",
                    RosterMsg::OfficeNotAllowed { office: o.clone() },
                )
                .measured(o)
                .expected(json!(areas))
            }
            Choice::Unknown => {
                let o = c.office.clone().unwrap_or_default();
                Finding::error(
                    "roster.office_unknown",
                    RosterMsg::OfficeUnknown { office: o.clone() },
                )
                .measured(o)
                .expected(json!(areas))
            }
        };
        let mut it = Item::new("error", false)
            .key(
                "office",
                c.office.as_deref().map(Value::from).unwrap_or(Value::Null),
            )
            .key("exam_no", c.exam_no.as_str())
            .key("name", c.name.as_str());
        it.findings.push(f);
        r.excluded.push(it);
    }
    // printed dates carry the year: the schedule's batch, else the one asked for
    let year = sched
        .batch
        .as_deref()
        .and_then(|b| b.parse::<crate::date::Batch>().ok())
        .or(opts.batch)
        .map(|b| b.year);
    let with_year = |d: &String| -> String {
        match year {
            Some(y) if !d.contains('年') && d.contains('月') => format!("{y}年{d}"),
            _ => d.clone(),
        }
    };
    for (o, mut list) in sched.offices.iter().zip(per) {
        if list.is_empty() {
            continue;
        }
        list.sort_by(|a, b| a.exam_no.cmp(&b.exam_no));
        let mut info = vec![
            Info {
                key: "dates",
                zh: "日期",
                en: "Dates",
                values: o.dates.iter().map(with_year).collect(),
            },
            Info {
                key: "address",
                zh: "办理地点及要求",
                en: "Address",
                values: vec![o.address.clone()],
            },
            Info {
                key: "phones",
                zh: "联系电话",
                en: "Phone",
                values: o.phones.clone(),
            },
        ];
        if let Some(h) = o.hours.as_ref().or(sched.hours.as_ref()) {
            info.push(Info {
                key: "hours",
                zh: "办公时间",
                en: "Office hours",
                values: vec![h.clone()],
            });
        }
        info.retain(|i| i.values.iter().any(|v| !v.is_empty()));
        let rows = list
            .iter()
            .enumerate()
            .map(|(i, c)| {
                vec![
                    (i + 1).to_string(),
                    c.exam_no.clone(),
                    c.name.clone(),
                    gender_of(c),
                    shown_id(&c.id_no, opts),
                    c.major_code.clone(),
                    c.major_name.clone().unwrap_or_default(),
                    c.phone.clone().unwrap_or_default(),
                ]
            })
            .collect();
        r.groups.push(Group {
            keys: vec![("office", o.area.clone())],
            name: o.area.clone(),
            info,
            sections: vec![Section {
                keys: Vec::new(),
                rows,
            }],
        });
    }
    if let Some(t) = &sched.title {
        r.counts.push(("schedule", Value::from(t.as_str())));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    #[test]
    fn resolving_offices() {
        let p = Policy::builtin("guangdong").unwrap().reception;
        let idx = |a: &str| p.offices.iter().position(|o| o.area == a).unwrap();
        assert_eq!(resolve(Some("天河区"), &p), Choice::Office(idx("天河区")));
        assert_eq!(resolve(Some(" 天河区 "), &p), Choice::Office(idx("天河区")));
        assert_eq!(resolve(Some("天河"), &p), Choice::Office(idx("天河区")));
        assert_eq!(
            resolve(Some("广州市天河区"), &p),
            Choice::Office(idx("天河区"))
        );
        assert_eq!(
            resolve(Some("广州市番禺区"), &p),
            Choice::Office(idx("番禺区"))
        );
        assert_eq!(resolve(Some("广州市区"), &p), Choice::NotAllowed);
        assert_eq!(resolve(Some("广州市 区"), &p), Choice::NotAllowed);
        assert_eq!(resolve(Some(""), &p), Choice::Missing);
        assert_eq!(resolve(None, &p), Choice::Missing);
        assert_eq!(resolve(Some("深圳市"), &p), Choice::Unknown);
        assert_eq!(resolve(Some("福田区"), &p), Choice::Unknown);
        assert_eq!(resolve(Some("河区"), &p), Choice::Unknown);
        assert_eq!(resolve(Some("广州"), &p), Choice::Unknown);
    }
}
