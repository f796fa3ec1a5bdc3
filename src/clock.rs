//! The time as the application sees it. `serve` reads the system clock; tests and
//! `billing close-periods --now` set it, so that nothing about billing depends on today.
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    /// A time that moves only when `set` says so.
    Fixed(Arc<Mutex<OffsetDateTime>>),
}

impl Clock {
    pub fn fixed(at: OffsetDateTime) -> Self {
        Self::Fixed(Arc::new(Mutex::new(at)))
    }

    pub fn now(&self) -> OffsetDateTime {
        match self {
            Self::System => OffsetDateTime::now_utc(),
            Self::Fixed(at) => *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
        }
    }

    /// Moves a fixed clock to `at`; the system clock cannot be set.
    pub fn set(&self, to: OffsetDateTime) {
        if let Self::Fixed(at) = self {
            *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = to;
        }
    }
}
