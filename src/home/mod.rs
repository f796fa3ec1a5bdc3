//! `GET /app`: where an agent lands after logging in.
use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, routing::get};

use crate::{
    AppState,
    auth::{CurrentAgent, Permission},
    web::PageContext,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/app", get(show_home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
struct HomePage {
    ctx: PageContext,
    agent: CurrentAgent,
    permissions: Vec<Permission>,
}

async fn show_home(ctx: PageContext, agent: CurrentAgent) -> HomePage {
    HomePage {
        ctx,
        permissions: agent.role.permissions().to_vec(),
        agent,
    }
}
