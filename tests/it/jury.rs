//! The final over HTTP: from a closed preselection and a locked shortlist, the organisers name
//! the jury per category (a conflict of interest kept out of the assignment), build the pitch
//! schedule, time the pitches (the measured time pre-fills the jurors' timing criterion), the
//! jurors score on the score form, the organisers watch the progress, close the round,
//! deliberate, publish the results (public page, certificates) and a correction with its
//! reason; bad inputs are refused with messages; the audit chain holds, then names the row
//! altered behind its back (`kene audit verify` too).

use reqwest::StatusCode;

use crate::support::builders::ShortlistBuilder;
use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(final_from_pitches_to_published_results);

pub const PASSWORD: &str = "mot de passe du jury";
pub const FINAL: &str = "/admin/editions/sdn-2026/review/final";
pub const JURY: &str = "/admin/editions/sdn-2026/jury";
/// The criteria of the default final rubric (the bonus left blank).
const CRITERIA: [&str; 6] = [
    "innovation",
    "growth",
    "team",
    "presentation",
    "timing",
    "demo",
];

/// A finalist as the tests know it.
#[derive(Debug, Clone)]
pub struct Finalist {
    pub id: String,
    pub reference: String,
    pub public_id: String,
    pub title: String,
}

/// The final ready to be scored: finalists per category (in shortlist order) and jurors.
pub struct FinalSetup {
    pub startups: Vec<Finalist>,
    pub administration: Vec<Finalist>,
    pub jurors: Vec<(String, TestClient)>,
}

async fn finalists_of(app: &TestApp, code: &str, n: usize) -> Vec<Finalist> {
    let rows = app
        .strings_with(
            "SELECT CAST(a.id AS TEXT) || '|' || a.reference || '|' || a.public_id || '|' || a.title \
             FROM applications a JOIN tracks t ON t.id = a.track_id \
             JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026' AND t.code = $1 AND a.reference IS NOT NULL \
             AND a.status NOT IN ('draft', 'ineligible', 'withdrawn') ORDER BY a.reference",
            code,
        )
        .await;
    assert!(rows.len() >= n, "{code}: only {} dossiers", rows.len());
    rows.into_iter()
        .take(n)
        .map(|row| {
            let parts: Vec<&str> = row.splitn(4, '|').collect();
            Finalist {
                id: parts[0].to_owned(),
                reference: parts[1].to_owned(),
                public_id: parts[2].to_owned(),
                title: parts[3].to_owned(),
            }
        })
        .collect()
}

async fn exec(app: &TestApp, sql: &str) {
    kene::run!(app.db(), |pool| sqlx::query(sql)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn track_id(app: &TestApp, code: &str) -> String {
    app.strings_with(
        "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
         WHERE e.slug = 'sdn-2026' AND t.code = $1",
        code,
    )
    .await
    .remove(0)
}

/// The shortlist of the 2026 demo edition (a draft) replaced by `finalists`, in this order,
/// as organisers propose it, and locked when asked.
async fn set_shortlist(app: &TestApp, finalists: &[&Finalist], locked: bool) {
    let mut shortlist = ShortlistBuilder::of("sdn-2026");
    for f in finalists {
        shortlist = shortlist.with(&f.public_id);
    }
    if locked {
        shortlist = shortlist.locked();
    }
    shortlist.build(app).await;
}

/// The final's links in a juror's queue.
pub async fn final_links(client: &TestClient) -> Vec<String> {
    let round = "/review/";
    let page = client.get("/review").await;
    assert_eq!(page.status, StatusCode::OK);
    page.text()
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|href| href.starts_with(round) && href.matches('/').count() == 3)
        .filter(|href| !href.starts_with("/review/panel/"))
        .map(str::to_owned)
        .collect()
}

/// Demo data, four start-up finalists and three from the administration (shortlist locked
/// unless `locked` is false), jurors signed up and named per category: jurors 1 and 2 on the
/// start-ups, 2 and 3 on the administration.
pub async fn prepare_final(app: &TestApp, admin: &TestClient, jurors: usize) -> FinalSetup {
    let startups = finalists_of(app, "STA", 4).await;
    let administration = finalists_of(app, "ADM", 3).await;
    let all: Vec<&Finalist> = startups.iter().chain(&administration).collect();
    set_shortlist(app, &all, true).await;
    let mut members = Vec::new();
    for n in 1..=jurors {
        let login = format!("jure{n}@jury.ml");
        let client = app
            .signup_and_verify(&format!("Juré {n}"), &login, &login, PASSWORD)
            .await;
        members.push((login, client));
    }
    let sta = track_id(app, "STA").await;
    let adm = track_id(app, "ADM").await;
    for (i, (login, _)) in members.iter().enumerate() {
        let tracks: Vec<&String> = match i {
            0 => vec![&sta],
            1 => vec![&sta, &adm],
            _ => vec![&adm],
        };
        for track in tracks {
            let page = admin
                .post_form(
                    &format!("{FINAL}/panel"),
                    &[("track", track.as_str()), ("login", login.as_str())],
                )
                .await;
            assert!(page.status.is_redirection(), "panel: {}", page.text());
        }
    }
    FinalSetup {
        startups,
        administration,
        jurors: members,
    }
}

fn sheet(level: u32, timing: Option<&str>) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = CRITERIA
        .iter()
        .map(|k| (k.to_string(), level.to_string()))
        .collect();
    if let Some(t) = timing {
        fields.retain(|(k, _)| k != "timing");
        fields.push(("timing".into(), t.to_owned()));
    }
    fields.push(("action".into(), "submit".into()));
    fields
}

