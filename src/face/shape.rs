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
//!
//! The embedded model is in a compact format of our own ([`COMPACT_MAGIC`],
//! written by [`ShapePredictor::to_compact`], read by
//! [`ShapePredictor::read_compact`]; `examples/convert_shape_model.rs` makes
//! it from dlib's file), 3.2 MB instead of 9.2 MB. Little-endian; an array of
//! n values k bytes wide is stored as k byte planes of n bytes (plane j holds
//! byte j of every value), which gzip compresses better:
//!
//! | field | type |
//! | --- | --- |
//! | magic `ZKSP`, version 1 | 4 bytes, u8 |
//! | parts P (landmarks; dim = 2P), levels L, splits per tree S | u8, u16, u16 |
//! | initial shape | dim f32 |
//! | trees of each level, then feature pixels of each level | 2L u16, planes |
//! | anchors of every feature pixel, level by level (F in all) | F u8 |
//! | deltas (x, y of every feature pixel) | 2F f32, planes |
//! | split feature 1, split feature 2 (every tree, level by level; N trees) | N*S u16 each, planes |
//! | split threshold t (left when `f1 - f2 >= t`) | N*S i16, planes |
//! | leaf scale of each tree | N f32, planes |
//! | leaves (S + 1 per tree, dim values each; value = q * scale) | N*(S+1)*dim i16, planes |
//!
//! Every tree is complete (S splits, S + 1 leaves). Thresholds are exact:
//! the features are integer grey values (0 outside the image), so dlib's
//! `f1 - f2 > thresh` equals `f1 - f2 >= floor(thresh) + 1` (kept within
//! -255..=256, where it still decides every difference the same way). The
//! leaves are quantised to 16 bits with a scale per tree (error at most half
//! a step: 4.5e-7 of the box on the 5-point model, ~0.0001 px a tree on a
//! 200-px face).

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

/// The compact format's magic bytes (then the version, 1).
pub const COMPACT_MAGIC: &[u8; 4] = b"ZKSP";
const COMPACT_VERSION: u8 = 1;

/// A reader of the compact format: every read is bounds-checked.
struct Planes<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Planes<'a> {
    fn take(&mut self, n: usize, what: &str) -> crate::Result<&'a [u8]> {
        let start = self.pos;
        let end = start
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| err(&format!("truncated {what}"), start))?;
        self.pos = end;
        Ok(&self.b[start..end])
    }

    /// `n` values `K` bytes wide, stored as `K` byte planes.
    fn array<const K: usize>(&mut self, n: usize, what: &str) -> crate::Result<Vec<[u8; K]>> {
        let bytes = self.take(n.saturating_mul(K), what)?;
        Ok((0..n)
            .map(|i| std::array::from_fn(|j| bytes[j * n + i]))
            .collect())
    }

    fn u16s(&mut self, n: usize, what: &str) -> crate::Result<Vec<u16>> {
        Ok(self
            .array::<2>(n, what)?
            .into_iter()
            .map(u16::from_le_bytes)
            .collect())
    }

    fn i16s(&mut self, n: usize, what: &str) -> crate::Result<Vec<i16>> {
        Ok(self
            .array::<2>(n, what)?
            .into_iter()
            .map(i16::from_le_bytes)
            .collect())
    }

    /// Finite f32s (planes when `planes`, else one after the other).
    fn f32s(&mut self, n: usize, planes: bool, what: &str) -> crate::Result<Vec<f32>> {
        let start = self.pos;
        let v: Vec<f32> = if planes {
            self.array::<4>(n, what)?
                .into_iter()
                .map(f32::from_le_bytes)
                .collect()
        } else {
            let b = self.take(n.saturating_mul(4), what)?;
            b.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        };
        if v.iter().any(|x| !x.is_finite()) {
            return Err(err(&format!("{what} not finite"), start));
        }
        Ok(v)
    }
}

