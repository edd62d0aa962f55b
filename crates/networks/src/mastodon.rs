//! Mastodon: hashtag timelines, search and streaming on chosen instances.
//!
//! # Cursors
//!
//! A [`Page`]'s cursor is the highest status id seen so far (Mastodon ids are numbers in strings, compared
//! as numbers). Passing it back sends it as `min_id`, not `since_id`: both return only statuses newer than
//! the cursor, but `since_id` returns the *newest* `limit` of them (so a burst of more than `limit` posts
//! between two polls leaves a gap nobody ever fetches), while `min_id` returns the ones *right after* the
//! cursor, oldest first on the server and reversed to newest-first in the answer; the next call then picks
//! up where this one stopped. The recordings of a real Mastodon 4.6 show both rules, and mastodon-mock
//! implements the same. Statuses at or below the cursor are also dropped here, in case a server ignores
//! `min_id` (mastodon-mock's v2 search does). A page with no new status gives back the cursor it was given.
//!
//! Search results on a real instance come by relevance within the `min_id` bound: a full page may leave
//! older matches unseen; ask for the largest `limit` (40) when polling search.
//!
//! [`MastodonPublisher`] publishes (`publish.rs`); [`MastodonInbox`] reads the account's mentions, replies, quotes
//! and private messages and likes them (`inbox.rs`), with the same cursor rule over notification ids.

pub mod api;
mod http;
pub mod inbox;
pub mod instance;
pub mod oauth;
pub mod publish;
mod sse;

use std::cmp::Ordering;
use std::collections::{HashSet, VecDeque};

use filrouge_feeds::sanitize::sanitize_html;
use futures_util::{Stream, StreamExt};
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use url::Url;

use self::api::{Instance, SearchResults, Status, NETWORK};
pub use self::http::MAX_BODY_BYTES;
pub use self::inbox::MastodonInbox;
pub use self::instance::{instance_limits, InstanceLimits};
pub use self::oauth::{authorize_url, exchange_code, register_app, verify, AccessToken, AppRegistration};
pub use self::publish::MastodonPublisher;
use self::sse::{SseDecoder, SseEvent};
use crate::{FoundPost, NetworkError, Page, SocialNetwork};

/// Mastodon's largest page for timelines and search.
pub const MAX_LIMIT: u32 = 40;

/// A Mastodon instance, read through its client API.
#[derive(Clone)]
pub struct Mastodon {
    http: reqwest::Client,
    instance: Url,
    token: Option<String>,
}

