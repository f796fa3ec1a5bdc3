//! Queries of attachments. Every one is bounded by the workspace (`account_id`).
use sqlx::PgConnection;
use uuid::Uuid;

use super::NewFile;

pub async fn insert(
    conn: &mut PgConnection,
    account_id: Uuid,
    message_id: Uuid,
    file: &NewFile,
) -> sqlx::Result<()> {
    // A file in the bucket keeps only its key here.
    let data: &[u8] = if file.object_key.is_some() {
        &[]
    } else {
        &file.data
    };
    sqlx::query(
        "insert into attachments
             (account_id, id, message_id, filename, content_type, size, data, thumbnail,
              object_key)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(account_id)
    .bind(file.id)
    .bind(message_id)
    .bind(&file.filename)
    .bind(&file.content_type)
    .bind(i32::try_from(file.data.len()).unwrap_or(i32::MAX))
    .bind(data)
    .bind(file.thumbnail.as_deref())
    .bind(file.object_key.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// A file as the thread lists it.
#[derive(sqlx::FromRow)]
pub struct Listed {
    pub id: Uuid,
    pub message_id: Uuid,
    pub filename: String,
    pub size: i32,
    pub has_thumbnail: bool,
}

/// The files of ticket `ticket_id`; for its customer, only those of their own messages and
/// of replies (never a note's).
pub async fn of_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    for_customer: bool,
) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as(
        "select f.id, f.message_id, f.filename, f.size, f.thumbnail is not null as has_thumbnail
         from attachments f join messages m on m.account_id = f.account_id and m.id = f.message_id
         where f.account_id = $1 and m.ticket_id = $2
           and (not $3 or m.kind in ('customer', 'reply'))
         order by f.id",
    )
    .bind(account_id)
    .bind(ticket_id)
    .bind(for_customer)
    .fetch_all(conn)
    .await
}

/// What a download needs before the file's bytes, and the ticket the file belongs to (for
/// the caller to check that it may be seen).
#[derive(sqlx::FromRow)]
pub struct Stored {
    pub ticket_id: Uuid,
    pub ticket_number: i64,
    pub message_kind: String,
    pub filename: String,
    pub content_type: String,
    pub size: i32,
    /// Set when the bytes are in the bucket.
    pub object_key: Option<String>,
}

pub async fn stored(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Stored>> {
    sqlx::query_as(
        "select t.id as ticket_id, t.number as ticket_number, m.kind::text as message_kind,
                f.filename, f.content_type, f.size, f.object_key
         from attachments f
         join messages m on m.account_id = f.account_id and m.id = f.message_id
         join tickets t on t.account_id = m.account_id and t.id = m.ticket_id
         where f.account_id = $1 and f.id = $2",
    )
    .bind(account_id)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// `length` bytes of file `id` from `offset` (0-based); fewer at its end.
pub async fn slice(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    offset: i32,
    length: i32,
) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar(
        "select substring(data from $3 for $4) from attachments where account_id = $1 and id = $2",
    )
    .bind(account_id)
    .bind(id)
    .bind(offset + 1)
    .bind(length)
    .fetch_optional(conn)
    .await
}

pub async fn thumbnail(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar(
        "select thumbnail from attachments
         where account_id = $1 and id = $2 and thumbnail is not null",
    )
    .bind(account_id)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A file as an email carries it (`data` empty while it is in the bucket).
#[derive(sqlx::FromRow)]
pub struct Mailed {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
    pub object_key: Option<String>,
}

/// The files of the message that outbox row `outbox_id` sends.
pub async fn of_outbox_row(
    conn: &mut PgConnection,
    account_id: Uuid,
    outbox_id: Uuid,
) -> sqlx::Result<Vec<Mailed>> {
    sqlx::query_as(
        "select f.filename, f.content_type, f.data, f.object_key
         from outbox o
         join attachments f on f.account_id = o.account_id and f.message_id = o.attachments_of
         where o.account_id = $1 and o.id = $2
         order by f.id",
    )
    .bind(account_id)
    .bind(outbox_id)
    .fetch_all(conn)
    .await
}

/// The files of message `message_id`, in the order they were added.
pub async fn of_message(
    conn: &mut PgConnection,
    account_id: Uuid,
    message_id: Uuid,
) -> sqlx::Result<Vec<Mailed>> {
    sqlx::query_as(
        "select filename, content_type, data, object_key from attachments
         where account_id = $1 and message_id = $2
         order by id",
    )
    .bind(account_id)
    .bind(message_id)
    .fetch_all(conn)
    .await
}

/// Marks outbox row `outbox_id` to carry the files of message `message_id`.
pub async fn mail_with(
    conn: &mut PgConnection,
    account_id: Uuid,
    outbox_id: Uuid,
    message_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query("update outbox set attachments_of = $3 where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(outbox_id)
        .bind(message_id)
        .execute(conn)
        .await?;
    Ok(())
}
