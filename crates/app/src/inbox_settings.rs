//! A client's inbox settings (rules, business hours, response target, duty rota, replies needing approval), its
//! saved replies, and the response-time figures per client and per teammate.

use filrouge_domain::client::Client;
use filrouge_domain::ids::{SavedReplyId, UserId};
use filrouge_domain::inbox::hours::{self, Rota, WeeklyHours};
use filrouge_domain::inbox::rules::{self, Rule, RuleAction};
use filrouge_domain::inbox::template;
use filrouge_domain::journal::JournalAction;
use filrouge_domain::permission::Action;
use filrouge_domain::validate::{optional_text, required_text};
use filrouge_domain::Invalid;
use filrouge_store::{InboxSettingsRecord, SavedReply, Tx};
use jiff::{SignedDuration, Timestamp};

use crate::access::client_for;
use crate::error::{AppError, Result};
use crate::{Actor, App};

/// The longest response target (a week).
const MAX_TARGET_MINUTES: i64 = 7 * 24 * 60;

/// A client's inbox settings, read and parsed.
#[derive(Debug, Clone)]
pub struct InboxSettings {
    pub record: InboxSettingsRecord,
    pub rules: Vec<Rule>,
    pub hours: WeeklyHours,
    pub rota: Rota,
}

impl InboxSettings {
    /// Parses what was stored (it was checked when saved; a text that no longer parses counts as empty).
    pub(crate) fn from_record(record: InboxSettingsRecord) -> Self {
        let rules = rules::parse_rules(&record.rules).unwrap_or_default();
        let hours_text = if record.hours.trim().is_empty() { hours::DEFAULT_HOURS } else { record.hours.as_str() };
        let hours =
            hours::parse_hours(hours_text).or_else(|_| hours::parse_hours(hours::DEFAULT_HOURS)).unwrap_or_default();
        let rota = hours::parse_rota(&record.rota).unwrap_or_default();
        Self { record, rules, hours, rota }
    }

    /// The response target, when the client has one.
    pub fn target(&self) -> Option<SignedDuration> {
        self.record.target_minutes.map(|m| SignedDuration::from_mins(m.clamp(1, MAX_TARGET_MINUTES)))
    }
}

/// What the settings form sends.
#[derive(Debug, Clone, Default)]
pub struct InboxSettingsForm {
    pub rules: String,
    pub hours: String,
    /// Minutes, empty for none.
    pub target_minutes: String,
    pub rota: String,
    pub replies_need_approval: bool,
}

/// Response-time figures over a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseTimes {
    pub received: usize,
    pub answered: usize,
    pub resolved: usize,
    /// Business time to the first answer, in seconds.
    pub median_first_response: Option<i64>,
    pub p90_first_response: Option<i64>,
    pub median_resolution: Option<i64>,
    /// Share of answered items answered within the target (when the client has one).
    pub within_target: Option<f64>,
    pub per_teammate: Vec<TeammateTimes>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TeammateTimes {
    pub user: UserId,
    pub name: String,
    pub answered: usize,
    pub median_first_response: Option<i64>,
    pub resolved: usize,
}

fn percentile(values: &mut [i64], p: f64) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
    Some(values[rank - 1])
}

pub(crate) async fn settings_of(tx: &mut Tx, client: &Client) -> Result<InboxSettings> {
    Ok(InboxSettings::from_record(tx.inbox_settings(client.id).await?))
}

/// Checks a client's inbox settings as written (the settings page or the workspace file): rules, hours and rota
/// parse, the target is in range, and every address a rule or the rota names is one of `members`.
pub(crate) fn check_settings(
    form: &InboxSettingsForm,
    target_minutes: Option<i64>,
    members: &[&str],
) -> std::result::Result<(InboxSettingsRecord, usize), Invalid> {
    let rules_text = optional_text("rules", &form.rules, 20_000)?;
    let rules = rules::parse_rules(&rules_text)?;
    let hours_text = optional_text("hours", &form.hours, 2_000)?;
    hours::parse_hours(if hours_text.is_empty() { hours::DEFAULT_HOURS } else { &hours_text })?;
    let rota_text = optional_text("rota", &form.rota, 4_000)?;
    let rota = hours::parse_rota(&rota_text)?;
    if let Some(minutes) = target_minutes {
        if !(1..=MAX_TARGET_MINUTES).contains(&minutes) {
            return Err(Invalid::new("target_minutes", format!("must be 1 to {MAX_TARGET_MINUTES} minutes")));
        }
    }
    let known = |email: &str| members.iter().any(|m| m.eq_ignore_ascii_case(email));
    for rule in &rules {
        for action in &rule.actions {
            if let RuleAction::Assign(email) = action {
                if !known(email) {
                    let reason = format!("line {}: {email} is not a member of this client", rule.line);
                    return Err(Invalid::new("rules", reason));
                }
            }
        }
    }
    for (_, email) in &rota.entries {
        if !known(email) {
            return Err(Invalid::new("rota", format!("{email} is not a member of this client")));
        }
    }
    let record = InboxSettingsRecord {
        rules: rules_text,
        hours: hours_text,
        target_minutes,
        rota: rota_text,
        replies_need_approval: form.replies_need_approval,
    };
    Ok((record, rules.len()))
}

/// Checks a saved reply: a name, a body and only known variables.
pub(crate) fn check_saved_reply(name: &str, body: &str) -> std::result::Result<(String, String), Invalid> {
    let name = required_text("name", name, 80)?;
    let body = required_text("body", body, 5_000)?;
    template::check(&body)?;
    Ok((name, body))
}

