//! Placeholders in canned answers: `{{customer.name}}` and its kin, filled in when the
//! answer goes into a reply. A value that is missing (a customer who gave no name) is
//! empty text: a customer never reads `{{...}}`. Unknown placeholders are refused when
//! the answer is saved.

/// Every placeholder an answer may hold, as written between `{{` and `}}`.
pub const NAMES: [&str; 6] = [
    "customer.name",
    "customer.first_name",
    "ticket.number",
    "agent.name",
    "agent.alias",
    "workspace.name",
];

/// What the placeholders stand for on one ticket, for one agent.
pub struct Values<'a> {
    pub customer_name: &'a str,
    pub ticket_number: i64,
    pub agent_name: &'a str,
    /// The name customers see: the agent's alias, or their name without one.
    pub agent_alias: &'a str,
    pub workspace_name: &'a str,
}

impl Values<'_> {
    fn get(&self, name: &str) -> String {
        // A sender known only by their address has no name to greet them by.
        let customer = if self.customer_name.contains('@') {
            ""
        } else {
            self.customer_name.trim()
        };
        match name {
            "customer.name" => customer.to_owned(),
            "customer.first_name" => customer.split_whitespace().next().unwrap_or("").to_owned(),
            "ticket.number" => self.ticket_number.to_string(),
            "agent.name" => self.agent_name.to_owned(),
            "agent.alias" => self.agent_alias.to_owned(),
            "workspace.name" => self.workspace_name.to_owned(),
            _ => String::new(),
        }
    }
}

/// Each `{{ … }}` of the text: where it starts and ends, and the name inside, trimmed.
fn placeholders(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + text[from..].find("{{")?;
        let inner = start + 2;
        let end = inner + text[inner..].find("}}")?;
        from = end + 2;
        Some((start, end + 2, text[inner..end].trim()))
    })
}

/// The placeholders of `text` that are not among `NAMES`, each once, in order.
pub fn unknown(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (_, _, name) in placeholders(text) {
        if !NAMES.contains(&name) && !found.iter().any(|seen| seen == name) {
            found.push(name.to_owned());
        }
    }
    found
}

/// `text` with every placeholder replaced by its value; an unknown one becomes empty too.
pub fn fill(text: &str, values: &Values) -> String {
    let mut filled = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end, name) in placeholders(text) {
        filled.push_str(&text[copied..start]);
        filled.push_str(&values.get(name));
        copied = end;
    }
    filled.push_str(&text[copied..]);
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(customer_name: &str) -> Values<'_> {
        Values {
            customer_name,
            ticket_number: 42,
            agent_name: "Ada Lovelace",
            agent_alias: "Ada",
            workspace_name: "Acme & Co",
        }
    }

    #[test]
    fn fills_every_placeholder_with_or_without_spaces() {
        let text = "Hi {{customer.first_name}} ({{ customer.name }}), ticket #{{ticket.number}}.\n\
                    {{agent.alias}} / {{agent.name}}, {{workspace.name}}";
        assert_eq!(
            fill(text, &values("Carla Diaz")),
            "Hi Carla (Carla Diaz), ticket #42.\nAda / Ada Lovelace, Acme & Co"
        );
    }

    #[test]
    fn a_missing_value_is_empty_never_the_placeholder() {
        assert_eq!(fill("Hi {{customer.first_name}},", &values("")), "Hi ,");
        assert_eq!(
            fill("Hi {{customer.name}}!", &values("carla@example.com")),
            "Hi !"
        );
        assert_eq!(fill("{{nope}} {{ unclosed", &values("C")), " {{ unclosed");
    }

    #[test]
    fn unknown_placeholders_are_named_once() {
        assert_eq!(
            unknown("{{customer.name}} {{customer.email}} {{ x }} {{x}} {{"),
            ["customer.email", "x"]
        );
        assert!(unknown("Plain text, {single} braces.").is_empty());
    }
}
