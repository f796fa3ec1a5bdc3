//! Frontdesk: a multi-tenant help desk. `router::app` builds the whole HTTP application;
//! `startup` connects, migrates and serves it; features live in their own modules.
#[macro_use]
mod text_enum;

pub mod agents;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod calls;
pub mod canned;
pub mod chat;
pub mod citus;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod departments;
pub mod directory;
pub mod error;
pub mod format;
pub mod health;
pub mod i18n;
pub mod images;
pub mod input;
pub mod kb;
pub mod live;
pub mod mail;
pub mod notifications;
pub mod ordering;
pub mod profile;
pub mod reports;
pub mod router;
pub mod rules;
pub mod secrets;
pub mod seed;
pub mod settings;
pub mod signup;
pub mod sla;
pub mod social;
pub mod startup;
pub mod tags;
pub mod text_search;
pub mod tickets;
pub mod web;
pub mod workspace;

pub use error::AppError;
pub use startup::AppState;
