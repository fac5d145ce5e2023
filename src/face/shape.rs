//! dlib shape predictor (ensemble of regression trees, Kazemi & Sullivan
//! 2014): a reader for dlib's binary serialisation and the evaluation of
//! the cascade, as in dlib's `shape_predictor::operator()`.
//!
//! dlib's serialisation: integers are one header byte (low nibble = number
//! of little-endian magnitude bytes that follow, bit 7 = negative) and the
//! magnitude bytes; a `float` is two such integers, mantissa and exponent
//! (value = mantissa * 2^exponent); a `std::vector` is its length then its
//! items; a column matrix is `-rows`, `-cols` then the items.
//!
//! The model layout (`serialize(shape_predictor)`): version (1),
//! initial_shape, forests (vector of vector of trees; a tree is a vector of
//! splits `(idx1, idx2, thresh)` and a vector of leaf vectors), anchor_idx
//! (vector of vector of indices) and deltas (vector of vector of 2-vectors).
//!
//! Every read is bounds-checked and every count is checked against what the
//! remaining bytes can hold, so corrupt or truncated bytes give an error,
//! never a panic or a huge allocation.

use super::Point;

/// A reading error: what was expected and at which byte.
fn err(what: &str, pos: usize) -> crate::Error {
    crate::Error::Model(format!("shape predictor: {what} at byte {pos}"))
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.b.len() - self.pos
    }

    /// A signed integer in dlib's variable-length encoding.
    fn int(&mut self) -> crate::Result<i64> {
        let start = self.pos;
        let &h = self
            .b
            .get(self.pos)
            .ok_or_else(|| err("truncated integer", start))?;
        self.pos += 1;
        let n = (h & 0x0f) as usize;
        if n > 8 || h & 0x70 != 0 {
            return Err(err("bad integer header", start));
        }
        let bytes = self
            .b
            .get(self.pos..self.pos + n)
            .ok_or_else(|| err("truncated integer", start))?;
        self.pos += n;
        let mut v: u64 = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            v |= (byte as u64) << (8 * i);
        }
        if v > i64::MAX as u64 {
            return Err(err("integer out of range", start));
        }
        let v = v as i64;
        Ok(if h & 0x80 != 0 { -v } else { v })
    }

    /// A non-negative integer.
    fn uint(&mut self) -> crate::Result<u64> {
        let start = self.pos;
        let v = self.int()?;
        u64::try_from(v).map_err(|_| err("negative count or index", start))
    }

    /// A count of items that each take at least `min_item_bytes` bytes.
    fn count(&mut self, min_item_bytes: usize) -> crate::Result<usize> {
        let start = self.pos;
        let n = self.uint()?;
        if n.saturating_mul(min_item_bytes as u64) > self.remaining() as u64 {
            return Err(err("count larger than the remaining bytes", start));
        }
        Ok(n as usize)
    }

    /// A float in dlib's portable encoding (mantissa, exponent).
    fn float(&mut self) -> crate::Result<f32> {
        let start = self.pos;
        let m = self.int()?;
        let e = self.int()?;
        if !(-2000..=2000).contains(&e) {
            // dlib marks inf/nan with exponents 32000..32002: not in a model.
            return Err(err("float not finite", start));
        }
        let v = (m as f64) * 2f64.powi(e as i32);
        if !v.is_finite() {
            return Err(err("float not finite", start));
        }
        Ok(v as f32)
    }

    /// A column vector (`matrix<float,0,1>`).
    fn column(&mut self) -> crate::Result<Vec<f32>> {
        let start = self.pos;
        let nr = self.int()?;
        let nc = self.int()?;
        let (nr, nc) = (nr.unsigned_abs(), nc.unsigned_abs());
        if nc != 1 && !(nr == 0 && nc == 0) {
            return Err(err("matrix is not a column", start));
        }
        if nr.saturating_mul(2) > self.remaining() as u64 {
            return Err(err("matrix larger than the remaining bytes", start));
        }
        (0..nr).map(|_| self.float()).collect()
    }
}

/// One split node: compare two feature pixels.
#[derive(Clone, Debug)]
struct Split {
    idx1: u32,
    idx2: u32,
    thresh: f32,
}

/// One regression tree: a complete binary tree of splits and its leaves.
#[derive(Clone, Debug)]
struct Tree {
    splits: Vec<Split>,
    /// Leaf shape increments, `leaves * dim` values.
    leaves: Vec<f32>,
}

/// A loaded shape predictor.
#[derive(Clone, Debug)]
pub struct ShapePredictor {
    /// Mean shape in the box's normalised coordinates, x0 y0 x1 y1 ...
    initial: Vec<f32>,
    forests: Vec<Vec<Tree>>,
    anchors: Vec<Vec<u32>>,
    deltas: Vec<Vec<[f32; 2]>>,
}

