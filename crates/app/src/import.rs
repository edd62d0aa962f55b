//! Bulk planning from a CSV file: every row checked (client, accounts, date and time in the time zone — the
//! skipped and repeated hours of daylight-saving changes included —, media, and the composer's guards) and
//! reported with its line and column before anything is created; then all rows, or only the valid ones when the
//! user says so, created in one transaction.

use std::collections::HashMap;

use filrouge_domain::account::{Account, Network};
use filrouge_domain::client::Client;
use filrouge_domain::ids::{ClientId, MediaId, PostId};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::lint::Severity;
use filrouge_domain::local_time::{resolve, zone, Ambiguity};
use filrouge_domain::media::MediaFacts;
use filrouge_domain::permission::Action;
use filrouge_domain::post::{PostContent, PostMedia, PostState, Target};
use filrouge_domain::Invalid;
use filrouge_store::NewPost;
use jiff::civil::{Date, Time};
use jiff::tz::Offset;
use jiff::Timestamp;
use serde::Serialize;

use crate::access::Actor;
use crate::error::{AppError, Result};
use crate::guards::{lint_content, Tools};
use crate::import_csv::{read, Column, CsvError, RawRow};
use crate::posts::post_entry;
use crate::App;

/// Where the bytes of a row's media come from: the command line reads paths next to the file; addresses are
/// fetched by the application through the guarded client.
pub trait MediaSource: Send + Sync {
    /// The file's name and bytes, or why they cannot be read.
    fn read(&self, reference: &str) -> std::result::Result<(String, Vec<u8>), String>;
}

/// A problem of one row, at one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    pub line: usize,
    /// The column's name (`date`, `accounts`…); `row` for the row as a whole.
    pub column: String,
    pub severity: Severity,
    pub message: String,
}

/// What a row will create.
#[derive(Debug, Clone, Serialize)]
pub struct RowPlan {
    pub line: usize,
    pub client: String,
    /// On the client's wall clock with its zone, or `null` for an idea.
    pub planned: Option<String>,
    pub accounts: Vec<String>,
    pub headline: String,
    pub problems: Vec<RowProblem>,
    #[serde(skip)]
    planned_at: Option<Timestamp>,
    #[serde(skip)]
    client_id: Option<ClientId>,
    #[serde(skip)]
    content: PostContent,
    #[serde(skip)]
    campaign: Option<String>,
    /// Media read for the row: name, bytes, facts.
    #[serde(skip)]
    media: Vec<(String, Vec<u8>, MediaFacts)>,
}

