//! `/app/config/calls`: the workspace's connection to its voice provider (account SID,
//! auth token, SIP domain, greeting, recording) and its numbers, each routed to a
//! department; the page shows the webhook addresses to paste into the provider's console.
//! The auth token is write-only: sealed with SECRET_KEY, never shown again.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use sqlx::PgConnection;
use tower_sessions::Session;
use uuid::Uuid;

use super::db::{self, SavedSettings, VoiceNumber};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    departments,
    input::{Choice, FieldErrors, long_text},
    web::{PageContext, PathId, client::ClientAddr, extract::Form, flash},
};

const GREETING_LIMIT: usize = 500;

#[derive(Debug, Default, Deserialize)]
pub(super) struct CallSettingsForm {
    #[serde(default)]
    account_sid: String,
    #[serde(default)]
    auth_token: String,
    #[serde(default)]
    sip_domain: String,
    #[serde(default)]
    greeting: String,
    #[serde(default)]
    record: Option<String>,
    #[serde(default)]
    number: String,
    #[serde(default)]
    department: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "calls/settings.html")]
pub(super) struct CallSettingsPage {
    ctx: PageContext,
    /// The webhook addresses, once connected: incoming calls and call status.
    webhooks: Option<(String, String)>,
    form: CallSettingsForm,
    errors: FieldErrors,
    numbers: Vec<VoiceNumber>,
    departments: Vec<Choice>,
}

async fn page(
    state: &AppState,
    conn: &mut PgConnection,
    ctx: PageContext,
    agent: &CurrentAgent,
    form: Option<CallSettingsForm>,
    errors: FieldErrors,
) -> Result<CallSettingsPage, AppError> {
    let stored = db::settings(conn, agent.account_id).await?;
    let webhooks = stored.as_ref().map(|settings| {
        let address = |hook: &str| {
            state
                .config
                .link(&format!("/voice/{}/{hook}", settings.channel_token))
        };
        (address("incoming"), address("status"))
    });
    // The form as typed, or as stored; the auth token never comes back.
    let form = form.unwrap_or_else(|| match &stored {
        Some(settings) => CallSettingsForm {
            account_sid: settings.account_sid.clone(),
            sip_domain: settings.sip_domain.clone(),
            greeting: settings.greeting.clone(),
            record: settings.record.then(|| "on".to_owned()),
            ..CallSettingsForm::default()
        },
        None => CallSettingsForm::default(),
    });
    let names = state.directory.names(conn, agent.account_id).await?;
    let departments = Choice::rows(names.departments.clone(), |id| {
        form.department == id.to_string()
    });
    Ok(CallSettingsPage {
        ctx,
        webhooks,
        numbers: db::numbers(conn, agent.account_id).await?,
        form: CallSettingsForm {
            auth_token: String::new(),
            ..form
        },
        errors,
        departments,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<CallSettingsPage, AppError> {
    let mut conn = state.db.acquire().await?;
    page(&state, &mut conn, ctx, &agent, None, FieldErrors::default()).await
}

/// An account SID: `AC` and 32 hexadecimal digits.
fn parse_account_sid(raw: &str) -> Result<String, &'static str> {
    let sid = raw.trim();
    let hex = sid.strip_prefix("AC").unwrap_or_default();
    if hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sid.to_owned())
    } else {
        Err("calls-account-sid-invalid")
    }
}

/// A new auth token, or `None` to keep the stored one (a blank field).
fn parse_auth_token(raw: &str) -> Result<Option<String>, &'static str> {
    let token = raw.trim();
    if token.is_empty() {
        Ok(None)
    } else if (16..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(Some(token.to_owned()))
    } else {
        Err("calls-auth-token-invalid")
    }
}

/// A SIP domain (`acme.sip.twilio.com`), or none for a workspace without desk phones.
fn parse_sip_domain(raw: &str) -> Result<String, &'static str> {
    let domain = raw.trim().to_ascii_lowercase();
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if domain.is_empty()
        || (domain.len() <= 253 && domain.contains('.') && domain.split('.').all(label_ok))
    {
        Ok(domain)
    } else {
        Err("calls-sip-domain-invalid")
    }
}

/// A phone number in E.164 (`+4930123456`); spaces, dashes, dots and brackets are left out.
pub fn parse_number(raw: &str) -> Result<String, &'static str> {
    let number: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = number.strip_prefix('+').unwrap_or_default();
    if (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
    {
        Ok(number)
    } else {
        Err("calls-number-invalid")
    }
}

