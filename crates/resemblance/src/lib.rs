//! The wrong-client guard ("tweetfail") without IO: while a draft is typed for one client, says whether it reads
//! like another client's content, and which one.
//!
//! Each client becomes a TF-IDF vector over its profile (name, handles, hashtags, signature and keywords weighted
//! strongly; brief, competitors and past posts normally), with the IDF computed across clients so that words every
//! client uses weigh nothing, and widened by the vocabulary of the client's trade (sectors.rs). A draft is folded,
//! cut into words, stop words dropped, stemmed lightly, and compared by cosine with every client through an inverted
//! index (a few microseconds). Strong identifiers (another client's
//! name, handle, signature or required hashtag, none of the current client's) are decisive; otherwise the best
//! other client must beat the current one by a margin and pass an absolute floor. See docs/guards.md.

mod sectors;
mod text;

use filrouge_domain::client::{ClientProfile, CompetitorProfile};
use filrouge_domain::lint::{Finding, FindingCode};
use rustc_hash::FxHashMap;

pub use text::{fold, MAX_DRAFT_BYTES};
use text::{is_content, stem, words, Mark, Word};

/// Everything the guard knows of one client. The app fills it from the client's profile (brief, charter,
/// competitors), its accounts' handles and its recent published posts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileInput {
    pub slug: String,
    pub name: String,
    /// The brief as text: activity, location, audience, expectations, goals.
    pub brief: String,
    pub keywords: Vec<String>,
    pub signature: String,
    /// With or without `#`.
    pub required_hashtags: Vec<String>,
    /// Names of the competitors watched for the client (they say what business it is in).
    pub competitors: Vec<String>,
    /// The client's own account handles (`@damarco_lyon`, `damarco.bsky.social`).
    pub handles: Vec<String>,
    pub past_posts: Vec<String>,
}

impl ProfileInput {
    /// The input for a client from its stored profile, its competitors, its accounts' handles and its past posts.
    pub fn from_client(
        profile: &ClientProfile,
        competitors: &[CompetitorProfile],
        handles: Vec<String>,
        past_posts: Vec<String>,
    ) -> Self {
        let b = &profile.brief;
        let brief = [&b.activity, &b.location, &b.audience, &b.expectations, &b.goals]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        Self {
            slug: profile.slug.as_str().to_owned(),
            name: profile.name.clone(),
            brief,
            keywords: b.keywords.clone(),
            signature: profile.charter.signature.clone(),
            required_hashtags: profile.charter.required_hashtags.clone(),
            competitors: competitors.iter().map(|c| c.name.clone()).collect(),
            handles,
            past_posts,
        }
    }
}

/// The knobs of the method; `Settings::default()` holds the values tuned on the evaluation set (docs/guards.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Terms are cut to this many characters after the plural is dropped (0: not cut).
    pub prefix: usize,
    /// Added to a term's weight (before IDF) when it is in the client's identity: name, handles, hashtags,
    /// signature, keywords.
    pub identity_boost: f32,
    /// The best other client's cosine must reach this.
    pub floor: f32,
    /// … and beat the current client's by this much …
    pub margin: f32,
    /// … and be at least this many times the current client's.
    pub ratio: f32,
    /// … sharing at least this many distinct terms with the draft.
    pub min_terms: usize,
    /// Weight (as a count in the client's posts) of the words of the trade a client is in (sectors.rs) that its
    /// profile does not use (0: sectors are not used).
    pub sector_weight: f32,
    /// A client is in a sector when its profile uses at least this many of the sector's words.
    pub sector_min: usize,
    /// Without an identifier, a draft reads like another client only when it shares at least one of that client's
    /// *core* terms — its identity (name, keywords, hashtags, signature) or the words of its trade — not merely
    /// words its brief or past posts happened to use ("pendant les vacances scolaires" is no museum's word).
    pub require_core: bool,
    /// The IDF of the words of ordinary business life (sectors::EVERYDAY) is multiplied by this (1: no change).
    pub everyday_weight: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            prefix: 5,
            identity_boost: 2.0,
            floor: 0.04,
            margin: 0.02,
            ratio: 1.5,
            min_terms: 2,
            sector_weight: 3.0,
            sector_min: 6,
            require_core: true,
            everyday_weight: 1.0,
        }
    }
}

