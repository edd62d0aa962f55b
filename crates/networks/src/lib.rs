//! The only code that talks to social networks. Each network's module turns its API's answers into
//! [`post::FoundPost`] values; nothing here knows clients, storage or permissions.

pub mod bluesky;
pub mod error;
pub mod inbox;
pub mod mastodon;
pub mod post;
pub mod publish;

pub use error::NetworkError;
pub use post::{FoundPost, Page, SocialNetwork};
