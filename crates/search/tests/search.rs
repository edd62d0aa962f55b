//! Behaviour of the mentions index through its public API, on real indexes (in memory and on disk).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use filrouge_search::{IndexDoc, MentionIndex, SearchError, SearchQuery, Sort, MAX_WINDOW, SCHEMA_VERSION};

const DAY: i64 = 86_400_000;
/// 2025-01-01T00:00:00Z.
const T0: i64 = 1_735_689_600_000;

fn doc(id: i64, client: i64, text: &str) -> IndexDoc {
    IndexDoc {
        mention_id: id,
        client_ids: vec![client],
        source_kind: "rss".into(),
        source_ids: vec![1],
        site: "example.com".into(),
        author: "Alice".into(),
        lang: Some("fr".into()),
        sentiment: Some("neutral".into()),
        intent: Some("other".into()),
        title: String::new(),
        text: text.into(),
        published_ms: T0 + id * DAY,
    }
}

fn index_of(docs: &[IndexDoc]) -> MentionIndex {
    let index = MentionIndex::open_in_ram().unwrap();
    let mut writer = index.writer(50_000_000).unwrap();
    for d in docs {
        writer.upsert(d).unwrap();
    }
    writer.commit(1).unwrap();
    index.reload().unwrap();
    index
}

fn query(client: i64) -> SearchQuery {
    SearchQuery { client_id: client, limit: 100, ..SearchQuery::default() }
}

fn text(client: i64, t: &str) -> SearchQuery {
    SearchQuery { text: Some(t.into()), ..query(client) }
}

/// The mention ids found, in order.
fn ids(index: &MentionIndex, q: &SearchQuery) -> Vec<i64> {
    index.search(q).unwrap().hits.iter().map(|h| h.mention_id).collect()
}

/// The mention ids found, sorted (when order does not matter).
fn id_set(index: &MentionIndex, q: &SearchQuery) -> Vec<i64> {
    let mut v = ids(index, q);
    v.sort();
    v
}

#[test]
fn a_client_never_sees_another_clients_mentions() {
    let index = index_of(&[doc(1, 10, "cafe secret"), doc(2, 20, "cafe secret"), doc(3, 10, "autre chose")]);
    assert_eq!(id_set(&index, &query(10)), vec![1, 3]);
    assert_eq!(id_set(&index, &query(20)), vec![2]);
    assert_eq!(id_set(&index, &text(20, "secret")), vec![2]);
    assert_eq!(index.search(&query(30)).unwrap().total, 0);
    let with_facets = SearchQuery { facets: true, ..query(20) };
    assert_eq!(index.search(&with_facets).unwrap().facets.sources, vec![("rss".to_string(), 1)]);
}

#[test]
fn terms_are_anded_and_case_accent_and_ligature_insensitive() {
    let index = index_of(&[
        doc(1, 1, "Le Café de la Gare"),
        doc(2, 1, "un cafe sans accent"),
        doc(3, 1, "Un bœuf et un ÆSIR"),
        doc(4, 1, "la gare du nord"),
    ]);
    assert_eq!(id_set(&index, &text(1, "cafe")), vec![1, 2]);
    assert_eq!(id_set(&index, &text(1, "CAFÉ")), vec![1, 2]);
    assert_eq!(id_set(&index, &text(1, "café gare")), vec![1]);
    assert_eq!(id_set(&index, &text(1, "boeuf")), vec![3]);
    assert_eq!(id_set(&index, &text(1, "bœuf aesir")), vec![3]);
    // No stemming: the plural is another word.
    assert_eq!(id_set(&index, &text(1, "gares")), Vec::<i64>::new());
}

#[test]
fn hashtags_and_handles_are_found_by_their_word() {
    let index = index_of(&[doc(1, 1, "Trop bon #miam avec @chef_paul"), doc(2, 1, "miam tout court")]);
    assert_eq!(id_set(&index, &text(1, "miam")), vec![1, 2]);
    assert_eq!(id_set(&index, &text(1, "#miam")), vec![1, 2]);
    assert_eq!(id_set(&index, &text(1, "paul")), vec![1]);
}

#[test]
fn the_title_is_searched_too_but_a_phrase_does_not_span_title_and_text() {
    let mut d = doc(1, 1, "fin du texte");
    d.title = "un titre rouge".into();
    let index = index_of(&[d]);
    assert_eq!(id_set(&index, &text(1, "titre texte")), vec![1]);
    assert_eq!(id_set(&index, &text(1, "\"titre rouge\"")), vec![1]);
    assert_eq!(id_set(&index, &text(1, "\"rouge fin\"")), Vec::<i64>::new());
}

