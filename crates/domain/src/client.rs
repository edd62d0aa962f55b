//! A client (one brand, one workspace): its brief, its editorial charter and its competitors.

use serde::{Deserialize, Serialize};

use crate::ids::{ClientId, CompetitorId, Slug};
use crate::locale::Lang;
use crate::validate::{optional_text, required_text};
use crate::Invalid;

/// A client as stored: identity plus everything the team needs to speak in its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub id: ClientId,
    pub profile: ClientProfile,
    pub archived: bool,
}

/// What the client switcher shows of a client: enough to name it, colour it and link to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientSummary {
    pub id: ClientId,
    pub slug: Slug,
    pub name: String,
    pub colour: Colour,
    pub archived: bool,
}

impl From<&Client> for ClientSummary {
    fn from(c: &Client) -> Self {
        Self {
            id: c.id,
            slug: c.profile.slug.clone(),
            name: c.profile.name.clone(),
            colour: c.profile.colour.clone(),
            archived: c.archived,
        }
    }
}

/// What defines a client, without its storage identity: what is created, edited, exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientProfile {
    pub slug: Slug,
    pub name: String,
    pub colour: Colour,
    pub time_zone: TimeZoneName,
    pub languages: Vec<Lang>,
    pub brief: Brief,
    pub charter: Charter,
}

impl ClientProfile {
    /// Checks every field; the error names the first field that is wrong.
    pub fn validate(mut self) -> Result<Self, Invalid> {
        self.name = required_text("name", &self.name, 120)?;
        if self.languages.is_empty() {
            return Err(Invalid::new("languages", "must list at least one language"));
        }
        let mut seen = Vec::new();
        for lang in &self.languages {
            if seen.contains(lang) {
                return Err(Invalid::new("languages", format!("'{}' is listed twice", lang.code())));
            }
            seen.push(*lang);
        }
        self.brief = self.brief.validate().map_err(|e| e.within("brief"))?;
        self.charter = self.charter.validate().map_err(|e| e.within("charter"))?;
        Ok(self)
    }
}

/// A colour written `#rrggbb`, used to tell clients apart at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Colour(String);

impl Colour {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let v = value.trim();
        let ok = v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit());
        if ok {
            Ok(Self(v.to_ascii_lowercase()))
        } else {
            Err(Invalid::new("colour", format!("'{v}' is not a colour written #rrggbb")))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Colour {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<Colour> for String {
    fn from(c: Colour) -> Self {
        c.0
    }
}

/// An IANA time zone name (`Europe/Paris`) known to the time zone database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let v = value.trim();
        match jiff::tz::TimeZone::get(v) {
            Ok(_) if !v.is_empty() => Ok(Self(v.to_owned())),
            _ => Err(Invalid::new("time_zone", format!("'{v}' is not a known time zone (e.g. Europe/Paris)"))),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TimeZoneName {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}
impl From<TimeZoneName> for String {
    fn from(t: TimeZoneName) -> Self {
        t.0
    }
}

/// The client's brief: who they are and what they expect from the agency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Brief {
    #[serde(default)]
    pub activity: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub expectations: String,
    #[serde(default)]
    pub goals: String,
    /// Networks the client already uses, with their addresses, as the client described them.
    #[serde(default)]
    pub existing_networks: String,
    /// Words that describe the client's business (products, places, people).
    #[serde(default)]
    pub keywords: Vec<String>,
}

impl Brief {
    pub fn validate(mut self) -> Result<Self, Invalid> {
        self.activity = optional_text("activity", &self.activity, 2000)?;
        self.location = optional_text("location", &self.location, 500)?;
        self.audience = optional_text("audience", &self.audience, 2000)?;
        self.expectations = optional_text("expectations", &self.expectations, 4000)?;
        self.goals = optional_text("goals", &self.goals, 4000)?;
        self.existing_networks = optional_text("existing_networks", &self.existing_networks, 2000)?;
        self.keywords = clean_list("keywords", self.keywords, 200, 80)?;
        Ok(self)
    }
}

/// How to address the audience in French.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AddressForm {
    Tu,
    #[default]
    Vous,
}

impl AddressForm {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        match value.trim() {
            "tu" => Ok(Self::Tu),
            "vous" => Ok(Self::Vous),
            other => Err(Invalid::new("address", format!("'{other}' is neither 'tu' nor 'vous'"))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tu => "tu",
            Self::Vous => "vous",
        }
    }
}

/// Whether posts may carry emoji.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmojiPolicy {
    /// No emoji at all.
    None,
    /// A few (at most three per post).
    #[default]
    Sparing,
    /// No limit.
    Free,
}

impl EmojiPolicy {
    pub const ALL: [EmojiPolicy; 3] = [Self::None, Self::Sparing, Self::Free];
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == value.trim())
            .ok_or_else(|| Invalid::new("emoji", format!("'{value}' is not one of none, sparing, free")))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Sparing => "sparing",
            Self::Free => "free",
        }
    }
}