/// A box in image pixels (left, top, width, height), as dlib's rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub left: f32,
    pub top: f32,
    pub width: f32,
    pub height: f32,
}

impl ShapePredictor {
    /// Reads a model in dlib's serialisation; checks that it is
    /// self-consistent (indices within range, leaf sizes equal the shape).
    pub fn read(bytes: &[u8]) -> crate::Result<Self> {
        let mut r = Reader { b: bytes, pos: 0 };
        let version = r.int()?;
        if version != 1 {
            return Err(err("unsupported version", 0));
        }
        let initial = r.column()?;
        if initial.is_empty() || initial.len() % 2 != 0 {
            return Err(err("initial shape empty or odd", r.pos));
        }
        let dim = initial.len();
        let n_levels = r.count(1)?;
        let mut forests = Vec::with_capacity(n_levels);
        for _ in 0..n_levels {
            let n_trees = r.count(2)?;
            let mut trees = Vec::with_capacity(n_trees);
            for _ in 0..n_trees {
                let n_splits = r.count(4)?;
                let mut splits = Vec::with_capacity(n_splits);
                for _ in 0..n_splits {
                    let p = r.pos;
                    let idx1 = r.uint()?;
                    let idx2 = r.uint()?;
                    let thresh = r.float()?;
                    if idx1 > u32::MAX as u64 || idx2 > u32::MAX as u64 {
                        return Err(err("split index out of range", p));
                    }
                    splits.push(Split {
                        idx1: idx1 as u32,
                        idx2: idx2 as u32,
                        thresh,
                    });
                }
                let p = r.pos;
                let n_leaves = r.count(2)?;
                if n_leaves != n_splits + 1 {
                    return Err(err("leaf count is not splits + 1", p));
                }
                let mut leaves = Vec::with_capacity(n_leaves * dim);
                for _ in 0..n_leaves {
                    let p = r.pos;
                    let leaf = r.column()?;
                    if leaf.len() != dim {
                        return Err(err("leaf size differs from the shape", p));
                    }
                    leaves.extend_from_slice(&leaf);
                }
                trees.push(Tree { splits, leaves });
            }
            forests.push(trees);
        }
        let p = r.pos;
        let n = r.count(1)?;
        if n != n_levels {
            return Err(err("anchor levels differ from forest levels", p));
        }
        let mut anchors = Vec::with_capacity(n);
        for _ in 0..n {
            let m = r.count(1)?;
            let mut a = Vec::with_capacity(m);
            for _ in 0..m {
                let p = r.pos;
                let i = r.uint()?;
                if i as usize >= dim / 2 {
                    return Err(err("anchor index out of range", p));
                }
                a.push(i as u32);
            }
            anchors.push(a);
        }
        let p = r.pos;
        let n = r.count(1)?;
        if n != n_levels {
            return Err(err("delta levels differ from forest levels", p));
        }
        let mut deltas = Vec::with_capacity(n);
        for anchor in &anchors {
            let p = r.pos;
            let m = r.count(4)?;
            if m != anchor.len() {
                return Err(err("delta count differs from anchor count", p));
            }
            let mut d = Vec::with_capacity(m);
            for _ in 0..m {
                d.push([r.float()?, r.float()?]);
            }
            deltas.push(d);
        }
        for (level, trees) in forests.iter().enumerate() {
            let n_feat = anchors[level].len() as u32;
            for t in trees {
                if t.splits
                    .iter()
                    .any(|s| s.idx1 >= n_feat || s.idx2 >= n_feat)
                {
                    return Err(err("split refers to a missing feature pixel", r.pos));
                }
            }
        }
        if r.remaining() != 0 {
            return Err(err("trailing bytes", r.pos));
        }
        Ok(ShapePredictor {
            initial,
            forests,
            anchors,
            deltas,
        })
    }

    /// Number of landmarks.
    pub fn num_parts(&self) -> usize {
        self.initial.len() / 2
    }

    /// The mean shape, in the box's normalised coordinates (0..1).
    pub fn mean_shape(&self) -> Vec<Point> {
        self.initial
            .chunks_exact(2)
            .map(|c| Point { x: c[0], y: c[1] })
            .collect()
    }

    /// Runs the cascade on a grey image (row-major, `w` x `h`) within `rect`.
    pub fn predict(&self, gray: &[u8], w: usize, h: usize, rect: Rect) -> Vec<Point> {
        self.predict_with(w, h, rect, |x, y| gray[y * w + x])
    }

