//! A client's settings: identity (name, colour, time zone, languages), brief and charter.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Form;
use filrouge_app::clients::Identity;
use filrouge_domain::client::{AddressForm, Brief, Charter, EmojiPolicy};
use filrouge_domain::permission::Action;
use filrouge_domain::post::ApprovalPolicy;
use maud::html;
use serde::Deserialize;

use crate::context::SignedIn;
use crate::error::WebResult;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::{after_change, lines};
use crate::WebState;

pub async fn page_(state: &WebState, signed: &SignedIn, slug: &str) -> WebResult {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let client = state.app.client(actor, slug, Action::ViewClientSettings).await?;
    let clients = state.app.client_switcher(actor).await?;
    let editable = actor.may(Action::EditClientSettings, Some(client.id));
    let p = &client.profile;
    let b = &p.brief;
    let c = &p.charter;
    let base = format!("/c/{}/settings", p.slug);
    let content = html! {
        h1 { (t.settings) }
        section {
            h2 #identity { (t.identity) }
            form.stack method="post" action={ (base) "/identity" } {
                (csrf_field(ctx))
                fieldset disabled[!editable] {
                    legend.visually-hidden { (t.identity) }
                    label for="name" { (t.name) }
                    input #name name="name" value=(p.name) required maxlength="120";
                    label for="colour" { (t.colour) }
                    input #colour type="color" name="colour" value=(p.colour.as_str());
                    label for="time_zone" { (t.time_zone) }
                    input #time_zone name="time_zone" value=(p.time_zone.as_str()) required;
                    label for="languages" { (t.languages) }
                    input #languages name="languages" value=(p.languages.iter().map(|l| l.code()).collect::<Vec<_>>().join(", ")) aria-describedby="languages-help";
                    p.help #languages-help { (t.languages_help) }
                    @if editable { button type="submit" { (t.save) } }
                }
            }
        }
        section {
            h2 #brief { (t.brief) }
            form.stack method="post" action={ (base) "/brief" } {
                (csrf_field(ctx))
                fieldset disabled[!editable] {
                    legend.visually-hidden { (t.brief) }
                    label for="activity" { (t.activity) }
                    textarea #activity name="activity" rows="3" { (b.activity) }
                    label for="location" { (t.location) }
                    input #location name="location" value=(b.location);
                    label for="audience" { (t.audience) }
                    textarea #audience name="audience" rows="3" { (b.audience) }
                    label for="expectations" { (t.expectations) }
                    textarea #expectations name="expectations" rows="3" { (b.expectations) }
                    label for="goals" { (t.goals) }
                    textarea #goals name="goals" rows="3" { (b.goals) }
                    label for="existing_networks" { (t.existing_networks) }
                    textarea #existing_networks name="existing_networks" rows="2" { (b.existing_networks) }
                    label for="keywords" { (t.keywords) }
                    textarea #keywords name="keywords" rows="3" aria-describedby="keywords-help" { (b.keywords.join("\n")) }
                    p.help #keywords-help { (t.one_per_line) }
                    @if editable { button type="submit" { (t.save) } }
                }
            }
        }
        section {
            h2 #charter { (t.charter) }
            form.stack method="post" action={ (base) "/charter" } {
                (csrf_field(ctx))
                fieldset disabled[!editable] {
                    legend { (t.address_form) }
                    label.inline { input type="radio" name="address" value="tu" checked[c.address == AddressForm::Tu]; " " (t.address_tu) }
                    label.inline { input type="radio" name="address" value="vous" checked[c.address == AddressForm::Vous]; " " (t.address_vous) }
                    label for="tone" { (t.tone) }
                    textarea #tone name="tone" rows="3" { (c.tone) }
                    label for="banned" { (t.banned) }
                    textarea #banned name="banned" rows="3" aria-describedby="banned-help" { (c.banned.join("\n")) }
                    p.help #banned-help { (t.one_per_line) }
                    label for="required_hashtags" { (t.required_hashtags) }
                    textarea #required_hashtags name="required_hashtags" rows="2" aria-describedby="tags-help" { (c.required_hashtags.join("\n")) }
                    p.help #tags-help { (t.one_per_line) }
                    label for="signature" { (t.signature) }
                    input #signature name="signature" value=(c.signature);
                    label for="max_hashtags" { (t.max_hashtags) }
                    input #max_hashtags type="number" min="0" max="30" name="max_hashtags" value=(c.max_hashtags);
                    label for="emoji" { (t.emoji) }
                    select #emoji name="emoji" {
                        @for (policy, label) in [(EmojiPolicy::None, t.emoji_none), (EmojiPolicy::Sparing, t.emoji_sparing), (EmojiPolicy::Free, t.emoji_free)] {
                            option value=(policy.as_str()) selected[c.emoji == policy] { (label) }
                        }
                    }
                    label for="max_length" { (t.charter_max_length) }
                    input #max_length type="number" min="0" max="100000" name="max_length" value=(c.max_length) aria-describedby="max-length-help";
                    p.help #max-length-help { (t.charter_max_length_help) }
                    label.inline {
                        input type="checkbox" name="require_alt_text" value="1" checked[c.require_alt_text];
                        " " (t.charter_require_alt)
                    }
                    label for="approval" { (t.charter_approval) }
                    select #approval name="approval" {
                        @for (policy, label) in [(ApprovalPolicy::None, t.approval_none), (ApprovalPolicy::Internal, t.approval_internal), (ApprovalPolicy::Client, t.approval_client)] {
                            option value=(policy.as_str()) selected[c.approval == policy] { (label) }
                        }
                    }
                    label for="accepted_words" { (t.charter_accepted_words) }
                    textarea #accepted_words name="accepted_words" rows="3" aria-describedby="accepted-help" { (c.accepted_words.join("\n")) }
                    p.help #accepted-help { (t.one_per_line) }
                    @if editable { button type="submit" { (t.save) } }
                }
            }
        }
    };
    Ok(render(
        &Shell { ctx, actor, clients: &clients, current: Some((&client, Section::Settings)), title: t.settings },
        content,
    )
    .into_response())
}

