//! The call's eligibility rules as rules, on the demo's 2027 tracks: founders' nationality for
//! start-ups, belonging to the Malian administration, no age limit for the hackathon unless an
//! organiser sets one; the decision form starts from the automatic check, an override needs a
//! written reason and the applicant is told; each track has its own default rubric; public
//! pages never title a hackathon dossier with the participant's surname; a decision taken by
//! another organiser meanwhile is shown, never silently replaced.

use reqwest::StatusCode;

use crate::applications::{company_section, pairs, project_section, save_section, PASSWORD};
use crate::support::{fr, small_pdf, Backend, Page, TestApp, TestClient};

both_dbs!(
    a_startup_led_by_a_non_aes_national_is_ineligible_though_registered_in_mali,
    an_administration_answering_no_is_ineligible_and_told_in_english,
    the_hackathon_age_limit_is_off_until_an_organiser_sets_it,
    overriding_the_automatic_check_needs_a_written_reason,
    a_decision_made_meanwhile_is_never_silently_replaced,
    each_track_has_its_own_default_rubric,
    public_pages_never_title_a_hackathon_dossier_with_a_surname,
    name_phone_and_email_given_at_sign_up_are_not_asked_again_empty,
    the_call_page_says_what_documents_and_time_it_takes,
);

/// Starts an application on a 2027 track; returns its public id.
async fn apply(client: &TestClient, track: &str) -> String {
    let page = client
        .post_form(&format!("/calls/sdn-2027/{track}/apply"), &[])
        .await;
    let target = page
        .redirect_target()
        .unwrap_or_else(|| panic!("apply: {} {}", page.status, page.text()));
    target
        .strip_prefix("/applications/")
        .and_then(|rest| rest.strip_suffix("/edit/0"))
        .unwrap_or_else(|| panic!("unexpected redirect {target}"))
        .to_owned()
}

async fn submit(client: &TestClient, id: &str) {
    let page = client
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert!(
        page.status.is_redirection(),
        "submit: {} {}",
        page.status,
        page.text()
    );
}

