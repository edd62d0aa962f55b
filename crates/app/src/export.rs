//! Exports of a client's calendar: CSV in the bulk-planning format (so an export can be edited and imported
//! again) and iCalendar (to share with a client or keep for audits).

use filrouge_domain::local_time::zone;
use filrouge_domain::permission::Action;
use filrouge_domain::post::{Post, PostState};
use icalendar::{Calendar, Component, Event};
use jiff::Timestamp;

use crate::access::{client_for, Actor};
use crate::error::{AppError, Result};
use crate::App;

/// The formats of a calendar export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    ICalendar,
}

impl App {
    /// The client's posts planned in `[from, to)` (and, in CSV, its ideas), in `format`.
    pub async fn export_calendar(
        &self,
        actor: &Actor,
        slug: &str,
        from: Timestamp,
        to: Timestamp,
        format: ExportFormat,
    ) -> Result<String> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::ViewCalendar).await?;
        let mut posts: Vec<Post> = tx
            .posts_between(&[client.id], from, to)
            .await?
            .into_iter()
            .filter(|p| crate::calendar::visible_to(actor, p))
            .collect();
        let accounts = tx.accounts_of(client.id).await?;
        let campaigns = tx.campaigns(client.id).await?;
        let handle = |id| {
            accounts
                .iter()
                .find(|a| a.id == id)
                .map_or_else(String::new, |a| format!("{}:{}", a.profile.network.as_str(), a.profile.handle))
        };
        let tz = zone(client.profile.time_zone.as_str()).map_err(|e| AppError::Invalid(e.into()))?;
        match format {
            ExportFormat::Csv => {
                posts.extend(
                    tx.backlog(&[client.id]).await?.into_iter().filter(|p| crate::calendar::visible_to(actor, p)),
                );
                let mut media_names = std::collections::HashMap::new();
                let ids: Vec<_> = posts.iter().flat_map(|p| p.content.media.iter().map(|m| m.media_id)).collect();
                for record in tx.media_of(client.id, &ids).await? {
                    media_names.insert(record.id, record.file_name);
                }
                let mut out = csv::Writer::from_writer(Vec::new());
                let header = [
                    "date",
                    "time",
                    "time_zone",
                    "client",
                    "accounts",
                    "text",
                    "media",
                    "first_comment",
                    "labels",
                    "campaign",
                    "state",
                ];
                out.write_record(header).map_err(csv_error)?;
                for post in &posts {
                    let (date, time) = match post.planned_at {
                        Some(at) => {
                            let local = at.to_zoned(tz.clone());
                            (local.strftime("%Y-%m-%d").to_string(), local.strftime("%H:%M%:z").to_string())
                        }
                        None => (String::new(), String::new()),
                    };
                    let accounts: Vec<String> = post.content.targets.iter().map(|t| handle(t.account_id)).collect();
                    let media: Vec<String> =
                        post.content.media.iter().filter_map(|m| media_names.get(&m.media_id).cloned()).collect();
                    let campaign = post
                        .campaign_id
                        .and_then(|c| campaigns.iter().find(|x| x.id == c))
                        .map_or_else(String::new, |c| c.name.clone());
                    out.write_record([
                        date.as_str(),
                        time.as_str(),
                        client.profile.time_zone.as_str(),
                        client.profile.slug.as_str(),
                        &accounts.join(" | "),
                        &post.content.text,
                        &media.join(" | "),
                        &post.content.first_comment,
                        &post.content.labels.join(" | "),
                        &campaign,
                        post.state.as_str(),
                    ])
                    .map_err(csv_error)?;
                }
                let bytes = out.into_inner().map_err(|e| AppError::Remote(e.to_string()))?;
                String::from_utf8(bytes).map_err(|e| AppError::Remote(e.to_string()))
            }
            ExportFormat::ICalendar => {
                let mut calendar = Calendar::new();
                calendar.name(&format!("{} — fil rouge", client.profile.name));
                let stamp = self.now().strftime("%Y%m%dT%H%M%SZ").to_string();
                for post in &posts {
                    let Some(at) = post.planned_at else { continue };
                    let start = at.strftime("%Y%m%dT%H%M%SZ").to_string();
                    let accounts: Vec<String> = post.content.targets.iter().map(|t| handle(t.account_id)).collect();
                    let description = format!(
                        "{}\n\n{}: {}\n{}",
                        post.content.text,
                        post.state.as_str(),
                        accounts.join(", "),
                        self.local(&client, at)
                    );
                    let status = match post.state {
                        PostState::Scheduled | PostState::Publishing | PostState::Published => "CONFIRMED",
                        _ => "TENTATIVE",
                    };
                    let mut event = Event::new();
                    event
                        .uid(&format!("post-{}-{}@filrouge", client.profile.slug, post.id))
                        .add_property("DTSTAMP", &stamp)
                        .add_property("DTSTART", &start)
                        .add_property("DURATION", "PT15M")
                        .summary(&post.headline())
                        .description(&description)
                        .add_property("STATUS", status);
                    if !post.content.labels.is_empty() {
                        event.add_property("CATEGORIES", post.content.labels.join(","));
                    }
                    calendar.push(event.done());
                }
                Ok(calendar.done().to_string())
            }
        }
    }
}

fn csv_error(e: csv::Error) -> AppError {
    AppError::Remote(format!("writing CSV: {e}"))
}
