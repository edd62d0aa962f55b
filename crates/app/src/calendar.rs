//! The calendar: the posts of one client or of all the actor's clients over a period, in each client's time
//! zone, with the ideas backlog and the gaps (clients with nothing planned tomorrow).

use std::collections::HashMap;

use filrouge_domain::client::Client;
use filrouge_domain::ids::ClientId;
use filrouge_domain::local_time::{day_bounds, zone};
use filrouge_domain::permission::Action;
use filrouge_domain::post::{Post, PostState};
use filrouge_domain::user::Role;
use jiff::{Timestamp, ToSpan};

use crate::access::{client_for, Actor};
use crate::error::Result;
use crate::App;

/// Whether the actor may see this post: a client's reviewers never see the agency's drafts.
pub(crate) fn visible_to(actor: &Actor, post: &Post) -> bool {
    actor.role() != Role::ClientReviewer || post.state != PostState::Draft
}

/// What a calendar page shows.
#[derive(Debug, Clone)]
pub struct CalendarView {
    /// The clients in view (one, or all the actor may see), by name.
    pub clients: Vec<Client>,
    /// The posts planned in the period, by time.
    pub posts: Vec<Post>,
    /// Posts with no time (ideas), newest first.
    pub backlog: Vec<Post>,
    /// Clients that have nothing planned on their tomorrow.
    pub empty_tomorrow: Vec<ClientId>,
}

impl CalendarView {
    pub fn client(&self, id: ClientId) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }
}

impl App {
    /// The client named `slug`, or (with `None`) every client whose calendar the actor may see; archived ones only
    /// when asked (their queue may still hold something to look at).
    pub(crate) async fn clients_in_view(
        &self,
        actor: &Actor,
        slug: Option<&str>,
        archived: bool,
    ) -> Result<Vec<Client>> {
        self.clients_allowed(actor, slug, archived, Action::ViewCalendar).await
    }

    /// The client named `slug` if the actor may do `action` on it, or (with `None`) every such client.
    pub(crate) async fn clients_allowed(
        &self,
        actor: &Actor,
        slug: Option<&str>,
        archived: bool,
        action: Action,
    ) -> Result<Vec<Client>> {
        match slug {
            Some(slug) => {
                let mut tx = self.store.read().await?;
                Ok(vec![client_for(&mut tx, actor, slug, action).await?])
            }
            None => Ok(self
                .visible_clients(actor)
                .await?
                .into_iter()
                .filter(|c| (archived || !c.archived) && actor.may(action, Some(c.id)))
                .collect()),
        }
    }

    /// The calendar of `slug` (or of every client the actor may see, with `None`) for `[from, to)`.
    pub async fn calendar(
        &self,
        actor: &Actor,
        slug: Option<&str>,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<CalendarView> {
        let now = self.now();
        let clients = self.clients_in_view(actor, slug, false).await?;
        let ids: Vec<ClientId> = clients.iter().map(|c| c.id).collect();
        let mut tx = self.store.read().await?;
        // Tomorrow differs per time zone: read from the earliest to the latest tomorrow, then split per client.
        let tomorrows: HashMap<ClientId, (Timestamp, Timestamp)> = clients
            .iter()
            .filter_map(|c| {
                let tz = zone(c.profile.time_zone.as_str()).ok()?;
                let tomorrow = now.to_zoned(tz.clone()).date().checked_add(1.day()).ok()?;
                Some((c.id, day_bounds(&tz, tomorrow)))
            })
            .collect();
        let lo = tomorrows.values().map(|b| b.0).min().unwrap_or(now);
        let hi = tomorrows.values().map(|b| b.1).max().unwrap_or(now);
        let read_from = from.min(lo);
        let read_to = to.max(hi);
        let all = tx.posts_between(&ids, read_from, read_to).await?;
        let empty_tomorrow = clients
            .iter()
            .filter(|c| {
                tomorrows.get(&c.id).is_some_and(|(a, b)| {
                    !all.iter().any(|p| p.client_id == c.id && p.planned_at.is_some_and(|t| t >= *a && t < *b))
                })
            })
            .map(|c| c.id)
            .collect();
        let posts = all
            .into_iter()
            .filter(|p| p.planned_at.is_some_and(|t| t >= from && t < to) && visible_to(actor, p))
            .collect();
        let backlog = tx.backlog(&ids).await?.into_iter().filter(|p| visible_to(actor, p)).collect();
        Ok(CalendarView { clients, posts, backlog, empty_tomorrow })
    }
}
