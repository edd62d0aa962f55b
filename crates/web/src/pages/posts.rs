//! Posts: the composer (new and edit, live checks through htmx), a post's page with every action as a form, and
//! the pieces the calendar and the review page share (state badges, times in the client's zone, previews).
//! Attachments are shown in the composer (pages/media.rs handles uploading, shrinking and removing them); the live
//! checks offer spelling suggestions and a link preview on demand.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::guards::LintReport;
use filrouge_app::media::MediaItem;
use filrouge_app::posts::PostInput;
use filrouge_app::reviews::Decision;
use filrouge_app::{App, AppError};
use filrouge_compose::{preview, NetworkLimits, PreviewPart};
use filrouge_domain::account::{Account, Network};
use filrouge_domain::client::{Client, ClientSummary};
use filrouge_domain::ids::{AccountId, MediaId, PostId};
use filrouge_domain::lint::{FindingCode, Severity};
use filrouge_domain::local_time::{abbreviation, resolve, zone, Ambiguity};
use filrouge_domain::media::MediaKind;
use filrouge_domain::permission::Action;
use filrouge_domain::post::{ApprovalPolicy, Post, PostContent, PostMedia, PostState};
use filrouge_domain::Invalid;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use maud::{html, Markup};

use crate::context::{Ctx, SignedIn};
use crate::error::WebResult;
use crate::i18n::Texts;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::publishing::{self, delivery_details, DeliveryFacts};
use crate::pages::{after_change, all, field};
use crate::WebState;

// --- shared pieces ---

/// The client's time zone (UTC if its name no longer loads, which validation prevents).
pub(crate) fn client_zone(client: &Client) -> TimeZone {
    zone(client.profile.time_zone.as_str()).unwrap_or(TimeZone::UTC)
}

/// `12:30 CEST`: the wall-clock time in `tz` with the zone's abbreviation.
pub(crate) fn hm(tz: &TimeZone, at: Timestamp) -> String {
    format!("{} {}", at.to_zoned(tz.clone()).strftime("%H:%M"), abbreviation(tz, at))
}

/// `2026-03-30 12:30 CEST`.
pub(crate) fn date_hm(tz: &TimeZone, at: Timestamp) -> String {
    format!("{} {}", at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M"), abbreviation(tz, at))
}

pub(crate) fn state_label(state: PostState, t: &Texts) -> &'static str {
    match state {
        PostState::Draft => t.state_draft,
        PostState::InReview => t.state_in_review,
        PostState::Approved => t.state_approved,
        PostState::Scheduled => t.state_scheduled,
        PostState::Publishing => t.state_publishing,
        PostState::Published => t.state_published,
        PostState::Failed => t.state_failed,
    }
}

/// The state as a badge: a word, never a colour alone.
pub(crate) fn state_badge(state: PostState, t: &Texts) -> Markup {
    html! { span class={ "badge state-" (state.as_str()) } { (state_label(state, t)) } }
}

fn invalid(field: &str, reason: &str) -> AppError {
    AppError::Invalid(Invalid::new(field, reason))
}

/// A date and a time typed in the client's zone: `None` when the date is empty (the ideas backlog). Without a time,
/// `default_time` is used if given, else the time is required.
pub(crate) fn parse_when(
    tz: &TimeZone,
    date: &str,
    time: &str,
    ambiguity: Ambiguity,
    default_time: Option<Time>,
) -> Result<Option<Timestamp>, AppError> {
    let (date, time) = (date.trim(), time.trim());
    if date.is_empty() {
        return Ok(None);
    }
    let d: Date = date.parse().map_err(|_| invalid("date", "expected a date like 2026-03-30"))?;
    let t: Time = match (time.is_empty(), default_time) {
        (true, Some(t)) => t,
        (true, None) => return Err(invalid("time", "give a time, or clear the date to keep the post in the ideas")),
        (false, _) => time.parse().map_err(|_| invalid("time", "expected a time like 12:30"))?,
    };
    resolve(tz, d, t, ambiguity).map(Some).map_err(|e| AppError::Invalid(e.into()))
}

fn network_name(network: Network) -> &'static str {
    network.as_str()
}

/// `text` as `network` shows it: links shortened, tags and mentions marked; what the network folds or refuses is
/// greyed.
pub(crate) fn preview_markup(network: Network, text: &str, t: &Texts) -> Markup {
    let limits = NetworkLimits::of(network);
    let full = preview(&limits, text);
    let (shown, rest) = match full.truncated_at {
        Some(at) if at < text.len() && text.is_char_boundary(at) => (&text[..at], &text[at..]),
        _ => (text, ""),
    };
    let parts = if rest.is_empty() { full.parts } else { preview(&limits, shown).parts };
    html! {
        div.preview {
            @for part in &parts {
                @match part {
                    PreviewPart::Text(s) => (s),
                    PreviewPart::Link { display, url } => span.pv-link title=(url) { (display) },
                    PreviewPart::Tag(s) => span.pv-tag { (s) },
                    PreviewPart::Mention(s) => span.pv-mention { (s) },
                }
            }
            @if !rest.is_empty() { span.pv-cut title=(t.preview_cut) { (rest) } }
        }
    }
}

fn account_label(accounts: &[Account], id: AccountId) -> String {
    accounts
        .iter()
        .find(|a| a.id == id)
        .map_or_else(|| format!("#{id}"), |a| format!("{} · {}", network_name(a.profile.network), a.profile.handle))
}

// --- the composer ---

/// What the composer's fields hold, from a post or from a submitted form.
#[derive(Debug, Default)]
pub(crate) struct Values {
    text: String,
    first_comment: String,
    content_warning: String,
    date: String,
    time: String,
    campaign: String,
    labels: String,
    notes: String,
    client_material: String,
    accounts: Vec<AccountId>,
    variants: Vec<(AccountId, String)>,
    /// The attachments in order, with their alternative texts.
    pub(crate) media: Vec<(MediaId, String)>,
    /// The accounts with their own selection of media (`media-variant-{id}` = `own`), in order with their
    /// alternative texts; an empty list is no media on that account. An account not listed sends the post's media.
    pub(crate) media_variants: Vec<(AccountId, Vec<(MediaId, String)>)>,
    version: i64,
}

