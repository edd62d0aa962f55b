//! The index schema, its version, and the text analysis (accent/case/ligature folding, no stemming).

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};

/// Bump when the schema or the analysis changes: an index of another version must be rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

/// The file beside the index that records [`SCHEMA_VERSION`].
pub(crate) const VERSION_FILE: &str = "filrouge-search.version";

/// The analyzer's name in tantivy's tokenizer manager.
pub(crate) const TEXT_ANALYZER: &str = "filrouge_text";

pub(crate) const F_MENTION_ID: &str = "mention_id";
pub(crate) const F_PUBLISHED: &str = "published";
pub(crate) const F_SOURCE_KIND: &str = "source_kind";
pub(crate) const F_LANG: &str = "lang";
pub(crate) const F_SITE: &str = "site";
pub(crate) const F_AUTHOR: &str = "author";
pub(crate) const F_SENTIMENT: &str = "sentiment";
pub(crate) const F_INTENT: &str = "intent";

/// The fields, resolved once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub mention_id: Field,
    pub client_ids: Field,
    pub source_ids: Field,
    pub source_kind: Field,
    pub site: Field,
    /// The site and every parent domain (`a.b.c`, `b.c`, `c`), for the subdomain filter.
    pub site_suffix: Field,
    pub author: Field,
    pub lang: Field,
    pub sentiment: Field,
    pub intent: Field,
    /// Title and text, as two values of one field (a phrase does not run from one into the other).
    pub body: Field,
    pub published: Field,
}

/// Builds the schema and its fields.
pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        )
        .set_fast("raw");
    let keyword_not_fast = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let body = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions)
            .set_fieldnorms(true),
    );
    let id_filter = NumericOptions::default().set_indexed();
    let fields = Fields {
        mention_id: b.add_i64_field(F_MENTION_ID, INDEXED | STORED | FAST),
        client_ids: b.add_i64_field("client_ids", id_filter.clone()),
        source_ids: b.add_i64_field("source_ids", id_filter),
        source_kind: b.add_text_field(F_SOURCE_KIND, keyword.clone()),
        site: b.add_text_field(F_SITE, keyword.clone()),
        site_suffix: b.add_text_field("site_suffix", keyword_not_fast),
        author: b.add_text_field(F_AUTHOR, keyword.clone()),
        lang: b.add_text_field(F_LANG, keyword.clone()),
        sentiment: b.add_text_field(F_SENTIMENT, keyword.clone()),
        intent: b.add_text_field(F_INTENT, keyword),
        body: b.add_text_field("body", body),
        published: b.add_i64_field(F_PUBLISHED, FAST),
    };
    (b.build(), fields)
}

/// The analysis of titles, texts and the user's words: split on anything not a letter or digit (so `#miam` and
/// `@miam` give `miam`), drop tokens over 64 bytes, lowercase, fold to ASCII (`café` → `cafe`, `œ` → `oe`).
pub(crate) fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The lowercase, trimmed form under which keywords (source kind, language, site) are indexed and looked up.
pub(crate) fn keyword(s: &str) -> String {
    s.trim().to_lowercase()
}

/// `blog.example.com` → `blog.example.com`, `example.com`, `com`. A trailing dot is ignored.
pub(crate) fn site_suffixes(site: &str) -> Vec<String> {
    let site = keyword(site);
    let site = site.trim_end_matches('.');
    let mut out = Vec::new();
    let mut rest = site;
    while !rest.is_empty() {
        out.push(rest.to_string());
        match rest.find('.') {
            Some(i) => rest = &rest[i + 1..],
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn a_site_yields_itself_and_every_parent_domain() {
        assert_eq!(site_suffixes("Blog.Example.COM."), vec!["blog.example.com", "example.com", "com"]);
        assert!(site_suffixes("  ").is_empty());
    }
}
