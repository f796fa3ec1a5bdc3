//! Closing billing periods: each period that has ended gets its invoice (when it costs
//! anything), numbered per workspace and mailed to the owners. `serve` runs this every few
//! minutes and `frontdesk billing close-periods` by hand; the `billing_periods` primary key
//! lets exactly one of any number of closers through for each period.
use std::fmt;

use sqlx::PgPool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    db::{self, NewInvoice},
    lines, notice,
    period::{Period, day_of},
};
use crate::{config::Config, format, mail};

/// A period this run closed, and the invoice it issued, if the period cost anything.
pub struct ClosedPeriod {
    pub account_id: Uuid,
    pub workspace: String,
    pub period: Period,
    pub invoice: Option<IssuedInvoice>,
}

pub struct IssuedInvoice {
    pub number: String,
    pub total_cents: i64,
}

impl fmt::Display for ClosedPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: period {} to {} closed, ",
            self.workspace,
            format::iso_day(self.period.start),
            format::iso_day(self.period.last_day())
        )?;
        match &self.invoice {
            Some(invoice) => write!(
                f,
                "invoice {} for {} issued",
                invoice.number,
                format::money(invoice.total_cents)
            ),
            None => write!(f, "nothing to invoice"),
        }
    }
}

/// Closes every period of every workspace that ended by `now`, oldest first, so that a
/// run after a pause catches up on all of them.
pub async fn close_periods(
    db: &PgPool,
    config: &Config,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<ClosedPeriod>> {
    let workspaces = db::closable(&mut *db.acquire().await?).await?;
    let mut closed = Vec::new();
    for workspace in workspaces {
        let anchor = day_of(workspace.created_at);
        let mut period = match workspace.last_closed {
            Some(start) => Period::containing(anchor, start).next(anchor),
            None => Period::nth(anchor, 0),
        };
        while period.ends_at() <= now {
            match close_period(db, config, workspace.account_id, period, now).await {
                Ok(Some(done)) => closed.push(done),
                Ok(None) => {}
                // One workspace's trouble must not hold up the others' invoices.
                Err(error) => {
                    tracing::warn!(account_id = %workspace.account_id, %error, "closing a billing period failed");
                    break;
                }
            }
            period = period.next(anchor);
        }
    }
    Ok(closed)
}

/// Closes one period in one transaction: the mark, the invoice, its lines and its emails
/// all happen, or none does. `None` when another closer did it.
async fn close_period(
    db: &PgPool,
    config: &Config,
    account_id: Uuid,
    period: Period,
    now: OffsetDateTime,
) -> anyhow::Result<Option<ClosedPeriod>> {
    let mut tx = db.begin().await?;
    // Plan changes of this workspace wait until the period is closed, and vice versa.
    let account = db::lock_account(&mut tx, account_id).await?;
    if !db::claim_period(&mut tx, account_id, period, now).await? {
        return Ok(None);
    }
    let history = db::history(&mut tx, account_id, &account, period).await?;
    let lines = history.lines(period);
    let total_cents = lines::total(&lines);
    let mut invoice = None;
    if total_cents > 0 {
        let mut customer = db::details(&mut tx, account_id).await?;
        if customer.company.is_empty() {
            customer.company = account.company.clone();
        }
        let (id, number) = db::insert_invoice(
            &mut tx,
            account_id,
            &NewInvoice {
                period,
                lines: &lines,
                total_cents,
                issued_at: now,
                seller_name: &config.seller_name,
                seller_address: &config.seller_address,
                customer: &customer,
            },
        )
        .await?;
        let issued = IssuedInvoice {
            number: db::invoice_number(number),
            total_cents,
        };
        let mut recipients = db::owners(&mut tx, account_id).await?;
        if !customer.email.is_empty()
            && !recipients
                .iter()
                .any(|r| r.email.eq_ignore_ascii_case(&customer.email))
        {
            recipients.push(db::Recipient {
                email: customer.email.clone(),
                // Not an agent: the billing contact reads the workspace's default.
                language: account.language,
            });
        }
        let link = config.link(&format!("/app/billing/invoices/{id}"));
        for recipient in recipients {
            let email =
                notice::invoice_issued(&recipient, &account.company, &issued, period, &link)?;
            mail::enqueue(&mut tx, account_id, &email).await?;
        }
        invoice = Some(issued);
    }
    tx.commit().await?;
    Ok(Some(ClosedPeriod {
        account_id,
        workspace: account.slug,
        period,
        invoice,
    }))
}
