//! The preselection over HTTP: organisers declare the 2026 dossiers eligible, name a committee
//! of five reviewers, set a conflict of interest, assign automatically, open the round;
//! reviewers score on the score form (bad scores refused with the typed values kept), cannot
//! see each other's scores before the close nor open dossiers not theirs; the rubric freezes
//! at the first score; the ranking shows the documented arithmetic; exports; audit chain.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use reqwest::StatusCode;

use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    preselection_from_committee_to_ranking,
    a_round_cannot_be_scored_before_it_opens_nor_after_it_closes,
    shortlist_is_proposed_justified_locked_and_published_to_every_applicant,
    the_demo_shows_the_2026_selection,
    whole_selection_from_committee_to_published_results,
    reviewers_declare_conflicts_before_the_assignment,
);

const PASSWORD: &str = "mot de passe du comité";
const BASE: &str = "/admin/editions/sdn-2026/review/preselection";
const CRITERIA: [&str; 5] = ["innovation", "growth", "team", "presentation", "demo"];

/// Declares every 2026 dossier eligible except those applying from outside the AES (the
/// demo puts a few in Senegal), as organisers do before the committee meets.
async fn declare_2026_eligibility(app: &TestApp, admin: &TestClient) -> usize {
    let rows = app
        .strings(
            "SELECT a.public_id || ' ' || COALESCE(a.country, '') FROM applications a \
             JOIN tracks t ON t.id = a.track_id JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' ORDER BY a.id",
        )
        .await;
    let mut eligible = 0;
    for row in rows {
        let (id, country) = row.split_once(' ').expect("id and country");
        let (status, reason) = if country == "SN" {
            ("ineligible", "Hors des pays de l'AES")
        } else {
            eligible += 1;
            ("eligible", "")
        };
        admin.decide_eligibility(id, status, reason).await;
    }
    eligible
}

async fn committee(app: &TestApp, admin: &TestClient) -> Vec<(String, TestClient)> {
    let mut members = Vec::new();
    for n in 1..=5 {
        let login = format!("evaluateur{n}@comite.ml");
        let client = app
            .signup_and_verify(&format!("Évaluateur {n}"), &login, &login, PASSWORD)
            .await;
        members.push((login, client));
    }
    let tracks = app
        .strings(
            "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' ORDER BY t.position",
        )
        .await;
    for track in &tracks {
        for (login, _) in &members {
            let page = admin
                .post_form(
                    &format!("{BASE}/panel"),
                    &[("track", track.as_str()), ("login", login.as_str())],
                )
                .await;
            assert!(page.status.is_redirection(), "panel: {}", page.text());
        }
    }
    members
}

/// The dossiers in a reviewer's queue, as links.
pub(crate) async fn queue_links(client: &TestClient) -> Vec<String> {
    let page = client.get("/review").await;
    assert_eq!(page.status, StatusCode::OK);
    page.text()
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|href| href.starts_with("/review/") && !href.ends_with("/conflict"))
        .filter(|href| !href.starts_with("/review/panel/"))
        .map(str::to_owned)
        .collect()
}

fn scores_for(reviewer: usize, dossier: usize) -> Vec<(String, String)> {
    // Reviewer 1 is harsh, reviewer 5 generous: normalisation has something to do.
    CRITERIA
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let base = (dossier * 7 + i * 3) % 6 + 2 + reviewer / 2;
            (key.to_string(), base.min(10).to_string())
        })
        .collect()
}

