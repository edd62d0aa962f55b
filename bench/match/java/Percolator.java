// Percolator: the Lucene side of the matching benchmark (bench/match/run.sh compiles and runs it).
//
// Reads the structured form of the generated queries (queries.jsonl, field "ast") and the mentions
// (mentions.jsonl), builds the equivalent Lucene queries (BooleanQuery, PhraseQuery, SpanNearQuery, PrefixQuery,
// TermQuery on keyword fields), then for each mention builds a MemoryIndex and finds the queries that match it.
//
//   --mode naive      every query is run against every mention (memoryIndex.search(q) > 0), as the issue names it;
//   --mode indexed    like Elasticsearch's percolator: the queries are indexed (in a RAM directory) by the terms
//                     extracted from them with a minimum number that must match; per mention, the candidates are
//                     the queries with enough of their terms in it (CoveringQuery), plus those nothing could be
//                     extracted from, and each candidate is verified on the MemoryIndex (one searcher per
//                     mention, count() > 0).
//
// One thread. The JVM is warmed up for --warmup seconds, then mentions are matched from the first one until
// --seconds have passed or all are done. Writes to --out one "key=value ..." line, then "mention query" pairs.
//
//   java -cp CLASSES:LUCENE_JARS Percolator --mode naive --dir DIR --seconds 20 --warmup 5 --out FILE

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.LowerCaseFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.CoveringQuery;
import org.apache.lucene.search.LongValuesSource;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SimpleCollector;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.spans.SpanMultiTermQueryWrapper;
import org.apache.lucene.search.spans.SpanNearQuery;
import org.apache.lucene.search.spans.SpanOrQuery;
import org.apache.lucene.search.spans.SpanQuery;
import org.apache.lucene.search.spans.SpanTermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

public class Percolator {
    static final String BODY = "body";

    /** StandardTokenizer, elisions (l', d') and English possessives removed, lower case, ASCII folding. */
    static final class FoldingAnalyzer extends Analyzer {
        @Override
        protected TokenStreamComponents createComponents(String field) {
            Tokenizer source = new StandardTokenizer();
            TokenStream ts = new ElisionFilter(source, FrenchAnalyzer.DEFAULT_ARTICLES);
            ts = new EnglishPossessiveFilter(ts);
            ts = new LowerCaseFilter(ts);
            ts = new ASCIIFoldingFilter(ts);
            return new TokenStreamComponents(source, ts);
        }

        @Override
        public int getPositionIncrementGap(String field) {
            return 100; // title and text are two values of "body": no phrase or NEAR across them
        }
    }

    // ---------------------------------------------------------------- a small JSON reader (objects, arrays,
    // strings, numbers, true/false/null): the JDK has none and the generated files are simple.
    static final class Json {
        final String s;
        int i;

        Json(String s) {
            this.s = s;
        }