async fn final_from_pitches_to_published_results(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    the_final_waits_for_a_locked_shortlist(&app, &admin).await;
    let FinalSetup {
        startups,
        administration,
        jurors,
    } = prepare_final(&app, &admin, 3).await;
    let scene = Scene {
        anonymous: app.client(),
        app,
        admin,
        startups,
        administration,
        jurors,
    };
    the_jury_is_named_and_assigned_around_a_conflict(&scene).await;
    the_pitch_schedule_refuses_bad_input_and_goes_public_with_the_finalists(&scene).await;
    the_allowed_time_is_set_and_the_round_opens(&scene).await;
    the_timer_measures_the_pitches(&scene).await;
    let link_s1 = jurors_open_only_their_category_and_strangers_nothing(&scene).await;
    let link_s1_juror2 =
        jurors_score_and_the_organiser_follows_the_progress(&scene, &link_s1).await;
    the_round_closes_and_the_results_are_published(&scene, &link_s1_juror2).await;
    a_correction_is_published_with_its_reason(&scene).await;
    certificates_are_printed_and_verified(&scene).await;
    the_audit_chain_holds_and_names_a_tampered_row(&scene).await;
    scene.app.finish().await;
}

/// What the steps of the final share: the server, the organiser, the finalists (start-ups
/// and administration, in shortlist order), the jurors, and a visitor who never signs in.
struct Scene {
    app: TestApp,
    admin: TestClient,
    startups: Vec<Finalist>,
    administration: Vec<Finalist>,
    jurors: Vec<(String, TestClient)>,
    anonymous: TestClient,
}

impl Scene {
    fn startups(&self) -> (&Finalist, &Finalist, &Finalist, &Finalist) {
        let s = &self.startups;
        (&s[0], &s[1], &s[2], &s[3])
    }

    fn administration(&self) -> (&Finalist, &Finalist, &Finalist) {
        let a = &self.administration;
        (&a[0], &a[1], &a[2])
    }
}

/// While the shortlist is a draft, the final neither opens nor assigns.
async fn the_final_waits_for_a_locked_shortlist(app: &TestApp, admin: &TestClient) {
    let startups = finalists_of(app, "STA", 4).await;
    let administration = finalists_of(app, "ADM", 3).await;

    // While the shortlist is a draft, the final neither opens nor assigns.
    let all: Vec<&Finalist> = startups.iter().chain(&administration).collect();
    set_shortlist(app, &all, false).await;
    let page = admin.get(FINAL).await;
    assert_eq!(page.status, StatusCode::OK, "the final round page exists");
    let page = admin
        .post_form(&format!("{FINAL}/status"), &[("status", "open")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("jury-shortlist-not-locked"));
    let page = admin.post_form(&format!("{FINAL}/assign"), &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("jury-shortlist-not-locked"));
    let page = admin.get(JURY).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("jury-shortlist-not-locked"));
}

