//! Queries of tickets, their threads and attachments. Every one is bounded by the workspace
//! (`account_id`) and, for agents, by what their departments let them see.
use std::collections::HashMap;

use sqlx::{FromRow, PgConnection, PgExecutor, Postgres, QueryBuilder, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Channel, IssueType, MessageKind, Priority, Status};
use crate::{crypto, i18n::Locale, input::EmailAddress, profile::Avatar, text_search::TextQuery};

/// Who is looking, and so which tickets they see (DESIGN.md, Tickets: departments).
#[derive(Clone, Copy, Debug)]
pub struct Viewer {
    pub account_id: Uuid,
    pub agent_id: Uuid,
    /// Admins and owners see every department's tickets.
    pub sees_all: bool,
    /// On the free plan, lists hide tickets created more than this many days before the
    /// app's clock (`app_now()`).
    pub listed_days: Option<i32>,
}

pub struct NewTicket<'a> {
    pub subject: &'a str,
    pub customer_name: &'a str,
    pub customer_email: &'a str,
    pub channel: Channel,
    pub status: Status,
    pub issue_type: IssueType,
    pub department_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
}

pub struct CreatedTicket {
    pub id: Uuid,
    pub number: i64,
    pub customer_token: String,
}

/// Opens a ticket with the workspace's next number.
pub async fn insert_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket: &NewTicket<'_>,
) -> sqlx::Result<CreatedTicket> {
    let number = sqlx::query_scalar!(
        "update accounts set last_ticket_number = last_ticket_number + 1 where id = $1
         returning last_ticket_number",
        account_id,
    )
    .fetch_one(&mut *conn)
    .await?;
    let created = CreatedTicket {
        id: Uuid::now_v7(),
        number,
        customer_token: crypto::random_token(),
    };
    sqlx::query!(
        "insert into tickets (account_id, id, number, subject, customer_name, customer_email,
                              customer_token, channel, status, issue_type, department_id,
                              assignee_id, search)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                 setweight(search_document($4), 'A'))",
        account_id,
        created.id,
        number,
        ticket.subject,
        ticket.customer_name,
        ticket.customer_email,
        created.customer_token,
        ticket.channel as Channel,
        ticket.status as Status,
        ticket.issue_type as IssueType,
        ticket.department_id,
        ticket.assignee_id,
    )
    .execute(conn)
    .await?;
    Ok(created)
}

/// Holds the workspace's ticket numbering for the rest of the transaction: tickets of one
/// workspace are opened one after the other.
pub async fn lock_numbering(conn: &mut PgConnection, account_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "select id from accounts where id = $1 for no key update",
        account_id
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// What a contact form submission says, to know a second click of its button.
pub struct FormSubmission<'a> {
    pub customer_email: &'a str,
    pub subject: &'a str,
    pub message: &'a str,
    /// Digest of the submitting session's CSRF token: only that session is led back to
    /// the ticket, never someone else typing the same words.
    pub session_digest: &'a [u8],
}

/// The private-page token of the ticket this very submission opened in the last two
/// minutes: the same session, address, subject and message.
pub async fn just_opened(
    conn: &mut PgConnection,
    account_id: Uuid,
    submission: &FormSubmission<'_>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select t.customer_token from tickets t
         where t.account_id = $1 and lower(t.customer_email) = lower($2) and t.subject = $3
           and t.created_at > app_now() - interval '2 minutes' and t.form_session_digest = $5
           and exists (select 1 from messages m
                       where m.account_id = t.account_id and m.ticket_id = t.id
                         and m.kind = 'customer' and m.body_text = $4)
         order by t.created_at desc limit 1",
        account_id,
        submission.customer_email,
        submission.subject,
        submission.message,
        submission.session_digest,
    )
    .fetch_optional(conn)
    .await
}

pub async fn set_form_session(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    session_digest: &[u8],
) -> sqlx::Result<()> {
    sqlx::query!(
        "update tickets set form_session_digest = $3 where account_id = $1 and id = $2",
        account_id,
        ticket_id,
        session_digest,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the ticket's newest message is this customer text, from the last two minutes:
/// a second click of the reply button.
pub async fn just_written(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    body: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select coalesce((
             select kind = 'customer' and body_text = $3 and created_at > app_now() - interval '2 minutes'
             from messages where account_id = $1 and ticket_id = $2 and kind <> 'event'
             order by created_at desc, id desc limit 1), false) as "repeated!""#,
        account_id,
        ticket_id,
        body,
    )
    .fetch_one(conn)
    .await
}

pub struct NewMessage<'a> {
    pub kind: MessageKind,
    pub author_agent_id: Option<Uuid>,
    pub author_name: &'a str,
    pub body_text: &'a str,
    pub body_html: Option<&'a str>,
    pub message_id: Option<&'a str>,
}

impl<'a> NewMessage<'a> {
    /// A customer's message, from `name`; mail adds its HTML and Message-ID.
    pub fn customer(name: &'a str, body_text: &'a str) -> Self {
        Self {
            kind: MessageKind::Customer,
            author_agent_id: None,
            author_name: name,
            body_text,
            body_html: None,
            message_id: None,
        }
    }
}

