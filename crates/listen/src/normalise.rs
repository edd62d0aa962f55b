//! What sources return, turned into archive records: the dedup key (canonical URL, else the
//! network's own id), the site, dates bounded by now, sizes bounded, the near-duplicate
//! fingerprint for texts long enough to tell.

use filrouge_domain::mention::{Author, Engagement, NewMention};
use filrouge_domain::source::SourceKind;
use filrouge_feeds::canonical::canonical_url;
use filrouge_feeds::neardup;
use filrouge_feeds::{FeedItem, ParsedFeed};
use filrouge_networks::{FoundPost, SocialNetwork};
use jiff::Timestamp;
use url::Url;

/// Texts shorter than this are not fingerprinted: short posts repeat by chance ("Merci !").
pub const MIN_FINGERPRINT_CHARS: usize = 200;

/// The host of an address, lower case, without `www.`.
pub fn site_of(url: &str) -> Option<String> {
    let parsed = Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").map(str::to_owned).unwrap_or(host))
}

fn fingerprint(text: &str) -> Option<u64> {
    (text.chars().count() >= MIN_FINGERPRINT_CHARS).then(|| neardup::fingerprint(text))
}

/// A feed item as a mention. Items without a date get the fetch time; dates in the future are
/// brought back to now (a wrong clock on a blog must not pin an item on top for a year).
pub fn from_feed_item(item: &FeedItem, feed: &ParsedFeed, feed_url: &Url, now: Timestamp) -> NewMention {
    let url = item.url.clone().unwrap_or_else(|| feed.site_url.clone().unwrap_or_else(|| feed_url.to_string()));
    let dedup_key = item.url.as_deref().and_then(canonical_url).unwrap_or_else(|| {
        format!("feed:{}#{}", canonical_url(feed_url.as_str()).unwrap_or_else(|| feed_url.to_string()), item.id)
    });
    let site = site_of(&url).or_else(|| site_of(feed_url.as_str())).unwrap_or_default();
    let author = item.author.as_ref();
    let name = author.and_then(|a| a.name.clone());
    let handle = name.clone().or_else(|| author.and_then(|a| a.email.clone())).unwrap_or_default();
    let published = item.published.or(item.updated).unwrap_or(now).min(now);
    NewMention {
        dedup_key,
        source_kind: SourceKind::Feed,
        url,
        site,
        author: Author { handle, name, followers: None },
        title: item.title.clone().unwrap_or_default(),
        text: item.text.clone(),
        html: item.html.clone(),
        lang: item.language.clone().or_else(|| feed.language.clone()).map(|l| l.to_ascii_lowercase()),
        published,
        engagement: Engagement::default(),
        fingerprint: fingerprint(&item.text),
        analysis: None,
    }
    .bounded()
}

/// A social post as a mention.
pub fn from_post(post: &FoundPost, now: Timestamp) -> NewMention {
    let dedup_key = canonical_url(&post.url).unwrap_or_else(|| post.remote_id.clone());
    let kind = match post.network {
        SocialNetwork::Bluesky => SourceKind::Bluesky,
        SocialNetwork::Mastodon => SourceKind::Mastodon,
    };
    NewMention {
        dedup_key,
        source_kind: kind,
        url: post.url.clone(),
        site: site_of(&post.url).unwrap_or_default(),
        author: Author {
            handle: post.author_handle.clone(),
            name: post.author_name.clone(),
            followers: post.author_followers,
        },
        title: String::new(),
        text: post.text.clone(),
        html: post.html.clone().unwrap_or_default(),
        lang: post.language.clone().map(|l| l.to_ascii_lowercase()),
        published: post.published.min(now),
        engagement: Engagement { likes: post.likes, reposts: post.reposts, replies: post.replies },
        fingerprint: fingerprint(&post.text),
        analysis: None,
    }
    .bounded()
}
