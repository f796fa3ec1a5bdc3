//! Files on ticket messages, both ways: customers attach them on the contact form and
//! their ticket page, agents on replies and notes, and inbound email brings its own.
//!
//! A file is stored as what its content is (magic bytes), never as the sender declared;
//! pictures get a small thumbnail for the thread. Files live in PostgreSQL, so that every
//! `serve` process sees them and `make run` needs nothing else. Every download checks that
//! the caller may see the message now, is served as a download (`Content-Disposition:
//! attachment`, `nosniff`: an HTML or SVG file never renders on our origin) and streams
//! in slices, so that a large file never sits whole in memory.
mod bucket;
pub mod db;

use anyhow::Context;
use axum::{
    Router,
    body::{Body, Bytes},
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use image::imageops::FilterType;
use serde::Deserialize;
use uuid::Uuid;

use self::bucket::Bucket;
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    config::{Config, S3Config},
    i18n::Locale,
    images,
    tickets::db::{Viewer, customer_ticket, visible_ticket},
    web::{
        PathId,
        extract::{Path, Query},
    },
};

/// Most files on one message.
pub const MAX_FILES: usize = 10;
/// Most bytes of all the files on one message.
pub const MAX_BYTES: usize = 25 * 1024 * 1024;
/// Longest file name kept, in characters.
const NAME_LIMIT: usize = 200;
/// A thumbnail fits this square, twice the size shown for high-density screens.
const THUMBNAIL_SIDE: u32 = 320;
/// A download reads the file from PostgreSQL this much at a time.
const SLICE: i32 = 256 * 1024;
/// Types a browser may show as a picture of the thread; anything else is only downloaded.
const PICTURES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// The agent's and the customer's downloads.
pub fn router() -> Router<AppState> {
    Router::new().route("/app/attachments/{id}", get(agent_download))
}

pub fn public_router() -> Router<AppState> {
    Router::new().route(
        "/help/{workspace}/tickets/{token}/attachments/{id}",
        get(customer_download),
    )
}

/// A file as it arrived: the name its sender gave and its bytes.
#[derive(Debug)]
pub struct Upload {
    pub filename: String,
    pub data: Bytes,
}

/// Whether `files` keep to the limits; the message key of the refusal if not.
pub fn check(files: &[Upload]) -> Result<(), &'static str> {
    if files.len() > MAX_FILES {
        return Err("attachments-too-many");
    }
    if files.iter().map(|file| file.data.len()).sum::<usize>() > MAX_BYTES {
        return Err("attachments-too-large");
    }
    Ok(())
}

/// A file ready to store; in the bucket already when `object_key` is set.
pub struct NewFile {
    pub id: Uuid,
    pub object_key: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub data: Bytes,
    pub thumbnail: Option<Vec<u8>>,
}

/// The type of `data` as its content tells; text that is not a known format is plain text.
pub fn content_type_of(data: &[u8]) -> &'static str {
    match infer::get(data) {
        Some(kind) => kind.mime_type(),
        None if std::str::from_utf8(data).is_ok() => "text/plain",
        None => "application/octet-stream",
    }
}

/// The last part of a path-like name, without control characters, at most `NAME_LIMIT`
/// characters; "file" when nothing is left.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_LIMIT)
        .collect();
    match cleaned.trim() {
        "" | "." | ".." => "file".to_owned(),
        name => name.to_owned(),
    }
}

/// A PNG thumbnail of a picture, none for anything else.
fn thumbnail(data: &[u8]) -> Option<Vec<u8>> {
    let picture = images::decode(data)?;
    let small = if picture.width() > THUMBNAIL_SIDE || picture.height() > THUMBNAIL_SIDE {
        picture.resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, FilterType::Triangle)
    } else {
        picture
    };
    images::png(&small)
}

