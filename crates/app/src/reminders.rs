//! Reminders before the slot: a post still waiting for approval a day before its time is e-mailed to the people
//! who approve it (the client's reviewers, or the agency's managers), once per planned time.

use filrouge_domain::journal::JournalAction;
use filrouge_domain::post::ApprovalPolicy;
use filrouge_domain::user::Role;
use jiff::SignedDuration;

use crate::error::Result;
use crate::mailer::Letter;
use crate::posts::post_entry;
use crate::{Actor, App};

/// How long before its time a post waiting for approval is reminded.
pub const REMIND_BEFORE: SignedDuration = SignedDuration::from_hours(24);

impl App {
    /// Sends the reminders that are due; returns how many were sent. Without a mail server nothing is claimed.
    pub async fn remind_reviewers(&self) -> Result<usize> {
        let Some(mailer) = self.veille.mailer.clone() else { return Ok(0) };
        let now = self.now();
        let before = now.saturating_add(REMIND_BEFORE).unwrap_or(now);
        let due = self.store.read().await?.posts_to_remind(now, before).await?;
        let mut sent = 0;
        for (client_id, post_id, at) in due {
            let mut tx = self.store.write().await?;
            let Some(client) = tx.client_by_id(client_id).await? else { continue };
            let Some(post) = tx.post(client_id, post_id).await? else { continue };
            let approvers: Vec<_> = tx
                .users_of_client(client_id)
                .await?
                .into_iter()
                .filter(|u| !u.disabled)
                .filter(|u| match client.profile.charter.approval {
                    ApprovalPolicy::Client => u.role == Role::ClientReviewer,
                    ApprovalPolicy::Internal => matches!(u.role, Role::Manager | Role::Owner),
                    ApprovalPolicy::None => false,
                })
                .collect();
            if approvers.is_empty() || !tx.claim_reminder(post_id, at).await? {
                continue;
            }
            let when = self.local(&client, at);
            let names: Vec<&str> = approvers.iter().map(|u| u.name.as_str()).collect();
            let summary = format!("Reminder sent to {} (post planned {when}): {}", names.join(", "), post.headline());
            tx.append_journal(&post_entry(
                &Actor::operator(),
                now,
                client_id,
                post_id,
                JournalAction::ReviewReminded,
                summary,
            ))
            .await?;
            tx.commit().await?;
            let link =
                format!("{}/c/{}/posts/{}", self.veille.public_url.trim_end_matches('/'), client.profile.slug, post_id);
            let text = format!(
                "Bonjour,\n\nCette publication de {name} attend votre validation ; elle est prévue le {when}.\n\
                 This post of {name} waits for your approval; it is planned {when}.\n\n{}\n\n{link}\n",
                post.content.text,
                name = client.profile.name,
            );
            let html = format!(
                "<p>{}</p><blockquote>{}</blockquote><p><a href=\"{}\">{}</a></p>",
                filrouge_feeds::escape::xml(&format!("{} — {when}", client.profile.name)),
                filrouge_feeds::escape::xml(&post.content.text).replace('\n', "<br>"),
                filrouge_feeds::escape::xml(&link),
                filrouge_feeds::escape::xml(&link),
            );
            let letter = Letter {
                to: approvers.iter().map(|u| u.email.clone()).collect(),
                subject: format!("[{}] À valider avant le {when} / To approve", client.profile.name),
                text,
                html,
                message_id: format!("<reminder-{post_id}-{}@filrouge>", at.as_millisecond()),
            };
            match mailer.send(&letter).await {
                Ok(()) => sent += 1,
                Err(e) => {
                    tracing::warn!(post = post_id.0, error = %e, "review reminder not sent; retried next round");
                    let mut tx = self.store.write().await?;
                    tx.release_reminder(post_id).await?;
                    tx.commit().await?;
                }
            }
        }
        Ok(sent)
    }
}
