//! The workspace file: every client (brief, charter, competitors, accounts, members, inbox settings and saved
//! replies) and every user in one TOML document, exported and imported by `filrouge client export|import`.
//!
//! Import is all-or-nothing: the whole file is read and checked first, then applied in one
//! transaction; any error names the file, line and column and nothing is written. Passwords and
//! credentials never appear in the file. The format is documented in docs/workspace.md.

use std::collections::{HashMap, HashSet};

use filrouge_domain::account::{AccountProfile, AccountStatus};
use filrouge_domain::client::{Brief, Charter, ClientProfile, Colour, CompetitorProfile, TimeZoneName};
use filrouge_domain::ids::{ClientId, Slug, UserId};
use filrouge_domain::journal::JournalAction;
use filrouge_domain::locale::{Lang, UiLang};
use filrouge_domain::permission::Action;
use filrouge_domain::user::{user_name, Email, Role};
use filrouge_domain::Invalid;
use filrouge_store::NewUser;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::access::Actor;
use crate::auth::NO_PASSWORD;
use crate::clients::entry;
use crate::error::{AppError, Result};
use crate::App;

/// The version of the format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceFile {
    pub version: Spanned<u32>,
    #[serde(default)]
    pub users: Vec<UserEntry>,
    #[serde(default)]
    pub clients: Vec<ClientEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    pub email: Spanned<String>,
    pub name: String,
    pub role: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Spanned<String>>,
    /// A disabled user cannot sign in; kept for the journal's history.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientEntry {
    pub slug: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default = "default_colour")]
    pub colour: Spanned<String>,
    pub time_zone: Spanned<String>,
    pub languages: Spanned<Vec<String>>,
    #[serde(default)]
    pub archived: bool,
    /// E-mail addresses of the users who belong to the client.
    #[serde(default)]
    pub members: Vec<Spanned<String>>,
    #[serde(default = "default_brief")]
    pub brief: Spanned<Brief>,
    #[serde(default = "default_charter")]
    pub charter: Spanned<Charter>,
    #[serde(default)]
    pub competitors: Vec<Spanned<CompetitorProfile>>,
    #[serde(default)]
    pub accounts: Vec<Spanned<AccountEntry>>,
    /// The inbox's settings and saved replies; absent: left as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox: Option<Spanned<InboxEntry>>,
}

/// A client's inbox settings in the workspace file (docs/inbox.md says what each means).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboxEntry {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rules: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hours: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rota: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replies_need_approval: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub saved_replies: Vec<SavedReplyEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedReplyEntry {
    pub name: String,
    pub body: String,
}

fn default_brief() -> Spanned<Brief> {
    Spanned::new(0..0, Brief::default())
}

fn default_charter() -> Spanned<Charter> {
    Spanned::new(0..0, Charter::default())
}

fn default_colour() -> Spanned<String> {
    Spanned::new(0..0, "#6b7280".to_owned())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    pub network: filrouge_domain::account::Network,
    pub handle: String,
    #[serde(default)]
    pub display_name: String,
}

/// A workspace file that cannot be imported, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct WorkspaceError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub clients_created: usize,
    pub clients_updated: usize,
    pub users_created: usize,
    /// Users created without a password: give them one with `filrouge user passwd`.
    pub users_without_password: Vec<String>,
}

struct Located<'a> {
    file: &'a str,
    text: &'a str,
}

impl Located<'_> {
    fn at(&self, offset: usize, message: impl Into<String>) -> WorkspaceError {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        WorkspaceError { file: self.file.to_owned(), line, column, message: message.into() }
    }

    fn invalid<T>(&self, span: &Spanned<T>, path: &str, err: Invalid) -> WorkspaceError {
        let field = if err.field.is_empty() { path.to_owned() } else { format!("{path}.{}", err.field) };
        self.at(span.span().start, format!("{field}: {}", err.reason))
    }
}

/// A checked client, ready to write.
struct PlannedClient {
    profile: ClientProfile,
    archived: bool,
    /// Each member with where it is written, for a refusal found only against the database.
    members: Vec<(Email, usize)>,
    competitors: Vec<CompetitorProfile>,
    accounts: Vec<AccountProfile>,
    inbox: Option<(filrouge_store::InboxSettingsRecord, Vec<(String, String)>)>,
}

struct PlannedUser {
    email: Email,
    name: String,
    role: Role,
    ui_lang: Option<UiLang>,
    disabled: bool,
}

