//! Bluesky: post search through an AppView (or a PDS proxying to one), and publishing. (Jetstream is not
//! built: no Jetstream server runs here to test it against.)
//!
//! [`Bluesky::search`] calls `app.bsky.feed.searchPosts` with `sort=latest`. Its own cursor pages
//! backwards; the cursor in our [`Page`] points forwards instead: it marks the newest post returned,
//! and a search given it returns only posts after it (see `cursor.rs`). The mark is sent as `since`
//! (which the AppView may honour) and also enforced here, stopping the backwards paging at the
//! first post at or before it. The local dev-env AppView ignores `since` (its search is a SQL
//! `LIKE`, case-sensitive, ordered by `sortAt`), so the tests exercise the client-side rule.
//!
//! Accounts connect with an app password (`session.rs`) or through OAuth (`oauth.rs`: PAR + PKCE + DPoP, `dpop.rs`,
//! handles resolved by `identity.rs`); `auth.rs` authorizes each request either way.
//!
//! [`BlueskyPublisher`] publishes with either (`publish.rs`: exactly once through deterministic record
//! keys from `tid.rs`, facets from `richtext.rs`); both share the session code of `session.rs`.
//!
//! [`BlueskyInbox`] reads the account's replies, mentions and quotes from its notifications, with a forward
//! cursor like search's, and likes them (`inbox.rs`); it also reads private messages from the chat log, which the
//! publisher answers (`chat.rs`); both use the publisher's session.

mod auth;
mod chat;
mod cursor;
mod dpop;
pub mod identity;
mod inbox;
pub mod oauth;
mod publish;
mod richtext;
mod session;
mod tid;
mod view;
mod xrpc;

use std::fmt;

use reqwest::header::AUTHORIZATION;
use url::Url;

use crate::{NetworkError, Page};
use cursor::Mark;
use session::{SessionError, Sessions};
use view::{Mapped, SearchPostsOutput};
use xrpc::Outcome;

pub use auth::GrantStore;
pub use chat::{FIND_PAGES, FIND_WINDOW};
pub use dpop::DpopKey;
pub use inbox::{BlueskyInbox, Now, DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE, MAX_INBOX_LIMIT};
pub use publish::{BlueskyPublisher, MAX_IMAGES, MAX_IMAGE_BYTES};
pub use tid::{is_tid, record_key};

pub use view::MAX_TEXT_BYTES;
pub use xrpc::MAX_BODY_BYTES;

/// Most `searchPosts` pages read by one search given a cursor, while looking for the mark.
const MAX_PAGES: usize = 10;
/// `searchPosts` accepts at most this many posts per page.
const MAX_PAGE_SIZE: u32 = 100;

/// A Bluesky client: search, with an optional account (a PDS needs one; `app.bsky.*` calls are
/// proxied to its AppView). The session is created on first use, refreshed when its access token
/// expires, and created again once if refreshing fails.
pub struct Bluesky {
    http: reqwest::Client,
    service: Url,
    web_base: Url,
    sessions: Option<Sessions>,
}

impl fmt::Debug for Bluesky {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bluesky")
            .field("service", &self.service.as_str())
            .field("web_base", &self.web_base.as_str())
            .field("identifier", &self.sessions.as_ref().map(Sessions::identifier))
            .finish_non_exhaustive()
    }
}

/// The web app posts link to unless [`Bluesky::with_web_base`] says otherwise.
pub const DEFAULT_WEB_BASE: &str = "https://bsky.app/";

impl Bluesky {
    /// A client for `service` (a PDS or an AppView). `credentials` are a handle or email and an app
    /// password. `http` carries the caller's SSRF guard and time-outs.
    pub fn new(http: reqwest::Client, service: Url, credentials: Option<(String, String)>) -> Self {
        let web_base = Url::parse(DEFAULT_WEB_BASE).unwrap_or_else(|_| service.clone());
        let sessions = credentials.map(|(id, password)| Sessions::new(http.clone(), service.clone(), id, password));
        Bluesky { http, service, web_base, sessions }
    }

    /// Posts link to `<web_base>/profile/<handle>/post/<rkey>` instead of bsky.app.
    pub fn with_web_base(mut self, web_base: Url) -> Self {
        self.web_base = web_base;
        self
    }

