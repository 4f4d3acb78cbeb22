//! Integrity of what organisers save and what the selection shows: two organisers editing
//! the same track, rubric or round settings never overwrite each other silently (the second
//! save is refused with both versions on the page); a closing time keeps its seconds when
//! the track is re-saved unchanged; an exact tie on the podium is shown to the jury with the
//! rule that broke it, must be confirmed when that rule is arbitrary, and is recorded with
//! the published results and in the audit log. (Coaching attendance: `coaching.rs`.)

use reqwest::StatusCode;

use crate::jury::{final_links, prepare_final, FINAL, JURY};
use crate::review::closed_preselection;
use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(two_organisers_saving_a_track_never_overwrite_each_other);
both_dbs!(a_closing_time_re_saved_unchanged_keeps_its_seconds);
both_dbs!(review_forms_refuse_a_save_over_a_newer_version);
both_dbs!(an_exact_tie_on_the_podium_is_shown_confirmed_and_recorded);
both_dbs!(final_and_shortlist_settings_refuse_a_save_over_a_newer_version);
both_dbs!(a_tie_at_the_shortlist_cut_is_named_and_confirmed_before_locking);

const PASSWORD: &str = "mot de passe des organisateurs";

/// A second organiser of `edition`, named by the administrator on the team page.
async fn second_organiser(app: &TestApp, admin: &TestClient, edition: &str) -> TestClient {
    let login = "awa.organisatrice@exemple.ml";
    let client = app
        .signup_and_verify("Awa Organisatrice", login, login, PASSWORD)
        .await;
    let page = admin
        .post_form(
            &format!("/admin/editions/{edition}/team"),
            &[("login", login), ("role", "organiser")],
        )
        .await;
    assert!(page.status.is_redirection(), "grant: {}", page.text());
    client
}

pub async fn startup_track(app: &TestApp) -> i64 {
    app.scalar_i64(
        "SELECT CAST(t.id AS BIGINT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
         WHERE e.slug = 'sdn-2027' AND t.slug = 'startups'",
    )
    .await
}

/// Every field of the track editor as the page fills it.
pub fn track_fields(page: &crate::support::Page) -> Vec<(String, String)> {
    let value = |name: &str| {
        page.input_value(name)
            .or_else(|| page.element_text(name))
            .unwrap_or_else(|| panic!("no {name} in the track editor:\n{}", page.text()))
    };
    [
        "name_fr",
        "name_en",
        "description_fr",
        "description_en",
        "opens_at",
        "closes_at",
        "max_per_applicant",
        "form_json",
        "rules_json",
        "version",
    ]
    .iter()
    .map(|k| (k.to_string(), value(k)))
    .collect()
}