/// Parses and checks a workspace file without touching the database.
fn plan(file: &str, text: &str) -> Result<(Vec<PlannedUser>, Vec<PlannedClient>), WorkspaceError> {
    let loc = Located { file, text };
    let doc: WorkspaceFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        loc.at(offset, e.message().trim().replace('\n', "; "))
    })?;
    if *doc.version.get_ref() != FORMAT_VERSION {
        let (at, found) = (doc.version.span().start, doc.version.get_ref());
        return Err(loc.at(at, format!("version: this build reads version {FORMAT_VERSION}, the file says {found}")));
    }
    let mut users = Vec::new();
    let mut emails = HashSet::new();
    for (i, u) in doc.users.iter().enumerate() {
        let path = format!("users[{i}]");
        let email = Email::parse(u.email.get_ref()).map_err(|e| loc.invalid(&u.email, &path, e))?;
        if !emails.insert(email.clone()) {
            return Err(loc.at(u.email.span().start, format!("{path}.email: {} appears twice", email.as_str())));
        }
        let role = Role::parse(u.role.get_ref()).map_err(|e| loc.invalid(&u.role, &path, e))?;
        let name = user_name(&u.name).map_err(|e| loc.invalid(&u.email, &path, e))?;
        let ui_lang = match &u.language {
            Some(l) => Some(UiLang::parse(l.get_ref()).ok_or_else(|| {
                loc.at(l.span().start, format!("{path}.language: '{}' is neither fr nor en", l.get_ref()))
            })?),
            None => None,
        };
        users.push(PlannedUser { email, name, role, ui_lang, disabled: u.disabled });
    }
    let mut clients = Vec::new();
    let mut slugs = HashSet::new();
    let mut reviewer_clients: HashMap<Email, usize> = HashMap::new();
    for (i, c) in doc.clients.iter().enumerate() {
        let path = format!("clients[{i}]");
        let slug = Slug::parse(c.slug.get_ref()).map_err(|e| loc.invalid(&c.slug, &path, e))?;
        if !slugs.insert(slug.clone()) {
            return Err(loc.at(c.slug.span().start, format!("{path}.slug: '{slug}' appears twice")));
        }
        let colour = Colour::parse(c.colour.get_ref()).map_err(|e| loc.invalid(&c.colour, &path, e))?;
        let time_zone = TimeZoneName::parse(c.time_zone.get_ref()).map_err(|e| loc.invalid(&c.time_zone, &path, e))?;
        let languages = c
            .languages
            .get_ref()
            .iter()
            .map(|l| Lang::parse(l))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| loc.invalid(&c.languages, &path, Invalid::new("languages", e.reason)))?;
        let profile = ClientProfile {
            slug,
            name: c.name.get_ref().clone(),
            colour,
            time_zone,
            languages,
            brief: c.brief.get_ref().clone(),
            charter: c.charter.get_ref().clone(),
        };
        let profile = profile.validate().map_err(|e| {
            let span_start = if e.field.starts_with("brief") {
                c.brief.span().start
            } else if e.field.starts_with("charter") {
                c.charter.span().start
            } else if e.field == "languages" {
                c.languages.span().start
            } else {
                c.name.span().start
            };
            loc.at(span_start, format!("{path}.{}: {}", e.field, e.reason))
        })?;
        let mut competitors = Vec::new();
        for (j, comp) in c.competitors.iter().enumerate() {
            let checked = comp
                .get_ref()
                .clone()
                .validate()
                .map_err(|e| loc.invalid(comp, &format!("{path}.competitors[{j}]"), e))?;
            competitors.push(checked);
        }
        let mut accounts = Vec::new();
        let mut handles = HashSet::new();
        for (j, acc) in c.accounts.iter().enumerate() {
            let a = acc.get_ref();
            let apath = format!("{path}.accounts[{j}]");
            let profile =
                AccountProfile { network: a.network, handle: a.handle.clone(), display_name: a.display_name.clone() }
                    .validate()
                    .map_err(|e| loc.invalid(acc, &apath, e))?;
            if !handles.insert((profile.network, profile.handle.clone())) {
                return Err(loc.at(
                    acc.span().start,
                    format!("{apath}: {} {} appears twice", profile.network.as_str(), profile.handle),
                ));
            }
            accounts.push(profile);
        }
        let mut members = Vec::new();
        for (j, m) in c.members.iter().enumerate() {
            let email = Email::parse(m.get_ref()).map_err(|e| loc.invalid(m, &format!("{path}.members[{j}]"), e))?;
            let Some(user) = users.iter().find(|u| u.email == email) else {
                return Err(
                    loc.at(m.span().start, format!("{path}.members[{j}]: {} is not in [[users]]", email.as_str()))
                );
            };
            if user.role == Role::ClientReviewer {
                let n = reviewer_clients.entry(email.clone()).or_default();
                *n += 1;
                if *n > 1 {
                    return Err(loc.at(
                        m.span().start,
                        format!(
                            "{path}.members[{j}]: {} is a client reviewer and belongs to another client already",
                            email.as_str()
                        ),
                    ));
                }
            }
            members.push((email, m.span().start));
        }
        let inbox = match &c.inbox {
            Some(entry) => Some(plan_inbox(&loc, entry, &format!("{path}.inbox"), &members)?),
            None => None,
        };
        clients.push(PlannedClient { profile, archived: c.archived, members, competitors, accounts, inbox });
    }
    Ok((users, clients))
}