/// The jury named per category; a conflict of interest kept out of the assignment.
async fn the_jury_is_named_and_assigned_around_a_conflict(scene: &Scene) {
    let Scene { app, admin, .. } = scene;
    let (s1, s2, _, s4) = scene.startups();
    // Women-led: the best start-up (a category laureate) and the fourth one.
    exec(app, "UPDATE applications SET women_led = FALSE").await;
    exec(
        app,
        &format!(
            "UPDATE applications SET women_led = TRUE WHERE id IN ({}, {})",
            s1.id, s4.id
        ),
    )
    .await;

    // The organiser records a conflict: juror 1 knows the second start-up.
    let page = admin
        .post_form(
            &format!("{FINAL}/conflict"),
            &[
                ("reference", s2.reference.as_str()),
                ("login", "jure1@jury.ml"),
                ("reason", "Ancien employeur du juré"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "conflict: {}", page.text());
    let page = admin.post_form(&format!("{FINAL}/assign"), &[]).await;
    assert!(page.status.is_redirection(), "assign: {}", page.text());
    // Every juror of a category scores every finalist of it, never against a conflict.
    let final_assignments = "SELECT CAST(COUNT(*) AS BIGINT) FROM assignments x \
                             JOIN review_rounds r ON r.id = x.round_id WHERE r.kind = 'final'";
    assert_eq!(app.scalar_i64(final_assignments).await, 4 * 2 - 1 + 3 * 2);
    let conflicted = app
        .scalar_i64(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM assignments x JOIN users u ON u.id = x.reviewer_id \
             WHERE x.application_id = {} AND u.email = 'jure1@jury.ml'",
            s2.id
        ))
        .await;
    assert_eq!(conflicted, 0, "never assigned against a conflict");
    let jurors_have_the_juror_role = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM role_grants g JOIN users u ON u.id = g.user_id \
             WHERE g.role = 'juror' AND u.email LIKE 'jure%@jury.ml'",
        )
        .await;
    assert_eq!(jurors_have_the_juror_role, 3);
}