    /// Posts matching `query`, newest first, at most `limit` (1 to 100 per request).
    ///
    /// Without `cursor`: the newest `limit` posts. With the cursor of a previous [`Page`]: only
    /// posts after it; when more than `limit` arrived since, the *oldest* `limit` of them, so that
    /// following the cursors misses nothing (as long as the backlog fits in 10 pages of
    /// `searchPosts`; beyond that the newest are returned and the gap is logged). The returned cursor
    /// marks the newest post returned, or repeats the given one when nothing is new. A cursor this
    /// client did not write is a [`NetworkError::Protocol`] error.
    pub async fn search(&self, query: &str, cursor: Option<&str>, limit: u32) -> Result<Page, NetworkError> {
        let limit = limit.clamp(1, MAX_PAGE_SIZE);
        let mark = match cursor {
            Some(c) => Some(Mark::parse(c).ok_or_else(|| xrpc::protocol("not a cursor from a Bluesky search"))?),
            None => None,
        };
        let mut found: Vec<Mapped> = Vec::new();
        let mut server_cursor: Option<String> = None;
        // Whether everything after the mark was seen (always, without a mark: one page suffices).
        let mut complete = false;
        for _ in 0..MAX_PAGES {
            let mut params: Vec<(&str, String)> =
                vec![("q", query.to_owned()), ("sort", "latest".to_owned()), ("limit", limit.to_string())];
            if let Some(mark) = &mark {
                params.push(("since", mark.since_param()));
            }
            if let Some(c) = &server_cursor {
                params.push(("cursor", c.clone()));
            }
            let page: SearchPostsOutput = self.get("app.bsky.feed.searchPosts", &params).await?;
            let count = page.posts.len();
            let mut passed_mark = false;
            for raw in page.posts {
                let Some(mapped) = view::map_post(raw, &self.web_base) else { continue };
                match &mark {
                    Some(m) if !m.is_before(mapped.sort_at, &mapped.post.remote_id) => {
                        // Posts at the mark's own instant may still straddle it: keep reading.
                        passed_mark |= mapped.sort_at < m.at;
                    }
                    _ => found.push(mapped),
                }
            }
            server_cursor = page.cursor.filter(|c| !c.is_empty());
            if mark.is_none() || passed_mark || server_cursor.is_none() || count == 0 {
                complete = true;
                break;
            }
        }
        if !complete {
            tracing::warn!(query, "Bluesky: more new posts than {MAX_PAGES} pages; the oldest are skipped");
        }
        // Newest first, then unique by URI (pages can overlap while new posts arrive).
        found.sort_by(|a, b| b.sort_at.cmp(&a.sort_at).then_with(|| a.post.remote_id.cmp(&b.post.remote_id)));
        found.dedup_by(|a, b| a.post.remote_id == b.post.remote_id);
        let keep = limit as usize;
        if mark.is_some() && complete && found.len() > keep {
            found.drain(..found.len() - keep);
        } else {
            found.truncate(keep);
        }
        let next = Mark::of_newest(found.iter().map(|m| (m.sort_at, m.post.remote_id.as_str())))
            .map(|m| m.encode())
            .or_else(|| cursor.map(str::to_owned));
        Ok(Page { posts: found.into_iter().map(|m| m.post).collect(), cursor: next })
    }

    /// A GET on an XRPC query, with the session when there are credentials; a stale token is
    /// replaced once (refresh, else new login) before giving up with [`NetworkError::Auth`].
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        nsid: &str,
        params: &[(&str, String)],
    ) -> Result<T, NetworkError> {
        let url = xrpc::method_url(&self.service, nsid)?;
        let token = self.access_token(None).await?;
        match self.get_once(&url, params, token.as_deref()).await? {
            Outcome::Ok(value) => Ok(value),
            Outcome::Failed(failure) if failure.is_auth() && self.sessions.is_some() => {
                let token = self.access_token(token.as_deref()).await?;
                match self.get_once(&url, params, token.as_deref()).await? {
                    Outcome::Ok(value) => Ok(value),
                    Outcome::Failed(failure) => Err(failure.into_error()),
                }
            }
            Outcome::Failed(failure) => Err(failure.into_error()),
        }
    }

    async fn get_once<T: serde::de::DeserializeOwned>(
        &self,
        url: &Url,
        params: &[(&str, String)],
        token: Option<&str>,
    ) -> Result<Outcome<T>, NetworkError> {
        let mut request = self.http.get(url.clone()).query(params);
        if let Some(token) = token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        xrpc::read(request.send().await?).await
    }

    /// The access token to use (`None` without credentials). Given the `stale` token that was refused, replaces
    /// it: first with `refreshSession`, then, if that fails, with a new `createSession`.
    async fn access_token(&self, stale: Option<&str>) -> Result<Option<String>, NetworkError> {
        let Some(sessions) = &self.sessions else { return Ok(None) };
        let outcome = match stale {
            Some(stale) => sessions.renew(stale).await,
            None => sessions.current().await,
        };
        match outcome {
            Ok(session) => Ok(Some(session.access_jwt)),
            Err(SessionError::Refused(failure)) if failure.status.as_u16() == 401 || failure.status.as_u16() == 400 => {
                Err(NetworkError::Auth { network: xrpc::NETWORK, message: failure.message })
            }
            Err(SessionError::Refused(failure)) => Err(failure.into_error()),
            Err(SessionError::Network(e)) => Err(e),
        }
    }
}