/// A draft reads like another client's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Resemblance {
    /// The slug of the client the draft resembles.
    pub client: String,
    pub name: String,
    /// Cosine of the draft with that client (0..1).
    pub score: f32,
    /// Cosine of the draft with the client it is written for.
    pub own_score: f32,
    /// The words of the draft (as written) that point to that client, strongest first.
    pub evidence: Vec<String>,
    /// The draft carries one of that client's identifiers (name, handle, signature, required hashtag).
    pub identifier: bool,
    /// The name of the client the draft is written for (empty if unknown).
    pub current_name: String,
}

/// The warning the composer shows for a resemblance.
pub fn to_finding(r: &Resemblance) -> Finding {
    let evidence = if r.evidence.is_empty() { String::new() } else { format!(" ({})", r.evidence.join(", ")) };
    let current = if r.current_name.is_empty() { "the client it is written for" } else { r.current_name.as_str() };
    let mut finding =
        Finding::warning(FindingCode::WrongClient, format!("Reads like {}{evidence}, not like {current}", r.name));
    finding.client = Some(r.client.clone());
    finding
}

struct Client {
    slug: String,
    name: String,
}

/// An identifier of a client: a sequence of folded words (one for handles and hashtags).
struct Identifier {
    words: Vec<String>,
    client: u32,
    /// Only counts written as a hashtag (`#fleurs`, not the plain word).
    hashtag_only: bool,
}

/// The profiles of every client, built once (rebuilt when a client changes), checked on every keystroke.
pub struct Profiles {
    settings: Settings,
    clients: Vec<Client>,
    terms: FxHashMap<String, u32>,
    idf: Vec<f32>,
    /// For each term: the clients that have it and their weight for it (already divided by their norm).
    /// For each term: the clients that have it, their weight for it (already divided by their norm), and whether
    /// it is one of their core terms.
    postings: Vec<Vec<(u32, f32, bool)>>,
    /// Identifiers unique to one client, by their first word.
    identifiers: FxHashMap<String, Vec<Identifier>>,
}

impl std::fmt::Debug for Profiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profiles").field("clients", &self.clients.len()).field("terms", &self.terms.len()).finish()
    }
}

/// Per-client weighted counts while building.
#[derive(Default)]
struct Counts {
    body: FxHashMap<u32, f32>,
    identity: FxHashMap<u32, f32>,
    /// The words of the client's trades (the sectors it is in).
    trade: rustc_hash::FxHashSet<u32>,
}

impl Profiles {
    pub fn build(inputs: &[ProfileInput]) -> Profiles {
        Self::build_with(inputs, Settings::default())
    }