/// Adds a message to the thread and to the ticket's search text. `None` when a message
/// with its Message-ID is in the workspace already: the same mail twice adds nothing.
pub async fn insert_message(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    message: &NewMessage<'_>,
) -> sqlx::Result<Option<Uuid>> {
    let inserted = sqlx::query_scalar!(
        "insert into messages (account_id, id, ticket_id, kind, author_agent_id, author_name,
                               body_text, body_html, message_id, department_id, assignee_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                 (select department_id from tickets where account_id = $1 and id = $3),
                 (select assignee_id from tickets where account_id = $1 and id = $3))
         on conflict (account_id, message_id) where message_id is not null do nothing
         returning id",
        account_id,
        Uuid::now_v7(),
        ticket_id,
        message.kind as MessageKind,
        message.author_agent_id,
        message.author_name,
        message.body_text,
        message.body_html,
        message.message_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if inserted.is_some() {
        // A very long thread stops adding words before the tsvector reaches its size limit.
        sqlx::query!(
            "update tickets
             set last_activity_at = app_now(),
                 search = case when length(search) < 20000
                          then search || setweight(search_document(left($3, 20000)), 'B')
                          else search end
             where account_id = $1 and id = $2",
            account_id,
            ticket_id,
            message.body_text,
        )
        .execute(conn)
        .await?;
    }
    Ok(inserted)
}

/// Records a change in the thread, after the ticket took it: `event` names what changed,
/// `value` to what. Like every message, the event keeps the ticket's department and
/// assignee as they are now (reports count by them).
/// Who made a change that the thread records.
#[derive(Clone, Copy, Debug)]
pub enum By<'a> {
    Agent(Uuid),
    /// A rule, by its name (the thread names it).
    Rule(&'a str),
    /// The desk itself: a postponement that ended, a customer who wrote.
    System,
}

impl<'a> By<'a> {
    pub fn agent_id(self) -> Option<Uuid> {
        match self {
            Self::Agent(id) => Some(id),
            Self::Rule(_) | Self::System => None,
        }
    }

    /// What `messages.author_name` keeps: a rule's name; an agent's comes from their row.
    pub fn author_name(self) -> &'a str {
        match self {
            Self::Rule(name) => name,
            Self::Agent(_) | Self::System => "",
        }
    }
}

pub async fn insert_event(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    by: By<'_>,
    event: &str,
    value: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into messages (account_id, id, ticket_id, kind, author_agent_id, author_name,
                               event, event_value, department_id, assignee_id)
         values ($1, $2, $3, 'event', $4, $5, $6, $7,
                 (select department_id from tickets where account_id = $1 and id = $3),
                 (select assignee_id from tickets where account_id = $1 and id = $3))",
    )
    .bind(account_id)
    .bind(Uuid::now_v7())
    .bind(ticket_id)
    .bind(by.agent_id())
    .bind(by.author_name())
    .bind(event)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn message_id_exists(
    conn: &mut PgConnection,
    account_id: Uuid,
    message_id: &str,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from messages where account_id = $1 and message_id = $2) as "exists!""#,
        account_id,
        message_id,
    )
    .fetch_one(conn)
    .await
}

