//! The composer's guards as one list of findings for a post: the networks' rules for each target account, the
//! client's charter, spelling and the wrong-client check. Errors block scheduling and sending for review;
//! warnings are shown while typing.

use filrouge_compose::{Draft, NetworkLimits};
use filrouge_domain::account::{Account, Network};
use filrouge_domain::client::Client;
use filrouge_domain::ids::AccountId;
use filrouge_domain::lint::{sort_findings, Finding, FindingCode};
use filrouge_domain::permission::Action;
use filrouge_domain::post::PostContent;
use filrouge_store::Tx;

use crate::access::{client_for, Actor};
use crate::error::Result;
use crate::App;

/// The length of the text for one target account, by its network's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetCount {
    pub account_id: AccountId,
    pub network: Network,
    pub handle: String,
    pub used: usize,
    pub limit: usize,
    pub hashtags: usize,
}

/// What the composer shows while typing: findings (errors first) and a counter per target account.
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    pub findings: Vec<Finding>,
    pub counts: Vec<TargetCount>,
}

impl LintReport {
    pub fn blocks(&self) -> bool {
        self.findings.iter().any(Finding::blocks)
    }
}

/// The guards of one post for one client, given its accounts (pure: no IO).
pub fn lint_content(client: &Client, accounts: &[Account], content: &PostContent) -> LintReport {
    let mut report = LintReport::default();
    if content.targets.is_empty() {
        report.findings.push(Finding::error(FindingCode::Empty, "choose at least one account to publish on"));
    }
    let require_alt = client.profile.charter.require_alt_text;
    for target in &content.targets {
        let Some(account) = accounts.iter().find(|a| a.id == target.account_id) else { continue };
        let limits = NetworkLimits::of(account.profile.network);
        let text = content.text_for(account.id);
        let cw = (!content.content_warning.is_empty()).then_some(content.content_warning.as_str());
        // Media facts come from the media library; until a post has media, the text rules are what apply.
        let draft = Draft { text, attachments: &[], content_warning: cw, require_alt };
        for finding in filrouge_compose::check(&limits, &draft) {
            if !report.findings.contains(&finding) {
                report.findings.push(finding);
            }
        }
        let count = filrouge_compose::count(&limits, text);
        report.counts.push(TargetCount {
            account_id: account.id,
            network: account.profile.network,
            handle: account.profile.handle.clone(),
            used: count.used,
            limit: count.limit,
            hashtags: count.hashtags,
        });
    }
    sort_findings(&mut report.findings);
    report
}

impl App {
    /// Every finding about `content` for `client`, errors first.
    pub(crate) async fn guard_findings(&self, tx: &mut Tx, client: &Client, content: &PostContent) -> Result<Vec<Finding>> {
        let accounts = tx.accounts_of(client.id).await?;
        Ok(lint_content(client, &accounts, content).findings)
    }

    /// The composer's live check of a draft (nothing is stored).
    pub async fn lint_post(&self, actor: &Actor, slug: &str, content: PostContent) -> Result<LintReport> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let accounts = tx.accounts_of(client.id).await?;
        Ok(lint_content(&client, &accounts, &content))
    }
}
