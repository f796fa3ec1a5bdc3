//! `/app/config/rules`: the rules in the admins' order, and the form that writes one. The
//! form names departments, agents, canned answers and the closed sets by what the admin
//! reads (a name, a label in their language); the rule stores ids and codes.
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::{
    Action, ActionType, Condition, Event, Field, Operator, RuleSettings,
    db::{self, Rule},
};
use crate::{
    AppError, AppState,
    audit::{self, Action as AuditAction, Entry},
    auth::CurrentAgent,
    canned,
    error::Found,
    i18n::Locale,
    input::{self, Choice, FieldErrors, required_text},
    ordering::{self, MoveForm, Ordered},
    tags,
    tickets::{Channel, IssueType, Priority, Status},
    web::{PageContext, PathId, client::ClientAddr, extract::Form, flash},
};

/// Longest wait of a time rule: a year.
const HOURS_LIMIT: i32 = 8760;
/// Most conditions, and most actions, of one rule.
const ROW_LIMIT: usize = 20;
/// Longest condition value, and longest note.
const VALUE_LIMIT: usize = 200;
const NOTE_LIMIT: usize = 5000;
/// Blank rows the form offers beyond the rule's own.
const BLANK_ROWS: usize = 2;

/// What the form's names stand for in this workspace.
struct Names {
    locale: Locale,
    departments: Vec<(Uuid, String)>,
    agents: Vec<(Uuid, String)>,
    /// Shared canned answers by title.
    answers: Vec<(Uuid, String)>,
    tags: Vec<String>,
}

impl Names {
    async fn load(
        state: &AppState,
        agent: &CurrentAgent,
        locale: Locale,
    ) -> Result<Self, AppError> {
        let mut conn = state.db.acquire().await?;
        let names = state.directory.names(&mut conn, agent.account_id).await?;
        let answers = canned::db::visible(&mut conn, agent.account_id, Uuid::nil(), None)
            .await?
            .into_iter()
            .map(|answer| (answer.id, answer.title))
            .collect();
        let tags = tags::db::list(&mut conn, agent.account_id)
            .await?
            .into_iter()
            .map(|tag| tag.name)
            .collect();
        Ok(Self {
            locale,
            departments: names.departments.clone(),
            agents: names.agents.clone(),
            answers,
            tags,
        })
    }