/// A ticket as its page and its mail need it.
pub struct Ticket {
    pub id: Uuid,
    pub number: i64,
    pub subject: String,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_token: String,
    pub channel: Channel,
    pub status: Status,
    pub priority: Priority,
    pub issue_type: IssueType,
    pub department_id: Option<Uuid>,
    pub department: Option<String>,
    pub assignee_id: Option<Uuid>,
    pub assignee: Option<String>,
    pub postponed_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

impl Ticket {
    /// Where a reply by email reaches the customer; `None` when their message came without
    /// a usable address (or a chat visitor left none).
    pub fn reply_address(&self) -> Option<EmailAddress> {
        EmailAddress::parse_addr_spec(&self.customer_email).ok()
    }
}

/// Ticket `number` if `viewer` may see it.
pub async fn visible_ticket(
    conn: &mut PgConnection,
    viewer: &Viewer,
    number: i64,
) -> sqlx::Result<Option<Ticket>> {
    sqlx::query_as!(
        Ticket,
        r#"select t.id, t.number, t.subject, t.customer_name, t.customer_email, t.customer_token,
                  t.channel as "channel: Channel", t.status as "status: Status",
                  t.priority as "priority: Priority", t.issue_type as "issue_type: IssueType",
                  t.department_id, d.name as "department?", t.assignee_id, a.name as "assignee?",
                  t.postponed_until, t.created_at
           from tickets t
           left join departments d on d.account_id = t.account_id and d.id = t.department_id
           left join agents a on a.account_id = t.account_id and a.id = t.assignee_id
           where t.account_id = $1 and t.number = $2
             and ($3 or t.department_id is null or exists (
                   select 1 from department_agents da
                   where da.account_id = t.account_id and da.department_id = t.department_id
                     and da.agent_id = $4))"#,
        viewer.account_id,
        number,
        viewer.sees_all,
        viewer.agent_id,
    )
    .fetch_optional(conn)
    .await
}

/// Ticket `id`, whoever looks: for what the desk does by itself (rules, round-robin).
pub async fn ticket_by_id(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<Ticket>> {
    let number: Option<i64> =
        sqlx::query_scalar("select number from tickets where account_id = $1 and id = $2")
            .bind(account_id)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(number) = number else {
        return Ok(None);
    };
    let everyone = Viewer {
        account_id,
        agent_id: Uuid::nil(),
        sees_all: true,
        listed_days: None,
    };
    visible_ticket(conn, &everyone, number).await
}

/// The ticket by number, whoever looks: for inbound mail, which names it itself. A merged
/// ticket's mail goes to the ticket it was merged into.
pub async fn ticket_by_number(
    conn: &mut PgConnection,
    account_id: Uuid,
    number: i64,
) -> sqlx::Result<Option<(Uuid, String)>> {
    sqlx::query_as(
        "select t.id, t.customer_email from tickets named
         join tickets t on t.account_id = named.account_id
                       and t.id = coalesce(named.merged_into, named.id)
         where named.account_id = $1 and named.number = $2",
    )
    .bind(account_id)
    .bind(number)
    .fetch_optional(conn)
    .await
}

/// A ticket as its customer sees it on their private page.
#[derive(sqlx::FromRow)]
pub struct CustomerTicket {
    pub account_id: Uuid,
    pub id: Uuid,
    pub number: i64,
    pub subject: String,
    pub status: Status,
    pub customer_name: String,
    pub customer_email: String,
    /// The workspace's language and time zone, in which the customer reads the page.
    pub language: Locale,
    pub time_zone: String,
}

pub async fn customer_ticket(
    conn: &mut PgConnection,
    workspace: &str,
    token: &str,
) -> sqlx::Result<Option<CustomerTicket>> {
    // The link of a merged ticket shows the ticket it was merged into.
    sqlx::query_as(
        "select t.account_id, t.id, t.number, t.subject, t.status, t.customer_name,
                t.customer_email, w.language, w.time_zone
         from tickets linked
         join accounts w on w.id = linked.account_id
         join tickets t on t.account_id = linked.account_id
                       and t.id = coalesce(linked.merged_into, linked.id)
         where w.slug = $1 and linked.customer_token = $2",
    )
    .bind(workspace)
    .bind(token)
    .fetch_optional(conn)
    .await
}

pub struct ThreadMessage {
    pub id: Uuid,
    pub kind: MessageKind,
    pub author_agent_id: Option<Uuid>,
    /// The agent's name (their alias for customers), or the customer's.
    pub author: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub event: Option<String>,
    pub event_value: Option<String>,
    pub message_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub author_photo_updated_at: Option<OffsetDateTime>,
}

impl ThreadMessage {
    /// The author's photo or initials (a customer's are their initials).
    pub fn avatar(&self) -> Avatar {
        Avatar::new(
            self.author_agent_id.unwrap_or_default(),
            &self.author,
            self.author_photo_updated_at,
        )
    }
}

/// The thread, oldest first; without notes and events for the customer's eyes.
pub async fn thread(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    for_customer: bool,
) -> sqlx::Result<Vec<ThreadMessage>> {
    sqlx::query_as!(
        ThreadMessage,
        r#"select m.id, m.kind as "kind: MessageKind", m.author_agent_id,
                  case when $3 then coalesce(a.alias, a.name, m.author_name)
                       else coalesce(a.name, m.author_name) end as "author!",
                  m.body_text, m.body_html, m.event, m.event_value, m.message_id, m.created_at,
                  a.photo_updated_at as "author_photo_updated_at?"
           from messages m
           left join agents a on a.account_id = m.account_id and a.id = m.author_agent_id
           where m.account_id = $1 and m.ticket_id = $2
             and (not $3 or m.kind in ('customer', 'reply'))
           order by m.created_at, m.id"#,
        account_id,
        ticket_id,
        for_customer,
    )
    .fetch_all(conn)
    .await
}

/// A customer wrote: the ticket is open again (from answered, postponed or resolved); a new
/// one stays new and spam stays spam. Returns the status it had when it changed.
pub async fn customer_wrote(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Option<Status>> {
    sqlx::query_scalar!(
        r#"update tickets t set status = 'open', postponed_until = null
           from (select status from tickets where account_id = $1 and id = $2 for update) before
           where t.account_id = $1 and t.id = $2 and t.status not in ('new', 'open', 'spam')
           returning before.status as "status: Status""#,
        account_id,
        ticket_id,
    )
    .fetch_optional(conn)
    .await
}

/// What an agent may set on a ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct Properties {
    pub status: Status,
    pub priority: Priority,
    pub issue_type: IssueType,
    pub department_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub postponed_until: Option<OffsetDateTime>,
}

pub async fn set_properties(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    properties: &Properties,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update tickets
         set status = $3, priority = $4, issue_type = $5, department_id = $6, assignee_id = $7,
             postponed_until = $8
         where account_id = $1 and id = $2",
        account_id,
        ticket_id,
        properties.status as Status,
        properties.priority as Priority,
        properties.issue_type as IssueType,
        properties.department_id,
        properties.assignee_id,
        properties.postponed_until,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Who replied after message `seen`: the caller's own replies count too, so that a double
/// submit is caught like a colleague's answer.
pub async fn replies_since(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    seen: Option<Uuid>,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"select coalesce(a.name, '') as "name!" from messages m
           left join agents a on a.account_id = m.account_id and a.id = m.author_agent_id
           where m.account_id = $1 and m.ticket_id = $2 and m.kind = 'reply'
             and ($3::uuid is null or m.id > $3)
           order by m.id"#,
        account_id,
        ticket_id,
        seen,
    )
    .fetch_all(conn)
    .await
}

/// Holds the ticket for the rest of the transaction: changes to one ticket happen one
/// after the other, each seeing the last.
pub async fn lock_ticket(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "select id from tickets where account_id = $1 and id = $2 for update",
        account_id,
        ticket_id,
    )
    .fetch_one(conn)
    .await?;
    Ok(())
}

/// Locks the tickets numbered `numbers` for the rest of the transaction, in one statement
/// and in the order of their ids, so that two bulk actions at once cannot deadlock.
pub async fn lock_numbers(
    conn: &mut PgConnection,
    account_id: Uuid,
    numbers: &[i64],
) -> sqlx::Result<()> {
    sqlx::query(
        "select id from tickets where account_id = $1 and number = any($2)
         order by id for update",
    )
    .bind(account_id)
    .bind(numbers)
    .execute(conn)
    .await?;
    Ok(())
}

/// The Message-IDs of the thread's mail, oldest first, the acknowledgement's among them:
/// what a reply's References list.
pub async fn thread_message_ids(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"select message_id as "message_id!" from (
             select message_id, created_at, 0 as rank, id from messages
             where account_id = $1 and ticket_id = $2 and message_id is not null
             union all
             -- Written with the customer's first message, and answering it.
             select acknowledgement_message_id, created_at, 1, id from tickets
             where account_id = $1 and id = $2 and acknowledgement_message_id is not null
           ) mail
           order by created_at, rank, id"#,
        account_id,
        ticket_id,
    )
    .fetch_all(conn)
    .await
}

