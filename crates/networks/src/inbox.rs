//! The inbox behind one trait: what the inbox asks of any network (the replies, mentions, quotes and private
//! messages an account received since a cursor, with their thread; liking one), so X, Facebook Pages, Instagram
//! and LinkedIn plug in later as further implementations. Replying goes through [`crate::publish::Publisher`]
//! (an [`crate::publish::OutgoingPost`] with `reply_to`), deleting one's own reply too.

use jiff::Timestamp;

use crate::publish::{BoxFuture, PublishError};

/// How an item reached the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncomingKind {
    /// An answer to one of the account's posts (or to an answer in one of its threads).
    Reply,
    /// A post naming the account.
    Mention,
    /// A post quoting one of the account's posts.
    Quote,
    /// A private message (Mastodon: a status with `direct` visibility).
    DirectMessage,
}

/// Who wrote an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAuthor {
    /// The network's stable id for the person (a DID, a Mastodon account id).
    pub remote_id: String,
    /// `@name.bsky.social`, `name@instance` (without a leading `@`).
    pub handle: String,
    pub display_name: Option<String>,
    pub followers: Option<u64>,
    /// Their profile's public address.
    pub url: Option<String>,
}

/// One item received by an account, normalised. Text is plain (HTML made text, sanitised), bounded in size, and
/// holds whatever hostile characters the network gave: whoever shows it escapes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingItem {
    pub kind: IncomingKind,
    /// The network's id of the post or message (`at://…`, a Mastodon status id): unique per account.
    pub remote_id: String,
    /// Bluesky's content id (needed to like or answer it); `None` elsewhere.
    pub cid: Option<String>,
    /// Its public address (empty for a private message without one).
    pub url: String,
    pub author: RemoteAuthor,
    pub text: String,
    /// BCP-47 tag given by the network, if any.
    pub language: Option<String>,
    pub published: Timestamp,
    /// The remote id of the post it answers, if it answers one.
    pub in_reply_to: Option<String>,
    /// The remote id of the first post of its thread (itself when it starts one): items of one thread share it.
    pub thread_root: String,
    /// The text of the post it answers or quotes, when the network gives it cheaply (shown as context).
    pub context_text: Option<String>,
    /// The remote id of the quoted post (quotes only).
    pub quoted: Option<String>,
}

/// A page of received items, oldest first, and the cursor to store *with them* (in the same transaction): passing
/// it back returns only what came after. `more` says another call would return more right now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncomingPage {
    pub items: Vec<IncomingItem>,
    pub cursor: Option<String>,
    pub more: bool,
}

/// The inbox side of one connected account. Implementations hold their credentials and HTTP client.
pub trait InboxReader: Send + Sync {
    /// What the account received after `cursor` (from the oldest the network keeps, or its most recent, when `None`), at most about `limit` items.
    /// Items at or before the cursor are never returned again; a burst larger than `limit` is not skipped: the
    /// next call with the returned cursor continues it.
    fn received<'a>(&'a self, cursor: Option<&'a str>, limit: u32)
        -> BoxFuture<'a, Result<IncomingPage, PublishError>>;

    /// Likes (favourites) an item, named by its `remote_id` (and `cid` on Bluesky). Liking twice is not an error.
    fn like<'a>(&'a self, remote_id: &'a str, cid: Option<&'a str>) -> BoxFuture<'a, Result<(), PublishError>>;

    /// Hides (or shows again) a reply in one of the account's own threads, where the network lets the author of a
    /// thread do that (Bluesky's threadgate `hiddenReplies`). `Ok(false)`: the network has no such thing here (the
    /// thread is not the account's, or the network never offers it — the default); hiding then stays in Fil Rouge.
    fn hide<'a>(
        &'a self,
        _remote_id: &'a str,
        _thread_root: &'a str,
        _hidden: bool,
    ) -> BoxFuture<'a, Result<bool, PublishError>> {
        Box::pin(async { Ok(false) })
    }
}
