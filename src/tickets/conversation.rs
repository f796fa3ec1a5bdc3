//! Mail to customers about their tickets: the acknowledgement of a new ticket and the
//! agents' replies. Both carry `[#number]`, our signed Message-ID and the customer's private
//! link, so that an answer threads back into the ticket.
use askama::Template;
use sqlx::PgConnection;

use super::{
    db::{self, CreatedTicket, MailWorkspace},
    threading,
};
use crate::{
    AppError,
    config::Config,
    i18n::Locale,
    input::EmailAddress,
    mail::{self, Email, Threading},
};

/// Acknowledgements one address gets in an hour at most.
const ACKNOWLEDGEMENTS_PER_HOUR: i64 = 5;

/// The ticket a new customer message opened, and who wrote it.
pub struct Opened<'a> {
    pub ticket: &'a CreatedTicket,
    pub subject: &'a str,
    pub customer_name: &'a str,
    pub customer_email: &'a EmailAddress,
    /// The customer's Message-ID, when they wrote by email.
    pub answering: Option<&'a str>,
}

/// Tells the customer their ticket's number and private link (in the outbox, in the
/// caller's transaction), unless this address has had its share this hour.
pub async fn acknowledge(
    conn: &mut PgConnection,
    config: &Config,
    workspace: &MailWorkspace,
    opened: &Opened<'_>,
) -> Result<(), AppError> {
    if db::recent_acknowledgements(conn, workspace.id, opened.customer_email.as_str()).await?
        >= ACKNOWLEDGEMENTS_PER_HOUR
    {
        return Ok(());
    }
    let link = customer_link(config, &workspace.slug, &opened.ticket.customer_token);
    let acknowledgement = TicketMail {
        locale: workspace.language,
        company: &workspace.company,
        customer_name: opened.customer_name,
        number: opened.ticket.number,
        body: "",
        author: "",
        link: &link,
    };
    let references: Vec<String> = opened.answering.iter().map(|id| id.to_string()).collect();
    let email = acknowledgement.email(
        config,
        workspace,
        opened.customer_email,
        opened.subject,
        opened.answering,
        &references,
    )?;
    db::set_acknowledgement(
        conn,
        workspace.id,
        opened.ticket.id,
        email.threading.message_id.as_deref(),
    )
    .await?;
    mail::enqueue(conn, workspace.id, &email).await?;
    Ok(())
}

/// The customer's private page of a ticket.
pub fn customer_link(config: &Config, workspace: &str, token: &str) -> String {
    config.link(&format!("/help/{workspace}/tickets/{token}"))
}

/// One email about a ticket, in both its parts.
pub struct TicketMail<'a> {
    /// The workspace's default language: customers read everything in it.
    pub locale: Locale,
    pub company: &'a str,
    pub customer_name: &'a str,
    pub number: i64,
    /// The reply's text (signature included); empty for an acknowledgement.
    pub body: &'a str,
    /// Who replied, as customers know them (their alias, or their name).
    pub author: &'a str,
    pub link: &'a str,
}

#[derive(Template)]
#[template(path = "tickets/ticket_email.txt")]
struct TicketMailText<'a> {
    mail: &'a TicketMail<'a>,
}

#[derive(Template)]
#[template(path = "tickets/ticket_email.html")]
struct TicketMailHtml<'a> {
    mail: &'a TicketMail<'a>,
}

impl TicketMail<'_> {
    pub fn number_text(&self) -> String {
        self.number.to_string()
    }

    /// "Hello Carla," or, to a customer who gave no name, "Hello,".
    pub fn greeting(&self) -> String {
        if self.customer_name.trim().is_empty() {
            self.locale.t("ticket-email-greeting-no-name")
        } else {
            self.locale
                .t_args("ticket-email-greeting", &[("name", self.customer_name)])
        }
    }

    /// The email to `to` (an address mail can go to: nothing is queued for none), about
    /// `subject`, answering `answering` (a Message-ID) within a thread whose mail had
    /// `references`.
    pub fn email(
        &self,
        config: &Config,
        workspace: &MailWorkspace,
        to: &EmailAddress,
        subject: &str,
        answering: Option<&str>,
        references: &[String],
    ) -> Result<Email, AppError> {
        let message_id = threading::new_message_id(
            &workspace.message_id_key,
            self.number,
            &config.mail_domain(),
        );
        // The last ten are enough for any mail program to find the thread.
        let references = references[references.len().saturating_sub(10)..].join(" ");
        Ok(Email {
            to: to.as_str().to_owned(),
            subject: threading::tagged_subject(self.number, subject),
            text: TicketMailText { mail: self }
                .render()
                .map_err(anyhow::Error::from)?,
            html: TicketMailHtml { mail: self }
                .render()
                .map_err(anyhow::Error::from)?,
            threading: Threading {
                message_id: Some(message_id),
                in_reply_to: answering.map(str::to_owned),
                references: Some(references).filter(|r| !r.is_empty()),
                reply_to: workspace.support_address.clone(),
                // An acknowledgement is automatic; a reply is written by a person.
                auto_submitted: self.body.is_empty(),
            },
        })
    }
}