impl std::fmt::Debug for Mastodon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mastodon")
            .field("instance", &self.instance.as_str())
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Mastodon {
    /// `http` carries the caller's SSRF guard and time-outs; `instance` is the base URL
    /// (`https://mastodon.social/`); `token` a bearer token, when we have one for this instance.
    pub fn new(http: reqwest::Client, instance: Url, token: Option<String>) -> Self {
        Self { http, instance, token }
    }

    /// Public posts with this hashtag (with or without its `#`), newest first; `cursor` is what a previous
    /// [`Page`] returned: only posts after it come back (see the module's documentation). `limit` is
    /// clamped to 1..=40.
    pub async fn hashtag(&self, tag: &str, cursor: Option<&str>, limit: u32) -> Result<Page, NetworkError> {
        let tag = tag.trim().trim_start_matches('#');
        let mut url = self.endpoint(&self.instance, &["api", "v1", "timelines", "tag", tag]);
        url.query_pairs_mut().append_pair("limit", &clamp(limit).to_string());
        if let Some(cursor) = cursor {
            url.query_pairs_mut().append_pair("min_id", cursor);
        }
        let statuses: Vec<Status> = self.get_json(url, "hashtag timeline").await?;
        Ok(self.page(statuses, cursor))
    }

    /// Full-text search of statuses (`GET /api/v2/search?type=statuses`), newest first, same cursor rule
    /// as [`Mastodon::hashtag`]. Real instances answer only with a token, and only find what their search
    /// index holds (posts that opted in, or that the token's user interacted with).
    pub async fn search(&self, query: &str, cursor: Option<&str>, limit: u32) -> Result<Page, NetworkError> {
        let mut url = self.endpoint(&self.instance, &["api", "v2", "search"]);
        url.query_pairs_mut()
            .append_pair("q", query)
            .append_pair("type", "statuses")
            .append_pair("resolve", "false")
            .append_pair("limit", &clamp(limit).to_string());
        if let Some(cursor) = cursor {
            url.query_pairs_mut().append_pair("min_id", cursor);
        }
        let results: SearchResults = self.get_json(url, "search").await?;
        Ok(self.page(results.statuses, cursor))
    }

    /// New public posts with this hashtag as they are published, through Server-Sent Events on
    /// `GET /api/v1/streaming/hashtag?tag=`, on the streaming server the instance names in
    /// `/api/v2/instance` (`configuration.urls.streaming`, a `wss://` URL whose server also speaks SSE
    /// over `https://`), else on the instance itself.
    ///
    /// `update` events yield new posts and `status.update` events edited ones (same `remote_id`: replace
    /// what you hold); deletions and other events are ignored. A status that cannot be read yields an
    /// `Err` and the stream goes on; a broken connection or an oversized event yields an `Err` and ends
    /// it. The stream ends when the server closes it: reconnect, and catch up with [`Mastodon::hashtag`].
    /// The caller's client time-outs apply: give it a read time-out longer than the server's heartbeat
    /// (Mastodon sends one every 15 s), not a total time-out. The token, if any, goes to the streaming
    /// server the instance names (it is the instance's own; the caller's client still guards addresses).
    pub async fn stream_hashtag(
        &self,
        tag: &str,
    ) -> Result<impl Stream<Item = Result<FoundPost, NetworkError>> + Send + 'static, NetworkError> {
        let tag = tag.trim().trim_start_matches('#');
        let base = self.streaming_base().await?;
        let mut url = self.endpoint(&base, &["api", "v1", "streaming", "hashtag"]);
        url.query_pairs_mut().append_pair("tag", tag);
        let resp = http::check(self.request(url).header(ACCEPT, "text/event-stream").send().await?).await?;
        let content_type =
            resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
        if !content_type.starts_with("text/event-stream") {
            return Err(NetworkError::Protocol {
                network: NETWORK,
                message: format!("streaming answered {content_type:?}, not text/event-stream"),
            });
        }
        let state = StreamState {
            bytes: Box::pin(resp.bytes_stream()),
            decoder: SseDecoder::default(),
            ready: VecDeque::new(),
            done: false,
            instance: self.instance.clone(),
        };
        Ok(futures_util::stream::unfold(state, StreamState::next))
    }

    /// A status as a [`FoundPost`] (the boosted status for a boost); `None` when it has no usable web
    /// address (neither `url` nor `uri` is an http(s) URL), which we never show.
    pub fn found_post(&self, status: &Status) -> Option<FoundPost> {
        found_post(status, &self.instance)
    }

    /// Where the streaming server is: `/api/v2/instance`'s `configuration.urls.streaming` with `ws(s)`
    /// read as `http(s)`, else the instance itself (older servers, or no URL given).
    async fn streaming_base(&self) -> Result<Url, NetworkError> {
        let url = self.endpoint(&self.instance, &["api", "v2", "instance"]);
        match self.get_json::<Instance>(url, "instance").await {
            Ok(instance) => match instance.streaming_url() {
                Some(streaming) => http_streaming_url(streaming),
                None => Ok(self.instance.clone()),
            },
            Err(NetworkError::Status { .. } | NetworkError::Protocol { .. }) => Ok(self.instance.clone()),
            Err(e) => Err(e),
        }
    }

    fn endpoint(&self, base: &Url, segments: &[&str]) -> Url {
        endpoint(base, segments)
    }

    fn request(&self, url: Url) -> reqwest::RequestBuilder {
        let req = self.http.get(url);
        match &self.token {
            Some(token) => req.bearer_auth(token),
            None => req,
        }
    }

    async fn get_json<T: DeserializeOwned>(&self, url: Url, what: &str) -> Result<T, NetworkError> {
        tracing::debug!(url = %url, "mastodon request");
        let resp = http::check(self.request(url).header(ACCEPT, "application/json").send().await?).await?;
        let body = http::read_capped(resp, MAX_BODY_BYTES).await?;
        api::parse(&body, what)
    }

    fn page(&self, statuses: Vec<Status>, cursor: Option<&str>) -> Page {
        let newest = statuses.iter().map(|s| s.id.as_str()).chain(cursor).max_by(|a, b| compare_ids(a, b));
        let newest = newest.map(str::to_owned);
        let mut fresh: Vec<Status> = statuses
            .into_iter()
            .filter(|s| cursor.is_none_or(|c| compare_ids(&s.id, c) == Ordering::Greater))
            .collect();
        fresh.sort_by(|a, b| compare_ids(&b.id, &a.id));
        let mut seen = HashSet::new();
        let posts =
            fresh.iter().filter_map(|s| self.found_post(s)).filter(|p| seen.insert(p.remote_id.clone())).collect();
        Page { posts, cursor: newest }
    }
}

/// What [`Mastodon::stream_hashtag`]'s stream carries between two items.
struct StreamState<S> {
    bytes: std::pin::Pin<Box<S>>,
    decoder: SseDecoder,
    ready: VecDeque<Result<FoundPost, NetworkError>>,
    done: bool,
    instance: Url,
}

impl<S, B> StreamState<S>
where
    S: Stream<Item = Result<B, reqwest::Error>>,
    B: AsRef<[u8]>,
{
    async fn next(mut self) -> Option<(Result<FoundPost, NetworkError>, Self)> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some((item, self));
            }
            if self.done {
                return None;
            }
            match self.bytes.next().await {
                Some(Ok(chunk)) => match self.decoder.push(chunk.as_ref()) {
                    Ok(events) => {
                        for event in events {
                            if let Some(item) = self.event(event) {
                                self.ready.push_back(item);
                            }
                        }
                    }
                    Err(e) => {
                        self.done = true;
                        self.ready.push_back(Err(e));
                    }
                },
                Some(Err(e)) => {
                    self.done = true;
                    self.ready.push_back(Err(e.into()));
                }
                None => self.done = true,
            }
        }
    }

    fn event(&self, event: SseEvent) -> Option<Result<FoundPost, NetworkError>> {
        if event.event != "update" && event.event != "status.update" {
            return None;
        }
        match api::parse::<Status>(event.data.as_bytes(), "streamed status") {
            Ok(status) => found_post(&status, &self.instance).map(Ok),
            Err(e) => Some(Err(e)),
        }
    }
}

