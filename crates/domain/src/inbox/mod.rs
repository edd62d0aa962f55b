//! The inbox's vocabulary and rules: what an item is (a reply, a mention, a quote, a private message, a mention
//! from the veille to answer), its states, and its priority (questions and complaints first, then reach, then age).
//! Rules per client (rules.rs), business hours, response targets and the duty rota (hours.rs) and saved replies
//! with variables (template.rs) are pure too.

pub mod hours;
pub mod rules;
pub mod template;

use jiff::Timestamp;
use serde::Serialize;

use crate::analysis::{Intent, Sentiment};
use crate::ids::{AccountId, ClientId, InboxItemId, MentionId, UserId};
use crate::Invalid;

/// How an item reached the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Reply,
    Mention,
    Quote,
    DirectMessage,
    /// A mention from the veille marked "needs a reply".
    Listening,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] =
        [ItemKind::Reply, ItemKind::Mention, ItemKind::Quote, ItemKind::DirectMessage, ItemKind::Listening];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Reply => "reply",
            ItemKind::Mention => "mention",
            ItemKind::Quote => "quote",
            ItemKind::DirectMessage => "direct_message",
            ItemKind::Listening => "listening",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "message" | "dm" => Some(ItemKind::DirectMessage),
            other => Self::ALL.into_iter().find(|k| k.as_str() == other),
        }
    }
}

/// Where an item stands in the team's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    New,
    Assigned,
    /// Answered, waiting for the person (or the client) to come back.
    Waiting,
    Done,
}

impl ItemState {
    pub const ALL: [ItemState; 4] = [ItemState::New, ItemState::Assigned, ItemState::Waiting, ItemState::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::New => "new",
            ItemState::Assigned => "assigned",
            ItemState::Waiting => "waiting",
            ItemState::Done => "done",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Whether the item still asks something of the team.
    pub fn is_open(self) -> bool {
        !matches!(self, ItemState::Done)
    }
}

impl std::str::FromStr for ItemState {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
            .ok_or_else(|| Invalid::new("state", format!("unknown state '{s}' (new, assigned, waiting, done)")))
    }
}

/// Who wrote an item, as the network shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Author {
    /// The network's stable id (a DID, an account id); the handle for listening mentions.
    pub remote_id: String,
    pub handle: String,
    pub name: Option<String>,
    pub followers: Option<u64>,
    pub url: Option<String>,
}

impl Author {
    /// The first name a saved reply's `{prénom}` stands for: the first word of the display name, else the handle.
    pub fn first_name(&self) -> String {
        let name = self.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        match name.and_then(|n| n.split_whitespace().next()) {
            Some(first) => first.to_owned(),
            None => self.handle.split(['@', '.']).find(|p| !p.is_empty()).unwrap_or(&self.handle).to_owned(),
        }
    }
}

/// An item about to enter the inbox (from an account's notifications or from the veille).
#[derive(Debug, Clone, PartialEq)]
pub struct NewInboxItem {
    pub client_id: ClientId,
    pub account_id: Option<AccountId>,
    pub mention_id: Option<MentionId>,
    /// `bluesky`, `mastodon`, or the listening source kind (`rss`…).
    pub network: String,
    pub kind: ItemKind,
    pub remote_id: String,
    pub cid: Option<String>,
    /// Items of one conversation share it (the thread's first post; for private messages too).
    pub thread_key: String,
    pub url: String,
    pub author: Author,
    pub text: String,
    pub context_text: Option<String>,
    pub in_reply_to: Option<String>,
    pub language: Option<String>,
    pub sentiment: Option<Sentiment>,
    pub sentiment_score: f32,
    pub intent: Option<Intent>,
    pub published_at: Timestamp,
    pub received_at: Timestamp,
}

/// The size an item's text is cut to before storage (the network already bounds it; this bounds the rest).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// What triage decided for a new item: rules, the duty rota and the response target applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    pub state: Option<ItemState>,
    pub assignee: Option<UserId>,
    pub urgent: bool,
    pub hidden: bool,
    pub labels: Vec<String>,
    pub due_at: Option<Timestamp>,
    /// Old history read by an account's first sync: stored closed, without a deadline, and left out of response
    /// times (nobody was asked to answer it here).
    pub history: bool,
}

/// How old an item read by an account's first sync may be and still be open: older ones are history.
pub const FIRST_SYNC_OPEN_DAYS: i64 = 7;

