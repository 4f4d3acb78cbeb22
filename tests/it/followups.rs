//! Selection follow-ups asked for by organisers: reopening a submitted score sheet with a
//! written reason (audited, the reviewer told, `kene audit verify` still intact afterwards and
//! still naming a tampered sheet), and the round setting that takes the normalisation's mean
//! and spread per track instead of over the whole round.

use reqwest::StatusCode;

use crate::coaching;
use crate::review::queue_links;
use crate::support::{fr, Backend, TestApp, TestClient};
use crate::verify::run_verify;

both_dbs!(
    an_organiser_reopens_a_sheet_with_a_reason_and_verify_stays_intact,
    per_track_pooling_changes_the_ranking_and_says_so,
    coaching_sessions_are_edited_cancelled_and_invitations_withdrawn,
);

const PASSWORD: &str = "mot de passe du comité";
const BASE: &str = "/admin/editions/sdn-2026/review/preselection";
/// Dossiers declared eligible per track: enough for every reviewer to have `min_sheets` (2)
/// sheets in each track, few enough to score quickly.
const PER_TRACK: usize = 6;

/// A small open preselection: six eligible dossiers in each of the start-up and
/// administration tracks, three reviewers on both panels, two sheets per dossier.
/// Returns the reviewers (login, client).
async fn open_round(app: &TestApp, admin: &TestClient) -> Vec<(String, TestClient)> {
    for track in ["STA", "ADM"] {
        let ids = app
            .strings_with(
                "SELECT a.public_id FROM applications a JOIN tracks t ON t.id = a.track_id \
                 JOIN editions e ON e.id = t.edition_id WHERE e.slug = 'sdn-2026' \
                 AND t.code = $1 AND a.status = 'submitted' ORDER BY a.id",
                track,
            )
            .await;
        assert!(ids.len() >= PER_TRACK, "{track}: {} dossiers", ids.len());
        for id in ids.iter().take(PER_TRACK) {
            admin.declare_eligible(id, "").await;
        }
    }
    let page = admin.get(BASE).await;
    let version = page.input_value("version").expect("settings version");
    let page = admin
        .post_form(
            &format!("{BASE}/settings"),
            &[
                ("reviewers_per_dossier", "2"),
                ("min_sheets", "2"),
                ("dispute_threshold", "25"),
                ("blind", "on"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "settings: {}", page.text());
    let tracks = app
        .strings(
            "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' AND t.code IN ('STA', 'ADM') ORDER BY t.position",
        )
        .await;
    let mut members = Vec::new();
    for n in 1..=3 {
        let login = format!("relecteur{n}@comite.ml");
        let client = app
            .signup_and_verify(&format!("Relecteur {n}"), &login, &login, PASSWORD)
            .await;
        for track in &tracks {
            let page = admin
                .post_form(
                    &format!("{BASE}/panel"),
                    &[("track", track.as_str()), ("login", login.as_str())],
                )
                .await;
            assert!(page.status.is_redirection(), "panel: {}", page.text());
        }
        members.push((login, client));
    }
    let page = admin.post_form(&format!("{BASE}/assign"), &[]).await;
    assert!(page.status.is_redirection());
    let page = admin
        .post_form(&format!("{BASE}/status"), &[("status", "open")])
        .await;
    assert!(page.status.is_redirection());
    members
}

/// The criteria of a score page with their maximum points, read as the reviewer sees them.
fn criteria(page: &str) -> Vec<(String, u32)> {
    page.split("(0–")
        .skip(1)
        .filter_map(|s| {
            let max = s.split(')').next()?.parse().ok()?;
            let key = s.split("name=\"").nth(1)?.split('"').next()?;
            Some((key.to_owned(), max))
        })
        .collect()
}

/// Scores a dossier at `level` (0–1) of every criterion's maximum and submits.
async fn submit(client: &TestClient, link: &str, level: f64) {
    let page = client.get(link).await;
    assert_eq!(page.status, StatusCode::OK);
    let mut fields: Vec<(String, String)> = criteria(&page.text())
        .into_iter()
        .map(|(key, max)| {
            let points = (level.clamp(0.0, 1.0) * f64::from(max)).round();
            (key, points.to_string())
        })
        .collect();
    assert!(!fields.is_empty(), "criteria on {link}");
    fields.push(("action".into(), "submit".into()));
    let page = client.post_form_owned(link, &fields).await;
    assert!(page.status.is_redirection(), "submit: {}", page.text());
}

async fn track_of_link(app: &TestApp, link: &str) -> String {
    let public_id = link.rsplit('/').next().expect("dossier id");
    app.strings_with(
        "SELECT t.code FROM applications a JOIN tracks t ON t.id = a.track_id \
         WHERE a.public_id = $1",
        public_id,
    )
    .await
    .remove(0)
}

/// Every reviewer scores their whole queue. Reviewer 1 is generous with start-ups and harsh
/// with administrations, reviewer 2 the opposite, reviewer 3 even: pooled over the round,
/// these habits cancel out in each reviewer's own mean and survive in the ranking; pooled
/// per track, they are corrected.
async fn score_everything(app: &TestApp, members: &[(String, TestClient)]) {
    for (r, (_, client)) in members.iter().enumerate() {
        for (d, link) in queue_links(client).await.iter().enumerate() {
            let startup = track_of_link(app, link).await == "STA";
            let bias = match (r, startup) {
                (0, true) | (1, false) => 0.3,
                (0, false) | (1, true) => -0.3,
                _ => 0.0,
            };
            let level = 0.35 + 0.07 * (d % 5) as f64 + bias;
            submit(client, link, level).await;
        }
    }
}

async fn a_submitted_sheet(app: &TestApp, login: &str) -> (i64, String, String) {
    let row = app
        .strings_with(
            "SELECT CAST(s.id AS TEXT) || ' ' || a.reference || ' ' || a.public_id \
             FROM score_sheets s JOIN applications a ON a.id = s.application_id \
             JOIN users u ON u.id = s.reviewer_id \
             WHERE u.email = $1 AND s.status = 'submitted' ORDER BY s.id",
            login,
        )
        .await
        .remove(0);
    let mut parts = row.split(' ');
    let id = parts.next().and_then(|s| s.parse().ok()).expect("sheet id");
    let reference = parts.next().expect("reference").to_owned();
    let public_id = parts.next().expect("public id").to_owned();
    (id, reference, public_id)
}

async fn sheet_status(app: &TestApp, id: i64) -> String {
    app.strings(&format!("SELECT status FROM score_sheets WHERE id = {id}"))
        .await
        .remove(0)
}

async fn mismatches(app: &TestApp) -> Vec<(String, String, String)> {
    kene::audit::check_data(app.db())
        .await
        .expect("check the data")
        .into_iter()
        .map(|m| (m.table.to_owned(), m.id, m.field))
        .collect()
}

async fn an_organiser_reopens_a_sheet_with_a_reason_and_verify_stays_intact(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let members = open_round(&app, &admin).await;
    let (login, reviewer) = &members[0];
    let link = queue_links(reviewer).await.remove(0);
    submit(reviewer, &link, 0.6).await;
    let (sheet, reference, public_id) = a_submitted_sheet(&app, login).await;
    let reopened = "SELECT COUNT(*) FROM audit_log WHERE action = 'review.score_reopened'";

    // No reason: a clear message, what was typed kept, nothing changed.
    let page = admin
        .post_form(
            &format!("{BASE}/reopen"),
            &[
                ("reference", reference.as_str()),
                ("login", login.as_str()),
                ("reason", "   "),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("reopen_reason-error"),
        Some(fr("followups-reopen-reason-required"))
    );
    page.assert_contains(&format!(
        "id=\"reopen_reference\" name=\"reference\" value=\"{reference}\""
    ));
    assert_eq!(sheet_status(&app, sheet).await, "submitted");
    assert_eq!(app.scalar_i64(reopened).await, 0);

    // An unknown dossier or reviewer is named, field by field.
    let page = admin
        .post_form(
            &format!("{BASE}/reopen"),
            &[
                ("reference", "SDN26-STA-9999"),
                ("login", "personne@nulle.part"),
                ("reason", "Barème mal lu"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("reopen_reference-error"),
        Some(fr("review-unknown-reference"))
    );
    assert_eq!(
        page.element_text("reopen_login-error"),
        Some(fr("team-no-account"))
    );
    page.assert_contains("Barème mal lu");

    // A reviewer is not an organiser: the round's admin pages do not exist for them.
    let page = reviewer
        .post_form(
            &format!("{BASE}/reopen"),
            &[
                ("reference", reference.as_str()),
                ("login", login.as_str()),
                ("reason", "Je veux changer ma note"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(sheet_status(&app, sheet).await, "submitted");

    // The organiser reopens with a reason: a draft again, audited, the reviewer told.
    let reason = "Le critère « équipe » a été noté sur 5 au lieu de 10";
    let page = admin
        .post_form(
            &format!("{BASE}/reopen"),
            &[
                ("reference", reference.to_lowercase().as_str()),
                ("login", login.as_str()),
                ("reason", reason),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "reopen: {}", page.text());
    assert_eq!(sheet_status(&app, sheet).await, "draft");
    let details = app
        .strings("SELECT details FROM audit_log WHERE action = 'review.score_reopened' ORDER BY id")
        .await;
    assert_eq!(details.len(), 1);
    let details: serde_json::Value = serde_json::from_str(&details[0]).expect("JSON details");
    assert_eq!(details["reason"], reason);
    let mail = app.wait_mail(login, &reference).await;
    assert!(
        mail.body.contains("noté sur 5 au lieu de 10"),
        "{}",
        mail.body
    );
    assert!(
        mail.body.contains(&app.url("/review/")) && mail.body.contains(&public_id),
        "a whole link to the sheet: {}",
        mail.body
    );
    // The verification knows a reopened sheet is a legitimate draft.
    assert_eq!(mismatches(&app).await, vec![]);

    // Reopening it again: it is no longer submitted, said plainly.
    let page = admin
        .post_form(
            &format!("{BASE}/reopen"),
            &[
                ("reference", reference.as_str()),
                ("login", login.as_str()),
                ("reason", "Encore"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        page.element_text("reopen-error"),
        Some(fr("followups-reopen-not-submitted"))
    );
    assert_eq!(app.scalar_i64(reopened).await, 1);

    // The reviewer changes the scores and submits again: the data still matches the log.
    let page = reviewer.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    let notice = page
        .element_text("reopened")
        .expect("the reopening is said");
    assert!(
        notice.contains(&fr("followups-reopened-notice")) && notice.contains(reason),
        "{notice}"
    );
    submit(reviewer, &link, 0.9).await;
    assert!(reviewer.get(&link).await.element_text("reopened").is_none());
    assert_eq!(sheet_status(&app, sheet).await, "submitted");
    assert_eq!(mismatches(&app).await, vec![]);
    let (ok, stdout) = run_verify(&app);
    assert!(ok, "a legitimate reopening verifies:\n{stdout}");

    // The re-submitted scores are the ones protected now: the first ones written back
    // behind the log's back are named.
    let points = app
        .strings(&format!(
            "SELECT points_json FROM score_sheets WHERE id = {sheet}"
        ))
        .await
        .remove(0);
    let tampered = points.replacen(|c: char| c.is_ascii_digit(), "0", 1);
    assert_ne!(tampered, points);
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE score_sheets SET points_json = $1 WHERE id = $2"
    )
    .bind(&tampered)
    .bind(sheet)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("tamper with the sheet");
    let (ok, stdout) = run_verify(&app);
    assert!(!ok, "a tampered re-submitted sheet is found:\n{stdout}");
    assert!(
        stdout.contains(&format!("score_sheets id {sheet} field points_json.")),
        "{stdout}"
    );
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE score_sheets SET points_json = $1 WHERE id = $2"
    )
    .bind(&points)
    .bind(sheet)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("restore the sheet");

    // Reopened again, then marked submitted directly in the database: named too.
    let page = admin
        .post_form(
            &format!("{BASE}/reopen"),
            &[
                ("reference", reference.as_str()),
                ("login", login.as_str()),
                ("reason", "Deuxième relecture"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    kene::run!(app.db(), |pool| sqlx::query(
        "UPDATE score_sheets SET status = 'submitted' WHERE id = $1"
    )
    .bind(sheet)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("force the status");
    assert_eq!(
        mismatches(&app).await,
        vec![(
            "score_sheets".to_owned(),
            sheet.to_string(),
            "status".to_owned()
        )]
    );

    // Once the round is closed, its sheets stay as they are.
    let page = admin
        .post_form(&format!("{BASE}/status"), &[("status", "closed")])
        .await;
    assert!(page.status.is_redirection());
    let (other, other_reference, _) = a_submitted_sheet(&app, login).await;
    let page = admin
        .post_form(
            &format!("{BASE}/reopen"),
            &[
                ("reference", other_reference.as_str()),
                ("login", login.as_str()),
                ("reason", "Trop tard"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        page.element_text("reopen-error"),
        Some(fr("followups-reopen-round-not-open"))
    );
    assert_eq!(sheet_status(&app, other).await, "submitted");
    app.finish().await;
}

/// The dossier references of the ranking page, in page order (track by track).
fn ranked(page: &str) -> Vec<String> {
    page.split("<td>SDN26-")
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .map(|r| format!("SDN26-{r}"))
        .collect()
}

async fn per_track_pooling_changes_the_ranking_and_says_so(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let members = open_round(&app, &admin).await;
    score_everything(&app, &members).await;
    let ranking_url = format!("{BASE}/ranking");

    let page = admin.get(&ranking_url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.element_text("pooling"),
        Some(fr("followups-pooling-said-round"))
    );
    let whole_round = kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "followups-pool-round",
        &[("n", (2 * PER_TRACK).to_string())],
    );
    page.assert_contains(&whole_round);
    let before = ranked(&page.text());
    assert_eq!(before.len(), 2 * PER_TRACK, "{before:?}");

    // A pooling that is neither: refused with a message, nothing changed.
    let settings = admin.get(BASE).await;
    let version = settings.input_value("version").expect("settings version");
    let page = admin
        .post_form(
            &format!("{BASE}/settings"),
            &[("pooling", "edition"), ("version", version.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("pooling-error"),
        Some(fr("followups-bad-pooling"))
    );
    // A stale form: refused, the stored choice shown.
    let page = admin
        .post_form(
            &format!("{BASE}/settings"),
            &[("pooling", "track"), ("version", "0")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("edit-conflict"));
    let pooling = "SELECT r.pooling FROM review_rounds r JOIN editions e ON e.id = r.edition_id \
                   WHERE e.slug = 'sdn-2026' AND r.kind = 'preselection'";
    assert_eq!(app.strings(pooling).await, ["round"]);

    // Per track, while the round is open: saved, audited, and the ranking follows.
    let page = admin
        .post_form(
            &format!("{BASE}/settings"),
            &[
                // Posted values of the settings fixed at opening are not taken.
                ("reviewers_per_dossier", "9"),
                ("pooling", "track"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_eq!(app.strings(pooling).await, ["track"]);
    let k = "SELECT r.reviewers_per_dossier FROM review_rounds r \
             JOIN editions e ON e.id = r.edition_id \
             WHERE e.slug = 'sdn-2026' AND r.kind = 'preselection'";
    assert_eq!(app.scalar_i64(k).await, 2);
    let audited = app
        .strings(
            "SELECT details FROM audit_log WHERE action = 'review.settings_changed' \
             ORDER BY id DESC LIMIT 1",
        )
        .await;
    let audited: serde_json::Value = serde_json::from_str(&audited[0]).expect("JSON");
    assert_eq!(audited["pooling"], "track");

    let page = admin.get(&ranking_url).await;
    assert_eq!(
        page.element_text("pooling"),
        Some(fr("followups-pooling-said-track"))
    );
    assert!(!page.text().contains(&whole_round));
    let names = app
        .strings(
            "SELECT t.name_fr FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' AND t.code IN ('STA', 'ADM') ORDER BY t.position",
        )
        .await;
    for name in names {
        page.assert_contains(&kene::i18n::tr_args(
            kene::i18n::Lang::Fr,
            "followups-pool-track",
            &[("track", name), ("n", PER_TRACK.to_string())],
        ));
    }
    let after = ranked(&page.text());
    let mut same_dossiers = after.clone();
    same_dossiers.sort();
    let mut expected = before.clone();
    expected.sort();
    assert_eq!(same_dossiers, expected, "the same dossiers are ranked");
    assert_ne!(
        after, before,
        "the reviewers' habits per track are corrected"
    );

    // Closed: the ranking is final, the pooling no longer changes.
    admin
        .post_form(&format!("{BASE}/status"), &[("status", "closed")])
        .await;
    let version = admin
        .get(BASE)
        .await
        .input_value("version")
        .expect("settings version");
    let page = admin
        .post_form(
            &format!("{BASE}/settings"),
            &[("pooling", "round"), ("version", version.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("settings-error"),
        Some(fr("followups-settings-closed"))
    );
    assert_eq!(app.strings(pooling).await, ["track"]);
    app.finish().await;
}

/// A coaching session with three finalists invited (two start-ups, and one reached by SMS
/// in English); returns the session's page and the finalists.
async fn coached(app: &TestApp, admin: &TestClient) -> (String, Vec<coaching::Finalist>) {
    let finalists = coaching::shortlist(app).await;
    coaching::lock_shortlist(app).await;
    app.signup_and_verify(
        "Awa Coach",
        "coach@exemple.ml",
        "coach@exemple.ml",
        coaching::PASSWORD,
    )
    .await;
    let session = coaching::create_session(
        admin,
        "Atelier pitch",
        "2026-11-20T10:00",
        "CICB, salle 2",
        "coach@exemple.ml",
    )
    .await;
    let url = format!("{}/{session}", coaching::BASE);
    let sta = coaching::track_id(app, "STA").await;
    let page = admin
        .post_form(
            &format!("{url}/invite"),
            &[
                ("track", sta.as_str()),
                ("application", finalists[2].public_id.as_str()),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "invite: {}", page.text());
    (url, finalists)
}

async fn session_field(app: &TestApp, field: &str) -> String {
    app.strings(&format!(
        "SELECT CAST({field} AS TEXT) FROM coaching_sessions"
    ))
    .await
    .remove(0)
}

fn edit_fields<'a>(
    starts_at: &'a str,
    duration: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "Atelier pitch"),
        ("starts_at", starts_at),
        ("duration", duration),
        ("place", "CICB, salle 5"),
        ("coach", "coach@exemple.ml"),
        ("version", version),
    ]
}

async fn coaching_sessions_are_edited_cancelled_and_invitations_withdrawn(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (url, finalists) = coached(&app, &admin).await;
    let page = admin.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("value=\"2026-11-20T10:00:00\"");
    assert_eq!(session_field(&app, "version").await, "1");

    // A start in the past, a zero duration: refused next to the field, typed values kept.
    let page = admin
        .post_form(
            &format!("{url}/edit"),
            &edit_fields("2020-01-01T10:00", "0", "1"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("starts_at-error"),
        Some(fr("coaching-date-past"))
    );
    assert_eq!(
        page.element_text("duration-error"),
        Some(fr("coaching-bad-duration"))
    );
    assert_eq!(page.input_value("place").as_deref(), Some("CICB, salle 5"));
    assert_eq!(session_field(&app, "place").await, "CICB, salle 2");

    // Moved: saved, audited, each invited finalist told in their language.
    let page = admin
        .post_form(
            &format!("{url}/edit"),
            &edit_fields("2026-11-22T09:00", "60", "1"),
        )
        .await;
    assert!(page.status.is_redirection(), "edit: {}", page.text());
    assert_eq!(session_field(&app, "version").await, "2");
    assert_eq!(session_field(&app, "place").await, "CICB, salle 5");
    assert_eq!(coaching::audited(&app, "coaching.session_changed").await, 1);
    let mail = app
        .wait_mail(&finalists[0].login, "22 novembre 2026 à 09:00")
        .await;
    assert!(mail.body.contains("CICB, salle 5"), "{}", mail.body);
    let sms = app
        .wait_sms(coaching::SMS_FINALIST, "22 November 2026 at 09:00")
        .await;
    assert!(sms.contains("has changed"), "{sms}");

    // A second organiser's form loaded before that edit: refused, nothing overwritten.
    let mut stale = edit_fields("2026-11-23T09:00", "90", "1");
    stale[0] = ("title", "Atelier pitch (bis)");
    let page = admin.post_form(&format!("{url}/edit"), &stale).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("edit-conflict"));
    assert_eq!(
        page.input_value("title").as_deref(),
        Some("Atelier pitch (bis)")
    );
    assert_eq!(session_field(&app, "title").await, "Atelier pitch");
    assert_eq!(coaching::audited(&app, "coaching.session_changed").await, 1);

    // One finalist's invitation withdrawn: told, and the session leaves their page.
    let withdrawn = &finalists[1];
    let page = admin
        .post_form(
            &format!("{url}/withdraw"),
            &[("application", withdrawn.public_id.as_str())],
        )
        .await;
    assert!(page.status.is_redirection(), "withdraw: {}", page.text());
    let mail = app.wait_mail(&withdrawn.login, "retirée").await;
    assert!(mail.body.contains(&withdrawn.reference), "{}", mail.body);
    let applicant = app.client();
    applicant.login(&withdrawn.login, coaching::PASSWORD).await;
    let page = applicant
        .get(&format!("/applications/{}/coaching", withdrawn.public_id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("Atelier pitch"));
    let page = admin
        .post_form(
            &format!("{url}/withdraw"),
            &[("application", withdrawn.public_id.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        page.element_text(&format!("withdraw-{}-error", withdrawn.public_id)),
        Some(fr("followups-already-withdrawn"))
    );
    let page = admin
        .post_form(
            &format!("{url}/attendance"),
            &[
                ("application", withdrawn.public_id.as_str()),
                ("attendance", "present"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::NOT_FOUND,
        "no attendance once withdrawn"
    );

    // Cancelled with a reason: kept and marked, finalists still invited told, once.
    let page = admin
        .post_form(&format!("{url}/cancel"), &[("reason", "Coach malade")])
        .await;
    assert!(page.status.is_redirection(), "cancel: {}", page.text());
    assert_eq!(app.count("coaching_sessions").await, 1);
    let mail = app.wait_mail(&finalists[0].login, "Coach malade").await;
    assert!(mail.subject.contains("annulé"), "{}", mail.subject);
    let told = "SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'coaching-cancelled:%'";
    assert_eq!(
        app.scalar_i64(told).await,
        2,
        "the two finalists still invited"
    );
    let keys = app
        .strings_with(
            "SELECT idempotency_key FROM outbox WHERE recipient = $1 ORDER BY id",
            &finalists[0].login,
        )
        .await;
    assert_eq!(keys.len(), 3, "invited, moved, cancelled: {keys:?}");
    let page = admin.get(coaching::BASE).await;
    page.assert_contains(&fr("followups-cancelled-badge"));
    let page = admin.get(&url).await;
    assert!(
        page.element_text("cancelled")
            .is_some_and(|t| t.contains("Coach malade")),
        "{}",
        page.text()
    );
    let finalist = app.client();
    finalist
        .login(&finalists[0].login, coaching::PASSWORD)
        .await;
    let page = finalist
        .get(&format!(
            "/applications/{}/coaching",
            finalists[0].public_id
        ))
        .await;
    page.assert_contains("Atelier pitch");
    page.assert_contains(&fr("followups-cancelled-badge"));
    page.assert_contains("Coach malade");

    // A cancelled session is frozen: no edit, no second cancellation, no attendance.
    let page = admin
        .post_form(
            &format!("{url}/edit"),
            &edit_fields("2026-11-24T09:00", "60", "3"),
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        page.element_text("edit-error"),
        Some(fr("followups-session-is-cancelled"))
    );
    assert_eq!(session_field(&app, "starts_at").await, {
        let at = kene::calls::parse_civil(
            "2026-11-22T09:00",
            &jiff::tz::TimeZone::get("Africa/Bamako").expect("tz"),
        )
        .expect("valid");
        at.to_string()
    });
    let page = admin.post_form(&format!("{url}/cancel"), &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let page = admin
        .post_form(
            &format!("{url}/attendance"),
            &[
                ("application", finalists[0].public_id.as_str()),
                ("attendance", "present"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    page.assert_contains(&fr("followups-attendance-cancelled"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM coaching_invitations WHERE attendance IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        coaching::audited(&app, "coaching.session_cancelled").await,
        1
    );
    assert_eq!(
        coaching::audited(&app, "coaching.invitation_withdrawn").await,
        1
    );
    app.finish().await;
}
