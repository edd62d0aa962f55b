//! Bluesky post views (`app.bsky.feed.defs#postView`) as the AppView sends them, and their mapping
//! to [`FoundPost`]. Every field is hostile input: sizes are capped, odd values dropped.

use jiff::Timestamp;
use serde::Deserialize;
use url::Url;

use super::xrpc::truncate;
use crate::{FoundPost, SocialNetwork};

/// Longest post text kept, in bytes (Bluesky allows 300 graphemes, about 3000 bytes).
pub const MAX_TEXT_BYTES: usize = 10_000;
pub(crate) const MAX_NAME_BYTES: usize = 640;
pub(crate) const MAX_HANDLE_BYTES: usize = 253;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchPostsOutput {
    #[serde(default)]
    pub(crate) cursor: Option<String>,
    /// Kept raw so one malformed post does not spoil the page.
    #[serde(default)]
    pub(crate) posts: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PostView {
    pub(crate) uri: String,
    pub(crate) author: Author,
    #[serde(default)]
    pub(crate) record: Record,
    pub(crate) indexed_at: String,
    pub(crate) like_count: Option<u64>,
    pub(crate) repost_count: Option<u64>,
    pub(crate) reply_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Author {
    pub(crate) handle: String,
    pub(crate) display_name: Option<String>,
    pub(crate) followers_count: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Record {
    #[serde(default)]
    pub(crate) text: Option<String>,
    pub(crate) created_at: Option<String>,
    #[serde(default)]
    pub(crate) langs: Option<Vec<serde_json::Value>>,
}

/// A mapped post and the time the AppView sorts it by.
#[derive(Debug)]
pub(crate) struct Mapped {
    pub(crate) post: FoundPost,
    pub(crate) sort_at: Timestamp,
}

/// Maps one post view; `None` (the post is skipped) when it has no usable URI or time.
pub(crate) fn map_post(raw: serde_json::Value, web_base: &Url) -> Option<Mapped> {
    let view: PostView = match serde_json::from_value(raw) {
        Ok(view) => view,
        Err(e) => {
            tracing::warn!(error = %e, "Bluesky: skipping a post view that does not decode");
            return None;
        }
    };
    let (did, rkey) = split_post_uri(&view.uri)?;
    let indexed_at: Option<Timestamp> = view.indexed_at.parse().ok();
    let created_at: Option<Timestamp> = view.record.created_at.as_deref().and_then(|t| t.parse().ok());
    let published = created_at.or(indexed_at)?;
    // What the AppView sorts "latest" by: the earlier of the two, so a post dated in the future
    // sorts at its indexing time.
    let sort_at = match (created_at, indexed_at) {
        (Some(c), Some(i)) => c.min(i),
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => return None,
    };
    let handle = truncate(&view.author.handle, MAX_HANDLE_BYTES);
    let url = post_url(web_base, if valid_handle(&handle) { &handle } else { did }, rkey)?;
    let post = FoundPost {
        network: SocialNetwork::Bluesky,
        remote_id: view.uri.clone(),
        url,
        author_handle: if valid_handle(&handle) { handle } else { did.to_owned() },
        author_name: view.author.display_name.map(|n| truncate(n.trim(), MAX_NAME_BYTES)).filter(|n| !n.is_empty()),
        author_followers: view.author.followers_count,
        text: truncate(view.record.text.as_deref().unwrap_or_default(), MAX_TEXT_BYTES),
        html: None,
        language: view.record.langs.as_deref().and_then(<[_]>::first).and_then(|l| l.as_str()).and_then(language),
        published,
        likes: view.like_count,
        reposts: view.repost_count,
        replies: view.reply_count,
    };
    Some(Mapped { post, sort_at })
}

/// `at://<did>/app.bsky.feed.post/<rkey>` → `(did, rkey)`.
pub(crate) fn split_post_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("at://")?;
    let mut parts = rest.split('/');
    let (did, collection, rkey) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = parts.next().is_none()
        && collection == "app.bsky.feed.post"
        && did.starts_with("did:")
        && !rkey.is_empty()
        && rkey.len() <= 512
        && rkey.chars().all(|c| c.is_ascii_alphanumeric() || "._:~-".contains(c));
    ok.then_some((did, rkey))
}

/// A handle the web app can show: a DNS name, not the `handle.invalid` placeholder.
pub(crate) fn valid_handle(handle: &str) -> bool {
    handle != "handle.invalid"
        && handle.contains('.')
        && handle.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// `<web base>/profile/<handle or did>/post/<rkey>`.
pub(crate) fn post_url(web_base: &Url, actor: &str, rkey: &str) -> Option<String> {
    let mut url = web_base.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.path_segments_mut().ok()?.pop_if_empty().extend(["profile", actor, "post", rkey]);
    Some(url.into())
}

/// A plausible BCP-47 tag (letters, digits, hyphens; at most 35 bytes), else `None`.
pub(crate) fn language(tag: &str) -> Option<String> {
    let ok = !tag.is_empty()
        && tag.len() <= 35
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && tag.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    ok.then(|| tag.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn base() -> Url {
        Url::parse("https://bsky.app").unwrap()
    }

    fn view() -> serde_json::Value {
        json!({
            "uri": "at://did:plc:abc/app.bsky.feed.post/3kxyz",
            "cid": "bafy",
            "author": {"did": "did:plc:abc", "handle": "alice.test", "displayName": "Alice "},
            "record": {"$type": "app.bsky.feed.post", "text": "<b>bonjour</b>", "createdAt": "2025-01-01T10:00:00.000Z", "langs": ["fr"]},
            "indexedAt": "2025-01-01T10:00:01.000Z",
            "likeCount": 2, "repostCount": 1, "replyCount": 0
        })
    }

    #[test]
    fn a_post_view_maps_to_a_found_post() {
        let m = map_post(view(), &base()).unwrap();
        assert_eq!(m.post.url, "https://bsky.app/profile/alice.test/post/3kxyz");
        assert_eq!(m.post.text, "<b>bonjour</b>");
        assert_eq!(m.post.author_name.as_deref(), Some("Alice"));
        assert_eq!(m.post.language.as_deref(), Some("fr"));
        assert_eq!(m.post.published.to_string(), "2025-01-01T10:00:00Z");
        assert_eq!(m.sort_at.to_string(), "2025-01-01T10:00:00Z");
        assert_eq!((m.post.likes, m.post.reposts, m.post.replies), (Some(2), Some(1), Some(0)));
    }

    #[test]
    fn an_unparsable_creation_time_falls_back_to_the_indexing_time() {
        let mut v = view();
        v["record"]["createdAt"] = json!("yesterday");
        let m = map_post(v, &base()).unwrap();
        assert_eq!(m.post.published.to_string(), "2025-01-01T10:00:01Z");
    }

    #[test]
    fn hostile_fields_are_capped_or_dropped() {
        let mut v = view();
        v["record"]["text"] = json!("x".repeat(MAX_TEXT_BYTES * 3));
        v["record"]["langs"] = json!(["<script>"]);
        v["author"]["handle"] = json!("handle.invalid");
        let m = map_post(v, &base()).unwrap();
        assert_eq!(m.post.text.len(), MAX_TEXT_BYTES);
        assert_eq!(m.post.language, None);
        assert_eq!(m.post.url, "https://bsky.app/profile/did:plc:abc/post/3kxyz");
        let mut v = view();
        v["uri"] = json!("at://did:plc:abc/app.bsky.feed.like/3kxyz");
        assert!(map_post(v, &base()).is_none());
    }
}
