//! `kene audit verify` checks the data, not only the log: on the demo's finished 2026
//! selection, a score, a published results snapshot or an eligibility verdict changed directly
//! in the database (the audit log untouched) is named by table, id and field.

use reqwest::StatusCode;

use crate::support::{fr, Backend, TestApp};

both_dbs!(
    a_score_altered_in_the_database_is_named_by_the_command,
    a_rewritten_results_snapshot_is_named,
    an_eligibility_verdict_changed_in_the_database_is_named,
);

/// The demo with its finished 2026 selection (scores, shortlist, results), and the admin's
/// login.
async fn finished_selection(backend: Backend) -> (TestApp, kene::demo::DemoLogin) {
    let app = TestApp::start(backend).await;
    let login = kene::demo::seed(&app.state)
        .await
        .expect("seed the full demo");
    (app, login)
}

/// Runs `kene audit verify` on the test's database, as an operator would: whether it
/// passed, and what it printed.
pub(crate) fn run_verify(app: &TestApp) -> (bool, String) {
    let output = app.kene(&["audit", "verify"]);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.success(), stdout)
}

async fn execute(app: &TestApp, sql: &str, arg: i64) {
    let changed = kene::run!(app.db(), |pool| sqlx::query(sql)
        .bind(arg)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(changed, 1, "{sql} changes one row");
}

/// The mismatches as `table id field` triples.
async fn named(app: &TestApp) -> Vec<(String, String, String)> {
    kene::audit::check_data(app.db())
        .await
        .expect("check the data")
        .into_iter()
        .map(|m| (m.table.to_owned(), m.id, m.field))
        .collect()
}

async fn a_score_altered_in_the_database_is_named_by_the_command(backend: Backend) {
    let (app, login) = finished_selection(backend).await;
    let (ok, stdout) = run_verify(&app);
    assert!(ok, "untouched data verifies:\n{stdout}");
    assert!(stdout.contains("data matches the audit log"), "{stdout}");

    let sheet = app
        .scalar_i64("SELECT MIN(id) FROM score_sheets WHERE status = 'submitted'")
        .await;
    let points = app
        .strings(&format!(
            "SELECT points_json FROM score_sheets WHERE id = {sheet}"
        ))
        .await
        .remove(0);
    let mut points: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&points).expect("points are a JSON object");
    let (criterion, value) = points
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.as_u64().expect("a number")))
        .expect("a scored criterion");
    let altered = if value == 0 { 1 } else { value - 1 };
    points.insert(criterion.clone(), altered.into());
    let entries_before = app.count("audit_log").await;
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE score_sheets SET points_json = $1 WHERE id = $2"
    )
    .bind(serde_json::Value::Object(points).to_string())
    .bind(sheet)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("alter the score");
    assert_eq!(app.count("audit_log").await, entries_before);

    let (ok, stdout) = run_verify(&app);
    assert!(!ok, "an altered score fails the verification:\n{stdout}");
    assert!(
        stdout.contains("audit log intact"),
        "the log itself was not touched:\n{stdout}"
    );
    let line = format!("score_sheets id {sheet} field points_json.{criterion}: stored {altered}, audit log says {value}");
    assert!(stdout.contains(&line), "expected `{line}` in:\n{stdout}");
    assert_eq!(
        stdout.matches("score_sheets id").count(),
        1,
        "only the altered field is named:\n{stdout}"
    );

    // The administrators' audit page says it too.
    let admin = app.client();
    admin.login(&login.email, &login.password).await;
    let page = admin.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "audit-data-differs",
        &[("n", "1".into())],
    ));
    page.assert_contains(&kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "audit-data-mismatch",
        &[
            ("table", "score_sheets".into()),
            ("id", sheet.to_string()),
            ("field", format!("points_json.{criterion}")),
            ("stored", altered.to_string()),
            ("expected", value.to_string()),
        ],
    ));
    app.finish().await;
}

async fn a_rewritten_results_snapshot_is_named(backend: Backend) {
    let (app, _) = finished_selection(backend).await;
    assert_eq!(named(&app).await, vec![]);
    let publication = app
        .scalar_i64("SELECT MIN(id) FROM results_publications")
        .await;
    execute(
        &app,
        "UPDATE results_publications SET laureates_json = \
         REPLACE(laureates_json, '\"title\":\"', '\"title\":\"Autre projet ') WHERE id = $1",
        publication,
    )
    .await;
    let results = app.client().get("/results/sdn-2026").await;
    results.assert_contains("Autre projet");
    // The public page says what is guaranteed, in words a visitor understands.
    results.assert_contains(&fr("results-guarantee"));
    // Ranking first; the seal, the code and the command only folded under the question.
    let text = results.text();
    let fold = text
        .find(&fr("results-how-to-verify"))
        .expect("the verification is folded under its question");
    assert!(text[..fold].contains("<details"), "not folded");
    let first_prize = text.find(&fr("results-place-1")).expect("a first prize");
    assert!(first_prize < fold, "the ranking comes first");
    let head = app
        .strings("SELECT chain_head FROM results_publications ORDER BY version DESC")
        .await
        .remove(0);
    for technical in [head.as_str(), &head[..12], "kene audit", "chaîne"] {
        let at = text.find(technical);
        assert!(
            at.is_none_or(|at| at > fold),
            "{technical} outside the fold on the public page"
        );
    }
    assert!(text[fold..].contains(&head[..12]), "short code in the fold");
    assert!(text[fold..].contains("kene audit verify"));
    assert_eq!(
        named(&app).await,
        vec![(
            "results_publications".to_owned(),
            publication.to_string(),
            "laureates_json".to_owned()
        )]
    );
    app.finish().await;
}

async fn an_eligibility_verdict_changed_in_the_database_is_named(backend: Backend) {
    let (app, _) = finished_selection(backend).await;
    assert_eq!(named(&app).await, vec![]);
    let dossier = app
        .scalar_i64("SELECT MIN(id) FROM applications WHERE status = 'ineligible'")
        .await;
    execute(
        &app,
        "UPDATE applications SET status = 'eligible', status_reason = NULL WHERE id = $1",
        dossier,
    )
    .await;
    let found = named(&app).await;
    let id = dossier.to_string();
    assert_eq!(
        found,
        vec![
            ("applications".to_owned(), id.clone(), "status".to_owned()),
            ("applications".to_owned(), id, "status_reason".to_owned()),
        ]
    );
    app.finish().await;
}
