//! What a listening search returns, whatever the network: one post, normalised.

use jiff::Timestamp;

/// The social networks we listen to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SocialNetwork {
    Bluesky,
    Mastodon,
}

/// One post found on a network, normalised. Text is plain and HTML sanitised: the network's own
/// content is hostile input.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FoundPost {
    pub network: SocialNetwork,
    /// The network's own id (an `at://` URI on Bluesky, the status URI on Mastodon): stable.
    pub remote_id: String,
    /// The public web address of the post (what a person opens).
    pub url: String,
    pub author_handle: String,
    pub author_name: Option<String>,
    pub author_followers: Option<u64>,
    /// Plain text of the post.
    pub text: String,
    /// Sanitised HTML, when the network gives HTML (Mastodon).
    pub html: Option<String>,
    /// BCP-47 language tag given by the network, if any.
    pub language: Option<String>,
    pub published: Timestamp,
    pub likes: Option<u64>,
    pub reposts: Option<u64>,
    pub replies: Option<u64>,
}

/// A page of results and where to resume: pass `cursor` back to get only what came after.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub posts: Vec<FoundPost>,
    pub cursor: Option<String>,
}
