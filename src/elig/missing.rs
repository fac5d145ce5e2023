//! The what-is-left (毕业预测) view of one candidate, kept compact (course
//! ids and numbers) and turned into JSON only when the report is rendered.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::finding::LazyJson;

use super::engine::round1;
use super::load::ScoreValue;
use super::plan::{Plan, Plans};

/// A required course (or course group) not yet passed.
#[derive(Debug)]
pub(crate) struct ReqGap {
    /// Index into the variant's `required`.
    pub ri: usize,
    /// Best result so far of each course of the group (`any_of` order).
    pub best: Vec<Option<ScoreValue>>,
    /// Records of the group that do not count, as labels.
    pub not_counted: Vec<String>,
}

/// What is left for one candidate (docs/eligibility.md, "missing").
#[derive(Debug)]
pub(crate) struct MissingView {
    pub plans: Arc<Plans>,
    pub plan: usize,
    pub variant: usize,
    pub required: Vec<ReqGap>,
    /// Additional courses due, with their best result so far.
    pub additional: Vec<(u32, Option<ScoreValue>)>,
    pub el_credits_short: f64,
    pub el_count_short: u32,
    pub add_count_short: u32,
    pub add_credits_short: f64,
    pub total: f64,
    pub total_short: f64,
    /// Records waiting for a person: (label, reason code).
    pub pending: Vec<(String, &'static str)>,
}

/// A course as JSON: `code`, `name`, `credits`, then `category` for a
/// required course, its best result so far, and for a group the group
/// label and its courses.
struct CourseJson<'a> {
    plans: &'a Plans,
    plan: &'a Plan,
    id: u32,
    category: Option<&'static str>,
    best: Option<ScoreValue>,
    /// (group label, its courses with their best results)
    group: Option<(&'a Option<String>, Vec<CourseJson<'a>>)>,
    not_counted: &'a [String],
}

impl<'a> CourseJson<'a> {
    fn plain(plans: &'a Plans, plan: &'a Plan, id: u32, best: Option<ScoreValue>) -> Self {
        CourseJson {
            plans,
            plan,
            id,
            category: None,
            best,
            group: None,
            not_counted: &[],
        }
    }
}

impl Serialize for CourseJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("code", self.plans.courses.code(self.id))?;
        m.serialize_entry("name", self.plan.course_name(self.id))?;
        m.serialize_entry("credits", &self.plan.credits(self.id))?;
        if let Some(c) = self.category {
            m.serialize_entry("category", c)?;
        }
        if let Some(b) = self.best {
            m.serialize_entry("best", &b.show())?;
        }
        if let Some((label, alternatives)) = &self.group {
            m.serialize_entry("group", label)?;
            m.serialize_entry("alternatives", alternatives)?;
        }
        if !self.not_counted.is_empty() {
            m.serialize_entry("not_counted", self.not_counted)?;
        }
        m.end()
    }
}

/// A record waiting for a person.
#[derive(serde::Serialize)]
struct PendingJson<'a> {
    record: &'a str,
    reason: &'static str,
}

/// Serialised directly (no JSON tree), in the order of docs/eligibility.md:
/// `required`, the elective, additional and total shortfalls, then `track`
/// for a plan with tracks and `pending` when records wait for a person.
impl Serialize for MissingView {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let plans = &*self.plans;
        let p = &plans.plans[self.plan];
        let v = &p.variants[self.variant];
        let required: Vec<CourseJson<'_>> = self
            .required
            .iter()
            .map(|g| {
                let r = &v.required[g.ri];
                CourseJson {
                    category: Some(r.category.zh()),
                    best: g.best.first().copied().flatten(),
                    group: (r.any_of.len() > 1).then(|| {
                        (
                            &r.label,
                            r.any_of
                                .iter()
                                .zip(&g.best)
                                .map(|(&i, b)| CourseJson::plain(plans, p, i, *b))
                                .collect(),
                        )
                    }),
                    not_counted: &g.not_counted,
                    ..CourseJson::plain(plans, p, r.any_of[0], None)
                }
            })
            .collect();
        let additional: Vec<CourseJson<'_>> = self
            .additional
            .iter()
            .map(|&(i, b)| CourseJson::plain(plans, p, i, b))
            .collect();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("required", &required)?;
        m.serialize_entry("elective_credits_short", &round1(self.el_credits_short))?;
        m.serialize_entry("elective_count_short", &self.el_count_short)?;
        m.serialize_entry("additional", &additional)?;
        m.serialize_entry("additional_count_short", &self.add_count_short)?;
        m.serialize_entry("additional_credits_short", &round1(self.add_credits_short))?;
        m.serialize_entry("total_credits", &round1(self.total))?;
        m.serialize_entry("total_credits_short", &round1(self.total_short))?;
        if p.variants.len() > 1 {
            m.serialize_entry("track", &v.label)?;
        }
        if !self.pending.is_empty() {
            let pending: Vec<PendingJson<'_>> = self
                .pending
                .iter()
                .map(|(record, reason)| PendingJson { record, reason })
                .collect();
            m.serialize_entry("pending", &pending)?;
        }
        m.end()
    }
}

impl LazyJson for MissingView {
    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    fn write_json(&self, level: usize, out: &mut Vec<u8>) -> std::io::Result<()> {
        crate::finding::pretty_at(self, level, out)
    }

