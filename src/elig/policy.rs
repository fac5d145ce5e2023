//! This area's part of a policy file: the `[eligibility]` table (being built).

use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligPolicy {}
