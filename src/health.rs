//! `GET /healthz`: 200 when the database answers, 503 when it does not.
use axum::{extract::State, http::StatusCode};

use crate::AppState;

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match sqlx::query!("select 1 as alive").fetch_one(&state.db).await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::warn!(%error, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
