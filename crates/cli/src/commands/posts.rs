//! `filrouge lint`, `filrouge post import` and `filrouge calendar export`: the composer's guards, bulk planning
//! and calendar exports from the command line.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use filrouge_app::config::Config;
use filrouge_app::export::ExportFormat;
use filrouge_app::import::{ImportError, ImportPlan, MediaSource};
use filrouge_app::{Actor, AppError};
use filrouge_domain::account::Network;
use filrouge_domain::lint::Severity;
use jiff::civil::Date;
use jiff::ToSpan;
use serde_json::json;

use super::{Failed, UsageError};
use crate::cli::{CalendarCommand, PostCommand};
use crate::runtime;

/// The longest draft `lint` reads.
const MAX_DRAFT: u64 = 1024 * 1024;

pub fn lint(workspace: &Path, client: &str, network: Option<&str>) -> anyhow::Result<()> {
    let network =
        network.map(Network::parse).transpose().map_err(|e| UsageError(format!("--network: {}", e.reason)))?;
    let text = std::fs::read_to_string(workspace).with_context(|| format!("cannot read {}", workspace.display()))?;
    let mut draft = String::new();
    std::io::stdin().take(MAX_DRAFT).read_to_string(&mut draft).context("reading the draft on standard input")?;
    let file = workspace.display().to_string();
    let report = filrouge_app::guards::lint_workspace(&file, &text, client, network, draft.trim_end_matches('\n'))
        .map_err(|e| UsageError(e.to_string()))?;
    let counts: Vec<_> = report
        .counts
        .iter()
        .map(|c| json!({"network": c.network.as_str(), "account": c.handle, "used": c.used, "limit": c.limit}))
        .collect();
    let errors = report.findings.iter().filter(|f| f.blocks()).count();
    let out = json!({"client": client, "errors": errors, "findings": report.findings, "counts": counts});
    println!("{}", serde_json::to_string_pretty(&out)?);
    if errors > 0 {
        return Err(Failed(format!("{errors} error(s) in the draft")).into());
    }
    Ok(())
}

/// Media named in a CSV are read next to it; absolute paths are refused so a file cannot reach elsewhere.
struct NextTo(PathBuf);

impl MediaSource for NextTo {
    fn read(&self, reference: &str) -> Result<(String, Vec<u8>), String> {
        let path = Path::new(reference);
        if path.is_absolute() || path.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
            return Err(format!("{reference}: give a path inside the CSV's folder"));
        }
        let full = self.0.join(path);
        let meta = std::fs::metadata(&full).map_err(|e| format!("{reference}: {e}"))?;
        let max = u64::try_from(filrouge_app::media::MAX_MEDIA_BYTES).unwrap_or(u64::MAX);
        if meta.len() > max {
            return Err(format!("{reference}: larger than {max} bytes"));
        }
        std::fs::read(&full).map(|b| (reference.to_owned(), b)).map_err(|e| format!("{reference}: {e}"))
    }
}

fn print_plan(plan: &ImportPlan) {
    for note in &plan.notes {
        eprintln!("note: {note}");
    }
    for row in &plan.rows {
        for p in &row.problems {
            let level = match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            eprintln!("{}:{}: {level}: {}: {}", plan.file, p.line, p.column, p.message);
        }
    }
    eprintln!("{} row(s): {} valid, {} with errors", plan.rows.len(), plan.valid_rows(), plan.invalid_rows());
}

pub async fn run(config: Config, cmd: PostCommand) -> anyhow::Result<()> {
    let PostCommand::Import { file, dry_run, only_valid, schedule, json } = cmd;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let dir = file.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let media = NextTo(dir);
    let app = runtime::open_app(&config).await?;
    let operator = Actor::operator();
    let planned = app.plan_import(&operator, &name, &bytes, &media).await;
    let result = match planned {
        Ok(plan) if dry_run || (plan.invalid_rows() > 0 && !only_valid) => Ok((plan, Vec::new())),
        Ok(plan) => app.apply_import_with(&operator, plan, only_valid, schedule).await.map(|o| (o.plan, o.created)),
        Err(e) => Err(e),
    };
    app.store().close().await;
    let (plan, created) = match result {
        Ok(r) => r,
        Err(ImportError::File(e)) => return Err(UsageError(format!("{e}\nnothing was imported")).into()),
        Err(ImportError::RowsHaveErrors { invalid, total }) => {
            return Err(Failed(format!("{invalid} of {total} rows have errors; nothing was imported")).into());
        }
        Err(ImportError::App(AppError::Invalid(e))) => return Err(UsageError(e.to_string()).into()),
        Err(ImportError::App(e)) => return Err(e.into()),
    };
    let refused = !dry_run && plan.invalid_rows() > 0 && !only_valid;
    if json {
        let created: Vec<_> = created.iter().map(|(line, id)| json!({"line": line, "post": id})).collect();
        let out = json!({"dry_run": dry_run, "notes": plan.notes, "rows": plan.rows, "created": created});
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_plan(&plan);
        if dry_run || refused {
            println!("nothing was created");
        } else {
            let what = if schedule { "scheduled (or sent for review)" } else { "created as drafts" };
            println!("{} post(s) {what}", created.len());
        }
    }
    if refused {
        return Err(Failed("nothing was imported; fix the rows or use --only-valid".into()).into());
    }
    if dry_run && plan.invalid_rows() > 0 {
        return Err(Failed(format!("{} row(s) have errors", plan.invalid_rows())).into());
    }
    Ok(())
}

fn day(flag: &str, value: &str) -> anyhow::Result<Date> {
    value.parse().map_err(|_| UsageError(format!("{flag}: '{value}' is not a date (YYYY-MM-DD)")).into())
}

pub async fn calendar(config: Config, cmd: CalendarCommand) -> anyhow::Result<()> {
    let CalendarCommand::Export { client, format, from, to, out } = cmd;
    let format = match format.as_str() {
        "csv" => ExportFormat::Csv,
        "ics" | "ical" | "icalendar" => ExportFormat::ICalendar,
        other => return Err(UsageError(format!("--format: '{other}' is neither csv nor ics")).into()),
    };
    let app = runtime::open_app(&config).await?;
    let operator = Actor::operator();
    let result = async {
        let c = app.client(&operator, &client, filrouge_domain::permission::Action::ViewCalendar).await;
        let c = c.map_err(|_| UsageError(format!("--client: no client '{client}'")))?;
        let tz = filrouge_domain::local_time::zone(c.profile.time_zone.as_str())?;
        let from = match from {
            Some(f) => day("--from", &f)?,
            None => app.now().to_zoned(tz.clone()).date(),
        };
        let to = match to {
            Some(t) => day("--to", &t)?,
            None => from.checked_add(90.days())?,
        };
        if to <= from {
            return Err(UsageError("--to must come after --from".into()).into());
        }
        let (start, _) = filrouge_domain::local_time::day_bounds(&tz, from);
        let (end, _) = filrouge_domain::local_time::day_bounds(&tz, to);
        anyhow::Ok(app.export_calendar(&operator, &client, start, end, format).await?)
    }
    .await;
    app.store().close().await;
    let text = result?;
    match out {
        Some(path) => {
            let tmp = path.with_extension("part");
            std::fs::write(&tmp, &text).with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(())
}
