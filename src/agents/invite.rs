//! Inviting an agent: the agent with a temporary password and the email that carries it,
//! in one transaction; and sending a new invitation when the first got lost or expired.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use time::Duration;
use tower_sessions::Session;

use super::{
    Gender,
    db::{self, NewAgent},
    form::{AgentForm, FormChoices, offered_roles},
    lock_team_for, rules,
};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::{CurrentAgent, Role, password},
    billing::{self, SeatCharge, SeatCost},
    config::Config,
    crypto,
    error::Found,
    i18n::Locale,
    input::{EmailAddress, FieldErrors},
    mail::{self, Email, Threading},
    web::{PageContext, PathId, client::ClientAddr, extract::Form, flash},
};

/// How long an invitation's temporary password works.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);

#[derive(Template, WebTemplate)]
#[template(path = "agents/new.html")]
pub(super) struct InvitePage {
    ctx: PageContext,
    form: AgentForm,
    errors: FieldErrors,
    choices: FormChoices,
    /// The team's cost with the new seat.
    cost: SeatCost,
    /// What the new seat adds to the current period.
    charge: SeatCharge,
}

async fn invite_page(
    state: &AppState,
    ctx: PageContext,
    agent: &CurrentAgent,
    form: AgentForm,
    errors: FieldErrors,
) -> Result<InvitePage, AppError> {
    let mut conn = state.db.acquire().await?;
    let account = billing::db::account(&mut conn, agent.account_id).await?;
    let seats = billing::db::seats(&mut conn, agent.account_id).await?;
    let choices = FormChoices::load(
        &mut conn,
        agent.account_id,
        ctx.locale,
        offered_roles(agent.role),
        &form,
    )
    .await?;
    Ok(InvitePage {
        ctx,
        form,
        errors,
        choices,
        cost: account.plan.cost(seats + 1),
        charge: SeatCharge::at(&account, state.clock.now()),
    })
}

pub(super) async fn show_invite(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<InvitePage, AppError> {
    let form = AgentForm {
        role: Role::Agent.as_str().to_owned(),
        gender: Gender::Unspecified.as_str().to_owned(),
        ..AgentForm::default()
    };
    invite_page(&state, ctx, &agent, form, FieldErrors::default()).await
}

pub(super) async fn invite(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<AgentForm>,
) -> Result<Response, AppError> {
    // Hashed before the transaction, which then holds no connection while argon2 runs.
    let temporary_password = crypto::generated_password();
    let hash = password::hash(&temporary_password).await?;
    let mut tx = state.db.begin().await?;
    let actor = lock_team_for(&mut tx, &agent).await?;
    if let Some(role) = form.requested_role() {
        rules::may_invite(actor, role)?;
    }
    let mut errors = FieldErrors::default();
    let email = errors.check("email", EmailAddress::parse(&form.email));
    let profile = form
        .parse_profile(&mut tx, agent.account_id, &mut errors)
        .await?;
    let (Some(email), Some(profile)) = (email, profile) else {
        drop(tx);
        let page = invite_page(&state, ctx, &agent, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let new_agent = NewAgent {
        email: email.as_str(),
        name: &profile.name,
        alias: profile.alias.as_deref(),
        gender: profile.gender,
        role: profile.role,
        password_hash: &hash,
        // The new agent reads the workspace's default until they choose.
        language: None,
        temporary_password_expires_at: Some(state.clock.now() + INVITATION_LIFETIME),
        created_at: state.clock.now(),
    };
    let invited_id = match db::insert_agent(&mut tx, agent.account_id, &new_agent).await {
        Err(error) if db::is_email_taken(&error) => {
            drop(tx);
            errors.add("email", "agents-email-taken");
            let page = invite_page(&state, ctx, &agent, form, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        result => result?,
    };
    db::set_departments(&mut tx, agent.account_id, invited_id, &profile.departments).await?;
    let invitation = Invitation {
        locale: agent.workspace_language,
        name: new_agent.name,
        email: new_agent.email,
        inviter: &agent.name,
        company: &agent.company,
        workspace: &agent.workspace_slug,
        password: &temporary_password,
        link: &login_link(&state.config, &agent.workspace_slug),
    };
    mail::enqueue(&mut tx, agent.account_id, &invitation.email()?).await?;
    let entry = Entry::new(&agent, Action::AgentInvited, client)
        .subject(email.as_str())
        .detail(profile.role.as_str());
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    tracing::info!(agent_id = %invited_id, "agent invited");
    flash::success(&session, "agents-invited").await?;
    Ok(Redirect::to("/app/config/agents").into_response())
}

/// A new temporary password for someone who has not logged in yet; the old one and any
/// session it opened end.
pub(super) async fn resend_invitation(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let temporary_password = crypto::generated_password();
    let hash = password::hash(&temporary_password).await?;
    let mut tx = state.db.begin().await?;
    let actor = lock_team_for(&mut tx, &agent).await?;
    let target = db::member(&mut tx, agent.account_id, id).await.found()?;
    rules::may_edit(actor, (&target).into(), target.role, 0)?;
    if !target.invited {
        return Err(AppError::Refused("agents-not-invited"));
    }
    let expires_at = state.clock.now() + INVITATION_LIFETIME;
    db::renew_invitation(&mut tx, agent.account_id, id, &hash, expires_at).await?;
    let invitation = Invitation {
        locale: target.language,
        name: &target.name,
        email: &target.email,
        inviter: &agent.name,
        company: &agent.company,
        workspace: &agent.workspace_slug,
        password: &temporary_password,
        link: &login_link(&state.config, &agent.workspace_slug),
    };
    mail::enqueue(&mut tx, agent.account_id, &invitation.email()?).await?;
    let entry = Entry::new(&agent, Action::InvitationResent, client).subject(&target.email);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "agents-invitation-resent").await?;
    Ok(Redirect::to(&format!("/app/config/agents/{id}/edit")).into_response())
}

fn login_link(config: &Config, workspace: &str) -> String {
    config.link(&format!("/login?workspace={workspace}"))
}

/// What the invitation email says, in both of its parts.
struct Invitation<'a> {
    locale: Locale,
    name: &'a str,
    email: &'a str,
    inviter: &'a str,
    company: &'a str,
    workspace: &'a str,
    password: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "agents/invitation_email.txt")]
struct InvitationText<'a> {
    mail: &'a Invitation<'a>,
}

#[derive(Template)]
#[template(path = "agents/invitation_email.html")]
struct InvitationHtml<'a> {
    mail: &'a Invitation<'a>,
}

impl Invitation<'_> {
    fn email(&self) -> Result<Email, AppError> {
        Ok(Email {
            to: self.email.to_owned(),
            subject: self
                .locale
                .t_args("invitation-email-subject", &[("company", self.company)]),
            text: InvitationText { mail: self }
                .render()
                .map_err(anyhow::Error::from)?,
            html: InvitationHtml { mail: self }
                .render()
                .map_err(anyhow::Error::from)?,
            threading: Threading::default(),
        })
    }
}
