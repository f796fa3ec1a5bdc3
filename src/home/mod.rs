//! `GET /app`: where an agent lands after logging in.
use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, routing::get};

use crate::{AppState, auth::CurrentAgent, web::PageContext};

pub fn router() -> Router<AppState> {
    Router::new().route("/app", get(show_home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
struct HomePage {
    ctx: PageContext,
    agent: CurrentAgent,
}

async fn show_home(ctx: PageContext, agent: CurrentAgent) -> HomePage {
    HomePage { ctx, agent }
}
