//! The synthetic mentions: deterministic per mention (mention `i` is the same in every process), FR/EN vocabulary
//! with Zipf word frequencies, 50 clients of skewed sizes, 200 sites, authors of whom a few post a lot, 2 years.

use filrouge_search::IndexDoc;

pub const SEED: u64 = 0x5EED_F11_2026;
pub const CLIENTS: usize = 50;
pub const DAY: i64 = 86_400_000;
/// 2024-01-01T00:00:00Z: the data spans two years from there.
pub const START_MS: i64 = 1_704_067_200_000;
pub const SPAN_MS: i64 = 730 * DAY;

/// SplitMix64: small, fast, good enough for synthetic data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

/// Samples ranks 0..n with probability ∝ 1 / (rank + 1)^s.
pub struct Zipf(Vec<f64>);

impl Zipf {
    pub fn new(n: usize, s: f64) -> Self {
        let mut acc = 0.0;
        let mut cdf = Vec::with_capacity(n);
        for r in 0..n {
            acc += 1.0 / ((r + 1) as f64).powf(s);
            cdf.push(acc);
        }
        for c in &mut cdf {
            *c /= acc;
        }
        Zipf(cdf)
    }
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.0.partition_point(|c| *c < u).min(self.0.len() - 1)
    }
    pub fn share(&self, rank: usize) -> f64 {
        self.0[rank] - if rank == 0 { 0.0 } else { self.0[rank - 1] }
    }
}

const FR: &str =
    "de la le et les des en un une du est pour que qui dans sur au pas par plus avec ce il ne se son sont mais \
nous vous on ont été être fait très aussi comme bien tout cette où même après avant deux ans leur entre sans chez dont \
ça déjà année français française marque produit prix nouveau nouvelle magasin client clients service qualité goût \
café thé chocolat pain vin bière fromage restaurant cuisine recette été hiver printemps automne noël fête soirée \
réseau réseaux sociaux vidéo photo article presse journal média lancement collection boutique livraison commande \
retour avis note étoiles problème réponse équipe entreprise société économie emploi grève ville paris lyon marseille \
bordeaux lille nantes région france europe monde écologie environnement énergie électrique voiture vélo train avion \
santé sport football rugby match victoire défaite joueur saison concert festival musique cinéma film série livre \
bœuf œuvre cœur sœur œil élève école université étudiant enfants famille maison jardin été mer plage montagne \
délicieux génial super nul déçu content heureux merci bravo attention alerte crise scandale polémique rappel";
const EN: &str = "the of and to a in is it you that he was for on are with as i his they be at one have this from or \
had by not but what all were we when your can said there use an each which she do how their if will up other about \
out many then them these so some her would make like him into time has look two more write go see number no way \
could people my than first water been call who oil its now find long down day did get come made may part brand \
product price new store customer service quality taste coffee tea chocolate bread wine beer cheese restaurant food \
recipe summer winter spring autumn christmas party network social video photo article press news media launch \
collection shop delivery order review rating stars problem answer team company business economy job strike city \
london paris york europe world climate energy electric car bike train plane health sport football match win loss \
player season concert festival music movie series book school university student family home garden sea beach \
great awesome bad disappointed happy thanks love hate warning alert crisis scandal recall";

const SYLLABLES: &[&str] = &[
    "ba", "be", "bi", "bo", "bu", "ca", "ce", "ci", "co", "da", "de", "di", "do", "fa", "fe", "fi", "ga", "ge", "go",
    "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "pa", "pe", "pi", "po", "ra", "re",
    "ri", "ro", "ru", "sa", "se", "si", "so", "ta", "te", "ti", "to", "va", "ve", "vi", "vo", "za", "ké", "lé", "ré",
    "tion", "ment", "er", "an", "on", "in", "ar", "or", "ex", "ly", "ing", "ness",
];

pub struct World {
    n: u64,
    fr: Vec<String>,
    en: Vec<String>,
    words: Zipf,
    clients: Zipf,
    brands: Vec<String>,
    sites: Vec<String>,
    site_zipf: Zipf,
    authors: Zipf,
}

fn synthetic_word(mut k: usize) -> String {
    let mut w = String::new();
    loop {
        w.push_str(SYLLABLES[k % SYLLABLES.len()]);
        k /= SYLLABLES.len();
        if k == 0 {
            break;
        }
    }
    w
}