pub(super) async fn save(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<CallSettingsForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let mut tx = state.db.begin().await?;
    let connected = db::settings(&mut tx, agent.account_id).await?.is_some();
    let account_sid = errors.check("account_sid", parse_account_sid(&form.account_sid));
    let auth_token = errors
        .check("auth_token", parse_auth_token(&form.auth_token))
        .and_then(|token| match (token, connected) {
            (None, false) => {
                errors.add("auth_token", "input-required");
                None
            }
            (token, _) => Some(token),
        });
    // Without the key no token can be stored.
    let sealed = match (auth_token, &state.config.secret_key) {
        (Some(Some(token)), Some(key)) => Some(Some(key.seal(&token, agent.account_id))),
        (Some(Some(_)), None) => {
            errors.add("auth_token", "calls-secret-key-missing");
            None
        }
        (Some(None), _) => Some(None),
        (None, _) => None,
    };
    let sip_domain = errors.check("sip_domain", parse_sip_domain(&form.sip_domain));
    let greeting = errors.check("greeting", long_text(&form.greeting, GREETING_LIMIT));
    // A number to add, with its department, when one is typed.
    let number = if form.number.trim().is_empty() {
        Some(None)
    } else {
        let number = errors.check("number", parse_number(&form.number));
        let department = match form.department.parse::<Uuid>() {
            Ok(id)
                if departments::db::find(&mut tx, agent.account_id, id)
                    .await?
                    .is_some() =>
            {
                Some(id)
            }
            _ => {
                errors.add("department", "calls-department-invalid");
                None
            }
        };
        number.zip(department).map(Some)
    };
    let (Some(account_sid), Some(auth_token), Some(sip_domain), Some(greeting), Some(number)) =
        (account_sid, sealed, sip_domain, greeting, number)
    else {
        drop(tx);
        return refused(&state, ctx, &agent, form, errors).await;
    };
    db::save_settings(
        &mut tx,
        agent.account_id,
        &SavedSettings {
            account_sid: &account_sid,
            auth_token,
            sip_domain: &sip_domain,
            greeting: &greeting,
            record: form.record.is_some(),
        },
    )
    .await?;
    let entry = Entry::new(&agent, Action::CallsConfigured, client).subject(&account_sid);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    if let Some((number, department_id)) = number {
        if !db::add_number(&mut tx, agent.account_id, &number, department_id).await? {
            drop(tx);
            let mut errors = FieldErrors::default();
            errors.add("number", "calls-number-taken");
            return refused(&state, ctx, &agent, form, errors).await;
        }
        let entry = Entry::new(&agent, Action::CallNumberAdded, client).subject(&number);
        audit::record(&mut tx, agent.account_id, &entry).await?;
    }
    tx.commit().await?;
    flash::success(&session, "settings-saved").await?;
    Ok(Redirect::to("/app/config/calls").into_response())
}

/// The form back with its mistakes (422), as typed except the auth token.
async fn refused(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    form: CallSettingsForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let page = page(state, &mut conn, ctx, agent, Some(form), errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub(super) async fn remove_number(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    let number = db::remove_number(&mut tx, agent.account_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let entry = Entry::new(&agent, Action::CallNumberRemoved, client).subject(&number);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "calls-number-removed").await?;
    Ok(Redirect::to("/app/config/calls").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_e164() {
        assert_eq!(
            parse_number("+49 30 1234-567"),
            Ok("+49301234567".to_owned())
        );
        assert_eq!(
            parse_number("+1 (415) 555.0100"),
            Ok("+14155550100".to_owned())
        );
        for bad in [
            "030 1234567",
            "+0301234567",
            "+12",
            "+1234567890123456",
            "+49x301234567",
            "",
        ] {
            assert!(parse_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn account_sids_and_domains() {
        let sid = format!("AC{}", "0123456789abcdef".repeat(2));
        assert_eq!(parse_account_sid(&sid), Ok(sid.clone()));
        assert!(parse_account_sid("AC123").is_err());
        assert!(parse_account_sid(&sid.replace("AC", "SK")).is_err());
        assert_eq!(
            parse_sip_domain(" Acme.SIP.twilio.com "),
            Ok("acme.sip.twilio.com".to_owned())
        );
        assert_eq!(parse_sip_domain(""), Ok(String::new()));
        for bad in ["localhost", "acme..com", "-a.com", "a b.com", "x.com/evil"] {
            assert!(parse_sip_domain(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_auth_token(""), Ok(None));
        assert!(parse_auth_token("short").is_err());
        assert!(parse_auth_token("has a space in it 1234").is_err());
    }
}
