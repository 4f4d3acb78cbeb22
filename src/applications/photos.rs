//! Phone photos of ID documents, made lighter before they are kept.
//!
//! A phone camera's photo of an ID card weighs 3–10 MB and measures 4000 px or more: far more
//! than an organiser needs to read it, and heavy to keep and to open on a slow connection.
//! Above [`REDUCE_ABOVE_BYTES`] a JPEG or PNG is turned upright (the camera's orientation
//! tag), scaled to [`MAX_SIDE`] pixels on its longer side and re-encoded as JPEG — which also
//! drops the camera's metadata (GPS position among it). Pure functions, no I/O.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

/// Photos lighter than this are kept as sent.
pub const REDUCE_ABOVE_BYTES: u64 = 2 * 1024 * 1024;

/// The longer side after reduction: an ID card stays readable at this size.
pub const MAX_SIDE: u32 = 2000;

const JPEG_QUALITY: u8 = 85;

/// Refuses images that would need more than this to decode (a small file may declare huge
/// dimensions).
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
const MAX_DIMENSION: u32 = 16_000;

#[derive(Debug, thiserror::Error)]
#[error("the image cannot be read: {0}")]
pub struct UnreadablePhoto(#[from] image::ImageError);

/// The photo, upright, at most [`MAX_SIDE`] on its longer side, as a JPEG.
pub fn reduce(bytes: &[u8]) -> Result<Vec<u8>, UnreadablePhoto> {
    reduce_to(bytes, MAX_SIDE)
}

/// The photo, upright, at most `max_side` pixels on its longer side, as a JPEG without the
/// camera's metadata.
pub fn reduce_to(bytes: &[u8], max_side: u32) -> Result<Vec<u8>, UnreadablePhoto> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(image::ImageError::IoError)?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    reader.limits(limits);
    let mut decoder = reader.into_decoder()?;
    // Decoders differ in when they apply the memory limit: checked here, before any pixel.
    if decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(
            image::ImageError::Limits(image::error::LimitError::from_kind(
                image::error::LimitErrorKind::InsufficientMemory,
            ))
            .into(),
        );
    }
    let orientation = decoder.orientation()?;
    let mut photo = DynamicImage::from_decoder(decoder)?;
    photo.apply_orientation(orientation);
    if photo.width().max(photo.height()) > max_side {
        photo = photo.resize(max_side, max_side, FilterType::Triangle);
    }
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&photo.to_rgb8())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbImage};

    /// A noisy picture, as heavy as a camera's.
    fn photo(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let mut seed = 12345u32;
        let img = RgbImage::from_fn(width, height, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let [a, b, c, _] = seed.to_le_bytes();
            image::Rgb([a, b, c])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).expect("encode");
        out.into_inner()
    }

    #[test]
    fn a_large_photo_becomes_a_smaller_jpeg_of_the_same_proportions() {
        let bytes = photo(3000, 2000, ImageFormat::Png);
        let reduced = reduce(&bytes).expect("reduced");
        assert!(reduced.len() < bytes.len());
        assert_eq!(&reduced[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
        let back = image::load_from_memory(&reduced).expect("readable");
        assert_eq!((back.width(), back.height()), (MAX_SIDE, 1333));
    }

    #[test]
    fn a_small_photo_keeps_its_size_in_pixels() {
        let reduced = reduce(&photo(800, 600, ImageFormat::Jpeg)).expect("reduced");
        let back = image::load_from_memory(&reduced).expect("readable");
        assert_eq!((back.width(), back.height()), (800, 600));
    }

    #[test]
    fn a_broken_or_huge_image_is_refused() {
        let mut broken = photo(100, 100, ImageFormat::Jpeg);
        broken.truncate(200);
        assert!(reduce(&broken).is_err());
        assert!(reduce(b"\x89PNG\r\n\x1a\n not really").is_err());
        // A valid PNG header (checksum included) declaring 15000 × 15000 pixels: within the
        // dimension limit, over the memory one.
        let mut huge = photo(1, 1, ImageFormat::Png);
        huge[16..20].copy_from_slice(&15_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&15_000u32.to_be_bytes());
        let crc = crc32(&huge[12..29]);
        huge[29..33].copy_from_slice(&crc.to_be_bytes());
        let refused = reduce(&huge).expect_err("refused");
        assert!(
            matches!(refused.0, image::ImageError::Limits(_)),
            "refused for its size, not its checksum: {refused}"
        );
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