    /// A stored id or code as the admin reads it.
    fn shown(&self, kind: ValueKind, stored: &str) -> String {
        let by_id = |list: &[(Uuid, String)]| {
            list.iter()
                .find(|(id, _)| id.to_string() == stored)
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| {
                    if stored.is_empty() {
                        String::new()
                    } else {
                        self.locale.t("rule-value-gone")
                    }
                })
        };
        let label = |key: Option<&'static str>| {
            key.map_or_else(|| stored.to_owned(), |key| self.locale.t(key))
        };
        match kind {
            ValueKind::Department => by_id(&self.departments),
            ValueKind::Agent => by_id(&self.agents),
            ValueKind::Answer => by_id(&self.answers),
            ValueKind::Channel => label(Channel::parse(stored).ok().map(Channel::label_key)),
            ValueKind::Type => label(IssueType::parse(stored).ok().map(IssueType::label_key)),
            ValueKind::Priority => label(Priority::parse(stored).ok().map(Priority::label_key)),
            ValueKind::Status => label(Status::parse(stored).ok().map(Status::label_key)),
            ValueKind::Tag | ValueKind::Text | ValueKind::Note | ValueKind::Nothing => {
                stored.to_owned()
            }
        }
    }

    /// What the admin typed, as stored; the catalog key of what is wrong otherwise. In a
    /// condition an empty department or assignee means none, and any status may be named;
    /// an action sets only a status a rule may set.
    fn stored(
        &self,
        kind: ValueKind,
        raw: &str,
        in_condition: bool,
    ) -> Result<String, &'static str> {
        let typed = raw.trim();
        if typed.is_empty() {
            return match kind {
                ValueKind::Nothing => Ok(String::new()),
                ValueKind::Department | ValueKind::Agent if in_condition => Ok(String::new()),
                _ => Err("input-required"),
            };
        }
        let by_name = |list: &[(Uuid, String)]| {
            list.iter()
                .find(|(id, name)| name.eq_ignore_ascii_case(typed) || id.to_string() == typed)
                .map(|(id, _)| id.to_string())
                .ok_or("rule-value-unknown")
        };
        let by_label = |codes: Vec<(&'static str, &'static str)>| {
            codes
                .into_iter()
                .find(|(code, key)| {
                    code.eq_ignore_ascii_case(typed)
                        || self.locale.t(key).eq_ignore_ascii_case(typed)
                })
                .map(|(code, _)| code.to_owned())
                .ok_or("rule-value-unknown")
        };
        match kind {
            ValueKind::Department => by_name(&self.departments),
            ValueKind::Agent => by_name(&self.agents),
            ValueKind::Answer => by_name(&self.answers),
            ValueKind::Channel => by_label(
                Channel::ALL
                    .iter()
                    .map(|v| (v.as_str(), v.label_key()))
                    .collect(),
            ),
            ValueKind::Type => by_label(
                IssueType::ALL
                    .iter()
                    .map(|v| (v.as_str(), v.label_key()))
                    .collect(),
            ),
            ValueKind::Priority => by_label(
                Priority::ALL
                    .iter()
                    .map(|v| (v.as_str(), v.label_key()))
                    .collect(),
            ),
            ValueKind::Status => by_label(
                Status::ALL
                    .iter()
                    .filter(|status| in_condition || RULE_STATUSES.contains(status))
                    .map(|v| (v.as_str(), v.label_key()))
                    .collect(),
            ),
            ValueKind::Tag => tags::parse_name(typed),
            ValueKind::Text => required_text(typed, VALUE_LIMIT),
            ValueKind::Note => input::long_text(typed, NOTE_LIMIT),
            ValueKind::Nothing => Ok(String::new()),
        }
    }

    /// Everything the value boxes may name, for the browser to suggest.
    fn suggestions(&self) -> Vec<String> {
        let locale = self.locale;
        let mut all: Vec<String> = Vec::new();
        all.extend(Channel::ALL.iter().map(|v| locale.t(v.label_key())));
        all.extend(Status::ALL.iter().map(|v| locale.t(v.label_key())));
        all.extend(Priority::ALL.iter().map(|v| locale.t(v.label_key())));
        all.extend(IssueType::ALL.iter().map(|v| locale.t(v.label_key())));
        for list in [&self.departments, &self.agents, &self.answers] {
            all.extend(list.iter().map(|(_, name)| name.clone()));
        }
        all.extend(self.tags.iter().cloned());
        all
    }
}

/// The statuses a rule may set: postponing needs a date, and merging two tickets.
const RULE_STATUSES: [Status; 4] = [
    Status::Open,
    Status::Answered,
    Status::Resolved,
    Status::Spam,
];

/// What a condition's or an action's value names.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ValueKind {
    Department,
    Agent,
    Answer,
    Channel,
    Type,
    Priority,
    Status,
    Tag,
    Text,
    Note,
    Nothing,
}

impl Field {
    fn value_kind(self) -> ValueKind {
        match self {
            Self::Channel => ValueKind::Channel,
            Self::Department => ValueKind::Department,
            Self::Type => ValueKind::Type,
            Self::Priority => ValueKind::Priority,
            Self::Status => ValueKind::Status,
            Self::Tag => ValueKind::Tag,
            Self::Assignee => ValueKind::Agent,
            Self::Subject | Self::Body | Self::CustomerEmail => ValueKind::Text,
        }
    }
}