    /// [`predict`](Self::predict) reading the grey value of pixel (x, y)
    /// (both inside `w` x `h`) through `gray_at`: for a caller that has
    /// colour pixels and needs only the few hundred grey values the
    /// cascade looks at, not a whole grey image.
    pub fn predict_with(
        &self,
        w: usize,
        h: usize,
        rect: Rect,
        gray_at: impl Fn(usize, usize) -> u8,
    ) -> Vec<Point> {
        let mut shape = self.initial.clone();
        let mut feats: Vec<f32> = Vec::new();
        // dlib's unnormalising transform maps (0,0) to the top-left pixel
        // and (1,1) to the bottom-right pixel (inclusive corners).
        let sx = (rect.width - 1.0).max(1.0);
        let sy = (rect.height - 1.0).max(1.0);
        for (level, trees) in self.forests.iter().enumerate() {
            // Similarity (rotation + scale) from the mean shape to the current.
            let m = similarity_2x2(&self.initial, &shape);
            feats.clear();
            for (&a, d) in self.anchors[level].iter().zip(&self.deltas[level]) {
                let a = a as usize;
                let nx = m[0] * d[0] + m[1] * d[1] + shape[2 * a];
                let ny = m[2] * d[0] + m[3] * d[1] + shape[2 * a + 1];
                let px = (rect.left + nx * sx).round();
                let py = (rect.top + ny * sy).round();
                let v = if px >= 0.0 && py >= 0.0 && (px as usize) < w && (py as usize) < h {
                    gray_at(px as usize, py as usize) as f32
                } else {
                    0.0
                };
                feats.push(v);
            }
            for t in trees {
                let mut i = 0usize;
                while i < t.splits.len() {
                    let s = &t.splits[i];
                    i = if feats[s.idx1 as usize] - feats[s.idx2 as usize] > s.thresh {
                        2 * i + 1
                    } else {
                        2 * i + 2
                    };
                }
                let leaf = i - t.splits.len();
                let dim = shape.len();
                for (s, l) in shape
                    .iter_mut()
                    .zip(&t.leaves[leaf * dim..(leaf + 1) * dim])
                {
                    *s += l;
                }
            }
        }
        shape
            .chunks_exact(2)
            .map(|c| Point {
                x: rect.left + c[0] * sx,
                y: rect.top + c[1] * sy,
            })
            .collect()
    }
}

/// The 2x2 part (rotation and scale, row-major) of the least-squares
/// similarity transform mapping the points `from` onto `to` (x,y pairs).
fn similarity_2x2(from: &[f32], to: &[f32]) -> [f32; 4] {
    let n = (from.len() / 2) as f32;
    let (mut fx, mut fy, mut tx, mut ty) = (0.0, 0.0, 0.0, 0.0);
    for (f, t) in from.chunks_exact(2).zip(to.chunks_exact(2)) {
        fx += f[0];
        fy += f[1];
        tx += t[0];
        ty += t[1];
    }
    let (fx, fy, tx, ty) = (fx / n, fy / n, tx / n, ty / n);
    let (mut ss, mut a, mut b) = (0.0f32, 0.0f32, 0.0f32);
    for (f, t) in from.chunks_exact(2).zip(to.chunks_exact(2)) {
        let (x, y) = (f[0] - fx, f[1] - fy);
        let (u, v) = (t[0] - tx, t[1] - ty);
        ss += x * x + y * y;
        a += x * u + y * v;
        b += x * v - y * u;
    }
    if ss <= 0.0 {
        return [1.0, 0.0, 0.0, 1.0];
    }
    let (a, b) = (a / ss, b / ss);
    [a, -b, b, a]
}

