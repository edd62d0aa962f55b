//! Canonical form of a link, so the same article shared with different tracking tags is one URL.

use url::Url;

/// Query parameters that only track the reader (any `utm_*` too).
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "igsh",
    "ref_src",
    "ref_url",
    "_ga",
    "_gl",
    "yclid",
    "_hsenc",
    "_hsmi",
    "__hstc",
    "__hssc",
    "__hsfp",
    "hsctatracking",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "vero_conv",
    "wickedid",
    "s_cid",
    "rb_clickid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "srsltid",
    "si",
    "ncid",
    "cmpid",
    "sr_share",
    "spm",
    "scid",
    "xtor",
];

fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING.contains(&key.as_str())
}

/// The canonical form of an http(s) URL: scheme and host lowercased, default port and fragment
/// dropped, tracking parameters removed, the other parameters sorted (their encoding kept), no
/// empty `?`. The scheme is kept as it is (http is not turned into https). `None` for anything
/// that is not an absolute http(s) URL.
pub fn canonical_url(raw: &str) -> Option<String> {
    let mut url = Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    let query = url.query().map(|q| {
        let mut kept: Vec<&str> = q
            .split('&')
            .filter(|pair| !pair.is_empty())
            .filter(|pair| {
                let key = pair.split('=').next().unwrap_or_default();
                let key = form_decode(key);
                !is_tracking(&key)
            })
            .collect();
        kept.sort_unstable();
        kept.join("&")
    });
    match query {
        Some(q) if !q.is_empty() => url.set_query(Some(&q)),
        _ => url.set_query(None),
    }
    Some(url.to_string())
}

fn form_decode(key: &str) -> String {
    url::form_urlencoded::parse(key.as_bytes()).next().map(|(k, _)| k.into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn tracking_is_removed_and_the_rest_sorted() {
        assert_eq!(
            canonical_url("HTTPS://Blog.Example:443/Post?utm_source=x&b=2&fbclid=1&a=1&UTM_Medium=y#top").as_deref(),
            Some("https://blog.example/Post?a=1&b=2")
        );
        assert_eq!(canonical_url("http://a.example:80/p?").as_deref(), Some("http://a.example/p"));
        assert_eq!(canonical_url("http://a.example:8080/p?gclid=1").as_deref(), Some("http://a.example:8080/p"));
        assert_eq!(
            canonical_url("http://a.example/p?q=caf%C3%A9&_ga=2").as_deref(),
            Some("http://a.example/p?q=caf%C3%A9")
        );
    }

    #[test]
    fn only_absolute_http_urls_have_a_canonical_form() {
        for raw in ["ftp://a.example/x", "/relative", "javascript:alert(1)", "mailto:a@b.c", "", "http://"] {
            assert_eq!(canonical_url(raw), None, "{raw}");
        }
    }
}