#[test]
fn phrases_match_adjacent_words_in_order_and_exclusions_remove() {
    let index = index_of(&[
        doc(1, 1, "un bon appétit à tous"),
        doc(2, 1, "appétit bon à tous"),
        doc(3, 1, "bon appétit mais la pluie"),
    ]);
    assert_eq!(id_set(&index, &text(1, "\"bon appetit\"")), vec![1, 3]);
    assert_eq!(id_set(&index, &text(1, "bon appetit")), vec![1, 2, 3]);
    assert_eq!(id_set(&index, &text(1, "\"bon appetit\" -pluie")), vec![1]);
    assert_eq!(id_set(&index, &text(1, "-\"appetit bon\"")), vec![1, 3]);
    assert_eq!(id_set(&index, &text(1, "-pluie")), vec![1, 2]);
}

#[test]
fn garbage_text_never_errors() {
    let index = index_of(&[doc(1, 1, "bon appétit"), doc(2, 1, "rien")]);
    for garbage in [
        "\"bon appétit",
        "\"",
        "\"\"\"",
        "-",
        "- - --",
        "🎉🎉",
        "bon 🎉",
        "AND OR NOT ( ) [ ] { } : ^ ~ * ? \\ /",
        "title:bon",
        "-\"",
        "\u{0}\u{feff}\t\n",
        "a\"b\"c",
        &"x".repeat(10_000),
    ] {
        let result = index.search(&text(1, garbage));
        assert!(result.is_ok(), "{garbage:?} gave {result:?}");
    }
    // An unbalanced quote runs to the end; what has nothing searchable is ignored.
    assert_eq!(id_set(&index, &text(1, "\"bon appétit")), vec![1]);
    assert_eq!(id_set(&index, &text(1, "bon 🎉")), vec![1]);
    assert_eq!(id_set(&index, &text(1, "🎉")), vec![1, 2]);
    assert_eq!(id_set(&index, &text(1, "-")), vec![1, 2]);
}

#[test]
fn every_filter_narrows_the_results() {
    let mut a = doc(1, 1, "x");
    a.source_kind = "rss".into();
    a.lang = Some("fr".into());
    a.author = "Alice".into();
    a.site = "lemonde.fr".into();
    let mut b = doc(2, 1, "x");
    b.source_kind = "Bluesky".into();
    b.lang = Some("EN".into());
    b.author = "bob.bsky.social".into();
    b.site = "bsky.app".into();
    let mut c = doc(3, 1, "x");
    c.source_kind = "mastodon".into();
    c.lang = None;
    c.author = "@carol@mamot.fr".into();
    c.site = "mamot.fr".into();
    let index = index_of(&[a, b, c]);
    let q = |f: &dyn Fn(&mut SearchQuery)| {
        let mut q = query(1);
        f(&mut q);
        id_set(&index, &q)
    };
    assert_eq!(q(&|q| q.sources = vec!["rss".into()]), vec![1]);
    assert_eq!(q(&|q| q.sources = vec!["bluesky".into(), "MASTODON".into()]), vec![2, 3]);
    assert_eq!(q(&|q| q.langs = vec!["en".into()]), vec![2]);
    assert_eq!(q(&|q| q.langs = vec!["fr".into(), "en".into()]), vec![1, 2]);
    assert_eq!(q(&|q| q.authors = vec!["@carol@mamot.fr".into()]), vec![3]);
    assert_eq!(q(&|q| q.authors = vec!["Alice".into(), "bob.bsky.social".into()]), vec![1, 2]);
    assert_eq!(q(&|q| q.sites = vec!["mamot.fr".into()]), vec![3]);
    assert_eq!(q(&|q| q.sites = vec!["LeMonde.fr".into(), "bsky.app".into()]), vec![1, 2]);
    assert_eq!(q(&|q| q.sites = vec!["nowhere.org".into()]), Vec::<i64>::new());
    // Filters combine with AND.
    assert_eq!(
        q(&|q| {
            q.sources = vec!["rss".into()];
            q.langs = vec!["en".into()]
        }),
        Vec::<i64>::new()
    );
    // Blank values are no filter at all.
    assert_eq!(q(&|q| q.sources = vec!["  ".into()]), vec![1, 2, 3]);
}