    pub fn build_with(inputs: &[ProfileInput], settings: Settings) -> Profiles {
        let mut terms: FxHashMap<String, u32> = FxHashMap::default();
        let mut counts: Vec<Counts> = Vec::with_capacity(inputs.len());
        let term_of = |word: &str, terms: &mut FxHashMap<String, u32>| -> u32 {
            let s = stem(word, settings.prefix);
            let next = terms.len() as u32;
            *terms.entry(s).or_insert(next)
        };
        for input in inputs {
            let mut c = Counts::default();
            let identity = identity_texts(input);
            for t in &identity {
                for w in words(t) {
                    if is_content(&w.folded) {
                        *c.identity.entry(term_of(&w.folded, &mut terms)).or_default() += 1.0;
                    }
                }
            }
            let body = std::iter::once(input.brief.as_str())
                .chain(input.competitors.iter().map(String::as_str))
                .chain(input.past_posts.iter().map(String::as_str));
            for t in body {
                for w in words(t) {
                    if is_content(&w.folded) {
                        *c.body.entry(term_of(&w.folded, &mut terms)).or_default() += 1.0;
                    }
                }
            }
            counts.push(c);
        }
        if settings.sector_weight > 0.0 {
            let sectors: Vec<Vec<u32>> = sectors::SECTORS
                .iter()
                .map(|(_, list)| {
                    let mut ts: Vec<u32> = words(list)
                        .iter()
                        .filter(|w| is_content(&w.folded))
                        .map(|w| term_of(&w.folded, &mut terms))
                        .collect();
                    ts.sort_unstable();
                    ts.dedup();
                    ts
                })
                .collect();
            for c in &mut counts {
                let overlap: Vec<usize> = sectors
                    .iter()
                    .map(|ts| ts.iter().filter(|t| c.body.contains_key(t) || c.identity.contains_key(t)).count())
                    .collect();
                let best = overlap.iter().copied().max().unwrap_or(0);
                for (ts, &o) in sectors.iter().zip(&overlap) {
                    if o >= settings.sector_min && 2 * o >= best {
                        for t in ts {
                            c.body.entry(*t).or_insert(settings.sector_weight);
                            c.trade.insert(*t);
                        }
                    }
                }
            }
        }

        let everyday: rustc_hash::FxHashSet<u32> = words(sectors::EVERYDAY)
            .iter()
            .filter(|w| is_content(&w.folded))
            .map(|w| term_of(&w.folded, &mut terms))
            .collect();
        let n = inputs.len() as f32;
        let mut df = vec![0u32; terms.len()];
        for c in &counts {
            for t in c.body.keys().chain(c.identity.keys().filter(|t| !c.body.contains_key(t))) {
                df[*t as usize] += 1;
            }
        }
        let idf: Vec<f32> = df
            .iter()
            .enumerate()
            .map(|(t, &d)| {
                let idf = ((n + 1.0) / (d as f32 + 0.5)).ln().max(0.0);
                if everyday.contains(&(t as u32)) {
                    idf * settings.everyday_weight
                } else {
                    idf
                }
            })
            .collect();

        let mut postings: Vec<Vec<(u32, f32, bool)>> = vec![Vec::new(); terms.len()];
        let mut clients = Vec::with_capacity(inputs.len());
        for (i, (input, c)) in inputs.iter().zip(&counts).enumerate() {
            let mut vector: FxHashMap<u32, f32> = FxHashMap::default();
            for (&t, &k) in &c.body {
                *vector.entry(t).or_default() += (1.0 + k).ln();
            }
            for &t in c.identity.keys() {
                *vector.entry(t).or_default() += settings.identity_boost;
            }
            let mut norm = 0.0f32;
            for (t, w) in vector.iter_mut() {
                *w *= idf[*t as usize];
                norm += *w * *w;
            }
            let norm = norm.sqrt();
            if norm > 0.0 {
                for (t, w) in vector {
                    if w > 0.0 {
                        let core = (c.identity.contains_key(&t) || c.trade.contains(&t)) && !everyday.contains(&t);
                        postings[t as usize].push((i as u32, w / norm, core));
                    }
                }
            }
            clients.push(Client { slug: input.slug.clone(), name: input.name.clone() });
        }

        Profiles { settings, clients, terms, idf, postings, identifiers: identifiers(inputs) }
    }

    pub fn settings(&self) -> Settings {
        self.settings
    }