pub async fn set_acknowledgement(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    message_id: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update tickets set acknowledgement_message_id = $3 where account_id = $1 and id = $2",
        account_id,
        ticket_id,
        message_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Acknowledgements sent to `address` in the last hour: a cap, so that another system's
/// automatic mail or forged senders cannot make us mail one address without end.
pub async fn recent_acknowledgements(
    conn: &mut PgConnection,
    account_id: Uuid,
    address: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from tickets
           where account_id = $1 and lower(customer_email) = lower($2)
             and acknowledgement_message_id is not null
             and created_at > app_now() - interval '1 hour'"#,
        account_id,
        address,
    )
    .fetch_one(conn)
    .await
}

/// Whether `agent_id` may be given a ticket of `department_id`: an agent of that
/// department, an admin or owner, or anyone when there is no department.
pub async fn may_be_assigned(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
    department_id: Option<Uuid>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (
             select 1 from agents a
             where a.account_id = $1 and a.id = $2 and a.deleted_at is null
               and ($3::uuid is null or a.role in ('admin', 'owner') or exists (
                     select 1 from department_agents da
                     where da.account_id = a.account_id and da.agent_id = a.id
                       and da.department_id = $3))
           ) as "allowed!""#,
        account_id,
        agent_id,
        department_id,
    )
    .fetch_one(conn)
    .await
}

/// What narrows a ticket list.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// The viewer's queue: assigned to them, or unassigned in their departments, and
    /// still to do.
    pub queue: bool,
    pub status: Option<Status>,
    pub department: Option<Uuid>,
    pub assignee: AssigneeFilter,
    pub issue_type: Option<IssueType>,
    pub channel: Option<Channel>,
    /// A tag's name, lower-case.
    pub tag: Option<String>,
    pub search: Option<String>,
    /// Keyset cursor: the (last activity, id) of the last ticket of the page before, or
    /// its (due time, id) when `due_first`.
    pub after: Option<(OffsetDateTime, Uuid)>,
    /// Only tickets whose SLA clock is breached, or due within the hour.
    pub sla: Option<SlaFilter>,
    /// Tickets with a running SLA clock, the one due first first.
    pub due_first: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaFilter {
    Breached,
    DueSoon,
}

impl SlaFilter {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "breached" => Some(Self::Breached),
            "due_soon" => Some(Self::DueSoon),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Nobody,
    Agent(Uuid),
}

