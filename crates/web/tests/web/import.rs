//! The CSV import page: a dry run that reports every problem with its line and column and creates nothing, then the
//! confirmation that creates the valid rows.

use axum::http::StatusCode;
use filrouge_app::Actor;
use filrouge_domain::user::Role;
use jiff::Timestamp;

use crate::helpers::{spawn_app, TestApp};

const PLAN: &str = "date;heure;client;comptes;texte\n\
                    2035-07-02;12:30;alpha;@alpha.pizza;Pizza du jour\n\
                    2035-02-30;12:30;alpha;@alpha.pizza;Date impossible\n\
                    2035-07-03;25:00;alpha;@personne;Heure impossible\n\
                    2035-07-04;12:30;bravo;bravo.bistro;Pour un autre client\n\
                    2035-07-05;18:00;Alpha Pizza;alpha.pizza;Apéro du vendredi\n";

async fn planned_texts(t: &TestApp) -> Vec<String> {
    let (from, to) = ("2035-01-01T00:00:00Z".parse::<Timestamp>().unwrap(), "2036-01-01T00:00:00Z".parse().unwrap());
    let view = t.app.calendar(&Actor::operator(), Some("alpha"), from, to).await.unwrap();
    let mut texts: Vec<String> = view.posts.iter().chain(&view.backlog).map(|p| p.content.text.clone()).collect();
    texts.sort();
    texts
}

/// The cells of the problems table, row by row.
fn problems(body: &str) -> Vec<String> {
    let table = body.split("data-testid=\"import-problems\"").nth(1).expect("a problems table");
    let table = table.split("</table>").next().unwrap();
    table.split("<tr").skip(2).map(|row| row.replace("<code>", "").replace("</code>", "")).collect()
}

#[tokio::test]
async fn a_dry_run_reports_each_problem_at_its_line_and_column_and_only_the_valid_rows_are_imported() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    let bravo = t.client("bravo", "Bravo Bistro", "#2980b9").await;
    t.account("alpha", "alpha.pizza").await;
    t.account("bravo", "bravo.bistro").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha, bravo]).await;
    let browser = t.browser("cm@agence.fr").await;

    let page = browser.get("/c/alpha/posts/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));

    let report = browser
        .post_multipart("/c/alpha/posts/import", &[("action", "plan")], &[("file", "juillet.csv", PLAN.as_bytes())])
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let rows = problems(&report.body);
    let has = |line: &str, column: &str| rows.iter().any(|r| r.contains(&format!("<td>{line}</td><td>{column}</td>")));
    assert!(has("3", "date"), "line 3, an impossible date: {rows:#?}");
    assert!(has("4", "time"), "line 4, an impossible time: {rows:#?}");
    assert!(has("4", "accounts"), "line 4, an unknown account: {rows:#?}");
    assert!(has("5", "client"), "line 5, another client than this page's: {rows:#?}");
    assert!(!has("2", "date") && !has("6", "client"), "lines 2 and 6 are valid: {rows:#?}");
    let counts = report.body.split("data-testid=\"import-counts\"").nth(1).unwrap();
    assert!(counts.starts_with(">5 ") && counts.contains("2 "), "5 rows, 2 valid: {counts}");
    assert!(planned_texts(&t).await.is_empty(), "the dry run creates nothing");
    assert!(report.body.contains("value=\"all\" disabled"), "importing everything is not offered with errors");

    // The confirmation re-posts the same file.
    let csv = report.body.split("name=\"csv\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let all = [("file_name", "juillet.csv"), ("csv", csv.as_str()), ("action", "all")];
    let refused = browser.post_multipart("/c/alpha/posts/import", &all, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(planned_texts(&t).await.is_empty(), "all or nothing");

    let valid = [("file_name", "juillet.csv"), ("csv", csv.as_str()), ("action", "valid")];
    let done = browser.post_multipart("/c/alpha/posts/import", &valid, &[]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let outcome = done.body.split("data-testid=\"import-outcome\"").nth(1).unwrap();
    assert!(outcome.starts_with(">2 "), "{outcome}");
    assert!(done.body.contains("href=\"/c/alpha/calendar?view=list\""));
    assert_eq!(planned_texts(&t).await, vec!["Apéro du vendredi".to_owned(), "Pizza du jour".to_owned()]);
    let to = "2036-01-01T00:00:00Z".parse().unwrap();
    let bravo = t.app.calendar(&Actor::operator(), Some("bravo"), Timestamp::UNIX_EPOCH, to).await.unwrap();
    assert!(bravo.posts.is_empty(), "nothing for the other client");
}

#[tokio::test]
async fn a_file_that_is_not_a_csv_is_refused_with_the_reason_and_a_missing_file_is_asked_for() {
    let t = spawn_app().await;
    let alpha = t.client("alpha", "Alpha Pizza", "#c0392b").await;
    t.user("cm@agence.fr", Role::CommunityManager, &[alpha]).await;
    let browser = t.browser("cm@agence.fr").await;
    let page = browser
        .post_multipart(
            "/c/alpha/posts/import",
            &[("action", "plan")],
            &[("file", "x.csv", b"colonne;inconnue\n1;2\n")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"import-error\""), "{}", page.body);
    let page = browser.post_multipart("/c/alpha/posts/import", &[("action", "plan")], &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
}
