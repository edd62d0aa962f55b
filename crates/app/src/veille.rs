//! The equipment of Veille II, built once per process: the analyser of incoming mentions, the
//! compiled book of every active listening query (rebuilt when the database says the queries
//! changed), the mailer of alerts and the signal that wakes it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use filrouge_analysis::Analyzer;
use filrouge_domain::ids::QueryId;
use filrouge_query::Matcher;
use filrouge_store::{ActiveQuery, Tx};
use tokio::sync::Notify;

use crate::config::{AnalysisConfig, MailConfig};
use crate::error::{AppError, Result};
use crate::mailer::Mailer;

/// Every active query of every client, compiled into one matcher.
#[derive(Debug)]
pub struct QueryBook {
    /// The database's book version this was built from (-1: never built).
    pub version: i64,
    pub matcher: Matcher,
    pub queries: HashMap<QueryId, ActiveQuery>,
}

impl QueryBook {
    fn empty() -> Self {
        Self { version: -1, matcher: Matcher::new(std::iter::empty()), queries: HashMap::new() }
    }

    /// Compiles the queries; one that no longer parses (the language got stricter) is left out
    /// and logged, never fatal.
    pub fn build(version: i64, active: Vec<ActiveQuery>) -> Self {
        let mut parsed = Vec::with_capacity(active.len());
        let mut queries = HashMap::with_capacity(active.len());
        for q in active {
            match filrouge_query::parse(&q.query) {
                Ok(p) => {
                    parsed.push((q.id.0 as u64, p));
                    queries.insert(q.id, q);
                }
                Err(e) => tracing::warn!(query = q.id.0, error = %e, "a stored listening query does not parse"),
            }
        }
        Self { version, matcher: Matcher::new(parsed), queries }
    }
}

/// Analysis, queries and alerts of this process.
pub struct Veille {
    /// `None` only if the embedded lexicons failed to load (a build defect, logged): mentions are
    /// then stored neutral.
    pub(crate) analyzer: Option<Arc<Analyzer>>,
    book: RwLock<Arc<QueryBook>>,
    pub(crate) mailer: Option<Mailer>,
    /// Rung after a commit that queued alert e-mails.
    pub(crate) alerts_queued: Notify,
    /// The address people reach the app at, for links in e-mails and feeds.
    pub(crate) public_url: String,
}

impl std::fmt::Debug for Veille {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Veille")
            .field("languages", &self.analyzer.as_ref().map(|a| a.languages().to_vec()))
            .field("mailer", &self.mailer.is_some())
            .finish()
    }
}

impl Veille {
    /// From the configuration; an unknown language or an unusable mail setting is an error naming it.
    pub fn new(analysis: &AnalysisConfig, mail: &MailConfig, public_url: &str) -> Result<Self> {
        let langs: Vec<&str> = analysis.languages.iter().map(String::as_str).collect();
        let analyzer = Analyzer::new(&langs)
            .map_err(|e| AppError::Invalid(filrouge_domain::Invalid::new("analysis.languages", e.to_string())))?;
        Ok(Self {
            analyzer: Some(Arc::new(analyzer)),
            book: RwLock::new(Arc::new(QueryBook::empty())),
            mailer: Mailer::new(mail)?,
            alerts_queued: Notify::new(),
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Defaults: every default language, no mail server.
    pub fn defaults() -> Self {
        let analyzer = match Analyzer::new(Analyzer::default_languages()) {
            Ok(a) => Some(Arc::new(a)),
            Err(e) => {
                tracing::error!(error = %e, "the analyser cannot start; mentions are stored without analysis");
                None
            }
        };
        Self {
            analyzer,
            book: RwLock::new(Arc::new(QueryBook::empty())),
            mailer: None,
            alerts_queued: Notify::new(),
            public_url: "http://localhost:8080".into(),
        }
    }

    /// Language (declared if configured, else detected) and analysis of a title and a text: the one
    /// code path of the poller, the streams, the backlog and `filrouge analyze`.
    pub fn analyse(
        &self,
        title: &str,
        text: &str,
        declared_lang: Option<&str>,
    ) -> (Option<&'static str>, filrouge_domain::analysis::MentionAnalysis) {
        let joined;
        let input = if title.is_empty() || text.starts_with(title) {
            text
        } else {
            joined = format!("{title}\n{text}");
            &joined
        };
        match &self.analyzer {
            Some(analyzer) => {
                let a = analyzer.analyze(input, declared_lang);
                (a.lang, crate::matching::to_domain(&a))
            }
            None => (None, crate::matching::NEUTRAL),
        }
    }

    fn cached(&self) -> Arc<QueryBook> {
        self.book.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The book as of the database seen by `tx`, rebuilt when a query changed anywhere.
    pub(crate) async fn book(&self, tx: &mut Tx) -> Result<Arc<QueryBook>> {
        let version = tx.query_book_version().await?;
        let cached = self.cached();
        if cached.version == version {
            return Ok(cached);
        }
        let active = tx.active_queries().await?;
        let built = Arc::new(QueryBook::build(version, active));
        let mut slot = self.book.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.version < built.version {
            *slot = built.clone();
        }
        Ok(built)
    }
}