impl Values {
    fn from_post(post: &Post, campaign: Option<&str>, tz: &TimeZone) -> Self {
        let c = &post.content;
        let (date, time) = post.planned_at.map_or_else(Default::default, |at| {
            let z = at.to_zoned(tz.clone());
            (z.strftime("%Y-%m-%d").to_string(), z.strftime("%H:%M").to_string())
        });
        Values {
            text: c.text.clone(),
            first_comment: c.first_comment.clone(),
            content_warning: c.content_warning.clone(),
            date,
            time,
            campaign: campaign.unwrap_or_default().to_owned(),
            labels: c.labels.join(", "),
            notes: c.notes.clone(),
            client_material: c.client_material.clone(),
            accounts: c.targets.iter().map(|t| t.account_id).collect(),
            variants: c.targets.iter().filter_map(|t| t.text.clone().map(|v| (t.account_id, v))).collect(),
            media: c.media.iter().map(|m| (m.media_id, m.alt.clone())).collect(),
            media_variants: c
                .targets
                .iter()
                .filter_map(|t| {
                    let own = t.media.as_ref()?;
                    Some((t.account_id, own.iter().map(|m| (m.media_id, m.alt.clone())).collect()))
                })
                .collect(),
            version: post.version,
        }
    }

    pub(crate) fn from_form(form: &[(String, String)]) -> Self {
        let accounts = all(form, "account").filter_map(|v| v.parse().ok()).map(AccountId).collect();
        let variants = form
            .iter()
            .filter_map(|(k, v)| {
                let id = k.strip_prefix("variant-")?.parse().ok()?;
                (!v.trim().is_empty()).then(|| (AccountId(id), v.clone()))
            })
            .collect();
        let media: Vec<(MediaId, String)> = all(form, "media_id[]")
            .zip(all(form, "alt[]").chain(std::iter::repeat("")))
            .filter_map(|(id, alt)| Some((MediaId(id.trim().parse().ok()?), alt.to_owned())))
            .collect();
        let media_variants = media_variants(form, &media);
        Values {
            text: field(form, "text").to_owned(),
            first_comment: field(form, "first_comment").to_owned(),
            content_warning: field(form, "content_warning").to_owned(),
            date: field(form, "date").to_owned(),
            time: field(form, "time").to_owned(),
            campaign: field(form, "campaign").to_owned(),
            labels: field(form, "labels").to_owned(),
            notes: field(form, "notes").to_owned(),
            client_material: field(form, "client_material").to_owned(),
            accounts,
            variants,
            media,
            media_variants,
            version: field(form, "version").parse().unwrap_or(0),
        }
    }

    pub(crate) fn content(&self) -> PostContent {
        let mut content = PostContent {
            text: self.text.clone(),
            first_comment: self.first_comment.clone(),
            content_warning: self.content_warning.clone(),
            labels: self.labels.split(',').map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
            notes: self.notes.clone(),
            client_material: self.client_material.clone(),
            media: self.media.iter().map(|(id, alt)| PostMedia { media_id: *id, alt: alt.clone() }).collect(),
            ..PostContent::default()
        };
        App::with_targets(&mut content, &self.accounts);
        for target in &mut content.targets {
            target.text = self.variants.iter().find(|(a, _)| *a == target.account_id).map(|(_, v)| v.clone());
            target.media = self
                .own_media(target.account_id)
                .map(|own| own.iter().map(|(id, alt)| PostMedia { media_id: *id, alt: alt.clone() }).collect());
        }
        content
    }

    fn variant(&self, account: AccountId) -> &str {
        self.variants.iter().find(|(a, _)| *a == account).map_or("", |(_, v)| v.as_str())
    }

    /// The account's own selection of media, if it has one (`None`: same as the post).
    pub(crate) fn own_media(&self, account: AccountId) -> Option<&[(MediaId, String)]> {
        self.media_variants.iter().find(|(a, _)| *a == account).map(|(_, own)| own.as_slice())
    }

    /// Applies a button of an account's own selection: `vremove` = `account:position` takes a file off it,
    /// `vup` = `account:position` moves it up one place. Anything else changes nothing.
    pub(crate) fn apply_variant_button(&mut self, form: &[(String, String)]) {
        let target = |name: &str| -> Option<(AccountId, usize)> {
            let (account, i) = field(form, name).split_once(':')?;
            Some((AccountId(account.trim().parse().ok()?), i.trim().parse().ok()?))
        };
        if let Some((account, i)) = target("vremove") {
            if let Some(list) = self.own_media_mut(account).filter(|l| i < l.len()) {
                list.remove(i);
            }
        }
        if let Some((account, i)) = target("vup") {
            if let Some(list) = self.own_media_mut(account).filter(|l| i > 0 && i < l.len()) {
                list.swap(i - 1, i);
            }
        }
    }

    fn own_media_mut(&mut self, account: AccountId) -> Option<&mut Vec<(MediaId, String)>> {
        self.media_variants.iter_mut().find(|(a, _)| *a == account).map(|(_, own)| own)
    }

    fn input(&self, client: &Client) -> Result<PostInput, AppError> {
        let planned_at = parse_when(&client_zone(client), &self.date, &self.time, Ambiguity::Refuse, None)?;
        let campaign = Some(self.campaign.trim().to_owned()).filter(|c| !c.is_empty());
        Ok(PostInput { content: self.content(), planned_at, campaign })
    }
}