    pub fn len(&self) -> usize {
        self.clients.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// Whether `draft`, written for the client `current_slug`, reads like another client's content; the client it
    /// resembles most if so. An unknown current client is treated as one with an empty profile.
    pub fn check(&self, current_slug: &str, draft: &str) -> Option<Resemblance> {
        let draft = &draft[..draft.floor_char_boundary(MAX_DRAFT_BYTES)];
        let scored = self.score(draft);
        let own = self.clients.iter().position(|c| c.slug == current_slug);
        let own_score = own.map_or(0.0, |o| scored.scores[o]);
        let s = &self.settings;

        let own_identified = own.is_some_and(|o| scored.identified.iter().any(|(c, _)| *c == o));
        let decisive = if own_identified {
            None
        } else {
            scored
                .identified
                .iter()
                .filter(|(c, _)| Some(*c) != own)
                .map(|(c, _)| *c)
                .max_by(|a, b| scored.scores[*a].total_cmp(&scored.scores[*b]))
        };
        let best = match decisive {
            Some(c) => c,
            None => {
                let (best, score) = scored
                    .scores
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| Some(*c) != own)
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map(|(c, s)| (c, *s))?;
                let shared = scored.contributions.iter().filter(|(c, _, _, _)| *c == best).count();
                let core = scored.contributions.iter().any(|(c, _, _, core)| *c == best && *core);
                let flagged = (core || !s.require_core)
                    && score >= s.floor
                    && score - own_score >= s.margin
                    && score >= own_score * s.ratio
                    && shared >= s.min_terms;
                if !flagged {
                    return None;
                }
                best
            }
        };
        let client = &self.clients[best];
        Some(Resemblance {
            client: client.slug.clone(),
            name: client.name.clone(),
            score: scored.scores[best],
            own_score,
            evidence: evidence(draft, &scored, best),
            identifier: decisive.is_some(),
            current_name: own.map(|o| self.clients[o].name.clone()).unwrap_or_default(),
        })
    }

    /// Cosine of `draft` with every client, in the order they were given.
    pub fn scores(&self, draft: &str) -> Vec<(String, f32)> {
        let draft = &draft[..draft.floor_char_boundary(MAX_DRAFT_BYTES)];
        let scored = self.score(draft);
        self.clients.iter().zip(scored.scores).map(|(c, s)| (c.slug.clone(), s)).collect()
    }

    fn score(&self, draft: &str) -> Scored {
        let ws = words(draft);
        let identified = self.identified(&ws);

        // Term counts of the draft, with the first place each term was written.
        let mut tf: Vec<(u32, f32, usize)> = Vec::new();
        for (i, w) in ws.iter().enumerate() {
            if !is_content(&w.folded) {
                continue;
            }
            let Some(&t) = self.terms.get(stem(&w.folded, self.settings.prefix).as_str()) else { continue };
            match tf.iter_mut().find(|(u, _, _)| *u == t) {
                Some(entry) => entry.1 += 1.0,
                None => tf.push((t, 1.0, i)),
            }
        }

        let mut scores = vec![0.0f32; self.clients.len()];
        let mut contributions = Vec::new();
        let mut norm = 0.0f32;
        for &(t, k, at) in &tf {
            let w = (1.0 + k.ln()) * self.idf[t as usize];
            norm += w * w;
            for &(c, u, core) in &self.postings[t as usize] {
                scores[c as usize] += w * u;
                contributions.push((c as usize, w * u, at, core));
            }
        }
        let norm = norm.sqrt();
        if norm > 0.0 {
            for s in &mut scores {
                *s /= norm;
            }
        }
        Scored { words: ws, scores, contributions, identified }
    }

    /// The clients whose identifiers the draft carries, with the index of the word where each starts.
    fn identified(&self, ws: &[Word]) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (i, w) in ws.iter().enumerate() {
            let Some(ids) = self.identifiers.get(w.folded.as_str()) else { continue };
            for id in ids {
                if id.hashtag_only && w.mark != Mark::Hashtag {
                    continue;
                }
                let matches =
                    id.words.len() <= ws.len() - i && id.words.iter().zip(&ws[i..]).all(|(a, b)| *a == b.folded);
                if matches && !found.iter().any(|(c, _)| *c == id.client as usize) {
                    found.push((id.client as usize, i));
                }
            }
        }
        found
    }
}

