//! French verb forms between `tu` and `vous`: a table of irregular and common verbs, then the regular endings.
//!
//! Written by hand: no crate conjugates French. The table covers the verbs posts use (être, avoir, aller, faire,
//! dire, pouvoir, vouloir, devoir, savoir, venir, prendre, voir, mettre, découvrir, recevoir, connaître…); the
//! endings cover the regular -er and -ir verbs, the future, the conditional and the imperfect.

/// `(tu form, vous form)`, lower case. Where a `vous` form has two `tu` forms, the first listed wins.
const FORMS: &[(&str, &str)] = &[
    ("es", "êtes"),
    ("as", "avez"),
    ("vas", "allez"),
    ("fais", "faites"),
    ("dis", "dites"),
    ("redis", "redites"),
    ("peux", "pouvez"),
    ("veux", "voulez"),
    ("dois", "devez"),
    ("sais", "savez"),
    ("viens", "venez"),
    ("reviens", "revenez"),
    ("deviens", "devenez"),
    ("préviens", "prévenez"),
    ("tiens", "tenez"),
    ("obtiens", "obtenez"),
    ("retiens", "retenez"),
    ("soutiens", "soutenez"),
    ("prends", "prenez"),
    ("comprends", "comprenez"),
    ("apprends", "apprenez"),
    ("surprends", "surprenez"),
    ("reprends", "reprenez"),
    ("vois", "voyez"),
    ("revois", "revoyez"),
    ("crois", "croyez"),
    ("mets", "mettez"),
    ("permets", "permettez"),
    ("promets", "promettez"),
    ("remets", "remettez"),
    ("découvres", "découvrez"),
    ("redécouvres", "redécouvrez"),
    ("ouvres", "ouvrez"),
    ("offres", "offrez"),
    ("couvres", "couvrez"),
    ("souffres", "souffrez"),
    ("reçois", "recevez"),
    ("aperçois", "apercevez"),
    ("conçois", "concevez"),
    ("connais", "connaissez"),
    ("reconnais", "reconnaissez"),
    ("parais", "paraissez"),
    ("apparais", "apparaissez"),
    ("disparais", "disparaissez"),
    ("bois", "buvez"),
    ("écris", "écrivez"),
    ("inscris", "inscrivez"),
    ("décris", "décrivez"),
    ("lis", "lisez"),
    ("relis", "relisez"),
    ("vis", "vivez"),
    ("suis", "suivez"),
    ("poursuis", "poursuivez"),
    ("pars", "partez"),
    ("repars", "repartez"),
    ("sors", "sortez"),
    ("dors", "dormez"),
    ("sens", "sentez"),
    ("ressens", "ressentez"),
    ("sers", "servez"),
    ("cours", "courez"),
    ("parcours", "parcourez"),
    ("ris", "riez"),
    ("souris", "souriez"),
    ("conduis", "conduisez"),
    ("construis", "construisez"),
    ("produis", "produisez"),
    ("réduis", "réduisez"),
    ("traduis", "traduisez"),
    ("joins", "joignez"),
    ("rejoins", "rejoignez"),
    ("peins", "peignez"),
    ("crains", "craignez"),
    ("éteins", "éteignez"),
    ("atteins", "atteignez"),
    ("rends", "rendez"),
    ("attends", "attendez"),
    ("entends", "entendez"),
    ("vends", "vendez"),
    ("réponds", "répondez"),
    ("perds", "perdez"),
    ("descends", "descendez"),
    ("défends", "défendez"),
    ("bats", "battez"),
    ("combats", "combattez"),
    ("fuis", "fuyez"),
    ("vaux", "valez"),
    ("plais", "plaisez"),
    ("tais", "taisez"),
    ("seras", "serez"),
    ("auras", "aurez"),
    ("iras", "irez"),
    ("feras", "ferez"),
    ("pourras", "pourrez"),
    ("voudras", "voudrez"),
    ("devras", "devrez"),
    ("sauras", "saurez"),
    ("viendras", "viendrez"),
    ("verras", "verrez"),
    ("enverras", "enverrez"),
    ("serais", "seriez"),
    ("aurais", "auriez"),
    ("pourrais", "pourriez"),
    ("voudrais", "voudriez"),
    ("devrais", "devriez"),
    ("saurais", "sauriez"),
    ("ferais", "feriez"),
    ("irais", "iriez"),
    ("étais", "étiez"),
    ("avais", "aviez"),
    ("pouvais", "pouviez"),
    ("voulais", "vouliez"),
    ("devais", "deviez"),
    ("savais", "saviez"),
    ("faisais", "faisiez"),
    ("allais", "alliez"),
    ("venais", "veniez"),
    ("sois", "soyez"),
    ("aies", "ayez"),
    ("fasses", "fassiez"),
    ("puisses", "puissiez"),
    ("saches", "sachiez"),
    ("achètes", "achetez"),
    ("lèves", "levez"),
    ("amènes", "amenez"),
    ("emmènes", "emmenez"),
    ("promènes", "promenez"),
    ("préfères", "préférez"),
    ("espères", "espérez"),
    ("répètes", "répétez"),
    ("possèdes", "possédez"),
    ("célèbres", "célébrez"),
    ("complètes", "complétez"),
    ("considères", "considérez"),
    ("appelles", "appelez"),
    ("rappelles", "rappelez"),
    ("jettes", "jetez"),
    ("essaies", "essayez"),
    ("envoies", "envoyez"),
    ("paies", "payez"),
];

/// Imperatives that are not the present without its `s`: `(tu, vous)`.
const IMPERATIVES: &[(&str, &str)] =
    &[("va", "allez"), ("sois", "soyez"), ("aie", "ayez"), ("sache", "sachez"), ("veuille", "veuillez")];