/// Names cleaned, types told by content, thumbnails made (off the request threads), and
/// with a bucket configured, the bytes put there: before any transaction, so that none
/// waits on the bucket. (Files of a message that is then not saved stay in the bucket.)
pub async fn prepare(config: &Config, uploads: Vec<Upload>) -> Result<Vec<NewFile>, AppError> {
    let bucket = config.s3.as_ref().map(Bucket::new).transpose()?;
    let mut files = Vec::with_capacity(uploads.len());
    for upload in uploads {
        let id = Uuid::now_v7();
        let object_key = match &bucket {
            Some(bucket) => {
                let key = id.to_string();
                bucket.put(&key, upload.data.clone()).await?;
                Some(key)
            }
            None => None,
        };
        let content_type = content_type_of(&upload.data).to_owned();
        let thumbnail = if PICTURES.contains(&content_type.as_str()) {
            let data = upload.data.clone();
            images::off_the_request_threads(move || thumbnail(&data)).await?
        } else {
            None
        };
        files.push(NewFile {
            id,
            object_key,
            filename: clean_name(&upload.filename),
            content_type,
            data: upload.data,
            thumbnail,
        });
    }
    Ok(files)
}

/// Stores `files` on message `message_id`.
pub async fn store(
    conn: &mut sqlx::PgConnection,
    account_id: Uuid,
    message_id: Uuid,
    files: &[NewFile],
) -> sqlx::Result<()> {
    for file in files {
        db::insert(conn, account_id, message_id, file).await?;
    }
    Ok(())
}

/// A file in the thread: its link, size and thumbnail.
pub struct Shown {
    pub message_id: Uuid,
    pub filename: String,
    pub href: String,
    pub thumbnail: Option<String>,
    pub size: String,
}