/// The accounts' own selections of media from a form: for each `media-variant-{account}` = `own`, the files
/// `vmedia-{account}[]` with their alternative texts `valt-{account}[]`, then the file chosen in its "add" list
/// (`vadd-{account}`), whose alternative text starts as the post's for the same file. The "add" list counts for an
/// account whose selection is its own, or whose "add" button was pressed (`vadd` = the account), which makes it so.
fn media_variants(
    form: &[(String, String)],
    post_media: &[(MediaId, String)],
) -> Vec<(AccountId, Vec<(MediaId, String)>)> {
    let account_of = |key: &str, prefix: &str| key.strip_prefix(prefix)?.parse().ok().map(AccountId);
    let pressed = field(form, "vadd").trim().parse().ok().map(AccountId);
    let mut out: Vec<(AccountId, Vec<(MediaId, String)>)> = Vec::new();
    let own = |account: AccountId, out: &mut Vec<(AccountId, Vec<(MediaId, String)>)>| {
        if out.iter().any(|(a, _)| *a == account) {
            return;
        }
        let ids = format!("vmedia-{account}[]");
        let alts = format!("valt-{account}[]");
        let list = all(form, &ids)
            .zip(all(form, &alts).chain(std::iter::repeat("")))
            .filter_map(|(id, alt)| Some((MediaId(id.trim().parse().ok()?), alt.to_owned())))
            .collect();
        out.push((account, list));
    };
    for (key, value) in form {
        if let Some(account) = account_of(key, "media-variant-") {
            if value == "own" {
                own(account, &mut out);
            }
        }
    }
    for (key, value) in form {
        let Some(account) = account_of(key, "vadd-") else { continue };
        let Ok(id) = value.trim().parse().map(MediaId) else { continue };
        if pressed == Some(account) {
            own(account, &mut out);
        }
        if let Some((_, list)) = out.iter_mut().find(|(a, _)| *a == account) {
            if !list.iter().any(|(m, _)| *m == id) {
                let alt = post_media.iter().find(|(m, _)| *m == id).map_or_else(String::new, |(_, alt)| alt.clone());
                list.push((id, alt));
            }
        }
    }
    // The "add" button of an account with nothing chosen still makes its selection its own.
    if let Some(account) = pressed {
        own(account, &mut out);
    }
    out
}

/// The composer's attachments as the library describes them, and where shrinking a copy would help.
#[derive(Debug, Default)]
struct Attached {
    /// The files the post and the accounts' own selections use.
    items: Vec<MediaItem>,
    /// The client's newest files, offered to an account's own selection.
    library: Vec<MediaItem>,
    /// (position of the attachment, network) for each `media_too_large` or `media_dimensions` finding about an image.
    fits: Vec<(usize, Network)>,
    /// The largest file an upload may carry.
    limit: usize,
}

/// The shrink buttons the findings call for: an image at position `n` (1-based) is named `image n` in the message.
fn fit_offers(
    report: &LintReport,
    content: &PostContent,
    media: &[(MediaId, String)],
    items: &[MediaItem],
) -> Vec<(usize, Network)> {
    let mut out = Vec::new();
    for (i, network) in report.findings.iter().filter(|f| about_post_media(f, content)).filter_map(fit_offer) {
        let image =
            media.get(i).is_some_and(|(id, _)| items.iter().any(|m| m.id == *id && m.facts.kind == MediaKind::Image));
        if image && !out.contains(&(i, network)) {
            out.push((i, network));
        }
    }
    out
}

/// Whether a finding's media positions are the post's (not those of an account's own selection).
fn about_post_media(finding: &filrouge_domain::lint::Finding, content: &PostContent) -> bool {
    finding.account.is_none_or(|a| content.targets.iter().find(|t| t.account_id == a).is_none_or(|t| t.media.is_none()))
}

/// A file as a line of a list: `name · type · width×height`.
fn media_line(m: &MediaItem) -> String {
    let mut line = format!("{} · {}", m.file_name, m.facts.mime);
    if m.facts.width > 0 {
        line.push_str(&format!(" · {}×{}", m.facts.width, m.facts.height));
    }
    line
}

/// A file's thumbnail (images and GIFs) or a link to open it, and its facts.
fn media_preview(slug: &str, id: MediaId, alt: &str, item: Option<&MediaItem>, t: &Texts) -> Markup {
    html! {
        @match item {
            Some(m) => {
                @let src = format!("/c/{slug}/media/{id}");
                @if matches!(m.facts.kind, MediaKind::Image | MediaKind::Gif) {
                    img.thumb src=(src) alt=(alt) width="120" loading="lazy";
                } @else {
                    a href=(src) { (t.open_file) }
                }
                p.facts {
                    strong { (m.file_name) } " · " (m.facts.mime) " · " (filrouge_compose::human_bytes(m.facts.bytes))
                    @if m.facts.width > 0 { " · " (m.facts.width) "×" (m.facts.height) " px" }
                }
            }
            None => p.facts { "#" (id) " · " (t.unknown_media) }
        }
    }
}