/// Checks a client's inbox settings as the settings page does; addresses must be members of the client.
fn plan_inbox(
    loc: &Located<'_>,
    entry: &Spanned<InboxEntry>,
    path: &str,
    members: &[(Email, usize)],
) -> Result<(filrouge_store::InboxSettingsRecord, Vec<(String, String)>), WorkspaceError> {
    use crate::inbox_settings::{check_saved_reply, check_settings, InboxSettingsForm};
    let e = entry.get_ref();
    let bad = |err: Invalid| loc.invalid(entry, path, err);
    let form = InboxSettingsForm {
        rules: e.rules.clone(),
        hours: e.hours.clone(),
        target_minutes: String::new(),
        rota: e.rota.clone(),
        replies_need_approval: e.replies_need_approval,
    };
    let emails: Vec<&str> = members.iter().map(|(m, _)| m.as_str()).collect();
    let (record, _) = check_settings(&form, e.target_minutes, &emails).map_err(bad)?;
    let mut saved: Vec<(String, String)> = Vec::new();
    for (k, r) in e.saved_replies.iter().enumerate() {
        let (name, body) =
            check_saved_reply(&r.name, &r.body).map_err(|err| bad(err.within(&format!("saved_replies[{k}]"))))?;
        if saved.iter().any(|(n, _)| *n == name) {
            return Err(bad(Invalid::new(format!("saved_replies[{k}].name"), format!("'{name}' appears twice"))));
        }
        saved.push((name, body));
    }
    Ok((record, saved))
}

/// A client of a workspace file with its competitors and accounts.
pub type WorkspaceClient = (ClientProfile, Vec<CompetitorProfile>, Vec<AccountProfile>);

/// The clients of a workspace file, checked, with their competitors and accounts (no database involved): what
/// `filrouge lint --workspace` lints against.
pub fn workspace_clients(file: &str, text: &str) -> Result<Vec<WorkspaceClient>, WorkspaceError> {
    let (_, clients) = plan(file, text)?;
    Ok(clients.into_iter().filter(|c| !c.archived).map(|c| (c.profile, c.competitors, c.accounts)).collect())
}

