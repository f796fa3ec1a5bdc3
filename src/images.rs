//! Pictures that people upload (an agent's photo, attachments), decoded within limits and
//! shrunk to small PNGs. Only PNG, JPEG and WebP are decoded, as their content says.
use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use crate::AppError;

/// Pictures larger than this are not decoded, whatever their file size: a small PNG can
/// unpack to gigabytes.
const MAX_SIDE: u32 = 4096;
/// Memory one decoding may take: a 4096 x 4096 picture with an alpha channel.
const MAX_DECODED_BYTES: u64 = 4096 * 4096 * 4 + 1024 * 1024;
/// Decodings at once: the rest wait, so that uploads cannot take every core and the memory.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The picture in `bytes`, when it is a PNG, JPEG or WebP within the limits.
pub fn decode(bytes: &[u8]) -> Option<DynamicImage> {
    let format = image::guess_format(bytes).ok()?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    ) {
        return None;
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    reader.decode().ok()
}

/// `picture` as PNG.
pub fn png(picture: &DynamicImage) -> Option<Vec<u8>> {
    let mut png = Cursor::new(Vec::new());
    picture.write_to(&mut png, ImageFormat::Png).ok()?;
    Some(png.into_inner())
}

/// Runs `work` (decoding, resizing) off the request threads, two at a time.
pub async fn off_the_request_threads<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _turn = DECODING.acquire().await.map_err(anyhow::Error::from)?;
    Ok(tokio::task::spawn_blocking(work)
        .await
        .map_err(anyhow::Error::from)?)
}
