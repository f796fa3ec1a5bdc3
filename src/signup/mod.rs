//! `/signup`: a new workspace on the free plan with its owner, who is then logged in.
pub mod db;
mod forms;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use tower_sessions::Session;

use forms::SignupForm;

use crate::{
    AppError, AppState,
    auth::{
        self, LoginIdentity, password,
        throttle::{self, Scope},
    },
    input::{FieldErrors, Slug},
    web::{PageContext, client::ClientAddr, extract::Form, flash},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/signup", get(show_signup).post(sign_up))
}

#[derive(Template, WebTemplate)]
#[template(path = "signup/form.html")]
struct SignupPage {
    ctx: PageContext,
    form: SignupForm,
    errors: FieldErrors,
}

async fn show_signup(ctx: PageContext) -> impl IntoResponse {
    SignupPage {
        ctx,
        form: SignupForm::default(),
        errors: FieldErrors::default(),
    }
}

async fn sign_up(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    Form(form): Form<SignupForm>,
) -> Result<Response, AppError> {
    let parsed = form.parse();
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    // Reported with the other mistakes, so that one round trip shows them all.
    if errors.get("workspace").is_none()
        && let Ok(slug) = Slug::parse(&form.workspace)
        && db::slug_taken(&mut *state.db.acquire().await?, slug.as_str()).await?
    {
        errors.add("workspace", "signup-slug-taken");
    }
    let new_workspace = match parsed {
        Ok(new_workspace) if errors.is_empty() => new_workspace,
        _ => return Ok(refuse(ctx, form, errors)),
    };
    if !throttle::allow(&state.db, Scope::Signup, client).await? {
        return Err(AppError::TooManyAttempts);
    }
    let hash = password::hash(new_workspace.password.as_str()).await?;
    let language = ctx.locale;
    let mut tx = state.db.begin().await?;
    let created =
        match db::create_workspace(&mut tx, &new_workspace, &hash, language, state.clock.now())
            .await
        {
            Ok(created) => created,
            // Taken between the check and the insert by a concurrent signup.
            Err(error) if db::is_slug_conflict(&error) => {
                errors.add("workspace", "signup-slug-taken");
                return Ok(refuse(ctx, form, errors));
            }
            Err(error) => return Err(error.into()),
        };
    let login_id = auth::start_login(&mut tx, created.account_id, created.owner_id).await?;
    tx.commit().await?;
    tracing::info!(account_id = %created.account_id, "workspace created");
    auth::log_in(
        &state.db,
        &session,
        LoginIdentity {
            account_id: created.account_id,
            login_id,
            language,
        },
    )
    .await?;
    flash::success(&session, "signup-welcome").await?;
    Ok(Redirect::to("/app").into_response())
}

/// The form again with 422, the input kept but never the password.
fn refuse(ctx: PageContext, mut form: SignupForm, errors: FieldErrors) -> Response {
    form.password.clear();
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        SignupPage { ctx, form, errors },
    )
        .into_response()
}
