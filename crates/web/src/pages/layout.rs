//! The page shell: header with the current client (name and colour) and the one-click client
//! switcher, the client's section tabs, the flash message, and the footer.

use filrouge_app::Actor;
use filrouge_domain::client::{Client, ClientSummary};
use filrouge_domain::permission::Action;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::context::{Ctx, Flash};
use crate::i18n::Texts;

/// The sections of a client, in tab order; switching client keeps the section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Calendar,
    Inbox,
    Settings,
    Accounts,
    Competitors,
    Members,
    Journal,
    Mentions,
    Queries,
    Sources,
}

impl Section {
    pub fn suffix(self) -> &'static str {
        match self {
            Section::Home => "",
            Section::Calendar => "/calendar",
            Section::Inbox => "/inbox",
            Section::Settings => "/settings",
            Section::Accounts => "/accounts",
            Section::Competitors => "/competitors",
            Section::Members => "/members",
            Section::Journal => "/journal",
            Section::Mentions => "/mentions",
            Section::Queries => "/queries",
            Section::Sources => "/sources",
        }
    }

    fn needs(self) -> Action {
        match self {
            Section::Home => Action::ViewClient,
            Section::Calendar => Action::ViewCalendar,
            Section::Journal => Action::ViewJournal,
            Section::Inbox => Action::ViewInbox,
            Section::Mentions | Section::Queries | Section::Sources => Action::ViewMentions,
            _ => Action::ViewClientSettings,
        }
    }

    fn label(self, t: &Texts) -> &'static str {
        match self {
            Section::Home => t.overview,
            Section::Calendar => t.calendar,
            Section::Inbox => t.inbox,
            Section::Settings => t.settings,
            Section::Accounts => t.accounts,
            Section::Competitors => t.competitors,
            Section::Members => t.members,
            Section::Journal => t.journal,
            Section::Mentions => t.veille,
            Section::Queries => t.queries,
            Section::Sources => t.sources,
        }
    }
}

const SECTIONS: [Section; 11] = [
    Section::Home,
    Section::Calendar,
    Section::Inbox,
    Section::Mentions,
    Section::Queries,
    Section::Sources,
    Section::Settings,
    Section::Accounts,
    Section::Competitors,
    Section::Members,
    Section::Journal,
];

/// Everything the shell needs.
pub struct Shell<'a> {
    pub ctx: &'a Ctx,
    pub actor: &'a Actor,
    pub clients: &'a [ClientSummary],
    pub current: Option<(&'a Client, Section)>,
    pub title: &'a str,
}

/// The `<head>` of every page: one stylesheet; htmx (self-hosted) only where a page needs it.
fn head(title: &str, htmx: bool) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · Fil Rouge" }
            link rel="stylesheet" href="/static/style.css";
            @if htmx {
                // No inline indicator styles: the CSP allows none.
                meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}"#;
                script src=(HTMX_PATH) defer {}
            }
        }
    }
}

/// Where the vendored htmx is served.
pub const HTMX_PATH: &str = "/static/htmx-2.0.11.min.js";

/// A full page for a signed-in user.
pub fn page(shell: &Shell<'_>, content: Markup) -> Markup {
    let section = shell.current.map(|(_, s)| s);
    page_inner(shell, content, matches!(section, Some(Section::Queries | Section::Calendar | Section::Inbox)))
}

/// A full page that loads htmx whatever its section (the inbox across clients).
pub fn page_with_htmx(shell: &Shell<'_>, content: Markup) -> Markup {
    page_inner(shell, content, true)
}

