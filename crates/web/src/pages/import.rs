//! Bulk planning from a CSV file on the web, for one client: upload → dry-run report (every problem with its line
//! and column, counts, notes on the file) → confirmation re-posting the same bytes → summary with links. Nothing is
//! created before the confirmation; the application checks every row again then.

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use base64::Engine as _;
use filrouge_app::import::{ImportError, ImportOutcome, ImportPlan, MediaSource, RowProblem};
use filrouge_app::AppError;
use filrouge_domain::client::Client;
use filrouge_domain::lint::Severity;
use filrouge_domain::permission::Action;
use maud::{html, Markup};

use crate::context::SignedIn;
use crate::error::{WebError, WebResult};
use crate::i18n::Texts;
use crate::pages::field;
use crate::pages::layout::{csrf_field, page as render, Section, Shell};
use crate::pages::media::{human, read_multipart, Limits, MAX_MULTIPART_FIELDS_BYTES};
use crate::WebState;

/// The largest CSV file the page takes.
pub const MAX_CSV_BYTES: usize = 1024 * 1024;
/// The confirmation re-posts the file in base64 (4 bytes for 3), beside the other fields.
const MAX_CSV_FIELDS_BYTES: usize = MAX_CSV_BYTES / 3 * 4 + 8 + MAX_MULTIPART_FIELDS_BYTES;
/// The body limit of the import route.
pub const MAX_IMPORT_BODY_BYTES: usize = MAX_CSV_BYTES + MAX_CSV_FIELDS_BYTES;

/// A file sent from a browser names no file of the server: its media must be `https://` addresses, which the
/// application fetches itself through the guarded client.
struct WebMedia;

impl MediaSource for WebMedia {
    fn read(&self, reference: &str) -> Result<(String, Vec<u8>), String> {
        Err(format!(
            "{reference}: a file imported from the web cannot use files of the server; give an https:// address"
        ))
    }
}

/// What the page shows below the upload form.
enum Shown<'a> {
    Nothing,
    Report { plan: &'a ImportPlan, csv: &'a [u8] },
    Done(&'a ImportOutcome),
}