/// Fits the box (scale + translation, no rotation) that best places the
/// mean shape on `pts`: the box the landmarks "belong" to.
pub fn fit_box(mean: &[Point], pts: &[Point]) -> Rect {
    let n = mean.len().min(pts.len()) as f32;
    let (mut mx, mut my, mut px, mut py) = (0.0, 0.0, 0.0, 0.0);
    for (m, p) in mean.iter().zip(pts) {
        mx += m.x;
        my += m.y;
        px += p.x;
        py += p.y;
    }
    let (mx, my, px, py) = (mx / n, my / n, px / n, py / n);
    let (mut num, mut den) = (0.0f32, 0.0f32);
    for (m, p) in mean.iter().zip(pts) {
        num += (m.x - mx) * (p.x - px) + (m.y - my) * (p.y - py);
        den += (m.x - mx).powi(2) + (m.y - my).powi(2);
    }
    let s = if den > 0.0 { num / den } else { 1.0 };
    // p = left + m * s  (s = size - 1)
    Rect {
        left: px - mx * s,
        top: py - my * s,
        width: s + 1.0,
        height: s + 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc_int(v: i64, out: &mut Vec<u8>) {
        let mag = v.unsigned_abs();
        let bytes: Vec<u8> = mag.to_le_bytes().into_iter().collect();
        let n = 8 - (mag.leading_zeros() / 8) as usize;
        out.push(n as u8 | if v < 0 { 0x80 } else { 0 });
        out.extend_from_slice(&bytes[..n]);
    }

    fn enc_float(v: f32, out: &mut Vec<u8>) {
        // exact for the small values used here: v = m * 2^-16
        let m = (v as f64 * 65536.0).round() as i64;
        enc_int(m, out);
        enc_int(-16, out);
    }

    fn enc_col(v: &[f32], out: &mut Vec<u8>) {
        enc_int(-(v.len() as i64), out);
        enc_int(-1, out);
        for &x in v {
            enc_float(x, out);
        }
    }

    /// A tiny model: 2 landmarks, one level, one tree with one split.
    fn tiny_model() -> Vec<u8> {
        let mut b = Vec::new();
        enc_int(1, &mut b);
        enc_col(&[0.25, 0.5, 0.75, 0.5], &mut b);
        enc_int(1, &mut b); // levels
        enc_int(1, &mut b); // trees
        enc_int(1, &mut b); // splits
        enc_int(0, &mut b);
        enc_int(1, &mut b);
        enc_float(10.0, &mut b);
        enc_int(2, &mut b); // leaves
        enc_col(&[0.0, -0.25, 0.0, -0.25], &mut b); // feature0 - feature1 > 10: move up
        enc_col(&[0.0, 0.25, 0.0, 0.25], &mut b); // else move down
        enc_int(1, &mut b); // anchors levels
        enc_int(2, &mut b);
        enc_int(0, &mut b);
        enc_int(1, &mut b);
        enc_int(1, &mut b); // delta levels
        enc_int(2, &mut b);
        for _ in 0..4 {
            enc_float(0.0, &mut b);
        }
        b
    }

    #[test]
    fn reads_and_evaluates_a_tiny_model() {
        let sp = ShapePredictor::read(&tiny_model()).unwrap();
        assert_eq!(sp.num_parts(), 2);
        // 9x9 image, box = whole image: landmarks at (2,4) and (6,4).
        let rect = Rect {
            left: 0.0,
            top: 0.0,
            width: 9.0,
            height: 9.0,
        };
        let mut img = vec![0u8; 81];
        img[4 * 9 + 2] = 200; // feature 0 bright: left branch
        let p = sp.predict(&img, 9, 9, rect);
        assert_eq!(p[0], Point { x: 2.0, y: 2.0 });
        assert_eq!(p[1], Point { x: 6.0, y: 2.0 });
        let p = sp.predict(&[0u8; 81], 9, 9, rect);
        assert_eq!(p[0], Point { x: 2.0, y: 6.0 });
    }

    #[test]
    fn truncated_bytes_are_an_error_not_a_panic() {
        let m = tiny_model();
        for n in 0..m.len() {
            assert!(ShapePredictor::read(&m[..n]).is_err(), "prefix {n}");
        }
    }

    #[test]
    fn corrupted_bytes_are_an_error_not_a_panic() {
        let m = tiny_model();
        let mut errors = 0;
        for i in 0..m.len() {
            for v in [0x00u8, 0x0f, 0x7f, 0x88, 0xff] {
                let mut c = m.clone();
                c[i] = v;
                if ShapePredictor::read(&c).is_err() {
                    errors += 1;
                }
            }
        }
        assert!(errors > 0);
        // a huge count must not allocate
        let mut b = Vec::new();
        enc_int(1, &mut b);
        enc_col(&[0.25, 0.5], &mut b);
        enc_int(i64::MAX, &mut b);
        assert!(ShapePredictor::read(&b).is_err());
        // a split index beyond the feature pixels
        let mut c = tiny_model();
        let pos = c.len() - 1; // change nothing structural at the end: trailing byte
        c.push(0);
        assert!(ShapePredictor::read(&c).is_err(), "{pos}");
    }

    #[test]
    fn the_embedded_5_point_model_reads() {
        let sp = ShapePredictor::read(super::super::SHAPE_MODEL).unwrap();
        assert_eq!(sp.num_parts(), 5);
        assert!(!sp.forests.is_empty());
    }

    #[test]
    fn similarity_recovers_rotation_and_scale() {
        let from = [0.0, 0.0, 1.0, 0.0, 0.0, 1.0];
        // rotate 90 degrees and scale 2: (x,y) -> (-2y, 2x)
        let to = [0.0, 0.0, 0.0, 2.0, -2.0, 0.0];
        let m = similarity_2x2(&from, &to);
        assert!((m[0]).abs() < 1e-5 && (m[1] + 2.0).abs() < 1e-5);
        assert!((m[2] - 2.0).abs() < 1e-5 && m[3].abs() < 1e-5);
    }
}
