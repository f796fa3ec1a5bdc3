//! Throttling with counters in PostgreSQL, so that every `serve` process sees the same ones.
//! Logins: 10 failures for one workspace+email or 50 from one client network within 15
//! minutes lock further attempts out (the right password included) until the window has
//! passed; two-factor codes count the same way, per agent and per client network. Signups and reset requests are limited per client network the same way, so
//! that nobody can keep the password hashing busy or flood inboxes.
//!
//! An attempt is recorded before it is checked, each in its own statement, so attempts
//! sent in parallel see each other and can only be refused earlier, never later. A
//! successful login deletes its account row, so what the login counters hold are failures.
//! Keys are stored as SHA-256 digests: whatever was typed stays out of the table.
use std::net::IpAddr;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::{crypto, input::LoginName};

#[derive(Clone, Copy, Debug)]
pub enum Scope {
    /// Login attempts for one workspace+email.
    Account,
    /// Login attempts from one client network.
    Ip,
    /// Workspaces created from one client network.
    Signup,
    /// Password reset requests from one client network.
    Reset,
    /// Customer messages (contact form, ticket page) from one client network.
    Contact,
    /// Two-factor codes typed for one agent after their password.
    TwoFactor,
    /// Helpful votes on knowledge-base articles from one client network.
    Vote,
    /// Chats started from one client network.
    ChatStart,
    /// Messages a visitor sends in one chat.
    ChatMessage,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Ip => "ip",
            Self::Signup => "signup",
            Self::Reset => "reset",
            Self::Contact => "contact",
            Self::TwoFactor => "two_factor",
            Self::Vote => "vote",
            Self::ChatStart => "chat_start",
            Self::ChatMessage => "chat_message",
        }
    }

    /// Attempts allowed within the 15-minute window.
    fn limit(self) -> i64 {
        match self {
            Self::Account => 10,
            Self::Ip => 50,
            Self::Signup => 5,
            Self::Reset => 10,
            Self::Contact => 20,
            Self::TwoFactor => 10,
            Self::Vote => 30,
            Self::ChatStart => 10,
            Self::ChatMessage => 300,
        }
    }
}

/// The counter key of a client address. An IPv6 client controls a whole /64, so that is
/// what counts as one address.
pub fn client_key(ip: Option<IpAddr>) -> String {
    match ip.map(|ip| ip.to_canonical()) {
        None => "unknown".to_owned(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

fn digest(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(crypto::token_digest(key))
}

/// Records an attempt and returns its row id and whether the attempts of the window with
/// that scope and key, its own included, are within the limit.
async fn record(conn: &mut PgConnection, scope: Scope, key: &str) -> sqlx::Result<(Uuid, bool)> {
    let id = Uuid::now_v7();
    let key = digest(key);
    sqlx::query!(
        "insert into login_attempts (id, scope, key) values ($1, $2, $3)",
        id,
        scope.as_str(),
        key,
    )
    .execute(&mut *conn)
    .await?;
    let count = sqlx::query_scalar!(
        r#"select count(*) as "count!" from login_attempts
           where scope = $1 and key = $2 and attempted_at > app_now() - interval '15 minutes'"#,
        scope.as_str(),
        key,
    )
    .fetch_one(conn)
    .await?;
    Ok((id, count <= scope.limit()))
}

/// Removes refused attempts: they do not prolong the lock.
async fn forget(conn: &mut PgConnection, ids: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query!("delete from login_attempts where id = any($1)", ids)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts one attempt of a client action; `false` if the client is over its limit.
pub async fn allow(db: &PgPool, scope: Scope, client: Option<IpAddr>) -> sqlx::Result<bool> {
    allow_key(db, scope, &client_key(client)).await
}

/// Counts one attempt of an action on `key` (a chat's token, ...); `false` if it is over
/// its limit.
pub async fn allow_key(db: &PgPool, scope: Scope, key: &str) -> sqlx::Result<bool> {
    let mut conn = db.acquire().await?;
    let (id, allowed) = record(&mut conn, scope, key).await?;
    if !allowed {
        forget(&mut conn, &[id]).await?;
    }
    Ok(allowed)
}

/// A login attempt being checked.
pub struct LoginAttempt {
    scope: Scope,
    key_digest: String,
    ip_row: Uuid,
}

/// Counts a login attempt against both of its limits; `None` if it is over either.
pub async fn begin_login(
    conn: &mut PgConnection,
    name: &LoginName,
    client: &str,
) -> sqlx::Result<Option<LoginAttempt>> {
    begin(conn, Scope::Account, &name.throttle_key(), client).await
}

/// Counts a two-factor code typed for an agent against the agent's limit and the client's
/// login limit; `None` if it is over either.
pub async fn begin_two_factor(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    client: &str,
) -> sqlx::Result<Option<LoginAttempt>> {
    let key = format!("{account_id}\n{agent_id}");
    begin(conn, Scope::TwoFactor, &key, client).await
}

async fn begin(
    conn: &mut PgConnection,
    scope: Scope,
    key: &str,
    client: &str,
) -> sqlx::Result<Option<LoginAttempt>> {
    let (key_row, key_allowed) = record(conn, scope, key).await?;
    let (ip_row, ip_allowed) = record(conn, Scope::Ip, client).await?;
    if key_allowed && ip_allowed {
        return Ok(Some(LoginAttempt {
            scope,
            key_digest: digest(key),
            ip_row,
        }));
    }
    forget(conn, &[key_row, ip_row]).await?;
    Ok(None)
}

/// A successful login starts the pair's count afresh; the client's earlier failures stay.
pub async fn login_succeeded(conn: &mut PgConnection, attempt: &LoginAttempt) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from login_attempts where (scope = $1 and key = $2) or id = $3",
        attempt.scope.as_str(),
        attempt.key_digest,
        attempt.ip_row,
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::client_key;

    #[test]
    fn ipv6_clients_count_by_their_64_bit_network() {
        let key = |ip: &str| client_key(Some(ip.parse().unwrap()));
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::2"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(client_key(None), "unknown");
    }
}
