//! The charter guard on French and English drafts: each rule firing, and staying quiet on correct text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use filrouge_domain::client::{AddressForm, Charter, EmojiPolicy};
use filrouge_domain::lint::{FindingCode, Severity};
use filrouge_lint::check_charter;

fn charter(address: AddressForm) -> Charter {
    Charter { address, max_hashtags: 30, emoji: EmojiPolicy::Free, ..Charter::default() }
}

/// `(flagged text, first suggestion)` of the findings with `code`.
fn flagged(charter: &Charter, text: &str, code: FindingCode) -> Vec<(String, String)> {
    check_charter(charter, text)
        .into_iter()
        .filter(|f| f.code == code)
        .map(|f| {
            let span = f.span.expect("a span");
            (text[span.start..span.end].to_owned(), f.suggestions.first().cloned().unwrap_or_default())
        })
        .collect()
}

fn tutoiement(text: &str) -> Vec<(String, String)> {
    flagged(&charter(AddressForm::Vous), text, FindingCode::AddressForm)
}

fn vouvoiement(text: &str) -> Vec<(String, String)> {
    flagged(&charter(AddressForm::Tu), text, FindingCode::AddressForm)
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

#[test]
fn a_vous_charter_flags_tu_with_its_verb_rewritten() {
    assert_eq!(tutoiement("Tu peux réserver dès ce soir."), pairs(&[("Tu peux", "Vous pouvez")]));
    assert_eq!(tutoiement("Si tu as faim, passe nous voir"), pairs(&[("tu as", "vous avez")]));
    assert_eq!(tutoiement("Tu es le bienvenu !"), pairs(&[("Tu es", "Vous êtes")]));
    assert_eq!(tutoiement("Et si tu vas au marché ?"), pairs(&[("tu vas", "vous allez")]));
    assert_eq!(tutoiement("Tu fais quoi ce week-end ?"), pairs(&[("Tu fais", "Vous faites")]));
    assert_eq!(
        tutoiement("Dis-nous ce que tu dis de la carte"),
        pairs(&[("Dis-nous", "Dites-nous"), ("tu dis", "vous dites")])
    );
    assert_eq!(tutoiement("Je sais que tu aimes les pizzas"), pairs(&[("tu aimes", "vous aimez")]));
    assert_eq!(tutoiement("Quand tu choisis ta pizza"), pairs(&[("tu choisis", "vous choisissez"), ("ta", "votre")]));
    assert_eq!(tutoiement("Tu ne le regretteras pas"), pairs(&[("Tu ne le regretteras", "Vous ne le regretterez")]));
    assert_eq!(tutoiement("Tu n'as rien à faire"), pairs(&[("Tu n'as", "Vous n'avez")]));
    assert_eq!(tutoiement("Tu t'inscris ici"), pairs(&[("Tu t'inscris", "Vous vous inscrivez")]));
    assert_eq!(
        tutoiement("Tu découvres et tu reçois un cadeau"),
        pairs(&[("Tu découvres", "Vous découvrez"), ("tu reçois", "vous recevez")])
    );
}

#[test]
fn a_vous_charter_flags_pronouns_possessives_and_imperatives() {
    assert_eq!(tutoiement("Je te propose une dégustation."), pairs(&[("te", "vous")]));
    assert_eq!(tutoiement("On t’attend demain."), pairs(&[("t’", "vous ")]));
    assert_eq!(tutoiement("C'est pour toi, et chez toi."), pairs(&[("toi", "vous"), ("toi", "vous")]));
    assert_eq!(
        tutoiement("Donne ton avis et tes idées"),
        pairs(&[("Donne", "Donnez"), ("ton", "votre"), ("tes", "vos")])
    );
    assert_eq!(tutoiement("Ce panier est le tien."), pairs(&[("tien", "vôtre")]));
    assert_eq!(tutoiement("Inscris-toi vite !"), pairs(&[("Inscris-toi", "Inscrivez-vous")]));
    assert_eq!(tutoiement("Ce soir, régale-toi."), pairs(&[("régale-toi", "régalez-vous")]));
    assert_eq!(tutoiement("Peux-tu nous aider ?"), pairs(&[("Peux-tu", "Pouvez-vous")]));
    assert_eq!(tutoiement("Découvre notre nouvelle carte 🍕"), pairs(&[("Découvre", "Découvrez")]));
    assert_eq!(tutoiement("N'hésite pas à nous écrire."), pairs(&[("hésite", "hésitez")]));
    assert_eq!(tutoiement("T'es prêt pour l'été ?"), pairs(&[("T'es", "Vous êtes")]));
    assert_eq!(
        tutoiement("Fais-le, et dis-moi ce que tu en penses"),
        pairs(&[("Fais-le", "Faites-le"), ("dis-moi", "dites-moi"), ("tu en penses", "vous en pensez")])
    );
}

#[test]
fn a_vous_charter_stays_quiet_on_correct_or_unrelated_text() {
    for text in [
        "Vous pouvez réserver dès ce soir : le ton est donné, c'est l'été à Lyon !",
        "Sur un ton léger, nous changeons de ton.",
        "Découvrez notre nouvelle carte, inscrivez-vous et régalez-vous.",
        "Offre spéciale : une boisson offerte. Visite guidée de la cave à 18 h.",
        "Est-ce que le chef a-t-il goûté ? Tutoriel et tutu en vente.",
        "Join us tonight, you can taste the new menu at the bar: te amo, tu casa!",
        "Rendez-vous sur https://ex.fr/tu-peux et #TuPeux @tu",
        "Livraison à Marne-la-Vallée et à Boulogne-Billancourt, le soir.",
        "Note : fermé lundi. Suis-je le seul à avoir faim ? S'il vous plaît, un café.",
    ] {
        assert_eq!(tutoiement(text), vec![], "{text}");
    }
}

#[test]
fn a_tu_charter_flags_vous_votre_and_plural_imperatives() {
    assert_eq!(vouvoiement("Vous pouvez réserver."), pairs(&[("Vous pouvez", "Tu peux")]));
    assert_eq!(vouvoiement("Vous êtes tous invités !"), pairs(&[("Vous êtes", "Tu es")]));
    assert_eq!(
        vouvoiement("Si vous aimez, vous allez adorer"),
        pairs(&[("vous aimez", "tu aimes"), ("vous allez", "tu vas")])
    );
    assert_eq!(
        vouvoiement("Vous choisissez votre dessert"),
        pairs(&[("Vous choisissez", "Tu choisis"), ("votre", "ton")])
    );
    assert_eq!(vouvoiement("Vos amis sont les bienvenus."), pairs(&[("Vos", "Tes")]));
    assert_eq!(vouvoiement("Nous vous attendons chez vous"), pairs(&[("vous ", "t'"), ("vous", "toi")]));
    assert_eq!(vouvoiement("On vous attend"), pairs(&[("vous ", "t'")]));
    assert_eq!(vouvoiement("Je vous propose un verre"), pairs(&[("vous", "te")]));
    assert_eq!(vouvoiement("Vous vous inscrivez ici"), pairs(&[("Vous vous inscrivez", "Tu t'inscris")]));
    assert_eq!(vouvoiement("Découvrez notre carte."), pairs(&[("Découvrez", "Découvre")]));
    assert_eq!(vouvoiement("Inscrivez-vous vite !"), pairs(&[("Inscrivez-vous", "Inscris-toi")]));
    assert_eq!(vouvoiement("Pouvez-vous nous aider ?"), pairs(&[("Pouvez-vous", "Peux-tu")]));
    assert_eq!(vouvoiement("Rejoignez-nous demain"), pairs(&[("Rejoignez-nous", "Rejoins-nous")]));
    assert_eq!(vouvoiement("C'est le vôtre"), pairs(&[("vôtre", "tien")]));
    assert_eq!(
        vouvoiement("Qui êtes-vous ? S'il vous plaît, allez-y."),
        pairs(&[("êtes-vous", "es-tu"), ("vous", "te"), ("allez-y", "vas-y")])
    );
}

#[test]
fn a_tu_charter_stays_quiet_on_tutoiement_nouns_and_english() {
    for text in [
        "Tu peux réserver ta table, chez nous c'est toi le chef !",
        "Prends ton rendez-vous, ton avis compte.",
        "Assez parlé : viens goûter.",
        "You can book your table tonight, vous know?",
    ] {
        assert_eq!(vouvoiement(text), vec![], "{text}");
    }
}

#[test]
fn banned_words_are_found_whatever_the_case_accents_or_apostrophe() {
    let c = Charter {
        banned: vec!["pas cher".into(), "aujourd'hui".into(), "Malbouffe".into()],
        ..charter(AddressForm::Vous)
    };
    let text = "PAS CHÈR, Pas  cher ! Aujourd’hui on dit non à la malbouffe #malbouffe, pas chères.";
    let found = flagged(&c, text, FindingCode::BannedWord);
    let words: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(words, vec!["PAS CHÈR", "Pas  cher", "Aujourd’hui", "malbouffe", "malbouffe"]);
    let all = check_charter(&c, text);
    assert!(all.iter().filter(|f| f.code == FindingCode::BannedWord).all(|f| f.severity == Severity::Error));

    let english = Charter { banned: vec!["cheap".into()], ..charter(AddressForm::Vous) };
    assert_eq!(flagged(&english, "Cheap and cheerful, not cheapest.", FindingCode::BannedWord).len(), 1);
}

#[test]
fn required_hashtags_are_named_when_missing() {
    let c = Charter { required_hashtags: vec!["#PizzaNapoli".into(), "#Lyon".into()], ..charter(AddressForm::Vous) };
    let findings = check_charter(&c, "Bonne soirée à tous #pizzanapoli");
    let missing: Vec<_> = findings.iter().filter(|f| f.code == FindingCode::MissingHashtag).collect();
    assert_eq!(missing.len(), 1);
    assert!(missing[0].message.contains("#Lyon"));
    assert!(missing[0].blocks());
    assert!(check_charter(&c, "Have a good night #PIZZANAPOLI #lyon").is_empty());
}

#[test]
fn too_many_hashtags_point_at_the_extra_ones() {
    let c = Charter { max_hashtags: 2, ..charter(AddressForm::Vous) };
    let text = "Top #un #deux #trois #quatre";
    assert_eq!(flagged(&c, text, FindingCode::TooManyHashtags), pairs(&[("#trois #quatre", "")]));
    assert!(flagged(&c, "Top #un #deux, see https://ex.fr/#a", FindingCode::TooManyHashtags).is_empty());
    let none = Charter { max_hashtags: 0, ..charter(AddressForm::Vous) };
    assert_eq!(flagged(&none, "No tags #please", FindingCode::TooManyHashtags).len(), 1);
}

#[test]
fn the_signature_must_end_the_post_before_any_hashtags() {
    let c = Charter { signature: "— L'équipe Napoli".into(), ..charter(AddressForm::Vous) };
    let missing = |text: &str| flagged_unspanned(&c, text, FindingCode::MissingSignature);
    assert_eq!(missing("Bonne soirée !\n— L’équipe Napoli  "), 0);
    assert_eq!(missing("Bonne soirée !\n— l'équipe napoli #pizza #lyon\n"), 0);
    assert_eq!(missing("— L'équipe Napoli vous souhaite une bonne soirée"), 1);
    assert_eq!(missing("Good night from the team!"), 1);
}

fn flagged_unspanned(charter: &Charter, text: &str, code: FindingCode) -> usize {
    check_charter(charter, text).into_iter().filter(|f| f.code == code).count()
}

#[test]
fn emoji_policy_none_flags_each_emoji_and_sparing_warns_from_the_fourth() {
    let none = Charter { emoji: EmojiPolicy::None, ..charter(AddressForm::Vous) };
    let text = "Pizza 🍕 et vin 🍷, © 2024 ™ 3 fois !";
    assert_eq!(flagged(&none, text, FindingCode::Emoji), pairs(&[("🍕", ""), ("🍷", "")]));
    assert!(check_charter(&none, "© 2024 Napoli™, 100% fait maison, 4 étoiles").is_empty());

    let sparing = Charter { emoji: EmojiPolicy::Sparing, ..charter(AddressForm::Vous) };
    let text = "Yes 🎉🎉 🍕 great 👍🏽 and ❤️";
    let found = check_charter(&sparing, text);
    let emoji: Vec<_> = found.iter().filter(|f| f.code == FindingCode::Emoji).collect();
    assert_eq!(emoji.len(), 2);
    assert!(emoji.iter().all(|f| f.severity == Severity::Warning));
    assert!(check_charter(&sparing, "Trois 🎉🍕❤️ c'est permis").is_empty());
}

#[test]
fn max_length_counts_graphemes_and_points_at_the_overflow() {
    let c = Charter { max_length: 10, ..charter(AddressForm::Vous) };
    let text = "Été 👍🏽 à Lyon !";
    let found = flagged(&c, text, FindingCode::TooLong);
    assert_eq!(found, pairs(&[("on !", "")]));
    assert!(check_charter(&c, "Été 👍🏽 à Ly").is_empty());
    assert!(check_charter(&charter(AddressForm::Vous), &"a".repeat(5000)).is_empty());
}