fn with(fields: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| {
            let v = if k == key {
                value.to_owned()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

async fn track_text(app: &TestApp, column: &str, id: i64) -> String {
    app.strings(&format!("SELECT {column} FROM tracks WHERE id = {id}"))
        .await
        .remove(0)
}

async fn two_organisers_saving_a_track_never_overwrite_each_other(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let awa = second_organiser(&app, &admin, "sdn-2027").await;
    let id = startup_track(&app).await;
    let path = format!("/admin/tracks/{id}");
    let description_before = track_text(&app, "description_fr", id).await;

    // Both open the track page, then both save their own change.
    let mine = track_fields(&admin.get(&path).await);
    let hers = track_fields(&awa.get(&path).await);
    let page = admin
        .post_form_owned(&path, &with(&mine, "name_fr", "Start-ups et PME (A)"))
        .await;
    assert!(page.status.is_redirection(), "first save: {}", page.text());
    let typed = "Description saisie par Awa, sur une version périmée.";
    let page = awa
        .post_form_owned(&path, &with(&hers, "description_fr", typed))
        .await;

    // The second save is refused: nothing overwritten, both versions on the page.
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.text());
    page.assert_contains(&fr("edit-conflict"));
    let conflict = page
        .element_text("edit-conflict")
        .expect("the stored version is shown");
    assert!(!conflict.is_empty());
    page.assert_contains("Start-ups et PME (A)");
    assert_eq!(
        page.element_text("description_fr").as_deref(),
        Some(typed),
        "what she typed is kept in the form"
    );
    assert_eq!(
        track_text(&app, "name_fr", id).await,
        "Start-ups et PME (A)"
    );
    assert_eq!(
        track_text(&app, "description_fr", id).await,
        description_before,
        "the refused save wrote nothing"
    );
    let updates = "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'track.update'";
    assert_eq!(app.scalar_i64(updates).await, 1);

    // A form without its version is refused too, never applied blind.
    let blind: Vec<(String, String)> = with(&mine, "name_fr", "Sans version")
        .into_iter()
        .filter(|(k, _)| k != "version")
        .collect();
    let page = admin.post_form_owned(&path, &blind).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        track_text(&app, "name_fr", id).await,
        "Start-ups et PME (A)"
    );

    // Having seen the other version, she saves again from the re-rendered form: now it
    // replaces the stored one, knowingly.
    let page = awa
        .post_form_owned(&path, &with(&hers, "description_fr", typed))
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "still the old version");
    let again = track_fields(&page);
    let page = awa.post_form_owned(&path, &again).await;
    assert!(
        page.status.is_redirection(),
        "deliberate save: {}",
        page.text()
    );
    assert_eq!(track_text(&app, "description_fr", id).await, typed);
    assert_eq!(app.scalar_i64(updates).await, 2);
    app.finish().await;
}

async fn a_closing_time_re_saved_unchanged_keeps_its_seconds(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let id = startup_track(&app).await;
    // The track closes at 23:59:45 in Bamako (UTC+0) on its closing day.
    let closes = app
        .scalar_i64(&format!(
            "SELECT CAST(closes_at AS BIGINT) FROM tracks WHERE id = {id}"
        ))
        .await;
    let day = 86_400_000;
    let at_23_59_45 = closes - closes.rem_euclid(day) + day - 15_000;
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE tracks SET closes_at = $1 WHERE id = $2"
    )
    .bind(at_23_59_45)
    .bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("set the closing time");

    let path = format!("/admin/tracks/{id}");
    let page = admin.get(&path).await;
    let shown = page.input_value("closes_at").expect("closing time input");
    // Shown as the last second accepted (the call refuses from 23:59:45.000 on).
    assert!(shown.ends_with("T23:59:44"), "seconds shown: {shown}");
    assert!(
        page.body
            .contains("name=\"closes_at\" type=\"datetime-local\" step=\"1\""),
        "the browser keeps the seconds"
    );
    // Re-saved unchanged: the deadline has not moved, to the millisecond.
    let page = admin.post_form_owned(&path, &track_fields(&page)).await;
    assert!(page.status.is_redirection(), "save: {}", page.text());
    let stored = app
        .scalar_i64(&format!(
            "SELECT CAST(closes_at AS BIGINT) FROM tracks WHERE id = {id}"
        ))
        .await;
    assert_eq!(stored, at_23_59_45);
    let expected: jiff::Timestamp =
        jiff::Timestamp::from_millisecond(at_23_59_45).expect("instant");
    assert_eq!(expected.to_string().get(11..19), Some("23:59:45"));
    app.finish().await;
}

const PRESELECTION: &str = "/admin/editions/sdn-2026/review/preselection";