    fn compact_json(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elig::plan::{Category, Requirement, Variant};
    use serde_json::json;

    fn course_json(plan: &Plan, plans: &Plans, id: u32) -> Value {
        json!({"code": plans.courses.code(id), "name": plan.course_name(id), "credits": plan.credits(id)})
    }

    /// The view as a JSON tree, built the plain way: the oracle for the
    /// direct serialisation.
    fn tree(m: &MissingView) -> Value {
        let plans = &*m.plans;
        let p = &plans.plans[m.plan];
        let v = &p.variants[m.variant];
        let course = |id: u32, best: Option<ScoreValue>| {
            let mut o = course_json(p, plans, id);
            if let Some(b) = best {
                o["best"] = json!(b.show());
            }
            o
        };
        let req: Vec<Value> = m
            .required
            .iter()
            .map(|g| {
                let r = &v.required[g.ri];
                let mut o = course_json(p, plans, r.any_of[0]);
                o["category"] = json!(r.category.zh());
                if let Some(b) = g.best.first().copied().flatten() {
                    o["best"] = json!(b.show());
                }
                if r.any_of.len() > 1 {
                    o["group"] = json!(r.label);
                    o["alternatives"] = Value::Array(
                        r.any_of
                            .iter()
                            .zip(&g.best)
                            .map(|(&i, b)| course(i, *b))
                            .collect(),
                    );
                }
                if !g.not_counted.is_empty() {
                    o["not_counted"] = json!(g.not_counted);
                }
                o
            })
            .collect();
        let add: Vec<Value> = m.additional.iter().map(|&(i, b)| course(i, b)).collect();
        let mut o = json!({
            "required": req,
            "elective_credits_short": round1(m.el_credits_short),
            "elective_count_short": m.el_count_short,
            "additional": add,
            "additional_count_short": m.add_count_short,
            "additional_credits_short": round1(m.add_credits_short),
            "total_credits": round1(m.total),
            "total_credits_short": round1(m.total_short),
        });
        if p.variants.len() > 1 {
            o["track"] = json!(v.label);
        }
        if !m.pending.is_empty() {
            o["pending"] = Value::Array(
                m.pending
                    .iter()
                    .map(|(label, reason)| json!({"record": label, "reason": reason}))
                    .collect(),
            );
        }
        o
    }

    fn plans() -> Plans {
        let mut plans = Plans::default();
        let mut courses = crate::elig::plan::CourseMap::default();
        for (code, name, credits) in [
            ("00015", "英语（二）", 14.0),
            ("03708", "中国近现代史纲要", 2.0),
            ("00018", "计算机应用基础", 2.5),
            ("00019", "计算机应用基础（实践）", 1.0),
        ] {
            let id = plans.courses.intern(code);
            courses.insert(
                id,
                crate::elig::plan::Course {
                    name: name.into(),
                    credits,
                    category: Category::Required,
                },
            );
        }
        let id = |c: &str| plans.courses.get(c).unwrap();
        let req = |codes: &[&str], label: Option<&str>| Requirement {
            label: label.map(String::from),
            any_of: codes.iter().map(|c| id(c)).collect(),
            category: Category::Required,
        };
        let variant = |label: &str| Variant {
            label: Some(label.into()),
            required: vec![
                req(&["03708"], None),
                req(&["00018", "00019"], Some("计算机\"组\"")),
            ],
            ..Default::default()
        };
        let plan = Plan {
            major_code: "A100".into(),
            major_name: "会计".into(),
            level: None,
            schools: vec![],
            pass_mark: None,
            courses,
            variants: vec![variant("选外语"), variant("不选外语")],
            errors: vec![],
        };
        plans.plans.push(plan);
        plans
    }

    #[test]
    fn direct_json_equals_the_tree() {
        let plans = Arc::new(plans());
        let full = MissingView {
            plans: plans.clone(),
            plan: 0,
            variant: 1,
            required: vec![
                ReqGap {
                    ri: 0,
                    best: vec![Some(ScoreValue::Num(455))],
                    not_counted: vec!["03708 免考 2022-05-10".into()],
                },
                ReqGap {
                    ri: 1,
                    best: vec![None, Some(ScoreValue::Fail)],
                    not_counted: vec![],
                },
            ],
            additional: vec![(0, Some(ScoreValue::Pass)), (1, None)],
            el_credits_short: 4.5,
            el_count_short: 2,
            add_count_short: 1,
            add_credits_short: 0.0,
            total: 70.25,
            total_short: 0.0,
            pending: vec![("00015 转档".into(), "elig.transfer")],
        };
        // one track, nothing left
        let mut empty = without_lists(&full);
        empty.plans = Arc::new(Plans {
            plans: vec![Plan {
                variants: plans.plans[0].variants[..1].to_vec(),
                ..plans.plans[0].clone()
            }],
            ..(*plans).clone()
        });
        empty.variant = 0;
        for m in [&full, &empty] {
            let t = tree(m);
            assert_eq!(m.to_value(), t);
            for level in [0, 3] {
                let mut direct = Vec::new();
                m.write_json(level, &mut direct).unwrap();
                let mut plain = Vec::new();
                crate::finding::pretty_at(&t, level, &mut plain).unwrap();
                assert_eq!(
                    String::from_utf8(direct).unwrap(),
                    String::from_utf8(plain).unwrap()
                );
            }
            assert_eq!(m.compact_json(), Some(t.to_string()));
        }
    }

    fn without_lists(m: &MissingView) -> MissingView {
        MissingView {
            plans: m.plans.clone(),
            plan: m.plan,
            variant: m.variant,
            required: vec![],
            additional: vec![],
            el_credits_short: m.el_credits_short,
            el_count_short: m.el_count_short,
            add_count_short: m.add_count_short,
            add_credits_short: m.add_credits_short,
            total: m.total,
            total_short: m.total_short,
            pending: vec![],
        }
    }
}