/// An account's media, inside its variant: the same as the post (no variant) or its own ordered selection, taken
/// from the post's attachments and the client's library, each file with its own alternative text. Every button is
/// a plain submit of the whole composer (nothing typed is lost); the list hides itself while "same" is chosen
/// (CSS only).
fn media_variant_fieldset(ctx: &Ctx, slug: &str, v: &Values, account: &Account, attached: &Attached) -> Markup {
    let t = ctx.t();
    let a = account.id;
    let own = v.own_media(a);
    let action = format!("/c/{slug}/posts/media/variant");
    let posts_files: Vec<&MediaItem> =
        v.media.iter().filter_map(|(id, _)| attached.items.iter().find(|m| m.id == *id)).collect();
    let library: Vec<&MediaItem> =
        attached.library.iter().filter(|m| !v.media.iter().any(|(id, _)| *id == m.id)).collect();
    html! {
        fieldset.media-variant data-testid={ "media-variant-" (a) } {
            legend { (t.media_for_account) " " span.visually-hidden { (account.profile.handle) } }
            label.choice {
                input type="radio" name={ "media-variant-" (a) } value="same" checked[own.is_none()];
                " " (t.media_same)
            }
            label.choice {
                input type="radio" name={ "media-variant-" (a) } value="own" checked[own.is_some()];
                " " (t.media_own)
            }
            div.own-media {
                p.help id={ "vhelp-" (a) } { (t.media_own_help) }
                @let list = own.unwrap_or_default();
                @if own.is_some() && list.is_empty() { p.no-media data-testid="no-media" { (t.media_none_here) } }
                @for (i, (mid, alt)) in list.iter().enumerate() {
                    @let item = attached.items.iter().find(|m| m.id == *mid);
                    @let name = item.map_or_else(|| format!("#{mid}"), |m| m.file_name.clone());
                    div.attachment data-testid="variant-attachment" {
                        input type="hidden" name={ "vmedia-" (a) "[]" } value=(mid);
                        (media_preview(slug, *mid, alt, item, t))
                        label for={ "valt-" (a) "-" (i) } { (t.alt_text) }
                        textarea id={ "valt-" (a) "-" (i) } name={ "valt-" (a) "[]" } rows="2" maxlength="1500" { (alt) }
                        div.row {
                            @if i > 0 {
                                button.secondary type="submit" formaction=(action) formnovalidate
                                    name="vup" value={ (a) ":" (i) } { (t.move_up) span.visually-hidden { " " (name) } }
                            }
                            button.secondary type="submit" formaction=(action) formnovalidate
                                name="vremove" value={ (a) ":" (i) } { (t.remove) span.visually-hidden { " " (name) } }
                        }
                    }
                }
                label for={ "vadd-" (a) } { (t.media_add_own) }
                div.row {
                    select id={ "vadd-" (a) } name={ "vadd-" (a) } aria-describedby={ "vhelp-" (a) } {
                        option value="" { "—" }
                        @if !posts_files.is_empty() {
                            optgroup label=(t.media_of_post) {
                                @for m in &posts_files { option value=(m.id) { (media_line(m)) } }
                            }
                        }
                        @if !library.is_empty() {
                            optgroup label=(t.media_library) {
                                @for m in &library { option value=(m.id) { (media_line(m)) } }
                            }
                        }
                    }
                    button.secondary type="submit" formaction=(action) formnovalidate name="vadd" value=(a) { (t.add) }
                }
            }
        }
    }
}

/// The attachments of the composer: thumbnail (images) or link, facts, alternative text, remove and shrink buttons,
/// then the file field. Every button is a plain submit of the whole composer to another address, so nothing typed is
/// lost, with or without JavaScript.
fn media_fieldset(ctx: &Ctx, slug: &str, v: &Values, id: Option<PostId>, attached: &Attached) -> Markup {
    let t = ctx.t();
    let base = format!("/c/{slug}/posts/media");
    html! {
        fieldset.media data-testid="media" {
            legend { (t.media) }
            @if let Some(id) = id { input type="hidden" name="post" value=(id); }
            @for (i, (mid, alt)) in v.media.iter().enumerate() {
                @let item = attached.items.iter().find(|m| m.id == *mid);
                div.attachment data-testid="attachment" {
                    input type="hidden" name="media_id[]" value=(mid);
                    (media_preview(slug, *mid, alt, item, t))
                    label for={ "alt-" (i) } { (t.alt_text) }
                    textarea id={ "alt-" (i) } name="alt[]" rows="2" maxlength="1500" { (alt) }
                    div.row {
                        button.secondary type="submit" formaction={ (base) "/remove" } formnovalidate
                            name="remove" value=(i) { (t.remove) }
                        @for (_, network) in attached.fits.iter().filter(|(j, _)| *j == i) {
                            button.secondary type="submit" formaction={ (base) "/fit" } formnovalidate
                                name="fit" value={ (i) ":" (network.as_str()) } { (t.shrink_for) " " (network.label()) }
                        }
                    }
                }
            }
            label for="media-files" { (t.add_files) }
            input #media-files type="file" name="files" multiple aria-describedby="media-help"
                accept="image/jpeg,image/png,image/webp,image/gif,video/mp4,video/quicktime,video/webm";
            p.help #media-help {
                (t.media_help) " " (filrouge_compose::human_bytes(u64::try_from(attached.limit).unwrap_or(u64::MAX)))
                " " (t.media_per_file)
            }
            button.secondary type="submit" formaction=(base) formenctype="multipart/form-data" formnovalidate
                name="then" value="attach" { (t.attach) }
        }
    }
}