#[derive(sqlx::FromRow)]
pub struct ListedTicket {
    pub id: Uuid,
    pub number: i64,
    pub subject: String,
    pub customer_name: String,
    pub customer_email: String,
    pub status: Status,
    pub priority: Priority,
    pub issue_type: IssueType,
    pub channel: Channel,
    pub department_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub last_activity_at: OffsetDateTime,
    /// The next SLA due time and its target (`sla::refresh`).
    pub sla_due_at: Option<OffsetDateTime>,
    pub sla_target: Option<String>,
    /// The names of its department and assignee, from the workspace's directory
    /// (`name_rows`).
    #[sqlx(skip)]
    pub department: Option<String>,
    #[sqlx(skip)]
    pub assignee: Option<String>,
    /// That due time in words and its state, for the row (`sla::label_due`).
    #[sqlx(skip)]
    pub due: Option<(&'static str, String)>,
}

/// Names each ticket's department and assignee not named yet from `departments` and
/// `agents` (`(id, name)`, the workspace's directory): cheaper than a lookup per row in the
/// list's statement. The ids left without a name: an agent deleted since (closed tickets
/// keep their assignee) or one newer than the directory kept, for `names_by_id`.
pub fn name_rows(
    tickets: &mut [ListedTicket],
    departments: &[(Uuid, String)],
    agents: &[(Uuid, String)],
) -> Vec<Uuid> {
    let lookup =
        |pairs: &[(Uuid, String)]| -> HashMap<Uuid, String> { pairs.iter().cloned().collect() };
    let (departments, agents) = (lookup(departments), lookup(agents));
    let mut missing = Vec::new();
    let mut name = |shown: &mut Option<String>, id: Option<Uuid>, known: &HashMap<Uuid, String>| {
        if let (None, Some(id)) = (&shown, id) {
            *shown = known.get(&id).cloned();
            if shown.is_none() {
                missing.push(id);
            }
        }
    };
    for ticket in tickets {
        name(&mut ticket.department, ticket.department_id, &departments);
        name(&mut ticket.assignee, ticket.assignee_id, &agents);
    }
    missing
}

/// The names of these agents and departments of the workspace, deleted agents included.
pub async fn names_by_id(
    conn: &mut PgConnection,
    account_id: Uuid,
    ids: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as(
        "select id, name from agents where account_id = $1 and id = any($2)
         union all
         select id, name from departments where account_id = $1 and id = any($2)",
    )
    .bind(account_id)
    .bind(ids)
    .fetch_all(conn)
    .await
}

impl ListedTicket {
    /// The list marks tickets that no email reply can reach.
    pub fn has_reply_address(&self) -> bool {
        EmailAddress::parse_addr_spec(&self.customer_email).is_ok()
    }

    /// The cursor that continues a list after this ticket.
    /// Where the next page begins: after this ticket's activity, or its due time when the
    /// list is sorted by what is due first.
    pub fn cursor(&self, due_first: bool) -> String {
        let at = match (due_first, self.sla_due_at) {
            (true, Some(due)) => due,
            _ => self.last_activity_at,
        };
        format!("{}.{}", at.unix_timestamp_nanos() / 1000, self.id.simple())
    }
}

/// Parses a cursor made by `ListedTicket::cursor`.
pub fn parse_cursor(raw: &str) -> Option<(OffsetDateTime, Uuid)> {
    let (micros, id) = raw.split_once('.')?;
    let micros: i128 = micros.parse().ok()?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(micros.checked_mul(1000)?).ok()?;
    Some((at, id.parse().ok()?))
}

/// Adds the conditions that keep `viewer` to the tickets they may see, and in the queue to
/// their own work. Each list query is built from the conditions in use only: PostgreSQL then
/// caches one plan per shape instead of planning a catch-all statement on every request.
/// The queue in two parts, each read from a partial index of its own (migration
/// `queue_parts`): what is assigned to the viewer, and what is unassigned in their
/// departments or in none. One scan of all open tickets read every other agent's too.
#[derive(Clone, Copy)]
enum QueuePart {
    Assigned,
    Unassigned,
}

const QUEUE_PARTS: [QueuePart; 2] = [QueuePart::Assigned, QueuePart::Unassigned];

fn push_scope(query: &mut QueryBuilder<'_, Postgres>, viewer: &Viewer, queue: Option<QueuePart>) {
    query
        .push(" where t.account_id = ")
        .push_bind(viewer.account_id);
    // Department membership of the viewer, as a condition on the ticket `t`.
    let member = |query: &mut QueryBuilder<'_, Postgres>| {
        query
            .push(
                " (t.department_id is null or exists (select 1 from department_agents da
                   where da.account_id = t.account_id and da.department_id = t.department_id
                     and da.agent_id = ",
            )
            .push_bind(viewer.agent_id)
            .push("))");
    };
    // The queue's own condition covers what visibility asks.
    match queue {
        Some(part) => {
            query.push(" and t.status in ('new', 'open', 'answered', 'postponed') and");
            match part {
                QueuePart::Assigned => {
                    query.push(" t.assignee_id = ").push_bind(viewer.agent_id);
                    if !viewer.sees_all {
                        query.push(" and");
                        member(query);
                    }
                }
                QueuePart::Unassigned => {
                    query.push(" t.assignee_id is null and");
                    member(query);
                }
            }
        }
        None if !viewer.sees_all => {
            query.push(" and");
            member(query);
        }
        None => {}
    }
    if let Some(days) = viewer.listed_days {
        query
            .push(" and t.created_at > app_now() - make_interval(days => ")
            .push_bind(days)
            .push(")");
    }
}

/// One page of tickets, newest activity first, `limit` at most. Spam shows only when asked
/// for by status.
pub async fn list(
    db: impl PgExecutor<'_>,
    viewer: &Viewer,
    filter: &ListFilter,
    limit: i64,
) -> sqlx::Result<Vec<ListedTicket>> {
    let mut query = QueryBuilder::new("");
    push_list(&mut query, viewer, filter, limit);
    query.build_query_as().fetch_all(db).await
}

