//! `/app/config/calls`: the workspace's connection to its voice provider (account SID,
//! auth token, SIP domain, greeting, recording) and its numbers, each routed to a
//! department; the page shows the webhook addresses to paste into the provider's console.
//! The auth token is write-only: sealed with SECRET_KEY, never shown again. So is the
//! secret of the API key that signs the web phones' access tokens (`phone`).
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
    api_key_sid: String,
    #[serde(default)]
    api_key_secret: String,
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
    /// Whether an API key's secret is stored (the field may stay empty to keep it).
    has_web_phones: bool,
    /// Whether the provider's browser SDK is installed (`scripts/voice-sdk.sh`).
    sdk_installed: bool,
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
            api_key_sid: settings.api_key_sid.clone(),
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
            api_key_secret: String::new(),
            ..form
        },
        errors,
        departments,
        has_web_phones: stored
            .as_ref()
            .is_some_and(db::VoiceSettings::has_web_phones),
        sdk_installed: super::phone::sdk_installed(&state.config),
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

/// An API key's SID (`SK` and 32 hexadecimal digits), or none for a workspace without
/// web phones.
fn parse_api_key_sid(raw: &str) -> Result<String, &'static str> {
    let sid = raw.trim();
    let hex = sid.strip_prefix("SK").unwrap_or_default();
    if sid.is_empty() || (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())) {
        Ok(sid.to_owned())
    } else {
        Err("calls-api-key-sid-invalid")
    }
}

/// A new secret (auth token, API key secret), or `None` to keep the stored one (a blank
/// field); `invalid` names the mistake.
fn parse_secret(raw: &str, invalid: &'static str) -> Result<Option<String>, &'static str> {
    let secret = raw.trim();
    if secret.is_empty() {
        Ok(None)
    } else if (16..=128).contains(&secret.len()) && secret.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(Some(secret.to_owned()))
    } else {
        Err(invalid)
    }
}

/// A secret field sealed for storage: `Some(None)` keeps the stored one; `None` when it
/// failed (the mistake is in `errors`). A blank field is a mistake when `required`.
fn sealed_secret(
    state: &AppState,
    account_id: Uuid,
    errors: &mut FieldErrors,
    field: &'static str,
    secret: Result<Option<String>, &'static str>,
    required: bool,
) -> Option<Option<Vec<u8>>> {
    match (errors.check(field, secret)?, &state.config.secret_key) {
        (None, _) if required => {
            errors.add(field, "input-required");
            None
        }
        (None, _) => Some(None),
        (Some(secret), Some(key)) => Some(Some(key.seal(&secret, account_id))),
        // Without the key no secret can be stored.
        (Some(_), None) => {
            errors.add(field, "calls-secret-key-missing");
            None
        }
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
    let stored = db::settings(&mut tx, agent.account_id).await?;
    let account_sid = errors.check("account_sid", parse_account_sid(&form.account_sid));
    let sealed = sealed_secret(
        &state,
        agent.account_id,
        &mut errors,
        "auth_token",
        parse_secret(&form.auth_token, "calls-auth-token-invalid"),
        stored.is_none(),
    );
    let api_key_sid = errors
        .check("api_key_sid", parse_api_key_sid(&form.api_key_sid))
        .filter(|sid| {
            // A secret is never dropped silently: it needs its key's SID.
            let orphan = sid.is_empty() && !form.api_key_secret.trim().is_empty();
            if orphan {
                errors.add("api_key_sid", "input-required");
            }
            !orphan
        });
    // A key's secret is kept only for the same key.
    let api_key_secret = sealed_secret(
        &state,
        agent.account_id,
        &mut errors,
        "api_key_secret",
        parse_secret(&form.api_key_secret, "calls-api-key-secret-invalid"),
        api_key_sid.as_ref().is_some_and(|sid| {
            !sid.is_empty()
                && stored
                    .as_ref()
                    .is_none_or(|stored| stored.api_key_sid != *sid || !stored.has_web_phones())
        }),
    );
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
    let (
        Some(account_sid),
        Some(auth_token),
        Some(api_key_sid),
        Some(api_key_secret),
        Some(sip_domain),
        Some(greeting),
        Some(number),
    ) = (
        account_sid,
        sealed,
        api_key_sid,
        api_key_secret,
        sip_domain,
        greeting,
        number,
    )
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
    db::set_api_key(
        &mut tx,
        agent.account_id,
        &api_key_sid,
        api_key_secret.as_deref(),
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
        let key = format!("SK{}", "0123456789abcdef".repeat(2));
        assert_eq!(parse_api_key_sid(&key), Ok(key.clone()));
        assert_eq!(parse_api_key_sid(" "), Ok(String::new()));
        assert!(parse_api_key_sid(&sid).is_err());
        let invalid = "calls-auth-token-invalid";
        assert_eq!(parse_secret("", invalid), Ok(None));
        assert_eq!(parse_secret("short", invalid), Err(invalid));
        assert!(parse_secret("has a space in it 1234", invalid).is_err());
    }
}
