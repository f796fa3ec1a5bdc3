//! `/app/billing/invoices`: the issued invoices, and each one as a printable A4 page.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::db::{self, Invoice, InvoiceSummary};
use crate::{
    AppError, AppState,
    auth::CurrentAgent,
    format,
    web::{PageContext, PathId},
};

#[derive(Template, WebTemplate)]
#[template(path = "billing/invoices.html")]
pub(super) struct InvoicesPage {
    ctx: PageContext,
    invoices: Vec<InvoiceSummary>,
}

pub(super) async fn list_invoices(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<InvoicesPage, AppError> {
    let invoices = db::invoices(&mut *state.db.acquire().await?, agent.account_id).await?;
    Ok(InvoicesPage { ctx, invoices })
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/invoice.html")]
pub(super) struct InvoicePage {
    ctx: PageContext,
    invoice: Invoice,
}

pub(super) async fn show_invoice(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<InvoicePage, AppError> {
    let invoice = db::invoice(&mut *state.db.acquire().await?, agent.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(InvoicePage { ctx, invoice })
}

impl InvoiceSummary {
    fn total(&self) -> String {
        format::money(self.total_cents)
    }
}

impl Invoice {
    fn subtotal(&self) -> String {
        format::money(self.subtotal_cents)
    }
}
