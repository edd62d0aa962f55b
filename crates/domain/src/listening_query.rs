//! A client's listening queries (what the veille looks for: the brand, its products, people,
//! competitors, hashtags), how each one alerts, and when a digest is due. The query language
//! itself lives in `filrouge-query`.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};
use serde::Serialize;

use crate::ids::{ClientId, HitId, MentionId, QueryId};
use crate::user::Email;
use crate::validate::required_text;
use crate::Invalid;

/// Longest query text, in characters (the parser has its own, finer limits).
pub const MAX_QUERY_CHARS: usize = 4096;
/// Most e-mail recipients of one query's alerts.
pub const MAX_RECIPIENTS: usize = 20;
/// The local hour daily digests go out at, in the client's time zone.
pub const DAILY_DIGEST_HOUR: i8 = 8;

/// How a query tells the team about its matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertMode {
    /// No alert: the matches are only counted and listed.
    #[default]
    Off,
    /// As mentions arrive (in the app, and by e-mail to the recipients).
    Instant,
    /// One digest at the top of every hour that had matches.
    Hourly,
    /// One digest a day, at 08:00 in the client's time zone.
    Daily,
}

impl AlertMode {
    pub const ALL: [AlertMode; 4] = [AlertMode::Off, AlertMode::Instant, AlertMode::Hourly, AlertMode::Daily];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertMode::Off => "off",
            AlertMode::Instant => "instant",
            AlertMode::Hourly => "hourly",
            AlertMode::Daily => "daily",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value)
    }

    pub fn is_digest(self) -> bool {
        matches!(self, AlertMode::Hourly | AlertMode::Daily)
    }
}

/// A stored query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListeningQuery {
    pub id: QueryId,
    pub client_id: ClientId,
    pub name: String,
    /// The query text, as written (checked by the parser when saved).
    pub query: String,
    pub active: bool,
    pub alert: AlertMode,
    pub recipients: Vec<Email>,
    /// Whether a private Atom feed address exists (the address itself is shown once, when made).
    pub has_feed: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A query as a person fills the form, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryDraft {
    pub name: String,
    pub query: String,
    pub active: bool,
    pub alert: AlertMode,
    pub recipients: Vec<Email>,
}

impl QueryDraft {
    /// Checks the fields that have rules here; `recipients` is a list separated by commas,
    /// semicolons, spaces or new lines.
    pub fn parse(name: &str, query: &str, active: bool, alert: &str, recipients: &str) -> Result<Self, Invalid> {
        let name = required_text("name", name, 100)?;
        let query = required_text("query", query, MAX_QUERY_CHARS)?;
        let alert = AlertMode::parse(alert.trim())
            .ok_or_else(|| Invalid::new("alert", format!("'{}' is not one of off, instant, hourly, daily", alert)))?;
        let mut list: Vec<Email> = Vec::new();
        for part in recipients.split([',', ';', ' ', '\n', '\r', '\t']).filter(|p| !p.trim().is_empty()) {
            let email = Email::parse(part).map_err(|e| Invalid::new("recipients", e.reason))?;
            if !list.contains(&email) {
                list.push(email);
            }
        }
        if list.len() > MAX_RECIPIENTS {
            return Err(Invalid::new("recipients", format!("at most {MAX_RECIPIENTS} addresses")));
        }
        Ok(Self { name, query, active, alert, recipients: list })
    }
}

/// A match of a query on a mention. `live` matches were found as the mention arrived (they alert);
/// the others were found in the archive when the query was saved (they only count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QueryHit {
    pub id: HitId,
    pub query_id: QueryId,
    pub mention_id: MentionId,
    pub client_id: ClientId,
    pub matched_at: Timestamp,
    pub live: bool,
}

/// When the digest after `now` is due: the next top of the hour (hourly) or the next 08:00 in the
/// client's time zone (daily). `None` for the modes without digests.
pub fn next_digest(now: Timestamp, mode: AlertMode, tz: &TimeZone) -> Option<Timestamp> {
    let local: Zoned = now.to_zoned(tz.clone());
    match mode {
        AlertMode::Off | AlertMode::Instant => None,
        AlertMode::Hourly => {
            let start = local.start_of_day().ok()?;
            let hour = local.hour();
            // The next hour boundary, counted from midnight so that daylight-saving days work.
            let mut next = start.checked_add((i64::from(hour) + 1).hours()).ok()?;
            while next.timestamp() <= now {
                next = next.checked_add(1.hour()).ok()?;
            }
            Some(next.timestamp())
        }
        AlertMode::Daily => {
            let today = local.date().at(DAILY_DIGEST_HOUR, 0, 0, 0).to_zoned(tz.clone()).ok()?;
            let at = if today.timestamp() > now {
                today
            } else {
                local.date().tomorrow().ok()?.at(DAILY_DIGEST_HOUR, 0, 0, 0).to_zoned(tz.clone()).ok()?
            };
            Some(at.timestamp())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_draft_keeps_distinct_recipients_and_names_bad_ones() {
        let d = QueryDraft::parse(" Marque ", "pizza", true, "instant", "a@x.fr, b@x.fr;a@x.fr\nc@y.com").unwrap();
        assert_eq!(d.name, "Marque");
        assert_eq!(d.recipients.len(), 3);
        assert_eq!(QueryDraft::parse("n", "q", true, "weekly", "").unwrap_err().field, "alert");
        assert_eq!(QueryDraft::parse("n", "q", true, "off", "pas-une-adresse").unwrap_err().field, "recipients");
        assert_eq!(QueryDraft::parse("", "q", true, "off", "").unwrap_err().field, "name");
        assert_eq!(QueryDraft::parse("n", "  ", true, "off", "").unwrap_err().field, "query");
    }

    #[test]
    fn hourly_digests_fall_on_the_next_top_of_the_hour() {
        assert_eq!(
            next_digest(ts("2026-03-10T09:15:00Z"), AlertMode::Hourly, &paris()),
            Some(ts("2026-03-10T10:00:00Z"))
        );
        assert_eq!(
            next_digest(ts("2026-03-10T09:00:00Z"), AlertMode::Hourly, &paris()),
            Some(ts("2026-03-10T10:00:00Z"))
        );
    }

    #[test]
    fn daily_digests_fall_at_eight_in_the_clients_time_zone() {
        // 06:30 UTC is 07:30 in Paris in winter: today at 08:00 Paris = 07:00 UTC.
        assert_eq!(
            next_digest(ts("2026-01-10T06:30:00Z"), AlertMode::Daily, &paris()),
            Some(ts("2026-01-10T07:00:00Z"))
        );
        // After 08:00 Paris: tomorrow; in summer 08:00 Paris is 06:00 UTC.
        assert_eq!(
            next_digest(ts("2026-07-10T07:00:00Z"), AlertMode::Daily, &paris()),
            Some(ts("2026-07-11T06:00:00Z"))
        );
    }

    #[test]
    fn modes_without_digest_have_no_due_time() {
        assert_eq!(next_digest(ts("2026-01-10T06:30:00Z"), AlertMode::Instant, &paris()), None);
        assert_eq!(next_digest(ts("2026-01-10T06:30:00Z"), AlertMode::Off, &paris()), None);
    }
}
