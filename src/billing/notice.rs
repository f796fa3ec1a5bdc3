//! The emails billing sends: to every owner when the plan changes, and to the owners and
//! the billing address when an invoice is issued.
use super::{change::PlanChange, close::IssuedInvoice, db::Recipient, period::Period};
use crate::{
    format,
    mail::{Email, Notice, Threading},
};

pub fn plan_changed(
    to: &Recipient,
    company: &str,
    changed_by: &str,
    change: &PlanChange,
    link: &str,
) -> anyhow::Result<Email> {
    let locale = to.language;
    let (from, new) = (
        locale.t(change.from.label_key()),
        locale.t(change.to.label_key()),
    );
    let now_key = if change.is_credit() {
        "billing-email-plan-credit"
    } else {
        "billing-email-plan-charge"
    };
    let notice = Notice {
        locale,
        paragraphs: vec![
            locale.t_args(
                "billing-email-plan-body",
                &[
                    ("who", changed_by),
                    ("company", company),
                    ("from", &from),
                    ("to", &new),
                ],
            ),
            locale.t_args(
                now_key,
                &[
                    ("amount", &change.prorated()),
                    ("days", &change.days_left()),
                    ("monthly", &change.monthly.monthly()),
                    ("seats", &change.monthly.seats()),
                    ("price", &change.monthly.seat_price()),
                    ("next", &format::day(locale, change.next_period)),
                ],
            ),
        ],
        button: locale.t("billing-email-open-billing"),
        link: link.to_owned(),
        footnote: None,
    };
    let subject = locale.t_args(
        "billing-email-plan-subject",
        &[("company", company), ("plan", &new)],
    );
    notice.email(&to.email, subject, Threading::default())
}

pub fn invoice_issued(
    to: &Recipient,
    company: &str,
    invoice: &IssuedInvoice,
    period: Period,
    link: &str,
) -> anyhow::Result<Email> {
    let locale = to.language;
    let total = format::money(invoice.total_cents);
    let notice = Notice {
        locale,
        paragraphs: vec![locale.t_args(
            "billing-email-invoice-body",
            &[
                ("company", company),
                ("number", &invoice.number),
                ("total", &total),
                ("from", &format::day(locale, period.start)),
                ("to", &format::day(locale, period.last_day())),
            ],
        )],
        button: locale.t("billing-email-open-invoice"),
        link: link.to_owned(),
        footnote: None,
    };
    let subject = locale.t_args(
        "billing-email-invoice-subject",
        &[
            ("company", company),
            ("number", &invoice.number),
            ("total", &total),
        ],
    );
    notice.email(&to.email, subject, Threading::default())
}