#[test]
fn a_site_filter_matches_the_host_and_its_subdomains_only() {
    let sites = ["example.com", "blog.example.com", "a.b.example.com", "notexample.com", "example.com.evil.org"];
    let docs: Vec<IndexDoc> =
        sites.iter().enumerate().map(|(i, s)| IndexDoc { site: s.to_string(), ..doc(i as i64, 1, "x") }).collect();
    let index = index_of(&docs);
    let site = |s: &str| id_set(&index, &SearchQuery { sites: vec![s.into()], ..query(1) });
    assert_eq!(site("example.com"), vec![0, 1, 2]);
    assert_eq!(site("blog.example.com"), vec![1]);
    assert_eq!(site("b.example.com"), vec![2]);
    assert_eq!(site("example.com."), vec![0, 1, 2]);
    assert_eq!(site("evil.org"), vec![4]);
}

#[test]
fn the_date_range_includes_its_start_and_excludes_its_end() {
    let docs: Vec<IndexDoc> = (0..5).map(|i| IndexDoc { published_ms: T0 + i * DAY, ..doc(i, 1, "x") }).collect();
    let index = index_of(&docs);
    let range =
        |from: Option<i64>, to: Option<i64>| id_set(&index, &SearchQuery { from_ms: from, to_ms: to, ..query(1) });
    assert_eq!(range(Some(T0 + DAY), Some(T0 + 3 * DAY)), vec![1, 2]);
    assert_eq!(range(Some(T0 + DAY - 1), Some(T0 + 3 * DAY + 1)), vec![1, 2, 3]);
    assert_eq!(range(Some(T0 + DAY + 1), Some(T0 + 3 * DAY)), vec![2]);
    assert_eq!(range(None, Some(T0 + 2 * DAY)), vec![0, 1]);
    assert_eq!(range(Some(T0 + 3 * DAY), None), vec![3, 4]);
    assert_eq!(range(Some(T0 + 2 * DAY), Some(T0 + 2 * DAY)), Vec::<i64>::new());
    assert_eq!(range(Some(T0 + 3 * DAY), Some(T0 + DAY)), Vec::<i64>::new());
}

#[test]
fn dates_before_1970_and_far_ahead_are_ordered_and_filtered() {
    let docs = [
        IndexDoc { published_ms: -5 * DAY, ..doc(1, 1, "x") },
        IndexDoc { published_ms: 0, ..doc(2, 1, "x") },
        IndexDoc { published_ms: T0 * 2, ..doc(3, 1, "x") },
    ];
    let index = index_of(&docs);
    assert_eq!(ids(&index, &query(1)), vec![3, 2, 1]);
    assert_eq!(id_set(&index, &SearchQuery { to_ms: Some(0), ..query(1) }), vec![1]);
}

