//! The people of a workspace.
pub mod db;
