//! Decoding with EXIF orientation, and cropping/resizing in upright
//! coordinates without turning the whole (possibly 12-megapixel) image:
//! an upright rectangle is mapped to the stored pixels, resized there, and
//! only the small result is turned upright. Applying the EXIF orientation
//! is what every viewer shows; it is not a rotation of the portrait.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, RgbImage};

/// A decoded photo: stored pixels plus the EXIF orientation that makes
/// them upright.
pub struct Photo {
    pub stored: RgbImage,
    pub orientation: Orientation,
    /// The EXIF orientation value (1-8; 1 when absent).
    pub exif_orientation: u8,
}

/// Decodes any supported image (JPEG, PNG) to 8-bit RGB, reading the EXIF
/// orientation.
pub fn decode(bytes: &[u8]) -> Result<Photo, String> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut dec = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = dec.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(dec).map_err(|e| e.to_string())?;
    let stored = match img {
        DynamicImage::ImageRgb8(i) => i,
        other => other.to_rgb8(),
    };
    Ok(Photo {
        stored,
        exif_orientation: exif_value(orientation),
        orientation,
    })
}

/// Turns stored pixels upright by an EXIF orientation value (1-8; any
/// other value leaves them as they are). Shared with `photo check`, which
/// measures the upright picture.
pub fn apply_exif(stored: RgbImage, exif: u16) -> RgbImage {
    match u8::try_from(exif).ok().and_then(Orientation::from_exif) {
        Some(o) if o != Orientation::NoTransforms => {
            let mut d = DynamicImage::ImageRgb8(stored);
            d.apply_orientation(o);
            d.into_rgb8()
        }
        _ => stored,
    }
}

/// The EXIF value of an orientation.
pub fn exif_value(o: Orientation) -> u8 {
    match o {
        Orientation::NoTransforms => 1,
        Orientation::FlipHorizontal => 2,
        Orientation::Rotate180 => 3,
        Orientation::FlipVertical => 4,
        Orientation::Rotate90FlipH => 5,
        Orientation::Rotate90 => 6,
        Orientation::Rotate270FlipH => 7,
        Orientation::Rotate270 => 8,
    }
}

