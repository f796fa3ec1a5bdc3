//! The social channels' queries: connections, contacts, and what became of each reply.
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

use super::Delivery;
use crate::{i18n::Locale, tickets::Channel};

/// A connection as the webhooks, the worker and the settings page need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Connection {
    pub account_id: Uuid,
    pub id: Uuid,
    pub kind: Channel,
    pub channel_token: String,
    pub external_id: String,
    pub name: String,
    pub department_id: Option<Uuid>,
    pub access_token: Option<Vec<u8>>,
    pub app_secret: Option<Vec<u8>>,
    pub secret_digest: Option<Vec<u8>>,
    pub verify_token: String,
    pub webhook_error: Option<String>,
    pub broken_reason: Option<String>,
    pub removed_at: Option<OffsetDateTime>,
}

const CONNECTION: &str = "select account_id, id, kind, channel_token, external_id, name,
    department_id, access_token, app_secret, secret_digest, verify_token, webhook_error,
    broken_reason, removed_at from social_channels";

/// The connected channel whose webhook address carries `token`.
pub async fn by_token(conn: &mut PgConnection, token: &str) -> sqlx::Result<Option<Connection>> {
    sqlx::query_as(&format!(
        "{CONNECTION} where channel_token = $1 and removed_at is null"
    ))
    .bind(token)
    .fetch_optional(conn)
    .await
}

/// The workspace's connected channel of `kind` for the provider's id `external_id`.
pub async fn by_external_id(
    conn: &mut PgConnection,
    account_id: Uuid,
    kind: Channel,
    external_id: &str,
) -> sqlx::Result<Option<Connection>> {
    sqlx::query_as(&format!(
        "{CONNECTION} where account_id = $1 and kind = $2 and external_id = $3
         and removed_at is null"
    ))
    .bind(account_id)
    .bind(kind)
    .bind(external_id)
    .fetch_optional(conn)
    .await
}

/// The webhook token of the workspace's row for the provider's id `external_id`, connected
/// or not.
pub async fn channel_token(
    conn: &mut PgConnection,
    account_id: Uuid,
    kind: Channel,
    external_id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "select channel_token from social_channels
         where account_id = $1 and kind = $2 and external_id = $3",
    )
    .bind(account_id)
    .bind(kind)
    .bind(external_id)
    .fetch_optional(conn)
    .await
}

