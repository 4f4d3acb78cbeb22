//! Integrity of what is judged (issue #7): edits saved after a submission never reach
//! organisers' lists, exports, reviewers, jurors or results until they are submitted again;
//! drafts are held to the fields' limits; a blind round hides every personal answer, team
//! members included; CSV exports stay inert when French Excel splits them on `;`.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;

use crate::applications::{
    application_field, fill_startup_application, pairs, project_section, save_section,
    start_application, versions_of, PASSWORD,
};
use crate::support::builders::ShortlistBuilder;
use crate::support::{fr, small_pdf, Backend, TestApp, TestClient};

both_dbs!(
    the_submitted_version_is_the_judged_version,
    edits_written_over_a_submission_by_older_versions_are_repaired_at_start,
    drafts_are_held_to_the_fields_limits,
    a_blind_round_hides_every_personal_answer_of_the_demo_dossiers,
    csv_cells_never_start_a_formula_with_either_separator,
);

const SUBMITTED_TITLE: &str = "Titre déposé : rendez-vous par SMS";
const SUBMITTED_SUMMARY: &str =
    "Des rendez-vous médicaux par SMS pour les centres de santé communautaires.";
const DRAFT_TITLE: &str = "Titre du brouillon jamais déposé";
const DRAFT_SUMMARY: &str = "Résumé du brouillon jamais déposé";
const LIST: &str = "/admin/editions/sdn-2027/applications";
const PRESELECTION: &str = "/admin/editions/sdn-2027/review/preselection";
const FINAL: &str = "/admin/editions/sdn-2027/review/final";

