//! The closed sets a ticket takes its values from (DESIGN.md, Tickets), as stored and as
//! shown.
text_enum!(
    /// Where a ticket came from.
    Channel, "channel-", {
        Email => "email",
        Form => "form",
        Chat => "chat",
        Agent => "agent",
        Call => "call",
        Telegram => "telegram",
        Whatsapp => "whatsapp",
        Messenger => "messenger",
    }
);

impl Channel {
    /// The messaging apps whose conversations come through a connected channel (`social`).
    pub const SOCIAL: &'static [Self] = &[Self::Telegram, Self::Whatsapp, Self::Messenger];

    pub fn is_social(self) -> bool {
        Self::SOCIAL.contains(&self)
    }
}

text_enum!(
    /// `new` -> (agent reply) `answered` -> (customer reply) `open` -> ... -> `resolved`;
    /// also `postponed` until a date and `spam`.
    Status, "status-", {
        New => "new",
        Open => "open",
        Answered => "answered",
        Postponed => "postponed",
        Resolved => "resolved",
        Spam => "spam",
        Merged => "merged",
    }
);

impl Status {
    /// The statuses an agent sets: `merged` is the result of merging only.
    pub fn settable(
        locale: crate::i18n::Locale,
        selected: Option<Self>,
    ) -> Vec<crate::input::Choice> {
        Self::choices(locale, selected)
            .into_iter()
            .filter(|choice| choice.value != Self::Merged.as_str())
            .collect()
    }
}

text_enum!(
    Priority, "priority-", {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
);

text_enum!(
    IssueType, "type-", {
        Billing => "billing",
        Refund => "refund",
        Bug => "bug",
        Dispute => "dispute",
        Feature => "feature",
        Usability => "usability",
        Other => "other",
    }
);

text_enum!(
    /// What a message of the thread is.
    MessageKind, "message-kind-", {
        Customer => "customer",
        Reply => "reply",
        Note => "note",
        Event => "event",
    }
);

impl Status {
    /// The statuses of work still to do: what the queue shows.
    pub const ACTIVE: &'static [Self] = &[Self::New, Self::Open, Self::Answered, Self::Postponed];
}