pub async fn page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    page_(&state, &signed, &slug).await
}

#[derive(Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    colour: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    languages: String,
}

pub async fn identity(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<IdentityForm>,
) -> WebResult {
    let identity = Identity {
        name: f.name,
        colour: f.colour,
        time_zone: f.time_zone,
        languages: f.languages.split([',', ' ']).filter(|s| !s.trim().is_empty()).map(str::to_owned).collect(),
    };
    let result = state.app.update_identity(&signed.actor, &slug, identity).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/settings#identity"), result)
}

#[derive(Deserialize)]
pub struct BriefForm {
    #[serde(default)]
    activity: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    expectations: String,
    #[serde(default)]
    goals: String,
    #[serde(default)]
    existing_networks: String,
    #[serde(default)]
    keywords: String,
}

pub async fn brief(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<BriefForm>,
) -> WebResult {
    let brief = Brief {
        activity: f.activity,
        location: f.location,
        audience: f.audience,
        expectations: f.expectations,
        goals: f.goals,
        existing_networks: f.existing_networks,
        keywords: lines(&f.keywords),
    };
    let result = state.app.update_brief(&signed.actor, &slug, brief).await;
    after_change(&state, &signed.ctx, &format!("/c/{slug}/settings#brief"), result)
}

#[derive(Deserialize)]
pub struct CharterForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    tone: String,
    #[serde(default)]
    banned: String,
    #[serde(default)]
    required_hashtags: String,
    #[serde(default)]
    signature: String,
    #[serde(default)]
    max_hashtags: String,
    #[serde(default)]
    max_length: String,
    #[serde(default)]
    require_alt_text: Option<String>,
    #[serde(default)]
    accepted_words: String,
    #[serde(default)]
    approval: String,
    #[serde(default)]
    emoji: String,
}

pub async fn charter(
    State(state): State<WebState>,
    signed: SignedIn,
    Path(slug): Path<String>,
    Form(f): Form<CharterForm>,
) -> WebResult {
    let back = format!("/c/{slug}/settings#charter");
    let parsed = (|| -> Result<Charter, filrouge_domain::Invalid> {
        Ok(Charter {
            address: AddressForm::parse(&f.address)?,
            tone: f.tone,
            banned: lines(&f.banned),
            required_hashtags: lines(&f.required_hashtags),
            signature: f.signature,
            max_hashtags: f.max_hashtags.trim().parse().map_err(|_| {
                filrouge_domain::Invalid::new("charter.max_hashtags", "must be a whole number from 0 to 30")
            })?,
            emoji: EmojiPolicy::parse(&f.emoji)?,
            max_length: match f.max_length.trim() {
                "" => 0,
                n => n.parse().map_err(|_| {
                    filrouge_domain::Invalid::new("charter.max_length", "must be a whole number from 0 to 100000")
                })?,
            },
            require_alt_text: f.require_alt_text.is_some(),
            accepted_words: lines(&f.accepted_words),
            approval: ApprovalPolicy::parse(&f.approval)?,
        })
    })();
    let result = match parsed {
        Ok(charter) => state.app.update_charter(&signed.actor, &slug, charter).await,
        Err(e) => {
            // Check access first: a refused user learns nothing from a validation message.
            state.app.client(&signed.actor, &slug, Action::EditClientSettings).await?;
            Err(e.into())
        }
    };
    after_change(&state, &signed.ctx, &back, result)
}
