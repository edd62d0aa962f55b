//! Persistence of Fil Rouge on SQLite (the embedded default) and PostgreSQL.
//!
//! One SQL text serves both engines (`$1` placeholders, `RETURNING`, `ON CONFLICT`, times as
//! BIGINT milliseconds); each engine has its own migrations folder for the DDL that differs.
//! Every operation runs inside a [`Tx`]; the `on_tx!` macro runs the same query on whichever
//! engine the transaction belongs to. This crate knows SQL and nothing of HTTP or permissions.

mod accounts;
mod alerts;
mod clients;
mod connect;
mod deliveries;
mod error;
mod inbox;
mod journal;
mod media;
mod mentions;
mod oauth;
mod params;
mod planning;
mod posts;
mod queries;
mod reviews;
mod rows;
mod sessions;
mod sources;
mod tx;
mod users;

pub use accounts::SealedSecret;
pub use alerts::{DeliveryKind, DigestDue, PendingDelivery};
pub use connect::redact_url;
pub use connect::{Engine, Store};
pub use deliveries::{Delivery, NewDelivery};
pub use error::StoreError;
pub use inbox::{InboxCursor, InboxFilter, InboxNote, InboxReply, InboxSettingsRecord, ResponseRecord, SavedReply};
pub use journal::JournalQuery;
pub use media::MediaRecord;
pub use mentions::{IndexedMention, IngestOutcome, MatchableMention, MentionSourceRef, NEAR_DUPLICATE_BITS};
pub use oauth::{MastodonAppRecord, OAuthPendingRecord};
pub use posts::NewPost;
pub use queries::{ActiveQuery, NewHit};
pub use reviews::{PostComment, ReviewLink};
pub use sessions::SessionRecord;
pub use sources::FetchRecord;
pub use tx::{Handle, Tx};
pub use users::{NewUser, UserCredentials};
