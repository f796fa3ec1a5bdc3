//! The agent form shared by the invitation and edit pages: its fields, their parsing and
//! the choices the page offers.
use serde::Deserialize;
use sqlx::PgConnection;
use uuid::Uuid;

use super::Gender;
use crate::{
    auth::Role,
    departments,
    i18n::Locale,
    input::{self, Choice, FieldErrors, required_text},
};

pub(crate) const NAME_MAX: usize = 120;

/// The fields as typed, kept to show them again when something is wrong.
#[derive(Debug, Default, Deserialize)]
pub struct AgentForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub alias: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub departments: Vec<String>,
}

/// Everything of the form but the email, parsed.
pub struct Profile {
    pub name: String,
    pub alias: Option<String>,
    pub gender: Gender,
    pub role: Role,
    pub departments: Vec<Uuid>,
}

impl AgentForm {
    /// Parses the fields; `departments` must also be of the workspace of `account_id`.
    pub async fn parse_profile(
        &self,
        conn: &mut PgConnection,
        account_id: Uuid,
        errors: &mut FieldErrors,
    ) -> sqlx::Result<Option<Profile>> {
        let name = errors.check("name", required_text(&self.name, NAME_MAX));
        let alias = errors.check("alias", input::optional_text(&self.alias, NAME_MAX));
        let gender = errors.check("gender", parse_gender(&self.gender));
        let role = errors.check("role", parse_role(&self.role));
        let mut departments = errors.check("departments", input::ids(&self.departments));
        if let Some(ids) = &departments
            && departments::db::count_existing(conn, account_id, ids).await? != ids.len() as i64
        {
            errors.add("departments", "input-choice-invalid");
            departments = None;
        }
        Ok(match (name, alias, gender, role, departments) {
            (Some(name), Some(alias), Some(gender), Some(role), Some(departments)) => {
                Some(Profile {
                    name,
                    alias,
                    gender,
                    role,
                    departments,
                })
            }
            _ => None,
        })
    }

    /// The role as typed, if it is one: the rules are checked against it before anything
    /// else, so that a forged role is refused as such.
    pub fn requested_role(&self) -> Option<Role> {
        parse_role(&self.role).ok()
    }
}

fn parse_role(raw: &str) -> Result<Role, &'static str> {
    Role::ALL
        .into_iter()
        .find(|role| role.as_str() == raw)
        .ok_or("input-choice-invalid")
}

pub(crate) fn parse_gender(raw: &str) -> Result<Gender, &'static str> {
    if raw.is_empty() {
        return Ok(Gender::Unspecified);
    }
    Gender::ALL
        .into_iter()
        .find(|gender| gender.as_str() == raw)
        .ok_or("input-choice-invalid")
}

/// The choices of the form's selects and checkboxes, with what is selected marked.
pub struct FormChoices {
    pub roles: Vec<Choice>,
    pub genders: Vec<Choice>,
    pub departments: Vec<Choice>,
}

impl FormChoices {
    /// `offered_roles` are the roles the viewer may give.
    pub async fn load(
        conn: &mut PgConnection,
        account_id: Uuid,
        locale: Locale,
        offered_roles: &[Role],
        form: &AgentForm,
    ) -> sqlx::Result<Self> {
        let departments = Choice::rows(departments::db::names(conn, account_id).await?, |id| {
            form.departments.iter().any(|d| d == &id.to_string())
        });
        Ok(Self {
            roles: offered_roles
                .iter()
                .map(|role| {
                    Choice::new(
                        role.as_str(),
                        locale.t(role.label_key()),
                        role.as_str() == form.role,
                    )
                })
                .collect(),
            genders: Gender::choices(locale, &form.gender),
            departments,
        })
    }
}

/// The roles `actor` may give: only owners make owners.
pub fn offered_roles(actor: Role) -> &'static [Role] {
    if actor == Role::Owner {
        &Role::ALL
    } else {
        &[Role::Agent, Role::Admin]
    }
}