/// The files of a ticket as its thread shows them; `base` is the download path before the
/// file's id.
pub fn shown(files: Vec<db::Listed>, base: &str, locale: Locale) -> Vec<Shown> {
    files
        .into_iter()
        .map(|file| {
            let href = format!("{base}/{}", file.id);
            Shown {
                message_id: file.message_id,
                thumbnail: file.has_thumbnail.then(|| format!("{href}?size=thumbnail")),
                href,
                size: crate::format::bytes(locale, i64::from(file.size)),
                filename: file.filename,
            }
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
struct DownloadQuery {
    /// `thumbnail`: the picture's small PNG.
    size: Option<String>,
}

/// `GET /app/attachments/{id}`: for an agent who may see the ticket now.
async fn agent_download(
    State(state): State<AppState>,
    agent: CurrentAgent,
    PathId(id): PathId,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let file = db::stored(&mut conn, agent.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    visible_ticket(&mut conn, &Viewer::of(&agent), file.ticket_number)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    download(&state, agent.account_id, id, file, query).await
}

/// `GET /help/{workspace}/tickets/{token}/attachments/{id}`: for the customer who holds the
/// ticket's link, never a note's file.
async fn customer_download(
    State(state): State<AppState>,
    Path((workspace, token, id)): Path<(String, String, String)>,
    Query(query): Query<DownloadQuery>,
) -> Result<Response, AppError> {
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let mut conn = state.db.acquire().await?;
    let ticket = customer_ticket(&mut conn, &workspace, &token)
        .await?
        .ok_or(AppError::NotFound)?;
    let file = db::stored(&mut conn, ticket.account_id, id)
        .await?
        .filter(|file| file.ticket_id == ticket.id)
        .filter(|file| matches!(file.message_kind.as_str(), "customer" | "reply"))
        .ok_or(AppError::NotFound)?;
    drop(conn);
    download(&state, ticket.account_id, id, file, query).await
}

/// The file, or its thumbnail, as a download that never renders as a page of ours.
async fn download(
    state: &AppState,
    account_id: Uuid,
    id: Uuid,
    file: db::Stored,
    query: DownloadQuery,
) -> Result<Response, AppError> {
    // Browsers show a picture in an <img> whatever the disposition; anything else is
    // bytes, whatever it was declared as.
    let picture = PICTURES.contains(&file.content_type.as_str());
    let (content_type, body) = if query.size.as_deref() == Some("thumbnail") {
        let thumbnail = db::thumbnail(&mut *state.db.acquire().await?, account_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        ("image/png".to_owned(), Body::from(thumbnail))
    } else {
        let content_type = if picture {
            file.content_type.clone()
        } else {
            "application/octet-stream".to_owned()
        };
        let body = match &file.object_key {
            Some(key) => Body::from_stream(
                bucket_of(state.config.s3.as_ref())?
                    .get(key)
                    .await?
                    .bytes_stream(),
            ),
            None => Body::from_stream(slices(state.db.clone(), account_id, id, file.size)),
        };
        (content_type, body)
    };
    let disposition = format!(
        "attachment; filename=\"download\"; filename*=UTF-8''{}",
        percent_encode(&file.filename)
    );
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).map_err(anyhow::Error::from)?,
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(anyhow::Error::from)?,
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Visibility can change (a ticket moves to another department): only the caller's
    // browser keeps a copy, and only briefly.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(response)
}

/// The bucket that holds files with an object key: one must be configured still.
fn bucket_of(s3: Option<&S3Config>) -> anyhow::Result<Bucket> {
    Bucket::new(s3.context("a file is in a bucket, but S3_ENDPOINT and the rest are not set")?)
}

/// Reads the bytes of a file to mail from the bucket, when they are there.
pub async fn mailed_bytes(s3: Option<&S3Config>, file: &mut db::Mailed) -> anyhow::Result<()> {
    if let Some(key) = &file.object_key {
        file.data = bucket_of(s3)?.get(key).await?.bytes().await?.to_vec();
    }
    Ok(())
}

/// File `id` read slice by slice, each on a pooled connection only while it is read.
fn slices(
    db: sqlx::PgPool,
    account_id: Uuid,
    id: Uuid,
    size: i32,
) -> impl futures_util::Stream<Item = Result<Bytes, sqlx::Error>> {
    futures_util::stream::try_unfold(0_i32, move |offset| {
        let db = db.clone();
        async move {
            if offset >= size {
                return Ok(None);
            }
            let slice = db::slice(&mut *db.acquire().await?, account_id, id, offset, SLICE)
                .await?
                .unwrap_or_default();
            if slice.is_empty() {
                return Ok(None);
            }
            Ok(Some((Bytes::from(slice), offset.saturating_add(SLICE))))
        }
    })
}

/// RFC 5987 encoding of a file name.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(percent_encode("a b\"c.pdf"), "a%20b%22c.pdf");
        assert_eq!(percent_encode("报告.pdf"), "%E6%8A%A5%E5%91%8A.pdf");
    }

    #[test]
    fn names_lose_their_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\x\\report.pdf"), "report.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\r\n.txt"), "ab.txt");
        assert_eq!(clean_name(" .. "), "file");
        assert_eq!(clean_name(&"x".repeat(500)).chars().count(), NAME_LIMIT);
    }

    #[test]
    fn the_type_is_what_the_content_is() {
        let png = images::png(&image::DynamicImage::new_rgb8(2, 2)).unwrap();
        assert_eq!(content_type_of(&png), "image/png");
        assert_eq!(content_type_of(b"%PDF-1.7\n..."), "application/pdf");
        assert_eq!(
            content_type_of("plain words, 中文".as_bytes()),
            "text/plain"
        );
        assert_eq!(
            content_type_of(&[0xff, 0x00, 0x13, 0x37]),
            "application/octet-stream"
        );
    }

    #[test]
    fn pictures_get_thumbnails_that_fit_the_square() {
        let wide = images::png(&image::DynamicImage::new_rgb8(1280, 640)).unwrap();
        let small = image::load_from_memory(&thumbnail(&wide).unwrap()).unwrap();
        assert_eq!((small.width(), small.height()), (320, 160));
        assert_eq!(
            thumbnail(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            None
        );
    }
}