/// The `vous` form of a verb conjugated with `tu` (`peux` → `pouvez`, `aimes` → `aimez`, `choisis` →
/// `choisissez`), or `None` when the word does not look like one.
pub(crate) fn vous_form(tu: &str) -> Option<String> {
    if let Some(&(_, v)) = FORMS.iter().find(|(t, _)| *t == tu) {
        return Some(v.to_owned());
    }
    let n = tu.chars().count();
    if n < 4 {
        return None;
    }
    let replace = |suffix: &str, with: &str| tu.strip_suffix(suffix).map(|stem| format!("{stem}{with}"));
    if n > 5 {
        if let Some(v) = replace("rais", "riez") {
            return Some(v);
        }
        if let Some(v) = replace("ras", "rez") {
            return Some(v);
        }
        if let Some(v) = replace("ais", "iez") {
            return Some(v);
        }
    }
    for (suffix, with) in [("aies", "ayez"), ("oies", "oyez"), ("uies", "uyez")] {
        if let Some(v) = replace(suffix, with) {
            return Some(v);
        }
    }
    if let Some(stem) = tu.strip_suffix("es") {
        // lève → levez: the grave accent of the last syllable goes away with the stressed ending.
        let stem = match stem.rfind('è') {
            Some(i) if !stem[i + 'è'.len_utf8()..].contains(['a', 'e', 'i', 'o', 'u', 'é']) => {
                format!("{}e{}", &stem[..i], &stem[i + 'è'.len_utf8()..])
            }
            _ => stem.to_owned(),
        };
        return Some(format!("{stem}ez"));
    }
    replace("is", "issez")
}

/// The `tu` form of a verb conjugated with `vous` (`pouvez` → `peux`, `aimez` → `aimes`), or `None`.
pub(crate) fn tu_form(vous: &str) -> Option<String> {
    if let Some(&(t, _)) = FORMS.iter().find(|(_, v)| *v == vous) {
        return Some(t.to_owned());
    }
    if vous.chars().count() < 4 || matches!(vous, "chez" | "assez") {
        return None;
    }
    let replace = |suffix: &str, with: &str| vous.strip_suffix(suffix).map(|stem| format!("{stem}{with}"));
    for (suffix, with) in [
        ("issez", "is"),
        ("ayez", "aies"),
        ("oyez", "oies"),
        ("uyez", "uies"),
        ("eriez", "erais"),
        ("rriez", "rrais"),
        ("erez", "eras"),
        ("rrez", "rras"),
        ("drez", "dras"),
    ] {
        if let Some(t) = replace(suffix, with) {
            return Some(t);
        }
    }
    if vous.ends_with("iez") {
        return None;
    }
    replace("ez", "es")
}

/// The singular imperative for a plural one (`découvrez` → `découvre`, `venez` → `viens`).
pub(crate) fn tu_imperative(vous: &str) -> Option<String> {
    if let Some(&(t, _)) = IMPERATIVES.iter().find(|(_, v)| *v == vous) {
        return Some(t.to_owned());
    }
    let tu = tu_form(vous)?;
    match tu.strip_suffix("es") {
        Some(stem) if !stem.is_empty() => Some(format!("{stem}e")),
        _ => Some(tu),
    }
}

/// The plural imperative for a singular one (`découvre` → `découvrez`, `inscris` → `inscrivez`).
pub(crate) fn vous_imperative(tu: &str) -> Option<String> {
    if let Some(&(_, v)) = IMPERATIVES.iter().find(|(t, _)| *t == tu) {
        return Some(v.to_owned());
    }
    if tu.ends_with('e') {
        vous_form(&format!("{tu}s"))
    } else {
        vous_form(tu)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tu_forms_become_vous_forms() {
        for (tu, vous) in [
            ("peux", "pouvez"),
            ("as", "avez"),
            ("es", "êtes"),
            ("vas", "allez"),
            ("fais", "faites"),
            ("dis", "dites"),
            ("aimes", "aimez"),
            ("choisis", "choisissez"),
            ("découvres", "découvrez"),
            ("reçois", "recevez"),
            ("connais", "connaissez"),
            ("lèves", "levez"),
            ("essaies", "essayez"),
            ("aimeras", "aimerez"),
            ("aimerais", "aimeriez"),
            ("manges", "mangez"),
        ] {
            assert_eq!(vous_form(tu).as_deref(), Some(vous), "{tu}");
        }
        assert_eq!(vous_form("bof"), None);
    }

    #[test]
    fn vous_forms_become_tu_forms() {
        for (vous, tu) in [
            ("pouvez", "peux"),
            ("avez", "as"),
            ("êtes", "es"),
            ("allez", "vas"),
            ("faites", "fais"),
            ("aimez", "aimes"),
            ("choisissez", "choisis"),
            ("envoyez", "envoies"),
            ("aimerez", "aimeras"),
            ("pourriez", "pourrais"),
        ] {
            assert_eq!(tu_form(vous).as_deref(), Some(tu), "{vous}");
        }
        assert_eq!(tu_form("chez"), None);
    }

    #[test]
    fn imperatives_go_both_ways() {
        assert_eq!(tu_imperative("découvrez").as_deref(), Some("découvre"));
        assert_eq!(tu_imperative("venez").as_deref(), Some("viens"));
        assert_eq!(tu_imperative("allez").as_deref(), Some("va"));
        assert_eq!(vous_imperative("régale").as_deref(), Some("régalez"));
        assert_eq!(vous_imperative("inscris").as_deref(), Some("inscrivez"));
        assert_eq!(vous_imperative("va").as_deref(), Some("allez"));
    }
}
