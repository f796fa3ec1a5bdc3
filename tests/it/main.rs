//! Frontdesk's integration tests: one binary, the real router on a real port, a fresh
//! PostgreSQL database per test (`#[sqlx::test]`) and a real SMTP server on loopback.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking at the first thing that is not as expected"
)]

mod agents;
mod architecture;
mod attachments;
mod auth;
mod billing;
mod browser;
mod browser_streams;
mod bulk;
mod calls;
mod canned;
mod chat;
mod citus;
mod clock;
mod departments;
mod harness;
mod hostile_input;
mod inbound;
mod inbound_sender;
mod kb;
mod language_choice;
mod languages;
mod limits;
mod merge;
mod notifications;
mod outbox;
mod panel_layout;
mod password;
mod permissions;
mod prerequisites;
mod processes;
mod profile;
mod reports;
mod reset;
mod rules;
mod search;
mod signup;
mod sla;
mod social;
mod stack;
mod streams;
mod tags;
mod throttle;
mod tickets;
mod two_factor;
mod web_phone;
mod wording;
