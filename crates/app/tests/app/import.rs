//! Bulk planning from CSV: a good file imports every row (media included); a bad one (Windows-1252, impossible
//! dates, the skipped and repeated hours of DST changes, unknown clients and accounts, extra fields, banned words,
//! past times) reports each problem with its line and column and creates nothing unless only the valid rows are
//! asked for.

use std::path::PathBuf;

use filrouge_app::import::{ImportError, MediaSource};
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::client::Charter;
use filrouge_domain::journal::JournalAction;

use crate::helpers::{at, TestApp};

struct Dir(PathBuf);

impl MediaSource for Dir {
    fn read(&self, reference: &str) -> Result<(String, Vec<u8>), String> {
        std::fs::read(self.0.join(reference))
            .map(|b| (reference.to_owned(), b))
            .map_err(|e| format!("{reference}: {e}"))
    }
}

fn corpus() -> Dir {
    Dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/csv"))
}

fn file(name: &str) -> Vec<u8> {
    std::fs::read(corpus().0.join(name)).unwrap()
}

async fn agency() -> TestApp {
    let t = TestApp::new().await;
    t.client("da-marco", "Pizzeria Da Marco").await;
    let charter =
        Charter { banned: vec!["pas cher".into()], required_hashtags: vec!["#DaMarco".into()], ..Charter::default() };
    t.app.update_charter(&t.operator, "da-marco", charter).await.unwrap();
    let profile = AccountProfile {
        network: Network::Mastodon,
        handle: "@da-marco@m.test".into(),
        display_name: "Da Marco".into(),
    };
    t.app.add_account(&t.operator, "da-marco", profile, None).await.unwrap();
    t
}

async fn post_count(t: &TestApp) -> usize {
    let view = t.app.calendar(&t.operator, None, at("2026-01-01T00:00:00Z"), at("2028-01-01T00:00:00Z")).await.unwrap();
    view.posts.len() + view.backlog.len()
}

#[tokio::test]
async fn a_good_file_imports_every_row_with_its_media_times_and_labels() {
    let t = agency().await;
    let outcome = t.app.import_posts(&t.operator, "good.csv", &file("good.csv"), &corpus(), false).await.unwrap();
    let problems: Vec<_> = outcome.plan.problems().collect();
    assert!(problems.iter().all(|p| p.severity != filrouge_domain::lint::Severity::Error), "{problems:#?}");
    assert_eq!(outcome.created.len(), 3);
    let view = t
        .app
        .calendar(&t.operator, Some("da-marco"), at("2026-06-01T00:00:00Z"), at("2026-07-01T00:00:00Z"))
        .await
        .unwrap();
    let first = &view.posts[0];
    assert_eq!(first.planned_at, Some(at("2026-06-20T10:30:00Z")), "12:30 in Paris in summer");
    assert_eq!(first.content.media.len(), 1, "the PNG went into the library");
    assert_eq!(first.content.first_comment, "Réservez au 04 78 00 00 00");
    assert_eq!(first.content.labels, vec!["burrata", "été"]);
    assert_eq!(view.posts[1].planned_at, Some(at("2026-06-21T17:00:00Z")), "the account named by its network");
    assert_eq!(view.backlog.len(), 1, "a row without date is an idea");
    let journal = t.journal("da-marco").await;
    assert!(journal.iter().any(|e| e.action == JournalAction::PostsImported && e.summary.contains("3 post(s)")));
    assert!(journal.iter().any(|e| e.summary.contains("imported from good.csv line 2")));
}

