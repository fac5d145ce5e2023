//! Crop planning: one crop rectangle (the target's aspect, 3:4) and one
//! scale so that, in the output, head top, eye line, face width and face
//! centre all land inside their ranges, as near the middle of each as the
//! photo allows. Pure arithmetic on the measured geometry; no pixels.

use super::msg::Edge;
use super::target::{Range, Target};

/// The face as measured on the upright source photo (source pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SourceGeometry {
    /// y of the eye centres (image-left, image-right).
    pub eye_left_y: f32,
    pub eye_right_y: f32,
    /// Top of the hair.
    pub head_top: f32,
    /// Cheek-to-cheek width.
    pub face_width: f32,
    /// Horizontal face centre.
    pub center_x: f32,
}

impl SourceGeometry {
    /// Maps geometry measured on an output (crop `plan`) back to the source.
    pub fn from_output(g: &SourceGeometry, plan: &Plan) -> SourceGeometry {
        let s = plan.scale as f32;
        let (x0, y0) = (plan.x as f32, plan.y as f32);
        SourceGeometry {
            eye_left_y: y0 + g.eye_left_y / s,
            eye_right_y: y0 + g.eye_right_y / s,
            head_top: y0 + g.head_top / s,
            face_width: g.face_width / s,
            center_x: x0 + g.center_x / s,
        }
    }
}

/// Safety margins kept inside each range when a range limits the choice
/// (output pixels). The aim is always the middle of each range; margins
/// only matter for photos that cannot reach it. They absorb the
/// disagreement between measuring tools (a few pixels for the eyes, more
/// for the hair line).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Margins {
    pub head_top: f32,
    pub eye_y: f32,
    pub face_width: f32,
    /// Fraction of the centring tolerance that may be used.
    pub center_fraction: f32,
}

impl Default for Margins {
    fn default() -> Self {
        Margins {
            head_top: 8.0,
            eye_y: 12.0,
            face_width: 15.0,
            center_fraction: 0.5,
        }
    }
}

/// Which edges may be extended with the plain background colour
/// (`--pad-background`): top, left and right only, never the bottom (that
/// would invent a body).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PadAllowance {
    /// Largest extension allowed, in source pixels (0 = none).
    pub top: f64,
    pub left: f64,
    pub right: f64,
}

/// A chosen crop (source pixels, may be fractional) and scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Output pixels per source pixel (>1 enlarges).
    pub scale: f64,
    /// Where the geometry is expected in the output.
    pub head_top: f32,
    pub eye_y: f32,
    pub face_width: f32,
    pub center_x: f32,
}

impl Plan {
    /// Source pixels the crop needs beyond each edge (0 when inside).
    pub fn overflow(&self, src_w: u32, src_h: u32) -> [(Edge, f64); 4] {
        [
            (Edge::Top, (-self.y).max(0.0)),
            (Edge::Bottom, (self.y + self.height - src_h as f64).max(0.0)),
            (Edge::Left, (-self.x).max(0.0)),
            (Edge::Right, (self.x + self.width - src_w as f64).max(0.0)),
        ]
    }
}

/// Why no crop fits.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanError {
    /// The face would have to be enlarged more than `limit`.
    FaceTooSmall { needed: f64, limit: f64 },
    /// No single scale puts hair line, eyes and face width in range.
    Proportions,
    /// Every compliant crop leaves the photo at these edges; `missing` is
    /// the smallest overflow found, in source pixels.
    TooCloseToEdge { edges: Vec<Edge>, missing: f64 },
}

