//! The signup form and its rules.
use serde::Deserialize;

use crate::{
    auth::password::NewPassword,
    input::{EmailAddress, FieldErrors, Slug, required_text},
};

/// Slugs that name our own pages or would mislead customers.
pub const RESERVED_SLUGS: &[&str] = &[
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "billing",
    "blog",
    "dashboard",
    "docs",
    "frontdesk",
    "help",
    "healthz",
    "inbound",
    "login",
    "logout",
    "mail",
    "password",
    "root",
    "security",
    "settings",
    "signup",
    "static",
    "status",
    "support",
    "system",
    "widget",
    "www",
];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignupForm {
    pub company: String,
    pub workspace: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

pub struct NewWorkspace {
    pub company: String,
    pub slug: Slug,
    pub owner_name: String,
    pub owner_email: EmailAddress,
    pub password: NewPassword,
}

impl SignupForm {
    pub fn parse(&self) -> Result<NewWorkspace, FieldErrors> {
        let mut errors = FieldErrors::default();
        let company = errors.check("company", required_text(&self.company, 120));
        let slug = errors.check(
            "workspace",
            Slug::parse(&self.workspace).and_then(|slug| {
                if RESERVED_SLUGS.contains(&slug.as_str()) {
                    Err("signup-slug-reserved")
                } else {
                    Ok(slug)
                }
            }),
        );
        let owner_name = errors.check("name", required_text(&self.name, 120));
        let owner_email = errors.check("email", EmailAddress::parse(&self.email));
        let password = errors.check("password", NewPassword::parse(&self.password, &self.email));
        match (company, slug, owner_name, owner_email, password) {
            (Some(company), Some(slug), Some(owner_name), Some(owner_email), Some(password)) => {
                Ok(NewWorkspace {
                    company,
                    slug,
                    owner_name,
                    owner_email,
                    password,
                })
            }
            _ => Err(errors),
        }
    }
}