struct Scored {
    words: Vec<Word>,
    scores: Vec<f32>,
    /// (client, contribution to its score before the draft's norm, index of the word, a core term of the client).
    contributions: Vec<(usize, f32, usize, bool)>,
    identified: Vec<(usize, usize)>,
}

/// The words of the draft that point to `client`: its identifier first, then the terms that weigh most.
fn evidence(draft: &str, scored: &Scored, client: usize) -> Vec<String> {
    const MAX: usize = 4;
    let mut picked: Vec<usize> = scored.identified.iter().filter(|(c, _)| *c == client).map(|(_, at)| *at).collect();
    let mut terms: Vec<(f32, usize)> =
        scored.contributions.iter().filter(|(c, _, _, _)| *c == client).map(|(_, w, at, _)| (*w, *at)).collect();
    terms.sort_by(|a, b| b.0.total_cmp(&a.0));
    picked.extend(terms.into_iter().map(|(_, at)| at));
    let mut out: Vec<String> = Vec::new();
    for at in picked {
        let Some(w) = scored.words.get(at) else { continue };
        let start = match w.mark {
            Mark::Plain => w.start,
            Mark::Hashtag | Mark::Handle => w.start.saturating_sub(1),
        };
        let Some(shown) = draft.get(start..w.end) else { continue };
        if !out.iter().any(|o| o.eq_ignore_ascii_case(shown)) {
            out.push(shown.to_owned());
        }
        if out.len() == MAX {
            break;
        }
    }
    out
}

/// The texts that say who the client is: name, handles, hashtags, signature, keywords.
fn identity_texts(input: &ProfileInput) -> Vec<&str> {
    std::iter::once(input.name.as_str())
        .chain(input.handles.iter().map(String::as_str))
        .chain(input.required_hashtags.iter().map(String::as_str))
        .chain(std::iter::once(input.signature.as_str()))
        .chain(input.keywords.iter().map(String::as_str))
        .collect()
}