/// Channel `id`, connected or not.
pub async fn connection(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Connection>> {
    sqlx::query_as(&format!("{CONNECTION} where account_id = $1 and id = $2"))
        .bind(account_id)
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// A row of the channels page.
#[derive(Debug, sqlx::FromRow)]
pub struct Listed {
    pub id: Uuid,
    pub kind: Channel,
    pub channel_token: String,
    pub name: String,
    pub external_id: String,
    pub department: Option<String>,
    pub verify_token: String,
    pub webhook_error: Option<String>,
    pub broken_reason: Option<String>,
    /// Deliveries the inbox could not store yet (they are tried again), and why the last
    /// attempt failed.
    pub stuck: i64,
    pub stuck_error: Option<String>,
}

pub async fn list(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(
        "select c.id, c.kind, c.channel_token, c.name, c.external_id, d.name as department,
                c.verify_token, c.webhook_error, c.broken_reason,
                coalesce(i.stuck, 0) as stuck, i.stuck_error
         from social_channels c
         left join departments d on d.account_id = c.account_id and d.id = c.department_id
         left join lateral (
             select count(*) as stuck,
                    (array_agg(last_error order by next_attempt_at desc))[1] as stuck_error
             from social_inbox
             where account_id = c.account_id and channel_id = c.id and attempts > 0
         ) i on true
         where c.account_id = $1 and c.removed_at is null
         order by c.created_at, c.id",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// A channel to connect, its secrets sealed.
pub struct NewConnection<'a> {
    pub kind: Channel,
    pub external_id: &'a str,
    pub name: &'a str,
    pub department_id: Option<Uuid>,
    pub access_token: Vec<u8>,
    pub app_secret: Option<Vec<u8>>,
    pub secret_digest: Option<Vec<u8>>,
    pub webhook_error: Option<&'a str>,
}

/// Connects a channel, its webhook address carrying `channel_token`. The workspace's row
/// of the same bot, number or page, connected or not, takes the new token and settings
/// (and is connected, and no longer broken), keeping its address, contacts and
/// conversations. A `secret_digest` of `None` keeps the one stored. Returns its id.
pub async fn connect(
    conn: &mut PgConnection,
    account_id: Uuid,
    new: &NewConnection<'_>,
    channel_token: &str,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar(
        "insert into social_channels (account_id, id, kind, channel_token, external_id, name,
                                      department_id, access_token, app_secret, secret_digest,
                                      verify_token, webhook_error)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         on conflict (account_id, kind, external_id) do update
         set name = excluded.name, department_id = excluded.department_id,
             access_token = excluded.access_token, app_secret = excluded.app_secret,
             secret_digest = coalesce(excluded.secret_digest, social_channels.secret_digest),
             webhook_error = excluded.webhook_error, broken_at = null, broken_reason = null,
             removed_at = null
         returning id",
    )
    .bind(account_id)
    .bind(Uuid::now_v7())
    .bind(new.kind)
    .bind(channel_token)
    .bind(new.external_id)
    .bind(new.name)
    .bind(new.department_id)
    .bind(&new.access_token)
    .bind(&new.app_secret)
    .bind(&new.secret_digest)
    .bind(crate::crypto::random_token())
    .bind(new.webhook_error)
    .fetch_one(conn)
    .await
}

/// Disconnects channel `id`: its secrets are forgotten, its tickets stay. The connection
/// as it was, or `None` when there is none.
pub async fn disconnect(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Connection>> {
    let before = sqlx::query_as::<_, Connection>(&format!(
        "{CONNECTION} where account_id = $1 and id = $2 and removed_at is null for update"
    ))
    .bind(account_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if before.is_some() {
        sqlx::query(
            "update social_channels
             set removed_at = now(), access_token = null, app_secret = null,
                 secret_digest = null
             where account_id = $1 and id = $2",
        )
        .bind(account_id)
        .bind(id)
        .execute(conn)
        .await?;
    }
    Ok(before)
}

/// Marks the channel broken (its token refused); `true` the first time, when its admins
/// are to be told.
pub async fn mark_broken(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    reason: &str,
) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "update social_channels set broken_at = now(), broken_reason = left($3, 500)
         where account_id = $1 and id = $2 and broken_at is null and removed_at is null",
    )
    .bind(account_id)
    .bind(id)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(changed.rows_affected() == 1)
}

/// Who is told that a channel broke: the workspace's admins and owners.
#[derive(Debug, sqlx::FromRow)]
pub struct Admin {
    pub email: String,
    pub language: Locale,
}

pub async fn admins(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<Admin>> {
    sqlx::query_as(
        "select a.email, coalesce(a.language, w.language) as language
         from agents a join accounts w on w.id = a.account_id
         where a.account_id = $1 and a.role in ('admin', 'owner') and a.deleted_at is null
         order by a.created_at",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

#[derive(Debug, sqlx::FromRow)]
pub struct Contact {
    pub id: Uuid,
    pub name: String,
    /// Made just now: the first message of this person on the channel.
    pub inserted: bool,
}

/// The contact `external_id` of `channel`, made on first contact; a name given now
/// replaces the one known. Locks the row for the rest of the transaction.
pub async fn upsert_contact(
    conn: &mut PgConnection,
    account_id: Uuid,
    channel_id: Uuid,
    external_id: &str,
    name: &str,
    at: OffsetDateTime,
) -> sqlx::Result<Contact> {
    sqlx::query_as(
        "insert into social_contacts (account_id, id, channel_id, external_id, name,
                                      last_inbound_at)
         values ($1, $2, $3, $4, left($5, 200), $6)
         on conflict (account_id, channel_id, external_id) do update
         set name = case when excluded.name = '' then social_contacts.name
                         else excluded.name end,
             last_inbound_at = greatest(social_contacts.last_inbound_at, excluded.last_inbound_at)
         returning id, name, xmax = 0 as inserted",
    )
    .bind(account_id)
    .bind(Uuid::now_v7())
    .bind(channel_id)
    .bind(external_id)
    .bind(name)
    .bind(at)
    .fetch_one(conn)
    .await
}

/// The name the provider gave for contact `contact_id` (Messenger's user profile), on the
/// contact and on its tickets and messages, unless a name is known already.
pub async fn name_contact(
    conn: &mut PgConnection,
    account_id: Uuid,
    contact_id: Uuid,
    name: &str,
) -> sqlx::Result<()> {
    let named = sqlx::query(
        "update social_contacts set name = left($3, 200)
         where account_id = $1 and id = $2 and name = ''",
    )
    .bind(account_id)
    .bind(contact_id)
    .bind(name)
    .execute(&mut *conn)
    .await?;
    if named.rows_affected() == 0 {
        return Ok(());
    }
    for statement in [
        "update messages m set author_name = left($3, 200)
         from tickets t
         where t.account_id = $1 and t.social_contact_id = $2
           and m.account_id = t.account_id and m.ticket_id = t.id and m.kind = 'customer'",
        "update tickets set customer_name = left($3, 200)
         where account_id = $1 and social_contact_id = $2",
    ] {
        sqlx::query(statement)
            .bind(account_id)
            .bind(contact_id)
            .bind(name)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The provider's id of contact `contact_id`.
pub async fn contact_external_id(
    conn: &mut PgConnection,
    account_id: Uuid,
    contact_id: Uuid,
) -> sqlx::Result<String> {
    sqlx::query_scalar("select external_id from social_contacts where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(contact_id)
        .fetch_one(conn)
        .await
}

/// The contact's ticket still open (or marked spam, which keeps its messages), newest
/// first: a resolved or merged one is followed by a new ticket.
pub async fn open_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    contact_id: Uuid,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar(
        "select id from tickets
         where account_id = $1 and social_contact_id = $2
           and status not in ('resolved', 'merged')
         order by created_at desc limit 1",
    )
    .bind(account_id)
    .bind(contact_id)
    .fetch_optional(conn)
    .await
}

/// Ticket `to` (split from `from`) is of the same conversation.
pub async fn same_conversation(
    conn: &mut PgConnection,
    account_id: Uuid,
    from: Uuid,
    to: Uuid,
) -> sqlx::Result<()> {
    sqlx::query(
        "update tickets set social_contact_id =
             (select social_contact_id from tickets where account_id = $1 and id = $2)
         where account_id = $1 and id = $3",
    )
    .bind(account_id)
    .bind(from)
    .bind(to)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_ticket_contact(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    contact_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query("update tickets set social_contact_id = $3 where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(ticket_id)
        .bind(contact_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Puts message `message_id` at the time the provider says it was sent.
pub async fn set_message_time(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    message_id: Uuid,
    at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "update messages set created_at = $4
         where account_id = $1 and ticket_id = $2 and id = $3",
    )
    .bind(account_id)
    .bind(ticket_id)
    .bind(message_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A customer's file that could not be fetched (`filename`), as an event of its message's
/// thread.
pub async fn fetch_failed(
    conn: &mut PgConnection,
    account_id: Uuid,
    message_id: Uuid,
    filename: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into messages (account_id, id, ticket_id, kind, author_name, event, event_value,
                               department_id, assignee_id)
         select $1, $2, m.ticket_id, 'event', '', 'fetch_failed', left($4, 200),
                t.department_id, t.assignee_id
         from messages m join tickets t on t.account_id = m.account_id and t.id = m.ticket_id
         where m.account_id = $1 and m.id = $3",
    )
    .bind(account_id)
    .bind(Uuid::now_v7())
    .bind(message_id)
    .bind(filename)
    .execute(conn)
    .await?;
    Ok(())
}

/// A customer's reaction, as an event of the thread (it reopens nothing); `key` keeps a
/// second delivery out.
pub async fn insert_reaction(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    key: &str,
    emoji: &str,
    at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into messages (account_id, id, ticket_id, kind, author_name, event, event_value,
                               message_id, created_at, department_id, assignee_id)
         select $1, $2, $3, 'event', '', 'reaction', left($4, 200), $5, $6,
                department_id, assignee_id
         from tickets where account_id = $1 and id = $3
         on conflict (account_id, message_id) where message_id is not null do nothing",
    )
    .bind(account_id)
    .bind(Uuid::now_v7())
    .bind(ticket_id)
    .bind(emoji)
    .bind(key)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The text of `channel`'s message `external_id` (the provider's id): a customer's, by
/// its key, or a reply's.
pub async fn message_text(
    conn: &mut PgConnection,
    channel: &Connection,
    key: &str,
    external_id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "select m.body_text from messages m where m.account_id = $1 and m.message_id = $3
         union all
         select m.body_text from social_deliveries d
         join messages m on m.account_id = d.account_id and m.id = d.message_id
         where d.account_id = $1 and d.channel_id = $2 and d.external_id = $4
         limit 1",
    )
    .bind(channel.account_id)
    .bind(channel.id)
    .bind(key)
    .bind(external_id)
    .fetch_optional(conn)
    .await
}

/// The channel and contact of a ticket's conversation, for a reply.
#[derive(Debug, sqlx::FromRow)]
pub struct Conversation {
    pub channel_id: Uuid,
    pub kind: Channel,
    pub channel_name: String,
    pub connected: bool,
    pub broken_reason: Option<String>,
    pub contact_id: Uuid,
    pub contact_external_id: String,
    /// The customer wrote within WhatsApp's window (24 hours, by the app's clock).
    pub in_window: bool,
}

pub async fn conversation(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Option<Conversation>> {
    sqlx::query_as(
        "select c.id as channel_id, c.kind, c.name as channel_name,
                c.removed_at is null as connected, c.broken_reason,
                k.id as contact_id, k.external_id as contact_external_id,
                k.last_inbound_at > app_now() - interval '24 hours' as in_window
         from tickets t
         join social_contacts k on k.account_id = t.account_id and k.id = t.social_contact_id
         join social_channels c on c.account_id = k.account_id and c.id = k.channel_id
         where t.account_id = $1 and t.id = $2",
    )
    .bind(account_id)
    .bind(ticket_id)
    .fetch_optional(conn)
    .await
}

/// A reply's state as the ticket page shows it.
#[derive(Debug, sqlx::FromRow)]
pub struct DeliveryRow {
    pub message_id: Uuid,
    pub state: Delivery,
    pub error: Option<String>,
}

pub async fn deliveries(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Vec<DeliveryRow>> {
    sqlx::query_as(
        "select d.message_id, d.state, d.error
         from social_deliveries d
         join messages m on m.account_id = d.account_id and m.id = d.message_id
         where d.account_id = $1 and m.ticket_id = $2",
    )
    .bind(account_id)
    .bind(ticket_id)
    .fetch_all(conn)
    .await
}

/// A reply to send: `queued` and waiting in the outbox.
pub async fn insert_delivery(
    conn: &mut PgConnection,
    account_id: Uuid,
    message_id: Uuid,
    conversation: &Conversation,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into social_deliveries (account_id, message_id, channel_id, contact_id)
         values ($1, $2, $3, $4)",
    )
    .bind(account_id)
    .bind(message_id)
    .bind(conversation.channel_id)
    .bind(conversation.contact_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A failed reply queued again; `false` when it had not failed (a second click). One the
/// provider took and then reported failed goes out whole again; one our worker could not
/// finish goes on after the parts the provider took.
pub async fn requeue(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    message_id: Uuid,
) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "update social_deliveries d
         set state = 'queued', error = null, updated_at = now(), sent_at = null,
             parts_sent = case when d.sent_at is null then d.parts_sent else 0 end,
             external_id = case when d.sent_at is null then d.external_id end,
             first_sent_at = case when d.sent_at is null then d.first_sent_at end
         from messages m
         where d.account_id = $1 and d.message_id = $3 and d.state = 'failed'
           and m.account_id = d.account_id and m.id = d.message_id and m.ticket_id = $2
           -- Never beside an outbox row of it still to be sent: one sender at a time.
           and not exists (
               select 1 from outbox o
               where o.account_id = d.account_id and o.kind = 'social'
                 and o.sent_at is null and o.failed_at is null
                 and o.payload -> 'send' ->> 'message' = d.message_id::text)",
    )
    .bind(account_id)
    .bind(ticket_id)
    .bind(message_id)
    .execute(conn)
    .await?;
    Ok(changed.rows_affected() == 1)
}

/// What the worker needs to send a reply.
#[derive(Debug, sqlx::FromRow)]
pub struct Reply {
    pub channel_id: Uuid,
    pub contact: String,
    pub body_text: String,
    pub state: Delivery,
    /// Every part went out already.
    pub sent: bool,
    /// The customer wrote within 24 hours (Messenger answers later only as a human agent).
    pub in_window: bool,
    /// Parts already sent by an earlier attempt: a retry goes on after them.
    pub parts_sent: i32,
}

pub async fn reply(
    conn: &mut PgConnection,
    account_id: Uuid,
    message_id: Uuid,
) -> sqlx::Result<Option<Reply>> {
    sqlx::query_as(
        "select d.channel_id, k.external_id as contact, m.body_text, d.state, d.parts_sent,
                d.sent_at is not null as sent,
                k.last_inbound_at > now() - interval '24 hours' as in_window
         from social_deliveries d
         join social_contacts k on k.account_id = d.account_id and k.id = d.contact_id
         join messages m on m.account_id = d.account_id and m.id = d.message_id
         where d.account_id = $1 and d.message_id = $2",
    )
    .bind(account_id)
    .bind(message_id)
    .fetch_optional(conn)
    .await
}

/// Part `part` (from 0) of a reply, sent at `asked_at` (just before the provider was
/// asked), went out as the provider's message `external_id`.
pub async fn part_sent(
    conn: &mut PgConnection,
    account_id: Uuid,
    message_id: Uuid,
    part: i32,
    external_id: &str,
    asked_at: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "update social_deliveries
         set parts_sent = greatest(parts_sent, $3 + 1),
             external_id = coalesce(external_id, $4),
             first_sent_at = coalesce(first_sent_at, $5), updated_at = now()
         where account_id = $1 and message_id = $2",
    )
    .bind(account_id)
    .bind(message_id)
    .bind(part)
    .bind(external_id)
    .bind(asked_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every part of the reply went out.
pub async fn sent(conn: &mut PgConnection, account_id: Uuid, message_id: Uuid) -> sqlx::Result<()> {
    sqlx::query(
        "update social_deliveries
         set state = case when state = 'queued' then 'sent' else state end,
             sent_at = coalesce(sent_at, now()), error = null, updated_at = now()
         where account_id = $1 and message_id = $2",
    )
    .bind(account_id)
    .bind(message_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The reply failed for `reason` before all its parts went out (`retrying`: it is tried
/// again later, and keeps its state).
pub async fn failed(
    conn: &mut PgConnection,
    account_id: Uuid,
    message_id: Uuid,
    reason: &str,
    retrying: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "update social_deliveries
         set state = case when $4 then state else 'failed' end, error = left($3, 1000),
             updated_at = now()
         where account_id = $1 and message_id = $2 and sent_at is null",
    )
    .bind(account_id)
    .bind(message_id)
    .bind(reason)
    .bind(retrying)
    .execute(conn)
    .await?;
    Ok(())
}

/// The provider's report on reply `external_id`: states only move forward (sent,
/// delivered, read); a failure counts unless the reply was delivered.
pub async fn report_delivery(
    conn: &mut PgConnection,
    channel: &super::db::Connection,
    external_id: &str,
    state: Delivery,
    error: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "update social_deliveries
         set state = $4, error = left($5, 1000), updated_at = now()
         where account_id = $1 and channel_id = $2 and external_id = $3
           and social_delivery_rank(state) < social_delivery_rank($4)",
    )
    .bind(channel.account_id)
    .bind(channel.id)
    .bind(external_id)
    .bind(state)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every reply to `contact` sent up to `until` reached `state`.
pub async fn report_up_to(
    conn: &mut PgConnection,
    channel: &super::db::Connection,
    contact: &str,
    state: Delivery,
    until: OffsetDateTime,
) -> sqlx::Result<()> {
    sqlx::query(
        "update social_deliveries d set state = $4, updated_at = now()
         from social_contacts k
         where k.account_id = $1 and k.channel_id = $2 and k.external_id = $3
           and d.account_id = k.account_id and d.contact_id = k.id
           and d.first_sent_at <= $5 and d.state in ('sent', 'delivered')
           and social_delivery_rank(d.state) < social_delivery_rank($4)",
    )
    .bind(channel.account_id)
    .bind(channel.id)
    .bind(contact)
    .bind(state)
    .bind(until)
    .execute(conn)
    .await?;
    Ok(())
}
