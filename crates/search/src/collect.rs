//! One pass over the whole filtered result set for what the page does not show: the total, the facets (from the
//! keyword fast fields, counted by term ordinal) and the date histogram (from the `published` fast field).

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{ColumnValues, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::{F_AUTHOR, F_INTENT, F_LANG, F_PUBLISHED, F_SENTIMENT, F_SITE, F_SOURCE_KIND};

/// The facet fields, in the order of [`Stats::facets`].
pub(crate) const FACET_FIELDS: [&str; 6] = [F_SOURCE_KIND, F_LANG, F_SITE, F_AUTHOR, F_SENTIMENT, F_INTENT];

pub(crate) struct StatsCollector {
    pub facets: bool,
    pub buckets: Arc<[i64]>,
}

/// What the pass found, merged over segments.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub count: u64,
    /// One map per [`FACET_FIELDS`] entry; empty unless asked for.
    pub facets: Vec<HashMap<String, u64>>,
    pub histogram: Vec<u64>,
}

pub(crate) struct StatsSegmentCollector {
    count: u64,
    facets: Vec<(StrColumn, Vec<u32>)>,
    published: Option<Arc<dyn ColumnValues<i64>>>,
    buckets: Arc<[i64]>,
    histogram: Vec<u64>,
}

impl Collector for StatsCollector {
    type Fruit = Stats;
    type Child = StatsSegmentCollector;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<StatsSegmentCollector> {
        let fast = segment.fast_fields();
        let mut facets = Vec::new();
        if self.facets {
            for name in FACET_FIELDS {
                // A column absent from a segment (no mention there has a language, say) counts nothing.
                let column = fast
                    .str(name)?
                    .unwrap_or_else(|| StrColumn::wrap(tantivy::columnar::BytesColumn::empty(segment.max_doc())));
                let counts = vec![0u32; column.num_terms()];
                facets.push((column, counts));
            }
        }
        let published =
            if self.buckets.is_empty() { None } else { Some(fast.i64(F_PUBLISHED)?.first_or_default_col(i64::MIN)) };
        Ok(StatsSegmentCollector {
            count: 0,
            facets,
            published,
            buckets: self.buckets.clone(),
            histogram: vec![0; self.buckets.len()],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Stats>) -> tantivy::Result<Stats> {
        let mut out = Stats {
            count: 0,
            facets: if self.facets { vec![HashMap::new(); FACET_FIELDS.len()] } else { Vec::new() },
            histogram: vec![0; self.buckets.len()],
        };
        for fruit in fruits {
            out.count += fruit.count;
            for (into, from) in out.facets.iter_mut().zip(fruit.facets) {
                for (value, count) in from {
                    *into.entry(value).or_default() += count;
                }
            }
            for (into, from) in out.histogram.iter_mut().zip(fruit.histogram) {
                *into += from;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for StatsSegmentCollector {
    type Fruit = Stats;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.count += 1;
        for (column, counts) in &mut self.facets {
            if let Some(ord) = column.ords().first(doc) {
                if let Some(c) = counts.get_mut(ord as usize) {
                    *c += 1;
                }
            }
        }
        if let Some(published) = &self.published {
            let at = published.get_val(doc);
            // The last bucket whose start is at or before `at`; none if `at` precedes the first.
            let i = self.buckets.partition_point(|start| *start <= at);
            if let Some(slot) = i.checked_sub(1).and_then(|i| self.histogram.get_mut(i)) {
                *slot += 1;
            }
        }
    }

    fn harvest(self) -> Stats {
        let facets = self
            .facets
            .into_iter()
            .map(|(column, counts)| {
                let hit: Vec<(u64, u32)> =
                    counts.iter().enumerate().filter(|(_, c)| **c > 0).map(|(o, c)| (o as u64, *c)).collect();
                let ords: Vec<u64> = hit.iter().map(|(o, _)| *o).collect();
                let mut names = Vec::with_capacity(ords.len());
                // An unreadable dictionary leaves this facet short rather than failing the search.
                let _ = column
                    .dictionary()
                    .sorted_ords_to_term_cb(&ords, |bytes| names.push(String::from_utf8_lossy(bytes).into_owned()));
                names.into_iter().zip(hit).map(|(name, (_, c))| (name, u64::from(c))).collect()
            })
            .collect();
        Stats { count: self.count, facets, histogram: self.histogram }
    }
}

/// The [`crate::FACET_SIZE`] most frequent values, by count descending then value.
pub(crate) fn top(counts: HashMap<String, u64>) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = counts.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(crate::FACET_SIZE);
    all
}