/// The editorial charter: the rules every post of the client must follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charter {
    #[serde(default)]
    pub address: AddressForm,
    /// Free notes on tone and voice.
    #[serde(default)]
    pub tone: String,
    /// Words and expressions that must never appear.
    #[serde(default)]
    pub banned: Vec<String>,
    /// Hashtags every post must carry (without or with `#`; stored with it).
    #[serde(default)]
    pub required_hashtags: Vec<String>,
    /// A signature every post must end with, if any.
    #[serde(default)]
    pub signature: String,
    #[serde(default = "default_max_hashtags")]
    pub max_hashtags: u8,
    #[serde(default)]
    pub emoji: EmojiPolicy,
    /// The longest post the charter allows, in characters (0: only the networks' limits apply).
    #[serde(default)]
    pub max_length: u32,
    /// Every image must carry alternative text before the post can be scheduled.
    #[serde(default)]
    pub require_alt_text: bool,
    /// Words the spelling check accepts for this client (brand names, products, places).
    #[serde(default)]
    pub accepted_words: Vec<String>,
    /// Who approves posts before they can be scheduled.
    #[serde(default)]
    pub approval: crate::post::ApprovalPolicy,
}

fn default_max_hashtags() -> u8 {
    5
}

impl Default for Charter {
    fn default() -> Self {
        Self {
            address: AddressForm::default(),
            tone: String::new(),
            banned: Vec::new(),
            required_hashtags: Vec::new(),
            signature: String::new(),
            max_hashtags: default_max_hashtags(),
            emoji: EmojiPolicy::default(),
            max_length: 0,
            require_alt_text: false,
            accepted_words: Vec::new(),
            approval: crate::post::ApprovalPolicy::None,
        }
    }
}

impl Charter {
    pub fn validate(mut self) -> Result<Self, Invalid> {
        self.tone = optional_text("tone", &self.tone, 4000)?;
        self.banned = clean_list("banned", self.banned, 500, 120)?;
        self.signature = optional_text("signature", &self.signature, 200)?;
        let mut tags = Vec::new();
        for tag in clean_list("required_hashtags", self.required_hashtags, 30, 100)? {
            let bare = tag.trim_start_matches('#');
            if bare.is_empty() || !bare.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(Invalid::new(
                    "required_hashtags",
                    format!("'{tag}' is not a hashtag (letters, digits and _ only)"),
                ));
            }
            tags.push(format!("#{bare}"));
        }
        self.required_hashtags = tags;
        self.accepted_words = clean_list("accepted_words", self.accepted_words, 2000, 80)?;
        if self.max_length > 100_000 {
            return Err(Invalid::new("max_length", "must be at most 100000"));
        }
        if self.max_hashtags > 30 {
            return Err(Invalid::new("max_hashtags", "must be at most 30"));
        }
        if usize::from(self.max_hashtags) < self.required_hashtags.len() {
            return Err(Invalid::new("max_hashtags", "is smaller than the number of required hashtags"));
        }
        Ok(self)
    }
}

/// A competitor watched for a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Competitor {
    pub id: CompetitorId,
    pub client_id: ClientId,
    pub profile: CompetitorProfile,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompetitorProfile {
    pub name: String,
    /// Social handles (`@dominos_fr`, `pizzahut.bsky.social`).
    #[serde(default)]
    pub handles: Vec<String>,
    /// Web sites (`https://www.example.fr`).
    #[serde(default)]
    pub sites: Vec<String>,
}

impl CompetitorProfile {
    pub fn validate(mut self) -> Result<Self, Invalid> {
        self.name = required_text("name", &self.name, 120)?;
        self.handles = clean_list("handles", self.handles, 20, 100)?;
        self.sites = clean_list("sites", self.sites, 20, 300)?;
        for site in &self.sites {
            if !(site.starts_with("https://") || site.starts_with("http://")) {
                return Err(Invalid::new("sites", format!("'{site}' must start with http:// or https://")));
            }
        }
        Ok(self)
    }
}

/// Trims each entry, drops empty ones and duplicates, and bounds count and length.
pub fn clean_list(field: &str, items: Vec<String>, max_items: usize, max_len: usize) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let item = optional_text(field, &item, max_len)?;
        if !item.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&item)) {
            out.push(item);
        }
    }
    if out.len() > max_items {
        return Err(Invalid::new(field, format!("must have at most {max_items} entries")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charter_normalises_hashtags_and_checks_their_count() {
        let charter = Charter {
            required_hashtags: vec!["pizza".into(), "#Lyon".into(), " pizza ".into()],
            max_hashtags: 3,
            ..Charter::default()
        };
        let ok = charter.validate().unwrap();
        assert_eq!(ok.required_hashtags, vec!["#pizza", "#Lyon"]);

        let too_few =
            Charter { required_hashtags: vec!["a".into(), "b".into()], max_hashtags: 1, ..Charter::default() };
        assert_eq!(too_few.validate().unwrap_err().field, "max_hashtags");

        let bad_tag = Charter { required_hashtags: vec!["pizza napoli".into()], ..Charter::default() };
        assert_eq!(bad_tag.validate().unwrap_err().field, "required_hashtags");
    }

    #[test]
    fn colours_and_time_zones_are_checked() {
        assert_eq!(Colour::parse("#C0392B").unwrap().as_str(), "#c0392b");
        assert!(Colour::parse("red").is_err());
        assert!(TimeZoneName::parse("Europe/Paris").is_ok());
        assert!(TimeZoneName::parse("Europe/Lyon").is_err());
        assert!(TimeZoneName::parse("").is_err());
    }

    #[test]
    fn competitor_sites_must_be_web_addresses() {
        let bad = CompetitorProfile { name: "Domino's".into(), sites: vec!["dominos.fr".into()], ..Default::default() };
        assert_eq!(bad.validate().unwrap_err().field, "sites");
    }
}
