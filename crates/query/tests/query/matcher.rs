//! The matcher agrees with each query evaluated alone, over many generated queries and documents.

use filrouge_query::{parse, Document, Matcher, Query, Scratch};

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "orange",
    "Orange",
    "café",
    "cafe",
    "CAFÉ",
    "œuf",
    "oeufs",
    "fibre",
    "panne",
    "service",
    "client",
    "le",
    "la",
    "de",
    "sfr",
    "bt",
    "BT",
    "free",
    "carrefour",
    "Carrefour",
    "colour",
    "color",
    "miam",
    "straße",
    "strasse",
    "été",
    "ete",
    "x1",
    "42",
    "l'hôtel",
    "coca-cola",
];
const DOC_EXTRAS: &[&str] =
    &["#miam", "#Orange", "@orange", "@sfr@mastodon.social", "@orange.fr", "#café", "!", ",", "…"];
const QUERY_ATOMS: &[&str] = &[
    "#miam",
    "#orange",
    "@orange",
    "@sfr",
    "@sfr@mastodon.social",
    "carref*",
    "colo?r",
    "oeuf*",
    "{BT}",
    "{Orange}",
    "title:orange",
    "title:(panne OR fibre)",
    "site:example.com",
    "site:(shop.example.com OR other.org)",
    "url:promo",
    "lang:fr",
    "lang:en",
    "source:rss",
    "source:bluesky",
    "sentiment:negative",
    "author:jean",
    "author:@marie",
];
const HOSTS: &[&str] = &["https://www.example.com/a", "http://shop.example.com/promo", "https://other.org/", ""];

fn atom(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => rng.pick(QUERY_ATOMS).to_string(),
        1 => format!("\"{} {}\"", rng.pick(WORDS), rng.pick(WORDS)),
        _ => rng.pick(WORDS).to_string(),
    }
}

fn expr(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 {
        return atom(rng);
    }
    match rng.below(7) {
        0 => format!("({} OR {})", expr(rng, depth - 1), expr(rng, depth - 1)),
        1 => format!("{} {}", expr(rng, depth - 1), expr(rng, depth - 1)),
        2 => format!("{} -{}", expr(rng, depth - 1), atom(rng)),
        3 => format!("{} NOT ({})", expr(rng, depth - 1), expr(rng, depth - 1)),
        4 => {
            let order = if rng.below(2) == 0 { "f" } else { "" };
            format!("{} NEAR/{}{order} {}", rng.pick(WORDS), rng.below(4), rng.pick(WORDS))
        }
        5 => format!("({} OR \"{} {}\") NEAR/2 {}", rng.pick(WORDS), rng.pick(WORDS), rng.pick(WORDS), atom(rng)),
        _ => atom(rng),
    }
}

fn sentence(rng: &mut Rng, len: usize) -> String {
    let mut words = Vec::new();
    for _ in 0..len {
        words.push(if rng.below(6) == 0 { rng.pick(DOC_EXTRAS) } else { rng.pick(WORDS) });
    }
    words.join(" ")
}

#[test]
fn the_matcher_agrees_with_every_query_alone() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut queries: Vec<(u64, Query)> = Vec::new();
    let mut sources = Vec::new();
    while queries.len() < 600 {
        let depth = rng.below(4);
        let source = expr(&mut rng, depth);
        if let Ok(q) = parse(&source) {
            // Some ids repeat, to check that ids come out once.
            queries.push((rng.below(500) as u64, q));
            sources.push(source);
        }
    }
    let matcher = Matcher::new(queries.clone());
    assert_eq!(matcher.len(), 600);
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    let mut matched = 0;
    for _ in 0..400 {
        let (title_len, text_len) = (rng.below(4), 5 + rng.below(30));
        let (title, body) = (sentence(&mut rng, title_len), sentence(&mut rng, text_len));
        let doc = Document {
            title: &title,
            text: &body,
            author_handle: ["@Jean", "marie@mastodon.social", ""][rng.below(3)],
            author_name: ["Jean Dupont", "Marie", ""][rng.below(3)],
            url: HOSTS[rng.below(HOSTS.len())],
            lang: [Some("fr"), Some("en"), None][rng.below(3)],
            source: ["feed", "bluesky", "mastodon"][rng.below(3)],
            sentiment: [Some("negative"), Some("positive"), None][rng.below(3)],
        };
        let mut expected: Vec<u64> = queries.iter().filter(|(_, q)| q.matches(&doc)).map(|(id, _)| *id).collect();
        expected.sort_unstable();
        expected.dedup();
        matcher.matches(&doc, &mut scratch, &mut out);
        assert_eq!(out, expected, "title {title:?} text {body:?}");
        matched += out.len();
    }
    assert!(matched > 400, "the generated queries should match often enough to test something ({matched})");
}

#[test]
fn an_empty_matcher_matches_nothing() {
    let matcher = Matcher::new([]);
    assert!(matcher.is_empty());
    let mut out = vec![1];
    matcher.matches(&Document::default(), &mut Scratch::default(), &mut out);
    assert!(out.is_empty());
}

#[test]
fn one_scratch_serves_matchers_of_different_sizes() {
    let small = Matcher::new([(1, parse("orange").unwrap())]);
    let large = Matcher::new((0..50).map(|i| (i, parse(&format!("orange OR w{i}")).unwrap())));
    let doc = Document { text: "orange", ..Document::default() };
    let (mut scratch, mut out) = (Scratch::default(), Vec::new());
    small.matches(&doc, &mut scratch, &mut out);
    assert_eq!(out, [1]);
    large.matches(&doc, &mut scratch, &mut out);
    assert_eq!(out, (0..50).collect::<Vec<u64>>());
}
