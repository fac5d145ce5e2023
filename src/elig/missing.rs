//! The what-is-left (毕业预测) view of one candidate, kept compact (course
//! ids and numbers) and turned into JSON only when the report is rendered.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::finding::LazyJson;

use super::engine::{course_json, f1};
use super::load::Val;
use super::plan::Plans;

/// A required course (or course group) not yet passed.
#[derive(Debug)]
pub(crate) struct ReqGap {
    /// Index into the variant's `required`.
    pub ri: usize,
    /// Best result so far of each course of the group (`any_of` order).
    pub best: Vec<Option<Val>>,
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
    pub additional: Vec<(u32, Option<Val>)>,
    pub el_credits_short: f64,
    pub el_count_short: u32,
    pub add_count_short: u32,
    pub add_credits_short: f64,
    pub total: f64,
    pub total_short: f64,
    /// Records waiting for a person: (label, reason code).
    pub pending: Vec<(String, &'static str)>,
}

impl LazyJson for MissingView {
    fn to_value(&self) -> Value {
        let plans = &*self.plans;
        let p = &plans.plans[self.plan];
        let v = &p.variants[self.variant];
        let course = |id: u32, best: Option<Val>| {
            let mut o = course_json(p, plans, id);
            if let Some(b) = best {
                o["best"] = json!(b.show());
            }
            o
        };
        let req: Vec<Value> = self
            .required
            .iter()
            .map(|g| {
                let r = &v.required[g.ri];
                let id = r.any_of[0];
                let mut o = course_json(p, plans, id);
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
        let add: Vec<Value> = self.additional.iter().map(|&(i, b)| course(i, b)).collect();
        let mut m = json!({
            "required": req,
            "elective_credits_short": f1(self.el_credits_short),
            "elective_count_short": self.el_count_short,
            "additional": add,
            "additional_count_short": self.add_count_short,
            "additional_credits_short": f1(self.add_credits_short),
            "total_credits": f1(self.total),
            "total_credits_short": f1(self.total_short),
        });
        if p.variants.len() > 1 {
            m["track"] = json!(v.label);
        }
        if !self.pending.is_empty() {
            m["pending"] = Value::Array(
                self.pending
                    .iter()
                    .map(|(label, reason)| json!({"record": label, "reason": reason}))
                    .collect(),
            );
        }
        m
    }
}
