//! This area's part of a policy file: the `[prereq]` table.
//!
//! ```toml
//! [[prereq.batches]]
//! month = 6                 # the batch month this rule is for
//! diploma_by = "06-30"      # prior diploma obtained on or before this day (inclusive)
//! late_diploma_by = "07-05" # fresh full-time graduates may add it until this day
//! review_date = "06-12"     # online verification must still be valid on this day
//! ```
//!
//! Every date is a month-day resolved in the batch's year. A batch month
//! without an entry has no cut-off (the national policy) and its review date
//! is the run's `--as-of`.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::date::{Batch, MonthDay};

/// The `[prereq]` section.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrereqPolicy {
    /// Per batch-month rules.
    #[serde(default)]
    pub batches: Vec<PrereqBatch>,
}

/// The prior-education rules of one batch month.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrereqBatch {
    /// Batch month (6 = June batch, 12 = December batch).
    pub month: u32,
    /// The prior diploma must be obtained on or before this day of the
    /// batch year (inclusive).
    #[serde(default)]
    pub diploma_by: Option<MonthDay>,
    /// Fresh full-time graduates may obtain the diploma and add its number
    /// and verification until this day (inclusive); absent: no such grace.
    #[serde(default)]
    pub late_diploma_by: Option<MonthDay>,
    /// The day the proofs are checked; an online verification must still be
    /// valid on it (used when `--as-of` is not given).
    #[serde(default)]
    pub review_date: Option<MonthDay>,
}

/// The concrete dates of one batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchDates {
    pub diploma_by: Option<NaiveDate>,
    pub late_diploma_by: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
}

impl PrereqPolicy {
    /// The rule for a batch month, if the policy has one.
    pub fn for_month(&self, month: u32) -> Option<&PrereqBatch> {
        self.batches.iter().find(|b| b.month == month)
    }

    /// The concrete dates for a batch (all `None` when the policy has no
    /// rule for its month).
    pub fn dates(&self, batch: Batch) -> BatchDates {
        match self.for_month(batch.month) {
            None => BatchDates::default(),
            Some(b) => BatchDates {
                diploma_by: b.diploma_by.map(|d| d.in_year(batch.year)),
                late_diploma_by: b.late_diploma_by.map(|d| d.in_year(batch.year)),
                review_date: b.review_date.map(|d| d.in_year(batch.year)),
            },
        }
    }
}