        static Object parse(String s) {
            Json j = new Json(s);
            return j.value();
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    i++; // ':'
                    m.put(k, value());
                    ws();
                    if (s.charAt(i++) == '}') return m;
                }
            } else if (c == '[') {
                i++;
                List<Object> a = new ArrayList<>();
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return a;
                }
                while (true) {
                    a.add(value());
                    ws();
                    if (s.charAt(i++) == ']') return a;
                }
            } else if (c == '"') {
                return string();
            } else if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            } else if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            } else if (s.startsWith("null", i)) {
                i += 4;
                return null;
            } else {
                int start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
                return Double.parseDouble(s.substring(start, i));
            }
        }

        String string() {
            i++; // opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 't': b.append('\t'); break;
                    case 'r': b.append('\r'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'u':
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: b.append(e);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    // ---------------------------------------------------------------- structured form → Lucene query

    static Query build(Map<String, Object> n) {
        String op = (String) n.get("op");
        switch (op) {
            case "term":
                return new TermQuery(new Term(BODY, (String) n.get("value")));
            case "tag":
                return new TermQuery(new Term(BODY, (String) n.get("value")));
            case "phrase": {
                PhraseQuery.Builder b = new PhraseQuery.Builder();
                for (Object t : list(n.get("terms"))) b.add(new Term(BODY, (String) t));
                return b.build();
            }
            case "prefix":
                return new PrefixQuery(new Term(BODY, (String) n.get("value")));
            case "field":
                return new TermQuery(new Term((String) n.get("field"), (String) n.get("value")));
            case "and": {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                boolean positive = false;
                for (Object a : list(n.get("args"))) {
                    Map<String, Object> c = obj(a);
                    if ("not".equals(c.get("op"))) {
                        b.add(build(obj(c.get("arg"))), Occur.MUST_NOT);
                    } else {
                        b.add(build(c), Occur.MUST);
                        positive = true;
                    }
                }
                if (!positive) b.add(new MatchAllDocsQuery(), Occur.MUST);
                return b.build();
            }
            case "or": {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                for (Object a : list(n.get("args"))) b.add(build(obj(a)), Occur.SHOULD);
                return b.build();
            }
            case "not": {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                b.add(new MatchAllDocsQuery(), Occur.MUST);
                b.add(build(obj(n.get("arg"))), Occur.MUST_NOT);
                return b.build();
            }
            case "near":
                return span(n);
            default:
                throw new IllegalArgumentException("unknown op " + op);
        }
    }

    /** NEAR/n: at most n words between the two sides (Lucene's slop), in order for NEAR/nf. */
    static SpanQuery span(Map<String, Object> n) {
        String op = (String) n.get("op");
        switch (op) {
            case "term":
            case "tag":
                return new SpanTermQuery(new Term(BODY, (String) n.get("value")));
            case "phrase": {
                List<Object> terms = list(n.get("terms"));
                SpanQuery[] parts = new SpanQuery[terms.size()];
                for (int i = 0; i < parts.length; i++) parts[i] = new SpanTermQuery(new Term(BODY, (String) terms.get(i)));
                return new SpanNearQuery(parts, 0, true);
            }
            case "prefix":
                return new SpanMultiTermQueryWrapper<>(new PrefixQuery(new Term(BODY, (String) n.get("value"))));
            case "or": {
                List<Object> args = list(n.get("args"));
                SpanQuery[] parts = new SpanQuery[args.size()];
                for (int i = 0; i < parts.length; i++) parts[i] = span(obj(args.get(i)));
                return new SpanOrQuery(parts);
            }
            case "near": {
                int slop = ((Double) n.get("n")).intValue();
                boolean ordered = Boolean.TRUE.equals(n.get("ordered"));
                return new SpanNearQuery(new SpanQuery[] {span(obj(n.get("left"))), span(obj(n.get("right")))}, slop, ordered);
            }
            default:
                throw new IllegalArgumentException("not allowed in NEAR: " + op);
        }
    }

    // ---------------------------------------------------------------- term extraction (the percolator's index)

    /** What a matching mention must contain: at least `msm` of `terms`. */
    static final class Extraction {
        final Set<String> terms;
        final int msm;

        Extraction(Set<String> terms, int msm) {
            this.terms = terms;
            this.msm = msm;
        }

        static Extraction of(String term) {
            return new Extraction(new HashSet<>(Arrays.asList(term)), 1);
        }
    }

    /**
     * The terms a mention needs for the query to possibly match, as Elasticsearch's percolator extracts them
     * (QueryAnalyzer): "b:word" in the body, "p:prefix" for a wildcard (the mention supplies all its words'
     * prefixes: Elasticsearch cannot extract wildcards at all), "f:field=value" for a filter; a phrase needs all its
     * words, an OR any of its alternatives (the smallest minimum), an AND or NEAR the sum of its positive clauses'
     * minimums when their terms are disjoint (else its best clause); null when nothing can be said (negation only):
     * the query is then a candidate for every mention. Candidates are verified with the MemoryIndex.
     */
    static Extraction extract(Map<String, Object> n) {
        String op = (String) n.get("op");
        switch (op) {
            case "term":
            case "tag":
                return Extraction.of("b:" + n.get("value"));
            case "phrase": {
                Set<String> terms = new HashSet<>();
                for (Object t : list(n.get("terms"))) terms.add("b:" + t);
                return new Extraction(terms, terms.size());
            }
            case "prefix":
                return Extraction.of("p:" + n.get("value"));
            case "field":
                return Extraction.of("f:" + n.get("field") + "=" + n.get("value"));
            case "or": {
                Set<String> all = new HashSet<>();
                int msm = Integer.MAX_VALUE;
                for (Object a : list(n.get("args"))) {
                    Extraction e = extract(obj(a));
                    if (e == null) return null;
                    all.addAll(e.terms);
                    msm = Math.min(msm, e.msm);
                }
                return new Extraction(all, msm);
            }
            case "and":
                return conjunction(list(n.get("args")));
            case "near":
                return conjunction(Arrays.asList(n.get("left"), n.get("right")));
            default: // negations
                return null;
        }
    }

    static Extraction conjunction(List<Object> args) {
        List<Extraction> parts = new ArrayList<>();
        for (Object a : args) {
            Extraction e = extract(obj(a));
            if (e != null) parts.add(e);
        }
        if (parts.isEmpty()) return null;
        Set<String> all = new HashSet<>();
        int msm = 0;
        boolean disjoint = true;
        for (Extraction e : parts) {
            for (String t : e.terms) disjoint &= all.add(t);
            msm += e.msm;
        }
        if (disjoint) return new Extraction(all, msm);
        // Overlapping clauses: the one whose shortest term is the longest (Elasticsearch's rarity proxy).
        Extraction best = null;
        int bestScore = -1;
        for (Extraction e : parts) {
            int shortest = Integer.MAX_VALUE;
            for (String t : e.terms) shortest = Math.min(shortest, t.length());
            if (shortest > bestScore) {
                bestScore = shortest;
                best = e;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- mentions

    static final class Mention {
        String title, text, author, url, lang, source;
        List<String> sites = new ArrayList<>();
    }

    static final class Mentions {
        final BufferedReader in;
        final List<Mention> loaded = new ArrayList<>();
        boolean done;

        Mentions(String path) throws IOException {
            in = new BufferedReader(new InputStreamReader(Files.newInputStream(Paths.get(path)), StandardCharsets.UTF_8), 1 << 20);
        }

        /** Loads mentions until n are in memory or the file ends; returns how many are loaded. */
        int loadUpTo(long n) throws IOException {
            while (!done && loaded.size() < n) {
                String line = in.readLine();
                if (line == null) {
                    done = true;
                    break;
                }
                Map<String, Object> o = obj(Json.parse(line));
                Mention m = new Mention();
                m.title = (String) o.get("title");
                m.text = (String) o.get("text");
                m.author = o.get("author_handle") + " " + o.get("author_name");
                m.url = (String) o.get("url");
                m.lang = (String) o.get("lang");
                m.source = (String) o.get("source");
                String host = m.url.replaceFirst("^[a-z]+://", "").replaceFirst("[/?#:].*$", "").toLowerCase();
                // A site matches its subdomains: index the host and each parent domain with a dot in it.
                for (String h = host; h.indexOf('.') > 0; h = h.substring(h.indexOf('.') + 1)) m.sites.add(h);
                loaded.add(m);
            }
            return loaded.size();
        }
    }

    // ---------------------------------------------------------------- the two percolators

    final Analyzer analyzer = new FoldingAnalyzer();
    final MemoryIndex mi = new MemoryIndex();
    final Query[] queries;
    final long[] ids;
    final boolean indexed;
    IndexSearcher querySearcher;
    int[] docToQuery;

    Percolator(List<Map<String, Object>> asts, long[] ids, boolean indexed) throws IOException {
        this.ids = ids;
        this.indexed = indexed;
        queries = new Query[asts.size()];
        for (int i = 0; i < queries.length; i++) queries[i] = build(asts.get(i));
        if (!indexed) return;
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        int failed = 0;
        try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
            for (int i = 0; i < queries.length; i++) {
                Document d = new Document();
                d.add(new NumericDocValuesField("q", i));
                Extraction e = extract(asts.get(i));
                if (e == null) {
                    d.add(new StringField("always", "1", Field.Store.NO));
                    failed++;
                } else {
                    for (String t : e.terms) d.add(new StringField("qt", t, Field.Store.NO));
                    d.add(new NumericDocValuesField("msm", e.msm));
                }
                w.addDocument(d);
            }
            w.forceMerge(1);
        }
        IndexReader r = DirectoryReader.open(dir);
        querySearcher = new IndexSearcher(r);
        querySearcher.setQueryCache(null);
        System.err.println("percolator index: " + queries.length + " queries, " + failed + " without extractable terms");
    }

    void load(Mention m) {
        mi.reset();
        mi.addField(BODY, m.title, analyzer);
        mi.addField(BODY, m.text, analyzer);
        mi.addField("author", m.author, analyzer);
        mi.addField("site", mi.keywordTokenStream(m.sites));
        mi.addField("lang", mi.keywordTokenStream(Arrays.asList(m.lang)));
        mi.addField("source", mi.keywordTokenStream(Arrays.asList(m.source)));
    }

    /** Adds the ids of the queries matching m to out. */
    void match(Mention m, List<Long> out) throws IOException {
        load(m);
        if (!indexed) {
            for (int i = 0; i < queries.length; i++) if (mi.search(queries[i]) > 0) out.add(ids[i]);
            return;
        }
        // The mention's words, their prefixes (3 characters or more) and its fields select the candidates: the
        // queries with at least their minimum number of terms among them (CoveringQuery, as Elasticsearch does).
        Set<String> words = new HashSet<>();
        // One searcher over the mention for all its candidates, counting without scores, as Elasticsearch does.
        IndexSearcher searcher = mi.createSearcher();
        searcher.setQueryCache(null);
        LeafReader leaf = searcher.getIndexReader().leaves().get(0).reader();
        Terms terms = leaf.terms(BODY);
        if (terms != null) {
            TermsEnum te = terms.iterator();
            for (BytesRef t = te.next(); t != null; t = te.next()) {
                String w = t.utf8ToString();
                words.add("b:" + w);
                for (int k = 3; k <= w.length(); k++) words.add("p:" + w.substring(0, k));
            }
        }
        for (String site : m.sites) words.add("f:site=" + site);
        words.add("f:lang=" + m.lang);
        words.add("f:source=" + m.source);
        List<Query> clauses = new ArrayList<>(words.size());
        for (String w : words) clauses.add(new TermQuery(new Term("qt", w)));
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(new CoveringQuery(clauses, LongValuesSource.fromLongField("msm")), Occur.SHOULD);
        b.add(new TermQuery(new Term("always", "1")), Occur.SHOULD);
        long t0 = System.nanoTime();
        List<Integer> candidates = new ArrayList<>();
        querySearcher.search(b.build(), new SimpleCollector() {
            NumericDocValues q;

            @Override
            protected void doSetNextReader(LeafReaderContext ctx) throws IOException {
                q = ctx.reader().getNumericDocValues("q");
            }

            @Override
            public void collect(int doc) throws IOException {
                q.advanceExact(doc);
                candidates.add((int) q.longValue());
            }

            @Override
            public ScoreMode scoreMode() {
                return ScoreMode.COMPLETE_NO_SCORES;
            }
        });
        candidatesSeen += candidates.size();
        long t1 = System.nanoTime();
        for (int i : candidates) if (searcher.count(queries[i]) > 0) out.add(ids[i]);
        selectNanos += t1 - t0;
        verifyNanos += System.nanoTime() - t1;
    }

    long candidatesSeen, selectNanos, verifyNanos;

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        String dir = opt.getOrDefault("dir", ".");
        boolean indexed = "indexed".equals(opt.getOrDefault("mode", "naive"));
        double seconds = Double.parseDouble(opt.getOrDefault("seconds", "20"));
        double warmup = Double.parseDouble(opt.getOrDefault("warmup", "5"));
        long maxMentions = Long.parseLong(opt.getOrDefault("max-mentions", "1000000000"));
        String outPath = opt.getOrDefault("out", "/dev/stdout");
        BooleanQuery.setMaxClauseCount(1 << 20);

        long t0 = System.nanoTime();
        List<Map<String, Object>> asts = new ArrayList<>();
        List<Long> idList = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(dir, "queries.jsonl"), StandardCharsets.UTF_8)) {
            Map<String, Object> o = obj(Json.parse(line));
            asts.add(obj(o.get("ast")));
            idList.add(((Double) o.get("id")).longValue());
        }
        long[] ids = idList.stream().mapToLong(Long::longValue).toArray();
        long t1 = System.nanoTime();
        Percolator p = new Percolator(asts, ids, indexed);
        double buildS = (System.nanoTime() - t1) / 1e9;
        System.err.printf("%s: %d queries read in %.2f s, built in %.2f s%n", indexed ? "indexed" : "naive", ids.length,
                (t1 - t0) / 1e9, buildS);

        Mentions mentions = new Mentions(Paths.get(dir, "mentions.jsonl").toString());
        List<Long> out = new ArrayList<>();
        // Warm-up: the first mentions, over and over, for `warmup` seconds.
        int warmCount = Math.max(1, mentions.loadUpTo(Math.min(maxMentions, 2000)));
        long wStart = System.nanoTime();
        long warmDone = 0;
        while (System.nanoTime() - wStart < warmup * 1e9) {
            out.clear();
            p.match(mentions.loaded.get((int) (warmDone % warmCount)), out);
            warmDone++;
        }
        double warmRate = warmDone / ((System.nanoTime() - wStart) / 1e9);
        // Load what the timed run can reach (twice the warm-up rate), outside the timing.
        mentions.loadUpTo(Math.min(maxMentions, (long) (warmRate * seconds * 2) + 1000));
        System.err.printf("warm-up: %d mentions at %.0f/s; %d mentions loaded%n", warmDone, warmRate, mentions.loaded.size());

        p.candidatesSeen = p.selectNanos = p.verifyNanos = 0;
        long[] pairs = new long[1 << 16];
        int nPairs = 0;
        int done = 0;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long limit = (long) (seconds * 1e9);
        int n = mentions.loaded.size();
        while (done < n) {
            out.clear();
            p.match(mentions.loaded.get(done), out);
            for (long q : out) {
                if (nPairs + 2 > pairs.length) pairs = Arrays.copyOf(pairs, pairs.length * 2);
                pairs[nPairs++] = done;
                pairs[nPairs++] = q;
            }
            done++;
            if (System.nanoTime() - start >= limit) break;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        String engine = indexed ? "Lucene_percolator_(indexed_queries_+_MemoryIndex)" : "Lucene_MemoryIndex_(every_query)";
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(Paths.get(outPath)), StandardCharsets.UTF_8))) {
            w.write(String.format(java.util.Locale.ROOT, "engine=%s queries=%d mentions=%d secs=%.3f cpu_s=%.3f rate=%.1f cpu_rate=%.1f build_s=%.3f matches=%d candidates=%d%n",
                    engine, ids.length, done, secs, cpu, done / secs, done / cpu, buildS, nPairs / 2, p.candidatesSeen));
            for (int i = 0; i < nPairs; i += 2) w.write(pairs[i] + " " + pairs[i + 1] + "\n");
        }
        System.err.printf("%s: %d mentions in %.2f s (%.2f s on the CPU) = %.0f/s, %d matches, %.1f candidates per mention%n", engine, done, secs, cpu,
                done / secs, nPairs / 2, (double) p.candidatesSeen / Math.max(1, done));
        if (indexed) {
            System.err.printf("  per mention: %.0f µs selecting candidates, %.0f µs verifying them, %.0f µs the rest (MemoryIndex)%n",
                    p.selectNanos / 1e3 / done, p.verifyNanos / 1e3 / done, (secs * 1e9 - p.selectNanos - p.verifyNanos) / 1e3 / done);
        }
    }
}