/// The identifiers of every client that belong to that client only: the name (as words, and run together as in
/// `#PizzeriaDaMarco`), handles, required hashtags, the signature.
fn identifiers(inputs: &[ProfileInput]) -> FxHashMap<String, Vec<Identifier>> {
    let mut all: Vec<Identifier> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let client = i as u32;
        let mut add = |words: Vec<String>, hashtag_only: bool| {
            let meaningful = words.iter().any(|w| is_content(w)) && words.concat().chars().count() >= 4;
            if meaningful {
                all.push(Identifier { words, client, hashtag_only });
            }
        };
        let name: Vec<String> = words(&input.name).into_iter().map(|w| w.folded).collect();
        if name.len() > 1 {
            add(vec![name.concat()], false);
        }
        add(name, false);
        for handle in &input.handles {
            let bare = handle.trim_start_matches('@');
            let base = bare.split(['.', '@']).next().unwrap_or(bare);
            let ws: Vec<String> = words(base).into_iter().map(|w| w.folded).collect();
            if ws.len() == 1 {
                add(ws, false);
            }
        }
        for tag in &input.required_hashtags {
            let ws: Vec<String> = words(tag).into_iter().map(|w| w.folded).collect();
            if ws.len() == 1 {
                add(ws, true);
            }
        }
        let signature: Vec<String> = words(&input.signature).into_iter().map(|w| w.folded).collect();
        if signature.len() > 1 {
            add(signature, false);
        }
    }
    // An identifier two clients share (a city hashtag, "l'équipe") identifies neither.
    let mut by_first: FxHashMap<String, Vec<Identifier>> = FxHashMap::default();
    for id in &all {
        let shared = all.iter().any(|o| o.client != id.client && o.words == id.words);
        if shared {
            continue;
        }
        let Some(first) = id.words.first() else { continue };
        let list = by_first.entry(first.clone()).or_default();
        if !list.iter().any(|o| o.words == id.words) {
            list.push(Identifier { words: id.words.clone(), client: id.client, hashtag_only: id.hashtag_only });
        }
    }
    by_first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pizzeria() -> ProfileInput {
        ProfileInput {
            slug: "da-marco".into(),
            name: "Pizzeria Da Marco".into(),
            brief: "Pizzeria napolitaine à Lyon, four à bois, pâte maturée 48 heures.".into(),
            keywords: vec!["pizza".into(), "mozzarella".into(), "four à bois".into()],
            signature: "Marco & la squadra".into(),
            required_hashtags: vec!["#DaMarco".into(), "#Lyon".into()],
            handles: vec!["@damarco_lyon".into()],
            past_posts: vec!["Nouvelle pizza du mois : burrata, tomates confites et basilic !".into()],
            ..Default::default()
        }
    }

    fn osteopath() -> ProfileInput {
        ProfileInput {
            slug: "lemoine".into(),
            name: "Cabinet Lemoine".into(),
            brief: "Cabinet d'ostéopathie à Lyon : dos, nuque, nourrissons, sportifs.".into(),
            keywords: vec!["ostéopathie".into(), "mal de dos".into(), "consultation".into()],
            required_hashtags: vec!["#osteopathie".into(), "#Lyon".into()],
            past_posts: vec!["Mal de dos au bureau ? Trois étirements simples pour soulager la nuque.".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_pizza_promo_on_the_osteopath_reads_like_the_pizzeria() {
        let profiles = Profiles::build(&[pizzeria(), osteopath()]);
        let draft = "Ce soir, deux pizzas achetées, la mozzarella di bufala offerte !";
        let r = profiles.check("lemoine", draft).expect("flagged");
        assert_eq!(r.client, "da-marco");
        assert!(r.evidence.iter().any(|e| e == "mozzarella"), "{:?}", r.evidence);
        let finding = to_finding(&r);
        assert_eq!(finding.code, FindingCode::WrongClient);
        assert_eq!(finding.client.as_deref(), Some("da-marco"));
        assert!(finding.message.starts_with("Reads like Pizzeria Da Marco ("), "{}", finding.message);
        assert!(finding.message.ends_with("not like Cabinet Lemoine"), "{}", finding.message);
        assert!(profiles.check("da-marco", draft).is_none());
    }

    #[test]
    fn another_clients_hashtag_is_decisive_but_a_shared_one_is_not() {
        let profiles = Profiles::build(&[pizzeria(), osteopath()]);
        let r = profiles.check("lemoine", "Rendez-vous samedi #DaMarco").expect("flagged");
        assert_eq!((r.client.as_str(), r.identifier), ("da-marco", true));
        assert_eq!(r.evidence.first().map(String::as_str), Some("#DaMarco"));
        assert!(profiles.check("lemoine", "Rendez-vous samedi #Lyon").is_none());
    }

    #[test]
    fn generic_or_empty_drafts_are_not_flagged() {
        let profiles = Profiles::build(&[pizzeria(), osteopath()]);
        for draft in ["", "Bonne semaine à tous !", "Merci 🙏", "Joyeux Noël !"] {
            assert!(profiles.check("lemoine", draft).is_none(), "{draft}");
        }
        assert!(Profiles::build(&[]).check("x", "pizza mozzarella").is_none());
    }

    #[test]
    fn from_client_reads_the_brief_and_charter() {
        let json = r##"{"slug":"da-marco","name":"Pizzeria Da Marco","colour":"#c0392b","time_zone":"Europe/Paris",
            "languages":["fr"],"brief":{"activity":"Pizzeria","location":"Lyon","keywords":["pizza"]},
            "charter":{"signature":"Marco","required_hashtags":["#DaMarco"]}}"##;
        let profile: ClientProfile = serde_json::from_str(json).unwrap();
        let input = ProfileInput::from_client(&profile, &[], vec!["@damarco".into()], vec![]);
        assert_eq!(input.brief, "Pizzeria\nLyon");
        assert_eq!(input.keywords, ["pizza"]);
        assert_eq!(input.required_hashtags, ["#DaMarco"]);
    }
}