impl App {
    /// Imports a workspace file (`file` is its name, for messages). All or nothing.
    pub async fn import_workspace(&self, actor: &Actor, file: &str, text: &str) -> Result<ImportReport> {
        actor.require(Action::ImportWorkspace)?;
        let (users, clients) = plan(file, text)?;
        let now = self.now();
        let mut report = ImportReport::default();
        let mut tx = self.store.write().await?;
        let mut user_ids: HashMap<Email, UserId> = HashMap::new();
        for u in &users {
            let id = match tx.credentials_by_email(u.email.as_str()).await? {
                Some(existing) => existing.user.id,
                None => {
                    let new = NewUser {
                        email: u.email.clone(),
                        name: u.name.clone(),
                        role: u.role,
                        password_hash: NO_PASSWORD.into(),
                        ui_lang: u.ui_lang,
                    };
                    report.users_created += 1;
                    let id = tx.insert_user(&new, now).await?;
                    if u.disabled {
                        let mut user = tx.user_by_id(id).await?.ok_or(crate::AppError::NotFound)?;
                        user.disabled = true;
                        tx.update_user(&user).await?;
                    } else {
                        report.users_without_password.push(u.email.as_str().to_owned());
                    }
                    id
                }
            };
            user_ids.insert(u.email.clone(), id);
        }
        let loc = Located { file, text };
        for (i, c) in clients.iter().enumerate() {
            let (id, verb): (ClientId, &str) = match tx.client_by_slug(c.profile.slug.as_str()).await? {
                Some(existing) => {
                    tx.update_client(existing.id, &c.profile).await?;
                    for old in tx.competitors_of(existing.id).await? {
                        tx.delete_competitor(existing.id, old.id).await?;
                    }
                    report.clients_updated += 1;
                    (existing.id, "updated")
                }
                None => {
                    report.clients_created += 1;
                    (tx.insert_client(&c.profile, now).await?, "created")
                }
            };
            tx.set_client_archived(id, c.archived).await?;
            for comp in &c.competitors {
                tx.insert_competitor(id, comp).await?;
            }
            let existing_accounts = tx.accounts_of(id).await?;
            for acc in &c.accounts {
                match existing_accounts
                    .iter()
                    .find(|e| e.profile.network == acc.network && e.profile.handle == acc.handle)
                {
                    Some(e) => {
                        tx.update_account(id, e.id, acc, e.status, e.credentials).await?;
                    }
                    None => {
                        tx.insert_account(id, acc, AccountStatus::NotConnected, None, now).await?;
                    }
                }
            }
            for (j, (m, offset)) in c.members.iter().enumerate() {
                if let Some(uid) = user_ids.get(m) {
                    // A reviewer already in the database may belong to a client the file does
                    // not mention; the file alone cannot tell.
                    let user = tx.user_by_id(*uid).await?.ok_or(AppError::NotFound)?;
                    if user.role == Role::ClientReviewer
                        && tx.memberships_of(*uid).await?.iter().any(|other| *other != id)
                    {
                        let message = format!(
                            "clients[{i}].members[{j}]: {} is a client reviewer and belongs to another client already",
                            m.as_str()
                        );
                        return Err(loc.at(*offset, message).into());
                    }
                    tx.add_membership(*uid, id).await?;
                }
            }
            if let Some((settings, saved)) = &c.inbox {
                tx.put_inbox_settings(id, settings, now).await?;
                for old in tx.saved_replies(id).await? {
                    tx.delete_saved_reply(id, old.id).await?;
                }
                for (name, body) in saved {
                    tx.put_saved_reply(id, name, body).await?;
                }
            }
            let summary = format!("« {} » {verb} from workspace file {file}", c.profile.name);
            tx.append_journal(&entry(actor, now, Some(id), JournalAction::WorkspaceImported, "workspace", summary))
                .await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Exports every client and user as a workspace file (no passwords, no credentials).
    pub async fn export_workspace(&self, actor: &Actor) -> Result<String> {
        actor.require(Action::ExportWorkspace)?;
        let mut tx = self.store.snapshot().await?;
        let all_users = tx.all_users().await?;
        let mut email_of = HashMap::new();
        let mut users = Vec::new();
        for u in all_users {
            email_of.insert(u.id, u.email.as_str().to_owned());
            users.push(UserEntry {
                email: plain(u.email.as_str().to_owned()),
                name: u.name,
                role: plain(u.role.as_str().to_owned()),
                language: u.ui_lang.map(|l| plain(l.code().to_owned())),
                disabled: u.disabled,
            });
        }
        users.sort_by(|a, b| a.email.get_ref().cmp(b.email.get_ref()));
        let mut clients = Vec::new();
        let mut all = tx.all_clients().await?;
        all.sort_by(|a, b| a.profile.slug.cmp(&b.profile.slug));
        for c in all {
            let mut members: Vec<String> =
                tx.member_ids_of_client(c.id).await?.into_iter().filter_map(|id| email_of.get(&id).cloned()).collect();
            members.sort();
            let competitors = tx.competitors_of(c.id).await?.into_iter().map(|x| plain(x.profile)).collect();
            let accounts = tx
                .accounts_of(c.id)
                .await?
                .into_iter()
                .map(|a| {
                    plain(AccountEntry {
                        network: a.profile.network,
                        handle: a.profile.handle,
                        display_name: a.profile.display_name,
                    })
                })
                .collect();
            let settings = tx.inbox_settings(c.id).await?;
            let saved: Vec<SavedReplyEntry> = tx
                .saved_replies(c.id)
                .await?
                .into_iter()
                .map(|r| SavedReplyEntry { name: r.name, body: r.body })
                .collect();
            let inbox = (settings != filrouge_store::InboxSettingsRecord::default() || !saved.is_empty()).then(|| {
                plain(InboxEntry {
                    rules: settings.rules,
                    hours: settings.hours,
                    target_minutes: settings.target_minutes,
                    rota: settings.rota,
                    replies_need_approval: settings.replies_need_approval,
                    saved_replies: saved,
                })
            });
            let p = c.profile;
            clients.push(ClientEntry {
                slug: plain(p.slug.as_str().to_owned()),
                name: plain(p.name),
                colour: plain(p.colour.as_str().to_owned()),
                time_zone: plain(p.time_zone.as_str().to_owned()),
                languages: plain(p.languages.iter().map(|l| l.code().to_owned()).collect()),
                archived: c.archived,
                members: members.into_iter().map(plain).collect(),
                brief: plain(p.brief),
                charter: plain(p.charter),
                competitors,
                accounts,
                inbox,
            });
        }
        let doc = WorkspaceFile { version: plain(FORMAT_VERSION), users, clients };
        let body = toml::to_string_pretty(&doc).map_err(|e| filrouge_store::StoreError::Corrupt(e.to_string()))?;
        Ok(format!(
            "# Fil Rouge workspace file (docs/workspace.md). Passwords and credentials are never exported.\n{body}"
        ))
    }
}

fn plain<T>(value: T) -> Spanned<T> {
    Spanned::new(0..0, value)
}