#[tokio::test]
async fn a_bad_file_reports_every_problem_with_line_and_column_and_creates_nothing() {
    let t = agency().await;
    let bytes = file("bad.csv");
    let plan = t.app.plan_import(&t.operator, "bad.csv", &bytes, &corpus()).await.unwrap();
    assert!(plan.notes[0].contains("Windows-1252"), "{:?}", plan.notes);
    let found = |line: usize, column: &str, needle: &str| {
        plan.problems().any(|p| p.line == line && p.column == column && p.message.contains(needle))
    };
    let all: Vec<String> = plan.problems().map(|p| format!("{}:{}: {}", p.line, p.column, p.message)).collect();
    assert!(found(2, "date", "2026-02-30 does not exist"), "{all:#?}");
    assert!(found(3, "time", "does not exist in Europe/Paris"), "{all:#?}");
    assert!(found(4, "time", "happens twice in America/New_York"), "{all:#?}");
    assert!(!plan.rows[3].problems.iter().any(|p| p.column == "time"), "an offset says which: {all:#?}");
    assert!(found(6, "client", "'garage-martin' is not a client you can plan for"), "{all:#?}");
    assert!(found(7, "accounts", "'@personne' is not one of the client's accounts"), "{all:#?}");
    assert!(found(8, "row", "7 fields where the header has 6 columns"), "{all:#?}");
    assert!(found(9, "text", "banned_word"), "{all:#?}");
    assert!(found(10, "time_zone", "Europe/Lyon"), "{all:#?}");
    assert!(found(11, "time", "has passed"), "{all:#?}");
    assert_eq!(plan.valid_rows(), 1, "only the row with an explicit offset is clean: {all:#?}");

    match t.app.import_posts(&t.operator, "bad.csv", &bytes, &corpus(), false).await {
        Err(ImportError::RowsHaveErrors { invalid: 9, total: 10 }) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(post_count(&t).await, 0, "nothing was created");
    let outcome = t.app.import_posts(&t.operator, "bad.csv", &bytes, &corpus(), true).await.unwrap();
    assert_eq!(outcome.created.iter().map(|(line, _)| *line).collect::<Vec<_>>(), vec![5]);
    assert_eq!(outcome.skipped.len(), 9);
    assert_eq!(post_count(&t).await, 1);
}

#[tokio::test]
async fn a_user_cannot_import_into_a_client_they_do_not_belong_to() {
    use filrouge_domain::user::Role;
    let t = agency().await;
    let stranger = t.member("s@x.test", Role::CommunityManager, &[]).await;
    let plan = t.app.plan_import(&stranger, "good.csv", &file("good.csv"), &corpus()).await.unwrap();
    assert_eq!(plan.valid_rows(), 0);
    assert!(plan.problems().all(|p| p.column == "client"), "the client is unknown to them, nothing more is said");
}

#[tokio::test]
async fn an_exported_calendar_imports_again_and_its_icalendar_has_one_event_per_planned_post() {
    use filrouge_app::export::ExportFormat;
    let t = agency().await;
    t.app.import_posts(&t.operator, "good.csv", &file("good.csv"), &corpus(), false).await.unwrap();
    let (from, to) = (at("2026-06-01T00:00:00Z"), at("2026-07-01T00:00:00Z"));
    let csv = t.app.export_calendar(&t.operator, "da-marco", from, to, ExportFormat::Csv).await.unwrap();
    assert!(
        csv.starts_with("date,time,time_zone,client,accounts,text,media,first_comment,labels,campaign,state\n"),
        "{csv}"
    );
    assert!(csv.contains("2026-06-20,12:30+02:00,Europe/Paris,da-marco,mastodon:@da-marco@m.test"), "{csv}");

    // The export is a valid import (into another installation with the same client), rows for rows.
    let other = agency().await;
    let plan = other.app.plan_import(&other.operator, "export.csv", csv.as_bytes(), &corpus()).await.unwrap();
    let errors: Vec<_> = plan.problems().filter(|p| p.severity == filrouge_domain::lint::Severity::Error).collect();
    // The media are referred to by name; the importer reads them next to the file.
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(plan.rows.len(), 3);
    assert_eq!(plan.rows[0].planned.as_deref(), Some("2026-06-20 12:30 CEST (Europe/Paris)"));

    let ics = t.app.export_calendar(&t.operator, "da-marco", from, to, ExportFormat::ICalendar).await.unwrap();
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "ideas have no time: not in the calendar\n{ics}");
    assert!(ics.contains("DTSTART:20260620T103000Z"), "{ics}");
    assert!(ics.contains("STATUS:TENTATIVE"), "{ics}");
    assert!(ics.contains("UID:post-da-marco-"), "{ics}");
}