async fn review_forms_refuse_a_save_over_a_newer_version(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let awa = second_organiser(&app, &admin, "sdn-2026").await;

    // The round settings: both load, the first saves 6 sheets, the second 30 points.
    let mine = admin.get(PRESELECTION).await;
    let hers = awa.get(PRESELECTION).await;
    let settings = |page: &crate::support::Page, min: &str, threshold: &str| {
        vec![
            ("reviewers_per_dossier".to_owned(), "3".to_owned()),
            ("min_sheets".to_owned(), min.to_owned()),
            ("dispute_threshold".to_owned(), threshold.to_owned()),
            ("blind".to_owned(), "on".to_owned()),
            (
                "version".to_owned(),
                page.input_value("version").expect("settings version"),
            ),
        ]
    };
    let page = admin
        .post_form_owned(
            &format!("{PRESELECTION}/settings"),
            &settings(&mine, "6", "25"),
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let page = awa
        .post_form_owned(
            &format!("{PRESELECTION}/settings"),
            &settings(&hers, "5", "30"),
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.text());
    page.assert_contains(&fr("edit-conflict"));
    assert_eq!(page.input_value("dispute_threshold").as_deref(), Some("30"));
    let stored = app
        .strings(
            "SELECT CAST(r.min_sheets AS TEXT) || '/' || CAST(r.dispute_threshold AS TEXT) \
             FROM review_rounds r JOIN editions e ON e.id = r.edition_id \
             WHERE e.slug = 'sdn-2026' AND r.kind = 'preselection'",
        )
        .await
        .remove(0);
    assert_eq!(stored, "6/25", "the first save stands, nothing overwritten");

    // The rubric of the start-ups: the same.
    let track = app
        .strings(
            "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' AND t.code = 'STA'",
        )
        .await
        .remove(0);
    let url = format!("{PRESELECTION}/rubric/{track}");
    let mine = admin.get(&url).await;
    let hers = awa.get(&url).await;
    let json = mine
        .element_text("criteria_json")
        .expect("rubric JSON in the form");
    let rubric_form = |page: &crate::support::Page, tie_break: &str| {
        vec![
            ("criteria_json".to_owned(), json.clone()),
            ("tie_break".to_owned(), tie_break.to_owned()),
            (
                "version".to_owned(),
                page.input_value("version").expect("rubric version"),
            ),
        ]
    };
    let keys: Vec<String> = serde_json::from_str::<serde_json::Value>(&json).expect("JSON")
        ["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .filter_map(|c| c["key"].as_str().map(str::to_owned))
        .collect();
    let (first, second) = (keys[0].clone(), keys[1].clone());
    let page = admin
        .post_form_owned(&url, &rubric_form(&mine, &first))
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let page = awa
        .post_form_owned(&url, &rubric_form(&hers, &second))
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.text());
    page.assert_contains(&fr("edit-conflict"));
    assert_eq!(
        page.input_value("tie_break").as_deref(),
        Some(second.as_str())
    );
    let stored = app
        .strings(&format!(
            "SELECT tie_break_json FROM rubrics WHERE track_id = {track}"
        ))
        .await;
    assert_eq!(stored, [format!("[\"{first}\"]")]);

    // The ranking page says normalised scores may leave 0–100, and why.
    let page = admin.get(&format!("{PRESELECTION}/ranking")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("review-method-scale"));
    assert!(!page.text().contains("reste sur 100"));
    app.finish().await;
}

/// The same points on every criterion: every finalist of a category gets the same score.
pub(crate) fn equal_sheet(page: &crate::support::Page) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        "innovation",
        "growth",
        "team",
        "presentation",
        "timing",
        "demo",
    ]
    .iter()
    .filter(|k| page.body.contains(&format!("name=\"{k}\"")))
    .map(|k| (k.to_string(), "7".to_owned()))
    .collect();
    fields.push(("action".into(), "submit".into()));
    fields
}