/// Whether the orientation swaps width and height.
pub fn swaps(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

impl Photo {
    /// Upright width and height.
    pub fn upright_size(&self) -> (u32, u32) {
        let (w, h) = self.stored.dimensions();
        if swaps(self.orientation) {
            (h, w)
        } else {
            (w, h)
        }
    }

    /// Maps an upright point (continuous coordinates) to stored pixels.
    fn to_stored(&self, x: f64, y: f64) -> (f64, f64) {
        let (sw, sh) = {
            let (w, h) = self.stored.dimensions();
            (w as f64, h as f64)
        };
        match self.orientation {
            Orientation::NoTransforms => (x, y),
            Orientation::FlipHorizontal => (sw - x, y),
            Orientation::Rotate180 => (sw - x, sh - y),
            Orientation::FlipVertical => (x, sh - y),
            Orientation::Rotate90 => (y, sh - x),
            Orientation::Rotate270 => (sw - y, x),
            Orientation::Rotate90FlipH => (y, x),
            Orientation::Rotate270FlipH => (sw - y, sh - x),
        }
    }

    /// The upright rectangle `(x, y, w, h)` resized to `out_w` x `out_h`
    /// upright pixels with `alg`. The rectangle must lie inside the photo.
    pub fn render(
        &self,
        rect: (f64, f64, f64, f64),
        out_w: u32,
        out_h: u32,
        alg: ResizeAlg,
    ) -> Result<RgbImage, String> {
        let (x, y, w, h) = rect;
        let (ax, ay) = self.to_stored(x, y);
        let (bx, by) = self.to_stored(x + w, y + h);
        let (l, t) = (ax.min(bx), ay.min(by));
        let (cw, ch) = ((ax - bx).abs(), (ay - by).abs());
        let (dw, dh) = if swaps(self.orientation) {
            (out_h, out_w)
        } else {
            (out_w, out_h)
        };
        let (sw, sh) = self.stored.dimensions();
        let src = ImageRef::new(sw, sh, self.stored.as_raw(), PixelType::U8x3)
            .map_err(|e| e.to_string())?;
        let mut dst = Image::new(dw, dh, PixelType::U8x3);
        let opts = ResizeOptions::new().resize_alg(alg).crop(l, t, cw, ch);
        Resizer::new()
            .resize(&src, &mut dst, &opts)
            .map_err(|e| e.to_string())?;
        let small = RgbImage::from_raw(dw, dh, dst.into_vec()).ok_or("resize buffer")?;
        let mut d = DynamicImage::ImageRgb8(small);
        d.apply_orientation(self.orientation);
        Ok(match d {
            DynamicImage::ImageRgb8(i) => i,
            other => other.to_rgb8(),
        })
    }

    /// The whole photo, upright, with Lanczos3 at `scale` (for analysis).
    /// Returns the image and the exact scale used per axis.
    pub fn overview(&self, max_side: u32) -> Result<(RgbImage, f64, f64), String> {
        let (uw, uh) = self.upright_size();
        let k = (max_side as f64 / uw.max(uh) as f64).min(1.0);
        let ow = ((uw as f64 * k).round() as u32).max(1);
        let oh = ((uh as f64 * k).round() as u32).max(1);
        if k >= 1.0 {
            let mut d = DynamicImage::ImageRgb8(self.stored.clone());
            d.apply_orientation(self.orientation);
            return Ok((d.to_rgb8(), 1.0, 1.0));
        }
        let img = self.render(
            (0.0, 0.0, uw as f64, uh as f64),
            ow,
            oh,
            ResizeAlg::Convolution(FilterType::Bilinear),
        )?;
        Ok((img, ow as f64 / uw as f64, oh as f64 / uh as f64))
    }

    /// The upright rectangle resized to the output with Lanczos3.
    pub fn render_lanczos(
        &self,
        rect: (f64, f64, f64, f64),
        out_w: u32,
        out_h: u32,
    ) -> Result<RgbImage, String> {
        self.render(
            rect,
            out_w,
            out_h,
            ResizeAlg::Convolution(FilterType::Lanczos3),
        )
    }

    /// The upright photo at full size (used when it already has the
    /// output's size).
    pub fn upright(&self) -> RgbImage {
        if self.orientation == Orientation::NoTransforms {
            return self.stored.clone();
        }
        let mut d = DynamicImage::ImageRgb8(self.stored.clone());
        d.apply_orientation(self.orientation);
        d.to_rgb8()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (x * 255 / w) as u8,
                (y * 255 / h) as u8,
                ((x * 7 + y * 3) % 256) as u8,
            ])
        })
    }

    #[test]
    fn every_orientation_renders_like_the_upright_image() {
        let up = pattern(120, 160);
        let upright = Photo {
            stored: up.clone(),
            orientation: Orientation::NoTransforms,
            exif_orientation: 1,
        };
        let rect = (10.0, 20.0, 60.0, 80.0);
        let want = upright.render_lanczos(rect, 30, 40).unwrap();
        for exif in 2..=8u8 {
            let o = Orientation::from_exif(exif).unwrap();
            // stored pixels: the inverse transform of the upright image
            let mut stored = DynamicImage::ImageRgb8(up.clone());
            let inv = match o {
                Orientation::Rotate90 => Orientation::Rotate270,
                Orientation::Rotate270 => Orientation::Rotate90,
                other => other,
            };
            stored.apply_orientation(inv);
            let p = Photo {
                stored: stored.to_rgb8(),
                orientation: o,
                exif_orientation: exif,
            };
            assert_eq!(p.upright_size(), (120, 160), "exif {exif}");
            assert_eq!(p.upright(), up, "exif {exif}");
            let got = p.render_lanczos(rect, 30, 40).unwrap();
            let diff: u64 = got
                .as_raw()
                .iter()
                .zip(want.as_raw())
                .map(|(a, b)| (*a as i32 - *b as i32).unsigned_abs() as u64)
                .sum();
            assert!(
                diff as f64 / (got.as_raw().len() as f64) < 1.0,
                "exif {exif}: mean diff {}",
                diff as f64 / got.as_raw().len() as f64
            );
        }
    }
}
