//! Generic report renderers (being built on the roster branch).

use crate::{Lang, Report};

/// CSV of a report (being built).
pub fn to_csv(report: &Report, lang: Lang, bom: bool) -> Vec<u8> {
    let _ = (report, lang, bom);
    Vec::new()
}

/// Excel workbook of a report (being built).
pub fn to_xlsx(report: &Report, lang: Lang) -> crate::Result<Vec<u8>> {
    let _ = (report, lang);
    Err(crate::Error::Usage("xlsx output not built yet".into()))
}
