//! The agent's photo: uploaded as PNG, JPEG or WebP (the type told by the content, never by
//! the name), decoded within limits, cropped to a square and stored as a small PNG.
use axum::{
    extract::{Multipart, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use image::imageops::FilterType;
use tower_sessions::Session;

use super::{db, page::profile_page};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    images,
    input::FieldErrors,
    web::{PageContext, PathId, flash},
};

/// The largest photo accepted.
const PHOTO_MAX_BYTES: usize = 2 * 1024 * 1024;
/// The stored square's side, twice the largest size shown, for sharp high-density screens.
const THUMBNAIL_SIDE: u32 = 160;

/// Why a photo was refused, as a message key.
type Refusal = &'static str;

/// The uploaded bytes as a square PNG thumbnail.
fn thumbnail(bytes: &[u8]) -> Result<Vec<u8>, Refusal> {
    let picture = images::decode(bytes).ok_or("profile-photo-not-image")?;
    // Triangle is a fraction of Lanczos3's work, and as sharp at this size.
    let square = picture.resize_to_fill(THUMBNAIL_SIDE, THUMBNAIL_SIDE, FilterType::Triangle);
    images::png(&square).ok_or("profile-photo-not-image")
}

/// The `photo` field of the upload, or why there is none to use.
async fn photo_field(multipart: &mut Multipart) -> Result<Result<Vec<u8>, Refusal>, AppError> {
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::PayloadTooLarge)?
    {
        if field.name() != Some("photo") {
            continue;
        }
        let bytes = field.bytes().await.map_err(|_| AppError::PayloadTooLarge)?;
        return Ok(if bytes.is_empty() {
            Err("profile-photo-missing")
        } else if bytes.len() > PHOTO_MAX_BYTES {
            Err("profile-photo-too-large")
        } else {
            Ok(bytes.to_vec())
        });
    }
    Ok(Err("profile-photo-missing"))
}

pub(super) async fn upload_photo(
    State(state): State<AppState>,
    session: Session,
    ctx: PageContext,
    agent: CurrentAgent,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let thumbnail = match photo_field(&mut multipart).await? {
        Ok(bytes) => images::off_the_request_threads(move || thumbnail(&bytes)).await?,
        Err(refusal) => Err(refusal),
    };
    let thumbnail = match thumbnail {
        Ok(thumbnail) => thumbnail,
        Err(refusal) => {
            let page = profile_page(
                &state,
                ctx,
                &agent,
                None,
                FieldErrors::default(),
                Some(refusal),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let mut conn = state.db.acquire().await?;
    db::set_photo(&mut conn, agent.account_id, agent.id, Some(&thumbnail)).await?;
    tracing::info!(agent_id = %agent.id, bytes = thumbnail.len(), "photo saved");
    flash::success(&session, "profile-photo-saved").await?;
    Ok(Redirect::to("/app/profile").into_response())
}

pub(super) async fn delete_photo(
    State(state): State<AppState>,
    session: Session,
    agent: CurrentAgent,
) -> Result<Response, AppError> {
    db::set_photo(
        &mut *state.db.acquire().await?,
        agent.account_id,
        agent.id,
        None,
    )
    .await?;
    flash::success(&session, "profile-photo-removed").await?;
    Ok(Redirect::to("/app/profile").into_response())
}

/// `GET /app/photos/{id}`: the photo of an agent of the caller's workspace.
pub(super) async fn show_photo(
    State(state): State<AppState>,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let photo = db::photo(&mut *state.db.acquire().await?, agent.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            // The address changes with the photo.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable",
            ),
        ],
        photo,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use image::{DynamicImage, ImageFormat, RgbImage};

    use super::*;

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let picture = DynamicImage::ImageRgb8(RgbImage::new(width, height));
        let mut bytes = Cursor::new(Vec::new());
        picture.write_to(&mut bytes, format).unwrap();
        bytes.into_inner()
    }

    #[test]
    fn photos_become_square_png_thumbnails_whatever_their_shape() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let png = thumbnail(&encoded(640, 200, format)).unwrap();
            let stored = image::load_from_memory_with_format(&png, ImageFormat::Png).unwrap();
            assert_eq!((stored.width(), stored.height()), (160, 160), "{format:?}");
        }
    }

    #[test]
    fn anything_else_is_refused_by_its_content() {
        assert_eq!(
            thumbnail(b"GIF89a not allowed"),
            Err("profile-photo-not-image")
        );
        assert_eq!(
            thumbnail(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Err("profile-photo-not-image")
        );
        let mut truncated = encoded(64, 64, ImageFormat::Png);
        truncated.truncate(40);
        assert_eq!(thumbnail(&truncated), Err("profile-photo-not-image"));
        assert_eq!(
            thumbnail(&encoded(9000, 1, ImageFormat::Png)),
            Err("profile-photo-not-image")
        );
    }
}