/// The queue's counts and one page of it (`filter.queue`), in one statement: a page view
/// of the queue then costs one round trip for its tickets, not two.
pub async fn queue_page(
    db: impl PgExecutor<'_>,
    viewer: &Viewer,
    filter: &ListFilter,
    limit: i64,
) -> sqlx::Result<(QueueCounts, Vec<ListedTicket>)> {
    let mut query = QueryBuilder::new("with counts as (");
    push_queue_counts(&mut query, viewer);
    // The one row of counts, beside each ticket of the page or alone when there is none.
    query.push(") select counts.*, t.* from counts left join (");
    let order = push_list(&mut query, viewer, filter, limit);
    query.push(") t on true").push(&order);
    let rows = query.build().fetch_all(db).await?;
    let counts = match rows.first() {
        Some(row) => QueueCounts::from_row(row)?,
        None => QueueCounts::default(),
    };
    let mut tickets = Vec::with_capacity(rows.len());
    for row in &rows {
        if row.try_get::<Option<Uuid>, _>("id")?.is_some() {
            tickets.push(ListedTicket::from_row(row)?);
        }
    }
    Ok((counts, tickets))
}

/// Pushes the list's select, and returns its order (with the limit), which a query around
/// it repeats: a join keeps no order.
fn push_list(
    query: &mut QueryBuilder<'_, Postgres>,
    viewer: &Viewer,
    filter: &ListFilter,
    limit: i64,
) -> String {
    // A literal limit: the planner knows it is a small page.
    let order = format!(
        " order by {} limit {}",
        if filter.due_first {
            "t.sla_due_at, t.id"
        } else {
            "t.last_activity_at desc, t.id desc"
        },
        limit.clamp(1, 500)
    );
    if filter.queue {
        query.push("select * from (");
        for (index, part) in QUEUE_PARTS.into_iter().enumerate() {
            query.push(if index == 0 { "(" } else { " union all (" });
            push_page(query, viewer, filter, Some(part), &order);
            query.push(")");
        }
        query.push(") t").push(&order);
    } else {
        push_page(query, viewer, filter, None, &order);
    }
    order
}

/// One page of the list as filtered, or of a part of the queue.
fn push_page(
    query: &mut QueryBuilder<'_, Postgres>,
    viewer: &Viewer,
    filter: &ListFilter,
    queue: Option<QueuePart>,
    order: &str,
) {
    // Names come from the directory (`name_rows`), not from a lookup per row here.
    query.push(
        "select t.id, t.number, t.subject, t.customer_name, t.customer_email, t.status,
                t.priority, t.issue_type, t.channel, t.department_id, t.assignee_id,
                t.last_activity_at, t.sla_due_at, t.sla_target
         from tickets t",
    );
    push_scope(query, viewer, queue);
    match filter.status {
        Some(status) => {
            query.push(" and t.status = ").push_bind(status.as_str());
        }
        None if !filter.queue => {
            query.push(" and t.status not in ('spam', 'merged')");
        }
        None => {}
    }
    if let Some(department) = filter.department {
        query.push(" and t.department_id = ").push_bind(department);
    }
    match filter.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Nobody => {
            query.push(" and t.assignee_id is null");
        }
        AssigneeFilter::Agent(id) => {
            query.push(" and t.assignee_id = ").push_bind(id);
        }
    }
    if let Some(issue_type) = filter.issue_type {
        query
            .push(" and t.issue_type = ")
            .push_bind(issue_type.as_str());
    }
    if let Some(channel) = filter.channel {
        query.push(" and t.channel = ").push_bind(channel.as_str());
    }
    if let Some(tag) = &filter.tag {
        query
            .push(
                " and t.id in (select tt.ticket_id from ticket_tags tt
                               join tags g on g.account_id = tt.account_id and g.id = tt.tag_id
                               where tt.account_id = t.account_id and g.name = ",
            )
            .push_bind(tag.clone())
            .push(")");
    }
    if let Some(search) = &filter.search {
        query.push(" and t.search @@ ");
        TextQuery::new(search, false).push_tsquery(query);
    }
    match filter.sla {
        Some(SlaFilter::Breached) => {
            query.push(" and t.sla_due_at <= app_now()");
        }
        Some(SlaFilter::DueSoon) => {
            query.push(
                " and t.sla_due_at > app_now() and t.sla_due_at <= app_now() + interval '1 hour'",
            );
        }
        None => {}
    }
    if filter.due_first {
        query.push(" and t.sla_due_at is not null");
    }
    if let Some((at, id)) = filter.after {
        query.push(if filter.due_first {
            " and (t.sla_due_at, t.id) > ("
        } else {
            " and (t.last_activity_at, t.id) < ("
        });
        query.push_bind(at).push(", ").push_bind(id).push(")");
    }
    query.push(order);
}

/// Counted at most this many tickets; more show as "999+".
pub const COUNT_CAP: i64 = 1000;

