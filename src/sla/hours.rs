//! `/app/config/hours`: the workspace's week of open hours and its holidays.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use time::Date;
use tower_sessions::Session;

use super::{calendar::Range, db, refresh_workspace, week_of};
use crate::{
    AppError, AppState,
    audit::{self, Action, Entry},
    auth::CurrentAgent,
    format,
    input::FieldErrors,
    web::{PageContext, client::ClientAddr, extract::Form, flash},
};

/// The form's names of the weekdays, Monday first.
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Ranges a day may have.
const RANGES_PER_DAY: usize = 6;
/// Holidays a workspace may list.
const HOLIDAY_LIMIT: usize = 366;

#[derive(Debug, Default, Deserialize)]
pub(super) struct HoursForm {
    #[serde(default)]
    mon_ranges: String,
    #[serde(default)]
    tue_ranges: String,
    #[serde(default)]
    wed_ranges: String,
    #[serde(default)]
    thu_ranges: String,
    #[serde(default)]
    fri_ranges: String,
    #[serde(default)]
    sat_ranges: String,
    #[serde(default)]
    sun_ranges: String,
    #[serde(default)]
    holidays: String,
}

impl HoursForm {
    fn days(&self) -> [&str; 7] {
        [
            &self.mon_ranges,
            &self.tue_ranges,
            &self.wed_ranges,
            &self.thu_ranges,
            &self.fri_ranges,
            &self.sat_ranges,
            &self.sun_ranges,
        ]
    }

    fn of(week: &[Vec<Range>; 7], holidays: &[Date]) -> Self {
        let day = |ranges: &Vec<Range>| {
            ranges
                .iter()
                .map(Range::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        Self {
            mon_ranges: day(&week[0]),
            tue_ranges: day(&week[1]),
            wed_ranges: day(&week[2]),
            thu_ranges: day(&week[3]),
            fri_ranges: day(&week[4]),
            sat_ranges: day(&week[5]),
            sun_ranges: day(&week[6]),
            holidays: holidays
                .iter()
                .map(|day| format::iso_day(*day))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    fn parse(&self, errors: &mut FieldErrors) -> Option<([Vec<Range>; 7], Vec<Date>)> {
        const FIELDS: [&str; 7] = [
            "mon_ranges",
            "tue_ranges",
            "wed_ranges",
            "thu_ranges",
            "fri_ranges",
            "sat_ranges",
            "sun_ranges",
        ];
        let mut week: [Vec<Range>; 7] = Default::default();
        for ((field, text), day) in FIELDS.into_iter().zip(self.days()).zip(&mut week) {
            if let Some(ranges) = errors.check(field, parse_day(text)) {
                *day = ranges;
            }
        }
        let holidays = errors.check("holidays", parse_holidays(&self.holidays));
        errors.is_empty().then_some((week, holidays?))
    }
}

/// A day's ranges as typed: `09:00-12:00, 13:00-17:00`; empty for a closed day.
fn parse_day(text: &str) -> Result<Vec<Range>, &'static str> {
    let ranges = text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| Range::parse(piece).ok_or("hours-range-invalid"))
        .collect::<Result<Vec<_>, _>>()?;
    if ranges.len() > RANGES_PER_DAY {
        return Err("hours-too-many-ranges");
    }
    Ok(ranges)
}

/// ISO days, one a line (commas too); each once, in order.
fn parse_holidays(text: &str) -> Result<Vec<Date>, &'static str> {
    let mut days = text
        .split(['\n', ','])
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(|piece| format::parse_iso_day(piece).ok_or("hours-holiday-invalid"))
        .collect::<Result<Vec<_>, _>>()?;
    days.sort_unstable();
    days.dedup();
    if days.len() > HOLIDAY_LIMIT {
        return Err("hours-too-many-holidays");
    }
    Ok(days)
}

#[derive(Template, WebTemplate)]
#[template(path = "sla/hours.html")]
pub(super) struct HoursPage {
    ctx: PageContext,
    form: HoursForm,
    errors: FieldErrors,
    time_zone: String,
}

impl HoursPage {
    /// `(field, label key, value)` per weekday, Monday first.
    fn days(&self) -> Vec<(String, String, &str)> {
        WEEKDAYS
            .iter()
            .zip(self.form.days())
            .map(|(day, value)| {
                (
                    format!("{day}_ranges"),
                    self.ctx.t(&format!("weekday-{day}")),
                    value,
                )
            })
            .collect()
    }
}

pub(super) async fn show_hours(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<HoursPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let week = week_of(db::hours(&mut conn, agent.account_id).await?);
    let holidays = db::holidays(&mut conn, agent.account_id).await?;
    Ok(HoursPage {
        ctx,
        form: HoursForm::of(&week, &holidays),
        errors: FieldErrors::default(),
        time_zone: agent.time_zone.clone(),
    })
}

pub(super) async fn save_hours(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<HoursForm>,
) -> Result<Response, AppError> {
    let mut errors = FieldErrors::default();
    let Some((week, holidays)) = form.parse(&mut errors) else {
        let page = HoursPage {
            ctx,
            form,
            errors,
            time_zone: agent.time_zone.clone(),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    db::replace_hours(&mut tx, agent.account_id, &week, &holidays).await?;
    refresh_workspace(&mut tx, agent.account_id, &agent.time_zone).await?;
    let entry = Entry::new(&agent, Action::BusinessHoursChanged, client);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "hours-saved").await?;
    Ok(Redirect::to("/app/config/hours").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_holidays_are_read_as_typed() {
        assert_eq!(parse_day("").unwrap(), vec![]);
        assert_eq!(
            parse_day("09:00-12:00, 13:00-17:00").unwrap(),
            vec![
                Range::parse("09:00-12:00").unwrap(),
                Range::parse("13:00-17:00").unwrap()
            ]
        );
        assert_eq!(parse_day("9 to 5"), Err("hours-range-invalid"));
        assert_eq!(
            parse_day(&["09:00-10:00"; 7].join(",")),
            Err("hours-too-many-ranges")
        );
        let days = parse_holidays("2026-12-25\n2026-12-24, 2026-12-25\n").unwrap();
        assert_eq!(days.len(), 2);
        assert!(days[0] < days[1]);
        assert_eq!(parse_holidays("Christmas"), Err("hours-holiday-invalid"));
    }
}
