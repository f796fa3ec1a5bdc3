//! Queries of billing: the plan and its history, seats, billing details, closed periods
//! and invoices. Every query is of one workspace and filters by its account_id.
use sqlx::PgConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    Plan,
    lines::{Event, History, Line, LineKind},
    period::{Period, day_of},
};
use crate::i18n::Locale;

pub async fn plan(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Plan> {
    sqlx::query_scalar!(
        r#"select plan as "plan: Plan" from accounts where id = $1"#,
        account_id
    )
    .fetch_one(conn)
    .await
}

/// Sets the plan without history: for a workspace that starts on it (the demo).
pub async fn set_plan(conn: &mut PgConnection, account_id: Uuid, plan: Plan) -> sqlx::Result<()> {
    sqlx::query!(
        "update accounts set plan = $2 where id = $1",
        account_id,
        plan as Plan
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Every agent not deleted is a seat, pending invitations included.
pub async fn seats(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "seats!" from agents where account_id = $1 and deleted_at is null"#,
        account_id
    )
    .fetch_one(conn)
    .await
}

/// What billing needs to know of a workspace, read under a lock of its row so that plan
/// changes and period closings of one workspace take turns.
pub struct Account {
    pub plan: Plan,
    pub company: String,
    pub slug: String,
    pub created_at: OffsetDateTime,
    /// The workspace's default language: that of its billing contact's mail.
    pub language: Locale,
}

impl Account {
    /// The day billing periods are counted from.
    pub fn anchor(&self) -> Date {
        day_of(self.created_at)
    }

    /// When `period` began for billing: its first midnight, or for the first period the
    /// workspace's creation, so that the agents it was created with are its starting seats.
    fn period_opened(&self, period: Period) -> OffsetDateTime {
        period.starts_at().max(self.created_at)
    }
}

pub async fn lock_account(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Account> {
    sqlx::query_as!(
        Account,
        r#"select plan as "plan: Plan", company, slug, created_at, language as "language: Locale"
           from accounts where id = $1
           for no key update"#,
        account_id
    )
    .fetch_one(conn)
    .await
}

pub async fn account(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Account> {
    sqlx::query_as!(
        Account,
        r#"select plan as "plan: Plan", company, slug, created_at, language as "language: Locale"
           from accounts where id = $1"#,
        account_id
    )
    .fetch_one(conn)
    .await
}

pub async fn record_plan_change(
    conn: &mut PgConnection,
    account_id: Uuid,
    from: Plan,
    to: Plan,
    by: Uuid,
    at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into plan_changes (account_id, id, changed_at, old_plan, new_plan, changed_by)
         values ($1, $2, $3, $4, $5, $6)",
        account_id,
        Uuid::now_v7(),
        at,
        from as Plan,
        to as Plan,
        by,
    )
    .execute(&mut *conn)
    .await?;
    set_plan(conn, account_id, to).await
}

/// What happened in `period` so far: the plan and seats it started with, then the seats
/// added and plan changes in order. Whatever happened at the very moment the period
/// opened counts as its start.
pub async fn history(
    conn: &mut PgConnection,
    account_id: Uuid,
    account: &Account,
    period: Period,
) -> sqlx::Result<History> {
    let start = account.period_opened(period);
    let until = period.ends_at();
    // The plan at the start is what the first later change changed from; without one,
    // today's plan.
    let plan_at_start = sqlx::query_scalar!(
        r#"select coalesce(
               (select old_plan from plan_changes where account_id = $1 and changed_at > $2
                order by changed_at, id limit 1),
               (select plan from accounts where id = $1)) as "plan!: Plan""#,
        account_id,
        start,
    )
    .fetch_one(&mut *conn)
    .await?;
    let seats_at_start = sqlx::query_scalar!(
        r#"select count(*) as "seats!" from agents
           where account_id = $1 and created_at <= $2 and (deleted_at is null or deleted_at >= $2)"#,
        account_id,
        start,
    )
    .fetch_one(&mut *conn)
    .await?;
    let rows = sqlx::query!(
        r#"select at as "at!", who, old_plan as "old_plan: Plan", new_plan as "new_plan: Plan"
           from (select created_at as at, email as who, null as old_plan, null as new_plan,
                        id
                 from agents
                 where account_id = $1 and created_at > $2 and created_at < $3
                 union all
                 select changed_at, null, old_plan, new_plan, id
                 from plan_changes
                 where account_id = $1 and changed_at > $2 and changed_at < $3) as events
           order by at, id"#,
        account_id,
        start,
        until,
    )
    .fetch_all(&mut *conn)
    .await?;
    let events = rows
        .into_iter()
        .map(|row| {
            let on = day_of(row.at);
            match (row.old_plan, row.new_plan) {
                (Some(from), Some(to)) => Event::PlanChanged { on, from, to },
                _ => Event::SeatAdded {
                    on,
                    who: row.who.unwrap_or_default(),
                },
            }
        })
        .collect();
    Ok(History {
        plan_at_start,
        seats_at_start,
        events,
    })
}

/// The names and addresses printed on invoices, as the owner keeps them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BillingDetails {
    pub company: String,
    pub address: String,
    pub country: String,
    pub vat_id: String,
    pub email: String,
}

pub async fn details(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<BillingDetails> {
    sqlx::query_as!(
        BillingDetails,
        r#"select billing_company as company, billing_address as address,
                  billing_country as country, billing_vat_id as vat_id, billing_email as email
           from accounts where id = $1"#,
        account_id
    )
    .fetch_one(conn)
    .await
}

pub async fn save_details(
    conn: &mut PgConnection,
    account_id: Uuid,
    details: &BillingDetails,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update accounts set billing_company = $2, billing_address = $3, billing_country = $4,
                             billing_vat_id = $5, billing_email = $6
         where id = $1",
        account_id,
        details.company,
        details.address,
        details.country,
        details.vat_id,
        details.email,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Someone who hears about the workspace's billing.
pub struct Recipient {
    pub email: String,
    pub language: Locale,
}

pub async fn owners(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<Recipient>> {
    sqlx::query_as!(
        Recipient,
        r#"select a.email, coalesce(a.language, w.language) as "language!: Locale"
           from agents a join accounts w on w.id = a.account_id
           where a.account_id = $1 and a.role = 'owner' and a.deleted_at is null
           order by a.created_at"#,
        account_id
    )
    .fetch_all(conn)
    .await
}

/// A workspace whose periods may be due, with the start of the last period it closed.
pub struct Closable {
    pub account_id: Uuid,
    pub created_at: OffsetDateTime,
    pub last_closed: Option<Date>,
}

pub async fn closable(conn: &mut PgConnection) -> sqlx::Result<Vec<Closable>> {
    sqlx::query_as!(
        Closable,
        r#"select a.id as account_id, a.created_at,
                  (select max(starts_on) from billing_periods p where p.account_id = a.id)
                      as last_closed
           from accounts a order by a.id"#
    )
    .fetch_all(conn)
    .await
}

/// Marks the period closed; false when another closer got there first (the primary key
/// makes it wait for that one's transaction, then refuses).
pub async fn claim_period(
    conn: &mut PgConnection,
    account_id: Uuid,
    period: Period,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let claimed = sqlx::query!(
        "insert into billing_periods (account_id, starts_on, ends_on, closed_at)
         values ($1, $2, $3, $4) on conflict do nothing",
        account_id,
        period.start,
        period.end,
        now,
    )
    .execute(conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// An invoice as issued: it never changes afterwards.
pub struct NewInvoice<'a> {
    pub period: Period,
    pub lines: &'a [Line],
    pub total_cents: i64,
    pub issued_at: OffsetDateTime,
    pub seller_name: &'a str,
    pub seller_address: &'a str,
    pub customer: &'a BillingDetails,
}

/// Inserts the invoice with the workspace's next number; returns its id and number.
pub async fn insert_invoice(
    conn: &mut PgConnection,
    account_id: Uuid,
    invoice: &NewInvoice<'_>,
) -> sqlx::Result<(Uuid, i32)> {
    let number = sqlx::query_scalar!(
        "update accounts set last_invoice_number = last_invoice_number + 1 where id = $1
         returning last_invoice_number",
        account_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into invoices (account_id, id, number, period_start, period_end, subtotal_cents,
                               total_cents, issued_at, seller_name, seller_address,
                               customer_company, customer_address, customer_country,
                               customer_vat_id, customer_email)
         values ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        account_id,
        id,
        number,
        invoice.period.start,
        invoice.period.end,
        invoice.total_cents,
        invoice.issued_at,
        invoice.seller_name,
        invoice.seller_address,
        invoice.customer.company,
        invoice.customer.address,
        invoice.customer.country,
        invoice.customer.vat_id,
        invoice.customer.email,
    )
    .execute(&mut *conn)
    .await?;
    for (position, line) in invoice.lines.iter().enumerate() {
        sqlx::query!(
            "insert into invoice_lines (account_id, invoice_id, position, kind, occurred_on,
                                        plan, previous_plan, subject, seats, unit_cents,
                                        days_charged, days_in_period, amount_cents)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            account_id,
            id,
            i16::try_from(position).unwrap_or(i16::MAX),
            line.kind as LineKind,
            line.occurred_on,
            line.plan as Plan,
            line.previous_plan as Option<Plan>,
            line.subject,
            i32::try_from(line.seats).unwrap_or(i32::MAX),
            line.unit_cents,
            i32::try_from(line.days_charged).unwrap_or(i32::MAX),
            i32::try_from(line.days_in_period).unwrap_or(i32::MAX),
            line.amount_cents,
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "update billing_periods set invoice_id = $2 where account_id = $1 and starts_on = $3",
        account_id,
        id,
        invoice.period.start,
    )
    .execute(&mut *conn)
    .await?;
    Ok((id, number))
}

/// `INV-0001`: numbers run per workspace.
pub fn invoice_number(number: i32) -> String {
    format!("INV-{number:04}")
}

/// A row of the invoice list.
pub struct InvoiceSummary {
    pub id: Uuid,
    pub number: i32,
    pub period_start: Date,
    pub period_end: Date,
    pub total_cents: i64,
    pub issued_at: OffsetDateTime,
}

impl InvoiceSummary {
    pub fn period(&self) -> Period {
        Period {
            start: self.period_start,
            end: self.period_end,
        }
    }

    pub fn number(&self) -> String {
        invoice_number(self.number)
    }
}

pub async fn invoices(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> sqlx::Result<Vec<InvoiceSummary>> {
    sqlx::query_as!(
        InvoiceSummary,
        "select id, number, period_start, period_end, total_cents, issued_at
         from invoices where account_id = $1 order by number desc",
        account_id
    )
    .fetch_all(conn)
    .await
}

pub struct Invoice {
    pub summary: InvoiceSummary,
    pub subtotal_cents: i64,
    pub seller_name: String,
    pub seller_address: String,
    pub customer: BillingDetails,
    pub lines: Vec<Line>,
}

pub async fn invoice(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Invoice>> {
    let Some(row) = sqlx::query!(
        "select id, number, period_start, period_end, subtotal_cents, total_cents, issued_at,
                seller_name, seller_address, customer_company, customer_address,
                customer_country, customer_vat_id, customer_email
         from invoices where account_id = $1 and id = $2",
        account_id,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query!(
        r#"select kind as "kind: LineKind", occurred_on, plan as "plan: Plan",
                  previous_plan as "previous_plan: Plan", subject, seats, unit_cents,
                  days_charged, days_in_period, amount_cents
           from invoice_lines where account_id = $1 and invoice_id = $2 order by position"#,
        account_id,
        id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|line| Line {
        kind: line.kind,
        occurred_on: line.occurred_on,
        plan: line.plan,
        previous_plan: line.previous_plan,
        subject: line.subject,
        seats: line.seats.into(),
        unit_cents: line.unit_cents,
        days_charged: line.days_charged.into(),
        days_in_period: line.days_in_period.into(),
        amount_cents: line.amount_cents,
    })
    .collect();
    Ok(Some(Invoice {
        summary: InvoiceSummary {
            id: row.id,
            number: row.number,
            period_start: row.period_start,
            period_end: row.period_end,
            total_cents: row.total_cents,
            issued_at: row.issued_at,
        },
        subtotal_cents: row.subtotal_cents,
        seller_name: row.seller_name,
        seller_address: row.seller_address,
        customer: BillingDetails {
            company: row.customer_company,
            address: row.customer_address,
            country: row.customer_country,
            vat_id: row.customer_vat_id,
            email: row.customer_email,
        },
        lines,
    }))
}