/// The composer page. `id` is the post being edited, if any.
fn composer(
    ctx: &Ctx,
    client: &Client,
    accounts: &[Account],
    v: &Values,
    id: Option<PostId>,
    attached: &Attached,
    error: Option<&str>,
) -> Markup {
    let t = ctx.t();
    let slug = client.profile.slug.as_str();
    let action = match id {
        Some(id) => format!("/c/{slug}/posts/{id}"),
        None => format!("/c/{slug}/posts"),
    };
    let colour = client.profile.colour.as_str();
    let policy = client.profile.charter.approval;
    html! {
        div.composer-client style={ "--client:" (colour) } data-testid="composer-client" {
            span.dot style={ "background:" (colour) } {}
            (t.writing_for) " " strong { (client.profile.name) }
            " · " (client.profile.time_zone.as_str())
        }
        @if let Some(e) = error { p.flash.error role="alert" #composer-error { (e) } }
        div.composer {
            form.stack.composer-form #composer method="post" action=(action)
                hx-post={ "/c/" (slug) "/posts/lint" } hx-trigger="input changed delay:300ms, load"
                hx-target="#lint" hx-swap="innerHTML" {
                (csrf_field(ctx))
                // Enter in a field saves the draft (the first submit button), never removes an attachment.
                button.visually-hidden type="submit" name="then" value="draft" tabindex="-1" aria-hidden="true" { (t.save_draft) }
                @if id.is_some() { input type="hidden" name="version" value=(v.version); }
                label for="post-text" { (t.post_text) }
                textarea #post-text name="text" rows="7" maxlength="63206" aria-describedby="lint" { (v.text) }
                (media_fieldset(ctx, slug, v, id, attached))
                fieldset {
                    legend { (t.post_accounts) }
                    @if accounts.is_empty() { p { (t.no_accounts_yet) } }
                    @for a in accounts {
                        @let checked = v.accounts.contains(&a.id);
                        div.target {
                            label {
                                input type="checkbox" name="account" value=(a.id) checked[checked];
                                " " (network_name(a.profile.network)) " · " strong { (a.profile.handle) }
                            }
                            details open[!v.variant(a.id).is_empty() || v.own_media(a.id).is_some()] {
                                summary { (t.variant_summary) span.visually-hidden { " " (a.profile.handle) } }
                                label for={ "variant-" (a.id) } { (t.variant) span.visually-hidden { " " (a.profile.handle) } }
                                textarea id={ "variant-" (a.id) } name={ "variant-" (a.id) } rows="3" { (v.variant(a.id)) }
                                (media_variant_fieldset(ctx, slug, v, a, attached))
                            }
                        }
                    }
                }
                label for="first-comment" { (t.first_comment) }
                textarea #first-comment name="first_comment" rows="2" { (v.first_comment) }
                label for="content-warning" { (t.content_warning) }
                input #content-warning name="content_warning" maxlength="500" value=(v.content_warning);
                fieldset.when {
                    legend { (t.when) }
                    p.help #when-help { (t.when_help) " (" (client.profile.time_zone.as_str()) ")" }
                    div.row {
                        label { (t.planned_date) " " input type="date" name="date" value=(v.date) aria-describedby="when-help"; }
                        label { (t.planned_time) " " input type="time" name="time" value=(v.time) aria-describedby="when-help"; }
                    }
                }
                label for="campaign" { (t.campaign) }
                input #campaign name="campaign" maxlength="80" value=(v.campaign);
                label for="labels" { (t.labels) }
                input #labels name="labels" value=(v.labels) aria-describedby="labels-help";
                p.help #labels-help { (t.labels_help) }
                label for="notes" { (t.team_notes) }
                textarea #notes name="notes" rows="3" { (v.notes) }
                label for="client-material" { (t.client_material) }
                textarea #client-material name="client_material" rows="3" { (v.client_material) }
                div.row {
                    button type="submit" name="then" value="draft" { (t.save_draft) }
                    @if policy == ApprovalPolicy::None {
                        button.secondary type="submit" name="then" value="schedule" { (t.schedule) }
                    } @else {
                        button.secondary type="submit" name="then" value="submit" { (t.submit_review) }
                    }
                    button.secondary type="submit" name="then" value="queue" { (t.queue_slot) }
                }
            }
            aside.lint #lint aria-live="polite" aria-label=(t.live_checks) {}
        }
    }
}

pub(crate) async fn composer_page(
    state: &WebState,
    signed: &SignedIn,
    client: &Client,
    v: &Values,
    id: Option<PostId>,
    error: Option<&str>,
) -> WebResult {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let slug = client.profile.slug.as_str();
    let accounts = state.app.post_accounts(actor, slug).await?;
    let clients = state.app.client_switcher(actor).await?;
    let mut attached = Attached { limit: state.max_upload_bytes, ..Attached::default() };
    let mut ids: Vec<MediaId> = v.media.iter().map(|(id, _)| *id).collect();
    ids.extend(v.media_variants.iter().flat_map(|(_, own)| own.iter().map(|(id, _)| *id)));
    ids.sort();
    ids.dedup();
    if !ids.is_empty() {
        attached.items = state.app.media_items(actor, slug, &ids).await?;
    }
    if !v.media.is_empty() {
        let content = v.content();
        attached.fits = match state.app.lint_post(actor, slug, content.clone()).await {
            Ok(report) => fit_offers(&report, &content, &v.media, &attached.items),
            Err(AppError::Invalid(_)) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
    }
    if !accounts.is_empty() {
        attached.library = state.app.media_library(actor, slug).await?;
    }
    let title = if id.is_some() { t.edit_post } else { t.new_post };
    let banner = publishing::paused_banner(state, signed, client).await?;
    let content = html! {
        (banner)
        p { a href={ "/c/" (slug) "/calendar" } { "← " (t.calendar) } }
        h1 { (title) }
        (composer(ctx, client, &accounts, v, id, &attached, error))
    };
    let body =
        render(&Shell { ctx, actor, clients: &clients, current: Some((client, Section::Calendar)), title }, content);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, body).into_response())
}

pub async fn new_page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    let client = state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    composer_page(&state, &signed, &client, &Values::default(), None, None).await
}

pub async fn edit_page(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let client = state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let detail = state.app.post(&signed.actor, &slug, PostId(id)).await?;
    let v = Values::from_post(&detail.post, detail.campaign.as_deref(), &client_zone(&client));
    composer_page(&state, &signed, &client, &v, Some(PostId(id)), None).await
}

/// After saving: what the button asked for next (schedule, send for review, queue), on the post's fresh version.
async fn follow_up(state: &WebState, signed: &SignedIn, slug: &str, id: PostId, then: &str) -> WebResult {
    let actor = &signed.actor;
    let back = format!("/c/{slug}/posts/{id}");
    let version = state.app.post(actor, slug, id).await?.post.version;
    let result = match then {
        "schedule" => state.app.schedule_post(actor, slug, id, version).await,
        "submit" => state.app.submit_post(actor, slug, id, version).await,
        "queue" => state.app.queue_post(actor, slug, id, version).await.map(|_| ()),
        _ => Ok(()),
    };
    after_change(state, &signed.ctx, &back, result)
}

