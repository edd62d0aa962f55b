//! Near-duplicate texts (the same news item syndicated with small edits): a 64-bit simhash over
//! word 3-shingles of the normalised text.

/// FNV-1a, then a splitmix64 finaliser so every bit is well mixed (simhash needs that).
fn hash(words: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in words {
        for b in w.bytes().chain([0x1f]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Simhash of `text` (lowercased, punctuation dropped, words as shingles of three). Empty text gives 0.
pub fn fingerprint(text: &str) -> u64 {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return 0;
    }
    let mut counts = [0i64; 64];
    let mut add = |h: u64| {
        for (bit, count) in counts.iter_mut().enumerate() {
            *count += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    };
    if words.len() < 3 {
        add(hash(&words));
    } else {
        for shingle in words.windows(3) {
            add(hash(shingle));
        }
    }
    counts.iter().enumerate().fold(0u64, |fp, (bit, c)| if *c > 0 { fp | 1 << bit } else { fp })
}

/// Two fingerprints whose texts are near duplicates (at most 3 bits differ).
pub fn is_near_duplicate(a: u64, b: u64) -> bool {
    (a ^ b).count_ones() <= 3
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    const ARTICLE: &str = "La mairie a annoncé mardi la fermeture du pont principal pour travaux pendant trois \
        semaines à partir du 4 mars. Les bus seront déviés par la rue des Écoles et un service de navettes gratuites \
        sera mis en place entre la gare et le centre-ville. Les commerçants du quartier craignent une baisse de \
        fréquentation et demandent des compensations. Le maire promet une réunion publique la semaine prochaine \
        pour répondre aux questions des habitants et présenter le calendrier détaillé du chantier.";

    #[test]
    fn a_republished_text_with_small_edits_is_a_near_duplicate() {
        let edited = ARTICLE.replace("gratuites", "gratuites,") + " (AFP)";
        let a = fingerprint(ARTICLE);
        let b = fingerprint(&format!("  {}  ", edited.to_uppercase()));
        assert!(is_near_duplicate(a, b), "{} bits differ", (a ^ b).count_ones());
    }

    #[test]
    fn different_texts_are_not_near_duplicates() {
        let other = "Le club de football local a remporté samedi son troisième match consécutif devant plus de deux \
            mille supporters, grâce à un but marqué dans les dernières minutes par un jeune attaquant formé au club.";
        assert!(!is_near_duplicate(fingerprint(ARTICLE), fingerprint(other)));
        assert_eq!(fingerprint("  ... "), 0);
    }
}
