//! Outbound listening IO: a guarded HTTP client (no internal addresses, bounded bodies and time),
//! polite feed fetching with conditional GET and redirects, per-host limits, the social searches,
//! and the normalisation of what they return into mentions. It knows no SQL and no permissions:
//! the application decides what to fetch and stores what comes back.

pub mod fetch;
pub mod guard;
pub mod limits;
pub mod normalise;
pub mod social;

pub use fetch::{FetchError, FetchOutcome, Fetched, Validators};
pub use guard::{GuardError, HttpSettings};
/// The HTTP client the fetcher and the social searches use (built by [`guard::client`]).
pub type HttpClient = reqwest::Client;