/// The viewer's queue counted by status, in one pass over at most `COUNT_CAP` tickets.
#[derive(Debug, Default, sqlx::FromRow)]
pub struct QueueCounts {
    pub new: i64,
    pub open: i64,
    pub answered: i64,
    pub postponed: i64,
    pub total: i64,
}

impl QueueCounts {
    /// One of these counts as shown: exact below the cap, "999+" at it.
    pub fn shown(&self, count: i64) -> String {
        if count >= COUNT_CAP {
            format!("{}+", COUNT_CAP - 1)
        } else if self.total >= COUNT_CAP {
            format!("{count}+")
        } else {
            count.to_string()
        }
    }
}

pub async fn queue_counts(db: impl PgExecutor<'_>, viewer: &Viewer) -> sqlx::Result<QueueCounts> {
    let mut query = QueryBuilder::new("");
    push_queue_counts(&mut query, viewer);
    query.build_query_as().fetch_one(db).await
}

fn push_queue_counts(query: &mut QueryBuilder<'_, Postgres>, viewer: &Viewer) {
    query.push(
        "select count(*) filter (where status = 'new') as new,
                count(*) filter (where status = 'open') as open,
                count(*) filter (where status = 'answered') as answered,
                count(*) filter (where status = 'postponed') as postponed,
                count(*) as total
         from (",
    );
    for (index, part) in QUEUE_PARTS.into_iter().enumerate() {
        query.push(if index == 0 { "(" } else { " union all (" });
        query.push("select t.status from tickets t");
        push_scope(query, viewer, Some(part));
        query.push(format!(" limit {COUNT_CAP})"));
    }
    query.push(format!(" limit {COUNT_CAP}) queue"));
}

/// Postponed tickets whose date has come, locked for waking them up.
pub async fn due_postponed(conn: &mut PgConnection, limit: i64) -> sqlx::Result<Vec<(Uuid, Uuid)>> {
    let rows = sqlx::query!(
        "select account_id, id from tickets
         where status = 'postponed' and postponed_until <= app_now()
         order by postponed_until
         limit $1
         for update skip locked",
        limit,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.account_id, row.id))
        .collect())
}

pub async fn reopen_postponed(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update tickets set status = 'open', postponed_until = null, last_activity_at = app_now()
         where account_id = $1 and id = $2 and status = 'postponed'",
        account_id,
        ticket_id,
    )
    .execute(&mut *conn)
    .await?;
    insert_event(
        conn,
        account_id,
        ticket_id,
        By::System,
        "status",
        Status::Open.as_str(),
    )
    .await
}

/// A workspace as mail about its tickets needs it.
pub struct MailWorkspace {
    pub id: Uuid,
    pub slug: String,
    pub company: String,
    pub message_id_key: Vec<u8>,
    /// Reply-To of the mail about its tickets.
    pub support_address: Option<String>,
    /// The language and time zone customers read its pages and mail in.
    pub language: Locale,
    pub time_zone: String,
}

/// The workspace whose inbound address carries `token`.
pub async fn workspace_by_inbound_token(
    conn: &mut PgConnection,
    token: &str,
) -> sqlx::Result<Option<MailWorkspace>> {
    sqlx::query_as!(
        MailWorkspace,
        r#"select id, slug, company, message_id_key, support_address,
                  language as "language: Locale", time_zone
           from accounts where inbound_token = $1"#,
        token,
    )
    .fetch_optional(conn)
    .await
}

pub async fn workspace_by_slug(
    conn: &mut PgConnection,
    slug: &str,
) -> sqlx::Result<Option<MailWorkspace>> {
    sqlx::query_as!(
        MailWorkspace,
        r#"select id, slug, company, message_id_key, support_address,
                  language as "language: Locale", time_zone
           from accounts where slug = $1"#,
        slug,
    )
    .fetch_optional(conn)
    .await
}