/// A start-up registered in Mali whose leader (first team row) has `leader_nationality`.
async fn startup(app: &TestApp, email: &str, leader_nationality: &str) -> (TestClient, String) {
    let client = app.signup_and_verify("Awa", email, email, PASSWORD).await;
    let id = apply(&client, "startups").await;
    let base = format!("/applications/{id}");
    save_section(
        &client,
        &id,
        0,
        &company_section("Baara SARL"),
        &format!("{base}/edit/1"),
    )
    .await;
    save_section(
        &client,
        &id,
        1,
        &project_section("Baara Connect"),
        &format!("{base}/edit/2"),
    )
    .await;
    let team = pairs(&[
        ("team[0][name]", "Jean Dupont"),
        ("team[0][role]", "Fondateur"),
        ("team[0][gender]", "m"),
        ("team[0][nationality]", leader_nationality),
        ("team[1][name]", "Moussa Traoré"),
        ("team[1][role]", "Développeur"),
        ("team[1][gender]", "m"),
        ("team[1][nationality]", "ML"),
        ("leader_gender", "m"),
    ]);
    save_section(&client, &id, 2, &team, &format!("{base}/edit/3")).await;
    let page = client
        .upload(
            &format!("{base}/files/technical_sheet"),
            small_pdf("Fiche"),
            "fiche.pdf",
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    save_section(
        &client,
        &id,
        3,
        &pairs(&[("consent", "yes")]),
        &format!("{base}/review"),
    )
    .await;
    submit(&client, &id).await;
    (client, id)
}

/// A hackathon participant (Malian, with an ID card) born on `birth_date`, signed up with
/// `login` (an e-mail or a Malian phone number) and `canonical` (where messages go).
async fn hackathon(
    app: &TestApp,
    login: &str,
    canonical: &str,
    birth_date: &str,
) -> (TestClient, String) {
    hackathon_entrant(app, login, canonical, birth_date, "m").await
}

/// A hackathon participant of the 2027 call, as [`hackathon`], of gender `gender` ("f" or
/// "m"): a submitted dossier, the participant signed in.
pub async fn hackathon_entrant(
    app: &TestApp,
    login: &str,
    canonical: &str,
    birth_date: &str,
    gender: &str,
) -> (TestClient, String) {
    let client = app
        .signup_and_verify("Seydou Konaté", login, canonical, PASSWORD)
        .await;
    let id = apply(&client, "hackathon").await;
    let base = format!("/applications/{id}");
    save_section(
        &client,
        &id,
        0,
        &pairs(&[
            ("first_name", "Seydou"),
            ("last_name", "Konaté"),
            ("birth_date", birth_date),
            ("gender", gender),
            ("nationality", "ML"),
            ("email", "seydou@exemple.ml"),
            ("phone", "76 00 00 01"),
        ]),
        &format!("{base}/edit/1"),
    )
    .await;
    let page = client
        .upload(
            &format!("{base}/files/id_card"),
            small_pdf("CNI"),
            "cni.pdf",
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    save_section(
        &client,
        &id,
        1,
        &pairs(&[("id_document_kind", "national_id")]),
        &format!("{base}/edit/2"),
    )
    .await;
    save_section(
        &client,
        &id,
        2,
        &pairs(&[
            (
                "motivation_letter",
                "Je veux défendre les systèmes du Mali.",
            ),
            ("team_name", "Les Pare-feu"),
            ("consent", "yes"),
        ]),
        &format!("{base}/review"),
    )
    .await;
    submit(&client, &id).await;
    (client, id)
}

/// The organiser's dossier page.
async fn dossier(admin: &TestClient, id: &str) -> Page {
    let page = admin.get(&format!("/admin/applications/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    page
}

/// The decision radio checked on a dossier page.
fn checked_decision(page: &Page) -> String {
    let checked: Vec<&str> = ["eligible", "ineligible", "submitted"]
        .into_iter()
        .filter(|v| {
            page.body
                .contains(&format!("name=\"status\" value=\"{v}\" checked"))
        })
        .collect();
    assert_eq!(checked.len(), 1, "one decision checked:\n{}", page.body);
    checked[0].to_owned()
}

/// How many conditions of the track the dossier meets and fails, as the organiser sees them.
fn conditions(page: &Page) -> (usize, usize) {
    (
        page.body.matches("data-met=\"true\"").count(),
        page.body.matches("data-met=\"false\"").count(),
    )
}

async fn status_of(app: &TestApp, id: &str) -> String {
    crate::applications::application_field(app, id, "status")
        .await
        .unwrap_or_default()
}

async fn eligibility_messages(app: &TestApp) -> i64 {
    app.scalar_i64(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE idempotency_key LIKE 'eligibility:%'",
    )
    .await
}

async fn a_startup_led_by_a_non_aes_national_is_ineligible_though_registered_in_mali(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (client, id) = startup(&app, "jean@exemple.ml", "FR").await;
    let (_, ok_id) = startup(&app, "awa@exemple.ml", "BF").await;

    // The applicant sees the failed rule before the organisers decide.
    let review = client.get(&format!("/applications/{id}/review")).await;
    review.assert_contains(
        "Le ou la responsable (première ligne de « Membres de l'équipe ») doit être de nationalité : Mali, Burkina Faso, Niger.",
    );
    // The organiser sees both conditions: registration met, the leader's nationality not.
    let page = dossier(&admin, &id).await;
    page.assert_contains("(champ « Pays d'immatriculation »)");
    let (met, failed) = conditions(&page);
    assert_eq!(failed, 1, "only the leader's nationality fails");
    assert!(met >= 2, "registration and applicant kind are met");
    assert_eq!(checked_decision(&page), "ineligible");
    // A leader from Burkina Faso passes every rule.
    let page = dossier(&admin, &ok_id).await;
    assert_eq!(conditions(&page).1, 0);
    assert_eq!(checked_decision(&page), "eligible");
    // The public track page states the condition.
    let track = app.client().get("/calls/sdn-2027/startups").await;
    track.assert_contains("doit être de nationalité : Mali, Burkina Faso, Niger");
    track.assert_contains("Pièces requises : Fiche technique du projet.");

    // Confirming the failed check without words of one's own: its reasons are the decision's,
    // and the applicant is told them.
    let page = admin
        .post_form(
            &format!("/admin/applications/{id}/status"),
            &[
                ("status", "ineligible"),
                ("reason", ""),
                ("from", "submitted"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_eq!(status_of(&app, &id).await, "ineligible");
    let leader_rule = "Le ou la responsable (première ligne de « Membres de l'équipe ») doit être de nationalité : Mali, Burkina Faso, Niger.";
    assert_eq!(
        crate::applications::application_field(&app, &id, "status_reason")
            .await
            .as_deref(),
        Some(leader_rule)
    );
    let body = app.outbox_body("jean@exemple.ml").await.expect("a message");
    assert!(
        body.contains("n'est pas éligible") && body.contains(leader_rule),
        "{body}"
    );
    app.finish().await;
}

async fn an_administration_answering_no_is_ineligible_and_told_in_english(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let email = "dnen@exemple.ml";
    let client = app.signup_and_verify("DNEN", email, email, PASSWORD).await;
    // The applicant reads in English (their account's language).
    kene::run!(&app.state.db, |pool| sqlx::query(
        "UPDATE users SET locale = 'en' WHERE email = $1"
    )
    .bind(email)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("locale");
    let id = apply(&client, "administration").await;
    let base = format!("/applications/{id}");
    save_section(
        &client,
        &id,
        0,
        &pairs(&[
            ("applicant_kind", "administration"),
            ("service_name", "Direction de l'économie numérique"),
            ("ministry", "Ministère de la Communication"),
            ("country", "ML"),
            ("is_malian_administration", "no"),
            ("contact_name", "Fatoumata Diallo"),
            ("contact_email", email),
            ("contact_phone", "70 00 00 02"),
        ]),
        &format!("{base}/edit/1"),
    )
    .await;
    save_section(
        &client,
        &id,
        1,
        &pairs(&[
            ("project_title", "e-Courrier"),
            (
                "project_description",
                "Le courrier administratif dématérialisé.",
            ),
            ("domain", "e_administration"),
            ("users", "Les agents."),
            ("status", "pilot"),
            ("impact", "Des délais divisés par trois."),
        ]),
        &format!("{base}/edit/2"),
    )
    .await;
    save_section(
        &client,
        &id,
        2,
        &pairs(&[
            ("team[0][name]", "Fatoumata Diallo"),
            ("team[0][role]", "Cheffe de projet"),
            ("team[0][gender]", "f"),
            ("leader_gender", "f"),
            ("consent", "yes"),
        ]),
        &format!("{base}/review"),
    )
    .await;
    submit(&client, &id).await;

    let page = dossier(&admin, &id).await;
    page.assert_contains(
        "La réponse à « Le service relève-t-il de l'administration malienne ? » doit être « Oui ».",
    );
    assert_eq!(conditions(&page).1, 1, "only the Non fails");
    assert_eq!(checked_decision(&page), "ineligible");
    // Confirming the check's verdict needs no override reason; the check's reason is kept.
    let reason = "Service rattaché à une organisation internationale.";
    let page = admin
        .post_form(
            &format!("/admin/applications/{id}/status"),
            &[
                ("status", "ineligible"),
                ("reason", reason),
                ("from", "submitted"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_eq!(status_of(&app, &id).await, "ineligible");
    let body = app.outbox_body(email).await.expect("a message");
    assert!(
        body.contains("is not eligible")
            && body.contains(reason)
            && body.contains("SDN27-ADM-0001"),
        "the English decision with its reason: {body}"
    );
    // The applicant's space shows why.
    let overview = client.get(&format!("/applications/{id}")).await;
    overview.assert_contains(reason);
    app.finish().await;
}

/// Every named field of the track editor as loaded (whatever fields it gains), with
/// `rules_json` replaced.
fn track_form(page: &Page, rules_json: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    for chunk in page.body.split("name=\"").skip(1) {
        let Some(name) = chunk.split('"').next() else {
            continue;
        };
        if name == "csrf" || fields.iter().any(|(n, _)| n == name) {
            continue;
        }
        let value = if name == "rules_json" {
            rules_json.to_owned()
        } else {
            page.input_value(name)
                .or_else(|| page.element_text(name))
                .unwrap_or_default()
        };
        fields.push((name.to_owned(), value));
    }
    fields
}

async fn the_hackathon_age_limit_is_off_until_an_organiser_sets_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    // 40 on the 2027 call's closing date (2 December 2026).
    let (client, id) =
        hackathon(&app, "seydou@exemple.ml", "seydou@exemple.ml", "1986-06-01").await;
    let public = app.client().get("/calls/sdn-2027/hackathon").await;
    assert_eq!(public.status, StatusCode::OK);
    let review = client.get(&format!("/applications/{id}/review")).await;
    for page in [&public, &review] {
        assert!(
            !page.text().contains("L'âge") && !page.text().contains("15 et 35"),
            "no age rule shown to applicants while none is set:\n{}",
            page.text()
        );
    }
    let page = dossier(&admin, &id).await;
    assert_eq!(conditions(&page), (2, 0), "nationality and ID document met");
    assert_eq!(checked_decision(&page), "eligible");

    // The organiser sets 15–35 on the track page.
    let track_id = app
        .scalar_i64(
            "SELECT CAST(t.id AS BIGINT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2027' AND t.slug = 'hackathon'",
        )
        .await;
    let path = format!("/admin/tracks/{track_id}");
    let editor = admin.get(&path).await;
    assert_eq!(editor.status, StatusCode::OK);
    let mut rules: Vec<serde_json::Value> =
        serde_json::from_str(&editor.element_text("rules_json").expect("rules editor"))
            .expect("rules JSON");
    assert_eq!(rules.len(), 2, "nationality and ID document, no age");
    rules.push(
        serde_json::json!({"rule": "age_between", "field": "birth_date", "min": 15, "max": 35}),
    );
    let fields = track_form(&editor, &serde_json::to_string(&rules).expect("JSON"));
    let page = admin.post_form_owned(&path, &fields).await;
    assert!(page.status.is_redirection(), "saved: {}", page.text());

    let page = dossier(&admin, &id).await;
    page.assert_contains("L'âge doit être compris entre 15 et 35 ans au 02/12/2026");
    assert_eq!(conditions(&page), (2, 1));
    assert_eq!(checked_decision(&page), "ineligible");
    let public = app.client().get("/calls/sdn-2027/hackathon").await;
    public.assert_contains("L'âge doit être compris entre 15 et 35 ans");
    app.finish().await;
}

async fn overriding_the_automatic_check_needs_a_written_reason(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (_, id) = startup(&app, "jean@exemple.ml", "SN").await;
    let status_url = format!("/admin/applications/{id}/status");
    assert_eq!(checked_decision(&dossier(&admin, &id).await), "ineligible");
    let audited = || async {
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'application.status'",
        )
        .await
    };

    // Declaring it eligible against the check, without a reason: refused, typed choice kept,
    // nothing written.
    let page = admin
        .post_form(
            &status_url,
            &[
                ("status", "eligible"),
                ("reason", "  "),
                ("from", "submitted"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("decision-error"),
        Some(fr("eligibility-override-reason-required"))
    );
    assert_eq!(checked_decision(&page), "eligible");
    // In English too.
    admin.jar.add_cookie_str("kene_lang=en", &admin.base);
    let page = admin
        .post_form(
            &status_url,
            &[
                ("status", "eligible"),
                ("reason", ""),
                ("from", "submitted"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("decision-error").as_deref(),
        Some("This decision differs from the automatic check: give the reason in writing.")
    );
    assert_eq!(status_of(&app, &id).await, "submitted");
    assert_eq!(audited().await, 0);
    assert_eq!(eligibility_messages(&app).await, 0);

    // With a reason: applied, audited as an override, and the applicant is told.
    let reason = "Le fondateur a la double nationalité malienne (pièce vérifiée).";
    let page = admin
        .post_form(
            &status_url,
            &[
                ("status", "eligible"),
                ("reason", reason),
                ("from", "submitted"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_eq!(status_of(&app, &id).await, "eligible");
    let details = app
        .strings("SELECT details FROM audit_log WHERE action = 'application.status'")
        .await;
    assert_eq!(details.len(), 1);
    let details: serde_json::Value = serde_json::from_str(&details[0]).expect("JSON details");
    assert_eq!(details["automatic"], "ineligible");
    assert_eq!(details["to"], "eligible");
    assert_eq!(details["override"], true);
    assert_eq!(details["reason"], reason);
    let body = app.outbox_body("jean@exemple.ml").await.expect("a message");
    assert_eq!(
        body,
        "Votre candidature SDN27-STA-0001 « Baara Connect » est déclarée éligible. Elle sera examinée par le comité de présélection."
    );
    assert_eq!(eligibility_messages(&app).await, 1);

    // An applicant signed up by phone gets a short plain-ASCII SMS.
    let (_, cyb) = hackathon(&app, "76 00 00 09", "+22376000009", "2004-02-29").await;
    admin.declare_eligible(&cyb, "").await;
    let sms = app.outbox_body("+22376000009").await.expect("an SMS");
    assert_eq!(
        sms,
        "Votre candidature SDN27-CYB-0001 est eligible. Prochaine etape : la preselection."
    );
    assert!(sms.is_ascii() && sms.len() <= 160);
    app.finish().await;
}

async fn each_track_has_its_own_default_rubric(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let mut rubrics = Vec::new();
    for slug in ["startups", "administration", "hackathon"] {
        let track_id = app
            .scalar_i64(&format!(
                "SELECT CAST(t.id AS BIGINT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
                 WHERE e.slug = 'sdn-2027' AND t.slug = '{slug}'"
            ))
            .await;
        let mut per_round = Vec::new();
        for round in ["preselection", "final"] {
            let page = admin
                .get(&format!(
                    "/admin/editions/sdn-2027/review/{round}/rubric/{track_id}"
                ))
                .await;
            assert_eq!(page.status, StatusCode::OK, "{slug} {round}");
            let json = page.element_text("criteria_json").expect("rubric editor");
            let rubric: serde_json::Value = serde_json::from_str(&json).expect("rubric JSON");
            let labels: Vec<String> = rubric["criteria"]
                .as_array()
                .expect("criteria")
                .iter()
                .map(|c| c["label"]["fr"].as_str().unwrap_or_default().to_owned())
                .collect();
            // Still editable: nothing is scored yet.
            assert!(!page.body.contains("readonly"), "{slug} {round}");
            per_round.push(labels);
        }
        rubrics.push((slug, per_round));
    }
    let labels = |slug: &str, round: usize| -> Vec<String> {
        rubrics
            .iter()
            .find(|(s, _)| *s == slug)
            .map(|(_, r)| r[round].clone())
            .unwrap_or_default()
    };
    for round in [0, 1] {
        assert_ne!(labels("startups", round), labels("administration", round));
        assert_ne!(labels("startups", round), labels("hackathon", round));
        assert_ne!(labels("administration", round), labels("hackathon", round));
    }
    let has = |slug: &str, label: &str| labels(slug, 0).iter().any(|l| l == label);
    assert!(has("startups", "Potentiel de croissance"));
    assert!(has(
        "administration",
        "Impact pour les usagers et l'administration"
    ));
    assert!(has("hackathon", "Compétences techniques"));
    app.finish().await;
}

async fn public_pages_never_title_a_hackathon_dossier_with_a_surname(backend: Backend) {
    let app = TestApp::start(backend).await;
    kene::demo::seed(&app.state).await.expect("full demo");
    // The 2026 hackathon finalists: reference, title, and the participant's own names.
    let rows = app
        .strings(
            "SELECT a.reference || '|' || a.title || '|' || a.answers_json FROM shortlist_entries s \
             JOIN applications a ON a.id = s.application_id JOIN tracks t ON t.id = a.track_id \
             WHERE t.code = 'CYB' ORDER BY a.reference",
        )
        .await;
    assert!(!rows.is_empty(), "the demo has hackathon finalists");
    let mut finalists = Vec::new();
    for row in rows {
        let mut parts = row.splitn(3, '|');
        let (reference, title, answers) = (
            parts.next().unwrap_or_default().to_owned(),
            parts.next().unwrap_or_default().to_owned(),
            parts.next().unwrap_or_default(),
        );
        let answers: serde_json::Value = serde_json::from_str(answers).expect("answers");
        let text = |k: &str| answers[k]["text"].as_str().unwrap_or_default().to_owned();
        assert!(!text("last_name").is_empty(), "{reference} has a surname");
        assert_eq!(
            title,
            text("team_name"),
            "{reference} is titled by its team name"
        );
        finalists.push((reference, title, text("last_name")));
    }
    let public = app.client();
    // The public list of finalists names each finalist's title in bold (next to the account's
    // display name, which is not a title).
    let list = public.get("/finalists/sdn-2026").await.text();
    for (reference, title, surname) in &finalists {
        assert!(
            list.contains(&format!("<strong>{title}</strong>")),
            "{reference}'s team name is its title on the finalists' list"
        );
        assert!(
            !list.contains(&format!("<strong>{surname}</strong>")),
            "{reference} is titled with a surname on the finalists' list"
        );
    }
    // Results, pitches and certificates show titles and team names only.
    let mut pages = vec![
        public.get("/results/sdn-2026").await,
        public.get("/pitches/sdn-2026").await,
    ];
    for (reference, ..) in &finalists {
        let page = public
            .get(&format!("/results/sdn-2026/certificates/{reference}"))
            .await;
        // Only laureates have certificates.
        if page.status == StatusCode::OK {
            pages.push(page);
        }
    }
    assert!(
        pages.len() > 2,
        "at least one hackathon laureate's certificate"
    );
    for page in &pages {
        assert_eq!(page.status, StatusCode::OK);
    }
    let text: String = pages.iter().map(Page::text).collect();
    for (reference, title, surname) in &finalists {
        assert!(text.contains(title), "{reference}'s team name is shown");
        assert!(
            !text.contains(surname.as_str()),
            "{reference}: the participant's surname ({surname}) is on a public page"
        );
    }
    app.finish().await;
}

async fn a_decision_made_meanwhile_is_never_silently_replaced(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (email, password) = app.seed_demo().await;
    let (first, second) = (app.client(), app.client());
    first.login(&email, &password).await;
    second.login(&email, &password).await;
    let (_, id) = startup(&app, "jean@exemple.ml", "SN").await;
    let status_url = format!("/admin/applications/{id}/status");
    // Both load the dossier; the form says which status it was loaded from.
    for organiser in [&first, &second] {
        let page = dossier(organiser, &id).await;
        assert_eq!(page.input_value("from").as_deref(), Some("submitted"));
    }
    let reason = "Nationalité du fondateur non conforme.";
    let page = first
        .post_form(
            &status_url,
            &[
                ("status", "ineligible"),
                ("reason", reason),
                ("from", "submitted"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());

    // The second decides from the stale page: refused, shown the stored decision, choice kept.
    let typed = "Dossier complet, fondateur binational.";
    let page = second
        .post_form(
            &status_url,
            &[
                ("status", "eligible"),
                ("reason", typed),
                ("from", "submitted"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let error = page
        .element_text("decision-error")
        .expect("the conflict is said");
    assert!(
        error.contains(&fr("status-ineligible")) && error.contains(reason),
        "the stored decision is shown: {error}"
    );
    assert_eq!(checked_decision(&page), "eligible");
    page.assert_contains(typed);
    assert_eq!(page.input_value("from").as_deref(), Some("ineligible"));
    assert_eq!(status_of(&app, &id).await, "ineligible");
    assert_eq!(
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'application.status'",
        )
        .await,
        1
    );
    // A form that does not say what it was loaded from is never applied blind.
    let page = second
        .post_form(&status_url, &[("status", "eligible"), ("reason", typed)])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(status_of(&app, &id).await, "ineligible");

    // Saving again, knowingly, from what is stored now replaces it.
    let page = second
        .post_form(
            &status_url,
            &[
                ("status", "eligible"),
                ("reason", typed),
                ("from", "ineligible"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    assert_eq!(status_of(&app, &id).await, "eligible");
    app.finish().await;
}

async fn name_phone_and_email_given_at_sign_up_are_not_asked_again_empty(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let client = app
        .signup_and_verify("Seydou Konaté", "76 00 00 01", "+22376000001", PASSWORD)
        .await;
    let id = apply(&client, "hackathon").await;
    let step = client.get(&format!("/applications/{id}/edit/0")).await;
    assert_eq!(step.input_value("first_name").as_deref(), Some("Seydou"));
    assert_eq!(step.input_value("last_name").as_deref(), Some("Konaté"));
    assert_eq!(step.input_value("phone").as_deref(), Some("+22376000001"));
    assert_eq!(step.input_value("email").as_deref(), Some(""));
    app.finish().await;
}

/// Before signing up, the call page lists the documents to have at hand (the identity
/// documents as one choice, with formats and size), the number of steps and the time.
async fn the_call_page_says_what_documents_and_time_it_takes(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let page = app.client().get("/calls/sdn-2027/hackathon").await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page.body.find("id=\"what-you-need\"").expect("the box");
    let bx = &page.body[start..start + page.body[start..].find("</section>").unwrap_or(0)];
    let bx = crate::support::unescape(bx);
    assert!(
        bx.contains("Une pièce au choix : Carte d'identité nationale ou Carte NINA ou Passeport (JPEG, PNG, PDF, 12 Mo au plus)"),
        "{bx}"
    );
    assert!(bx.contains("3 étapes, environ "), "{bx}");
    // The conditions in the organisers' plain words, not the rules' technical wording.
    let body = crate::support::unescape(&page.body);
    let shown = body
        .split("id=\"conditions\">")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_default();
    assert!(
        shown.contains("<li>Être de nationalité malienne.</li>"),
        "{shown}"
    );
    assert!(
        !shown.contains("(champ «"),
        "the rules' wording is folded: {shown}"
    );
    let startups = app.client().get("/calls/sdn-2027/startups").await;
    assert!(
        crate::support::unescape(&startups.body).contains("(PDF, 10 Mo au plus)"),
        "{}",
        startups.body
    );
    app.finish().await;
}