pub async fn create(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    // Access first: a refused user learns nothing from a validation message.
    let client = state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let v = Values::from_form(&form);
    let result = match v.input(&client) {
        Ok(input) => state.app.create_post(&signed.actor, &slug, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => follow_up(&state, &signed, &slug, id, field(&form, "then")).await,
        Err(AppError::Invalid(i)) => composer_page(&state, &signed, &client, &v, None, Some(&i.to_string())).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    let client = state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let id = PostId(id);
    let v = Values::from_form(&form);
    let result = match v.input(&client) {
        Ok(input) => state.app.edit_post(&signed.actor, &slug, id, v.version, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => follow_up(&state, &signed, &slug, id, field(&form, "then")).await,
        Err(AppError::Invalid(i)) => composer_page(&state, &signed, &client, &v, Some(id), Some(&i.to_string())).await,
        Err(AppError::Conflict(c)) => composer_page(&state, &signed, &client, &v, Some(id), Some(&c)).await,
        Err(e) => Err(e.into()),
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The first `https://` link of the post's texts, for the link preview.
fn first_https_link(content: &PostContent) -> Option<String> {
    std::iter::once(content.text.as_str())
        .chain(content.targets.iter().filter_map(|t| t.text.as_deref()))
        .flat_map(filrouge_compose::entities)
        .find(|e| e.kind == filrouge_compose::EntityKind::Url && e.value.starts_with("https://"))
        .map(|e| e.value)
}

/// The shrink button a media finding calls for: `(position, network)` of the image it names (`image 2 is …`).
fn fit_offer(finding: &filrouge_domain::lint::Finding) -> Option<(usize, Network)> {
    if !matches!(finding.code, FindingCode::MediaTooLarge | FindingCode::MediaDimensions) {
        return None;
    }
    let network = Network::parse(finding.network?).ok()?;
    let n: usize = finding.message.strip_prefix("image ")?.split(' ').next()?.parse().ok()?;
    Some((n.checked_sub(1)?, network))
}

/// The word a spelling finding is about: its message reads `'word' is not in the … dictionary`.
fn misspelt_word(message: &str) -> Option<&str> {
    message.strip_prefix('\'')?.split_once("' is not in").map(|(word, _)| word)
}

fn query_value(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The live checks: a counter per account, the findings (errors first), and a preview per account.
fn lint_markup(report: &LintReport, content: &PostContent, clients: &[ClientSummary], slug: &str, t: &Texts) -> Markup {
    html! {
        h2 { (t.live_checks) }
        ul.counters {
            @for c in &report.counts {
                @let over = c.used > c.limit;
                li.over[over] data-testid="counter" {
                    (network_name(c.network)) " · " (c.handle) " : "
                    span.count { (c.used) " / " (c.limit) }
                    @if over { " " strong { (t.too_long) } }
                }
            }
        }
        @if report.findings.is_empty() { p.ok { (t.no_findings) } }
        @else {
            ul.findings {
                @for (i, f) in report.findings.iter().enumerate() {
                    li class={ "finding " (severity_class(f.severity)) } {
                        @if let Some(c) = f.account.and_then(|a| report.counts.iter().find(|c| c.account_id == a)) {
                            strong.finding-account data-testid="finding-account" {
                                (network_name(c.network)) " · " (c.handle)
                            }
                            " : "
                        }
                        code { (f.code.as_str()) } " " (f.message)
                        @if let Some(slug) = &f.client {
                            @let name = clients.iter().find(|c| c.slug.as_str() == slug).map_or(slug.as_str(), |c| c.name.as_str());
                            " " strong.named-client { (t.resembles) " " (name) }
                        }
                        @if !f.suggestions.is_empty() {
                            br; small { (t.suggestions) " : " (f.suggestions.join(", ")) }
                        }
                        @let offer = Some(f).filter(|f| about_post_media(f, content)).and_then(fit_offer);
                        @if let Some((i, network)) = offer {
                            " " button.secondary type="submit" form="composer" formaction={ "/c/" (slug) "/posts/media/fit" }
                                formnovalidate name="fit" value={ (i) ":" (network.as_str()) } { (t.shrink_for) " " (network.label()) }
                        }
                        @if let (FindingCode::Spelling, Some(word)) = (f.code, misspelt_word(&f.message)) {
                            " " button.link type="button" hx-get={ "/c/" (slug) "/posts/spelling?word=" (query_value(word)) }
                                hx-target={ "#sugg-" (i) } hx-swap="innerHTML" { (t.show_suggestions) }
                            " " span id={ "sugg-" (i) } aria-live="polite" {}
                        }
                    }
                }
            }
        }
        @if let Some(url) = first_https_link(content) {
            section.link-card-box {
                button.secondary type="button" hx-get={ "/c/" (slug) "/posts/link-card?url=" (query_value(&url)) }
                    hx-target="#link-card" hx-swap="innerHTML" { (t.preview_link) }
                " " small { (url) }
                div #link-card aria-live="polite" {}
            }
        }
        @for c in &report.counts {
            section.preview-box {
                h3 { (t.preview) " · " (network_name(c.network)) " · " (c.handle) }
                (preview_markup(c.network, content.text_for(c.account_id), t))
                @let own = content.targets.iter().find(|x| x.account_id == c.account_id).and_then(|x| x.media.as_ref());
                @if let Some(own) = own {
                    p.help { (t.media_own) " : " (own.len()) " " (t.media_files) }
                }
            }
        }
    }
}

/// The composer's live check, as an htmx fragment. Nothing is stored.
pub async fn lint(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> WebResult {
    let t = signed.ctx.t();
    let content = Values::from_form(&form).content();
    match state.app.lint_post(&signed.actor, &slug, content.clone()).await {
        Ok(report) => {
            let clients = state.app.client_switcher(&signed.actor).await?;
            Ok(lint_markup(&report, &content, &clients, &slug, t).into_response())
        }
        Err(AppError::Invalid(i)) => Ok(html! { p.flash.error role="alert" { (i.to_string()) } }.into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct WordQuery {
    #[serde(default)]
    word: String,
}

/// Up to five spelling suggestions for one word, on demand (an htmx fragment).
pub async fn suggestions(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<WordQuery>,
) -> WebResult {
    let t = signed.ctx.t();
    let mut words = state.app.spelling_suggestions(&signed.actor, &slug, &q.word).await?;
    words.truncate(5);
    Ok(html! {
        @if words.is_empty() { small { (t.no_suggestions) } }
        @else { small data-testid="suggestions" { (t.suggestions) " : " (words.join(", ")) } }
    }
    .into_response())
}

// --- a post's page ---

pub async fn detail(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let SignedIn { ctx, actor } = &signed;
    let t = ctx.t();
    let d = state.app.post(actor, &slug, PostId(id)).await?;
    let mut media_ids: Vec<MediaId> = d.post.content.media.iter().map(|m| m.media_id).collect();
    media_ids.extend(d.post.content.targets.iter().flat_map(|t| t.media.iter().flatten().map(|m| m.media_id)));
    media_ids.sort();
    media_ids.dedup();
    let media = state.app.media_items(actor, &slug, &media_ids).await?;
    let accounts = state.app.post_accounts(actor, &slug).await?;
    let deliveries = state.app.post_deliveries(actor, &slug, PostId(id)).await?;
    let clients = state.app.client_switcher(actor).await?;
    let client = &d.client;
    let banner = publishing::paused_banner(&state, &signed, client).await?;
    let post = &d.post;
    let tz = client_zone(client);
    let writer = actor.may(Action::WritePosts, Some(client.id));
    let policy = client.profile.charter.approval;
    let may_decide = post.state == PostState::InReview
        && match policy {
            ApprovalPolicy::Internal => actor.may(Action::ApprovePosts, Some(client.id)),
            ApprovalPolicy::Client => actor.may(Action::ReviewPosts, Some(client.id)),
            ApprovalPolicy::None => false,
        };
    let may_comment =
        writer || actor.may(Action::ReviewPosts, Some(client.id)) || actor.may(Action::ApprovePosts, Some(client.id));
    let base = format!("/c/{slug}/posts/{id}");
    let headline = post.headline();
    let title = if headline.is_empty() { t.post } else { headline.as_str() };
    let (date, time) = post.planned_at.map_or_else(Default::default, |at| {
        let z = at.to_zoned(tz.clone());
        (z.strftime("%Y-%m-%d").to_string(), z.strftime("%H:%M").to_string())
    });
    let content = html! {
        (banner)
        p { a href={ "/c/" (slug) "/calendar" } { "← " (t.calendar) } }
        h1 { (title) }
        p.post-meta {
            (state_badge(post.state, t)) " "
            @match post.planned_at {
                Some(at) => { (t.planned_for) " " time datetime=(at) data-testid="planned" { (date_hm(&tz, at)) } " (" (client.profile.time_zone.as_str()) ")" }
                None => { (t.not_planned) }
            }
            @if let Some(c) = &d.campaign { " · " (t.campaign) " : " (c) }
            @if !post.content.labels.is_empty() { " · " (t.labels) " : " (post.content.labels.join(", ")) }
        }
        @if !post.review_comment.is_empty() {
            div.rejection role="note" data-testid="rejection" { strong { (t.rejected_because) } " " (post.review_comment) }
        }
        @if !post.content.content_warning.is_empty() { p.cw { strong { (t.content_warning) " : " } (post.content.content_warning) } }
        div.post-text { (post.content.text) }
        @if !post.content.media.is_empty() { (media_list(&slug, &post.content.media, &media, "post-media", t)) }
        @if !post.content.first_comment.is_empty() { h2 { (t.first_comment) } div.post-text { (post.content.first_comment) } }
        h2 { (t.post_accounts) }
        ul.targets {
            @for target in &post.content.targets {
                li data-testid="target" {
                    strong { (account_label(&accounts, target.account_id)) }
                    @if let Some(v) = &target.text { div.post-text.variant { (v) } }
                    @match &target.media {
                        Some(own) if own.is_empty() => {
                            p.variant-media data-testid="variant-no-media" { (t.media_none_here) }
                        }
                        Some(own) => {
                            div.variant-media {
                                small { (t.media_own) } (media_list(&slug, own, &media, "variant-media", t))
                            }
                        }
                        None => {}
                    }
                }
            }
        }
        section.deliveries aria-labelledby="deliveries-title" data-testid="deliveries" {
            h2 #deliveries-title { (t.publishing) }
            @if deliveries.is_empty() { p { (t.no_deliveries) } }
            @else {
                ul.deliveries {
                    @for dl in &deliveries {
                        @let facts = DeliveryFacts {
                            state: dl.state,
                            next_attempt: dl.next_attempt,
                            attempts: dl.attempts,
                            last_error: dl.last_error.as_deref(),
                            url: dl.url.as_deref(),
                            published_at: dl.published_at,
                        };
                        li data-testid="delivery" {
                            strong { (account_label(&accounts, dl.account_id)) } " : " (delivery_details(&facts, &tz, t))
                        }
                    }
                }
            }
            @if writer && matches!(post.state, PostState::Scheduled | PostState::Approved | PostState::Failed) {
                form.inline method="post" action={ (base) "/publish" } {
                    (csrf_field(ctx))
                    button type="submit" data-testid="publish-now" {
                        @if post.state == PostState::Failed { (t.retry) } @else { (t.publish_now) }
                    }
                }
            }
        }
        @if writer {
            @if !post.content.notes.is_empty() { h2 { (t.team_notes) } div.post-text { (post.content.notes) } }
            @if !post.content.client_material.is_empty() { h2 { (t.client_material) } div.post-text { (post.content.client_material) } }
        }
        @if writer && post.state.editable() {
            h2 { (t.actions) }
            div.row.actions {
                a.button href={ (base) "/edit" } { (t.edit) }
                @if post.state == PostState::Scheduled {
                    (action_form(ctx, &base, "unschedule", post.version, t.unschedule))
                } @else if policy == ApprovalPolicy::None || post.state == PostState::Approved {
                    (action_form(ctx, &base, "schedule", post.version, t.schedule))
                }
                @if policy != ApprovalPolicy::None && post.state == PostState::Draft {
                    (action_form(ctx, &base, "submit", post.version, t.submit_review))
                }
                (action_form(ctx, &base, "queue", post.version, t.queue_slot))
            }
            form.stack.move-form method="post" action={ (base) "/move" } {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(post.version);
                fieldset {
                    legend { (t.move_post) }
                    p.help #move-help { (t.move_help) " (" (client.profile.time_zone.as_str()) ")" }
                    div.row {
                        label { (t.planned_date) " " input type="date" name="date" value=(date) aria-describedby="move-help"; }
                        label { (t.planned_time) " " input type="time" name="time" value=(time) aria-describedby="move-help"; }
                        button type="submit" { (t.move_post) }
                    }
                }
            }
        }
        @if may_comment {
            form.stack.review-form method="post" action={ (base) "/review" } {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(post.version);
                h2 { @if may_decide { (t.review) } @else { (t.comment) } }
                label for="review-comment" { (t.comment_label) }
                textarea #review-comment name="comment" rows="3" aria-describedby=[may_decide.then_some("reject-help")] {}
                @if may_decide { p.help #reject-help { (t.reject_needs_comment) } }
                div.row {
                    @if may_decide {
                        button type="submit" name="decision" value="approve" { (t.approve) }
                        button.danger type="submit" name="decision" value="reject" { (t.reject) }
                    }
                    button.secondary type="submit" name="decision" value="comment" { (t.comment) }
                }
            }
        }
        h2 { (t.comments) }
        @if d.comments.is_empty() { p { (t.no_comments) } }
        @else {
            ol.comments {
                @for c in &d.comments {
                    li class={ "comment kind-" (c.kind) } {
                        p.meta { strong { (c.author) } " · " (date_hm(&tz, c.at)) " · " (comment_kind(&c.kind, t)) }
                        div.post-text { (c.body) }
                    }
                }
            }
        }
        @if writer && post.state.editable() {
            form.inline method="post" action={ (base) "/delete" } {
                (csrf_field(ctx))
                button.link.danger type="submit" { (t.delete) }
            }
        }
    };
    Ok(render(&Shell { ctx, actor, clients: &clients, current: Some((client, Section::Calendar)), title }, content)
        .into_response())
}

/// Media as the post's page shows them: thumbnails of images (a link for videos) with their alternative texts.
fn media_list(slug: &str, list: &[PostMedia], items: &[MediaItem], testid: &str, t: &Texts) -> Markup {
    html! {
        ul.media-list data-testid=(testid) {
            @for m in list {
                @let src = format!("/c/{slug}/media/{}", m.media_id);
                @let image = items.iter().any(|i| i.id == m.media_id && i.facts.kind != MediaKind::Video);
                li {
                    @if image { img.thumb src=(src) alt=(m.alt) width="160" loading="lazy"; }
                    @else { a href=(src) { (t.open_file) } }
                    @if !m.alt.is_empty() { br; small { (m.alt) } }
                }
            }
        }
    }
}

fn comment_kind(kind: &str, t: &Texts) -> &'static str {
    match kind {
        "approve" => t.approve,
        "reject" => t.reject,
        _ => t.comment,
    }
}

fn action_form(ctx: &Ctx, base: &str, what: &str, version: i64, label: &str) -> Markup {
    html! {
        form.inline method="post" action={ (base) "/" (what) } {
            (csrf_field(ctx))
            input type="hidden" name="version" value=(version);
            button.secondary type="submit" { (label) }
        }
    }
}

#[derive(serde::Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

fn version(v: &str) -> i64 {
    v.trim().parse().unwrap_or(0)
}

pub async fn schedule(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<VersionForm>,
) -> WebResult {
    let result = state.app.schedule_post(&signed.actor, &slug, PostId(id), version(&f.version)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/posts/{id}"), result)
}

pub async fn unschedule(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<VersionForm>,
) -> WebResult {
    let result = state.app.unschedule_post(&signed.actor, &slug, PostId(id), version(&f.version)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/posts/{id}"), result)
}

pub async fn submit(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<VersionForm>,
) -> WebResult {
    let result = state.app.submit_post(&signed.actor, &slug, PostId(id), version(&f.version)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/posts/{id}"), result)
}

pub async fn queue(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<VersionForm>,
) -> WebResult {
    let result = state.app.queue_post(&signed.actor, &slug, PostId(id), version(&f.version)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/posts/{id}"), result)
}

pub async fn delete(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
) -> WebResult {
    let result = state.app.delete_post(&signed.actor, &slug, PostId(id)).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/calendar"), result)
}

#[derive(serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    back: String,
}

/// Where a move may send the browser back to: a page of this client or the all-clients calendar, nothing else.
fn safe_back(back: &str, slug: &str) -> Option<String> {
    let ok = !back.starts_with("//")
        && (back.starts_with(&format!("/c/{slug}/")) || back == "/calendar" || back.starts_with("/calendar?"));
    ok.then(|| back.to_owned())
}

/// Moves a post to another day and time (drag and drop, or the form of its page), or to the ideas without a date.
/// The wall-clock time is read in the client's zone; a time the clocks skip or repeat takes the compatible instant.
pub async fn move_post(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<MoveForm>,
) -> WebResult {
    let client = state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let back = safe_back(&f.back, &slug).unwrap_or_else(|| format!("/c/{slug}/posts/{id}"));
    let noon = Time::constant(12, 0, 0, 0);
    let result = match parse_when(&client_zone(&client), &f.date, &f.time, Ambiguity::Compatible, Some(noon)) {
        Ok(at) => state.app.move_post(&signed.actor, &slug, PostId(id), version(&f.version), at).await,
        Err(e) => Err(e),
    };
    after_change(&state, &signed.ctx, &back, result)
}

#[derive(serde::Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
}

/// Approve, reject or comment, signed in; the application decides who may, by the client's policy.
pub async fn review(
    State(state): State<WebState>,
    signed: SignedIn,
    Path((slug, id)): Path<(String, i64)>,
    Form(f): Form<ReviewForm>,
) -> WebResult {
    let back = format!("/c/{slug}/posts/{id}");
    let result = match Decision::parse(&f.decision) {
        Some(d) => state.app.review_post(&signed.actor, &slug, PostId(id), version(&f.version), d, &f.comment).await,
        None => match state.app.client(&signed.actor, &slug, Action::ViewCalendar).await {
            Ok(_) => Err(invalid("decision", "approve, reject or comment")),
            Err(e) => Err(e),
        },
    };
    after_change(&state, &signed.ctx, &back, result)
}
