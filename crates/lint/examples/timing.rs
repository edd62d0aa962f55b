//! Times the guards on 1,000 realistic 280-character French and English drafts: dictionary load, then p50/p99
//! per draft for the charter and the spelling check separately. Run: `cargo run --release -p filrouge-lint
//! --example timing`.

use std::time::{Duration, Instant};

use filrouge_domain::client::{AddressForm, Charter, EmojiPolicy};
use filrouge_lint::{check_charter, LintError, Speller};

const FRENCH: &[&str] = &[
    "Tu peux réserver ta table dès ce soir, on t’attend avec le sourire !",
    "Découvre notre nouvelle carte d’été : pizzas au feu de bois, burrata crémeuse et tiramisu maison.",
    "Aujourd'hui, l’équipe s’est régalée en préparant la pâte jusqu'à minuit.",
    "Vous êtes tous invités à la soirée dégustation vendredi à 19 h, rendez-vous place Bellecour.",
    "N’hésitez pas à nous écrire si vous avez une allergie, nous adapterons la recette.",
    "Inscris-toi vite : il ne reste que quelques places pour l'atelier pizzaïolo du samedi.",
    "Le ton est donné : cette saison sera gourmande, locale et pleine de surprises.",
    "Nous avons reçu la farine de notre meunier, c'est-à-dire une mouture fraîche et parfumée.",
    "Quand tu choisis une pizza, tu choisis aussi un producteur de la région : merci à eux !",
    "Un grand merci pour vos messages, votre fidélité nous touche énormément.",
    "Petite nouveauté : la margherita sans gluten arrive enfin, après des mois d'essais.",
    "On a testé une nouvelle recette de focaccia, et franchement elle est incroyablement moelleuse.",
];
const ENGLISH: &[&str] = &[
    "We're thrilled to welcome you tonight: don't miss the chef's tasting menu, it's a treat.",
    "Our summer menu is here, with wood-fired pizzas, creamy burrata and a homemade tiramisu.",
    "Book your table now, there are only a few seats left for Saturday's pizza workshop!",
    "Thank you for all your messages, your loyalty means the world to our small team.",
    "Gluten-free margherita is finally on the menu after months of testing in our kitchen.",
    "We tried a new focaccia recipe this week and honestly it is increadibly soft and tasty.",
];
const EXTRAS: &[&str] = &[
    "🍕🔥",
    "https://napoli.example/menu",
    "#PizzaNapoli #Lyon",
    "@napoli_lyon",
    "-20 % le mardi",
    "Merci ❤️",
    "aceuillir",
    "SNCF",
    "Napoli's",
];

/// A small deterministic generator, so runs compare.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % (n as u64)).unwrap_or(0)
    }
}

fn drafts(n: usize) -> Vec<String> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let pool = if i % 3 == 2 { ENGLISH } else { FRENCH };
            let mut s = String::new();
            while s.chars().count() < 280 {
                if rng.next(3) == 0 {
                    s.push_str(EXTRAS[rng.next(EXTRAS.len())]);
                } else {
                    s.push_str(pool[rng.next(pool.len())]);
                }
                s.push(' ');
            }
            let cut: String = s.chars().take(280).collect();
            // End on a whole word, as a draft being checked usually does.
            cut.rfind(' ').map_or(cut.clone(), |i| cut[..i].to_owned())
        })
        .collect()
}

fn charter() -> Charter {
    Charter {
        address: AddressForm::Vous,
        banned: ["pas cher", "malbouffe", "low cost", "promo de ouf", "cheap", "junk food", "discount", "kiffer"]
            .into_iter()
            .chain(["fast-food", "bouffe", "dégueulasse", "nul", "arnaque", "scam", "crap", "trop bon"])
            .map(String::from)
            .collect(),
        required_hashtags: vec!["#PizzaNapoli".into()],
        signature: "— L'équipe Napoli".into(),
        max_hashtags: 3,
        emoji: EmojiPolicy::Sparing,
        max_length: 280,
        accepted_words: ["Napoli", "burrata", "pizzaïolo", "focaccia", "Bellecour", "margherita", "tiramisu"]
            .into_iter()
            .map(String::from)
            .collect(),
        ..Charter::default()
    }
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration, Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.9), at(0.99), at(1.0))
}

fn main() -> Result<(), LintError> {
    let started = Instant::now();
    let speller = Speller::new()?;
    println!("dictionaries loaded (fr + en) in {:?}", started.elapsed());

    let drafts = drafts(1000);
    let charter = charter();
    let langs = ["fr", "en"];
    // Warm up the caches once.
    for d in drafts.iter().take(50) {
        std::hint::black_box(check_charter(&charter, d));
        std::hint::black_box(speller.check(d, &langs, &charter.accepted_words));
    }
    let mut charter_times = Vec::with_capacity(drafts.len());
    let mut spelling_times = Vec::with_capacity(drafts.len());
    let (mut charter_findings, mut spelling_findings) = (0, 0);
    for d in &drafts {
        let t = Instant::now();
        charter_findings += std::hint::black_box(check_charter(&charter, d)).len();
        charter_times.push(t.elapsed());
        let t = Instant::now();
        spelling_findings += std::hint::black_box(speller.check(d, &langs, &charter.accepted_words)).len();
        spelling_times.push(t.elapsed());
    }
    let (p50, p90, p99, max) = percentiles(charter_times);
    println!("charter : p50 {p50:?}  p90 {p90:?}  p99 {p99:?}  max {max:?}  ({charter_findings} findings)");
    let (p50, p90, p99, max) = percentiles(spelling_times);
    println!("spelling: p50 {p50:?}  p90 {p90:?}  p99 {p99:?}  max {max:?}  ({spelling_findings} findings)");

    if std::env::var_os("FLAGGED").is_some() {
        flagged_words(&speller, &drafts, &charter);
    }
    let t = Instant::now();
    let s = speller.suggest("aceuillir", &langs);
    println!("one suggestion lookup: {:?} → {s:?}", t.elapsed());
    Ok(())
}

fn flagged_words(speller: &Speller, drafts: &[String], charter: &Charter) {
    let mut words = std::collections::BTreeMap::new();
    for d in drafts {
        for f in speller.check(d, &["fr", "en"], &charter.accepted_words) {
            if let Some(s) = f.span {
                *words.entry(d[s.start..s.end].to_owned()).or_insert(0) += 1;
            }
        }
        for f in check_charter(charter, d) {
            *words.entry(format!("{:?}", f.code)).or_insert(0) += 1;
        }
    }
    println!("{words:?}");
}
