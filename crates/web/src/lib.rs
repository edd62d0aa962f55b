//! The web application of Fil Rouge: axum routes, server-rendered pages and static assets.
//! The only crate that knows HTTP and HTML. It asks the application layer for everything and
//! decides nothing about permissions itself.

mod context;
mod csrf;
mod error;
pub mod i18n;
mod metrics;
mod pages;
pub mod routes;
mod server;

use std::sync::Arc;

use filrouge_app::config::WebConfig;
use filrouge_app::App;

pub use context::{CSRF_COOKIE, SESSION_COOKIE};
pub use metrics::Metrics;
pub use server::{bind, router, serve, serve_metrics, ServeError};

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct WebState {
    pub app: App,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
    /// The largest file one upload may carry (the media library's limit; tests lower it).
    pub max_upload_bytes: usize,
}

impl WebState {
    pub fn new(app: App, config: WebConfig) -> Self {
        Self {
            app,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            max_upload_bytes: filrouge_app::media::MAX_MEDIA_BYTES,
        }
    }
}
