//! `frontdesk seed`: a demo workspace with an owner, an admin and two agents, created once.
//! Their generated passwords are printed and kept in `var/demo-logins.txt` (git-ignored),
//! so that later runs can print them again.
use std::path::Path;

use anyhow::Context;
use sqlx::PgPool;

use crate::{
    agents::db::{NewAgent, insert_agent},
    auth::{Role, password},
    config::Config,
    crypto,
    i18n::Locale,
    signup,
};

const SLUG: &str = "demo";
const LOGINS_FILE: &str = "var/demo-logins.txt";
const PEOPLE: [(&str, &str, Role); 4] = [
    ("Olivia Owner", "owner@demo.example", Role::Owner),
    ("Adam Admin", "admin@demo.example", Role::Admin),
    ("Alice Agent", "alice@demo.example", Role::Agent),
    ("Bob Agent", "bob@demo.example", Role::Agent),
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
    let mut logins = format!(
        "Log in at {} with workspace `{SLUG}` and one of:\n",
        config.link(&format!("/login?workspace={SLUG}"))
    );
    for (name, email, role) in PEOPLE {
        let generated = crypto::generated_password();
        let hash = password::hash(&generated).await?;
        let agent = NewAgent {
            email,
            name,
            role,
            password_hash: &hash,
            language: Locale::En,
        };
        insert_agent(&mut tx, account_id, &agent).await?;
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