async fn preselection_from_committee_to_ranking(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let eligible = declare_2026_eligibility(&app, &admin).await;
    assert!(eligible >= 50, "{eligible} eligible dossiers");
    let page = admin.get(BASE).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("review-auto-assign"));
    let members = committee(&app, &admin).await;

    // The organiser records a conflict before assigning: evaluateur1 knows SDN26-STA-0001.
    let page = admin
        .post_form(
            &format!("{BASE}/conflict"),
            &[
                ("reference", "SDN26-STA-0001"),
                ("login", "evaluateur1@comite.ml"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("conflict_reason-error"),
        Some(fr("field-required"))
    );
    page.assert_contains("value=\"SDN26-STA-0001\"");
    let page = admin
        .post_form(
            &format!("{BASE}/conflict"),
            &[
                ("reference", "sdn26-sta-0001"),
                ("login", "evaluateur1@comite.ml"),
                ("reason", "Ancien associé du fondateur"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());

    // The rubric is editable before the first score: innovation weighs 4 instead of 3.
    let track_sta = app
        .strings(
            "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' AND t.code = 'STA'",
        )
        .await
        .remove(0);
    let rubric_url = format!("{BASE}/rubric/{track_sta}");
    let page = admin.get(&rubric_url).await;
    assert_eq!(page.status, StatusCode::OK);
    let json = page.input_value("criteria_json").unwrap_or_else(|| {
        crate::support::unescape(
            page.text()
                .split("name=\"criteria_json\"")
                .nth(1)
                .and_then(|s| s.split_once('>'))
                .and_then(|(_, rest)| rest.split("</textarea>").next())
                .expect("rubric textarea"),
        )
    });
    let mut rubric: serde_json::Value = serde_json::from_str(&json).expect("rubric JSON");
    rubric["criteria"][0]["weight"] = serde_json::json!(4);
    let edited = rubric.to_string();
    let loaded_version = page
        .input_value("version")
        .expect("the rubric form's version");
    let page = admin
        .post_form(
            &rubric_url,
            &[
                ("criteria_json", edited.as_str()),
                ("tie_break", "innovation, growth"),
                ("version", loaded_version.as_str()),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "rubric: {}", page.text());
    // A tie-break naming no criterion is refused, the typed JSON kept.
    let page = admin
        .post_form(
            &rubric_url,
            &[
                ("criteria_json", edited.as_str()),
                ("tie_break", "charisme"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("charisme");

    let page = admin.post_form(&format!("{BASE}/assign"), &[]).await;
    assert!(page.status.is_redirection());
    let per_dossier = app
        .strings("SELECT CAST(COUNT(*) AS TEXT) FROM assignments GROUP BY application_id")
        .await;
    assert_eq!(
        per_dossier.len(),
        eligible,
        "every eligible dossier is assigned"
    );
    assert!(per_dossier.iter().all(|n| n == "3"), "{per_dossier:?}");
    let conflicted = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM assignments x JOIN applications a ON a.id = x.application_id \
             JOIN users u ON u.id = x.reviewer_id WHERE a.reference = 'SDN26-STA-0001' AND u.email = 'evaluateur1@comite.ml'",
        )
        .await;
    assert_eq!(conflicted, 0, "never assigned against a declared conflict");

    // Not open yet: the queue is empty.
    assert!(queue_links(&members[0].1).await.is_empty());
    let page = admin
        .post_form(&format!("{BASE}/status"), &[("status", "open")])
        .await;
    assert!(page.status.is_redirection());

    // Bad scores: above the maximum, negative, not a number — French messages, typed kept.
    let (_, first) = &members[0];
    let links = queue_links(first).await;
    assert!(!links.is_empty());
    let page = first.get(&links[0]).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("review-blind"));
    let page = first
        .post_form(
            &links[0],
            &[
                ("innovation", "11"),
                ("growth", "-2"),
                ("team", "sept"),
                ("presentation", "5"),
                ("demo", ""),
                ("comment_innovation", "<script>alert(1)</script>"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for key in ["innovation", "growth", "team"] {
        let message = page
            .element_text(&format!("{key}-error"))
            .unwrap_or_default();
        assert!(message.contains("entre 0 et 10"), "{key}: {message}");
    }
    assert_eq!(
        page.element_text("demo-error"),
        Some(fr("review-score-required"))
    );
    assert_eq!(page.input_value("innovation").as_deref(), Some("11"));
    assert_eq!(page.input_value("presentation").as_deref(), Some("5"));
    assert!(
        !page.body.contains("<script>alert(1)"),
        "comment rendered inert"
    );
    assert!(
        page.text().contains("<script>alert(1)</script>"),
        "comment kept, escaped"
    );
    assert_eq!(app.count("score_sheets").await, 0, "nothing written");

    // Someone else's dossier, by changing the URL: 404, as for a dossier that does not exist.
    let other_links: Vec<String> = queue_links(&members[1].1)
        .await
        .into_iter()
        .filter(|l| !links.contains(l))
        .collect();
    let page = first.get(&other_links[0]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = first
        .post_form(&other_links[0], &[("innovation", "5"), ("action", "save")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // Files: a reviewer opens those of the dossiers assigned to them, never an ID document,
    // never a file of someone else's dossier.
    let reviewer_files = |id_document: bool, assigned: bool| {
        let app = &app;
        async move {
            app.strings(&format!(
                "SELECT f.public_id FROM files f JOIN applications a ON a.id = f.application_id \
                 WHERE f.id_document = {} AND a.status = 'eligible' AND {} EXISTS (SELECT 1 FROM assignments x \
                 JOIN users u ON u.id = x.reviewer_id WHERE x.application_id = a.id \
                 AND u.email = 'evaluateur1@comite.ml') ORDER BY f.id LIMIT 1",
                if id_document { "TRUE" } else { "FALSE" },
                if assigned { "" } else { "NOT" },
            ))
            .await
        }
    };
    let own = reviewer_files(false, true).await;
    assert!(!own.is_empty(), "the demo dossiers carry files");
    let download = first.get(&format!("/files/{}", own[0])).await;
    assert_eq!(download.status, StatusCode::OK);
    assert!(download.bytes.starts_with(b"%PDF"));
    for id in reviewer_files(true, true)
        .await
        .into_iter()
        .chain(reviewer_files(false, false).await)
    {
        assert_eq!(
            first.get(&format!("/files/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // Reviewers do not see the organisers' ranking.
    assert_eq!(
        first.get(&format!("{BASE}/ranking")).await.status,
        StatusCode::NOT_FOUND
    );

    // A draft first, then every reviewer submits every sheet.
    let page = first
        .post_form(&links[0], &[("innovation", "6"), ("action", "save")])
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let page = first.get(&links[0]).await;
    assert_eq!(page.input_value("innovation").as_deref(), Some("6"));

    // The rubric is now frozen.
    let page = admin
        .post_form(
            &rubric_url,
            &[
                ("criteria_json", edited.as_str()),
                ("tie_break", "innovation"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("review-rubric-frozen"));

    let mut sheets = 0;
    for (r, (_, client)) in members.iter().enumerate() {
        for (d, link) in queue_links(client).await.iter().enumerate() {
            let mut fields = scores_for(r + 1, d);
            fields.push(("comment_team".into(), "Équipe solide".into()));
            fields.push(("action".into(), "submit".into()));
            let page = client.post_form_owned(link, &fields).await;
            assert!(page.status.is_redirection(), "submit: {}", page.text());
            sheets += 1;
        }
    }
    assert_eq!(sheets, eligible * 3);
    // A submitted sheet cannot be changed (a retried POST changes nothing).
    let page = first
        .post_form(
            &links[0],
            &[
                ("innovation", "1"),
                ("growth", "1"),
                ("team", "1"),
                ("presentation", "1"),
                ("demo", "1"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("review-sheet-locked"));
    // Before the close, nobody sees the others' scores.
    let page = first.get(&links[0]).await;
    assert!(!page.text().contains(&fr("review-other-sheets")));
    // Exports wait for the close.
    assert_eq!(
        admin.get(&format!("{BASE}/scores.csv")).await.status,
        StatusCode::BAD_REQUEST
    );

    let page = admin
        .post_form(&format!("{BASE}/status"), &[("status", "closed")])
        .await;
    assert!(page.status.is_redirection());
    // Closed is final: it does not reopen.
    let page = admin
        .post_form(&format!("{BASE}/status"), &[("status", "open")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let page = first.get(&links[0]).await;
    page.assert_contains(&fr("review-other-sheets"));

    let page = admin.get(&format!("{BASE}/ranking")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("x′ = m + (x − m<sub>r</sub>) · s / s<sub>r</sub>");
    page.assert_contains("SDN26-STA-");

    let csv = admin.get(&format!("{BASE}/scores.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines = csv.text().lines().count();
    assert_eq!(
        lines,
        1 + sheets,
        "one line per score sheet plus the header"
    );

    let response = reqwest::Client::new()
        .get(app.url(&format!("{BASE}/ranking.xlsx")))
        .header(
            "cookie",
            format!("kene_session={}", admin.session().expect("session")),
        )
        .send()
        .await
        .expect("download");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.expect("bytes");
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = workbook.worksheet_range("ranking").expect("ranking sheet");
    assert_eq!(
        range.rows().count(),
        1 + eligible,
        "one row per ranked dossier"
    );

    // Every submission is in the audit chain, and the chain holds.
    let audited = app
        .scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'review.score_submitted'")
        .await;
    assert_eq!(audited as usize, sheets);
    let report = kene::audit::verify(app.db()).await.expect("verify");
    assert!(
        matches!(report, kene::audit::ChainCheck::Intact { .. }),
        "the audit chain is broken"
    );
    app.finish().await;
}

async fn a_round_cannot_be_scored_before_it_opens_nor_after_it_closes(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    declare_2026_eligibility(&app, &admin).await;
    let members = committee(&app, &admin).await;
    let page = admin.post_form(&format!("{BASE}/assign"), &[]).await;
    assert!(page.status.is_redirection());
    // Setup: no dossier is reachable yet.
    let reference_link = app
        .strings(
            "SELECT '/review/' || CAST(x.round_id AS TEXT) || '/' || a.public_id FROM assignments x \
             JOIN applications a ON a.id = x.application_id JOIN users u ON u.id = x.reviewer_id \
             WHERE u.email = 'evaluateur2@comite.ml' ORDER BY a.id LIMIT 1",
        )
        .await
        .remove(0);
    let (_, second) = &members[1];
    assert_eq!(
        second.get(&reference_link).await.status,
        StatusCode::NOT_FOUND
    );
    // Settings are refused with a message when out of range, kept as typed.
    let page = admin
        .post_form(
            &format!("{BASE}/settings"),
            &[
                ("reviewers_per_dossier", "0"),
                ("min_sheets", "5"),
                ("dispute_threshold", "25"),
                ("blind", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("reviewers_per_dossier-error"),
        Some(fr("review-bad-number-1-10"))
    );
    assert_eq!(
        page.input_value("reviewers_per_dossier").as_deref(),
        Some("0")
    );

    admin
        .post_form(&format!("{BASE}/status"), &[("status", "open")])
        .await;
    // Declaring a conflict withdraws the reviewer from the dossier.
    let page = second
        .post_form(
            &format!("{reference_link}/conflict"),
            &[("reason", "Mon cousin")],
        )
        .await;
    assert!(page.status.is_redirection());
    assert_eq!(
        second.get(&reference_link).await.status,
        StatusCode::NOT_FOUND
    );
    let conflicts = app.count("conflicts").await;
    assert_eq!(conflicts, 1);
    // The organiser sees it, and reassignment cannot put the reviewer back.
    let page = admin.get(BASE).await;
    page.assert_contains("Mon cousin");

    admin
        .post_form(&format!("{BASE}/status"), &[("status", "closed")])
        .await;
    let (_, third) = &members[2];
    let link = queue_links(third).await.remove(0);
    let page = third
        .post_form(&link, &[("innovation", "5"), ("action", "save")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("review-round-not-open"));
    assert_eq!(page.input_value("innovation").as_deref(), Some("5"));
    assert_eq!(app.count("score_sheets").await, 0);
    app.finish().await;
}

/// A preselection scored by five reviewers and closed; returns the number of eligible dossiers.
pub async fn closed_preselection(app: &TestApp, admin: &TestClient) -> usize {
    let eligible = declare_2026_eligibility(app, admin).await;
    let members = committee(app, admin).await;
    admin.post_form(&format!("{BASE}/assign"), &[]).await;
    admin
        .post_form(&format!("{BASE}/status"), &[("status", "open")])
        .await;
    for (r, (_, client)) in members.iter().enumerate() {
        for (d, link) in queue_links(client).await.iter().enumerate() {
            let mut fields = scores_for(r + 1, d);
            fields.push(("comment_innovation".into(), format!("Avis {r}-{d}")));
            fields.push(("action".into(), "submit".into()));
            let page = client.post_form_owned(link, &fields).await;
            assert!(page.status.is_redirection(), "submit: {}", page.text());
        }
    }
    admin
        .post_form(&format!("{BASE}/status"), &[("status", "closed")])
        .await;
    eligible
}

const SHORTLIST: &str = "/admin/editions/sdn-2026/shortlist";

async fn shortlist_is_proposed_justified_locked_and_published_to_every_applicant(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    // Nothing to propose while the preselection is not closed.
    let page = admin.post_form(&format!("{SHORTLIST}/propose"), &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("shortlist-preselection-open"));
    assert_eq!(app.count("shortlist_entries").await, 0);

    closed_preselection(&app, &admin).await;
    let version = shortlist_settings_version(&admin).await;
    let page = admin
        .post_form(
            &format!("{SHORTLIST}/settings"),
            &[
                ("size", "12"),
                ("with_feedback", "on"),
                ("version", version.as_str()),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let page = admin.post_form(&format!("{SHORTLIST}/propose"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_eq!(app.count("shortlist_entries").await, 12);

    // Swapping without a written justification is refused, the typed data kept.
    let outsider = app
        .strings(
            "SELECT a.reference FROM applications a JOIN tracks t ON t.id = a.track_id \
             JOIN editions e ON e.id = t.edition_id WHERE e.slug = 'sdn-2026' AND a.status = 'eligible' \
             AND a.id NOT IN (SELECT application_id FROM shortlist_entries) ORDER BY a.id LIMIT 1",
        )
        .await
        .remove(0);
    let page = admin
        .post_form(
            &format!("{SHORTLIST}/change"),
            &[
                ("reference", outsider.as_str()),
                ("action", "in"),
                ("justification", "car"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.element_text("justification-error").is_some());
    assert_eq!(
        page.input_value("reference").as_deref(),
        Some(outsider.as_str())
    );
    assert_eq!(app.count("shortlist_entries").await, 12);
    assert_eq!(app.count("shortlist_changes").await, 0);
    let page = admin
        .post_form(
            &format!("{SHORTLIST}/change"),
            &[
                ("reference", outsider.as_str()),
                ("action", "in"),
                (
                    "justification",
                    "Seule candidature du secteur agricole au Niger",
                ),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_eq!(app.count("shortlist_entries").await, 13);

    // Not public before publication.
    assert_eq!(
        app.client().get("/finalists/sdn-2026").await.status,
        StatusCode::NOT_FOUND
    );
    let page = admin.post_form(&format!("{SHORTLIST}/publish"), &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("shortlist-lock-first"));
    // The demo's scores tie at the cut: the organisers confirm the tie-breaks shown.
    let page = admin
        .post_form(&format!("{SHORTLIST}/lock"), &[("confirm_ties", "yes")])
        .await;
    assert!(page.status.is_redirection());
    // Locked is frozen.
    let page = admin
        .post_form(
            &format!("{SHORTLIST}/change"),
            &[
                ("reference", outsider.as_str()),
                ("action", "out"),
                ("justification", "Finalement non, après vérification"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("shortlist_entries").await, 13);

    let page = admin.post_form(&format!("{SHORTLIST}/publish"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let applicants = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM applications a JOIN tracks t ON t.id = a.track_id \
             JOIN editions e ON e.id = t.edition_id WHERE e.slug = 'sdn-2026'",
        )
        .await;
    let notified = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE idempotency_key LIKE 'shortlist:%'",
        )
        .await;
    assert_eq!(
        notified, applicants,
        "every applicant is told, selected or not"
    );
    let selected = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE idempotency_key LIKE 'shortlist:%' \
             AND body LIKE 'Félicitations%'",
        )
        .await;
    assert_eq!(selected, 13);
    let with_feedback = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE idempotency_key LIKE 'shortlist:%' \
             AND body LIKE '%Avis %'",
        )
        .await;
    assert!(
        with_feedback > 0,
        "the committee's comments go with the e-mails"
    );
    // Every message carries the whole address of the finalists' page: it opens from a
    // phone's mail or SMS app (no public URL is configured here: the organiser's address).
    let without_link = app
        .strings_with(
            "SELECT recipient FROM outbox WHERE idempotency_key LIKE 'shortlist:%' \
             AND body NOT LIKE '%' || $1 || '%'",
            &app.url("/finalists/sdn-2026"),
        )
        .await;
    assert_eq!(without_link, Vec::<String>::new());
    // Publishing twice notifies nobody twice.
    let page = admin.post_form(&format!("{SHORTLIST}/publish"), &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("shortlist-already-published"));
    let again = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE idempotency_key LIKE 'shortlist:%'",
        )
        .await;
    assert_eq!(again, notified);

    let public = app.client().get("/finalists/sdn-2026").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        !public.text().contains("@exemple.ml"),
        "no contact on the public page"
    );
    let audited = app
        .strings("SELECT action FROM audit_log WHERE action LIKE 'shortlist.%' ORDER BY id")
        .await;
    for action in [
        "shortlist.proposed",
        "shortlist.override_in",
        "shortlist.locked",
        "shortlist.published",
    ] {
        assert!(
            audited.iter().any(|a| a == action),
            "{action} audited: {audited:?}"
        );
    }
    app.finish().await;
}

/// `kene demo` tells the whole 2026 story: eligibility decided, a preselection scored by five
/// reviewers and closed, a published shortlist of 30, the jury's scores and the published
/// results; the audit chain holds.
async fn the_demo_shows_the_2026_selection(backend: Backend) {
    let app = TestApp::start(backend).await;
    let login = kene::demo::seed(&app.state).await.expect("full demo");
    let admin = app.client();
    admin.login(&login.email, &login.password).await;
    let page = admin.get(&format!("{BASE}/ranking")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains(&fr("review-ranking-provisional")));
    page.assert_contains("SDN26-STA-");
    let public = app.client().get("/finalists/sdn-2026").await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(app.count("shortlist_entries").await, 30);
    let ineligible = app
        .scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM applications WHERE status = 'ineligible'")
        .await;
    assert!(
        ineligible > 0,
        "the demo's dossiers from outside the AES are ineligible"
    );
    // The final: jury scores for every finalist, results published with the chain head.
    let sheets = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM score_sheets s JOIN review_rounds r ON r.id = s.round_id \
             WHERE r.kind = 'final' AND s.status = 'submitted'",
        )
        .await;
    assert_eq!(sheets, 30 * 3, "three jurors scored the thirty finalists");
    let results = app.client().get("/results/sdn-2026").await;
    for code in ["STA", "ADM", "CYB"] {
        results.assert_contains(&format!("SDN26-{code}-"));
    }
    results.assert_contains("31 janvier 2026");
    results_published_and_chain_intact(&app).await;
    app.finish().await;
}

/// The version the shortlist's settings form was loaded with.
async fn shortlist_settings_version(admin: &TestClient) -> String {
    admin
        .get(SHORTLIST)
        .await
        .input_value("version")
        .expect("the shortlist settings form carries its version")
}

/// The whole selection in one go over HTTP, as the organisers live it: ~60 dossiers, a
/// committee of five, the shortlist published to every applicant, a jury of two scoring the
/// finalists, the results published; the audit chain holds and the data matches it, then a score
/// rewritten in the database (not in the log) is named.
async fn whole_selection_from_committee_to_published_results(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let eligible = closed_preselection(&app, &admin).await;
    assert!(eligible >= 50);
    let version = shortlist_settings_version(&admin).await;
    let page = admin
        .post_form(
            &format!("{SHORTLIST}/settings"),
            &[("size", "9"), ("version", version.as_str())],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    for step in ["propose", "lock", "publish"] {
        // Locking confirms the tie-breaks shown at the cut.
        let page = admin
            .post_form(&format!("{SHORTLIST}/{step}"), &[("confirm_ties", "yes")])
            .await;
        assert!(page.status.is_redirection(), "{step}: {}", page.text());
    }
    let notified = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE idempotency_key LIKE 'shortlist:%'",
        )
        .await;
    assert!(notified >= 60, "every applicant is notified: {notified}");

    const FINAL: &str = "/admin/editions/sdn-2026/review/final";
    let mut jurors = Vec::new();
    for n in 1..=2 {
        let login = format!("jure{n}@jury.ml");
        jurors.push(
            app.signup_and_verify(&format!("Juré {n}"), &login, &login, PASSWORD)
                .await,
        );
        let tracks = app
            .strings(
                "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
                 WHERE e.slug = 'sdn-2026'",
            )
            .await;
        for track in tracks {
            let page = admin
                .post_form(
                    &format!("{FINAL}/panel"),
                    &[("track", track.as_str()), ("login", login.as_str())],
                )
                .await;
            assert!(page.status.is_redirection(), "jury panel: {}", page.text());
        }
    }
    for (path, fields) in [("assign", vec![]), ("status", vec![("status", "open")])] {
        let page = admin.post_form(&format!("{FINAL}/{path}"), &fields).await;
        assert!(page.status.is_redirection(), "{path}: {}", page.text());
    }
    let mut sheets = 0;
    for (j, juror) in jurors.iter().enumerate() {
        let links = queue_links(juror).await;
        assert_eq!(links.len(), 9, "every juror scores every finalist");
        for (d, link) in links.iter().enumerate() {
            let points = ((d * 3 + j) % 7 + 3).to_string();
            let mut fields: Vec<(String, String)> = [
                "innovation",
                "growth",
                "team",
                "presentation",
                "timing",
                "demo",
            ]
            .iter()
            .map(|k| (k.to_string(), points.clone()))
            .collect();
            fields.push(("action".into(), "submit".into()));
            let page = juror.post_form_owned(link, &fields).await;
            assert!(page.status.is_redirection(), "jury sheet: {}", page.text());
            sheets += 1;
        }
    }
    assert_eq!(sheets, 18);
    let page = admin
        .post_form(&format!("{FINAL}/status"), &[("status", "closed")])
        .await;
    assert!(page.status.is_redirection());
    let page = admin
        .post_form(
            "/admin/editions/sdn-2026/results/publish",
            &[("reason", "")],
        )
        .await;
    assert!(page.status.is_redirection(), "publish: {}", page.text());
    results_published_and_chain_intact(&app).await;
    assert_eq!(
        kene::audit::check_data(app.db())
            .await
            .expect("check the data"),
        vec![],
        "every sheet, decision, shortlist and publication matches its audit entry"
    );
    // A juror's score rewritten in the table, the audit log untouched.
    let victim = app
        .scalar_i64(
            "SELECT MIN(s.id) FROM score_sheets s JOIN review_rounds r ON r.id = s.round_id \
             WHERE r.kind = 'final'",
        )
        .await;
    kene::run!(&app.state.db, |pool| sqlx::query(
        "UPDATE score_sheets SET points_json = REPLACE(points_json, '\"innovation\":', '\"innovation\":1') WHERE id = $1"
    )
    .bind(victim)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("tamper");
    assert!(matches!(
        kene::audit::verify(app.db()).await.expect("verify"),
        kene::audit::ChainCheck::Intact { .. }
    ));
    let found: Vec<(String, String)> = kene::audit::check_data(app.db())
        .await
        .expect("check the data")
        .into_iter()
        .map(|m| (m.id, m.field))
        .collect();
    assert_eq!(
        found,
        vec![(victim.to_string(), "points_json.innovation".to_owned())],
        "the rewritten score is named"
    );
    app.finish().await;
}

/// The public results page shows the audit chain head recorded at publication, and the
/// chain verifies.
async fn results_published_and_chain_intact(app: &TestApp) {
    let results = app.client().get("/results/sdn-2026").await;
    assert_eq!(results.status, StatusCode::OK);
    let head = app
        .strings("SELECT chain_head FROM results_publications")
        .await
        .remove(0);
    results.assert_contains(&head);
    let report = kene::audit::verify(app.db()).await.expect("verify");
    assert!(matches!(report, kene::audit::ChainCheck::Intact { .. }));
}

/// Reviewers declare their conflicts of interest before the assignment, from the list of
/// their panel's dossiers; the assignment then never gives them those dossiers.
async fn reviewers_declare_conflicts_before_the_assignment(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    declare_2026_eligibility(&app, &admin).await;
    let members = committee(&app, &admin).await;
    let (_, second) = &members[1];
    let queue = second.get("/review").await;
    let panel = queue
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|href| href.starts_with("/review/panel/"))
        .expect("a link to the panel page")
        .to_owned();
    let page = second.get(&panel).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("SDN26-STA-0002");
    // Someone not on the panel learns nothing.
    let outsider = app
        .signup_and_verify(
            "Curieux",
            "curieux@exemple.ml",
            "curieux@exemple.ml",
            PASSWORD,
        )
        .await;
    assert_eq!(outsider.get(&panel).await.status, StatusCode::NOT_FOUND);

    // Bad input: an unknown reference, then no reason — message, typed data kept.
    let page = second
        .post_form(
            &panel,
            &[("reference", "SDN26-STA-9999"), ("reason", "Mon frère")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("review-unknown-reference"));
    page.assert_contains("Mon frère");
    let page = second
        .post_form(&panel, &[("reference", "SDN26-STA-0002"), ("reason", " ")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("field-required"));
    assert_eq!(
        page.input_value("reference").as_deref(),
        Some("SDN26-STA-0002")
    );
    assert_eq!(app.count("conflicts").await, 0);

    let page = second
        .post_form(
            &panel,
            &[
                ("reference", "sdn26-sta-0002"),
                ("reason", "Mon frère en est le fondateur"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    second
        .get(&panel)
        .await
        .assert_contains(&fr("review-conflict-declared"));

    let page = admin.post_form(&format!("{BASE}/assign"), &[]).await;
    assert!(page.status.is_redirection());
    let given = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM assignments x JOIN applications a ON a.id = x.application_id \
             JOIN users u ON u.id = x.reviewer_id WHERE a.reference = 'SDN26-STA-0002' AND u.email = 'evaluateur2@comite.ml'",
        )
        .await;
    assert_eq!(
        given, 0,
        "never assigned against a conflict the reviewer declared"
    );
    let others = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM assignments x JOIN applications a ON a.id = x.application_id \
             WHERE a.reference = 'SDN26-STA-0002'",
        )
        .await;
    assert_eq!(others, 3, "the dossier still gets its three reviewers");
    app.finish().await;
}
