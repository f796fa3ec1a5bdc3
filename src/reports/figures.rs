//! The figures of a report and how they add up: counts, and the times from which medians
//! and 90th percentiles are drawn. Pure arithmetic over what `db` read.
use std::collections::HashMap;

use time::OffsetDateTime;
use uuid::Uuid;

/// What the log counts, per row of the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Activity {
    /// A reply sent to the customer, by its author.
    Reply,
    /// An internal note, by its author.
    Note,
    /// A ticket assigned, to its new assignee.
    Assigned,
    /// A message from a customer.
    Customer,
    /// A visitor started a chat.
    ChatReceived,
    /// A chat accepted, by the accepting agent.
    ChatAccepted,
    /// A chat nobody accepted in time, left as a message.
    ChatMissed,
    /// A call rang, for its department.
    CallReceived,
    /// A call answered, by the agent who answered.
    CallAnswered,
    /// A call that ended unanswered, for its department.
    CallMissed,
}

/// How long something took, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Timing {
    /// From the ticket's creation to its first reply, for the replying agent.
    FirstResponse,
    /// From the ticket's creation to a resolution, less the time it was postponed or
    /// resolved before; for the resolving agent.
    Resolution,
    /// From a chat's start to its acceptance, for the accepting agent.
    ChatAccept,
    /// From a call's ringing to its answer, for the agent who answered.
    CallAnswer,
}

/// An SLA target the reports count, met or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Target {
    FirstResponse,
    Resolution,
}

/// How many of some targets were met, of how many.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share {
    pub met: i64,
    pub of: i64,
}

impl Share {
    /// The share met in whole percent; `None` without any.
    pub fn percent(self) -> Option<i64> {
        (self.of > 0).then(|| (self.met * 100 + self.of / 2) / self.of)
    }
}

/// The figures of one cell of a report: a bucket, an agent, a department or all of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub new_tickets: i64,
    pub customer_messages: i64,
    pub replies: i64,
    pub notes: i64,
    pub assigned: i64,
    pub chats_received: i64,
    pub chats_accepted: i64,
    pub chats_missed: i64,
    pub calls_received: i64,
    pub calls_answered: i64,
    pub calls_missed: i64,
    pub first_responses: Vec<i64>,
    pub resolutions: Vec<i64>,
    pub chat_accepts: Vec<i64>,
    pub call_answers: Vec<i64>,
    /// First responses and resolutions against an SLA target.
    pub first_responses_in_time: Share,
    pub resolutions_in_time: Share,
    /// SLA targets missed.
    pub breaches: i64,
}

impl Tally {
    pub fn count(&mut self, activity: Activity, count: i64) {
        match activity {
            Activity::Reply => self.replies += count,
            Activity::Note => self.notes += count,
            Activity::Assigned => self.assigned += count,
            Activity::Customer => self.customer_messages += count,
            Activity::ChatReceived => self.chats_received += count,
            Activity::ChatAccepted => self.chats_accepted += count,
            Activity::ChatMissed => self.chats_missed += count,
            Activity::CallReceived => self.calls_received += count,
            Activity::CallAnswered => self.calls_answered += count,
            Activity::CallMissed => self.calls_missed += count,
        }
    }

    pub fn time(&mut self, timing: Timing, seconds: i64) {
        match timing {
            Timing::FirstResponse => self.first_responses.push(seconds),
            Timing::Resolution => self.resolutions.push(seconds),
            Timing::ChatAccept => self.chat_accepts.push(seconds),
            Timing::CallAnswer => self.call_answers.push(seconds),
        }
    }

    pub fn sla(&mut self, target: Target, in_time: bool, count: i64) {
        let share = match target {
            Target::FirstResponse => &mut self.first_responses_in_time,
            Target::Resolution => &mut self.resolutions_in_time,
        };
        share.of += count;
        if in_time {
            share.met += count;
        }
    }

    /// Tickets resolved: each resolution has its time.
    pub fn resolved(&self) -> i64 {
        self.resolutions.len() as i64
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub fn first_response(&self) -> Spread {
        Spread::of(&self.first_responses)
    }

    pub fn resolution(&self) -> Spread {
        Spread::of(&self.resolutions)
    }

    pub fn chat_accept(&self) -> Spread {
        Spread::of(&self.chat_accepts)
    }

    pub fn call_answer(&self) -> Spread {
        Spread::of(&self.call_answers)
    }
}

/// The median and the 90th percentile of some times, in seconds; `None` without any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spread {
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Spread {
    /// Times that `Figures::sort_times` sorted are read as they are; others are sorted
    /// in a copy first.
    fn of(seconds: &[i64]) -> Self {
        let copy;
        let sorted = if seconds.is_sorted() {
            seconds
        } else {
            let mut unsorted = seconds.to_vec();
            unsorted.sort_unstable();
            copy = unsorted;
            &copy
        };
        Self {
            median: percentile(sorted, 0.5),
            p90: percentile(sorted, 0.9),
        }
    }
}

/// The `fraction` percentile of `sorted`, interpolated between the two nearest values as
/// PostgreSQL's `percentile_cont` does, to the nearest second.
fn percentile(sorted: &[i64], fraction: f64) -> Option<i64> {
    let last = sorted.len().checked_sub(1)?;
    let position = fraction * last as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let weight = position - below as f64;
    let value = sorted[below] as f64 + (sorted[above] - sorted[below]) as f64 * weight;
    Some(value.round() as i64)
}

/// A report's figures by bucket (the bucket's first instant), agent, department and in all.
#[derive(Debug, Default)]
pub struct Figures {
    pub buckets: HashMap<OffsetDateTime, Tally>,
    pub agents: HashMap<Uuid, Tally>,
    /// `None`: tickets without a department.
    pub departments: HashMap<Option<Uuid>, Tally>,
    pub total: Tally,
}

/// Where a row of the log belongs.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    pub bucket: OffsetDateTime,
    pub agent_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
}

