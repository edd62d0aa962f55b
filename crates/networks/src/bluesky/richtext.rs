//! Bluesky rich text: the facets `filrouge_compose` finds in a post's text (UTF-8 byte offsets), written as
//! `app.bsky.richtext.facet` objects once mentioned handles are resolved to DIDs.

use std::collections::BTreeMap;

use filrouge_compose::{Facet, FacetFeature};
use serde_json::{json, Value};

/// The handles `facets` mention, each once, in order of first appearance.
pub(crate) fn mentioned_handles(facets: &[Facet]) -> Vec<String> {
    let mut handles: Vec<String> = Vec::new();
    for facet in facets {
        if let FacetFeature::Mention(handle) = &facet.feature {
            if !handles.contains(handle) {
                handles.push(handle.clone());
            }
        }
    }
    handles
}

/// The facets as the record carries them; a mention whose handle is not in `dids` is left out (plain text).
pub(crate) fn to_json(facets: &[Facet], dids: &BTreeMap<String, String>) -> Vec<Value> {
    facets
        .iter()
        .filter_map(|facet| {
            let feature = match &facet.feature {
                FacetFeature::Link(uri) => json!({ "$type": "app.bsky.richtext.facet#link", "uri": uri }),
                FacetFeature::Mention(handle) => {
                    json!({ "$type": "app.bsky.richtext.facet#mention", "did": dids.get(handle)? })
                }
                FacetFeature::Tag(tag) => json!({ "$type": "app.bsky.richtext.facet#tag", "tag": tag }),
            };
            Some(json!({
                "index": { "byteStart": facet.byte_start, "byteEnd": facet.byte_end },
                "features": [feature],
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use filrouge_compose::bluesky_facets;

    #[test]
    fn facets_carry_byte_offsets_tags_without_hash_and_resolved_dids() {
        let text = "Été ! #café avec @bob.test et @bob.test, https://example.org/a";
        let facets = bluesky_facets(text);
        assert_eq!(mentioned_handles(&facets), ["bob.test"]);
        let dids = BTreeMap::from([("bob.test".to_owned(), "did:plc:bob".to_owned())]);
        let json = to_json(&facets, &dids);
        assert_eq!(json.len(), 4);
        let start = text.find("#café").unwrap();
        assert_eq!(json[0]["index"], json!({ "byteStart": start, "byteEnd": start + "#café".len() }));
        assert_eq!(json[0]["features"][0], json!({ "$type": "app.bsky.richtext.facet#tag", "tag": "café" }));
        assert_eq!(json[1]["features"][0]["did"], "did:plc:bob");
        assert_eq!(json[3]["features"][0]["uri"], "https://example.org/a");
        assert_eq!(to_json(&facets, &BTreeMap::new()).len(), 2, "unresolved mentions stay text");
    }
}