/// `base` with these path segments appended (each escaped), without query or fragment.
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

fn clamp(limit: u32) -> u32 {
    limit.clamp(1, MAX_LIMIT)
}

/// Orders status ids: as numbers when both are (Mastodon's snowflakes, in strings of varying length),
/// else as strings (sortable ids of other servers).
pub fn compare_ids(a: &str, b: &str) -> Ordering {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if numeric(a) && numeric(b) {
        let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

/// The streaming server's URL for SSE: `wss` becomes `https`, `ws` becomes `http`.
fn http_streaming_url(streaming: &str) -> Result<Url, NetworkError> {
    let bad = |why: &str| NetworkError::Protocol {
        network: NETWORK,
        message: format!("streaming URL {streaming:?} from the instance {why}"),
    };
    let mut url = Url::parse(streaming.trim()).map_err(|_| bad("is not a URL"))?;
    let scheme = match url.scheme() {
        "wss" | "https" => "https",
        "ws" | "http" => "http",
        _ => return Err(bad("is neither ws(s) nor http(s)")),
    };
    url.set_scheme(scheme).map_err(|()| bad("cannot be read as http(s)"))?;
    Ok(url)
}

fn web_url(s: &str) -> Option<String> {
    Url::parse(s).ok().filter(|u| matches!(u.scheme(), "http" | "https")).map(|u| u.to_string())
}

/// `acct` with the instance's host (and port when not the default) for local accounts: `ada@host`.
fn author_handle(acct: &str, instance: &Url) -> String {
    if acct.contains('@') {
        return acct.to_owned();
    }
    let host = instance.host_str().unwrap_or_default().to_ascii_lowercase();
    match instance.port() {
        Some(port) => format!("{acct}@{host}:{port}"),
        None => format!("{acct}@{host}"),
    }
}

fn found_post(status: &Status, instance: &Url) -> Option<FoundPost> {
    let status = status.reblog.as_deref().unwrap_or(status);
    let Some(url) = status.url.as_deref().and_then(web_url).or_else(|| web_url(&status.uri)) else {
        tracing::warn!(id = %status.id, "mastodon status without an http(s) address: skipped");
        return None;
    };
    let safe = sanitize_html(&status.content, Some(instance));
    let spoiler = status.spoiler_text.trim();
    let text = if spoiler.is_empty() { safe.text } else { format!("{spoiler}\n\n{}", safe.text).trim().to_owned() };
    let count = |n: i64| u64::try_from(n).ok();
    let display_name = status.account.display_name.trim();
    Some(FoundPost {
        network: SocialNetwork::Mastodon,
        remote_id: status.uri.clone(),
        url,
        author_handle: author_handle(&status.account.acct, instance),
        author_name: (!display_name.is_empty()).then(|| display_name.to_owned()),
        author_followers: status.account.followers_count.and_then(count),
        text,
        html: Some(safe.html),
        language: status.language.clone().filter(|l| !l.trim().is_empty()),
        published: status.created_at,
        likes: count(status.favourites_count),
        reposts: count(status.reblogs_count),
        replies: count(status.replies_count),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_as_numbers_when_they_are_numbers() {
        assert_eq!(compare_ids("117020593741189701", "99999999999"), Ordering::Greater);
        assert_eq!(compare_ids("0042", "42"), Ordering::Equal);
        assert_eq!(compare_ids("9", "10"), Ordering::Less);
        assert_eq!(compare_ids("AbC", "AbD"), Ordering::Less);
    }

    #[test]
    fn local_accounts_get_the_instance_host_and_remote_ones_keep_theirs() {
        let instance = Url::parse("https://Mastodon.Example/").unwrap();
        assert_eq!(author_handle("ada", &instance), "ada@mastodon.example");
        assert_eq!(author_handle("bob@other.example", &instance), "bob@other.example");
        let local = Url::parse("http://127.0.0.1:3000").unwrap();
        assert_eq!(author_handle("ada", &local), "ada@127.0.0.1:3000");
    }

    #[test]
    fn the_streaming_url_is_read_as_http() {
        assert_eq!(http_streaming_url("wss://streaming.example").unwrap().as_str(), "https://streaming.example/");
        assert_eq!(http_streaming_url("ws://localhost:4000").unwrap().as_str(), "http://localhost:4000/");
        assert!(http_streaming_url("ftp://x").is_err());
        assert!(http_streaming_url("not a url").is_err());
    }

    #[test]
    fn only_http_addresses_are_kept() {
        assert_eq!(web_url("javascript:alert(1)"), None);
        assert_eq!(web_url("https://a.example/@b/1").as_deref(), Some("https://a.example/@b/1"));
    }
}
