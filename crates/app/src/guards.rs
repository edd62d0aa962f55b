//! The composer's guards as one list of findings for a post: the networks' rules for each target account
//! (`filrouge-compose`), the client's charter and spelling (`filrouge-lint`) and the wrong-client check
//! (`filrouge-resemblance`). Errors block scheduling and sending for review; warnings are shown while typing.
//! Each account is checked with what it sends (`text_for`, `media_for`); a finding about an account's own variant
//! names that account.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use filrouge_compose::{Draft, NetworkLimits};
use filrouge_domain::account::{Account, Network};
use filrouge_domain::client::Client;
use filrouge_domain::ids::{AccountId, ClientId, MediaId};
use filrouge_domain::lint::{sort_findings, Finding, FindingCode};
use filrouge_domain::media::MediaFacts;
use filrouge_domain::permission::Action;
use filrouge_domain::post::PostContent;
use filrouge_lint::Speller;
use filrouge_resemblance::{ProfileInput, Profiles};
use filrouge_store::Tx;
use jiff::{SignedDuration, Timestamp};
use tokio::sync::OnceCell;

use crate::access::{client_for, Actor};
use crate::error::Result;
use crate::App;

/// How many past posts of each client teach the wrong-client guard its voice.
pub const PAST_POSTS_PER_CLIENT: usize = 200;
/// How long the clients' profiles are reused before being rebuilt from the database (a change made by this
/// process rebuilds them at once).
pub const PROFILES_TTL: SignedDuration = SignedDuration::from_secs(60);

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

/// The process's guard tools: the speller (dictionaries parsed once, on first use) and the clients' profiles.
#[derive(Debug, Default)]
pub struct GuardTools {
    speller: OnceCell<Option<Arc<Speller>>>,
    profiles: Mutex<Option<(Timestamp, Arc<Profiles>)>>,
}

impl GuardTools {
    /// Forgets the profiles (a brief, charter, competitor or account changed).
    pub fn invalidate(&self) {
        if let Ok(mut p) = self.profiles.lock() {
            *p = None;
        }
    }

    async fn speller(&self) -> Option<Arc<Speller>> {
        self.speller
            .get_or_init(|| async {
                match tokio::task::spawn_blocking(Speller::new).await {
                    Ok(Ok(s)) => Some(Arc::new(s)),
                    Ok(Err(e)) => {
                        tracing::error!(error = %e, "spelling dictionaries failed to load; spelling is not checked");
                        None
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "loading the spelling dictionaries panicked");
                        None
                    }
                }
            })
            .await
            .clone()
    }
}

/// What the pure check needs beside the post: the tools, when available.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tools<'a> {
    pub speller: Option<&'a Speller>,
    pub profiles: Option<&'a Profiles>,
    /// What each Mastodon account's instance reported about its limits (read when it was connected or checked);
    /// an account without an entry gets the network's defaults.
    pub instance_limits: Option<&'a InstanceLimitsByAccount>,
}

/// Instance limits per account.
pub type InstanceLimitsByAccount =
    std::collections::HashMap<filrouge_domain::ids::AccountId, filrouge_compose::InstanceLimits>;

/// The limits an account's posts are checked against.
pub(crate) fn limits_for(account: &Account, tools: &Tools<'_>) -> NetworkLimits {
    match tools.instance_limits.and_then(|m| m.get(&account.id)) {
        Some(reported) if account.profile.network == filrouge_domain::account::Network::Mastodon => {
            NetworkLimits::mastodon_instance(reported.clone())
        }
        _ => NetworkLimits::of(account.profile.network),
    }
}

/// Reads the instance limits stored with `accounts` (those that have some).
pub(crate) async fn stored_instance_limits(tx: &mut Tx, accounts: &[Account]) -> Result<InstanceLimitsByAccount> {
    let mut out = InstanceLimitsByAccount::new();
    for account in accounts.iter().filter(|a| a.profile.network == filrouge_domain::account::Network::Mastodon) {
        if let Some(json) = tx.account_network_limits(account.id).await? {
            match serde_json::from_str(&json) {
                Ok(limits) => {
                    out.insert(account.id, limits);
                }
                Err(e) => tracing::warn!(account = %account.id, error = %e, "stored instance limits unreadable"),
            }
        }
    }
    Ok(out)
}

fn push_unique(findings: &mut Vec<Finding>, new: impl IntoIterator<Item = Finding>) {
    for finding in new {
        if !findings.contains(&finding) {
            findings.push(finding);
        }
    }
}

