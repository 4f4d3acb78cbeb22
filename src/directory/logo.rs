//! An actor's logo, free of I/O: an upload of at most [`MAX_UPLOAD_BYTES`] that the `image`
//! crate reads (JPEG, PNG, WebP…), reduced to [`SIDE`] pixels as a JPEG without metadata, a
//! few kilobytes for a slow connection whatever was sent.

use crate::applications::photos::reduce_to;

/// The largest upload read.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;

/// The longer side of the logo as kept and shown.
pub const SIDE: u32 = 240;

/// A logo ready to keep: JPEG bytes and their SHA-256 (hex), which names it in addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub jpeg: Vec<u8>,
    pub sha256: String,
}

/// Why a logo was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoError {
    Missing,
    TooLarge { bytes: usize },
    Unreadable,
}

impl LogoError {
    /// The Fluent key of the message and its arguments.
    pub fn message(self) -> (&'static str, Vec<(&'static str, String)>) {
        let megabytes = |b: usize| format!("{:.1}", b as f64 / (1024.0 * 1024.0));
        match self {
            LogoError::Missing => ("directory-logo-missing", Vec::new()),
            LogoError::TooLarge { bytes } => (
                "directory-logo-too-large",
                vec![
                    ("size", megabytes(bytes)),
                    ("max", megabytes(MAX_UPLOAD_BYTES)),
                ],
            ),
            LogoError::Unreadable => ("directory-logo-unreadable", Vec::new()),
        }
    }
}

impl Logo {
    /// `seen` is how many bytes were sent (only the first [`MAX_UPLOAD_BYTES`] are kept in
    /// `bytes`).
    pub fn parse(bytes: &[u8], seen: usize) -> Result<Logo, LogoError> {
        if seen > MAX_UPLOAD_BYTES {
            return Err(LogoError::TooLarge { bytes: seen });
        }
        if bytes.is_empty() {
            return Err(LogoError::Missing);
        }
        let jpeg = reduce_to(bytes, SIDE).map_err(|_| LogoError::Unreadable)?;
        let sha256 = crate::crypto::sha256_hex(&jpeg);
        Ok(Logo { jpeg, sha256 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbImage};
    use std::io::Cursor;

    #[test]
    fn a_logo_is_kept_small_and_bad_uploads_are_refused() {
        let img = RgbImage::from_fn(1000, 500, |x, y| image::Rgb([x as u8, y as u8, 40]));
        let mut png = Cursor::new(Vec::new());
        img.write_to(&mut png, ImageFormat::Png).expect("encode");
        let png = png.into_inner();
        let logo = Logo::parse(&png, png.len()).expect("a logo");
        let kept = image::load_from_memory(&logo.jpeg).expect("a JPEG");
        assert_eq!((kept.width(), kept.height()), (SIDE, SIDE / 2));
        assert_eq!(logo.sha256.len(), 64);
        assert_eq!(Logo::parse(b"", 0), Err(LogoError::Missing));
        assert_eq!(Logo::parse(b"not an image", 12), Err(LogoError::Unreadable));
        assert_eq!(
            Logo::parse(&png, MAX_UPLOAD_BYTES + 1),
            Err(LogoError::TooLarge {
                bytes: MAX_UPLOAD_BYTES + 1
            })
        );
    }
}
