//! The composer's per-network rules, without IO: each network's limits (one table, with sources), counting a post
//! as the network counts it, hashtags, mentions, URLs and Bluesky facets, media probing, checks and fitting, the
//! findings of a draft, the preview as the network shows it, and link cards from a page's Open Graph tags.
//!
//! Fetching pages, uploading media and resolving Bluesky handles to DIDs belong to `filrouge-networks` and
//! `filrouge-listen`; this crate only reads bytes and text it is given.

pub mod card;
pub mod check;
pub mod count;
pub mod entities;
pub mod limits;
pub mod media;
pub mod preview;

pub use card::{open_graph, LinkCard};
pub use check::{check, Draft};
pub use count::{count, overflow_at, Count};
pub use entities::{bluesky_facets, entities, is_bluesky_handle, Entity, EntityKind, Facet, FacetFeature};
pub use limits::{AspectRange, Counting, EntityLimit, InstanceLimits, NetworkLimits};
pub use media::{check_media, fit_image, human_bytes, probe, MediaError, MAX_DECODE_PIXELS};
pub use preview::{preview, Preview, PreviewPart};
