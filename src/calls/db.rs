//! The calls' tables (migration `calls`): the workspace's voice connection, its numbers,
//! and each call's log.
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{crypto, tickets::db::Viewer};

/// The voice connection as stored; the auth token stays sealed (`secrets.rs`).
#[derive(sqlx::FromRow)]
pub struct VoiceSettings {
    pub account_id: Uuid,
    pub channel_token: String,
    pub account_sid: String,
    pub auth_token: Vec<u8>,
    pub sip_domain: String,
    pub greeting: String,
    pub record: bool,
    /// The API key that signs the web phones' access tokens; empty without web phones.
    pub api_key_sid: String,
    /// Its secret, sealed like the auth token.
    pub api_key_secret: Option<Vec<u8>>,
}

impl VoiceSettings {
    /// Whether agents may take calls in the browser: an API key signs their tokens.
    pub fn has_web_phones(&self) -> bool {
        self.api_key_secret.is_some()
    }
}

const SETTINGS: &str = "select account_id, channel_token, account_sid, auth_token, sip_domain,
                               greeting, record, api_key_sid, api_key_secret
                        from voice_settings";

pub async fn settings(
    conn: &mut PgConnection,
    account_id: Uuid,
) -> sqlx::Result<Option<VoiceSettings>> {
    sqlx::query_as(&format!("{SETTINGS} where account_id = $1"))
        .bind(account_id)
        .fetch_optional(conn)
        .await
}

/// The connection whose webhook addresses carry `token`.
pub async fn settings_by_token(
    conn: &mut PgConnection,
    token: &str,
) -> sqlx::Result<Option<VoiceSettings>> {
    sqlx::query_as(&format!("{SETTINGS} where channel_token = $1"))
        .bind(token)
        .fetch_optional(conn)
        .await
}

/// What an admin saves; `auth_token: None` keeps the stored one.
pub struct SavedSettings<'a> {
    pub account_sid: &'a str,
    pub auth_token: Option<Vec<u8>>,
    pub sip_domain: &'a str,
    pub greeting: &'a str,
    pub record: bool,
}

/// Saves the connection: with an auth token, made or replaced (the first save gives it its
/// webhook token); without, the stored one's other settings changed.
pub async fn save_settings(
    conn: &mut PgConnection,
    account_id: Uuid,
    saved: &SavedSettings<'_>,
) -> sqlx::Result<()> {
    let query = match saved.auth_token {
        Some(_) => sqlx::query(
            "insert into voice_settings (account_id, channel_token, account_sid, auth_token,
                                         sip_domain, greeting, record)
             values ($1, $6, $2, $7, $3, $4, $5)
             on conflict (account_id) do update
             set account_sid = excluded.account_sid, auth_token = excluded.auth_token,
                 sip_domain = excluded.sip_domain, greeting = excluded.greeting,
                 record = excluded.record, updated_at = now()",
        ),
        None => sqlx::query(
            "update voice_settings set account_sid = $2, sip_domain = $3, greeting = $4,
                    record = $5, updated_at = now()
             where account_id = $1",
        ),
    }
    .bind(account_id)
    .bind(saved.account_sid)
    .bind(saved.sip_domain)
    .bind(saved.greeting)
    .bind(saved.record);
    let query = match &saved.auth_token {
        Some(auth_token) => query
            .bind(crypto::random_token())
            .bind(auth_token.as_slice()),
        None => query,
    };
    query.execute(conn).await?;
    Ok(())
}

