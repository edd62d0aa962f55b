//! The journal use-cases: a client's entries for a day (or a range) with filters, and manual
//! notes.

use filrouge_domain::client::Client;
use filrouge_domain::ids::UserId;
use filrouge_domain::journal::{note_text, JournalAction, JournalEntry};
use filrouge_domain::permission::Action;
use filrouge_domain::user::User;
use filrouge_store::{JournalQuery, Tx};
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::access::{client_for, Actor};
use crate::clients::entry;
use crate::error::Result;
use crate::App;
use filrouge_domain::Invalid;

/// Which of a client's entries to show.
#[derive(Debug, Clone, Default)]
pub struct JournalFilter {
    /// A day in the client's time zone; `None` for the most recent entries.
    pub day: Option<Date>,
    pub action: Option<JournalAction>,
    pub user: Option<UserId>,
}

/// Everything the journal page shows, read in one go.
#[derive(Debug, Clone)]
pub struct JournalView {
    pub client: Client,
    /// The day shown (today in the client's time zone when none was asked for).
    pub day: Date,
    /// Today in the client's time zone.
    pub today: Date,
    pub entries: Vec<JournalEntry>,
    /// The client's members, to filter by person (empty when the actor may not list them).
    pub members: Vec<User>,
}

impl App {
    /// The journal page of a client for one day: the client, the day's entries (filtered) and
    /// its members, with one access check.
    pub async fn journal_view(&self, actor: &Actor, slug: &str, filter: &JournalFilter) -> Result<JournalView> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewJournal).await?;
        let tz =
            TimeZone::get(client.profile.time_zone.as_str()).map_err(|e| Invalid::new("time_zone", e.to_string()))?;
        let today = self.now().to_zoned(tz).date();
        let day = filter.day.unwrap_or(today);
        let entries = journal_of(&mut tx, &client, &JournalFilter { day: Some(day), ..filter.clone() }).await?;
        let members = if actor.may(Action::ViewClientSettings, Some(client.id)) {
            tx.users_of_client(client.id).await?
        } else {
            Vec::new()
        };
        Ok(JournalView { client, day, today, entries, members })
    }

    /// The client's journal, newest first, days cut in the client's own time zone.
    pub async fn client_journal(&self, actor: &Actor, slug: &str, filter: &JournalFilter) -> Result<Vec<JournalEntry>> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewJournal).await?;
        journal_of(&mut tx, &client, filter).await
    }

    pub async fn add_note(&self, actor: &Actor, slug: &str, text: &str) -> Result<()> {
        let mut tx = self.store.write().await?;
        let client = client_for(&mut tx, actor, slug, Action::WriteJournalNote).await?;
        let text = note_text(text)?;
        tx.append_journal(&entry(actor, self.now(), Some(client.id), JournalAction::Note, "note", text)).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn journal_of(tx: &mut Tx, client: &Client, filter: &JournalFilter) -> Result<Vec<JournalEntry>> {
    let (from, to) = match filter.day {
        Some(day) => {
            let tz =
                TimeZone::get(client.profile.time_zone.as_str()).map_err(|e| Invalid::new("day", e.to_string()))?;
            let start = day.to_zoned(tz.clone()).map_err(|e| Invalid::new("day", e.to_string()))?;
            let end = day.tomorrow().and_then(|d| d.to_zoned(tz)).map_err(|e| Invalid::new("day", e.to_string()))?;
            (Some(start.timestamp()), Some(end.timestamp()))
        }
        None => (None, None),
    };
    let query =
        JournalQuery { client: Some(client.id), from, to, action: filter.action, user: filter.user, limit: 1000 };
    Ok(tx.journal(&query).await?)
}