impl App {
    pub async fn inbox_settings(&self, actor: &Actor, slug: &str) -> Result<InboxSettings> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewInbox).await?;
        settings_of(&mut tx, &client).await
    }

    /// Checks and saves the settings (all or nothing; errors name the line and column).
    pub async fn save_inbox_settings(&self, actor: &Actor, slug: &str, form: InboxSettingsForm) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageInbox).await?;
        let target = form.target_minutes.trim();
        let target_minutes = if target.is_empty() {
            None
        } else {
            Some(
                target
                    .parse::<i64>()
                    .map_err(|_| Invalid::new("target_minutes", format!("'{target}' is not a number of minutes")))?,
            )
        };
        let members = tx.users_of_client(client.id).await?;
        let emails: Vec<&str> = members.iter().map(|m| m.email.as_str()).collect();
        let (record, rule_count) = check_settings(&form, target_minutes, &emails)?;
        tx.put_inbox_settings(client.id, &record, now).await?;
        let summary = format!(
            "Inbox settings changed: {} rule(s), target {}, replies {}",
            rule_count,
            record.target_minutes.map_or("none".to_owned(), |m| format!("{m} min")),
            if record.replies_need_approval { "need approval" } else { "go out directly" }
        );
        let entry =
            crate::clients::entry(actor, now, Some(client.id), JournalAction::InboxSettingsChanged, "inbox", summary);
        tx.append_journal(&entry).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn saved_replies(&self, actor: &Actor, slug: &str) -> Result<Vec<SavedReply>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewInbox).await?;
        Ok(tx.saved_replies(client.id).await?)
    }

    /// Adds a saved reply, or replaces the one of the same name; its variables are checked.
    pub async fn save_saved_reply(&self, actor: &Actor, slug: &str, name: &str, body: &str) -> Result<SavedReplyId> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageInbox).await?;
        let (name, body) = check_saved_reply(name, body)?;
        let id = tx.put_saved_reply(client.id, &name, &body).await?;
        let entry = crate::clients::entry(
            actor,
            now,
            Some(client.id),
            JournalAction::InboxSettingsChanged,
            &format!("saved_reply:{id}"),
            format!("Saved reply '{name}' saved"),
        );
        tx.append_journal(&entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn delete_saved_reply(&self, actor: &Actor, slug: &str, id: SavedReplyId) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::ManageInbox).await?;
        if !tx.delete_saved_reply(client.id, id).await? {
            return Err(AppError::NotFound);
        }
        let entry = crate::clients::entry(
            actor,
            now,
            Some(client.id),
            JournalAction::InboxSettingsChanged,
            &format!("saved_reply:{id}"),
            "Saved reply removed".to_owned(),
        );
        tx.append_journal(&entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// First-response and resolution times (business time) of the items received in the last `days` days.
    pub async fn response_times(&self, actor: &Actor, slug: &str, days: i64) -> Result<ResponseTimes> {
        let now = self.now();
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewInbox).await?;
        let settings = settings_of(&mut tx, &client).await?;
        let tz = jiff::tz::TimeZone::get(client.profile.time_zone.as_str()).unwrap_or(jiff::tz::TimeZone::UTC);
        let from = now.saturating_sub(SignedDuration::from_hours(24 * days.clamp(1, 366))).unwrap_or(now);
        let until = now.saturating_add(SignedDuration::from_secs(1)).unwrap_or(now);
        let records = tx.inbox_responses(client.id, from, until).await?;
        let members = tx.users_of_client(client.id).await?;
        let business = |a: Timestamp, b: Timestamp| settings.hours.business_seconds(a, b, &tz);
        let mut first: Vec<i64> = Vec::new();
        let mut resolution: Vec<i64> = Vec::new();
        let mut per: std::collections::BTreeMap<i64, (Vec<i64>, usize)> = Default::default();
        for r in &records {
            if let Some(at) = r.first_response_at {
                let secs = business(r.received_at, at);
                first.push(secs);
                if let Some(user) = r.first_responder {
                    per.entry(user.0).or_default().0.push(secs);
                }
            }
            if let Some(at) = r.resolved_at {
                resolution.push(business(r.received_at, at));
                if let Some(user) = r.resolver {
                    per.entry(user.0).or_default().1 += 1;
                }
            }
        }
        let within_target = settings
            .target()
            .filter(|_| !first.is_empty())
            .map(|target| first.iter().filter(|s| **s <= target.as_secs()).count() as f64 / first.len() as f64);
        let per_teammate = per
            .into_iter()
            .map(|(user, (mut times, resolved))| TeammateTimes {
                user: UserId(user),
                name: members.iter().find(|m| m.id.0 == user).map_or_else(|| format!("#{user}"), |m| m.name.clone()),
                answered: times.len(),
                median_first_response: percentile(&mut times, 0.5),
                resolved,
            })
            .collect();
        Ok(ResponseTimes {
            received: records.len(),
            answered: first.len(),
            resolved: resolution.len(),
            median_first_response: percentile(&mut first.clone(), 0.5),
            p90_first_response: percentile(&mut first, 0.9),
            median_resolution: percentile(&mut resolution, 0.5),
            within_target,
            per_teammate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        assert_eq!(percentile(&mut [], 0.5), None);
        assert_eq!(percentile(&mut [30, 10, 20], 0.5), Some(20));
        assert_eq!(percentile(&mut [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), Some(9));
    }
}
