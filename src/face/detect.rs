//! Image resampling for the face engine.

/// Area-average downscale of an image with `c` interleaved channels.
pub fn downscale_c(img: &[u8], w: usize, h: usize, c: usize, nw: usize, nh: usize) -> Vec<u8> {
    let mut out = vec![0u8; nw * nh * c];
    let fx = w as f32 / nw as f32;
    let fy = h as f32 / nh as f32;
    let xs: Vec<(usize, usize)> = (0..nw)
        .map(|x| {
            let a = (x as f32 * fx) as usize;
            let b = (((x + 1) as f32 * fx) as usize).clamp(a + 1, w);
            (a, b)
        })
        .collect();
    let mut acc = vec![0u32; nw * c];
    for y in 0..nh {
        let a = (y as f32 * fy) as usize;
        let b = (((y + 1) as f32 * fy) as usize).clamp(a + 1, h);
        acc.iter_mut().for_each(|v| *v = 0);
        for row in img[a * w * c..b * w * c].chunks_exact(w * c) {
            for (x, &(x0, x1)) in xs.iter().enumerate() {
                for px in row[x0 * c..x1 * c].chunks_exact(c) {
                    for k in 0..c {
                        acc[x * c + k] += px[k] as u32;
                    }
                }
            }
        }
        for (x, &(x0, x1)) in xs.iter().enumerate() {
            let n = ((x1 - x0) * (b - a)) as u32;
            for k in 0..c {
                out[(y * nw + x) * c + k] = ((acc[x * c + k] + n / 2) / n) as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_averages_blocks() {
        let g = [0u8, 100, 200, 100, 0, 100, 200, 100];
        let d = downscale_c(&g, 4, 2, 1, 2, 1);
        assert_eq!(d, vec![50, 150]);
    }
}