fn severity_label(s: Severity, t: &Texts) -> &'static str {
    match s {
        Severity::Error => t.severity_error,
        Severity::Warning => t.severity_warning,
        Severity::Note => t.severity_note,
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Rows naming another client are refused here: this page plans for its client only.
fn keep_to(plan: &mut ImportPlan, client: &Client, t: &Texts) {
    for row in &mut plan.rows {
        let named = row.client.trim();
        let ours = named == client.profile.slug.as_str() || named.eq_ignore_ascii_case(&client.profile.name);
        if ours || named.is_empty() || row.problems.iter().any(|p| p.column == "client") {
            continue;
        }
        row.problems.push(RowProblem {
            line: row.line,
            column: "client".into(),
            severity: Severity::Error,
            message: format!("'{named}': {} {}", t.import_only_for, client.profile.name),
        });
    }
}

fn upload_form(ctx: &crate::context::Ctx, slug: &str) -> Markup {
    let t = ctx.t();
    html! {
        form.stack method="post" action={ "/c/" (slug) "/posts/import" } enctype="multipart/form-data" {
            (csrf_field(ctx))
            p.help #import-help { (t.import_help) }
            label for="csv-file" { (t.import_file) " (≤ " (human(MAX_CSV_BYTES)) ")" }
            input #csv-file type="file" name="file" accept=".csv,text/csv" required aria-describedby="import-help";
            div.row { button type="submit" name="action" value="plan" { (t.import_check) } }
        }
    }
}

fn report(ctx: &crate::context::Ctx, slug: &str, plan: &ImportPlan, csv: &[u8]) -> Markup {
    let t = ctx.t();
    let (valid, invalid) = (plan.valid_rows(), plan.invalid_rows());
    let problems: Vec<&RowProblem> = plan.problems().collect();
    html! {
        section.import-report {
            h2 { (t.import_report) " · " (plan.file) }
            p data-testid="import-counts" {
                (plan.rows.len()) " " (t.import_rows) " · " (valid) " " (t.import_valid) " · " (invalid) " " (t.import_invalid)
                ". " (t.import_nothing_created)
            }
            @if !plan.notes.is_empty() { ul.notes { @for note in &plan.notes { li { (note) } } } }
            @if problems.is_empty() { p.ok { (t.no_findings) } }
            @else {
                table.problems data-testid="import-problems" {
                    thead { tr { th { (t.line) } th { (t.column) } th { (t.severity) } th { (t.message) } } }
                    tbody {
                        @for p in &problems {
                            tr class=(severity_class(p.severity)) {
                                td { (p.line) } td { code { (p.column) } } td { (severity_label(p.severity, t)) } td { (p.message) }
                            }
                        }
                    }
                }
            }
            table.rows {
                thead { tr { th { (t.line) } th { (t.planned) } th { (t.post_accounts) } th { (t.post_text) } } }
                tbody {
                    @for row in &plan.rows {
                        tr class=(if row.valid() { "ok" } else { "error" }) {
                            td { (row.line) }
                            td { (row.planned.as_deref().unwrap_or(t.not_planned)) }
                            td { (row.accounts.join(", ")) }
                            td { (row.headline) }
                        }
                    }
                }
            }
            form.stack method="post" action={ "/c/" (slug) "/posts/import" } enctype="multipart/form-data" {
                (csrf_field(ctx))
                input type="hidden" name="file_name" value=(plan.file);
                input type="hidden" name="csv" value=(base64::engine::general_purpose::STANDARD.encode(csv));
                div.row {
                    button type="submit" name="action" value="all" disabled[invalid > 0 || valid == 0] { (t.import_all) }
                    button.secondary type="submit" name="action" value="valid" disabled[valid == 0] {
                        (t.import_only_valid) " (" (valid) ")"
                    }
                }
            }
        }
    }
}

fn done(slug: &str, outcome: &ImportOutcome, t: &Texts) -> Markup {
    let headline = |line: usize| outcome.plan.rows.iter().find(|r| r.line == line).map_or("", |r| r.headline.as_str());
    html! {
        section.import-done {
            h2 { (t.import_done) }
            p role="status" data-testid="import-outcome" {
                (outcome.created.len()) " " (t.import_created) " · " (outcome.skipped.len()) " " (t.import_skipped)
            }
            ul {
                @for (line, id) in &outcome.created {
                    li { (t.line) " " (line) " : " a href={ "/c/" (slug) "/posts/" (id) } {
                        @let h = headline(*line);
                        @if h.is_empty() { (t.untitled) } @else { (h) }
                    } }
                }
            }
            p { a.button href={ "/c/" (slug) "/calendar?view=list" } { (t.open_calendar) } }
        }
    }
}

async fn import_page(
    state: &WebState,
    signed: &SignedIn,
    client: &Client,
    shown: Shown<'_>,
    error: Option<&str>,
    status: StatusCode,
) -> WebResult {
    let SignedIn { ctx, actor } = signed;
    let t = ctx.t();
    let slug = client.profile.slug.as_str();
    let clients = state.app.client_switcher(actor).await?;
    let content = html! {
        p { a href={ "/c/" (slug) "/calendar" } { "← " (t.calendar) } }
        h1 { (t.import_csv) }
        @if let Some(e) = error { p.flash.error role="alert" #import-error { (e) } }
        @match shown {
            Shown::Done(outcome) => (done(slug, outcome, t)),
            Shown::Report { plan, csv } => { (report(ctx, slug, plan, csv)) (upload_form(ctx, slug)) }
            Shown::Nothing => (upload_form(ctx, slug)),
        }
    };
    let shell =
        Shell { ctx, actor, clients: &clients, current: Some((client, Section::Calendar)), title: t.import_csv };
    Ok((status, render(&shell, content)).into_response())
}

pub async fn page(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>) -> WebResult {
    let client = state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    import_page(&state, &signed, &client, Shown::Nothing, None, StatusCode::OK).await
}

/// The dry run (`action=plan`, a file) or the import (`action=all|valid`, the same bytes re-posted).
pub async fn run(State(state): State<WebState>, signed: SignedIn, Path(slug): Path<String>, req: Request) -> WebResult {
    // Access first: a refused user learns nothing from reading the file.
    let client = state.app.client(&signed.actor, &slug, Action::WritePosts).await?;
    let t = signed.ctx.t();
    let fail = |message: String, status: StatusCode| {
        let (state, signed, client) = (&state, &signed, &client);
        async move { import_page(state, signed, client, Shown::Nothing, Some(&message), status).await }
    };
    let limits = Limits { file: MAX_CSV_BYTES, fields: MAX_CSV_FIELDS_BYTES, body: MAX_IMPORT_BODY_BYTES };
    let upload = match read_multipart(&state, t, req, limits).await {
        Ok(upload) => upload,
        Err(WebError::Invalid(m)) => return fail(m, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(WebError::TooLarge(m)) => return fail(m, StatusCode::PAYLOAD_TOO_LARGE).await,
        Err(e) => return Err(e),
    };
    if !upload.refused.is_empty() {
        return fail(upload.refused.join(" · "), StatusCode::PAYLOAD_TOO_LARGE).await;
    }
    let fields = &upload.fields;
    let (file_name, csv) = match upload.files.into_iter().find(|f| f.field == "file" && !f.bytes.is_empty()) {
        Some(f) => (f.file_name, f.bytes),
        None => match base64::engine::general_purpose::STANDARD.decode(field(fields, "csv").trim()) {
            Ok(bytes) if !bytes.is_empty() => (field(fields, "file_name").to_owned(), bytes),
            _ => return fail(t.import_choose_file.to_owned(), StatusCode::UNPROCESSABLE_ENTITY).await,
        },
    };
    if csv.len() > MAX_CSV_BYTES {
        let message = format!("{} {}", t.import_too_large, human(MAX_CSV_BYTES));
        return fail(message, StatusCode::PAYLOAD_TOO_LARGE).await;
    }
    let file_name = if file_name.trim().is_empty() { "import.csv".to_owned() } else { file_name };
    let mut plan = match state.app.plan_import(&signed.actor, &file_name, &csv, &WebMedia).await {
        Ok(plan) => plan,
        Err(ImportError::File(e)) => return fail(e.to_string(), StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(ImportError::App(AppError::Invalid(i))) => {
            return fail(i.to_string(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ImportError::App(e)) => return Err(e.into()),
        Err(e @ ImportError::RowsHaveErrors { .. }) => {
            return fail(e.to_string(), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    };
    keep_to(&mut plan, &client, t);
    let only_valid = match field(fields, "action") {
        "all" => false,
        "valid" => true,
        _ => {
            let shown = Shown::Report { plan: &plan, csv: &csv };
            return import_page(&state, &signed, &client, shown, None, StatusCode::OK).await;
        }
    };
    let message = match state.app.apply_import(&signed.actor, plan.clone(), only_valid).await {
        Ok(outcome) => return import_page(&state, &signed, &client, Shown::Done(&outcome), None, StatusCode::OK).await,
        Err(e @ ImportError::RowsHaveErrors { .. }) => e.to_string(),
        Err(ImportError::File(e)) => e.to_string(),
        Err(ImportError::App(AppError::Invalid(i))) => i.to_string(),
        Err(ImportError::App(AppError::Conflict(m) | AppError::Remote(m))) => m,
        Err(ImportError::App(e)) => return Err(e.into()),
    };
    let shown = Shown::Report { plan: &plan, csv: &csv };
    import_page(&state, &signed, &client, shown, Some(&message), StatusCode::UNPROCESSABLE_ENTITY).await
}
