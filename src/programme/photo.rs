//! A speaker's photo, free of I/O: an upload of at most [`MAX_UPLOAD_BYTES`] that the `image`
//! crate can read (JPEG, PNG, WebP… whatever a phone gives), turned upright and reduced to
//! [`SIDE`] pixels as a JPEG without the camera's metadata — a few kilobytes for a slow
//! connection, whatever was sent.

use crate::applications::photos::reduce_to;

/// The largest upload read: a phone camera's photo.
pub const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;

/// The longer side of the photo as kept and shown.
pub const SIDE: u32 = 320;

/// A photo ready to keep: JPEG bytes and their SHA-256 (hex), which names it in addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerPhoto {
    pub jpeg: Vec<u8>,
    pub sha256: String,
}

/// Why a photo was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    Missing,
    TooLarge { bytes: usize },
    Unreadable,
}

impl PhotoError {
    /// The Fluent key of the message and its arguments.
    pub fn message(self) -> (&'static str, Vec<(&'static str, String)>) {
        let megabytes = |b: usize| format!("{:.1}", b as f64 / (1024.0 * 1024.0));
        match self {
            PhotoError::Missing => ("programme-photo-missing", Vec::new()),
            PhotoError::TooLarge { bytes } => (
                "programme-photo-too-large",
                vec![
                    ("size", megabytes(bytes)),
                    ("max", megabytes(MAX_UPLOAD_BYTES)),
                ],
            ),
            PhotoError::Unreadable => ("programme-photo-unreadable", Vec::new()),
        }
    }
}

impl SpeakerPhoto {
    /// `seen` is how many bytes were sent (only the first [`MAX_UPLOAD_BYTES`] are kept in
    /// `bytes`).
    pub fn parse(bytes: &[u8], seen: usize) -> Result<SpeakerPhoto, PhotoError> {
        if seen > MAX_UPLOAD_BYTES {
            return Err(PhotoError::TooLarge { bytes: seen });
        }
        if bytes.is_empty() {
            return Err(PhotoError::Missing);
        }
        let jpeg = reduce_to(bytes, SIDE).map_err(|_| PhotoError::Unreadable)?;
        let sha256 = crate::crypto::sha256_hex(&jpeg);
        Ok(SpeakerPhoto { jpeg, sha256 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbImage};
    use std::io::Cursor;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).expect("encode");
        out.into_inner()
    }

    #[test]
    fn a_large_picture_is_kept_small() {
        let sent = png(1600, 1200);
        let photo = SpeakerPhoto::parse(&sent, sent.len()).expect("a photo");
        let kept = image::load_from_memory(&photo.jpeg).expect("a JPEG");
        assert_eq!((kept.width(), kept.height()), (320, 240));
        assert!(photo.jpeg.starts_with(&[0xFF, 0xD8]));
        assert_eq!(photo.sha256.len(), 64);
    }

    #[test]
    fn too_large_empty_and_unreadable_are_refused() {
        assert_eq!(
            SpeakerPhoto::parse(b"x", MAX_UPLOAD_BYTES + 1),
            Err(PhotoError::TooLarge {
                bytes: MAX_UPLOAD_BYTES + 1
            })
        );
        assert_eq!(SpeakerPhoto::parse(b"", 0), Err(PhotoError::Missing));
        let text = b"<svg onload=alert(1)>";
        assert_eq!(
            SpeakerPhoto::parse(text, text.len()),
            Err(PhotoError::Unreadable)
        );
    }
}
