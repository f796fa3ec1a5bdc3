//! `/app/billing/details`: who the invoices are made out to. Invoices issued afterwards
//! print them; issued ones keep the details they were issued with.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::db::{self, BillingDetails};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    input::{EmailAddress, FieldErrors, long_text, optional_text, required_text},
    web::{PageContext, client::ClientAddr, extract::Form, flash},
};

/// The details as typed, kept to show them again when something is wrong.
#[derive(Deserialize, Default)]
pub(super) struct DetailsForm {
    #[serde(default, alias = "company_name")]
    company: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    vat_id: String,
    #[serde(default, alias = "email")]
    billing_email: String,
}

impl From<BillingDetails> for DetailsForm {
    fn from(details: BillingDetails) -> Self {
        Self {
            company: details.company,
            address: details.address,
            country: details.country,
            vat_id: details.vat_id,
            billing_email: details.email,
        }
    }
}

impl DetailsForm {
    fn parse(&self, errors: &mut FieldErrors) -> Option<BillingDetails> {
        let company = errors.check("company", required_text(&self.company, 120));
        let address = errors.check("address", long_text(&self.address, 500));
        let country = errors.check("country", required_text(&self.country, 60));
        let vat_id = errors.check("vat_id", vat_id(&self.vat_id));
        let email = errors.check(
            "billing_email",
            optional_text(&self.billing_email, 254).and_then(|raw| {
                raw.map(|raw| EmailAddress::parse(&raw).map(|e| e.as_str().to_owned()))
                    .transpose()
            }),
        );
        Some(BillingDetails {
            company: company?,
            address: address?,
            country: country?,
            vat_id: vat_id?,
            email: email?.unwrap_or_default(),
        })
    }
}

/// A VAT id as tax offices print it: a two-letter country prefix, then 2 to 13 letters or
/// digits. Spaces, dots and dashes people type are dropped; empty means none.
fn vat_id(raw: &str) -> Result<String, &'static str> {
    let id: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    let valid = id.is_empty()
        || (id.len() >= 4
            && id.len() <= 15
            && id.chars().take(2).all(|c| c.is_ascii_uppercase())
            && id.chars().all(|c| c.is_ascii_alphanumeric()));
    if valid {
        Ok(id)
    } else {
        Err("billing-vat-id-invalid")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "billing/details.html")]
pub(super) struct DetailsPage {
    ctx: PageContext,
    form: DetailsForm,
    errors: FieldErrors,
}

pub(super) async fn show_details(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<DetailsPage, AppError> {
    let mut details = db::details(&mut *state.db.acquire().await?, agent.account_id).await?;
    if details.company.is_empty() {
        details.company.clone_from(&agent.company);
    }
    Ok(DetailsPage {
        ctx,
        form: details.into(),
        errors: FieldErrors::default(),
    })
}

pub(super) async fn save_details(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<DetailsForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let Some(details) = form.parse(&mut errors) else {
        let page = DetailsPage { ctx, form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    let before = db::details(&mut tx, agent.account_id).await?;
    if before != details {
        db::save_details(&mut tx, agent.account_id, &details).await?;
        let entry =
            Entry::new(&agent, Action::BillingDetailsChanged, client).subject(&details.company);
        audit::record(&mut tx, agent.account_id, &entry).await?;
    }
    tx.commit().await?;
    flash::success(&session, "billing-details-saved").await?;
    Ok(Redirect::to("/app/billing/details").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_ids_are_normalized_and_checked() {
        assert_eq!(vat_id(""), Ok(String::new()));
        assert_eq!(vat_id("de 123.456.789"), Ok("DE123456789".into()));
        assert_eq!(vat_id("GB-123456789"), Ok("GB123456789".into()));
        assert!(vat_id("123456789").is_err());
        assert!(vat_id("DE").is_err());
        assert!(vat_id("DE1234567890123456").is_err());
        assert!(vat_id("DE12345<script>").is_err());
    }
}