pub async fn workspace_by_id(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<MailWorkspace> {
    sqlx::query_as!(
        MailWorkspace,
        r#"select id, slug, company, message_id_key, support_address,
                  language as "language: Locale", time_zone
           from accounts where id = $1"#,
        id,
    )
    .fetch_one(conn)
    .await
}

/// How a replying agent signs: the name customers see (their alias, or their name) and
/// their signature.
pub async fn reply_identity(
    conn: &mut PgConnection,
    account_id: Uuid,
    agent_id: Uuid,
) -> sqlx::Result<(String, String)> {
    let row = sqlx::query!(
        r#"select coalesce(alias, name) as "shown!", signature from agents
           where account_id = $1 and id = $2"#,
        account_id,
        agent_id,
    )
    .fetch_one(conn)
    .await?;
    Ok((row.shown, row.signature))
}

/// Moves ticket `from` into ticket `into`: its messages (and so their attachments), its
/// tags, its words for search; `from` is then `merged`, and tickets merged into it earlier
/// lead to `into` too. The caller holds both tickets' locks.
pub async fn merge_tickets(
    conn: &mut PgConnection,
    account_id: Uuid,
    from: Uuid,
    into: Uuid,
) -> sqlx::Result<()> {
    for statement in [
        "update messages set ticket_id = $3 where account_id = $1 and ticket_id = $2",
        "insert into ticket_tags (account_id, ticket_id, tag_id)
         select account_id, $3, tag_id from ticket_tags where account_id = $1 and ticket_id = $2
         on conflict do nothing",
        // Bounded like a message's words (`insert_message`): a tsvector holds at most 1 MB.
        "update tickets t
         set search = case when length(t.search) < 20000 then t.search || f.search
                           else t.search end,
             last_activity_at = greatest(t.last_activity_at, f.last_activity_at)
         from tickets f
         where t.account_id = $1 and t.id = $3 and f.account_id = $1 and f.id = $2",
        "update tickets set status = 'merged', merged_into = $3, postponed_until = null
         where account_id = $1 and id = $2",
        "update tickets set merged_into = $3 where account_id = $1 and merged_into = $2",
    ] {
        sqlx::query(statement)
            .bind(account_id)
            .bind(from)
            .bind(into)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The number of the ticket that ticket `id` was merged into, if it was.
pub async fn merged_into(
    conn: &mut PgConnection,
    account_id: Uuid,
    id: Uuid,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "select m.number from tickets t
         join tickets m on m.account_id = t.account_id and m.id = t.merged_into
         where t.account_id = $1 and t.id = $2",
    )
    .bind(account_id)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Message `id` of the ticket and, with `later`, every message after it, in thread order,
/// each with its kind; empty when the ticket has no such message.
pub async fn messages_from(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    id: Uuid,
    later: bool,
) -> sqlx::Result<Vec<(Uuid, MessageKind)>> {
    sqlx::query_as(
        "select m.id, m.kind from messages m
         join messages first on first.account_id = m.account_id and first.id = $3
                            and first.ticket_id = m.ticket_id
         where m.account_id = $1 and m.ticket_id = $2
           and (m.id = first.id
                or ($4 and (m.created_at, m.id) > (first.created_at, first.id)))
         order by m.created_at, m.id",
    )
    .bind(account_id)
    .bind(ticket_id)
    .bind(id)
    .bind(later)
    .fetch_all(conn)
    .await
}

/// Whether the ticket keeps a message other than an event once `leaving` are gone.
pub async fn keeps_a_message(
    conn: &mut PgConnection,
    account_id: Uuid,
    ticket_id: Uuid,
    leaving: &[Uuid],
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "select exists (select 1 from messages
                        where account_id = $1 and ticket_id = $2 and kind <> 'event'
                          and not (id = any($3)))",
    )
    .bind(account_id)
    .bind(ticket_id)
    .bind(leaving)
    .fetch_one(conn)
    .await
}

/// Moves messages `ids` to ticket `to`, which takes their words for search and their
/// last activity.
pub async fn move_messages(
    conn: &mut PgConnection,
    account_id: Uuid,
    ids: &[Uuid],
    to: Uuid,
) -> sqlx::Result<()> {
    sqlx::query("update messages set ticket_id = $3 where account_id = $1 and id = any($2)")
        .bind(account_id)
        .bind(ids)
        .bind(to)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "update tickets t
         set search = t.search || coalesce(
                 (select setweight(search_document(left(string_agg(m.body_text, ' '), 20000)), 'B')
                  from messages m where m.account_id = $1 and m.id = any($2)), ''),
             last_activity_at = coalesce(
                 (select max(m.created_at) from messages m
                  where m.account_id = $1 and m.id = any($2)), t.last_activity_at)
         where t.account_id = $1 and t.id = $3",
    )
    .bind(account_id)
    .bind(ids)
    .bind(to)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(department_id: Option<Uuid>, assignee_id: Option<Uuid>) -> ListedTicket {
        ListedTicket {
            id: Uuid::now_v7(),
            number: 1,
            subject: String::new(),
            customer_name: String::new(),
            customer_email: String::new(),
            status: Status::New,
            priority: Priority::Normal,
            issue_type: IssueType::Other,
            channel: Channel::Email,
            department_id,
            assignee_id,
            last_activity_at: OffsetDateTime::UNIX_EPOCH,
            sla_due_at: None,
            sla_target: None,
            department: None,
            assignee: None,
            due: None,
        }
    }

    #[test]
    fn rows_are_named_from_the_directory_and_the_rest_are_told() {
        let (support, ada, gone) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let departments = [(support, "Support".to_owned())];
        let agents = [(ada, "Ada".to_owned())];
        let mut rows = [listed(Some(support), Some(ada)), listed(None, None)];
        assert!(name_rows(&mut rows, &departments, &agents).is_empty());
        assert_eq!(rows[0].department.as_deref(), Some("Support"));
        assert_eq!(rows[0].assignee.as_deref(), Some("Ada"));
        assert_eq!(
            (rows[1].department.clone(), rows[1].assignee.clone()),
            (None, None)
        );
        // An agent the directory does not list (deleted, or newer): told, then named from
        // what is read by id, the names found before kept.
        let mut rows = [listed(Some(support), Some(gone))];
        assert_eq!(name_rows(&mut rows, &departments, &agents), [gone]);
        let found = [(gone, "Former agent".to_owned())];
        assert!(name_rows(&mut rows, &found, &found).is_empty());
        assert_eq!(rows[0].assignee.as_deref(), Some("Former agent"));
        assert_eq!(rows[0].department.as_deref(), Some("Support"));
    }
}
