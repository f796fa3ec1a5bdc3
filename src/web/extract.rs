//! The extractors every handler reads input through: forms, query strings and path
//! parameters. PostgreSQL refuses NUL in text and nothing of ours wants other control
//! characters, so what they may carry is decided here, once:
//! - in a form or a query, each such character, and each byte that is not UTF-8, becomes
//!   U+FFFD. Text fields refuse it with a message (`input::text_characters`) and show the
//!   form again with the mark where the character was; anything else never reaches the
//!   database with a NUL, and a search for it finds nothing.
//! - in a path, it names no page: 404.
use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Multipart, RawPathParams, Request},
    http::{header, request::Parts},
};
use serde::de::DeserializeOwned;

use crate::{AppError, attachments::Upload};

/// Control characters other than tab and line breaks, which text may hold.
fn is_refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `application/x-www-form-urlencoded` input, each value cleaned as the module says and
/// repeated names (`agents=a&agents=b`) collected into a `Vec`.
fn deserialize<T: DeserializeOwned>(encoded: &[u8]) -> Result<T, serde_html_form::de::Error> {
    let mut cleaned = form_urlencoded::parse(encoded).fold(
        form_urlencoded::Serializer::new(String::new()),
        |mut cleaned, (name, value)| {
            cleaned.append_pair(
                &name.replace(is_refused, "\u{FFFD}"),
                &value.replace(is_refused, "\u{FFFD}"),
            );
            cleaned
        },
    );
    serde_html_form::from_str(&cleaned.finish())
}

/// A submitted form (POST body).
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest("error-bad-request"));
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        deserialize(&body)
            .map(Self)
            .map_err(|_| AppError::BadRequest("error-bad-request"))
    }
}

/// A submitted form that may carry files in its `attachments` inputs: `multipart/form-data`
/// (the text fields cleaned as in `Form`), or a plain form, which carries none. A file
/// input left empty sends no file.
pub struct FormWithFiles<T> {
    pub form: T,
    pub files: Vec<Upload>,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for FormWithFiles<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let is_multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("multipart/form-data"));
        if !is_multipart {
            let Form(form) = Form::from_request(request, state).await?;
            return Ok(Self {
                form,
                files: Vec::new(),
            });
        }
        fn bad<E>(_: E) -> AppError {
            AppError::BadRequest("error-bad-request")
        }
        let mut multipart = Multipart::from_request(request, state).await.map_err(bad)?;
        let mut fields = Vec::new();
        let mut files = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(filename) => {
                    let data = field.bytes().await.map_err(bad)?;
                    if name == "attachments" && !(filename.is_empty() && data.is_empty()) {
                        files.push(Upload { filename, data });
                    }
                }
                None => {
                    let value = field.text().await.map_err(bad)?;
                    fields.push((name, value));
                }
            }
        }
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let form = deserialize(encoded.as_bytes()).map_err(bad)?;
        Ok(Self { form, files })
    }
}

/// A query string; a missing one is the empty query.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        deserialize(query.as_bytes())
            .map(Self)
            .map_err(|_| AppError::BadRequest("error-bad-request"))
    }
}

/// Path parameters. One that does not parse, is not UTF-8 or holds a control character
/// names no page: 404, like another workspace's token.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        if raw.iter().any(|(_, value)| value.contains(is_refused)) {
            return Err(AppError::NotFound);
        }
        let axum::extract::Path(value) = axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        Ok(Self(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Sample {
        name: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn control_characters_and_bytes_that_are_not_utf8_become_the_replacement_mark() {
        let sample: Sample = deserialize(b"name=a%00b%1B%FFc%09d%0A&tags=x&tags=%07").unwrap();
        assert_eq!(sample.name, "a\u{FFFD}b\u{FFFD}\u{FFFD}c\td\n");
        assert_eq!(sample.tags, ["x", "\u{FFFD}"]);
    }

    #[test]
    fn plain_text_passes_unchanged() {
        let sample: Sample = deserialize("name=%E4%BD%A0%E5%A5%BD+%26+more".as_bytes()).unwrap();
        assert_eq!(sample.name, "你好 & more");
    }
}