fn page_inner(shell: &Shell<'_>, content: Markup, htmx: bool) -> Markup {
    let t = shell.ctx.t();
    let lang = shell.ctx.lang.code();
    let current_colour = shell.current.map_or("#6b7280", |(c, _)| c.profile.colour.as_str());
    let section = shell.current.map_or(Section::Home, |(_, s)| s);
    let title = match shell.current {
        Some((c, _)) => format!("{} · {}", shell.title, c.profile.name),
        None => shell.title.to_owned(),
    };
    html! {
        (DOCTYPE)
        html lang=(lang) {
            (head(&title, htmx))
            body {
                a.skip href="#main" { (t.skip_to_content) }
                header.top style={ "--client:" (current_colour) } {
                    div.brand {
                        a href="/" { (t.app_name) }
                        @if let Some((c, _)) = shell.current {
                            span.current-client aria-label=(t.current_client) data-testid="current-client" {
                                span.dot style={ "background:" (c.profile.colour.as_str()) } {}
                                (c.profile.name)
                            }
                        }
                    }
                    nav.user aria-label=(t.menu) {
                        a href="/calendar" { (t.calendar) }
                        @if shell.clients.iter().any(|c| shell.actor.may(Action::ViewInbox, Some(c.id))) {
                            @let new: i64 = shell.ctx.inbox_counts.iter().map(|(_, n)| n).sum();
                            a href="/inbox" data-testid="nav-inbox" {
                                (t.inbox)
                                @if new > 0 { " " span.badge.count { (new) } span.visually-hidden { " " (t.new_label) } }
                            }
                        }
                        a href="/notifications" { (t.notifications) }
                        @if shell.actor.may(Action::ViewUsers, None) { a href="/users" { (t.users) } }
                        a href="/profile" { (shell.actor.display()) }
                        form method="post" action="/logout" {
                            input type="hidden" name="_csrf" value=(shell.ctx.csrf());
                            button.link type="submit" { (t.sign_out) }
                        }
                    }
                }
                nav.switcher aria-label=(t.switch_client) {
                    ul {
                        @for c in shell.clients {
                            @let is_current = shell.current.is_some_and(|(cur, _)| cur.id == c.id);
                            @let target = if shell.actor.may(section.needs(), Some(c.id)) { section } else { Section::Home };
                            li {
                                a href={ "/c/" (c.slug) (target.suffix()) }
                                  aria-current=[is_current.then_some("page")]
                                  class=[c.archived.then_some("archived")] {
                                    span.dot style={ "background:" (c.colour.as_str()) } {}
                                    (c.name)
                                    @if let Some((_, n)) = shell.ctx.inbox_counts.iter().find(|(s, _)| s == c.slug.as_str()).filter(|(_, n)| *n > 0) {
                                        " " span.badge.inbox-count title=(t.new_messages) { (n) span.visually-hidden { " " (t.new_messages) } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some((client, current)) = shell.current {
                    nav.tabs aria-label=(client.profile.name) style={ "--client:" (client.profile.colour.as_str()) } {
                        @for s in SECTIONS {
                            @if shell.actor.may(s.needs(), Some(client.id)) {
                                a href={ "/c/" (client.profile.slug) (s.suffix()) } aria-current=[(s == current).then_some("page")] { (s.label(t)) }
                            }
                        }
                    }
                }
                main #main {
                    (flash(shell.ctx))
                    (content)
                }
            }
        }
    }
}

pub fn flash(ctx: &Ctx) -> Markup {
    html! {
        @match &ctx.flash {
            Some(Flash::Ok(m)) => p.flash.ok role="status" { (m) },
            Some(Flash::Error(m)) => p.flash.error role="alert" { (m) },
            None => {},
        }
    }
}

/// A page for signed-out screens (sign-in, second factor).
pub fn public_page(ctx: &Ctx, title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            (head(title, false))
            body.public {
                main #main {
                    h1 { "Fil Rouge" }
                    (flash(ctx))
                    (content)
                }
            }
        }
    }
}

/// A bilingual error page that needs no context.
pub fn bare_page(title: &str, fr: &str, en: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            (head(title, false))
            body.public {
                main #main {
                    h1 { (title) }
                    p { (fr) }
                    p lang="en" { (en) }
                    p { a href="/" { "Fil Rouge" } }
                }
            }
        }
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="_csrf" value=(ctx.csrf()); }
}

/// Trusted SVG produced by our own code (the QR code).
pub fn trusted_svg(svg: &str) -> PreEscaped<String> {
    PreEscaped(svg.to_owned())
}
