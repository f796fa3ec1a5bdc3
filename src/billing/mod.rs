//! Billing (DESIGN.md, Plans and billing): plans and what seats cost on them, monthly
//! periods, prorated changes, invoices and the billing details printed on them. Every
//! route is the owner's alone.
mod change;
mod close;
pub mod db;
mod details;
mod invoices;
pub mod lines;
mod notice;
mod overview;
pub mod period;
mod plan;

use axum::{
    Router,
    routing::{get, post},
};
pub use change::SeatCharge;
pub use close::{ClosedPeriod, close_periods};
pub use period::Period;
pub use plan::{Plan, SeatCost};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/billing", get(overview::show_overview))
        .route("/app/billing/plan", post(overview::change_plan))
        .route("/app/billing/invoices", get(invoices::list_invoices))
        .route("/app/billing/invoices/{id}", get(invoices::show_invoice))
        .route(
            "/app/billing/details",
            get(details::show_details).post(details::save_details),
        )
}
