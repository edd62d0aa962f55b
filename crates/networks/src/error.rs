//! Errors from talking to a network, typed so callers can decide to retry, back off or give up.

/// What went wrong talking to a network.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("network request failed: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("{network} answered HTTP {status}: {message}")]
    Status { network: &'static str, status: u16, message: String },
    #[error("{network} is rate-limiting us; retry after {retry_after_secs:?} s")]
    RateLimited { network: &'static str, retry_after_secs: Option<u64> },
    #[error("unexpected answer from {network}: {message}")]
    Protocol { network: &'static str, message: String },
    #[error("bad credentials for {network}: {message}")]
    Auth { network: &'static str, message: String },
}
