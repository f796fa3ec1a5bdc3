//! Who is asking and what they may do: login and logout, two-factor login, password
//! resets and changes, sessions, throttling, password rules and the permission layer of every `/app` route.
mod change;
mod current;
mod db;
mod login;
pub mod password;
mod permission;
mod reset;
mod session;
mod store;
pub mod throttle;
pub mod two_factor;

use axum::{Router, routing::get, routing::post};

pub use current::{CurrentAgent, require_permission};
pub use db::{delete_expired, start_login};
pub use login::local_path;
pub use permission::{Permission, Role};
pub use session::{
    ANONYMOUS_TIMEOUT, LoginIdentity, change_language, keep_alive, log_in, session_login,
};
pub use store::PgSessionStore;

use crate::AppState;

/// Where an agent changes their own password, and must after logging in with an
/// invitation's temporary one.
pub const CHANGE_PASSWORD_PATH: &str = "/app/password";

/// The pages of a logged-in agent's own password: the one the first login leads to, and
/// the profile's.
pub fn own_password_router() -> Router<AppState> {
    Router::new()
        .route(
            CHANGE_PASSWORD_PATH,
            get(change::show_change).post(change::change_password),
        )
        .route(
            "/app/profile/password",
            get(change::show_change).post(change::change_password),
        )
}

/// Logging in and out, and forgotten passwords: open to anyone.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(two_factor::login_router())
        .route(
            "/login",
            get(login::show_login).post(login::log_in_with_password),
        )
        .route("/logout", post(login::log_out))
        .route(
            "/password/forgot",
            get(reset::show_forgot).post(reset::request_reset),
        )
        .route(
            "/password/reset/{token}",
            get(reset::show_reset).post(reset::reset_password),
        )
}