/// The web phones' API key: a new one with its sealed secret, the stored one's secret kept
/// (`secret: None`), or none (`sid` empty: no web phones).
pub async fn set_api_key(
    conn: &mut PgConnection,
    account_id: Uuid,
    sid: &str,
    secret: Option<&[u8]>,
) -> sqlx::Result<()> {
    sqlx::query(
        "update voice_settings
         set api_key_sid = $2,
             api_key_secret = case when $2 = '' then null else coalesce($3, api_key_secret) end
         where account_id = $1",
    )
    .bind(account_id)
    .bind(sid)
    .bind(secret)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct VoiceNumber {
    pub id: Uuid,
    pub number: String,
    pub department: String,
}

pub async fn numbers(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<VoiceNumber>> {
    sqlx::query_as(
        "select n.id, n.number, d.name as department
         from voice_numbers n
         join departments d on d.account_id = n.account_id and d.id = n.department_id
         where n.account_id = $1
         order by n.number",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// Adds `number`, routed to `department_id`; `false` when the workspace has it already.
pub async fn add_number(
    conn: &mut PgConnection,
    account_id: Uuid,
    number: &str,
    department_id: Uuid,
) -> sqlx::Result<bool> {
    let added = sqlx::query(
        "insert into voice_numbers (account_id, id, number, department_id)
         values ($1, $2, $3, $4)
         on conflict (account_id, number) do nothing",
    )
    .bind(account_id)
    .bind(Uuid::now_v7())
    .bind(number)
    .bind(department_id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(added > 0)
}

/// Removes a number; its number, or `None` when the workspace has no such number.
pub async fn remove_number(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "delete from voice_numbers where account_id = $1 and id = $2 returning number",
    )
    .bind(account_id)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The department that calls to `number` ring.
pub async fn department_of_number(
    conn: &mut PgConnection,
    account_id: Uuid,
    number: &str,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "select department_id from voice_numbers where account_id = $1 and number = $2",
    )
    .bind(account_id)
    .bind(number)
    .fetch_optional(conn)
    .await
}

/// An agent who may take a call now, with the device of their profile.
#[derive(Debug, sqlx::FromRow)]
pub struct Reachable {
    pub id: Uuid,
    pub device: String,
    pub extension: String,
}

/// The agent's device as their profile says.
pub async fn agent_device(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<Reachable> {
    sqlx::query_as("select id, device, extension from agents where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(agent_id)
        .fetch_one(conn)
        .await
}

/// The caller's number of a call's ticket, and the workspace's number a call back comes
/// from: the one they called last, else one of the ticket's department, else any.
pub async fn call_back_numbers(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<(String, Option<String>)> {
    sqlx::query_as(
        "select t.customer_phone,
                coalesce(
                  (select c.to_number from calls c
                   where c.account_id = t.account_id and c.ticket_id = t.id
                     and c.direction = 'inbound'
                   order by c.rang_at desc limit 1),
                  (select n.number from voice_numbers n
                   where n.account_id = t.account_id
                   order by n.department_id = t.department_id desc nulls last, n.number
                   limit 1))
         from tickets t where t.account_id = $1 and t.id = $2",
    )
    .bind(account_id)
    .bind(ticket_id)
    .fetch_one(conn)
    .await
}

/// The agents of `department_id` who are online and receive its calls, in the order they
/// joined.
pub async fn reachable_agents(
    conn: &mut PgConnection,
    account_id: Uuid,
    department_id: Uuid,
) -> sqlx::Result<Vec<Reachable>> {
    sqlx::query_as(
        "select a.id, a.device, a.extension
         from department_agents da
         join agents a on a.account_id = da.account_id and a.id = da.agent_id
         where da.account_id = $1 and da.department_id = $2 and da.receives_calls
           and a.deleted_at is null and a.availability = 'online'
         order by a.created_at, a.id",
    )
    .bind(account_id)
    .bind(department_id)
    .fetch_all(conn)
    .await
}

/// The customer whose earlier ticket came from `phone`: their name and email address.
pub async fn customer_by_phone(
    conn: &mut PgConnection,
    account_id: Uuid,
    phone: &str,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "select customer_name, customer_email from tickets
         where account_id = $1 and customer_phone = $2
         order by created_at desc limit 1",
    )
    .bind(account_id)
    .bind(phone)
    .fetch_optional(conn)
    .await
}

pub struct NewCall<'a> {
    /// `inbound`, or `outbound` for a call back.
    pub direction: &'static str,
    pub call_sid: &'a str,
    pub from_number: &'a str,
    pub to_number: &'a str,
    pub department_id: Option<Uuid>,
    pub ticket_id: Uuid,
    pub rang_at: OffsetDateTime,
}

/// Logs a call; its id.
pub async fn insert_call(
    conn: &mut PgConnection,
    account_id: Uuid,
    call: &NewCall<'_>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into calls (account_id, id, call_sid, direction, from_number, to_number,
                            department_id, ticket_id, rang_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(account_id)
    .bind(id)
    .bind(call.call_sid)
    .bind(call.direction)
    .bind(call.from_number)
    .bind(call.to_number)
    .bind(call.department_id)
    .bind(call.ticket_id)
    .bind(call.rang_at)
    .execute(conn)
    .await?;
    Ok(id)
}

/// The provider's SID of a call back, once it gave one.
pub async fn set_call_sid(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    call_sid: &str,
) -> sqlx::Result<()> {
    sqlx::query("update calls set call_sid = $3 where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(id)
        .bind(call_sid)
        .execute(conn)
        .await?;
    Ok(())
}

/// A call back the provider refused: it never happened.
pub async fn delete_call(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from calls where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A call as its webhooks need it, locked for the rest of the transaction: the provider's
/// callbacks of one call may arrive at once.
#[derive(Debug, sqlx::FromRow)]
pub struct LockedCall {
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub agent_id: Option<Uuid>,
    pub answered_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub voicemail_url: Option<String>,
}

pub async fn lock_call(
    conn: &mut PgConnection,
    account_id: Uuid,
    call_sid: &str,
) -> sqlx::Result<Option<LockedCall>> {
    sqlx::query_as(&format!("{LOCKED_CALL} and call_sid = $2 for update"))
        .bind(account_id)
        .bind(call_sid)
        .fetch_optional(conn)
        .await
}

/// A call back by its own id, locked (its status callbacks may come before its SID is
/// stored).
pub async fn lock_call_by_id(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<LockedCall>> {
    sqlx::query_as(&format!("{LOCKED_CALL} and id = $2 for update"))
        .bind(account_id)
        .bind(id)
        .fetch_optional(conn)
        .await
}

const LOCKED_CALL: &str = "select id, ticket_id, agent_id, answered_at, ended_at, voicemail_url
                           from calls where account_id = $1";

/// `agent_id` answered at `at`; `false` when someone had answered already.
pub async fn answered(
    conn: &mut PgConnection,
    account_id: Uuid,
    call_id: Uuid,
    agent_id: Uuid,
    at: OffsetDateTime,
) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "update calls set agent_id = $3, answered_at = $4
         where account_id = $1 and id = $2 and answered_at is null",
    )
    .bind(account_id)
    .bind(call_id)
    .bind(agent_id)
    .bind(at)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// Whose report of a call's end this is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The whole call's (it includes the greeting and the ringing).
    Call,
    /// The answered device's: the conversation. It wins over the call's, whichever came
    /// first, so that the log does not depend on the order of the callbacks.
    Conversation,
}

/// The call ended at `at` after `duration` seconds.
pub async fn ended(
    conn: &mut PgConnection,
    account_id: Uuid,
    call_id: Uuid,
    at: OffsetDateTime,
    duration: Option<i32>,
    end: End,
) -> sqlx::Result<()> {
    sqlx::query(
        "update calls
         set ended_at = case when $5 then $3 else coalesce(ended_at, $3) end,
             duration_seconds = case when $5 then coalesce($4, duration_seconds)
                                     else coalesce(duration_seconds, $4) end
         where account_id = $1 and id = $2",
    )
    .bind(account_id)
    .bind(call_id)
    .bind(at)
    .bind(duration)
    .bind(end == End::Conversation)
    .execute(conn)
    .await?;
    Ok(())
}

/// Settles, once, what becomes of an incoming call's ticket: `answered` (the ringing
/// ended answered, whether or not the device's own report came) leaves it to its answerer;
/// otherwise an unanswered call is settled for the queue, and `true` says to send it there
/// now.
pub async fn settle(
    conn: &mut PgConnection,
    account_id: Uuid,
    call_id: Uuid,
    at: OffsetDateTime,
    answered: bool,
) -> sqlx::Result<bool> {
    let queued: Option<bool> = sqlx::query_scalar(
        "update calls set settled_at = $3
         where account_id = $1 and id = $2 and direction = 'inbound' and settled_at is null
           and ($4 or answered_at is null)
         returning not $4",
    )
    .bind(account_id)
    .bind(call_id)
    .bind(at)
    .bind(answered)
    .fetch_optional(conn)
    .await?;
    Ok(queued == Some(true))
}

/// Keeps the link of the conversation's recording, or of the caller's voicemail.
pub async fn set_recording(
    conn: &mut PgConnection,
    account_id: Uuid,
    call_id: Uuid,
    url: &str,
    voicemail: bool,
) -> sqlx::Result<()> {
    let column = if voicemail {
        "voicemail_url"
    } else {
        "recording_url"
    };
    sqlx::query(&format!(
        "update calls set {column} = $3 where account_id = $1 and id = $2"
    ))
    .bind(account_id)
    .bind(call_id)
    .bind(url)
    .execute(conn)
    .await?;
    Ok(())
}

/// A call as lists and tickets show it.
#[derive(Debug, sqlx::FromRow)]
pub struct CallLog {
    pub id: Uuid,
    pub call_sid: String,
    pub direction: String,
    pub ticket_id: Uuid,
    pub number: i64,
    pub state: String,
    pub from_number: String,
    pub to_number: String,
    pub department: Option<String>,
    pub agent: Option<String>,
    pub rang_at: OffsetDateTime,
    pub answered_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub duration_seconds: Option<i32>,
    pub recording_url: Option<String>,
    pub voicemail_url: Option<String>,
}

const CALL_LOG: &str =
    "select c.id, c.call_sid, c.direction, c.ticket_id, t.number, c.state, c.from_number, c.to_number,
           (select d.name from departments d
            where d.account_id = c.account_id and d.id = c.department_id) as department,
           (select a.name from agents a
            where a.account_id = c.account_id and a.id = c.agent_id) as agent,
           c.rang_at, c.answered_at, c.ended_at, c.duration_seconds, c.recording_url,
           c.voicemail_url
    from calls c join tickets t on t.account_id = c.account_id and t.id = c.ticket_id";

pub async fn calls_of_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Vec<CallLog>> {
    sqlx::query_as(&format!(
        "{CALL_LOG} where c.account_id = $1 and c.ticket_id = $2 order by c.rang_at"
    ))
    .bind(account_id)
    .bind(ticket_id)
    .fetch_all(conn)
    .await
}

/// The newest calls `viewer` may see (those of tickets they may see), `state` only when
/// given; at most `limit`.
pub async fn list(
    conn: &mut PgConnection,
    viewer: &Viewer,
    state: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<CallLog>> {
    sqlx::query_as(&format!(
        "{CALL_LOG}
         where c.account_id = $1 and ($2::text is null or c.state = $2)
           and ($3 or t.assignee_id = $4 or t.department_id is null
                or exists (select 1 from department_agents da
                           where da.account_id = t.account_id
                             and da.department_id = t.department_id and da.agent_id = $4))
         order by c.rang_at desc, c.id desc
         limit $5"
    ))
    .bind(viewer.account_id)
    .bind(state)
    .bind(viewer.sees_all)
    .bind(viewer.agent_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The caller's number on their ticket: the next call from it finds them again.
pub async fn set_customer_phone(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    phone: &str,
) -> sqlx::Result<()> {
    sqlx::query("update tickets set customer_phone = $3 where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(ticket_id)
        .bind(phone)
        .execute(conn)
        .await?;
    Ok(())
}

/// The caller's other tickets (by the number on `ticket_id`), newest first, at most 10: the
/// agent who picks up sees who is calling.
pub async fn caller_history(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "select o.number, o.subject
         from tickets t
         join tickets o on o.account_id = t.account_id and o.customer_phone = t.customer_phone
         where t.account_id = $1 and t.id = $2 and t.customer_phone <> '' and o.id <> t.id
         order by o.created_at desc
         limit 10",
    )
    .bind(account_id)
    .bind(ticket_id)
    .fetch_all(conn)
    .await
}
