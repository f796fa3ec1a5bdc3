//! `frontdesk seed`: a demo workspace on the small plan with an owner, an admin, two agents
//! and two departments, created once with the same queries the panel uses.
//! Their generated passwords are printed and kept in `var/demo-logins.txt` (git-ignored),
//! so that later runs can print them again.
use std::path::Path;

use anyhow::Context;
use sqlx::PgPool;

use crate::{
    agents::{self, Gender, db::NewAgent},
    auth::{Role, password},
    billing::{self, Plan},
    config::Config,
    crypto, departments,
    i18n::Locale,
    signup,
};

const SLUG: &str = "demo";
const LOGINS_FILE: &str = "var/demo-logins.txt";
const DEPARTMENTS: [(&str, &str); 2] = [
    ("Support", "Questions about using the product."),
    ("Billing", "Invoices, refunds and plan changes."),
];
/// Name, email, role and the departments (indexes into `DEPARTMENTS`) of each person.
const PEOPLE: [(&str, &str, Role, &[usize]); 4] = [
    ("Olivia Owner", "owner@demo.example", Role::Owner, &[]),
    ("Adam Admin", "admin@demo.example", Role::Admin, &[0, 1]),
    ("Alice Agent", "alice@demo.example", Role::Agent, &[0]),
    ("Bob Agent", "bob@demo.example", Role::Agent, &[1]),
];

pub async fn seed_demo(db: &PgPool, config: &Config) -> anyhow::Result<()> {
    if signup::db::slug_taken(&mut *db.acquire().await?, SLUG).await? {
        match std::fs::read_to_string(LOGINS_FILE) {
            Ok(logins) => println!("The demo workspace exists already.\n{logins}"),
            Err(_) => println!(
                "The demo workspace exists already; its passwords were printed when it was created."
            ),
        }
        return Ok(());
    }

    let mut tx = db.begin().await?;
    let account_id = signup::db::insert_account(&mut tx, SLUG, "Demo Company").await?;
    billing::db::set_plan(&mut tx, account_id, Plan::Small).await?;
    let mut department_ids = Vec::new();
    for (name, description) in DEPARTMENTS {
        department_ids.push(departments::db::insert(&mut tx, account_id, name, description).await?);
    }
    let mut logins = format!(
        "Log in at {} with workspace `{SLUG}` and one of:\n",
        config.link(&format!("/login?workspace={SLUG}"))
    );
    for (name, email, role, departments) in PEOPLE {
        let generated = crypto::generated_password();
        let hash = password::hash(&generated).await?;
        let agent = NewAgent {
            email,
            name,
            alias: None,
            gender: Gender::Unspecified,
            role,
            password_hash: &hash,
            language: Locale::En,
            temporary_password_expires_at: None,
        };
        let agent_id = agents::db::insert_agent(&mut tx, account_id, &agent).await?;
        let departments: Vec<_> = departments.iter().map(|&i| department_ids[i]).collect();
        agents::db::set_departments(&mut tx, account_id, agent_id, &departments).await?;
        logins.push_str(&format!(
            "  {:<6} {email:<22} password {generated}\n",
            role.as_str()
        ));
    }
    tx.commit().await?;

    if let Some(dir) = Path::new(LOGINS_FILE).parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(LOGINS_FILE, &logins).with_context(|| format!("writing {LOGINS_FILE}"))?;
    println!("Created the demo workspace.\n{logins}");
    Ok(())
}