#[test]
fn sort_orders_newest_oldest_and_relevance() {
    let docs = [
        IndexDoc { published_ms: T0 + 2 * DAY, ..doc(1, 1, "chat") },
        IndexDoc { published_ms: T0, ..doc(2, 1, "chat chat chat chat") },
        IndexDoc { published_ms: T0 + DAY, ..doc(3, 1, "un chat parmi beaucoup beaucoup beaucoup d'autres mots ici") },
        // Same date as 3: ties go by mention id.
        IndexDoc { published_ms: T0 + DAY, ..doc(4, 1, "chien") },
    ];
    let index = index_of(&docs);
    assert_eq!(ids(&index, &SearchQuery { sort: Sort::Newest, ..query(1) }), vec![1, 4, 3, 2]);
    assert_eq!(ids(&index, &SearchQuery { sort: Sort::Oldest, ..query(1) }), vec![2, 3, 4, 1]);
    let by_relevance = index.search(&SearchQuery { sort: Sort::Relevance, ..text(1, "chat") }).unwrap();
    let order: Vec<i64> = by_relevance.hits.iter().map(|h| h.mention_id).collect();
    assert_eq!(order, vec![2, 1, 3]);
    assert!(by_relevance.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(by_relevance.hits[0].score > 0.0);
    // Relevance without words falls back to newest first.
    assert_eq!(ids(&index, &SearchQuery { sort: Sort::Relevance, ..query(1) }), vec![1, 4, 3, 2]);
}

#[test]
fn pages_split_the_results_without_overlap_and_the_total_ignores_the_page() {
    let docs: Vec<IndexDoc> = (0..25).map(|i| doc(i, 1, "x")).collect();
    let index = index_of(&docs);
    let page = |offset, limit| index.search(&SearchQuery { offset, limit, ..query(1) }).unwrap();
    let first = page(0, 10);
    assert_eq!(first.total, 25);
    assert_eq!(first.hits.iter().map(|h| h.mention_id).collect::<Vec<_>>(), (15..25).rev().collect::<Vec<_>>());
    let third = page(20, 10);
    assert_eq!(third.total, 25);
    assert_eq!(third.hits.iter().map(|h| h.mention_id).collect::<Vec<_>>(), (0..5).rev().collect::<Vec<_>>());
    assert!(page(30, 10).hits.is_empty());
    let only_counts = page(0, 0);
    assert_eq!((only_counts.total, only_counts.hits.len()), (25, 0));
    let too_deep = index.search(&SearchQuery { offset: MAX_WINDOW, limit: 1, ..query(1) });
    assert!(matches!(too_deep, Err(SearchError::PageTooDeep { .. })));
    let overflow = index.search(&SearchQuery { offset: usize::MAX, limit: 2, ..query(1) });
    assert!(matches!(overflow, Err(SearchError::PageTooDeep { .. })));
}

#[test]
fn facets_count_the_whole_filtered_result_set_not_the_page() {
    let mut docs = Vec::new();
    for i in 0..30 {
        let mut d = doc(i, 1, if i % 3 == 0 { "soleil" } else { "pluie" });
        d.source_kind = if i < 20 { "rss" } else { "bluesky" }.into();
        d.lang = if i % 2 == 0 { Some("fr".into()) } else { None };
        d.site = format!("site{}.fr", i % 4);
        d.author = format!("author{}", i % 25);
        docs.push(d);
    }
    docs.push(doc(100, 2, "pluie"));
    let index = index_of(&docs);
    let result = index.search(&SearchQuery { facets: true, limit: 2, ..text(1, "pluie") }).unwrap();
    assert_eq!(result.total, 20);
    assert_eq!(result.hits.len(), 2);
    let f = &result.facets;
    // Pluie: i not divisible by 3; rss for i < 20 (13 of them), bluesky for 20..30 (7).
    assert_eq!(f.sources, vec![("rss".to_string(), 13), ("bluesky".to_string(), 7)]);
    // Even i among the 20: 10 have "fr"; the others have no language and are not counted.
    assert_eq!(f.langs, vec![("fr".to_string(), 10)]);
    assert_eq!(f.sites.iter().map(|(_, c)| c).sum::<u64>(), 20, "{f:?}");
    assert_eq!(f.sites[0], ("site1.fr".to_string(), 6));
    // Authors are i % 25: among the 20 hits, author1 (i = 1, 26) and author4 (4, 29) twice, 16
    // others once (ties by name: author0, from i = 25, comes next).
    assert_eq!(f.authors.len(), 18);
    assert_eq!(&f.authors[..3], &[("author1".to_string(), 2), ("author4".to_string(), 2), ("author0".to_string(), 1)]);
    // Over all 30 mentions, 25 authors: only the 20 most frequent are listed.
    let everything = index.search(&SearchQuery { facets: true, ..query(1) }).unwrap();
    assert_eq!(everything.facets.authors.len(), 20);
    assert_eq!(everything.facets.authors.iter().map(|(_, c)| c).sum::<u64>(), 25);
    // Facets are only computed when asked.
    let without = index.search(&text(1, "pluie")).unwrap();
    assert!(without.facets.sources.is_empty());
}

#[test]
fn the_histogram_counts_per_bucket_with_an_open_last_bucket() {
    // One mention per 6 hours over 4 days, starting at T0.
    let docs: Vec<IndexDoc> = (0..16).map(|i| IndexDoc { published_ms: T0 + i * DAY / 4, ..doc(i, 1, "x") }).collect();
    let index = index_of(&docs);
    let buckets = vec![T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY];
    let h = |from, to| {
        index
            .search(&SearchQuery { histogram_buckets: buckets.clone(), from_ms: from, to_ms: to, limit: 0, ..query(1) })
            .unwrap()
    };
    // Before the first bucket: not counted; the last bucket runs to the end.
    let all = h(None, None);
    assert_eq!(all.histogram, vec![4, 4, 4]);
    assert_eq!(all.total, 16);
    // The date filter bounds the open last bucket.
    assert_eq!(h(Some(T0 + DAY), Some(T0 + 3 * DAY + DAY / 2)).histogram, vec![4, 4, 2]);
    // With the text and other filters applied too.
    let filtered = index.search(&SearchQuery { histogram_buckets: buckets.clone(), ..text(1, "nothing") }).unwrap();
    assert_eq!(filtered.histogram, vec![0, 0, 0]);
    let unsorted = index.search(&SearchQuery { histogram_buckets: vec![T0 + DAY, T0], ..query(1) });
    assert!(matches!(unsorted, Err(SearchError::UnsortedBuckets)));
    assert!(index.search(&query(1)).unwrap().histogram.is_empty());
}

#[test]
fn upsert_replaces_so_a_mention_linked_to_a_second_client_is_found_by_both() {
    let index = MentionIndex::open_in_ram().unwrap();
    let mut writer = index.writer(50_000_000).unwrap();
    writer.upsert(&doc(1, 10, "ancien texte")).unwrap();
    writer.commit(1).unwrap();
    writer.upsert(&IndexDoc { client_ids: vec![10, 20], ..doc(1, 10, "nouveau texte") }).unwrap();
    writer.commit(2).unwrap();
    index.reload().unwrap();
    assert_eq!(index.doc_count(), 1);
    assert_eq!(ids(&index, &text(10, "nouveau")), vec![1]);
    assert_eq!(ids(&index, &text(20, "nouveau")), vec![1]);
    assert!(ids(&index, &text(10, "ancien")).is_empty());
    writer.delete(1);
    writer.commit(3).unwrap();
    index.reload().unwrap();
    assert_eq!(index.doc_count(), 0);
    assert!(ids(&index, &query(20)).is_empty());
}

#[test]
fn upserting_twice_in_one_batch_keeps_the_last_version() {
    let index = MentionIndex::open_in_ram().unwrap();
    let mut writer = index.writer(50_000_000).unwrap();
    writer.upsert(&doc(7, 1, "premier")).unwrap();
    writer.upsert(&doc(7, 1, "second")).unwrap();
    writer.commit(1).unwrap();
    index.reload().unwrap();
    assert_eq!(index.doc_count(), 1);
    assert_eq!(ids(&index, &text(1, "second")), vec![7]);
}

#[test]
fn the_watermark_and_the_documents_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let index = MentionIndex::open(&path).unwrap();
        assert_eq!(index.watermark().unwrap(), None);
        let mut writer = index.writer(50_000_000).unwrap();
        writer.upsert(&doc(1, 1, "persistant")).unwrap();
        writer.commit(41).unwrap();
        writer.upsert(&doc(2, 1, "persistant")).unwrap();
        writer.commit(-9_000_000_000_123).unwrap();
        assert_eq!(index.watermark().unwrap(), Some(-9_000_000_000_123));
        // Uncommitted work is lost at drop, and so is not part of the watermark.
        writer.upsert(&doc(3, 1, "perdu")).unwrap();
        drop(writer);
    }
    let index = MentionIndex::open(&path).unwrap();
    assert_eq!(index.watermark().unwrap(), Some(-9_000_000_000_123));
    assert_eq!(index.doc_count(), 2);
    assert_eq!(id_set(&index, &text(1, "persistant")), vec![1, 2]);
    assert!(ids(&index, &text(1, "perdu")).is_empty());
}