/// The guards of one post for one client, given its accounts (pure: no IO).
pub fn lint_content(
    client: &Client,
    accounts: &[Account],
    content: &PostContent,
    media: &[(MediaId, MediaFacts)],
    tools: Tools<'_>,
) -> LintReport {
    let mut report = LintReport::default();
    if content.targets.is_empty() {
        report.findings.push(Finding::error(FindingCode::Empty, "choose at least one account to publish on"));
    }
    let charter = &client.profile.charter;
    for target in &content.targets {
        let Some(account) = accounts.iter().find(|a| a.id == target.account_id) else { continue };
        let limits = limits_for(account, &tools);
        let text = content.text_for(account.id);
        let cw = (!content.content_warning.is_empty()).then_some(content.content_warning.as_str());
        let attachments = crate::media::to_attachments(content.media_for(account.id), media);
        let draft =
            Draft { text, attachments: &attachments, content_warning: cw, require_alt: charter.require_alt_text };
        // What an account sends of its own (a text or media variant) is named by the account; what it shares with
        // the post is named by its network only, once for all the accounts of that network.
        let own = target.text.is_some() || target.media.is_some();
        let findings = filrouge_compose::check(&limits, &draft);
        push_unique(
            &mut report.findings,
            findings.into_iter().map(|f| if own { f.for_account(account.id) } else { f }),
        );
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
    // The charter, spelling and resemblance apply to every distinct text the post sends.
    let mut texts: Vec<&str> = vec![content.text.as_str()];
    for target in &content.targets {
        if let Some(variant) = target.text.as_deref() {
            if !texts.contains(&variant) {
                texts.push(variant);
            }
        }
    }
    let langs: Vec<&str> = client.profile.languages.iter().map(|l| l.code()).collect();
    for text in texts.iter().filter(|t| !t.trim().is_empty()) {
        push_unique(&mut report.findings, filrouge_lint::check_charter(charter, text));
        if let Some(speller) = tools.speller {
            push_unique(&mut report.findings, speller.check(text, &langs, &charter.accepted_words));
        }
        if let Some(profiles) = tools.profiles {
            if let Some(r) = profiles.check(client.profile.slug.as_str(), text) {
                push_unique(&mut report.findings, [filrouge_resemblance::to_finding(&r)]);
            }
        }
    }
    sort_findings(&mut report.findings);
    report
}

impl App {
    /// The clients' profiles for the wrong-client guard, rebuilt when older than `PROFILES_TTL`.
    async fn profiles(&self, tx: &mut Tx) -> Result<Arc<Profiles>> {
        let now = self.now();
        if let Ok(guard) = self.guards.profiles.lock() {
            if let Some((built, profiles)) = guard.as_ref() {
                if now.duration_since(*built) < PROFILES_TTL {
                    return Ok(profiles.clone());
                }
            }
        }
        let clients = tx.all_clients().await?;
        let mut past: HashMap<ClientId, Vec<String>> = HashMap::new();
        for (client, text) in tx.past_post_texts(PAST_POSTS_PER_CLIENT).await? {
            past.entry(client).or_default().push(text);
        }
        let mut inputs = Vec::with_capacity(clients.len());
        for client in clients.iter().filter(|c| !c.archived) {
            let competitors: Vec<_> = tx.competitors_of(client.id).await?.into_iter().map(|c| c.profile).collect();
            let handles = tx.accounts_of(client.id).await?.into_iter().map(|a| a.profile.handle).collect();
            let posts = past.remove(&client.id).unwrap_or_default();
            inputs.push(ProfileInput::from_client(&client.profile, &competitors, handles, posts));
        }
        let profiles = match tokio::task::spawn_blocking(move || Profiles::build(&inputs)).await {
            Ok(p) => Arc::new(p),
            Err(e) => return Err(crate::AppError::Remote(format!("building the clients' profiles failed: {e}"))),
        };
        if let Ok(mut guard) = self.guards.profiles.lock() {
            *guard = Some((now, profiles.clone()));
        }
        Ok(profiles)
    }

    pub(crate) async fn guards_speller(&self) -> Option<Arc<Speller>> {
        self.guards.speller().await
    }

    pub(crate) async fn guard_profiles(&self, tx: &mut Tx) -> Result<Arc<Profiles>> {
        self.profiles(tx).await
    }

    pub(crate) async fn lint_with_tools(
        &self,
        tx: &mut Tx,
        client: &Client,
        content: &PostContent,
    ) -> Result<LintReport> {
        let accounts = tx.accounts_of(client.id).await?;
        let media = self.attachments(tx, client.id, content).await?;
        let speller = self.guards.speller().await;
        let profiles = self.profiles(tx).await?;
        let instance_limits = stored_instance_limits(tx, &accounts).await?;
        let tools =
            Tools { speller: speller.as_deref(), profiles: Some(&profiles), instance_limits: Some(&instance_limits) };
        Ok(lint_content(client, &accounts, content, &media, tools))
    }

    /// Every finding about `content` for `client`, errors first.
    pub(crate) async fn guard_findings(
        &self,
        tx: &mut Tx,
        client: &Client,
        content: &PostContent,
    ) -> Result<Vec<Finding>> {
        Ok(self.lint_with_tools(tx, client, content).await?.findings)
    }

    /// The composer's live check of a draft (nothing is stored).
    pub async fn lint_post(&self, actor: &Actor, slug: &str, content: PostContent) -> Result<LintReport> {
        let mut tx = self.store.read().await?;
        let client = client_for(&mut tx, actor, slug, Action::WritePosts).await?;
        let content = content.validate()?;
        self.lint_with_tools(&mut tx, &client, &content).await
    }

    /// Spelling suggestions for one word, on demand (slow: hundreds of milliseconds).
    pub async fn spelling_suggestions(&self, actor: &Actor, slug: &str, word: &str) -> Result<Vec<String>> {
        let client = self.client(actor, slug, Action::WritePosts).await?;
        let Some(speller) = self.guards.speller().await else { return Ok(Vec::new()) };
        let langs: Vec<&'static str> = client.profile.languages.iter().map(|l| l.code()).collect();
        let word: String = word.chars().take(60).collect();
        Ok(tokio::task::spawn_blocking(move || speller.suggest(&word, &langs)).await.unwrap_or_default())
    }
}

/// Why `filrouge lint --workspace` could not lint.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceLintError {
    #[error(transparent)]
    Workspace(#[from] crate::workspace::WorkspaceError),
    #[error("{file}: no client '{slug}' (clients in the file: {known})")]
    UnknownClient { file: String, slug: String, known: String },
    #[error("{0}")]
    Dictionaries(#[from] filrouge_lint::LintError),
}

/// Lints `text` for client `slug` of a workspace file, on its accounts of `network` (or all its accounts, or — with
/// none — a virtual account on `network`), against every client of the file. No database: the guards are pure.
pub fn lint_workspace(
    file: &str,
    workspace: &str,
    slug: &str,
    network: Option<Network>,
    text: &str,
) -> std::result::Result<LintReport, WorkspaceLintError> {
    use filrouge_domain::account::{AccountProfile, AccountStatus};
    use filrouge_domain::post::Target;
    let clients = crate::workspace::workspace_clients(file, workspace)?;
    let inputs: Vec<ProfileInput> = clients
        .iter()
        .map(|(profile, competitors, accounts)| {
            let handles = accounts.iter().map(|a| a.handle.clone()).collect();
            ProfileInput::from_client(profile, competitors, handles, Vec::new())
        })
        .collect();
    let Some((profile, _, accounts)) = clients.iter().find(|(p, _, _)| p.slug.as_str() == slug) else {
        let known = clients.iter().map(|(p, _, _)| p.slug.as_str()).collect::<Vec<_>>().join(", ");
        return Err(WorkspaceLintError::UnknownClient { file: file.to_owned(), slug: slug.to_owned(), known });
    };
    let client = Client { id: ClientId(1), profile: profile.clone(), archived: false };
    let mut chosen: Vec<AccountProfile> =
        accounts.iter().filter(|a| network.is_none_or(|n| a.network == n)).cloned().collect();
    if chosen.is_empty() {
        if let Some(network) = network {
            chosen.push(AccountProfile {
                network,
                handle: format!("({})", network.as_str()),
                display_name: String::new(),
            });
        }
    }
    let accounts: Vec<Account> = chosen
        .into_iter()
        .zip(1..)
        .map(|(profile, id)| Account {
            id: AccountId(id),
            client_id: client.id,
            profile,
            status: AccountStatus::NotConnected,
            credentials: None,
        })
        .collect();
    let content = PostContent {
        text: text.to_owned(),
        targets: accounts.iter().map(|a| Target { account_id: a.id, text: None, media: None }).collect(),
        ..PostContent::default()
    };
    let speller = Speller::new()?;
    let profiles = Profiles::build(&inputs);
    let mut report = lint_content(
        &client,
        &accounts,
        &content,
        &[],
        Tools { speller: Some(&speller), profiles: Some(&profiles), instance_limits: None },
    );
    // Without accounts there is nowhere to publish, which is not what a lint of the text is about.
    if accounts.is_empty() {
        report.findings.retain(|f| f.code != FindingCode::Empty || !f.message.contains("account"));
    }
    Ok(report)
}
