//! The emails billing sends: to every owner when the plan changes, and to the owners and
//! the billing address when an invoice is issued. Both are a few lines and a link.
use askama::Template;

use super::{change::PlanChange, close::IssuedInvoice, db::Recipient, period::Period};
use crate::{
    AppError, format,
    i18n::Locale,
    mail::{Email, Threading},
};

pub struct Notice {
    locale: Locale,
    paragraphs: Vec<String>,
    link: String,
    button: String,
}

#[derive(Template)]
#[template(path = "billing/notice_email.txt")]
struct NoticeText<'a> {
    mail: &'a Notice,
}

#[derive(Template)]
#[template(path = "billing/notice_email.html")]
struct NoticeHtml<'a> {
    mail: &'a Notice,
}

impl Notice {
    pub fn plan_changed(
        to: &Recipient,
        company: &str,
        changed_by: &str,
        change: &PlanChange,
        link: &str,
    ) -> Result<Email, AppError> {
        let t = |key| to.language.t(key);
        let (from, new) = (t(change.from.label_key()), t(change.to.label_key()));
        let now_key = if change.is_credit() {
            "billing-email-plan-credit"
        } else {
            "billing-email-plan-charge"
        };
        let notice = Self {
            locale: to.language,
            paragraphs: vec![
                to.language.t_args(
                    "billing-email-plan-body",
                    &[
                        ("who", changed_by),
                        ("company", company),
                        ("from", &from),
                        ("to", &new),
                    ],
                ),
                to.language.t_args(
                    now_key,
                    &[
                        ("amount", &change.prorated()),
                        ("days", &change.days_left()),
                        ("monthly", &change.monthly.monthly()),
                        ("seats", &change.monthly.seats()),
                        ("price", &change.monthly.seat_price()),
                        ("next", &change.next_period()),
                    ],
                ),
            ],
            link: link.to_owned(),
            button: t("billing-email-open-billing"),
        };
        let subject = to.language.t_args(
            "billing-email-plan-subject",
            &[("company", company), ("plan", &new)],
        );
        notice.email(&to.email, subject)
    }

    pub fn invoice(
        to: &Recipient,
        company: &str,
        invoice: &IssuedInvoice,
        period: Period,
        link: &str,
    ) -> Result<Email, AppError> {
        let total = format::money(invoice.total_cents);
        let notice = Self {
            locale: to.language,
            paragraphs: vec![to.language.t_args(
                "billing-email-invoice-body",
                &[
                    ("company", company),
                    ("number", &invoice.number),
                    ("total", &total),
                    ("from", &format::day(period.start)),
                    ("to", &format::day(period.last_day())),
                ],
            )],
            link: link.to_owned(),
            button: to.language.t("billing-email-open-invoice"),
        };
        let subject = to.language.t_args(
            "billing-email-invoice-subject",
            &[
                ("company", company),
                ("number", &invoice.number),
                ("total", &total),
            ],
        );
        notice.email(&to.email, subject)
    }

    fn email(&self, to: &str, subject: String) -> Result<Email, AppError> {
        Ok(Email {
            to: to.to_owned(),
            subject,
            text: NoticeText { mail: self }
                .render()
                .map_err(anyhow::Error::from)?,
            html: NoticeHtml { mail: self }
                .render()
                .map_err(anyhow::Error::from)?,
            threading: Threading::default(),
        })
    }
}