impl World {
    pub fn new(n: u64) -> Self {
        const VOCAB: usize = 60_000;
        let tail: Vec<String> = (SYLLABLES.len()..).map(synthetic_word).take(VOCAB).collect();
        let vocab = |common: &str| {
            let mut v: Vec<String> = common.split_whitespace().map(str::to_string).collect();
            v.extend(tail.iter().take(VOCAB - v.len()).cloned());
            v
        };
        let mut rng = Rng::new(SEED);
        let brands = (0..CLIENTS)
            .map(|c| {
                let mut b = synthetic_word(5000 + c * 7919 + rng.below(1000));
                b.push_str(["x", "ia", "o", "eo", "um"][c % 5]);
                b
            })
            .collect();
        let tlds = ["fr", "com", "net", "org", "be", "ch", "ca", "co.uk", "info", "news"];
        let subs = ["", "www.", "blog.", "news.", "actu.", "m."];
        let sites = (0..200)
            .map(|s| format!("{}{}{}.{}", subs[s % subs.len()], synthetic_word(300 + s * 13), s, tlds[s % tlds.len()]))
            .collect();
        World {
            n,
            fr: vocab(FR),
            en: vocab(EN),
            words: Zipf::new(VOCAB, 1.05),
            clients: Zipf::new(CLIENTS, 1.0),
            brands,
            sites,
            site_zipf: Zipf::new(200, 1.1),
            authors: Zipf::new(200_000, 1.15),
        }
    }

    /// The client with the most mentions.
    pub fn biggest_client(&self) -> i64 {
        1
    }

    pub fn client_share(&self, client: i64) -> f64 {
        self.clients.share((client - 1) as usize)
    }

    fn words(&self, rng: &mut Rng, fr: bool, count: usize, brand: &str, out: &mut String) {
        let vocab = if fr { &self.fr } else { &self.en };
        let brand_at = rng.below(count);
        for k in 0..count {
            if !out.is_empty() {
                out.push(if rng.below(12) == 0 { ',' } else { ' ' });
                if out.ends_with(',') {
                    out.push(' ');
                }
            }
            if k == brand_at {
                out.push_str(brand);
            } else {
                out.push_str(&vocab[self.words.sample(rng)]);
            }
        }
    }

    /// Mention number `i` (0-based); its id is `i + 1`. Published times grow with `i` (the database is tailed in
    /// order), give or take a day.
    pub fn doc(&self, i: u64) -> IndexDoc {
        let mut rng = Rng::new(SEED ^ (i.wrapping_mul(0xD1B5_4A32_D192_ED03)));
        let client = self.clients.sample(&mut rng) as i64 + 1;
        let mut client_ids = vec![client];
        if rng.below(20) == 0 {
            let other = self.clients.sample(&mut rng) as i64 + 1;
            if other != client {
                client_ids.push(other);
            }
        }
        let kind = match rng.below(10) {
            0..=4 => "rss",
            5..=7 => "bluesky",
            _ => "mastodon",
        };
        let author_rank = self.authors.sample(&mut rng);
        let (site, author, source) = match kind {
            "rss" => {
                let s = self.site_zipf.sample(&mut rng);
                (self.sites[s].clone(), format!("Auteur {author_rank}"), s as i64)
            }
            "bluesky" => ("bsky.app".to_string(), format!("user{author_rank}.bsky.social"), 1000),
            _ => {
                let inst = ["mastodon.social", "piaille.fr", "mamot.fr", "framapiaf.org"][author_rank % 4];
                (inst.to_string(), format!("@user{author_rank}@{inst}"), 1001 + (author_rank % 4) as i64)
            }
        };
        let lang_roll = rng.below(100);
        let fr = lang_roll < 55;
        let lang = if lang_roll < 55 {
            Some("fr".to_string())
        } else if lang_roll < 95 {
            Some("en".to_string())
        } else {
            None
        };
        let brand = &self.brands[(client - 1) as usize];
        let mut title = String::new();
        let mut text = String::new();
        if kind == "rss" {
            let t = rng.range(5, 12);
            self.words(&mut rng, fr, t, brand, &mut title);
            let w = rng.range(30, 130);
            self.words(&mut rng, fr, w, brand, &mut text);
        } else {
            let w = rng.range(6, 45);
            self.words(&mut rng, fr, w, brand, &mut text);
            if rng.below(4) == 0 {
                text.push_str(" #");
                text.push_str(brand);
            }
        }
        let jitter = rng.below(2 * DAY as usize) as i64 - DAY;
        let published = (START_MS + (i as i128 * SPAN_MS as i128 / self.n.max(1) as i128) as i64 + jitter)
            .clamp(START_MS, START_MS + SPAN_MS - 1);
        // The analysis labels the index keeps since schema v2, spread as on real streams.
        // (From the mention number, not the generator's random stream, so the texts stay those of earlier runs.)
        let sentiment = ["neutral", "neutral", "positive", "negative"][(i.wrapping_mul(7) % 4) as usize];
        let intent = ["other", "other", "other", "question", "complaint", "praise", "spam"][(i.wrapping_mul(13) % 7) as usize];
        IndexDoc {
            mention_id: i as i64 + 1,
            client_ids,
            source_kind: kind.to_string(),
            source_ids: vec![source],
            site,
            author,
            lang,
            sentiment: Some(sentiment.to_owned()),
            intent: Some(intent.to_owned()),
            title,
            text,
            published_ms: published,
        }
    }
}
