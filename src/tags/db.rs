//! Queries of tags and of the tickets that carry them.
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, sqlx::FromRow)]
pub struct Tag {
    pub id: Uuid,
    pub name: String,
    /// Tickets that carry it.
    pub tickets: i64,
}

/// The workspace's tags by name, with their ticket counts.
pub async fn list(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<Vec<Tag>> {
    sqlx::query_as(
        "select g.id, g.name,
                (select count(*) from ticket_tags tt
                 where tt.account_id = g.account_id and tt.tag_id = g.id) as tickets
         from tags g where g.account_id = $1 order by g.name",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await
}

/// The workspace's tag names, for suggestions.
/// The ticket's tags and every tag of the workspace (the suggestions), by name, in one
/// statement for the ticket page.
pub async fn for_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<(Vec<String>, Vec<String>)> {
    let rows: Vec<(String, bool)> = sqlx::query_as(
        "select g.name, tt.tag_id is not null from tags g
         left join ticket_tags tt
             on tt.account_id = g.account_id and tt.tag_id = g.id and tt.ticket_id = $2
         where g.account_id = $1
         order by g.name",
    )
    .bind(account_id)
    .bind(ticket_id)
    .fetch_all(conn)
    .await?;
    let on_ticket = rows
        .iter()
        .filter(|(_, on_ticket)| *on_ticket)
        .map(|(name, _)| name.clone())
        .collect();
    Ok((on_ticket, rows.into_iter().map(|(name, _)| name).collect()))
}

pub async fn find(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("select name from tags where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The ticket's tags by name.
pub async fn of_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "select g.name from ticket_tags tt
         join tags g on g.account_id = tt.account_id and g.id = tt.tag_id
         where tt.account_id = $1 and tt.ticket_id = $2
         order by g.name",
    )
    .bind(account_id)
    .bind(ticket_id)
    .fetch_all(conn)
    .await
}

/// The workspace's tags named `names`, created when missing.
pub async fn ensure(
    conn: &mut PgConnection,
    account_id: Uuid,
    names: &[String],
) -> sqlx::Result<Vec<Uuid>> {
    let ids: Vec<Uuid> = names.iter().map(|_| Uuid::now_v7()).collect();
    sqlx::query(
        "insert into tags (account_id, id, name)
         select $1, id, name from unnest($2::uuid[], $3::text[]) n (id, name)
         on conflict (account_id, name) do nothing",
    )
    .bind(account_id)
    .bind(&ids)
    .bind(names)
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar("select id from tags where account_id = $1 and name = any($2)")
        .bind(account_id)
        .bind(names)
        .fetch_all(conn)
        .await
}

/// Gives the ticket exactly the tags `names` (lower-case), creating new ones.
pub async fn set_ticket_tags(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    names: &[String],
) -> sqlx::Result<()> {
    let ids = ensure(conn, account_id, names).await?;
    sqlx::query(
        "delete from ticket_tags
         where account_id = $1 and ticket_id = $2 and not (tag_id = any($3))",
    )
    .bind(account_id)
    .bind(ticket_id)
    .bind(&ids)
    .execute(&mut *conn)
    .await?;
    add_to_tickets(conn, account_id, &[ticket_id], &ids).await?;
    Ok(())
}

/// Takes the tag named `name` off the ticket; whether it carried it.
pub async fn remove_from_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    name: &str,
) -> sqlx::Result<bool> {
    let removed = sqlx::query(
        "delete from ticket_tags tt using tags g
         where tt.account_id = $1 and tt.ticket_id = $2
           and g.account_id = tt.account_id and g.id = tt.tag_id and g.name = $3",
    )
    .bind(account_id)
    .bind(ticket_id)
    .bind(name)
    .execute(conn)
    .await?;
    Ok(removed.rows_affected() > 0)
}

/// Puts the tags `tag_ids` on the ticket; whether it did not carry them all already.
pub async fn add_to_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    tag_ids: &[Uuid],
) -> sqlx::Result<bool> {
    let added = add_to_tickets(conn, account_id, &[ticket_id], tag_ids).await?;
    Ok(added > 0)
}

/// Puts each of the tags `tag_ids` on each of the tickets, and says on how many pairs;
/// those it is on already stay.
pub async fn add_to_tickets(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_ids: &[Uuid],
    tag_ids: &[Uuid],
) -> sqlx::Result<u64> {
    let added = sqlx::query(
        "insert into ticket_tags (account_id, ticket_id, tag_id)
         select $1, t, g from unnest($2::uuid[]) t cross join unnest($3::uuid[]) g
         on conflict do nothing",
    )
    .bind(account_id)
    .bind(ticket_ids)
    .bind(tag_ids)
    .execute(conn)
    .await?;
    Ok(added.rows_affected())
}

/// What renaming a tag did.
pub enum Renamed {
    Renamed,
    /// Another tag had the name: the tickets moved to it, and this tag is gone.
    Merged,
}

/// Renames tag `id` to `name`, or merges it into the tag of that name. Call under
/// `lock`, so that no ticket is tagged with it in between.
pub async fn rename(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
    name: &str,
) -> sqlx::Result<Renamed> {
    let existing: Option<Uuid> =
        sqlx::query_scalar("select id from tags where account_id = $1 and name = $2")
            .bind(account_id)
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
    match existing {
        Some(target) if target != id => {
            sqlx::query(
                "insert into ticket_tags (account_id, ticket_id, tag_id)
                 select account_id, ticket_id, $3 from ticket_tags
                 where account_id = $1 and tag_id = $2
                 on conflict do nothing",
            )
            .bind(account_id)
            .bind(id)
            .bind(target)
            .execute(&mut *conn)
            .await?;
            delete(conn, account_id, id).await?;
            Ok(Renamed::Merged)
        }
        _ => {
            sqlx::query("update tags set name = $3 where account_id = $1 and id = $2")
                .bind(account_id)
                .bind(id)
                .bind(name)
                .execute(conn)
                .await?;
            Ok(Renamed::Renamed)
        }
    }
}

/// Deletes the tag, and so takes it off every ticket.
pub async fn delete(conn: &mut PgConnection, account_id: Uuid, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("delete from tags where account_id = $1 and id = $2")
        .bind(account_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Serializes changes to the workspace's set of tags (a rename against a tagging that
/// creates the same name), for the rest of the transaction.
pub async fn lock(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<()> {
    sqlx::query("select pg_advisory_xact_lock(hashtextextended('tags:' || $1::text, 0))")
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}