async fn exec(app: &TestApp, sql: &str) {
    kene::run!(app.db(), |pool| sqlx::query(sql)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn startup_track_2027(app: &TestApp) -> String {
    app.strings(
        "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
         WHERE e.slug = 'sdn-2027' AND t.slug = 'startups'",
    )
    .await
    .remove(0)
}

/// The dossier links of a panel member's queue.
async fn queue_links(client: &TestClient) -> Vec<String> {
    let page = client.get("/review").await;
    assert_eq!(page.status, StatusCode::OK);
    page.text()
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|href| href.starts_with("/review/") && href.matches('/').count() == 3)
        .filter(|href| !href.starts_with("/review/panel/") && !href.ends_with("/conflict"))
        .map(str::to_owned)
        .collect()
}

/// Signs up a panel member and names them on these tracks of a round.
async fn panel_member(
    app: &TestApp,
    admin: &TestClient,
    round: &str,
    login: &str,
    tracks: &[String],
) -> TestClient {
    let client = app
        .signup_and_verify("Membre du panel", login, login, PASSWORD)
        .await;
    for track in tracks {
        let page = admin
            .post_form(
                &format!("{round}/panel"),
                &[("track", track.as_str()), ("login", login)],
            )
            .await;
        assert!(page.status.is_redirection(), "panel: {}", page.text());
    }
    client
}

async fn assign_and_open(admin: &TestClient, round: &str) {
    for (path, fields) in [("assign", vec![]), ("status", vec![("status", "open")])] {
        let page = admin.post_form(&format!("{round}/{path}"), &fields).await;
        assert!(page.status.is_redirection(), "{path}: {}", page.text());
    }
}

/// Asserts the page shows the submitted text and nothing of the unsubmitted draft.
#[track_caller]
fn shows_the_submitted_version(what: &str, text: &str) {
    assert!(
        text.contains(SUBMITTED_TITLE),
        "{what}: the submitted title:\n{text}"
    );
    for draft in [DRAFT_TITLE, DRAFT_SUMMARY] {
        assert!(!text.contains(draft), "{what} shows the draft {draft:?}");
    }
}

fn xlsx_text(bytes: &[u8]) -> String {
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    let sheet = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&sheet).expect("sheet");
    range
        .rows()
        .flat_map(|r| r.iter())
        .map(|c| match c {
            Data::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn the_submitted_version_is_the_judged_version(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let applicant = app
        .signup_and_verify("Awa Sangaré", "awa@exemple.ml", "awa@exemple.ml", PASSWORD)
        .await;
    let id = start_application(&applicant).await;
    let base = format!("/applications/{id}");
    fill_startup_application(&applicant, &id, "Première version").await;
    let page = applicant.post_form(&format!("{base}/submit"), &[]).await;
    assert_eq!(page.redirect_target(), Some(format!("{base}/receipt")));
    let reference = application_field(&app, &id, "reference")
        .await
        .expect("a reference");

    // A change submitted again before the close is the judged version 2.
    save_section(
        &applicant,
        &id,
        1,
        &project_section(SUBMITTED_TITLE),
        &format!("{base}/edit/2"),
    )
    .await;
    let list = admin.get(LIST).await;
    assert!(
        list.text().contains("Première version") && !list.text().contains(SUBMITTED_TITLE),
        "not yet submitted again:\n{}",
        list.text()
    );
    let page = applicant.post_form(&format!("{base}/submit"), &[]).await;
    assert_eq!(page.redirect_target(), Some(format!("{base}/receipt")));
    assert_eq!(versions_of(&app, &id).await, 2);
    let list = admin.get(LIST).await;
    assert!(list.text().contains(SUBMITTED_TITLE) && !list.text().contains("Première version"));
    let dossier = admin.get(&format!("/admin/applications/{id}")).await;
    dossier.assert_contains(SUBMITTED_TITLE);
    assert!(
        !dossier.text().contains("unsubmitted-draft"),
        "no pending draft"
    );
    let latest = app
        .strings_with(
            "SELECT v.answers_json FROM application_versions v JOIN applications a \
             ON a.id = v.application_id WHERE a.public_id = $1 ORDER BY v.version DESC",
            &id,
        )
        .await;
    assert!(latest[0].contains(SUBMITTED_TITLE) && latest[1].contains("Première version"));

    // Then the applicant edits the title and the summary and uploads another
    // technical sheet, and never submits again.
    let mut edited = project_section(DRAFT_TITLE);
    for (k, v) in edited.iter_mut() {
        if k == "summary" {
            *v = DRAFT_SUMMARY.into();
        }
    }
    save_section(&applicant, &id, 1, &edited, &format!("{base}/edit/2")).await;
    let page = applicant
        .upload(
            &format!("{base}/files/technical_sheet"),
            small_pdf("Brouillon"),
            "fiche-brouillon.pdf",
        )
        .await;
    assert!(page.status.is_redirection(), "upload: {}", page.text());
    // Their own pages show what they are working on, and that it is not submitted.
    let review = applicant.get(&format!("{base}/review")).await;
    review.assert_contains(DRAFT_TITLE);
    review.assert_contains("fiche-brouillon.pdf");
    applicant
        .get(&base)
        .await
        .assert_contains(&fr("overview-unsubmitted-changes"));

    // Organisers: the list, its search and both exports hold the submitted version.
    let list = admin.get(LIST).await;
    assert_eq!(list.status, StatusCode::OK);
    shows_the_submitted_version("the list", &list.text());
    let search = admin.get(&format!("{LIST}?q=brouillon")).await;
    assert!(
        !search.text().contains(&reference),
        "searching the draft's words finds nothing judged:\n{}",
        search.text()
    );
    let csv = admin.get(&format!("{LIST}.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    shows_the_submitted_version("the CSV export", &csv.text());
    assert!(csv.text().contains(SUBMITTED_SUMMARY));
    assert!(!csv.text().contains("fiche-brouillon.pdf"));
    let xlsx = admin.get(&format!("{LIST}.xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let sheet = xlsx_text(&xlsx.bytes);
    shows_the_submitted_version("the XLSX export", &sheet);
    assert!(!sheet.contains("fiche-brouillon.pdf"));

    // The dossier page: the submitted version, then the draft apart, marked never judged.
    let dossier = admin.get(&format!("/admin/applications/{id}")).await;
    assert_eq!(dossier.status, StatusCode::OK);
    let text = dossier.text();
    let (judged, draft) = text
        .split_once("id=\"unsubmitted-draft\"")
        .unwrap_or_else(|| panic!("the draft is shown apart:\n{text}"));
    shows_the_submitted_version("the dossier page", judged);
    assert!(judged.contains(SUBMITTED_SUMMARY) && judged.contains("fiche-technique.pdf"));
    assert!(!judged.contains("fiche-brouillon.pdf"));
    for shown in [
        fr("dossier-draft-title"),
        fr("dossier-draft-never-judged"),
        DRAFT_TITLE.to_owned(),
        DRAFT_SUMMARY.to_owned(),
    ] {
        assert!(draft.contains(&shown), "draft section lacks {shown:?}");
    }

    // A reviewer scores the submitted version and opens only its files.
    admin.declare_eligible(&id, "").await;
    let track = startup_track_2027(&app).await;
    let reviewer = panel_member(
        &app,
        &admin,
        PRESELECTION,
        "evaluatrice@comite.ml",
        std::slice::from_ref(&track),
    )
    .await;
    assign_and_open(&admin, PRESELECTION).await;
    let links = queue_links(&reviewer).await;
    assert_eq!(links.len(), 1, "{links:?}");
    let score = reviewer.get(&links[0]).await;
    assert_eq!(score.status, StatusCode::OK);
    shows_the_submitted_version("the reviewer's score page", &score.text());
    score.assert_contains(SUBMITTED_SUMMARY);
    let submitted_file = file_named(&app, "fiche-technique.pdf").await;
    let draft_file = file_named(&app, "fiche-brouillon.pdf").await;
    assert!(score.body.contains(&format!("/files/{submitted_file}")));
    assert!(!score.body.contains(&draft_file));
    assert_eq!(
        reviewer
            .get(&format!("/files/{submitted_file}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        reviewer.get(&format!("/files/{draft_file}")).await.status,
        StatusCode::NOT_FOUND,
        "a file of the unsubmitted draft is not the panel's"
    );

    // The final and the published results: the submitted title wins, on the certificate too.
    let application = app
        .strings_with(
            "SELECT public_id FROM applications WHERE reference = $1",
            &reference,
        )
        .await
        .remove(0);
    ShortlistBuilder::of("sdn-2027")
        .with(&application)
        .locked()
        .build(&app)
        .await;
    let juror = panel_member(
        &app,
        &admin,
        FINAL,
        "jure@jury.ml",
        std::slice::from_ref(&track),
    )
    .await;
    assign_and_open(&admin, FINAL).await;
    let links = queue_links(&juror).await;
    let final_link = links
        .iter()
        .find(|l| l.ends_with(&id))
        .unwrap_or_else(|| panic!("the finalist in the juror's queue: {links:?}"));
    let sheet = juror.get(final_link).await;
    shows_the_submitted_version("the juror's score page", &sheet.text());
    let mut points: Vec<(String, String)> = [
        "innovation",
        "growth",
        "team",
        "presentation",
        "timing",
        "demo",
    ]
    .iter()
    .map(|k| (k.to_string(), "8".to_owned()))
    .collect();
    points.push(("action".into(), "submit".into()));
    let page = juror.post_form_owned(final_link, &points).await;
    assert!(page.status.is_redirection(), "jury sheet: {}", page.text());
    let page = admin
        .post_form(&format!("{FINAL}/status"), &[("status", "closed")])
        .await;
    assert!(page.status.is_redirection(), "close: {}", page.text());
    let page = admin
        .post_form(
            "/admin/editions/sdn-2027/results/publish",
            &[("reason", "")],
        )
        .await;
    assert!(page.status.is_redirection(), "publish: {}", page.text());
    let results = app.client().get("/results/sdn-2027").await;
    assert_eq!(results.status, StatusCode::OK);
    shows_the_submitted_version("the published results", &results.text());
    let certificate = app
        .client()
        .get(&format!("/results/sdn-2027/certificates/{reference}"))
        .await;
    assert_eq!(certificate.status, StatusCode::OK);
    shows_the_submitted_version("the certificate", &certificate.text());
    assert_eq!(
        versions_of(&app, &id).await,
        2,
        "nothing else was submitted"
    );
    app.finish().await;
}

/// Before pending drafts existed, edits saved after a submission were written over it. At
/// start-up they become the pending draft and the submitted version is judged again.
async fn edits_written_over_a_submission_by_older_versions_are_repaired_at_start(backend: Backend) {
    let mut app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let applicant = app
        .signup_and_verify("Nana", "nana@exemple.ml", "nana@exemple.ml", PASSWORD)
        .await;
    let id = start_application(&applicant).await;
    fill_startup_application(&applicant, &id, SUBMITTED_TITLE).await;
    let page = applicant
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    // What the former `save_answers` left after a later edit.
    exec(
        &app,
        &format!(
            "UPDATE applications SET answers_json = REPLACE(answers_json, '{SUBMITTED_TITLE}', \
             '{DRAFT_TITLE}'), title = '{DRAFT_TITLE}', has_changes = TRUE WHERE public_id = '{id}'"
        ),
    )
    .await;
    admin.get(LIST).await.assert_contains(DRAFT_TITLE);

    let restored = "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log \
                    WHERE action = 'application.restore_submitted'";
    for _ in 0..2 {
        app.restart().await;
        assert_eq!(app.scalar_i64(restored).await, 1, "repaired once, audited");
        shows_the_submitted_version("the list", &admin.get(LIST).await.text());
        let dossier = admin.get(&format!("/admin/applications/{id}")).await;
        let (judged, draft) = dossier
            .text()
            .split_once("id=\"unsubmitted-draft\"")
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .expect("the edits are the pending draft");
        shows_the_submitted_version("the dossier page", &judged);
        assert!(draft.contains(DRAFT_TITLE));
        // The applicant still has their edits to submit.
        applicant
            .get(&format!("/applications/{id}/review"))
            .await
            .assert_contains(DRAFT_TITLE);
    }
    app.finish().await;
}

async fn file_named(app: &TestApp, name: &str) -> String {
    app.strings_with("SELECT public_id FROM files WHERE display_name = $1", name)
        .await
        .remove(0)
}

async fn drafts_are_held_to_the_fields_limits(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let applicant = app
        .signup_and_verify("Issa", "issa@exemple.ml", "issa@exemple.ml", PASSWORD)
        .await;
    let id = start_application(&applicant).await;
    let base = format!("/applications/{id}");
    save_section(
        &applicant,
        &id,
        1,
        &project_section("Un titre raisonnable"),
        &format!("{base}/edit/2"),
    )
    .await;
    let before = application_field(&app, &id, "answers_json").await;
    let updated = application_field(&app, &id, "updated_at").await;

    // 1.9 MB typed into the 200-character title: refused next to the field, kept on screen,
    // nothing stored.
    let huge = "a".repeat(1_900_000);
    let mut fields = project_section(&huge);
    fields.push(("action".into(), "save".into()));
    let page = applicant
        .post_form_owned(&format!("{base}/edit/1"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("draft-too-long"));
    assert_eq!(
        page.element_text("f-project_title-error").as_deref(),
        Some("Maximum 200 caractères (vous en avez saisi 1900000).")
    );
    assert_eq!(
        page.input_value("project_title").map(|v| v.len()),
        Some(huge.len()),
        "what was typed is kept on screen"
    );
    assert_eq!(application_field(&app, &id, "answers_json").await, before);
    assert_eq!(application_field(&app, &id, "updated_at").await, updated);

    // In English too, and for a team member's name (a field inside a group).
    applicant.get("/lang/en?next=/").await;
    let long_name = "N".repeat(121);
    let mut team = pairs(&[
        ("team[0][name]", long_name.as_str()),
        ("team[0][role]", "CEO"),
        ("team[0][gender]", "f"),
        ("leader_gender", "f"),
    ]);
    team.push(("action".into(), "next".into()));
    let page = applicant
        .post_form_owned(&format!("{base}/edit/2"), &team)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&kene::i18n::tr(kene::i18n::Lang::En, "draft-too-long"));
    page.assert_contains("At most 120 characters (you typed 121).");
    page.assert_contains(&long_name);
    assert_eq!(application_field(&app, &id, "answers_json").await, before);

    // Mistyped or missing values still wait in the draft, as before.
    applicant.get("/lang/fr?next=/").await;
    let mut fields = project_section("");
    fields.push(("action".into(), "save".into()));
    let page = applicant
        .post_form_owned(&format!("{base}/edit/1"), &fields)
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_ne!(application_field(&app, &id, "answers_json").await, before);

    // After a submission, an oversize draft is refused the same way.
    fill_startup_application(&applicant, &id, "Titre déposé").await;
    let page = applicant.post_form(&format!("{base}/submit"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let mut fields = project_section(&"b".repeat(201));
    fields.push(("action".into(), "save".into()));
    let page = applicant
        .post_form_owned(&format!("{base}/edit/1"), &fields)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        application_field(&app, &id, "draft_answers_json").await,
        None
    );
    app.finish().await;
}

/// The text answers of a dossier, split by whether the form marks them personal, at any
/// depth: fields, each group row's sub-fields, and file names.
fn answer_texts(
    form: &kene::domain::form::FormDefinition,
    json: &str,
) -> (Vec<String>, Vec<String>) {
    use kene::domain::form::{Answer, Answers, FieldKind};
    let answers: Answers = serde_json::from_str(json).expect("answers");
    let (mut personal, mut public) = (Vec::new(), Vec::new());
    let text = |a: &Answer| match a {
        Answer::Text(s) => Some(s.clone()),
        Answer::File { name, .. } => Some(name.clone()),
        _ => None,
    };
    for field in form.fields() {
        let Some(answer) = answers.get(&field.key) else {
            continue;
        };
        if let (FieldKind::Group { fields, .. }, Answer::Group(rows)) = (&field.kind, answer) {
            for row in rows {
                for sub in fields {
                    let side = if field.personal || sub.personal {
                        &mut personal
                    } else {
                        &mut public
                    };
                    side.extend(row.get(&sub.key).and_then(text));
                }
            }
        } else if field.personal {
            personal.extend(text(answer));
        } else {
            public.extend(text(answer));
        }
    }
    (personal, public)
}

async fn a_blind_round_hides_every_personal_answer_of_the_demo_dossiers(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let dossiers = app
        .strings(
            "SELECT a.public_id FROM applications a JOIN tracks t ON t.id = a.track_id \
             JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' AND a.status = 'submitted' ORDER BY a.id",
        )
        .await;
    for id in &dossiers {
        // A reason, since some demo dossiers fail the automatic check.
        admin.declare_eligible(id, "Retenu par le comité").await;
    }
    let tracks = app
        .strings(
            "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' ORDER BY t.position",
        )
        .await;
    let round = "/admin/editions/sdn-2026/review/preselection";
    let reviewer = panel_member(&app, &admin, round, "aveugle@comite.ml", &tracks).await;
    assign_and_open(&admin, round).await;
    let links = queue_links(&reviewer).await;
    assert_eq!(links.len(), dossiers.len(), "every dossier is in the queue");

    let mut team_names = 0;
    for link in &links {
        let public_id = link.rsplit('/').next().expect("dossier id");
        let row = app
            .strings_with(
                "SELECT CAST(track_id AS TEXT) || '|' || CAST(form_version AS TEXT) || '|' || answers_json \
                 FROM applications WHERE public_id = $1",
                public_id,
            )
            .await
            .remove(0);
        let mut parts = row.splitn(3, '|');
        let (track, version, json) = (
            parts.next().and_then(|t| t.parse().ok()).expect("track"),
            parts.next().and_then(|v| v.parse().ok()).expect("version"),
            parts.next().expect("answers"),
        );
        let form = kene::calls::queries::form_definition(app.db(), track, version)
            .await
            .expect("form");
        if json.contains("\"team\"") {
            team_names += 1;
        }
        let page = reviewer.get(link).await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains(&fr("review-blind"));
        let text = page.text();
        let (personal, public) = answer_texts(&form, json);
        // The demo also writes some values ("Bamako") into fields that are not personal.
        for value in personal
            .iter()
            .filter(|v| !public.iter().any(|p| p.contains(*v)))
        {
            assert!(
                !text.contains(value.as_str()),
                "{link}: the blind page shows the personal answer {value:?}"
            );
        }
    }
    assert!(team_names >= 10, "dossiers with a team: {team_names}");
    app.finish().await;
}

/// Reads a CSV file as a spreadsheet program would with this separator: every cell.
fn csv_cells(bytes: &[u8], separator: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    reader
        .records()
        .flat_map(|r| {
            r.expect("readable CSV")
                .iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn csv_cells_never_start_a_formula_with_either_separator(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let applicant = app
        .signup_and_verify("Kadi", "kadi@exemple.ml", "kadi@exemple.ml", PASSWORD)
        .await;
    let id = start_application(&applicant).await;
    let title = "x;=HYPERLINK(\"http://evil.example\",\"clic\")";
    fill_startup_application(&applicant, &id, title).await;
    let page = applicant
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());

    let csv = admin.get(&format!("{LIST}.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let formula = |cell: &str| {
        cell.trim_start_matches([' ', '"', '\u{feff}'])
            .starts_with(['=', '+', '-', '@', '\t', '\r'])
    };
    for separator in [b',', b';'] {
        let cells = csv_cells(&csv.bytes, separator);
        assert!(cells.len() > 1, "the file has cells: {cells:?}");
        let bad: Vec<&String> = cells.iter().filter(|c| formula(c)).collect();
        assert!(
            bad.is_empty(),
            "read with {:?}, cells start a formula: {bad:?}",
            separator as char
        );
    }
    // Read with its own separator, the title is whole, defused.
    let cells = csv_cells(&csv.bytes, b',');
    assert!(
        cells
            .iter()
            .any(|c| c == "x;'=HYPERLINK(\"http://evil.example\",\"clic\")"),
        "{cells:?}"
    );
    // Every cell is quoted.
    let body = csv.text();
    for line in body.trim_start_matches('\u{feff}').lines().take(2) {
        assert!(line.starts_with('"') && line.ends_with('"'), "{line}");
    }
    app.finish().await;
}