/// An item as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboxItem {
    pub id: InboxItemId,
    pub client_id: ClientId,
    pub account_id: Option<AccountId>,
    pub mention_id: Option<MentionId>,
    pub network: String,
    pub kind: ItemKind,
    pub remote_id: String,
    pub cid: Option<String>,
    pub thread_key: String,
    pub url: String,
    pub author: Author,
    pub text: String,
    pub context_text: Option<String>,
    pub in_reply_to: Option<String>,
    pub language: Option<String>,
    pub sentiment: Option<Sentiment>,
    pub sentiment_score: f32,
    pub intent: Option<Intent>,
    pub published_at: Timestamp,
    pub received_at: Timestamp,
    pub state: ItemState,
    pub assignee: Option<UserId>,
    pub urgent: bool,
    pub hidden: bool,
    pub liked: bool,
    pub labels: Vec<String>,
    pub priority: i32,
    pub due_at: Option<Timestamp>,
    pub first_response_at: Option<Timestamp>,
    pub resolved_at: Option<Timestamp>,
    pub version: i64,
}

/// The rank an item is listed by, smallest first: urgent items, then questions, complaints and private
/// messages, then the rest, spam last; within a rank, wider reach first. Age breaks ties (oldest first) at
/// query time.
pub fn priority(urgent: bool, kind: ItemKind, intent: Option<Intent>, followers: Option<u64>) -> i32 {
    let rank = if urgent {
        0
    } else if intent == Some(Intent::Spam) {
        3
    } else if intent.is_some_and(Intent::wants_answer) || kind == ItemKind::DirectMessage {
        1
    } else {
        2
    };
    // Reach: 0 (a million followers or more) to 6 (fewer than ten).
    let reach = followers.map_or(0, |f| (f.max(1) as f64).log10().floor() as i32).clamp(0, 6);
    rank * 10 + (6 - reach)
}

/// Whether an item expects an answer within the client's response target.
pub fn expects_answer(kind: ItemKind, intent: Option<Intent>) -> bool {
    kind == ItemKind::DirectMessage || intent.is_some_and(Intent::wants_answer)
}

/// A label: 1 to 40 characters, no control characters, trimmed and lower-cased.
pub fn parse_label(value: &str) -> Result<String, Invalid> {
    let label = crate::validate::required_text("label", value, 40)?;
    Ok(label.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_complaints_come_before_praise_and_spam_last() {
        let q = priority(false, ItemKind::Reply, Some(Intent::Question), Some(10));
        let c = priority(false, ItemKind::Mention, Some(Intent::Complaint), Some(10));
        let p = priority(false, ItemKind::Reply, Some(Intent::Praise), Some(1_000_000));
        let s = priority(false, ItemKind::Reply, Some(Intent::Spam), Some(1_000_000));
        let dm = priority(false, ItemKind::DirectMessage, Some(Intent::Other), None);
        assert!(q < p && c < p && dm < p && p < s, "{q} {c} {dm} {p} {s}");
        assert!(priority(true, ItemKind::Reply, Some(Intent::Spam), None) < q, "urgent goes first");
    }

    #[test]
    fn wider_reach_goes_first_within_a_rank() {
        let small = priority(false, ItemKind::Reply, Some(Intent::Question), Some(12));
        let big = priority(false, ItemKind::Reply, Some(Intent::Question), Some(25_000));
        let unknown = priority(false, ItemKind::Reply, Some(Intent::Question), None);
        assert!(big < small && small < unknown, "{big} {small} {unknown}");
    }

    #[test]
    fn first_name_comes_from_the_display_name_else_the_handle() {
        let mut author = Author {
            remote_id: "1".into(),
            handle: "camille.bsky.social".into(),
            name: Some("Camille Durand".into()),
            followers: None,
            url: None,
        };
        assert_eq!(author.first_name(), "Camille");
        author.name = Some("  ".into());
        assert_eq!(author.first_name(), "camille");
    }

    #[test]
    fn kinds_and_states_round_trip_their_names() {
        for kind in ItemKind::ALL {
            assert_eq!(ItemKind::parse(kind.as_str()), Some(kind));
        }
        for state in ItemState::ALL {
            assert_eq!(state.as_str().parse::<ItemState>().unwrap(), state);
        }
        assert!("closed".parse::<ItemState>().unwrap_err().to_string().contains("closed"));
        assert_eq!(parse_label("  Remboursement ").unwrap(), "remboursement");
    }
}
