//! The evaluation sets (tests/data) and how a set is scored: shared by tests/eval.rs and examples/sweep.rs.

// Test support: a malformed data file should stop the evaluation loudly.
#![allow(dead_code, clippy::expect_used, clippy::panic)]

use filrouge_resemblance::{ProfileInput, Profiles};
use serde::Deserialize;

#[derive(Deserialize)]
struct Brief {
    activity: String,
    location: String,
    audience: String,
    expectations: String,
    goals: String,
}

#[derive(Deserialize)]
struct Client {
    slug: String,
    name: String,
    brief: Brief,
    keywords: Vec<String>,
    signature: String,
    required_hashtags: Vec<String>,
    competitors: Vec<String>,
    handles: Vec<String>,
    past_posts: Vec<String>,
}

#[derive(Deserialize)]
pub struct Draft {
    #[serde(default)]
    pub client: Option<String>,
    pub text: String,
    #[serde(default)]
    pub generic: bool,
}

pub const CLIENTS: &str = include_str!("../data/clients.json");
pub const DRAFTS: &str = include_str!("../data/drafts.jsonl");
pub const HOLDOUT: &str = include_str!("../data/holdout.jsonl");
/// Written blind (the writer saw only clients.json and the format), measured once, never tuned on.
pub const HOLDOUT2: &str = include_str!("../data/holdout2.jsonl");
/// Written blind like holdout2, after the everyday-words rule; measured once, never tuned on.
pub const HOLDOUT3: &str = include_str!("../data/holdout3.jsonl");

pub fn clients() -> Vec<ProfileInput> {
    let clients: Vec<Client> = serde_json::from_str(CLIENTS).expect("clients.json");
    clients
        .into_iter()
        .map(|c| ProfileInput {
            slug: c.slug,
            name: c.name,
            brief: [c.brief.activity, c.brief.location, c.brief.audience, c.brief.expectations, c.brief.goals]
                .join("\n"),
            keywords: c.keywords,
            signature: c.signature,
            required_hashtags: c.required_hashtags,
            competitors: c.competitors,
            handles: c.handles,
            past_posts: c.past_posts,
        })
        .collect()
}

pub fn drafts(jsonl: &str) -> Vec<Draft> {
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// What a set scores: every labelled draft placed on every client, every generic draft on every client.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Labelled drafts placed on another client than their own.
    pub misplaced: usize,
    pub detected: usize,
    pub named_right: usize,
    /// Detections decided by an identifier (name, handle, hashtag, signature) rather than by the scores.
    pub by_identifier: usize,
    /// Labelled drafts placed on their own client.
    pub own: usize,
    pub own_flagged: usize,
    /// Generic drafts placed on each client.
    pub generic: usize,
    pub generic_flagged: usize,
    /// Texts of the failures, for tuning.
    pub misses: Vec<String>,
    pub false_alarms: Vec<String>,
}

impl Report {
    pub fn detection(&self) -> f64 {
        ratio(self.detected, self.misplaced)
    }
    pub fn naming(&self) -> f64 {
        ratio(self.named_right, self.detected)
    }
    pub fn false_alarm(&self) -> f64 {
        ratio(self.own_flagged + self.generic_flagged, self.own + self.generic)
    }
    pub fn summary(&self, name: &str) -> String {
        format!(
            "{name}: detection {:.1}% ({}/{}; {} by identifier), right client named {:.1}% ({}/{}), false alarms \
             {:.1}% ({}/{}: own client {}/{}, generic {}/{})",
            100.0 * self.detection(),
            self.detected,
            self.misplaced,
            self.by_identifier,
            100.0 * self.naming(),
            self.named_right,
            self.detected,
            100.0 * self.false_alarm(),
            self.own_flagged + self.generic_flagged,
            self.own + self.generic,
            self.own_flagged,
            self.own,
            self.generic_flagged,
            self.generic,
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

pub fn evaluate(profiles: &Profiles, clients: &[ProfileInput], drafts: &[Draft]) -> Report {
    let mut r = Report::default();
    for d in drafts {
        if d.generic {
            for c in clients {
                r.generic += 1;
                if let Some(hit) = profiles.check(&c.slug, &d.text) {
                    r.generic_flagged += 1;
                    r.false_alarms
                        .push(format!("[generic on {} → {} {:?}] {}", c.slug, hit.client, hit.evidence, d.text));
                }
            }
            continue;
        }
        let own = d.client.as_deref().expect("a labelled draft has a client");
        assert!(clients.iter().any(|c| c.slug == own), "unknown client {own}");
        r.own += 1;
        if let Some(hit) = profiles.check(own, &d.text) {
            r.own_flagged += 1;
            r.false_alarms.push(format!(
                "[{own} → {} {:.3} vs {:.3} {:?}] {}",
                hit.client, hit.score, hit.own_score, hit.evidence, d.text
            ));
        }
        let mut missed = 0;
        for c in clients.iter().filter(|c| c.slug != own) {
            r.misplaced += 1;
            match profiles.check(&c.slug, &d.text) {
                Some(hit) => {
                    r.detected += 1;
                    r.by_identifier += usize::from(hit.identifier);
                    if hit.client == own {
                        r.named_right += 1;
                    }
                }
                None => missed += 1,
            }
        }
        if missed > 0 {
            r.misses.push(format!("[{own}: missed on {missed}] {}", d.text));
        }
    }
    r
}