fn clamp_to(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

/// Plans the crop of an upright `src_w` x `src_h` photo.
pub fn plan(
    g: &SourceGeometry,
    src_w: u32,
    src_h: u32,
    t: &Target,
    m: &Margins,
    max_upscale: f64,
    pad: &PadAllowance,
) -> Result<Plan, PlanError> {
    let (ow, oh) = (t.width as f64, t.height as f64);
    let (sw, sh) = (src_w as f64, src_h as f64);
    let head_r = t.head_top.inset(m.head_top);
    let eye_r = t.eye_y.inset(m.eye_y);
    let fw_r = t.face_width.inset(m.face_width);
    let tol = (t.center_tolerance * m.center_fraction) as f64;
    let (h, f, c) = (g.head_top as f64, g.face_width as f64, g.center_x as f64);
    let e_top = g.eye_left_y.min(g.eye_right_y) as f64;
    let e_bot = g.eye_left_y.max(g.eye_right_y) as f64;
    let e_mid = (e_top + e_bot) / 2.0;
    // NaN-safe: a NaN width or head top is refused too
    if f.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)
        || e_top.partial_cmp(&h) != Some(std::cmp::Ordering::Greater)
    {
        return Err(PlanError::Proportions);
    }

    let s_lo = fw_r.min as f64 / f;
    let s_hi_fw = fw_r.max as f64 / f;
    if s_lo > max_upscale {
        return Err(PlanError::FaceTooSmall {
            needed: s_lo,
            limit: max_upscale,
        });
    }
    let s_hi = s_hi_fw.min(max_upscale);

    // Weights: each deviation counted in half-ranges of its own range.
    let w_head = 1.0 / (t.head_top.half() as f64).powi(2);
    let w_eye = 1.0 / (t.eye_y.half() as f64).powi(2);
    let w_fw = 1.0 / (t.face_width.half() as f64).powi(2);
    let w_c = 1.0 / (t.center_tolerance.max(1.0) as f64).powi(2);
    let (head_mid, eye_mid, fw_mid, c_mid) = (
        t.head_top.mid() as f64,
        t.eye_y.mid() as f64,
        t.face_width.mid() as f64,
        ow / 2.0,
    );

    let interval = |r: &Range| (r.min as f64, r.max as f64);
    let (hmin, hmax) = interval(&head_r);
    let (emin, emax) = interval(&eye_r);

    let n = 800;
    let mut best: Option<(f64, Plan)> = None;
    let mut any_geometry = false;
    // smallest overflow when nothing fits: (total, edges)
    let mut least_miss: Option<(f64, Vec<Edge>)> = None;
    for i in 0..=n {
        let s = if n == 0 || s_hi <= s_lo {
            s_lo
        } else {
            s_lo + (s_hi - s_lo) * i as f64 / n as f64
        };
        // u = crop top * s, v = crop left * s (output pixels)
        let ug_lo = (h * s - hmax).max(e_bot * s - emax);
        let ug_hi = (h * s - hmin).min(e_top * s - emin);
        if ug_lo > ug_hi {
            continue;
        }
        any_geometry = true;
        let vg_lo = c * s - c_mid - tol;
        let vg_hi = c * s - c_mid + tol;
        let ub_lo = -pad.top * s;
        let ub_hi = sh * s - oh;
        let vb_lo = -pad.left * s;
        let vb_hi = (sw + pad.right) * s - ow;
        let (u_lo, u_hi) = (ug_lo.max(ub_lo), ug_hi.min(ub_hi));
        let (v_lo, v_hi) = (vg_lo.max(vb_lo), vg_hi.min(vb_hi));
        if u_lo > u_hi || v_lo > v_hi {
            let mut edges = Vec::new();
            let mut miss = 0.0;
            if ug_hi < ub_lo {
                edges.push(Edge::Top);
                miss += (ub_lo - ug_hi) / s;
            }
            if ug_lo > ub_hi {
                edges.push(Edge::Bottom);
                miss += (ug_lo - ub_hi) / s;
            }
            if vg_hi < vb_lo {
                edges.push(Edge::Left);
                miss += (vb_lo - vg_hi) / s;
            }
            if vg_lo > vb_hi {
                edges.push(Edge::Right);
                miss += (vg_lo - vb_hi) / s;
            }
            if ub_lo > ub_hi {
                // the crop is taller than the photo
                edges.push(Edge::Top);
                edges.push(Edge::Bottom);
                miss += (ub_lo - ub_hi) / s;
            }
            if vb_lo > vb_hi {
                edges.push(Edge::Left);
                edges.push(Edge::Right);
                miss += (vb_lo - vb_hi) / s;
            }
            edges.dedup();
            if least_miss.as_ref().is_none_or(|(m0, _)| miss < *m0) {
                least_miss = Some((miss, edges));
            }
            continue;
        }
        let u_star =
            (w_head * (h * s - head_mid) + w_eye * (e_mid * s - eye_mid)) / (w_head + w_eye);
        let u = clamp_to(u_star, u_lo, u_hi);
        let v = clamp_to(c * s - c_mid, v_lo, v_hi);
        let head_out = h * s - u;
        let eye_out = e_mid * s - u;
        let fw_out = f * s;
        let c_out = c * s - v;
        let cost = w_head * (head_out - head_mid).powi(2)
            + w_eye * (eye_out - eye_mid).powi(2)
            + w_fw * (fw_out - fw_mid).powi(2)
            + w_c * (c_out - c_mid).powi(2);
        let p = Plan {
            x: v / s,
            y: u / s,
            width: ow / s,
            height: oh / s,
            scale: s,
            head_top: head_out as f32,
            eye_y: eye_out as f32,
            face_width: fw_out as f32,
            center_x: c_out as f32,
        };
        if best.as_ref().is_none_or(|(c0, _)| cost < *c0) {
            best = Some((cost, p));
        }
        if s_hi <= s_lo {
            break;
        }
    }
    match best {
        Some((_, p)) => Ok(p),
        None if !any_geometry => Err(PlanError::Proportions),
        None => {
            let (missing, edges) = least_miss.unwrap_or((0.0, vec![]));
            Err(PlanError::TooCloseToEdge { edges, missing })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geo(head: f32, eye: f32, fw: f32, cx: f32) -> SourceGeometry {
        SourceGeometry {
            eye_left_y: eye,
            eye_right_y: eye,
            head_top: head,
            face_width: fw,
            center_x: cx,
        }
    }

    fn check_in_ranges(p: &Plan, t: &Target) {
        assert!(t.head_top.inset(7.9).contains(p.head_top), "{p:?}");
        assert!(t.eye_y.inset(11.9).contains(p.eye_y), "{p:?}");
        assert!(t.face_width.inset(14.9).contains(p.face_width), "{p:?}");
        assert!((p.center_x - 240.0).abs() <= t.center_tolerance / 2.0 + 0.01);
        assert!((p.width / p.height - 0.75).abs() < 1e-9);
    }

    #[test]
    fn phone_photo_is_centred_in_the_middle_of_the_ranges() {
        let t = Target::national();
        // a 3000x4000 phone photo, face 600 px wide, hair 500 px above eyes
        let g = geo(1200.0, 1700.0, 600.0, 1400.0);
        let p = plan(
            &g,
            3000,
            4000,
            &t,
            &Margins::default(),
            1.25,
            &Default::default(),
        )
        .unwrap();
        check_in_ranges(&p, &t);
        assert!((p.center_x - 240.0).abs() < 0.01);
        assert!(p.x >= 0.0 && p.y >= 0.0);
        assert!(p.x + p.width <= 3000.0 && p.y + p.height <= 4000.0);
        // projections consistent with the rectangle
        let s = p.scale;
        assert!(((1200.0 - p.y) * s - p.head_top as f64).abs() < 1e-3);
        assert!(((1700.0 - p.y) * s - p.eye_y as f64).abs() < 1e-3);
    }

    #[test]
    fn ideal_proportions_reach_the_middle() {
        let t = Target::national();
        // eye-head 170 and face 240 at scale 0.5
        let g = geo(1000.0, 1340.0, 480.0, 1500.0);
        let p = plan(
            &g,
            3000,
            4000,
            &t,
            &Margins::default(),
            1.25,
            &Default::default(),
        )
        .unwrap();
        assert!((p.scale - 0.5).abs() < 0.002, "{p:?}");
        assert!((p.head_top - 80.0).abs() < 1.0);
        assert!((p.eye_y - 250.0).abs() < 1.0);
        assert!((p.face_width - 240.0).abs() < 1.0);
    }

    #[test]
    fn small_face_is_refused() {
        let t = Target::national();
        let g = geo(100.0, 200.0, 100.0, 240.0);
        let e = plan(
            &g,
            480,
            640,
            &t,
            &Margins::default(),
            1.25,
            &Default::default(),
        )
        .unwrap_err();
        assert!(matches!(e, PlanError::FaceTooSmall { needed, .. } if needed > 1.9));
    }

    #[test]
    fn face_near_the_left_edge_is_refused_or_padded() {
        let t = Target::national();
        let g = geo(1200.0, 1700.0, 600.0, 300.0);
        let e = plan(
            &g,
            3000,
            4000,
            &t,
            &Margins::default(),
            1.25,
            &Default::default(),
        )
        .unwrap_err();
        match e {
            PlanError::TooCloseToEdge { edges, missing } => {
                assert_eq!(edges, vec![Edge::Left]);
                assert!(missing > 100.0, "{missing}");
            }
            other => panic!("{other:?}"),
        }
        let pad = PadAllowance {
            left: 2000.0,
            ..Default::default()
        };
        let p = plan(&g, 3000, 4000, &t, &Margins::default(), 1.25, &pad).unwrap();
        assert!(p.x < 0.0);
        check_in_ranges(&p, &t);
    }

    #[test]
    fn head_at_top_edge_with_no_room_is_refused() {
        let t = Target::national();
        // hair top at y=10: the crop would need ~60 output px above it
        let g = geo(10.0, 500.0, 600.0, 1500.0);
        let e = plan(
            &g,
            3000,
            4000,
            &t,
            &Margins::default(),
            1.25,
            &Default::default(),
        )
        .unwrap_err();
        assert!(
            matches!(&e, PlanError::TooCloseToEdge { edges, .. } if edges.contains(&Edge::Top)),
            "{e:?}"
        );
    }

    #[test]
    fn impossible_proportions() {
        let t = Target::national();
        // a very tall hat: eyes 1000 px under the top, face 300 px wide
        let g = geo(500.0, 1500.0, 300.0, 1500.0);
        let e = plan(
            &g,
            3000,
            4000,
            &t,
            &Margins::default(),
            1.25,
            &Default::default(),
        )
        .unwrap_err();
        assert_eq!(e, PlanError::Proportions);
    }

    #[test]
    fn tilted_eyes_both_in_range() {
        let t = Target::national();
        let g = SourceGeometry {
            eye_left_y: 1650.0,
            eye_right_y: 1750.0,
            head_top: 1200.0,
            face_width: 600.0,
            center_x: 1500.0,
        };
        let p = plan(
            &g,
            3000,
            4000,
            &t,
            &Margins::default(),
            1.25,
            &Default::default(),
        )
        .unwrap();
        let s = p.scale;
        let l = (1650.0 - p.y) * s;
        let r = (1750.0 - p.y) * s;
        assert!(l >= 212.0 && r <= 288.0, "{l} {r}");
    }

    #[test]
    fn from_output_round_trip() {
        let t = Target::national();
        let g = geo(1200.0, 1700.0, 600.0, 1400.0);
        let p = plan(
            &g,
            3000,
            4000,
            &t,
            &Margins::default(),
            1.25,
            &Default::default(),
        )
        .unwrap();
        let out = geo(p.head_top, p.eye_y, p.face_width, p.center_x);
        let back = SourceGeometry::from_output(&out, &p);
        assert!((back.head_top - 1200.0).abs() < 0.1);
        assert!((back.eye_left_y - 1700.0).abs() < 0.1);
        assert!((back.face_width - 600.0).abs() < 0.1);
        assert!((back.center_x - 1400.0).abs() < 0.1);
    }
}