impl Figures {
    pub fn count(&mut self, cell: Cell, activity: Activity, count: i64) {
        self.each(cell, |tally| tally.count(activity, count));
    }

    pub fn time(&mut self, cell: Cell, timing: Timing, seconds: i64) {
        self.each(cell, |tally| tally.time(timing, seconds));
    }

    pub fn sla(&mut self, cell: Cell, target: Target, in_time: bool, count: i64) {
        self.each(cell, |tally| tally.sla(target, in_time, count));
    }

    pub fn breaches(&mut self, cell: Cell, count: i64) {
        self.each(cell, |tally| tally.breaches += count);
    }

    pub fn new_tickets(&mut self, cell: Cell, count: i64) {
        self.each(cell, |tally| tally.new_tickets += count);
    }

    /// Sorts every tally's times, once all rows are in: each page cell and chart point
    /// then reads its median and percentile without sorting again.
    pub fn sort_times(&mut self) {
        let tallies = self
            .buckets
            .values_mut()
            .chain(self.agents.values_mut())
            .chain(self.departments.values_mut())
            .chain([&mut self.total]);
        for tally in tallies {
            tally.first_responses.sort_unstable();
            tally.resolutions.sort_unstable();
            tally.chat_accepts.sort_unstable();
        }
    }

    fn each(&mut self, cell: Cell, add: impl Fn(&mut Tally)) {
        add(self.buckets.entry(cell.bucket).or_default());
        if let Some(agent_id) = cell.agent_id {
            add(self.agents.entry(agent_id).or_default());
        }
        add(self.departments.entry(cell.department_id).or_default());
        add(&mut self.total);
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn percentiles_interpolate_like_percentile_cont() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[60], 0.5), Some(60));
        assert_eq!(percentile(&[60], 0.9), Some(60));
        assert_eq!(percentile(&[60, 120], 0.5), Some(90));
        assert_eq!(percentile(&[10, 20, 30, 40], 0.5), Some(25));
        // 0.9 x 9 = 8.1: the ninth value and a tenth of the way to the tenth.
        let ten: Vec<i64> = (1..=10).map(|n| n * 100).collect();
        assert_eq!(percentile(&ten, 0.9), Some(910));
        assert_eq!(percentile(&ten, 0.5), Some(550));
    }

    #[test]
    fn spreads_do_not_depend_on_order() {
        let tally = Tally {
            first_responses: vec![300, 100, 200],
            ..Tally::default()
        };
        assert_eq!(
            tally.first_response(),
            Spread {
                median: Some(200),
                p90: Some(280)
            }
        );
        assert_eq!(
            tally.resolution(),
            Spread {
                median: None,
                p90: None
            }
        );
    }

    #[test]
    fn a_row_counts_in_its_bucket_agent_department_and_total() {
        let mut figures = Figures::default();
        let agent = Uuid::now_v7();
        let department = Uuid::now_v7();
        let monday = datetime!(2026-11-23 00:00 UTC);
        let tuesday = datetime!(2026-11-24 00:00 UTC);
        let cell = Cell {
            bucket: monday,
            agent_id: Some(agent),
            department_id: Some(department),
        };
        figures.count(cell, Activity::Reply, 2);
        figures.time(cell, Timing::Resolution, 3600);
        let customer = Cell {
            bucket: tuesday,
            agent_id: None,
            department_id: None,
        };
        figures.count(customer, Activity::Customer, 1);
        figures.new_tickets(customer, 1);

        assert_eq!(figures.buckets[&monday].replies, 2);
        assert_eq!(figures.buckets[&tuesday].customer_messages, 1);
        assert_eq!(figures.agents[&agent].resolved(), 1);
        assert_eq!(figures.agents.len(), 1);
        assert_eq!(figures.departments[&Some(department)].replies, 2);
        assert_eq!(figures.departments[&None].new_tickets, 1);
        assert_eq!(figures.total.replies, 2);
        assert_eq!(figures.total.new_tickets, 1);
        assert_eq!(figures.total.resolution().median, Some(3600));
        assert!(Tally::default().is_empty());
    }
}