#[test]
fn a_second_writer_is_refused_while_the_first_lives() {
    let dir = tempfile::tempdir().unwrap();
    let index = MentionIndex::open(dir.path()).unwrap();
    let first = index.writer(20_000_000).unwrap();
    assert!(matches!(index.writer(20_000_000), Err(SearchError::WriterBusy)));
    first.finish().unwrap();
    assert!(index.writer(20_000_000).is_ok());
}

#[test]
fn another_schema_version_needs_a_rebuild_and_recreate_gives_an_empty_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let index = MentionIndex::open(&path).unwrap();
        let mut writer = index.writer(20_000_000).unwrap();
        writer.upsert(&doc(1, 1, "x")).unwrap();
        writer.commit(5).unwrap();
    }
    let version_file = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "version"))
        .unwrap();
    assert_eq!(std::fs::read_to_string(&version_file).unwrap().trim(), SCHEMA_VERSION.to_string());
    std::fs::write(&version_file, "0\n").unwrap();
    match MentionIndex::open(&path) {
        Err(SearchError::NeedsRebuild { found, expected, .. }) => {
            assert_eq!((found.as_deref(), expected), (Some("0"), SCHEMA_VERSION));
        }
        other => panic!("expected NeedsRebuild, got {other:?}"),
    }
    std::fs::remove_file(&version_file).unwrap();
    assert!(matches!(MentionIndex::open(&path), Err(SearchError::NeedsRebuild { found: None, .. })));
    let index = MentionIndex::recreate(&path).unwrap();
    assert_eq!(index.doc_count(), 0);
    assert_eq!(index.watermark().unwrap(), None);
    assert!(MentionIndex::open(&path).is_ok());
}