impl RowPlan {
    pub fn valid(&self) -> bool {
        !self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// The dry run's report: how the file was read and every row with its problems.
#[derive(Debug, Clone, Serialize)]
pub struct ImportPlan {
    pub file: String,
    /// Notes about the file (its encoding when not UTF-8).
    pub notes: Vec<String>,
    pub rows: Vec<RowPlan>,
}

impl ImportPlan {
    pub fn valid_rows(&self) -> usize {
        self.rows.iter().filter(|r| r.valid()).count()
    }

    pub fn invalid_rows(&self) -> usize {
        self.rows.len() - self.valid_rows()
    }

    pub fn problems(&self) -> impl Iterator<Item = &RowProblem> {
        self.rows.iter().flat_map(|r| r.problems.iter())
    }
}

/// Why an import did not start.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] CsvError),
    #[error("{invalid} of {total} rows have errors; nothing was imported (import only the valid rows to skip them)")]
    RowsHaveErrors { invalid: usize, total: usize },
    #[error(transparent)]
    App(#[from] AppError),
}

/// What an import created.
#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub plan: ImportPlan,
    pub created: Vec<(usize, PostId)>,
    pub skipped: Vec<usize>,
}

fn problem(line: usize, column: Column, message: impl Into<String>) -> RowProblem {
    RowProblem { line, column: column.name().to_owned(), severity: Severity::Error, message: message.into() }
}

fn split_list(value: &str) -> Vec<String> {
    value.split(['|', ';', ',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// `2026-07-01` or `01/07/2026` (day first, as written in France).
fn parse_date(value: &str) -> std::result::Result<Date, String> {
    let bad = || format!("'{value}' is not a date (2026-07-01 or 01/07/2026)");
    if let Some((d, rest)) = value.split_once('/') {
        let (m, y) = rest.split_once('/').ok_or_else(bad)?;
        let (d, m, y): (i8, i8, i16) = (
            d.trim().parse().map_err(|_| bad())?,
            m.trim().parse().map_err(|_| bad())?,
            y.trim().parse().map_err(|_| bad())?,
        );
        return Date::new(y, m, d).map_err(|_| format!("{value} does not exist"));
    }
    let parts: Vec<&str> = value.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        let (y, m, d): (i16, i8, i8) =
            (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        return Date::new(y, m, d).map_err(|_| format!("{value} does not exist"));
    }
    Err(bad())
}

/// `12:30`, `9h05`, `12:30:15`, or with an offset that says which of a repeated hour is meant: `01:30-05:00`.
fn parse_time(value: &str) -> std::result::Result<(Time, Option<Offset>), String> {
    let bad = || format!("'{value}' is not a time (12:30, or 01:30-05:00 with an offset)");
    let v = value.trim().replace('h', ":");
    let clock_len = if v.len() >= 8 && v.as_bytes().get(5) == Some(&b':') { 8 } else { 5 };
    let (clock, offset) = match v.get(clock_len..).filter(|rest| rest.starts_with(['+', '-'])) {
        Some(off) => (&v[..clock_len], Some(off)),
        None => (v.as_str(), None),
    };
    let mut parts = clock.split(':');
    let (h, m) = (parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?);
    let sec: i8 = match parts.next() {
        Some(s) => s.parse().map_err(|_| bad())?,
        None => 0,
    };
    let (h, m): (i8, i8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let time = Time::new(h, m, sec, 0).map_err(|_| format!("{value} is not a time of day"))?;
    let offset = match offset {
        None => None,
        Some(o) => {
            let sign: i32 = if o.starts_with('-') { -1 } else { 1 };
            let (oh, om) = o[1..].split_once(':').unwrap_or((&o[1..], "0"));
            let (oh, om): (i32, i32) = (oh.parse().map_err(|_| bad())?, om.parse().map_err(|_| bad())?);
            Some(Offset::from_seconds(sign * (oh * 3600 + om * 60)).map_err(|_| bad())?)
        }
    };
    Ok((time, offset))
}

/// Finds the client's account a cell names: `@handle`, `handle`, `network:handle`, or a network with one account.
fn find_account<'a>(accounts: &'a [Account], name: &str) -> std::result::Result<&'a Account, String> {
    let clean = |h: &str| h.trim().trim_start_matches('@').to_lowercase();
    let (network, handle) = match name.split_once(':') {
        Some((n, h)) if Network::parse(n).is_ok() => (Network::parse(n).ok(), clean(h)),
        _ => (None, clean(name)),
    };
    if let Ok(net) = Network::parse(name) {
        let on: Vec<&Account> = accounts.iter().filter(|a| a.profile.network == net).collect();
        return match on.as_slice() {
            [one] => Ok(one),
            [] => Err(format!("the client has no {} account", net.label())),
            _ => Err(format!("the client has several {} accounts; name one by its handle", net.label())),
        };
    }
    accounts
        .iter()
        .find(|a| clean(&a.profile.handle) == handle && network.is_none_or(|n| a.profile.network == n))
        .ok_or_else(|| format!("'{name}' is not one of the client's accounts"))
}

/// The clients an actor may plan for, with their accounts, found by slug or name.
struct Clients {
    clients: Vec<(Client, Vec<Account>)>,
}

impl Clients {
    fn find(&self, name: &str) -> Option<&(Client, Vec<Account>)> {
        let name = name.trim();
        self.clients.iter().find(|(c, _)| c.profile.slug.as_str() == name || c.profile.name.eq_ignore_ascii_case(name))
    }
}

impl App {
    async fn plannable_clients(&self, actor: &Actor) -> Result<Clients> {
        let mut out = Vec::new();
        let visible = self.visible_clients(actor).await?;
        let mut tx = self.store.read().await?;
        for client in visible.into_iter().filter(|c| !c.archived && actor.may(Action::WritePosts, Some(c.id))) {
            let accounts = tx.accounts_of(client.id).await?;
            out.push((client, accounts));
        }
        Ok(Clients { clients: out })
    }

    /// Fetches a media address through the guarded client (no internal addresses, bounded size and time).
    async fn fetch_media(&self, address: &str) -> std::result::Result<(String, Vec<u8>), String> {
        let url = url::Url::parse(address).map_err(|e| format!("'{address}': {e}"))?;
        let http = self.listening.http.as_ref().ok_or("no HTTP client")?;
        let mut settings = self.listening.settings.clone();
        settings.max_body_bytes = 50 * 1024 * 1024;
        let outcome = filrouge_listen::fetch::fetch(http, &settings, &url, &Default::default())
            .await
            .map_err(|e| format!("{address}: {e}"))?;
        let fetched = outcome.fetched.ok_or_else(|| format!("{address}: nothing came back"))?;
        let name = fetched.final_url.path_segments().and_then(|mut s| s.next_back()).unwrap_or("media").to_owned();
        Ok((name, fetched.body))
    }

    /// Reads and checks a bulk-planning file without creating anything: the dry run.
    pub async fn plan_import(
        &self,
        actor: &Actor,
        file: &str,
        bytes: &[u8],
        media: &dyn MediaSource,
    ) -> std::result::Result<ImportPlan, ImportError> {
        let csv = read(file, bytes)?;
        let clients = self.plannable_clients(actor).await?;
        let now = self.now();
        let speller = self.guards_speller().await;
        let (profiles, instance_limits) = {
            let mut tx = self.store.read().await.map_err(AppError::from)?;
            let all: Vec<filrouge_domain::account::Account> =
                clients.clients.iter().flat_map(|(_, accounts)| accounts.iter().cloned()).collect();
            (self.guard_profiles(&mut tx).await?, crate::guards::stored_instance_limits(&mut tx, &all).await?)
        };
        let mut notes = Vec::new();
        if let Some(encoding) = csv.decoded_from {
            notes.push(format!("{file} is not UTF-8: read as {encoding}; check the accents in the report"));
        }
        let mut rows = Vec::with_capacity(csv.rows.len());
        let mut seen: HashMap<(ClientId, Option<Timestamp>, String), usize> = HashMap::new();
        for raw in &csv.rows {
            let mut row = self.plan_row(raw, &clients, now, media).await;
            if let (Some(client_id), true) = (row.client_id, row.valid()) {
                let (client, accounts) = clients
                    .clients
                    .iter()
                    .find(|(c, _)| c.id == client_id)
                    .map(|(c, a)| (c, a))
                    .ok_or(AppError::NotFound)?;
                let facts: Vec<(MediaId, MediaFacts)> =
                    row.media.iter().enumerate().map(|(i, m)| (MediaId(-(i as i64) - 1), m.2.clone())).collect();
                let tools = Tools {
                    speller: speller.as_deref(),
                    profiles: Some(&profiles),
                    instance_limits: Some(&instance_limits),
                };
                let report = lint_content(client, accounts, &row.content, &facts, tools);
                for finding in report.findings {
                    let column = match finding.code {
                        filrouge_domain::lint::FindingCode::MediaType
                        | filrouge_domain::lint::FindingCode::MediaTooLarge
                        | filrouge_domain::lint::FindingCode::MediaDimensions
                        | filrouge_domain::lint::FindingCode::TooManyMedia
                        | filrouge_domain::lint::FindingCode::MissingAltText => Column::Media,
                        _ => Column::Text,
                    };
                    let network = finding.network.map(|n| format!(" ({n})")).unwrap_or_default();
                    row.problems.push(RowProblem {
                        line: raw.line,
                        column: column.name().to_owned(),
                        severity: finding.severity,
                        message: format!("{}: {}{network}", finding.code.as_str(), finding.message),
                    });
                }
                let key = (client_id, row.planned_at, row.content.text.clone());
                if let Some(first) = seen.insert(key, raw.line) {
                    row.problems.push(RowProblem {
                        line: raw.line,
                        column: "row".into(),
                        severity: Severity::Warning,
                        message: format!("the same post for the same client and time as line {first}"),
                    });
                }
            }
            rows.push(row);
        }
        Ok(ImportPlan { file: file.to_owned(), notes, rows })
    }

    async fn plan_row(&self, raw: &RawRow, clients: &Clients, now: Timestamp, media: &dyn MediaSource) -> RowPlan {
        let line = raw.line;
        let mut problems = Vec::new();
        if let Some(width) = &raw.width_problem {
            problems.push(RowProblem { line, column: "row".into(), severity: Severity::Error, message: width.clone() });
        }
        let mut plan = RowPlan {
            line,
            client: raw.get(Column::Client).to_owned(),
            planned: None,
            accounts: split_list(raw.get(Column::Accounts)),
            headline: filrouge_domain::post::headline(raw.get(Column::Text)),
            problems: Vec::new(),
            planned_at: None,
            client_id: None,
            content: PostContent::default(),
            campaign: None,
            media: Vec::new(),
        };
        let Some((client, accounts)) = clients.find(raw.get(Column::Client)) else {
            let message = if raw.get(Column::Client).is_empty() {
                "no client given".to_owned()
            } else {
                format!("'{}' is not a client you can plan for", raw.get(Column::Client))
            };
            problems.push(problem(line, Column::Client, message));
            plan.problems = problems;
            return plan;
        };
        plan.client_id = Some(client.id);
        // Accounts.
        let mut targets = Vec::new();
        if plan.accounts.is_empty() {
            problems.push(problem(line, Column::Accounts, "no account given"));
        }
        for name in &plan.accounts {
            match find_account(accounts, name) {
                Ok(a) if targets.iter().any(|t: &Target| t.account_id == a.id) => {
                    problems.push(problem(line, Column::Accounts, format!("'{name}' is given twice")));
                }
                Ok(a) => targets.push(Target { account_id: a.id, text: None, media: None }),
                Err(e) => problems.push(problem(line, Column::Accounts, e)),
            }
        }
        // Date, time and zone.
        let (date, time) = (raw.get(Column::Date), raw.get(Column::Time));
        let zone_name = match raw.get(Column::TimeZone) {
            "" => client.profile.time_zone.as_str().to_owned(),
            z => z.to_owned(),
        };
        match (date.is_empty(), time.is_empty()) {
            (true, true) => {}
            (true, false) => problems.push(problem(line, Column::Date, "a time without a date")),
            (false, true) => problems.push(problem(line, Column::Time, "a date without a time")),
            (false, false) => match (parse_date(date), parse_time(time), zone(&zone_name)) {
                (Err(e), _, _) => problems.push(problem(line, Column::Date, e)),
                (_, Err(e), _) => problems.push(problem(line, Column::Time, e)),
                (_, _, Err(e)) => problems.push(problem(line, Column::TimeZone, e.to_string())),
                (Ok(d), Ok((t, offset)), Ok(tz)) => {
                    let at = match offset {
                        None => resolve(&tz, d, t, Ambiguity::Refuse).map_err(|e| e.to_string()),
                        Some(off) => off.to_timestamp(d.to_datetime(t)).map_err(|e| e.to_string()).and_then(|at| {
                            (tz.to_offset(at) == off).then_some(at).ok_or_else(|| {
                                format!("{date} {time}: {zone_name} is not at offset {off} at that time")
                            })
                        }),
                    };
                    match at {
                        Err(e) => problems.push(problem(line, Column::Time, e)),
                        Ok(at) if at <= now => {
                            problems.push(problem(line, Column::Time, format!("{date} {time} has passed")))
                        }
                        Ok(at) => {
                            plan.planned_at = Some(at);
                            plan.planned = Some(self.local(client, at));
                        }
                    }
                }
            },
        }
        // Media.
        for reference in split_list(raw.get(Column::Media)) {
            let read = if reference.starts_with("http://") || reference.starts_with("https://") {
                self.fetch_media(&reference).await
            } else {
                media.read(&reference)
            };
            match read {
                Err(e) => problems.push(problem(line, Column::Media, e)),
                Ok((name, bytes)) => match filrouge_compose::probe(&bytes) {
                    Err(e) => problems.push(problem(line, Column::Media, format!("{reference}: {e}"))),
                    Ok(facts) => plan.media.push((name, bytes, facts)),
                },
            }
        }
        let content = PostContent {
            text: raw.get(Column::Text).to_owned(),
            first_comment: raw.get(Column::FirstComment).to_owned(),
            media: (0..plan.media.len())
                .map(|i| PostMedia { media_id: MediaId(-(i as i64) - 1), alt: String::new() })
                .collect(),
            targets,
            labels: split_list(raw.get(Column::Labels)),
            ..PostContent::default()
        };
        match content.validate() {
            Ok(c) => plan.content = c,
            Err(Invalid { field, reason }) => {
                let column = match field.as_str() {
                    "labels" => Column::Labels,
                    "first_comment" => Column::FirstComment,
                    "accounts" => Column::Accounts,
                    _ => Column::Text,
                };
                problems.push(problem(line, column, reason));
            }
        }
        let campaign = raw.get(Column::Campaign);
        plan.campaign = (!campaign.is_empty()).then(|| campaign.to_owned());
        plan.problems = problems;
        plan
    }

    /// Imports a bulk-planning file: every row, or with `only_valid` the rows without errors. Posts are created as
    /// drafts at their times (ideas when the row has no date); scheduling them is a separate, checked step.
    pub async fn import_posts(
        &self,
        actor: &Actor,
        file: &str,
        bytes: &[u8],
        media: &dyn MediaSource,
        only_valid: bool,
    ) -> std::result::Result<ImportOutcome, ImportError> {
        let plan = self.plan_import(actor, file, bytes, media).await?;
        self.apply_import(actor, plan, only_valid).await
    }

    /// Creates the posts of a checked plan (see `import_posts`); the rows are checked again for access.
    pub async fn apply_import(
        &self,
        actor: &Actor,
        plan: ImportPlan,
        only_valid: bool,
    ) -> std::result::Result<ImportOutcome, ImportError> {
        self.apply_import_with(actor, plan, only_valid, false).await
    }

    /// The same; with `schedule`, each row with a time goes as far as its client's approval policy lets the agency
    /// take it: scheduled (no approval) or sent for review (the guards already passed in the plan).
    pub async fn apply_import_with(
        &self,
        actor: &Actor,
        plan: ImportPlan,
        only_valid: bool,
        schedule: bool,
    ) -> std::result::Result<ImportOutcome, ImportError> {
        let file = plan.file.clone();
        if plan.invalid_rows() > 0 && !only_valid {
            return Err(ImportError::RowsHaveErrors { invalid: plan.invalid_rows(), total: plan.rows.len() });
        }
        let now = self.now();
        // Media files first (content-addressed: a crash leaves at most unused files, never a post without its file).
        let mut stored: Vec<Vec<MediaId>> = Vec::with_capacity(plan.rows.len());
        for row in &plan.rows {
            let mut ids = Vec::new();
            if row.valid() {
                if let Some(client) = row.client_id {
                    let slug = self.slug_of(actor, client).await?;
                    for (name, bytes, _) in &row.media {
                        ids.push(self.add_media(actor, &slug, name, bytes.clone()).await?);
                    }
                }
            }
            stored.push(ids);
        }
        let mut tx = self.store.write().await.map_err(AppError::from)?;
        let mut created = Vec::new();
        let mut skipped = Vec::new();
        let mut per_client: HashMap<ClientId, usize> = HashMap::new();
        for (row, media_ids) in plan.rows.iter().zip(&stored) {
            let Some(client) = row.client_id.filter(|_| row.valid()) else {
                skipped.push(row.line);
                continue;
            };
            actor.require_on(Action::WritePosts, client)?;
            let mut content = row.content.clone();
            for (m, id) in content.media.iter_mut().zip(media_ids) {
                m.media_id = *id;
            }
            let campaign = match &row.campaign {
                Some(name) => Some(tx.campaign_named(client, name, now).await.map_err(AppError::from)?),
                None => None,
            };
            let new = NewPost {
                client,
                state: PostState::Draft,
                planned_at: row.planned_at,
                campaign,
                content: &content,
                created_by: actor.user_id(),
            };
            let id = tx.insert_post(&new, now).await.map_err(AppError::from)?;
            if schedule && row.planned_at.is_some() {
                let policy = tx
                    .client_by_id(client)
                    .await
                    .map_err(AppError::from)?
                    .map(|c| c.profile.charter.approval)
                    .unwrap_or_default();
                let state = match policy {
                    filrouge_domain::post::ApprovalPolicy::None => PostState::Scheduled,
                    _ => PostState::InReview,
                };
                tx.set_post_state(client, id, 1, state, None, now).await.map_err(AppError::from)?;
                self.sync_queue(&mut tx, client, id).await?;
            }
            let when = row.planned.clone().unwrap_or_else(|| "in the ideas backlog".to_owned());
            let summary = format!("Post imported from {file} line {} ({when}): {}", row.line, row.headline);
            tx.append_journal(&post_entry(actor, now, client, id, JournalAction::PostCreated, summary))
                .await
                .map_err(AppError::from)?;
            *per_client.entry(client).or_default() += 1;
            created.push((row.line, id));
        }
        for (client, n) in per_client {
            let summary = format!("{n} post(s) imported from {file}");
            let entry = crate::clients::entry(actor, now, Some(client), JournalAction::PostsImported, "posts", summary);
            tx.append_journal(&entry).await.map_err(AppError::from)?;
        }
        tx.commit().await.map_err(AppError::from)?;
        Ok(ImportOutcome { plan, created, skipped })
    }

    async fn slug_of(&self, actor: &Actor, client: ClientId) -> Result<String> {
        let mut tx = self.store.read().await?;
        let c = tx.client_by_id(client).await?.ok_or(AppError::NotFound)?;
        actor.require_on(Action::WritePosts, c.id)?;
        Ok(c.profile.slug.as_str().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_iso_or_day_first_and_impossible_ones_refused() {
        assert_eq!(parse_date("2026-07-01").unwrap(), jiff::civil::date(2026, 7, 1));
        assert_eq!(parse_date("01/07/2026").unwrap(), jiff::civil::date(2026, 7, 1));
        assert_eq!(parse_date("2026-02-30").unwrap_err(), "2026-02-30 does not exist");
        assert!(parse_date("demain").is_err());
    }

    #[test]
    fn times_take_an_optional_offset() {
        assert_eq!(parse_time("12:30").unwrap().0, jiff::civil::time(12, 30, 0, 0));
        assert_eq!(parse_time("9h05").unwrap().0, jiff::civil::time(9, 5, 0, 0));
        let (t, off) = parse_time("01:30-05:00").unwrap();
        assert_eq!((t, off.unwrap().seconds()), (jiff::civil::time(1, 30, 0, 0), -5 * 3600));
        assert!(parse_time("25:00").is_err());
        assert_eq!(parse_time("12:30:15").unwrap().0, jiff::civil::time(12, 30, 15, 0));
        assert_eq!(parse_time("12:30:15+02:00").unwrap().1.unwrap().seconds(), 7200);
    }
}