/// Appends `K`-byte values as `K` byte planes.
fn put_planes<const K: usize>(out: &mut Vec<u8>, vals: &[[u8; K]]) {
    for j in 0..K {
        out.extend(vals.iter().map(|v| v[j]));
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

    /// Reads a model in the compact format (module doc); checks it as
    /// [`read`](Self::read) does: exact length, indices within range,
    /// finite numbers.
    pub fn read_compact(bytes: &[u8]) -> crate::Result<Self> {
        let mut r = Planes { b: bytes, pos: 0 };
        if r.take(4, "magic")? != COMPACT_MAGIC {
            return Err(err("not a compact shape model (magic)", 0));
        }
        let head = r.take(6, "header")?;
        if head[0] != COMPACT_VERSION {
            return Err(err("unsupported compact version", 4));
        }
        let parts = head[1] as usize;
        let n_levels = u16::from_le_bytes([head[2], head[3]]) as usize;
        let n_splits = u16::from_le_bytes([head[4], head[5]]) as usize;
        if parts == 0 {
            return Err(err("no landmarks", 5));
        }
        let dim = 2 * parts;
        let initial = r.f32s(dim, false, "initial shape")?;
        let counts = r.u16s(2 * n_levels, "level sizes")?;
        let (trees_per_level, feats_per_level) = counts.split_at(n_levels);
        let n_feats: u64 = feats_per_level.iter().map(|&f| f as u64).sum();
        let n_trees: u64 = trees_per_level.iter().map(|&t| t as u64).sum();
        // The whole size before any large allocation: it must be exact
        // (and then every count below fits in usize).
        let rest = n_feats * (1 + 2 * 4)
            + n_trees * (n_splits as u64) * (2 + 2 + 2)
            + n_trees * 4
            + n_trees * (n_splits as u64 + 1) * (dim as u64) * 2;
        if rest != (bytes.len() - r.pos) as u64 {
            return Err(err("size differs from the header's counts", r.pos));
        }
        let (n_feats, n_trees) = (n_feats as usize, n_trees as usize);
        let anchor_bytes = r.take(n_feats, "anchors")?;
        if let Some(i) = anchor_bytes.iter().position(|&a| a as usize >= parts) {
            return Err(err("anchor index out of range", r.pos - n_feats + i));
        }
        let delta_vals = r.f32s(2 * n_feats, true, "deltas")?;
        let n = n_trees * n_splits;
        let idx1 = r.u16s(n, "split features")?;
        let idx2 = r.u16s(n, "split features")?;
        let thresh = r.i16s(n, "split thresholds")?;
        let scales = r.f32s(n_trees, true, "leaf scales")?;
        let leaves = r.i16s(n_trees * (n_splits + 1) * dim, "leaves")?;

        let (mut anchors, mut deltas, mut forests) = (Vec::new(), Vec::new(), Vec::new());
        let (mut f0, mut t0) = (0usize, 0usize);
        for (&nt, &nf) in trees_per_level.iter().zip(feats_per_level) {
            let (nt, nf) = (nt as usize, nf as usize);
            anchors.push(
                anchor_bytes[f0..f0 + nf]
                    .iter()
                    .map(|&a| a as u32)
                    .collect(),
            );
            deltas.push(
                delta_vals[2 * f0..2 * (f0 + nf)]
                    .chunks_exact(2)
                    .map(|d| [d[0], d[1]])
                    .collect(),
            );
            let mut trees = Vec::with_capacity(nt);
            for t in t0..t0 + nt {
                let s = t * n_splits..(t + 1) * n_splits;
                if idx1[s.clone()]
                    .iter()
                    .chain(&idx2[s.clone()])
                    .any(|&i| i as usize >= nf)
                {
                    return Err(err("split refers to a missing feature pixel", r.pos));
                }
                if scales[t] < 0.0 {
                    return Err(err("negative leaf scale", r.pos));
                }
                let splits = s
                    .map(|k| Split {
                        idx1: idx1[k] as u32,
                        idx2: idx2[k] as u32,
                        // f1 - f2 >= t  <=>  f1 - f2 > t - 0.5 (integer features)
                        thresh: thresh[k] as f32 - 0.5,
                    })
                    .collect();
                let l = (n_splits + 1) * dim;
                let leaves = leaves[t * l..(t + 1) * l]
                    .iter()
                    .map(|&q| q as f32 * scales[t])
                    .collect();
                trees.push(Tree { splits, leaves });
            }
            forests.push(trees);
            f0 += nf;
            t0 += nt;
        }
        Ok(ShapePredictor {
            initial,
            forests,
            anchors,
            deltas,
        })
    }

    /// This model in the compact format (module doc). An error when it
    /// does not fit the format: trees of different sizes, more than 255
    /// landmarks or 65535 levels, trees a level or feature pixels.
    pub fn to_compact(&self) -> crate::Result<Vec<u8>> {
        let fail = |what: &str| crate::Error::Model(format!("compact shape model: {what}"));
        let dim = self.initial.len();
        let parts = u8::try_from(dim / 2).map_err(|_| fail("more than 255 landmarks"))?;
        let n_levels = u16::try_from(self.forests.len()).map_err(|_| fail("too many levels"))?;
        let trees = || self.forests.iter().flatten();
        let n_splits = trees().next().map_or(0, |t| t.splits.len());
        if trees().any(|t| t.splits.len() != n_splits) {
            return Err(fail("trees of different sizes"));
        }
        let n_splits16 = u16::try_from(n_splits).map_err(|_| fail("trees too big"))?;
        let mut out = Vec::new();
        out.extend_from_slice(COMPACT_MAGIC);
        out.push(COMPACT_VERSION);
        out.push(parts);
        out.extend_from_slice(&n_levels.to_le_bytes());
        out.extend_from_slice(&n_splits16.to_le_bytes());
        for v in &self.initial {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let mut counts = Vec::new();
        for t in &self.forests {
            counts.push(u16::try_from(t.len()).map_err(|_| fail("too many trees"))?);
        }
        for a in &self.anchors {
            counts.push(u16::try_from(a.len()).map_err(|_| fail("too many feature pixels"))?);
        }
        put_planes(
            &mut out,
            &counts.iter().map(|c| c.to_le_bytes()).collect::<Vec<_>>(),
        );
        // anchors < parts <= 255 (checked when read)
        out.extend(self.anchors.iter().flatten().map(|&a| a as u8));
        let deltas: Vec<[u8; 4]> = self
            .deltas
            .iter()
            .flatten()
            .flat_map(|d| [d[0].to_le_bytes(), d[1].to_le_bytes()])
            .collect();
        put_planes(&mut out, &deltas);
        let splits = || trees().flat_map(|t| &t.splits);
        // feature indices < feature pixels <= 65535 (checked when read)
        put_planes(
            &mut out,
            &splits()
                .map(|s| (s.idx1 as u16).to_le_bytes())
                .collect::<Vec<_>>(),
        );
        put_planes(
            &mut out,
            &splits()
                .map(|s| (s.idx2 as u16).to_le_bytes())
                .collect::<Vec<_>>(),
        );
        let thresh: Vec<[u8; 2]> = splits()
            .map(|s| ((s.thresh.floor() + 1.0).clamp(-255.0, 256.0) as i16).to_le_bytes())
            .collect();
        put_planes(&mut out, &thresh);
        let (mut scales, mut leaves) = (Vec::new(), Vec::new());
        for t in trees() {
            let max = t.leaves.iter().fold(0f32, |m, v| m.max(v.abs()));
            let scale = max / 32767.0;
            scales.push(scale.to_le_bytes());
            leaves.extend(t.leaves.iter().map(|&v| {
                let q = if scale > 0.0 {
                    (v as f64 / scale as f64).round()
                } else {
                    0.0
                };
                (q.clamp(-32767.0, 32767.0) as i16).to_le_bytes()
            }));
        }
        put_planes(&mut out, &scales);
        put_planes(&mut out, &leaves);
        Ok(out)
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
        tiny_model_with(10.0)
    }

    /// The tiny model with its split's threshold.
    fn tiny_model_with(thresh: f32) -> Vec<u8> {
        let mut b = Vec::new();
        enc_int(1, &mut b);
        enc_col(&[0.25, 0.5, 0.75, 0.5], &mut b);
        enc_int(1, &mut b); // levels
        enc_int(1, &mut b); // trees
        enc_int(1, &mut b); // splits
        enc_int(0, &mut b);
        enc_int(1, &mut b);
        enc_float(thresh, &mut b);
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
        let sp = ShapePredictor::read_compact(super::super::SHAPE_MODEL).unwrap();
        assert_eq!(sp.num_parts(), 5);
        assert_eq!(sp.forests.len(), 15);
        assert!(sp.forests.iter().all(|t| t.len() == 500));
        assert!(sp.anchors.iter().all(|a| a.len() == 800));
        // written by this code: converting again gives the same bytes
        assert_eq!(sp.to_compact().unwrap(), super::super::SHAPE_MODEL);
    }

    const RECT9: Rect = Rect {
        left: 0.0,
        top: 0.0,
        width: 9.0,
        height: 9.0,
    };

    /// A 9x9 image whose two feature pixels of the tiny model differ by `d`.
    fn feature_difference(d: i32) -> Vec<u8> {
        let mut img = vec![100u8; 81];
        img[4 * 9 + 2] = (100 + d) as u8;
        img
    }

    #[test]
    fn the_compact_format_decides_every_split_as_dlib_does() {
        for thresh in [10.0, 10.25, 10.75, -3.5, -3.0, 0.0, 300.0, -300.0] {
            let dlib = ShapePredictor::read(&tiny_model_with(thresh)).unwrap();
            let compact = dlib.to_compact().unwrap();
            let back = ShapePredictor::read_compact(&compact).unwrap();
            for d in -100..=155 {
                let img = feature_difference(d);
                assert_eq!(
                    dlib.predict(&img, 9, 9, RECT9),
                    back.predict(&img, 9, 9, RECT9),
                    "threshold {thresh}, difference {d}"
                );
            }
            // feature pixels outside the image read 0
            let out = Rect {
                left: -20.0,
                ..RECT9
            };
            assert_eq!(
                dlib.predict(&[0u8; 81], 9, 9, out),
                back.predict(&[0u8; 81], 9, 9, out)
            );
            assert_eq!(back.to_compact().unwrap(), compact);
        }
    }

    #[test]
    fn compact_leaves_are_within_half_a_step() {
        let dlib = ShapePredictor::read(&tiny_model()).unwrap();
        let back = ShapePredictor::read_compact(&dlib.to_compact().unwrap()).unwrap();
        let (a, b) = (&dlib.forests[0][0].leaves, &back.forests[0][0].leaves);
        let step = 0.25 / 32767.0;
        assert!(a.iter().zip(b).all(|(x, y)| (x - y).abs() <= step / 2.0));
        assert_eq!(dlib.initial, back.initial);
        assert_eq!(dlib.deltas, back.deltas);
        assert_eq!(dlib.anchors, back.anchors);
    }

    fn tiny_compact() -> Vec<u8> {
        ShapePredictor::read(&tiny_model())
            .unwrap()
            .to_compact()
            .unwrap()
    }

    #[test]
    fn truncated_compact_bytes_are_an_error_not_a_panic() {
        let m = tiny_compact();
        assert!(ShapePredictor::read_compact(&m).is_ok());
        for n in 0..m.len() {
            assert!(ShapePredictor::read_compact(&m[..n]).is_err(), "prefix {n}");
        }
        let mut longer = m.clone();
        longer.push(0);
        assert!(ShapePredictor::read_compact(&longer).is_err());
    }

    #[test]
    fn corrupted_compact_bytes_are_an_error_not_a_panic() {
        let m = tiny_compact();
        let mut errors = 0;
        for i in 0..m.len() {
            for v in [0x00u8, 0x01, 0x7f, 0x80, 0xff] {
                let mut c = m.clone();
                c[i] = v;
                if let Ok(sp) = ShapePredictor::read_compact(&c) {
                    // what reads must also run
                    sp.predict(&[7u8; 81], 9, 9, RECT9);
                } else {
                    errors += 1;
                }
            }
        }
        assert!(errors > 0);
        let set = |i: usize, v: &[u8]| {
            let mut c = m.clone();
            c[i..i + v.len()].copy_from_slice(v);
            ShapePredictor::read_compact(&c)
        };
        // layout of the tiny model: header 10, initial 16, level sizes 4,
        // anchors 2, deltas 16, idx1 2, idx2 2, threshold 2, scale 4, leaves 16
        assert!(set(0, b"ZKSQ").is_err(), "magic");
        assert!(set(4, &[2]).is_err(), "version");
        assert!(set(5, &[0]).is_err(), "no landmarks");
        assert!(set(6, &[0xff, 0xff]).is_err(), "65535 levels");
        assert!(set(10, &f32::NAN.to_le_bytes()).is_err(), "initial NaN");
        assert!(set(30, &[2]).is_err(), "anchor out of range");
        assert!(set(48, &[2]).is_err(), "split feature out of range");
        assert!(
            set(50, &[0, 1]).is_err(),
            "split feature out of range (high byte)"
        );
        assert!(set(54, &[0xff, 0xff, 0xff, 0xff]).is_err(), "scale NaN");
        assert!(set(54, &(-1f32).to_le_bytes()).is_err(), "negative scale");
        assert!(
            set(52, &[0x80, 0xff]).is_ok(),
            "any threshold is a threshold"
        );
        // a dlib file is not a compact one, and the other way round
        assert!(ShapePredictor::read_compact(&tiny_model()).is_err());
        assert!(ShapePredictor::read(&m).is_err());
    }

    /// The embedded model against dlib's file (not in the repository):
    /// `ZIKAO_DLIB_5_POINT=../shared/models/shape_predictor_5_face_landmarks.dat
    /// cargo test --lib face::shape -- --ignored`. Everything but the leaves
    /// is exact; the leaves are within half a step of their tree's scale.
    #[test]
    #[ignore = "needs dlib's .dat file (ZIKAO_DLIB_5_POINT)"]
    fn the_embedded_model_is_dlibs() {
        let path = std::env::var("ZIKAO_DLIB_5_POINT").expect("ZIKAO_DLIB_5_POINT");
        let dlib = ShapePredictor::read(&std::fs::read(path).unwrap()).unwrap();
        let ours = ShapePredictor::read_compact(super::super::SHAPE_MODEL).unwrap();
        assert_eq!(dlib.initial, ours.initial);
        assert_eq!(dlib.anchors, ours.anchors);
        assert_eq!(dlib.deltas, ours.deltas);
        let mut worst = 0f32;
        for (a, b) in dlib
            .forests
            .iter()
            .flatten()
            .zip(ours.forests.iter().flatten())
        {
            assert_eq!(a.splits.len(), b.splits.len());
            for (s, t) in a.splits.iter().zip(&b.splits) {
                assert_eq!((s.idx1, s.idx2), (t.idx1, t.idx2));
                // every possible difference of two grey values (or 0)
                for d in -255..=255 {
                    assert_eq!(d as f32 > s.thresh, d as f32 > t.thresh, "{s:?} {t:?} {d}");
                }
            }
            let max = a.leaves.iter().fold(0f32, |m, v| m.max(v.abs()));
            for (x, y) in a.leaves.iter().zip(&b.leaves) {
                let e = (x - y).abs();
                // half a step, and the f32 rounding of q * scale
                assert!(
                    e <= max / 32767.0 * 0.501,
                    "{x} {y} {e:e} step {:e}",
                    max / 32767.0
                );
                worst = worst.max(e);
            }
        }
        assert_eq!(dlib.forests.iter().flatten().count(), 7500);
        eprintln!("largest leaf error {worst:e} (of the box's size)");
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
