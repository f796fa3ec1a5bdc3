//! The short emails about something that happened (a ticket event, a plan change, an
//! invoice): a few paragraphs, a button with its link, perhaps a footnote with a link of its
//! own. One pair of templates serves them all.
use askama::Template;

use super::{Email, Threading};
use crate::i18n::Locale;

pub struct Notice {
    pub locale: Locale,
    pub paragraphs: Vec<String>,
    pub button: String,
    pub link: String,
    pub footnote: Option<Footnote>,
}

/// Small print under the button: why the email came, and where to change that.
pub struct Footnote {
    pub text: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct NoticeText<'a> {
    mail: &'a Notice,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct NoticeHtml<'a> {
    mail: &'a Notice,
}

impl Notice {
    pub fn email(&self, to: &str, subject: String, threading: Threading) -> anyhow::Result<Email> {
        Ok(Email {
            to: to.to_owned(),
            subject,
            text: NoticeText { mail: self }.render()?,
            html: NoticeHtml { mail: self }.render()?,
            threading,
        })
    }
}
