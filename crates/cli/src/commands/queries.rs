//! `filrouge analyze` and `filrouge query check|explain`: the app's own analysis and matching on
//! JSON lines, for scripting. Input is read whole and checked before anything is written: a bad
//! line is reported with its number and nothing goes to standard output.

use std::io::{BufRead, Write};

use anyhow::Context;
use filrouge_app::config::{Config, MailConfig};
use filrouge_app::veille::Veille;
use filrouge_domain::mention::{Author, Engagement, NewMention};
use filrouge_domain::source::SourceKind;
use serde_json::{Map, Value};

use super::UsageError;
use crate::cli::QueryCommand;

/// Longest input line accepted.
const MAX_LINE: usize = 1024 * 1024;

fn veille(config: &Config) -> anyhow::Result<Veille> {
    Veille::new(&config.analysis, &MailConfig::default(), "").map_err(|e| UsageError(e.to_string()).into())
}

/// Reads JSON objects, one per line (blank lines skipped), naming the first bad line.
fn read_objects() -> anyhow::Result<Vec<Map<String, Value>>> {
    let stdin = std::io::stdin();
    let mut out = Vec::new();
    for (i, line) in stdin.lock().lines().enumerate() {
        let n = i + 1;
        let line = line.with_context(|| format!("stdin:{n}"))?;
        if line.trim().is_empty() {
            continue;
        }
        if line.len() > MAX_LINE {
            return Err(UsageError(format!("stdin:{n}: line longer than {MAX_LINE} bytes")).into());
        }
        let value: Value =
            serde_json::from_str(&line).map_err(|e| UsageError(format!("stdin:{n}:{}: {e}", e.column())))?;
        let Value::Object(map) = value else {
            return Err(UsageError(format!("stdin:{n}: expected a JSON object")).into());
        };
        out.push(map);
    }
    Ok(out)
}

fn text_field<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    line: usize,
    required: bool,
) -> anyhow::Result<Option<&'a str>> {
    match obj.get(key) {
        None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        None | Some(Value::Null) => Err(UsageError(format!("line {line}: field '{key}' is missing")).into()),
        Some(_) => Err(UsageError(format!("line {line}: field '{key}' must be a string")).into()),
    }
}

fn write_lines(objects: &[Map<String, Value>]) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for o in objects {
        serde_json::to_writer(&mut out, o)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// `filrouge analyze`.
pub fn analyze(config: &Config) -> anyhow::Result<()> {
    let veille = veille(config)?;
    let mut objects = read_objects()?;
    for (i, obj) in objects.iter_mut().enumerate() {
        let text = text_field(obj, "text", i + 1, true)?.unwrap_or_default().to_owned();
        let lang = text_field(obj, "lang", i + 1, false)?.map(str::to_owned);
        let (detected, a) = veille.analyse("", &text, lang.as_deref());
        obj.insert("lang".into(), detected.map_or(Value::Null, |l| Value::String(l.into())));
        obj.insert("sentiment".into(), Value::String(a.sentiment.as_str().into()));
        let score = serde_json::Number::from_f64(f64::from(a.sentiment_score)).map_or(Value::Null, Value::Number);
        obj.insert("sentiment_score".into(), score);
        obj.insert("intent".into(), Value::String(a.intent.as_str().into()));
    }
    write_lines(&objects)
}

pub async fn run(config: Config, cmd: QueryCommand) -> anyhow::Result<()> {
    let config = &config;
    match cmd {
        QueryCommand::Add { client, name, query, alert, recipients } => {
            let draft = filrouge_domain::listening_query::QueryDraft::parse(&name, &query, true, &alert, &recipients)
                .map_err(|e| UsageError(e.to_string()))?;
            if let Err(e) = filrouge_query::parse(&query) {
                return Err(UsageError(format!("{e}\n{}", e.caret(&query))).into());
            }
            let app = crate::runtime::open_app(config).await?;
            let id = app.create_query(&filrouge_app::Actor::operator(), &client, draft).await?;
            let page = app.queries(&filrouge_app::Actor::operator(), &client).await?;
            let total = page.queries.iter().find(|s| s.query.id == id).map_or(0, |s| s.total);
            println!("query {id} added to {client}: {total} match(es) in the last 90 days");
            app.store().close().await;
            Ok(())
        }
        QueryCommand::List { client, json } => {
            let app = crate::runtime::open_app(config).await?;
            let page = app.queries(&filrouge_app::Actor::operator(), &client).await?;
            let mut out = std::io::stdout().lock();
            for s in &page.queries {
                let q = &s.query;
                if json {
                    let line = serde_json::json!({
                        "id": q.id, "name": q.name, "query": q.query, "active": q.active, "alert": q.alert,
                        "recipients": q.recipients.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
                        "matches": s.total, "alerts_waiting": s.alerts_waiting, "per_day": s.per_day,
                    });
                    writeln!(out, "{line}")?;
                } else {
                    writeln!(
                        out,
                        "{:>5}  {:<24} {:>7} matches  {:<8} {}",
                        q.id,
                        q.name,
                        s.total,
                        q.alert.as_str(),
                        q.query
                    )?;
                }
            }
            app.store().close().await;
            Ok(())
        }
        QueryCommand::Explain { query } => {
            let parsed = parse(&query)?;
            let e = parsed.explain();
            println!("{}", e.tree.trim_end());
            println!(
                "prefilter literals: {}",
                if e.literals.is_empty() { "(none: always evaluated)".into() } else { e.literals.join(", ") }
            );
            Ok(())
        }
        QueryCommand::Check { query } => {
            let parsed = parse(&query)?;
            let veille = veille(config)?;
            let objects = read_objects()?;
            let mut kept = Vec::new();
            for (i, obj) in objects.into_iter().enumerate() {
                let n = i + 1;
                let source = text_field(&obj, "source", n, false)?.unwrap_or("feed");
                let kind = SourceKind::parse(source).unwrap_or(SourceKind::Feed);
                let mut m = NewMention {
                    dedup_key: String::new(),
                    source_kind: kind,
                    url: text_field(&obj, "url", n, false)?.unwrap_or_default().to_owned(),
                    site: String::new(),
                    author: Author {
                        handle: text_field(&obj, "author", n, false)?.unwrap_or_default().to_owned(),
                        name: text_field(&obj, "author_name", n, false)?.map(str::to_owned),
                        followers: None,
                    },
                    title: text_field(&obj, "title", n, false)?.unwrap_or_default().to_owned(),
                    text: text_field(&obj, "text", n, true)?.unwrap_or_default().to_owned(),
                    html: String::new(),
                    lang: text_field(&obj, "lang", n, false)?.map(str::to_owned),
                    published: jiff::Timestamp::UNIX_EPOCH,
                    engagement: Engagement::default(),
                    fingerprint: None,
                    analysis: None,
                };
                let (lang, analysis) = veille.analyse(&m.title, &m.text, m.lang.as_deref());
                m.lang = lang.map(str::to_owned).or(m.lang);
                m.analysis = Some(analysis);
                if parsed.matches(&filrouge_app::matching::document(&m)) {
                    kept.push(obj);
                }
            }
            write_lines(&kept)
        }
    }
}

fn parse(query: &str) -> anyhow::Result<filrouge_query::Query> {
    filrouge_query::parse(query).map_err(|e| UsageError(format!("{e}\n{}", e.caret(query))).into())
}
