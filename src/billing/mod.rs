//! Plans and what seats cost on them (DESIGN.md, Plans and billing).
pub mod db;
mod plan;

pub use plan::{Plan, SeatCost};