async fn an_exact_tie_on_the_podium_is_shown_confirmed_and_recorded(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let setup = prepare_final(&app, &admin, 3).await;
    let page = admin.post_form(&format!("{FINAL}/assign"), &[]).await;
    assert!(page.status.is_redirection(), "assign: {}", page.text());
    let page = admin
        .post_form(&format!("{FINAL}/status"), &[("status", "open")])
        .await;
    assert!(page.status.is_redirection(), "open: {}", page.text());
    for (_, juror) in &setup.jurors {
        for link in final_links(juror).await {
            let form = juror.get(&link).await;
            let page = juror.post_form_owned(&link, &equal_sheet(&form)).await;
            assert!(page.status.is_redirection(), "score: {}", page.text());
        }
    }
    let page = admin
        .post_form(&format!("{FINAL}/status"), &[("status", "closed")])
        .await;
    assert!(page.status.is_redirection(), "close: {}", page.text());

    // The jury sees the ties, the rule that broke them, and that the rule is arbitrary.
    let page = admin.get(&format!("{JURY}/deliberation")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("tie-podium-title"));
    page.assert_contains("Ex æquo");
    page.assert_contains("candidature soumise la première");
    page.assert_contains(&fr("tie-arbitrary"));
    assert!(!page.text().contains(&fr("tie-podium-none")));
    page.assert_contains("name=\"confirm_ties\"");
    // Places 1–3 of both categories are each decided by a tie (4 + 3 finalists, all equal).
    assert!(
        page.text().matches(" devant ").count() >= 5,
        "{}",
        page.text()
    );
    // The ranking page of the final says it as well.
    let page = admin.get(&format!("{FINAL}/ranking")).await;
    page.assert_contains("Ex æquo");

    // Publishing without the jury's confirmation is refused; nothing is published.
    let publish = "/admin/editions/sdn-2026/results/publish";
    let page = admin.post_form(publish, &[("reason", "")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("confirm_ties-error"),
        Some(fr("tie-confirm-required"))
    );
    assert_eq!(app.count("results_publications").await, 0);

    // Confirmed: published, with the ties stored in the results and in the audit entry.
    let page = admin
        .post_form(publish, &[("reason", ""), ("confirm_ties", "yes")])
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some("/results/sdn-2026"),
        "publish: {}",
        page.text()
    );
    let stored: serde_json::Value = serde_json::from_str(
        &app.strings("SELECT laureates_json FROM results_publications")
            .await
            .remove(0),
    )
    .expect("snapshot JSON");
    let ties = stored["ties"]
        .as_array()
        .expect("ties stored with the results");
    // Four start-ups and three administration finalists, all equal: places 1–3 of each
    // category are decided by ties (3 + 2), all by submission time or dossier number.
    let in_categories = ties.iter().filter(|t| !t["track"].is_null()).count();
    assert_eq!(in_categories, 5, "{ties:?}");
    for t in ties {
        let last = t["steps"]
            .as_array()
            .and_then(|s| s.last())
            .expect("the deciding step");
        assert!(
            matches!(
                last["rule"].as_str(),
                Some("submission_time" | "dossier_number")
            ),
            "{t}"
        );
    }
    let details: serde_json::Value = serde_json::from_str(
        &app.strings("SELECT details FROM audit_log WHERE action = 'results.published'")
            .await
            .remove(0),
    )
    .expect("audit details");
    assert_eq!(details["ties"], stored["ties"]);
    assert_eq!(details["arbitrary_ties_confirmed"], serde_json::json!(true));
    // The public page says which places were won on a tie, and how it was broken.
    let page = app.client().get("/results/sdn-2026").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text().matches(&fr("results-tie-submission")).count(),
        5,
        "{}",
        page.text()
    );
    app.finish().await;
}

const SHORTLIST: &str = "/admin/editions/sdn-2026/shortlist";