/// The pitch schedule: bad input refused with messages, typed values kept; public with the finalists.
async fn the_pitch_schedule_refuses_bad_input_and_goes_public_with_the_finalists(scene: &Scene) {
    let Scene { app, admin, .. } = scene;
    let (_, s2, _, _) = scene.startups();
    let (_, _, a3) = scene.administration();
    // The pitch schedule: bad input refused with messages, typed values kept.
    let sta = track_id(app, "STA").await;
    let adm = track_id(app, "ADM").await;
    let page = admin
        .post_form(
            &format!("{JURY}/schedule"),
            &[
                ("track", sta.as_str()),
                ("start", "demain matin"),
                ("minutes", "0"),
                ("room", "Salle 1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("schedule_start-error"),
        Some(fr("pitch-bad-start"))
    );
    assert_eq!(
        page.element_text("schedule_minutes-error"),
        Some(fr("pitch-bad-minutes"))
    );
    assert_eq!(
        page.input_value("start").as_deref(),
        Some("demain matin"),
        "typed value kept"
    );
    for (track, start, room) in [
        (&sta, "2026-01-29T09:00", "Salle 1 (CICB)"),
        (&adm, "2026-01-29T11:00", "Salle 2 (CICB)"),
    ] {
        let page = admin
            .post_form(
                &format!("{JURY}/schedule"),
                &[
                    ("track", track.as_str()),
                    ("start", start),
                    ("minutes", "10"),
                    ("room", room),
                ],
            )
            .await;
        assert!(page.status.is_redirection(), "schedule: {}", page.text());
    }
    assert_eq!(app.count("pitch_slots").await, 7);
    // Civil time in Africa/Bamako (UTC+0): the second start-up pitches at 09:10.
    let second_at = app
        .scalar_i64(&format!(
            "SELECT CAST(starts_at AS BIGINT) FROM pitch_slots WHERE application_id = {}",
            s2.id
        ))
        .await;
    let expected: jiff::Timestamp = "2026-01-29T09:10:00Z".parse().expect("instant");
    assert_eq!(second_at, expected.as_millisecond());
    // One slot moved by hand.
    let page = admin
        .post_form(
            &format!("{JURY}/slot"),
            &[
                ("reference", a3.reference.to_lowercase().as_str()),
                ("position", "3"),
                ("start", "2026-01-29T14:00"),
                ("minutes", "12"),
                ("room", "Salle 3"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "slot: {}", page.text());
    let page = admin
        .post_form(
            &format!("{JURY}/slot"),
            &[
                ("reference", "SDN26-XXX-9999"),
                ("position", "1"),
                ("start", "2026-01-29T14:00"),
                ("minutes", "12"),
                ("room", "Salle 3"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("slot_reference-error"),
        Some(fr("pitch-unknown-finalist"))
    );
    let page = admin.get(JURY).await;
    page.assert_contains("Salle 3");
    page.assert_contains("29 janvier 2026 à 09:10");
    // The public programme of the pitches waits for the finalists to be public.
    let visitor = app.client();
    assert_eq!(
        visitor.get("/pitches/sdn-2026").await.status,
        StatusCode::NOT_FOUND
    );
    exec(app, "UPDATE shortlists SET status = 'published'").await;
    let page = visitor.get("/pitches/sdn-2026").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("29 janvier 2026 à 09:10</strong> · Salle 1 (CICB)");
    page.assert_contains(&s2.title);
    assert!(!page.body.contains("@exemple.ml"), "no personal contact");
}

/// The allowed time: refused when not a duration; then the round opens.
async fn the_allowed_time_is_set_and_the_round_opens(scene: &Scene) {
    let Scene { admin, .. } = scene;
    // Allowed time: refused when not a duration, kept as typed.
    let page = admin
        .post_form(&format!("{JURY}/settings"), &[("allowed", "cinq")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("allowed-error"),
        Some(fr("pitch-bad-allowed"))
    );
    assert_eq!(page.input_value("allowed").as_deref(), Some("cinq"));
    let version = admin
        .get(JURY)
        .await
        .input_value("version")
        .expect("the settings form carries its version");
    let page = admin
        .post_form(
            &format!("{JURY}/settings"),
            &[("allowed", "5"), ("version", version.as_str())],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());

    let page = admin
        .post_form(&format!("{FINAL}/status"), &[("status", "open")])
        .await;
    assert!(page.status.is_redirection(), "open: {}", page.text());
}

/// The timer measures each pitch on the server's clock.
async fn the_timer_measures_the_pitches(scene: &Scene) {
    let Scene { app, admin, .. } = scene;
    let (s1, _, _, _) = scene.startups();
    let (a1, _, _) = scene.administration();
    // The timer: 5 min 40 s on the server's clock for the first start-up.
    let start = format!("{JURY}/pitches/{}/start", s1.reference);
    let stop = format!("{JURY}/pitches/{}/stop", s1.reference);
    let page = admin.post_form(&stop, &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "not running yet");
    page.assert_contains(&fr("pitch-timer-not-running"));
    assert!(admin.post_form(&start, &[]).await.status.is_redirection());
    let page = admin.get(JURY).await;
    page.assert_contains("data-timer-since=");
    app.clock.advance(jiff::SignedDuration::from_secs(340));
    assert!(admin.post_form(&stop, &[]).await.status.is_redirection());
    let measured = app
        .scalar_i64(&format!(
            "SELECT CAST(measured_secs AS BIGINT) FROM pitch_slots WHERE application_id = {}",
            s1.id
        ))
        .await;
    assert_eq!(measured, 340);
    let page = admin.get(JURY).await;
    page.assert_contains("5 min 40 s");
    // A pitch finishing in time: full points.
    let start_a1 = format!("{JURY}/pitches/{}/start", a1.reference);
    assert!(admin
        .post_form(&start_a1, &[])
        .await
        .status
        .is_redirection());
    app.clock.advance(jiff::SignedDuration::from_secs(290));
    let page = admin
        .post_form(&format!("{JURY}/pitches/{}/stop", a1.reference), &[])
        .await;
    assert!(page.status.is_redirection());
}

/// Jurors reach only their category's finalists; applicants and visitors see no score.
async fn jurors_open_only_their_category_and_strangers_nothing(scene: &Scene) -> String {
    let Scene {
        app,
        anonymous,
        jurors,
        ..
    } = scene;
    let (s1, s2, _, _) = scene.startups();
    // Juror 1 scores the start-ups; the timing criterion comes pre-filled (40 s over: 8/10).
    let (_, juror1) = &jurors[0];
    let (_, juror3) = &jurors[2];
    let links1 = final_links(juror1).await;
    assert_eq!(links1.len(), 3, "three start-ups, the conflict left out");
    let link_s1 = links1
        .iter()
        .find(|l| l.ends_with(&s1.public_id))
        .expect("first start-up in juror 1's queue")
        .clone();
    let page = juror1.get(&link_s1).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.input_value("timing").as_deref(), Some("8"));
    page.assert_contains("5 min 40 s");

    // A juror cannot open a finalist of another category (nor the conflicted one).
    let links3 = final_links(juror3).await;
    assert_eq!(links3.len(), 3);
    for other in links3.iter().chain(std::iter::once(
        &link_s1.replace(&s1.public_id, &s2.public_id),
    )) {
        assert_eq!(juror1.get(other).await.status, StatusCode::NOT_FOUND);
        let page = juror1.post_form_owned(other, &sheet(9, None)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }

    // Applicants and visitors see no score: the finalist's own applicant gets 404s.
    let stranger = app
        .signup_and_verify(
            "Curieux",
            "curieux@exemple.ml",
            "curieux@exemple.ml",
            PASSWORD,
        )
        .await;
    exec(
        app,
        &format!(
            "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'curieux@exemple.ml') \
             WHERE id = (SELECT applicant_id FROM applications WHERE id = {})",
            s1.id
        ),
    )
    .await;
    let applicant_email = app
        .strings(&format!(
            "SELECT u.email FROM users u JOIN applications a ON a.applicant_id = u.id WHERE a.id = {}",
            s1.id
        ))
        .await
        .remove(0);
    let applicant = app.client();
    applicant.login(&applicant_email, PASSWORD).await;
    for client in [&applicant, &stranger] {
        for url in [
            link_s1.clone(),
            format!("{FINAL}/ranking"),
            format!("{FINAL}/scores.csv"),
            format!("{JURY}/progress"),
            format!("{JURY}/deliberation"),
            JURY.to_owned(),
        ] {
            assert_eq!(
                client.get(&url).await.status,
                StatusCode::NOT_FOUND,
                "{url}"
            );
        }
    }
    let page = anonymous.get(&link_s1).await;
    assert!(
        page.status.is_redirection()
            && page
                .redirect_target()
                .unwrap_or_default()
                .starts_with("/login"),
        "anonymous visitors are sent to the login page"
    );
    assert_eq!(
        anonymous.get("/results/sdn-2026").await.status,
        StatusCode::NOT_FOUND,
        "nothing public before publication"
    );
    link_s1
}

/// Every juror scores; the timer freezes once a score uses it; the organiser follows.
async fn jurors_score_and_the_organiser_follows_the_progress(
    scene: &Scene,
    link_s1: &str,
) -> String {
    let Scene { admin, jurors, .. } = scene;
    let (s1, s2, s3, s4) = scene.startups();
    let (a1, a2, a3) = scene.administration();
    let (_, juror1) = &scene.jurors[0];
    let (_, juror2) = &scene.jurors[1];
    let start = format!("{JURY}/pitches/{}/start", scene.startups().0.reference);
    // Scores: start-ups 9, 8, 7, 6 and administration 9, 8, 7 (every criterion).
    let level = |public_id: &str| -> u32 {
        let order = [s1, s2, s3, s4, a1, a2, a3];
        let i = order
            .iter()
            .position(|f| link_ends(public_id, &f.public_id))
            .expect("a finalist");
        [9, 8, 7, 6, 9, 8, 7][i]
    };
    let timing1 = page_timing(juror1, link_s1).await;
    let page = juror1
        .post_form_owned(link_s1, &sheet(level(link_s1), Some(&timing1)))
        .await;
    assert!(page.status.is_redirection(), "submit: {}", page.text());
    // Before the close, juror 2 does not see juror 1's scores.
    let link_s1_juror2 = final_links(juror2)
        .await
        .into_iter()
        .find(|l| l.ends_with(&s1.public_id))
        .expect("juror 2 scores the first start-up");
    let page = juror2.get(&link_s1_juror2).await;
    assert!(!page.text().contains(&fr("review-other-sheets")));
    // The measured time is now part of a score: the timer no longer restarts.
    let page = admin.post_form(&start, &[]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("pitch-timer-frozen"));

    // The organiser follows the progress.
    let page = admin.get(&format!("{JURY}/progress")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("1 / 13");
    page.assert_contains(&fr("jury-cell-submitted"));
    page.assert_contains(&fr("jury-cell-conflict"));
    page.assert_contains("data-refresh=");

    let mut sheets = 1;
    for (_, client) in jurors {
        for link in final_links(client).await {
            if std::ptr::eq(client, juror1) && link == link_s1 {
                continue;
            }
            let timing = page_timing(client, &link).await;
            let page = client
                .post_form_owned(&link, &sheet(level(&link), Some(&timing)))
                .await;
            assert!(page.status.is_redirection(), "submit: {}", page.text());
            sheets += 1;
        }
    }
    assert_eq!(sheets, 13);
    let page = admin.get(&format!("{JURY}/progress")).await;
    page.assert_contains("13 / 13");
    link_s1_juror2
}

/// After the close: the ranking, the deliberation and the publication.
async fn the_round_closes_and_the_results_are_published(scene: &Scene, link_s1_juror2: &str) {
    let Scene {
        app,
        admin,
        anonymous,
        ..
    } = scene;
    let (s1, s2, s3, s4) = scene.startups();
    let (a1, a2, a3) = scene.administration();
    let (_, juror2) = &scene.jurors[1];
    // Deliberation and publication wait for the close.
    let page = admin.get(&format!("{JURY}/deliberation")).await;
    page.assert_contains(&fr("jury-deliberation-after-close"));
    let page = admin
        .post_form(
            "/admin/editions/sdn-2026/results/publish",
            &[("reason", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("results-round-not-closed"));

    let page = admin
        .post_form(&format!("{FINAL}/status"), &[("status", "closed")])
        .await;
    assert!(page.status.is_redirection());
    let page = juror2.get(link_s1_juror2).await;
    page.assert_contains(&fr("review-other-sheets"));
    // The final's ranking: a plain weighted mean, no normalisation formula.
    let page = admin.get(&format!("{FINAL}/ranking")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("jury-method-mean"));
    assert!(!page.text().contains("x′ = m + (x − m"));

    // Deliberation: top 3 per category; the special prize goes to the fourth start-up
    // (women-led, not a laureate) since prizes do not cumulate by default.
    let page = admin.get(&format!("{JURY}/deliberation")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("results-place-1"));
    page.assert_contains(&format!("{} · {}", s4.reference, s4.title));
    let page = admin
        .post_form(
            "/admin/editions/sdn-2026/results/publish",
            &[("reason", "")],
        )
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some("/results/sdn-2026"),
        "publish: {}",
        page.text()
    );

    // The public page: laureates and team names, no contact, the audit chain head.
    let page = anonymous.get("/results/sdn-2026").await;
    assert_eq!(page.status, StatusCode::OK);
    for f in [s1, s2, s3, a1, a2, a3, s4] {
        page.assert_contains(&f.title);
    }
    assert!(!page.body.contains("@exemple.ml"), "no personal contact");
    let head = app
        .strings("SELECT chain_head FROM results_publications WHERE version = 1")
        .await
        .remove(0);
    let audited_head = app
        .strings("SELECT hash FROM audit_log WHERE action = 'results.published'")
        .await
        .remove(0);
    assert_eq!(head, audited_head);
    page.assert_contains(&head);
    page.assert_contains(&fr("results-published-on"));
    page.assert_contains(&fr("results-special-prize"));

    // Publishing again without a correction is refused, and so is an identical correction.
    let page = admin
        .post_form(
            "/admin/editions/sdn-2026/results/publish",
            &[("reason", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("results-already-published"));
    let page = admin
        .post_form(
            "/admin/editions/sdn-2026/results/publish",
            &[("reason", "Republication sans changement")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("results-nothing-changed"));
    assert_eq!(app.count("results_publications").await, 1);
}

/// A correction needs a reason, and is shown with it.
async fn a_correction_is_published_with_its_reason(scene: &Scene) {
    let Scene {
        app,
        admin,
        anonymous,
        ..
    } = scene;
    let (_, a2, _) = scene.administration();
    // A correction: the second administration laureate is declared ineligible.
    let stored = app
        .strings_with(
            "SELECT status FROM applications WHERE public_id = $1",
            &a2.public_id,
        )
        .await;
    let page = admin
        .post_form(
            &format!("/admin/applications/{}/status", a2.public_id),
            &[
                ("status", "ineligible"),
                ("reason", "Fraude avérée"),
                ("from", &stored[0]),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "status: {}", page.text());
    let page = admin
        .post_form(
            "/admin/editions/sdn-2026/results/publish",
            &[("reason", "  ")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("reason-error"),
        Some(fr("results-reason-required"))
    );
    let page = admin
        .post_form(
            "/admin/editions/sdn-2026/results/publish",
            &[("reason", "Erreur")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("reason-error"),
        Some(fr("results-reason-too-short"))
    );
    page.assert_contains(">Erreur</textarea>");
    assert_eq!(app.count("results_publications").await, 1);
    let reason = format!(
        "{} déclaré inéligible après la finale (fraude)",
        a2.reference
    );
    let page = admin
        .post_form(
            "/admin/editions/sdn-2026/results/publish",
            &[("reason", reason.as_str())],
        )
        .await;
    assert!(page.status.is_redirection(), "correction: {}", page.text());
    assert_eq!(app.count("results_publications").await, 2);
    let page = anonymous.get("/results/sdn-2026").await;
    page.assert_contains(&reason);
    page.assert_contains(&fr("results-history"));
    page.assert_contains("n'est plus lauréat");
    page.assert_contains("passe du 3e prix au 2e prix");
}

/// Certificates: printable, as a PDF, verifiable by their QR code.
async fn certificates_are_printed_and_verified(scene: &Scene) {
    let Scene {
        app,
        anonymous,
        startups,
        ..
    } = scene;
    let (s1, _, _, s4) = scene.startups();
    let (_, a2, _) = scene.administration();
    // Certificates: print-ready, for the current laureates only.
    let page = anonymous
        .get(&format!("/results/sdn-2026/certificates/{}", s1.reference))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&s1.title);
    page.assert_contains(&fr("results-place-1"));
    page.assert_contains("data-print");
    // Issued in the organiser's name (the demo's identity), printed with the certificate.
    assert!(page
        .element_text("certificate-organiser")
        .is_some_and(|o| o.starts_with("Ministère de la Communication")));
    page.assert_contains("Le Président du jury");
    // Its QR code and link lead to the public check of this very certificate.
    assert!(
        page.element_text("certificate-qr")
            .is_some_and(|qr| qr.contains("<svg")),
        "a QR code"
    );
    // Absolute (this test's server has no public URL configured: the address it was asked
    // on), so that a phone scanning the printed code reaches this site.
    let link = page
        .element_text("certificate-verify")
        .expect("the verification link");
    assert_eq!(
        page.tag_attr("<a href=\"http://", "href").as_deref(),
        Some(link.as_str())
    );
    let verify = link
        .strip_prefix(app.base.as_str().trim_end_matches('/'))
        .unwrap_or_else(|| panic!("{link} is on {}", app.base))
        .to_owned();
    assert!(verify.starts_with("/results/sdn-2026/verify/"), "{verify}");
    // A forged `Host` is answered to its sender only: asked twice (so that a shared cache
    // would keep it), it never reaches the next reader's certificate.
    let certificate = app.url(&format!("/results/sdn-2026/certificates/{}", s1.reference));
    for _ in 0..2 {
        let forged = reqwest::Client::new()
            .get(&certificate)
            .header("host", "evil.example")
            .send()
            .await
            .expect("GET with a forged Host");
        let body = forged.text().await.expect("the page");
        assert!(body.contains("http://evil.example/results/"), "{body}");
    }
    let again = app.client().get(&certificate).await;
    assert_eq!(again.element_text("certificate-verify"), Some(link.clone()));
    assert_eq!(
        page.element_text("certificate-motto").as_deref(),
        Some("Un Peuple – Un But – Une Foi")
    );
    // The same certificate as a PDF: one A4 landscape page, with the same names and lines.
    let pdf = anonymous
        .get(&format!(
            "/results/sdn-2026/certificates/{}/pdf",
            s1.reference
        ))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(
        pdf.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let document = lopdf::Document::load_mem(&pdf.bytes).expect("a readable PDF");
    let pages = document.get_pages();
    assert_eq!(pages.len(), 1, "one page");
    let media_box: Vec<f32> = pages
        .values()
        .next()
        .and_then(|id| document.get_dictionary(*id).ok())
        .and_then(|page| page.get(b"MediaBox").ok())
        .and_then(|b| b.as_array().ok())
        .map(|a| a.iter().filter_map(|n| n.as_float().ok()).collect())
        .unwrap_or_default();
    assert!(
        media_box.len() == 4
            && (media_box[2] - 841.89).abs() < 1.0
            && (media_box[3] - 595.28).abs() < 1.0,
        "A4 landscape: {media_box:?}"
    );
    let text = document.extract_text(&[1]).expect("the PDF's text");
    for line in [
        s1.title.as_str(),
        "MINISTÈRE DE LA COMMUNICATION",
        "Un Peuple – Un But – Une Foi",
        "Le Président du jury",
        &fr("results-place-1"),
        &s1.reference,
    ] {
        assert!(text.contains(line), "{line:?} missing from the PDF: {text}");
    }
    let check = anonymous.get(&verify).await;
    assert_eq!(check.status, StatusCode::OK);
    assert_eq!(
        check.element_text("verify-verdict").as_deref(),
        Some(fr("certificate-check-matches").as_str())
    );
    assert_eq!(
        check.element_text("verify-project").as_deref(),
        Some(s1.title.as_str())
    );
    // A copy claiming a results version that never said so does not match.
    let (path, _) = verify.split_once("?v=").expect("the version in the link");
    let forged = anonymous.get(&format!("{path}?v=999")).await;
    assert_eq!(forged.status, StatusCode::OK);
    assert!(forged
        .element_text("verify-verdict")
        .is_some_and(|v| v.contains("999")));
    // An unknown or altered reference: a clear answer, never a server error.
    for wrong in [
        s1.reference.replace("STA", "XYZ"),
        "%3Cscript%3E".to_owned(),
        "x".repeat(300),
    ] {
        let check = anonymous
            .get(&format!("/results/sdn-2026/verify/{wrong}?v=1"))
            .await;
        assert_eq!(check.status, StatusCode::NOT_FOUND, "{wrong}");
        assert_eq!(
            check.element_text("verify-verdict").as_deref(),
            Some(fr("certificate-check-unknown").as_str()),
            "{wrong}"
        );
    }
    let page = anonymous
        .get(&format!("/results/sdn-2026/certificates/{}", s4.reference))
        .await;
    page.assert_contains(&fr("results-special-prize"));
    for nobody in [&a2.reference, &startups[3].reference.replace("STA", "XYZ")] {
        let page = anonymous
            .get(&format!("/results/sdn-2026/certificates/{nobody}"))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{nobody}");
    }
    let css = anonymous.get("/").await;
    let css_url = css
        .body
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("stylesheet link")
        .to_owned();
    anonymous
        .get(&css_url)
        .await
        .assert_contains("@media print");
}

/// The audit chain holds, then names the row altered behind its back.
async fn the_audit_chain_holds_and_names_a_tampered_row(scene: &Scene) {
    let Scene { app, .. } = scene;
    // Everything is in the audit chain, and the chain holds.
    let count = |action: &'static str| async move {
        app.scalar_i64(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = '{action}'"
        ))
        .await
    };
    let final_round = app
        .scalar_i64("SELECT CAST(id AS BIGINT) FROM review_rounds WHERE kind = 'final'")
        .await;
    let final_submissions = app
        .scalar_i64(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'review.score_submitted' \
             AND details LIKE '%\"round_id\":{final_round}%'"
        ))
        .await;
    assert_eq!(final_submissions, 13);
    assert_eq!(count("jury.pitch_timed").await, 2);
    assert_eq!(count("results.published").await, 1);
    assert_eq!(count("results.corrected").await, 1);
    assert!(count("review.round_locked").await >= 1);
    let report = kene::audit::verify(app.db()).await.expect("verify");
    assert!(
        matches!(report, kene::audit::ChainCheck::Intact { .. }),
        "{report:?}"
    );
    // Sheets, timings, settings and both publications match their audit entries; only the
    // shortlist, which this test's set-up wrote in SQL behind the log's back, is named.
    let edition = app
        .scalar_i64("SELECT CAST(id AS BIGINT) FROM editions WHERE slug = 'sdn-2026'")
        .await;
    let differences: Vec<(&str, String, String)> = kene::audit::check_data(app.db())
        .await
        .expect("check the data")
        .into_iter()
        .map(|m| (m.table, m.id, m.field))
        .collect();
    assert_eq!(
        differences,
        vec![("shortlists", edition.to_string(), "status".to_owned())]
    );

    // Tampering: the audit entry of one juror's submission rewritten in the database.
    let victim = app
        .scalar_i64(&format!(
            "SELECT CAST(MIN(id) AS BIGINT) FROM audit_log WHERE action = 'review.score_submitted' \
             AND details LIKE '%\"round_id\":{final_round}%'"
        ))
        .await;
    exec(
        app,
        &format!(
            "UPDATE audit_log SET details = REPLACE(details, '\"innovation\":9', '\"innovation\":2') \
             WHERE id = {victim}"
        ),
    )
    .await;
    let report = kene::audit::verify(app.db()).await.expect("verify");
    match report {
        kene::audit::ChainCheck::Broken { id, .. } => assert_eq!(id, victim),
        other => panic!("tampering not detected: {other:?}"),
    }
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_kene"))
        .arg("--data-dir")
        .arg(&app.data_dir)
        .arg("--database-url")
        .arg(app.state.config.database_url())
        .arg("audit")
        .arg("verify")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run kene audit verify");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "a broken chain fails: {stdout}");
    assert!(
        stdout.contains(&format!("entry {victim}")),
        "kene audit verify names the altered row {victim}: {stdout}"
    );
}

fn link_ends(link: &str, public_id: &str) -> bool {
    link.ends_with(public_id)
}

/// The timing value the score form proposes (pre-filled from the timer, else 10).
async fn page_timing(client: &TestClient, link: &str) -> String {
    client
        .get(link)
        .await
        .input_value("timing")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "10".to_owned())
}
