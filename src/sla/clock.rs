//! A ticket's SLA clocks, worked out from its thread: first response runs from creation to
//! the first agent reply, next response from a customer message that follows an agent reply
//! to the next reply, resolution from creation to resolved. Every clock runs only while the
//! ticket is `new` or `open`: waiting on the customer (`answered`) or `postponed` pauses
//! it, and it counts the policy's hours only. Notes, events and acknowledgements are never
//! a response (they are not replies).
use jiff::Timestamp;

use super::calendar::Calendar;
use crate::tickets::Status;

/// What happened on the ticket, as the clocks see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Customer(Timestamp),
    Reply(Timestamp),
    Status(Timestamp, Status),
}

impl Step {
    fn at(self) -> Timestamp {
        match self {
            Self::Customer(at) | Self::Reply(at) | Self::Status(at, _) => at,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl Target {
    /// As stored on the ticket (`sla_target`).
    pub fn code(self) -> &'static str {
        match self {
            Self::FirstResponse => "first_response",
            Self::NextResponse => "next_response",
            Self::Resolution => "resolution",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::FirstResponse => "sla-first-response",
            Self::NextResponse => "sla-next-response",
            Self::Resolution => "sla-resolution",
        }
    }
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Running, due at `due` (passed when breached); `None` when the hours never open.
    Running { due: Option<Timestamp> },
    /// Paused with `left` seconds of the target to go (negative: already missed).
    Paused { left: i64 },
    /// Stopped at `at`, within the target or not.
    Done { at: Timestamp, in_time: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub target: Target,
    pub minutes: i64,
    pub state: State,
    /// How long the clock stood paused, on the wall clock.
    pub paused: i64,
}

/// A policy's targets in minutes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    pub first_response: Option<i64>,
    pub next_response: Option<i64>,
    pub resolution: Option<i64>,
}

/// One clock while the steps are walked.
struct Running {
    target: Target,
    minutes: i64,
    /// Open seconds counted so far.
    elapsed: i64,
    paused: i64,
    breached_at: Option<Timestamp>,
    done: Option<Timestamp>,
    /// Done after its target (kept when the clock runs again after a reopening).
    done_late: bool,
}

impl Running {
    fn new(target: Target, minutes: i64) -> Self {
        Self {
            target,
            minutes,
            elapsed: 0,
            paused: 0,
            breached_at: None,
            done: None,
            done_late: false,
        }
    }

    /// The time from `from` to `to` under `status`.
    fn pass(&mut self, calendar: &Calendar, status: Status, from: Timestamp, to: Timestamp) {
        if self.done.is_some() || to <= from {
            return;
        }
        match status {
            Status::New | Status::Open => {
                let budget = self.minutes * 60;
                let open = calendar.between(from, to);
                if self.breached_at.is_none() && self.elapsed + open > budget {
                    self.breached_at = calendar.add(from, budget - self.elapsed);
                }
                self.elapsed += open;
            }
            Status::Answered | Status::Postponed => {
                self.paused += to.as_second() - from.as_second();
            }
            Status::Resolved | Status::Spam | Status::Merged => {}
        }
    }

    fn stop(&mut self, at: Timestamp) {
        if self.done.is_none() {
            self.done = Some(at);
            self.done_late = self.elapsed > self.minutes * 60;
        }
    }

    fn clock(&self, calendar: &Calendar, status: Status, now: Timestamp) -> Clock {
        let budget = self.minutes * 60;
        let state = match (self.done, status) {
            (Some(at), _) => State::Done {
                at,
                in_time: !self.done_late,
            },
            (None, Status::New | Status::Open) => State::Running {
                due: match self.breached_at {
                    Some(at) => Some(at),
                    None => calendar.add(now, budget - self.elapsed),
                },
            },
            (None, _) => State::Paused {
                left: budget - self.elapsed,
            },
        };
        Clock {
            target: self.target,
            minutes: self.minutes,
            state,
            paused: self.paused,
        }
    }
}

/// The ticket's clocks at `now`: one per target the policy sets (next response only once
/// a customer has written after a reply). The ticket began in status `initial`; `steps`
/// in the order they happened.
pub fn clocks(
    calendar: &Calendar,
    targets: Targets,
    created_at: Timestamp,
    initial: Status,
    steps: &[Step],
    now: Timestamp,
) -> Vec<Clock> {
    let mut first = targets
        .first_response
        .map(|minutes| Running::new(Target::FirstResponse, minutes));
    let mut resolution = targets
        .resolution
        .map(|minutes| Running::new(Target::Resolution, minutes));
    let mut next: Option<Running> = None;
    let mut replied = false;
    let mut status = initial;
    let mut since = created_at;
    let moments = steps
        .iter()
        .map(|step| (step.at().max(created_at), Some(*step)))
        .chain([(now.max(created_at), None)]);
    for (at, step) in moments {
        for clock in [&mut first, &mut next, &mut resolution]
            .into_iter()
            .flatten()
        {
            clock.pass(calendar, status, since, at);
        }
        since = at;
        match step {
            Some(Step::Reply(at)) => {
                replied = true;
                for clock in [&mut first, &mut next].into_iter().flatten() {
                    clock.stop(at);
                }
            }
            Some(Step::Customer(_)) if replied => {
                // A new question after an answer; one already waiting keeps its start.
                if next.as_ref().is_none_or(|clock| clock.done.is_some()) {
                    next = targets
                        .next_response
                        .map(|minutes| Running::new(Target::NextResponse, minutes));
                }
            }
            Some(Step::Status(at, new_status)) => {
                if let Some(clock) = &mut resolution {
                    if new_status == Status::Resolved {
                        clock.stop(at);
                    } else if status == Status::Resolved {
                        // Reopened: the clock goes on from where it stood.
                        clock.done = None;
                    }
                }
                status = new_status;
            }
            Some(Step::Customer(_)) | None => {}
        }
    }
    [first, next, resolution]
        .into_iter()
        .flatten()
        .map(|clock| clock.clock(calendar, status, now))
        .collect()
}

#[cfg(test)]
mod tests {
    use jiff::{ToSpan, tz::TimeZone};

    use super::*;
    use crate::sla::calendar::Range;

    fn at(text: &str) -> Timestamp {
        format!("{text}Z").parse().unwrap()
    }

    const TARGETS: Targets = Targets {
        first_response: Some(60),
        next_response: Some(30),
        resolution: Some(8 * 60),
    };

    /// The clocks of `TARGETS` around the clock.
    fn always(created: Timestamp, steps: &[Step], now: &str) -> Vec<Clock> {
        clocks(
            &Calendar::always(),
            TARGETS,
            created,
            Status::New,
            steps,
            at(now),
        )
    }

    fn state(clocks: &[Clock], target: Target) -> State {
        clocks.iter().find(|c| c.target == target).unwrap().state
    }

    #[test]
    fn a_new_ticket_runs_its_first_response_and_resolution_clocks() {
        let created = at("2026-12-07T09:00:00");
        let clocks = always(created, &[], "2026-12-07T09:20:00");
        assert_eq!(clocks.len(), 2, "no next response before a reply");
        assert_eq!(
            state(&clocks, Target::FirstResponse),
            State::Running {
                due: Some(at("2026-12-07T10:00:00"))
            }
        );
        assert_eq!(
            state(&clocks, Target::Resolution),
            State::Running {
                due: Some(at("2026-12-07T17:00:00"))
            }
        );
    }

    #[test]
    fn a_reply_meets_the_first_response_and_a_late_one_misses_it() {
        let created = at("2026-12-07T09:00:00");
        let in_time = [
            Step::Reply(at("2026-12-07T09:40:00")),
            Step::Status(at("2026-12-07T09:40:00"), Status::Answered),
        ];
        let clocks = always(created, &in_time, "2026-12-07T12:00:00");
        assert_eq!(
            state(&clocks, Target::FirstResponse),
            State::Done {
                at: at("2026-12-07T09:40:00"),
                in_time: true
            }
        );
        let late = [Step::Reply(at("2026-12-07T10:30:00"))];
        let clocks = always(created, &late, "2026-12-07T12:00:00");
        assert_eq!(
            state(&clocks, Target::FirstResponse),
            State::Done {
                at: at("2026-12-07T10:30:00"),
                in_time: false
            }
        );
        // Unanswered past its due time: breached when the target ran out.
        let clocks = always(created, &[], "2026-12-07T11:00:00");
        assert_eq!(
            state(&clocks, Target::FirstResponse),
            State::Running {
                due: Some(at("2026-12-07T10:00:00"))
            }
        );
    }

    /// The ticket waits on the customer for 3 days, then they write again: the resolution
    /// clock leaves those days out and a next-response clock starts.
    #[test]
    fn waiting_on_the_customer_pauses_the_clocks() {
        let created = at("2026-12-07T09:00:00");
        let steps = [
            Step::Reply(at("2026-12-07T10:00:00")),
            Step::Status(at("2026-12-07T10:00:00"), Status::Answered),
            Step::Customer(at("2026-12-10T10:00:00")),
            Step::Status(at("2026-12-10T10:00:00"), Status::Open),
        ];
        let now = at("2026-12-10T10:10:00");
        let clocks = clocks(
            &Calendar::always(),
            TARGETS,
            created,
            Status::New,
            &steps,
            now,
        );
        let resolution = clocks
            .iter()
            .find(|c| c.target == Target::Resolution)
            .unwrap();
        // One hour before the answer, ten minutes since: 6 h 50 min left at 10:10.
        assert_eq!(
            resolution.state,
            State::Running {
                due: Some(at("2026-12-10T17:00:00"))
            }
        );
        assert_eq!(resolution.paused, 3 * 24 * 3600);
        assert_eq!(
            state(&clocks, Target::NextResponse),
            State::Running {
                due: Some(at("2026-12-10T10:30:00"))
            }
        );
        // While it waits, the clock stands with what is left.
        let waiting = always(created, &steps[..2], "2026-12-09T00:00:00");
        assert_eq!(
            state(&waiting, Target::Resolution),
            State::Paused { left: 7 * 3600 }
        );
    }

    #[test]
    fn a_postponed_ticket_pauses_and_a_resolved_one_stops() {
        let created = at("2026-12-07T09:00:00");
        let steps = [
            Step::Status(at("2026-12-07T09:30:00"), Status::Postponed),
            Step::Status(at("2026-12-09T09:30:00"), Status::Open),
            Step::Status(at("2026-12-09T10:00:00"), Status::Resolved),
        ];
        let clocks = always(created, &steps, "2026-12-12T00:00:00");
        let resolution = clocks
            .iter()
            .find(|c| c.target == Target::Resolution)
            .unwrap();
        assert_eq!(
            resolution.state,
            State::Done {
                at: at("2026-12-09T10:00:00"),
                in_time: true
            }
        );
        assert_eq!(resolution.paused, 2 * 24 * 3600);
        // Still unanswered: resolved without a reply, the first response clock stands.
        assert_eq!(
            state(&clocks, Target::FirstResponse),
            State::Paused { left: 0 }
        );
    }

    #[test]
    fn a_reopened_ticket_goes_on_with_its_resolution_clock() {
        let created = at("2026-12-07T09:00:00");
        let steps = [
            Step::Status(at("2026-12-07T10:00:00"), Status::Resolved),
            Step::Customer(at("2026-12-08T10:00:00")),
            Step::Status(at("2026-12-08T10:00:00"), Status::Open),
        ];
        let clocks = always(created, &steps, "2026-12-08T10:00:00");
        assert_eq!(
            state(&clocks, Target::Resolution),
            State::Running {
                due: Some(at("2026-12-08T17:00:00"))
            }
        );
    }

    #[test]
    fn business_hours_clocks_count_open_hours_only() {
        let weekdays = vec![Range::parse("09:00-17:00").unwrap()];
        let calendar = Calendar::new(
            TimeZone::UTC,
            [
                weekdays.clone(),
                weekdays.clone(),
                weekdays.clone(),
                weekdays.clone(),
                weekdays,
                Vec::new(),
                Vec::new(),
            ],
            Default::default(),
        );
        // Written on Friday at 16:30: 30 minutes on Friday, 30 on Monday.
        let created = at("2026-12-11T16:30:00");
        let clocks = clocks(
            &calendar,
            TARGETS,
            created,
            Status::New,
            &[],
            created.checked_add(1.hour()).unwrap(),
        );
        assert_eq!(
            state(&clocks, Target::FirstResponse),
            State::Running {
                due: Some(at("2026-12-14T09:30:00"))
            }
        );
    }

    #[test]
    fn notes_and_events_are_not_steps_so_only_replies_answer() {
        // A ticket with only status events and no reply keeps its first response running.
        let created = at("2026-12-07T09:00:00");
        let steps = [Step::Status(at("2026-12-07T09:10:00"), Status::Open)];
        let clocks = always(created, &steps, "2026-12-07T09:30:00");
        assert_eq!(
            state(&clocks, Target::FirstResponse),
            State::Running {
                due: Some(at("2026-12-07T10:00:00"))
            }
        );
    }
}