impl ActionType {
    fn value_kind(self) -> ValueKind {
        match self {
            Self::SetDepartment => ValueKind::Department,
            Self::SetAssignee | Self::NotifyAgent => ValueKind::Agent,
            Self::AssignRoundRobin => ValueKind::Nothing,
            Self::SetPriority => ValueKind::Priority,
            Self::SetType => ValueKind::Type,
            Self::SetStatus => ValueKind::Status,
            Self::AddTag | Self::RemoveTag => ValueKind::Tag,
            Self::ReplyCanned => ValueKind::Answer,
            Self::AddNote => ValueKind::Note,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RuleForm {
    #[serde(default)]
    name: String,
    /// Checkboxes: present when ticked.
    enabled: Option<String>,
    stop: Option<String>,
    #[serde(default)]
    event: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    condition_field: Vec<String>,
    #[serde(default)]
    condition_op: Vec<String>,
    #[serde(default)]
    condition_value: Vec<String>,
    #[serde(default)]
    action_type: Vec<String>,
    #[serde(default)]
    action_value: Vec<String>,
}

/// One row of the form as typed, and what is wrong with it.
struct Row {
    kind: String,
    op: String,
    value: String,
    error: Option<&'static str>,
}

impl RuleForm {
    fn of(rule: &RuleSettings, names: &Names) -> Self {
        Self {
            name: rule.name.clone(),
            enabled: rule.enabled.then(|| "on".to_owned()),
            stop: rule.stop.then(|| "on".to_owned()),
            event: rule.event.as_str().to_owned(),
            hours: rule.hours.map(|h| h.to_string()).unwrap_or_default(),
            condition_field: rule
                .conditions
                .iter()
                .map(|c| c.field.as_str().to_owned())
                .collect(),
            condition_op: rule
                .conditions
                .iter()
                .map(|c| c.op.as_str().to_owned())
                .collect(),
            condition_value: rule
                .conditions
                .iter()
                .map(|c| names.shown(c.field.value_kind(), &c.value))
                .collect(),
            action_type: rule
                .actions
                .iter()
                .map(|a| a.kind.as_str().to_owned())
                .collect(),
            action_value: rule
                .actions
                .iter()
                .map(|a| names.shown(a.kind.value_kind(), &a.value))
                .collect(),
        }
    }

    fn condition_rows(&self) -> Vec<Row> {
        let at = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();
        (0..self.condition_field.len())
            .map(|i| Row {
                kind: at(&self.condition_field, i),
                op: at(&self.condition_op, i),
                value: at(&self.condition_value, i),
                error: None,
            })
            .collect()
    }

    fn action_rows(&self) -> Vec<Row> {
        let at = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();
        (0..self.action_type.len())
            .map(|i| Row {
                kind: at(&self.action_type, i),
                op: String::new(),
                value: at(&self.action_value, i),
                error: None,
            })
            .collect()
    }

    /// The rule, or `None` with what is wrong in `errors` and in the rows.
    fn parse(
        &self,
        names: &Names,
        errors: &mut FieldErrors,
        conditions_typed: &mut [Row],
        actions_typed: &mut [Row],
    ) -> Option<RuleSettings> {
        let name = errors.check("name", required_text(&self.name, 80));
        let event = errors.check("event", Event::parse(&self.event));
        let hours = match event {
            Some(Event::HoursSinceUpdate) => errors
                .check(
                    "hours",
                    match self.hours.trim().parse::<i32>() {
                        Ok(hours) if (1..=HOURS_LIMIT).contains(&hours) => Ok(Some(hours)),
                        _ if self.hours.trim().is_empty() => Err("input-required"),
                        _ => Err("rule-hours-invalid"),
                    },
                )
                .flatten(),
            _ => None,
        };
        let mut conditions = Vec::new();
        for row in conditions_typed.iter_mut() {
            if row.kind.is_empty() && row.value.trim().is_empty() {
                continue;
            }
            match parse_condition(row, names) {
                Ok(condition) => conditions.push(condition),
                Err(key) => row.error = Some(key),
            }
        }
        let mut actions = Vec::new();
        for row in actions_typed.iter_mut() {
            if row.kind.is_empty() && row.value.trim().is_empty() {
                continue;
            }
            let parsed = ActionType::parse(&row.kind).and_then(|kind| {
                let value = names.stored(kind.value_kind(), &row.value, false)?;
                Ok(Action { kind, value })
            });
            match parsed {
                Ok(action) => actions.push(action),
                Err(key) => row.error = Some(key),
            }
        }
        if conditions_typed.iter().any(|row| row.error.is_some()) {
            errors.add("conditions", "rule-row-invalid");
        } else if conditions.len() > ROW_LIMIT {
            errors.add("conditions", "rule-too-many-rows");
        }
        if actions_typed.iter().any(|row| row.error.is_some()) {
            errors.add("actions", "rule-row-invalid");
        } else if actions.is_empty() {
            errors.add("actions", "rule-no-action");
        } else if actions.len() > ROW_LIMIT {
            errors.add("actions", "rule-too-many-rows");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(RuleSettings {
            name: name?,
            enabled: self.enabled.is_some(),
            event: event?,
            hours,
            stop: self.stop.is_some(),
            conditions,
            actions,
        })
    }
}

fn parse_condition(row: &Row, names: &Names) -> Result<Condition, &'static str> {
    let field = Field::parse(&row.kind)?;
    let op = Operator::parse(&row.op)?;
    // One value is or is not; text, and tags, are also searched.
    let searched = matches!(
        op,
        Operator::Contains | Operator::NotContains | Operator::StartsWith
    );
    if searched && !(field.is_text() || field == Field::Tag) {
        return Err("rule-op-unfit");
    }
    let kind = match (field, searched) {
        (Field::Tag, true) => ValueKind::Text,
        _ => field.value_kind(),
    };
    let value = names.stored(kind, &row.value, true)?;
    Ok(Condition { field, op, value })
}

/// A row as the form shows it: its choices, what was typed, what is wrong.
struct RowView {
    kinds: Vec<Choice>,
    ops: Vec<Choice>,
    value: String,
    error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "rules/rule_form.html")]
pub(super) struct RulePage {
    ctx: PageContext,
    editing: Option<Uuid>,
    form: RuleForm,
    events: Vec<Choice>,
    conditions: Vec<RowView>,
    actions: Vec<RowView>,
    suggestions: Vec<String>,
    errors: FieldErrors,
}

fn rule_page(
    ctx: PageContext,
    names: &Names,
    editing: Option<Uuid>,
    form: RuleForm,
    conditions: Vec<Row>,
    actions: Vec<Row>,
    errors: FieldErrors,
) -> RulePage {
    let locale = ctx.locale;
    let blank = || Row {
        kind: String::new(),
        op: String::new(),
        value: String::new(),
        error: None,
    };
    let view = |row: Row, kinds: Vec<Choice>, ops: Vec<Choice>| RowView {
        kinds,
        ops,
        value: row.value,
        error: row.error.map(|key| locale.t(key)),
    };
    let conditions = conditions
        .into_iter()
        .chain(std::iter::repeat_with(blank).take(BLANK_ROWS))
        .map(|row| {
            let kinds = Field::choices(locale, Field::parse(&row.kind).ok());
            let ops = Operator::choices(locale, Operator::parse(&row.op).ok());
            view(row, kinds, ops)
        })
        .collect();
    let actions = actions
        .into_iter()
        .chain(std::iter::repeat_with(blank).take(BLANK_ROWS))
        .map(|row| {
            let kinds = ActionType::choices(locale, ActionType::parse(&row.kind).ok());
            view(row, kinds, Vec::new())
        })
        .collect();
    RulePage {
        events: Event::choices(locale, Event::parse(&form.event).ok()),
        suggestions: names.suggestions(),
        ctx,
        editing,
        form,
        conditions,
        actions,
        errors,
    }
}

pub(super) async fn new_rule(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<RulePage, AppError> {
    let names = Names::load(&state, &agent, ctx.locale).await?;
    let form = RuleForm {
        enabled: Some("on".to_owned()),
        ..RuleForm::default()
    };
    let (conditions, actions) = (form.condition_rows(), form.action_rows());
    Ok(rule_page(
        ctx,
        &names,
        None,
        form,
        conditions,
        actions,
        FieldErrors::default(),
    ))
}

pub(super) async fn edit_rule(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<RulePage, AppError> {
    let rule = db::rule(&mut *state.db.acquire().await?, agent.account_id, id)
        .await
        .found()?;
    let names = Names::load(&state, &agent, ctx.locale).await?;
    let form = RuleForm::of(&rule.settings, &names);
    let (conditions, actions) = (form.condition_rows(), form.action_rows());
    Ok(rule_page(
        ctx,
        &names,
        Some(id),
        form,
        conditions,
        actions,
        FieldErrors::default(),
    ))
}

/// Creates (`editing` is `None`) or updates a rule from the form, or shows the form again
/// with what was wrong.
async fn save_rule(
    state: &AppState,
    session: &Session,
    client: Option<std::net::IpAddr>,
    ctx: PageContext,
    agent: &CurrentAgent,
    editing: Option<Uuid>,
    form: RuleForm,
) -> Result<Response, AppError> {
    let names = Names::load(state, agent, ctx.locale).await?;
    let (mut conditions, mut actions) = (form.condition_rows(), form.action_rows());
    let mut errors = FieldErrors::default();
    let Some(input) = form.parse(&names, &mut errors, &mut conditions, &mut actions) else {
        let page = rule_page(ctx, &names, editing, form, conditions, actions, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let mut tx = state.db.begin().await?;
    ordering::lock(&mut tx, Ordered::Rules, agent.account_id).await?;
    let (action, message) = match editing {
        Some(id) => {
            db::rule(&mut tx, agent.account_id, id).await.found()?;
            db::update(&mut tx, agent.account_id, id, &input).await?;
            (AuditAction::RuleUpdated, "rule-saved")
        }
        None => {
            db::insert(&mut tx, agent.account_id, &input).await?;
            (AuditAction::RuleCreated, "rule-created")
        }
    };
    let entry = Entry::new(agent, action, client).subject(&input.name);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(session, message).await?;
    Ok(Redirect::to("/app/config/rules").into_response())
}

pub(super) async fn create_rule(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    Form(form): Form<RuleForm>,
) -> Result<Response, AppError> {
    save_rule(&state, &session, client, ctx, &agent, None, form).await
}

pub(super) async fn update_rule(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    ctx: PageContext,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<RuleForm>,
) -> Result<Response, AppError> {
    save_rule(&state, &session, client, ctx, &agent, Some(id), form).await
}

pub(super) async fn delete_rule(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(client): ClientAddr,
    agent: CurrentAgent,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    ordering::lock(&mut tx, Ordered::Rules, agent.account_id).await?;
    let rule = db::rule(&mut tx, agent.account_id, id).await.found()?;
    ordering::delete_row(&mut tx, Ordered::Rules, agent.account_id, id).await?;
    let entry = Entry::new(&agent, AuditAction::RuleDeleted, client).subject(&rule.settings.name);
    audit::record(&mut tx, agent.account_id, &entry).await?;
    tx.commit().await?;
    flash::success(&session, "rule-deleted").await?;
    Ok(Redirect::to("/app/config/rules").into_response())
}

pub(super) async fn move_rule(
    State(state): State<AppState>,
    agent: CurrentAgent,
    PathId(id): PathId,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let up = form.up()?;
    let mut tx = state.db.begin().await?;
    ordering::lock(&mut tx, Ordered::Rules, agent.account_id).await?;
    db::rule(&mut tx, agent.account_id, id).await.found()?;
    ordering::move_row(&mut tx, Ordered::Rules, agent.account_id, id, up).await?;
    tx.commit().await?;
    Ok(Redirect::to("/app/config/rules").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "rules/rules.html")]
pub(super) struct RulesPage {
    ctx: PageContext,
    rules: Vec<ListedRule>,
}

/// A rule in the list, in words.
struct ListedRule {
    id: Uuid,
    name: String,
    enabled: bool,
    stop: bool,
    when: String,
    conditions: String,
    actions: String,
    first: bool,
    last: bool,
}

pub(super) async fn show_rules(
    State(state): State<AppState>,
    ctx: PageContext,
    agent: CurrentAgent,
) -> Result<RulesPage, AppError> {
    let rules = db::rules(&mut *state.db.acquire().await?, agent.account_id, None).await?;
    let names = Names::load(&state, &agent, ctx.locale).await?;
    let count = rules.len();
    let rules = rules
        .into_iter()
        .enumerate()
        .map(|(index, Rule { id, settings })| {
            let when = match settings.hours {
                Some(hours) => ctx.t_args("rule-when-hours", &[("hours", &hours.to_string())]),
                None => ctx.t(settings.event.label_key()),
            };
            let conditions = settings
                .conditions
                .iter()
                .map(|c| {
                    format!(
                        "{} {} {}",
                        ctx.t(c.field.label_key()),
                        ctx.t(c.op.label_key()),
                        names.shown(c.field.value_kind(), &c.value)
                    )
                })
                .collect::<Vec<_>>();
            let actions = settings
                .actions
                .iter()
                .map(|a| {
                    let value = names.shown(a.kind.value_kind(), &a.value);
                    if value.is_empty() {
                        ctx.t(a.kind.label_key())
                    } else {
                        format!("{}: {value}", ctx.t(a.kind.label_key()))
                    }
                })
                .collect::<Vec<_>>();
            ListedRule {
                id,
                name: settings.name,
                enabled: settings.enabled,
                stop: settings.stop,
                when,
                conditions: if conditions.is_empty() {
                    ctx.t("rules-every-ticket")
                } else {
                    conditions.join(" · ")
                },
                actions: actions.join(" · "),
                first: index == 0,
                last: index + 1 == count,
            }
        })
        .collect();
    Ok(RulesPage { ctx, rules })
}
