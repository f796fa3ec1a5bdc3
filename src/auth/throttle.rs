//! Login throttling with counters in PostgreSQL, so that every `serve` process sees the
//! same ones: 10 failures for one workspace+email or 50 from one client network within 15
//! minutes lock further attempts out (the right password included) until the window has
//! passed. An attempt is recorded before its password is checked; a successful one is
//! then deleted, so what the counters hold are failures.
use std::net::IpAddr;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::input::LoginName;

const ACCOUNT_LIMIT: i64 = 10;
const IP_LIMIT: i64 = 50;

/// An attempt being checked: its two counter rows.
pub struct Attempt {
    account_key: String,
    ip_row: Uuid,
}

/// The counter key of a client address. An IPv6 client controls a whole /64, so that is
/// what counts as one address.
pub fn client_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Records the attempt, then counts every attempt of the window, its own included: `None`
/// if that is over a limit (the refused attempt is then removed, so that it does not
/// prolong the lock). Recording first, in its own statement, means attempts sent in
/// parallel see each other and can only be refused earlier, never later.
pub async fn begin(
    conn: &mut PgConnection,
    name: &LoginName,
    client: &str,
) -> sqlx::Result<Option<Attempt>> {
    let account_key = name.throttle_key();
    let (account_row, ip_row) = (Uuid::now_v7(), Uuid::now_v7());
    sqlx::query!(
        "insert into login_attempts (id, scope, key) values ($1, 'account', $2), ($3, 'ip', $4)",
        account_row,
        account_key,
        ip_row,
        client,
    )
    .execute(&mut *conn)
    .await?;
    let counts = sqlx::query!(
        r#"select count(*) filter (where scope = 'account') as "account!",
                  count(*) filter (where scope = 'ip') as "ip!"
           from login_attempts
           where attempted_at > now() - interval '15 minutes'
             and ((scope = 'account' and key = $1) or (scope = 'ip' and key = $2))"#,
        account_key,
        client,
    )
    .fetch_one(&mut *conn)
    .await?;
    if counts.account <= ACCOUNT_LIMIT && counts.ip <= IP_LIMIT {
        return Ok(Some(Attempt {
            account_key,
            ip_row,
        }));
    }
    sqlx::query!(
        "delete from login_attempts where id in ($1, $2)",
        account_row,
        ip_row
    )
    .execute(conn)
    .await?;
    Ok(None)
}

/// A successful login starts the pair's count afresh; the client's earlier failures stay.
pub async fn succeeded(conn: &mut PgConnection, attempt: &Attempt) -> sqlx::Result<()> {
    sqlx::query!(
        "delete from login_attempts where (scope = 'account' and key = $1) or id = $2",
        attempt.account_key,
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
        let key = |ip: &str| client_key(ip.parse().unwrap());
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:bbbb::2"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }
}