#[test]
fn recreate_refuses_a_directory_that_is_not_an_index() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("precious.db"), "data").unwrap();
    assert!(matches!(MentionIndex::recreate(dir.path()), Err(SearchError::NotAnIndex(_))));
    assert!(dir.path().join("precious.db").exists());
}

#[test]
fn a_commit_becomes_visible_after_reload() {
    let index = MentionIndex::open_in_ram().unwrap();
    let mut writer = index.writer(20_000_000).unwrap();
    writer.upsert(&doc(1, 1, "x")).unwrap();
    writer.commit(1).unwrap();
    index.reload().unwrap();
    assert_eq!(index.doc_count(), 1);
    assert_eq!(index.watermark().unwrap(), Some(1));
}

#[test]
fn results_facets_and_histogram_add_up_across_several_segments() {
    let index = MentionIndex::open_in_ram().unwrap();
    let mut writer = index.writer(20_000_000).unwrap();
    // Three commits: three segments, each with its own fast-field dictionaries.
    for (batch, site) in [(0..10, "a.fr"), (10..20, "b.fr"), (20..30, "a.fr")] {
        for i in batch {
            writer.upsert(&IndexDoc { site: site.into(), ..doc(i, 1, "x") }).unwrap();
        }
        writer.commit(1).unwrap();
    }
    index.reload().unwrap();
    let buckets = vec![T0, T0 + 10 * DAY, T0 + 20 * DAY];
    let r = index.search(&SearchQuery { facets: true, limit: 5, histogram_buckets: buckets, ..query(1) }).unwrap();
    assert_eq!(r.total, 30);
    assert_eq!(r.hits.iter().map(|h| h.mention_id).collect::<Vec<_>>(), vec![29, 28, 27, 26, 25]);
    assert_eq!(r.facets.sites, vec![("a.fr".to_string(), 20), ("b.fr".to_string(), 10)]);
    assert_eq!(r.histogram, vec![10, 10, 10]);
    let oldest = index.search(&SearchQuery { sort: Sort::Oldest, offset: 8, limit: 4, ..query(1) }).unwrap();
    assert_eq!(oldest.hits.iter().map(|h| h.mention_id).collect::<Vec<_>>(), vec![8, 9, 10, 11]);
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<MentionIndex>();
    let index = std::sync::Arc::new(index_of(&[doc(1, 1, "partagé")]));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let index = index.clone();
            std::thread::spawn(move || index.search(&text(1, "partage")).unwrap().total)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 1);
    }
}

#[test]
fn sentiment_and_intent_filter_and_count() {
    let docs = vec![
        IndexDoc {
            sentiment: Some("negative".into()),
            intent: Some("complaint".into()),
            ..doc(1, 1, "livraison en retard")
        },
        IndexDoc {
            sentiment: Some("positive".into()),
            intent: Some("praise".into()),
            ..doc(2, 1, "livraison parfaite")
        },
        IndexDoc { sentiment: None, intent: None, ..doc(3, 1, "livraison") },
    ];
    let index = index_of(&docs);
    let q = SearchQuery {
        client_id: 1,
        limit: 10,
        facets: true,
        sentiments: vec!["negative".into()],
        ..SearchQuery::default()
    };
    let r = index.search(&q).unwrap();
    assert_eq!(r.hits.iter().map(|h| h.mention_id).collect::<Vec<_>>(), vec![1]);
    let q = SearchQuery { client_id: 1, limit: 10, facets: true, ..SearchQuery::default() };
    let r = index.search(&q).unwrap();
    assert!(r.facets.sentiments.contains(&("positive".to_string(), 1)));
    assert!(r.facets.intents.contains(&("complaint".to_string(), 1)));
    let q = SearchQuery {
        client_id: 1,
        limit: 10,
        intents: vec!["praise".into(), "complaint".into()],
        ..SearchQuery::default()
    };
    assert_eq!(index.search(&q).unwrap().total, 2);
}
