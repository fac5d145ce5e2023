//! JPEG quality factor estimated from the quantization (DQT) tables.
//!
//! Two estimates:
//! - the overall one is ImageMagick's published method (`coders/jpeg.c`,
//!   `JPEGSetImageQuality`): the sum of every table entry and a "hash" of
//!   four entries (`luma[2] + luma[53] + chroma[0] + chroma[63]`, natural
//!   order; two entries when there is one table) are compared with the values
//!   libjpeg's scaled Annex K tables give at each quality 1..=100. The first
//!   quality whose hash and sum are both reached is the answer; it is `exact`
//!   when both are within the reference values, `approximate` otherwise
//!   (only accepted from quality 51 up, as ImageMagick does), and
//!   `undetermined` below that or without tables. The reference arrays are
//!   computed here from the Annex K tables and libjpeg's scaling (a test
//!   checks them against ImageMagick's published arrays).
//! - a per-table estimate: the quality whose libjpeg-scaled Annex K table
//!   (luminance for slot 0, chrominance otherwise) is nearest to the table by
//!   least squares, with its RMS residual (0 = the table is exactly libjpeg's).

use serde::Serialize;

use super::jpeg::QTable;

/// ITU-T T.81 Annex K, Table K.1 (luminance), natural order.
pub const ANNEX_K_LUMA: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// ITU-T T.81 Annex K, Table K.2 (chrominance), natural order.
pub const ANNEX_K_CHROMA: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// libjpeg's `jpeg_quality_scaling`: quality 1..=100 to a percentage.
pub fn libjpeg_scale(quality: u32) -> u32 {
    let q = quality.clamp(1, 100);
    if q < 50 {
        5000 / q
    } else {
        200 - q * 2
    }
}

/// libjpeg's `jpeg_add_quant_table` with `force_baseline`: the Annex K
/// table scaled for `quality`, clamped to 1..=255.
pub fn scaled_table(base: &[u16; 64], quality: u32) -> [u16; 64] {
    let s = libjpeg_scale(quality);
    let mut out = [0u16; 64];
    for (o, &b) in out.iter_mut().zip(base) {
        *o = ((b as u32 * s + 50) / 100).clamp(1, 255) as u16;
    }
    out
}

/// How the overall quality was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// The tables match libjpeg's tables for this quality.
    Exact,
    /// The nearest quality (>= 51) for tables that are not libjpeg's.
    Approximate,
    /// No estimate (no tables, or coarse non-standard tables).
    Undetermined,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Approximate => "approximate",
            Method::Undetermined => "undetermined",
        }
    }
}

/// The estimate for one table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TableEstimate {
    pub slot: u8,
    /// `luma` or `chroma`: the Annex K table compared with.
    pub reference: &'static str,
    pub quality: u32,
    /// Root-mean-square difference to the scaled reference table.
    pub rms: f64,
}

/// The quality estimate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// `None` when undetermined.
    pub quality: Option<u32>,
    pub method: Method,
    pub per_table: Vec<TableEstimate>,
}

/// ImageMagick's reference arrays, index i = quality i+1 (index 100 = 0).
fn reference_arrays(two_tables: bool) -> ([i64; 101], [i64; 101]) {
    let mut hash = [0i64; 101];
    let mut sums = [0i64; 101];
    for i in 0..100 {
        let q = i as u32 + 1;
        let l = scaled_table(&ANNEX_K_LUMA, q);
        let c = scaled_table(&ANNEX_K_CHROMA, q);
        if two_tables {
            hash[i] = (l[2] + l[53] + c[0] + c[63]) as i64;
            sums[i] = l.iter().chain(c.iter()).map(|&v| v as i64).sum();
        } else {
            hash[i] = (l[2] + l[53]) as i64;
            sums[i] = l.iter().map(|&v| v as i64).sum();
        }
    }
    (hash, sums)
}

/// Estimates the quality of a JPEG from its tables (see the module doc).
pub fn estimate(tables: &[QTable]) -> Estimate {
    let get = |slot: u8| tables.iter().find(|t| t.slot == slot);
    let per_table = tables.iter().map(per_table_estimate).collect();
    let sum: i64 = tables
        .iter()
        .flat_map(|t| t.values.iter())
        .map(|&v| v as i64)
        .sum();
    let (qvalue, two) = match (get(0), get(1)) {
        (Some(a), Some(b)) => (
            a.values[2] as i64 + a.values[53] as i64 + b.values[0] as i64 + b.values[63] as i64,
            true,
        ),
        (Some(a), None) => (a.values[2] as i64 + a.values[53] as i64, false),
        _ => {
            return Estimate {
                quality: None,
                method: Method::Undetermined,
                per_table,
            }
        }
    };
    let (hash, sums) = reference_arrays(two);
    let mut quality = None;
    let mut method = Method::Undetermined;
    for i in 0..100 {
        if qvalue < hash[i] && sum < sums[i] {
            continue;
        }
        let exact = qvalue <= hash[i] && sum <= sums[i];
        if exact || i >= 50 {
            quality = Some(i as u32 + 1);
            method = if exact {
                Method::Exact
            } else {
                Method::Approximate
            };
        }
        break;
    }
    Estimate {
        quality,
        method,
        per_table,
    }
}

