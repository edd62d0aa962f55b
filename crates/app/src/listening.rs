//! The listening equipment of the application: the guarded fetcher, the polling policy, the
//! per-host limits, and the search index when this process keeps one.

use std::sync::Arc;
use std::time::Duration;

use filrouge_domain::schedule::PollPolicy;
use filrouge_listen::guard::{self, HttpSettings};
use filrouge_listen::limits::HostLimiter;
use filrouge_listen::HttpClient;
use jiff::SignedDuration;

use crate::config::ListenConfig;
use crate::search_index::SearchIndex;

/// What polling and discovery need, built once from the configuration.
#[derive(Debug)]
pub struct Listening {
    pub(crate) http: Option<HttpClient>,
    /// For long-lived streams: no total time limit, a read time-out.
    pub(crate) streaming_http: Option<HttpClient>,
    pub(crate) settings: HttpSettings,
    pub(crate) policy: PollPolicy,
    pub(crate) limiter: HostLimiter,
    pub(crate) concurrency: usize,
    pub(crate) index: Option<Arc<SearchIndex>>,
}

fn minutes(m: u32) -> SignedDuration {
    SignedDuration::from_mins(i64::from(m))
}

impl Listening {
    pub fn new(config: &ListenConfig, index: Option<Arc<SearchIndex>>) -> Self {
        let settings = HttpSettings {
            allow_private: config.allow_private_addresses,
            timeout: Duration::from_secs(config.timeout_secs.max(1)),
            max_body_bytes: config.max_body_bytes.max(1024),
            ..HttpSettings::default()
        };
        let http = match guard::client(&settings) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::error!(error = %e, "cannot build the HTTP client; sources will not be fetched");
                None
            }
        };
        let streaming_http = guard::streaming_client(&settings).ok();
        Self {
            http,
            streaming_http,
            settings,
            policy: PollPolicy {
                interval: minutes(config.poll_interval_minutes),
                min_interval: minutes(config.min_interval_minutes),
                max_interval: minutes(config.max_interval_minutes),
                max_backoff: minutes(config.max_backoff_minutes),
            },
            limiter: HostLimiter::new(config.per_host_concurrency, config.concurrency),
            concurrency: config.concurrency.max(1),
            index,
        }
    }
}