async fn final_and_shortlist_settings_refuse_a_save_over_a_newer_version(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let awa = second_organiser(&app, &admin, "sdn-2026").await;
    let version = |page: &crate::support::Page| page.input_value("version").expect("version");

    // The allowed pitch time.
    let (mine, hers) = (admin.get(JURY).await, awa.get(JURY).await);
    let page = admin
        .post_form(
            &format!("{JURY}/settings"),
            &[("allowed", "6"), ("version", &version(&mine))],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let page = awa
        .post_form(
            &format!("{JURY}/settings"),
            &[("allowed", "4:30"), ("version", &version(&hers))],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.text());
    page.assert_contains(&fr("edit-conflict"));
    page.assert_contains("6 min 00 s");
    assert_eq!(page.input_value("allowed").as_deref(), Some("4:30"));
    let allowed = "SELECT CAST(allowed_secs AS BIGINT) FROM jury_settings";
    assert_eq!(app.scalar_i64(allowed).await, 360);

    // The cumulation of prizes, on the deliberation page: loaded before the change above.
    let page = awa
        .post_form(
            &format!("{JURY}/cumulate"),
            &[("cumulate", "yes"), ("version", &version(&hers))],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.text());
    page.assert_contains(&fr("edit-conflict"));
    assert!(
        page.body.contains("value=\"yes\" checked"),
        "her choice is kept in the form"
    );
    let cumulate = "SELECT CAST(COUNT(*) AS BIGINT) FROM jury_settings WHERE cumulate";
    assert_eq!(app.scalar_i64(cumulate).await, 0);

    // The shortlist's settings.
    let (mine, hers) = (admin.get(SHORTLIST).await, awa.get(SHORTLIST).await);
    let page = admin
        .post_form(
            &format!("{SHORTLIST}/settings"),
            &[("size", "12"), ("version", &version(&mine))],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let page = awa
        .post_form(
            &format!("{SHORTLIST}/settings"),
            &[("size", "20"), ("version", &version(&hers))],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.text());
    page.assert_contains(&fr("edit-conflict"));
    assert_eq!(page.input_value("size").as_deref(), Some("20"));
    let size = "SELECT CAST(s.size AS BIGINT) FROM shortlists s \
                JOIN editions e ON e.id = s.edition_id WHERE e.slug = 'sdn-2026'";
    assert_eq!(app.scalar_i64(size).await, 12);
    app.finish().await;
}

async fn a_tie_at_the_shortlist_cut_is_named_and_confirmed_before_locking(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    closed_preselection(&app, &admin).await;
    // Every sheet of the round given the same points: every dossier of a track has the
    // same score, so wherever the list is cut, the tie-break chain decides.
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE score_sheets SET points_json = (SELECT MIN(points_json) FROM score_sheets)"
    )
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("equal sheets");
    let version = admin
        .get(SHORTLIST)
        .await
        .input_value("version")
        .expect("settings version");
    let page = admin
        .post_form(
            &format!("{SHORTLIST}/settings"),
            &[("size", "9"), ("version", &version)],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let page = admin.post_form(&format!("{SHORTLIST}/propose"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());

    // The page names the ties across the cut and says the rule is arbitrary.
    let page = admin.get(SHORTLIST).await;
    page.assert_contains(&fr("tie-cut-title"));
    page.assert_contains(&fr("tie-arbitrary"));
    page.assert_contains("name=\"confirm_ties\"");

    // Locking waits for the organisers' confirmation.
    let page = admin.post_form(&format!("{SHORTLIST}/lock"), &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        page.element_text("lock-error"),
        Some(fr("tie-cut-confirm-required"))
    );
    let locked = "SELECT CAST(COUNT(*) AS BIGINT) FROM shortlists WHERE status = 'locked'";
    assert_eq!(app.scalar_i64(locked).await, 0);
    let page = admin
        .post_form(&format!("{SHORTLIST}/lock"), &[("confirm_ties", "yes")])
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_eq!(app.scalar_i64(locked).await, 1);
    let details: serde_json::Value = serde_json::from_str(
        &app.strings("SELECT details FROM audit_log WHERE action = 'shortlist.locked'")
            .await
            .remove(0),
    )
    .expect("audit details");
    assert!(
        !details["cut_ties"].as_array().expect("ties").is_empty(),
        "{details}"
    );
    assert_eq!(details["arbitrary_ties_confirmed"], serde_json::json!(true));
    app.finish().await;
}