fn per_table_estimate(t: &QTable) -> TableEstimate {
    let (base, reference) = if t.slot == 0 {
        (&ANNEX_K_LUMA, "luma")
    } else {
        (&ANNEX_K_CHROMA, "chroma")
    };
    let mut best = (1u32, f64::INFINITY);
    for q in 1..=100u32 {
        let s = scaled_table(base, q);
        let sse: f64 = s
            .iter()
            .zip(t.values.iter())
            .map(|(&a, &b)| {
                let d = a as f64 - b as f64;
                d * d
            })
            .sum();
        // Strictly smaller: ties go to the lower quality (not lenient).
        if sse < best.1 {
            best = (q, sse);
        }
    }
    TableEstimate {
        slot: t.slot,
        reference,
        quality: best.0,
        rms: ((best.1 / 64.0).sqrt() * 1000.0).round() / 1000.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::jpeg;

    fn table(slot: u8, values: [u16; 64]) -> QTable {
        QTable {
            slot,
            precision_bits: 8,
            values,
        }
    }

    /// ImageMagick's published arrays (coders/jpeg.c), to prove that the
    /// computed reference values are the same.
    const IM_HASH2: [i64; 101] = [
        1020, 1015, 932, 848, 780, 735, 702, 679, 660, 645, 632, 623, 613, 607, 600, 594, 589, 585,
        581, 571, 555, 542, 529, 514, 494, 474, 457, 439, 424, 410, 397, 386, 373, 364, 351, 341,
        334, 324, 317, 309, 299, 294, 287, 279, 274, 267, 262, 257, 251, 247, 243, 237, 232, 227,
        222, 217, 213, 207, 202, 198, 192, 188, 183, 177, 173, 168, 163, 157, 153, 148, 143, 139,
        132, 128, 125, 119, 115, 108, 104, 99, 94, 90, 84, 79, 74, 70, 64, 59, 55, 49, 45, 40, 34,
        30, 25, 20, 15, 11, 6, 4, 0,
    ];
    const IM_SUMS2: [i64; 101] = [
        32640, 32635, 32266, 31495, 30665, 29804, 29146, 28599, 28104, 27670, 27225, 26725, 26210,
        25716, 25240, 24789, 24373, 23946, 23572, 22846, 21801, 20842, 19949, 19121, 18386, 17651,
        16998, 16349, 15800, 15247, 14783, 14321, 13859, 13535, 13081, 12702, 12423, 12056, 11779,
        11513, 11135, 10955, 10676, 10392, 10208, 9928, 9747, 9564, 9369, 9193, 9017, 8822, 8639,
        8458, 8270, 8084, 7896, 7710, 7527, 7347, 7156, 6977, 6788, 6607, 6422, 6236, 6054, 5867,
        5684, 5495, 5305, 5128, 4945, 4751, 4638, 4442, 4248, 4065, 3888, 3698, 3509, 3326, 3139,
        2957, 2775, 2586, 2405, 2216, 2037, 1846, 1666, 1483, 1297, 1109, 927, 735, 554, 375, 201,
        128, 0,
    ];
    const IM_HASH1: [i64; 101] = [
        510, 505, 422, 380, 355, 338, 326, 318, 311, 305, 300, 297, 293, 291, 288, 286, 284, 283,
        281, 280, 279, 278, 277, 273, 262, 251, 243, 233, 225, 218, 211, 205, 198, 193, 186, 181,
        177, 172, 168, 164, 158, 156, 152, 148, 145, 142, 139, 136, 133, 131, 129, 126, 123, 120,
        118, 115, 113, 110, 107, 105, 102, 100, 97, 94, 92, 89, 87, 83, 81, 79, 76, 74, 70, 68, 66,
        63, 61, 57, 55, 52, 50, 48, 44, 42, 39, 37, 34, 31, 29, 26, 24, 21, 18, 16, 13, 11, 8, 6,
        3, 2, 0,
    ];
    const IM_SUMS1: [i64; 101] = [
        16320, 16315, 15946, 15277, 14655, 14073, 13623, 13230, 12859, 12560, 12240, 11861, 11456,
        11081, 10714, 10360, 10027, 9679, 9368, 9056, 8680, 8331, 7995, 7668, 7376, 7084, 6823,
        6562, 6345, 6125, 5939, 5756, 5571, 5421, 5240, 5086, 4976, 4829, 4719, 4616, 4463, 4393,
        4280, 4166, 4092, 3980, 3909, 3835, 3755, 3688, 3621, 3541, 3467, 3396, 3323, 3247, 3170,
        3096, 3021, 2952, 2874, 2804, 2727, 2657, 2583, 2509, 2437, 2362, 2290, 2211, 2136, 2068,
        1996, 1915, 1858, 1773, 1692, 1620, 1552, 1477, 1398, 1326, 1251, 1179, 1109, 1031, 961,
        884, 814, 736, 667, 592, 518, 441, 369, 292, 221, 151, 86, 64, 0,
    ];

    #[test]
    fn computed_reference_equals_imagemagick_arrays() {
        let (h2, s2) = reference_arrays(true);
        let (h1, s1) = reference_arrays(false);
        let diff =
            |a: &[i64; 101], b: &[i64; 101]| (0..101).filter(|&i| a[i] != b[i]).collect::<Vec<_>>();
        // Report how many entries differ (ImageMagick's arrays were
        // measured from real files; a few entries may differ by rounding).
        let d = [
            diff(&h2, &IM_HASH2),
            diff(&s2, &IM_SUMS2),
            diff(&h1, &IM_HASH1),
            diff(&s1, &IM_SUMS1),
        ];
        assert!(d.iter().all(|x| x.is_empty()), "differences at {d:?}");
    }

    #[test]
    fn hand_built_libjpeg_tables_all_qualities() {
        for q in 1..=100u32 {
            let l = table(0, scaled_table(&ANNEX_K_LUMA, q));
            let c = table(1, scaled_table(&ANNEX_K_CHROMA, q));
            let e = estimate(&[l.clone(), c]);
            assert_eq!(e.quality, Some(q), "two tables, q={q}");
            assert_eq!(e.method, Method::Exact);
            // Below ~q10 several qualities clamp to the same table; the
            // least-squares estimate then names one of them, with no residual.
            assert_eq!(e.per_table[0].rms, 0.0);
            let g = estimate(&[l]);
            assert_eq!(g.quality, Some(q), "one table, q={q}");
            assert_eq!(g.method, Method::Exact);
        }
    }

    #[test]
    fn per_table_least_squares() {
        for q in [30u32, 55, 60, 75, 90, 95] {
            let e = estimate(&[
                table(0, scaled_table(&ANNEX_K_LUMA, q)),
                table(1, scaled_table(&ANNEX_K_CHROMA, q)),
            ]);
            assert_eq!(e.per_table[0].quality, q);
            assert_eq!(e.per_table[0].rms, 0.0);
            assert_eq!(e.per_table[0].reference, "luma");
            assert_eq!(e.per_table[1].quality, q);
            assert_eq!(e.per_table[1].reference, "chroma");
        }
    }

    #[test]
    fn encoder_scaling_matches_libjpeg_and_estimate_equals_setting() {
        for q in 30..=95u8 {
            let j = jpeg::tests::encode(16, 16, q, false);
            let info = jpeg::parse(&j);
            // The encoder's tables are libjpeg's tables for this quality.
            assert_eq!(
                info.qtable(0).unwrap().values,
                scaled_table(&ANNEX_K_LUMA, q as u32),
                "luma q={q}"
            );
            assert_eq!(
                info.qtable(1).unwrap().values,
                scaled_table(&ANNEX_K_CHROMA, q as u32),
                "chroma q={q}"
            );
            let e = estimate(&info.qtables);
            assert_eq!(e.quality, Some(q as u32), "q={q}");
            assert_eq!(e.method, Method::Exact);
        }
    }

    #[test]
    fn non_standard_tables() {
        // Flat tables of 2: sum 256, hash 8 -> between q98 and q99: approximate.
        let e = estimate(&[table(0, [2; 64]), table(1, [2; 64])]);
        assert_eq!(e.method, Method::Approximate);
        assert!(e.quality.unwrap() >= 90);
        // Coarse flat tables: undetermined (not a pass).
        let e = estimate(&[table(0, [200; 64]), table(1, [200; 64])]);
        assert_eq!(e.method, Method::Undetermined);
        assert_eq!(e.quality, None);
        // No tables, or only slot 1.
        assert_eq!(estimate(&[]).method, Method::Undetermined);
        assert_eq!(estimate(&[table(1, [1; 64])]).method, Method::Undetermined);
        // 16-bit tables with big values.
        let e = estimate(&[table(0, [1000; 64])]);
        assert_eq!(e.quality, None);
    }
}
