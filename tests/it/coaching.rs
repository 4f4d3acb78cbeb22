//! Coaching of the finalists over HTTP: the organiser schedules a session with a coach named
//! by login (refused with a message next to the field for a missing, invalid or past date and
//! an unknown coach, typed values kept, nothing written), invites finalists only once the
//! shortlist is locked, the invitation reaches each applicant by e-mail or SMS in their
//! language, the coach records attendance and notes (an over-long note refused), organisers
//! see everything, the applicant sees their sessions but never the notes, and everyone else
//! gets 404.

use kene::i18n::{tr_args, Lang};
use reqwest::StatusCode;

use crate::support::builders::{self, ShortlistBuilder};
use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    finalists_are_invited_coached_and_noted,
    bad_sessions_and_early_invitations_are_refused_and_nothing_is_written,
);

pub const PASSWORD: &str = "mot de passe du coaching";
pub const BASE: &str = "/admin/editions/sdn-2026/coaching";
pub const SMS_FINALIST: &str = "+22376000042";

async fn exec(app: &TestApp, sql: &str) {
    kene::run!(app.db(), |pool| sqlx::query(sql)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .unwrap_or_else(|e| panic!("query failed: {sql}: {e}"));
}

/// A finalist of the test shortlist: the dossier and how its applicant is reached.
pub struct Finalist {
    pub public_id: String,
    pub reference: String,
    pub login: String,
}

/// Puts four 2026 dossiers on a draft shortlist (two start-ups, one of each other category),
/// as the lead's shortlist pages would; the applicant of the third one signs in with a phone
/// number and reads English. Demo applicants get a password so they can sign in.
pub async fn shortlist(app: &TestApp) -> Vec<Finalist> {
    let hash = kene::accounts::hash_password(PASSWORD).expect("hash");
    exec(
        app,
        &format!("UPDATE users SET password_hash = '{hash}' WHERE email LIKE 'candidat%'"),
    )
    .await;
    exec(
        app,
        &format!(
            "UPDATE users SET email = NULL, phone = '{SMS_FINALIST}', locale = 'en' \
             WHERE email = 'candidat6@exemple.ml'"
        ),
    )
    .await;
    let mut finalists = Vec::new();
    let mut shortlist = ShortlistBuilder::of("sdn-2026");
    for login in [
        "candidat0@exemple.ml",
        "candidat1@exemple.ml",
        SMS_FINALIST,
        "candidat8@exemple.ml",
    ] {
        let row = app
            .strings_with(
                "SELECT a.public_id || ' ' || a.reference FROM applications a \
                 JOIN users u ON u.id = a.applicant_id WHERE u.email = $1 OR u.phone = $1",
                login,
            )
            .await
            .remove(0);
        let (public_id, reference) = row.split_once(' ').expect("id and reference");
        shortlist = shortlist.with(public_id);
        finalists.push(Finalist {
            public_id: public_id.to_owned(),
            reference: reference.to_owned(),
            login: login.to_owned(),
        });
    }
    shortlist.build(app).await;
    finalists
}

pub async fn lock_shortlist(app: &TestApp) {
    builders::lock_shortlist(app, "sdn-2026").await;
}

pub async fn track_id(app: &TestApp, code: &str) -> String {
    app.strings_with(
        "SELECT CAST(t.id AS TEXT) FROM tracks t JOIN editions e ON e.id = t.edition_id \
         WHERE e.slug = 'sdn-2026' AND t.code = $1",
        code,
    )
    .await
    .remove(0)
}

pub async fn create_session(
    admin: &TestClient,
    title: &str,
    starts_at: &str,
    place: &str,
    coach: &str,
) -> String {
    let page = admin
        .post_form(
            BASE,
            &[
                ("title", title),
                ("starts_at", starts_at),
                ("duration", "90"),
                ("place", place),
                ("coach", coach),
            ],
        )
        .await;
    let target = page
        .redirect_target()
        .unwrap_or_else(|| panic!("session created: {} {}", page.status, page.text()));
    let public_id = target
        .strip_prefix(&format!("{BASE}/"))
        .expect("session page")
        .to_owned();
    assert!(!public_id.is_empty());
    public_id
}

pub async fn audited(app: &TestApp, action: &str) -> i64 {
    app.scalar_i64(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = '{action}'"
    ))
    .await
}

async fn finalists_are_invited_coached_and_noted(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let finalists = shortlist(&app).await;
    lock_shortlist(&app).await;
    let coach = app
        .signup_and_verify(
            "Awa Coach",
            "coach@exemple.ml",
            "coach@exemple.ml",
            PASSWORD,
        )
        .await;
    let other_coach = app
        .signup_and_verify(
            "Oumar Mentor",
            "mentor@exemple.ml",
            "mentor@exemple.ml",
            PASSWORD,
        )
        .await;
    // Not a coach yet: no coaching pages.
    assert_eq!(coach.get("/coaching").await.status, StatusCode::NOT_FOUND);

    let page = admin.get("/admin").await;
    page.assert_contains(&format!("href=\"{BASE}\""));
    let page = admin.get(BASE).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&tr_args(
        Lang::Fr,
        "coaching-shortlist-locked",
        &[("n", "4".into())],
    ));

    let session = create_session(
        &admin,
        "Atelier pitch",
        "2026-11-20T10:00",
        "CICB, salle 2",
        "coach@exemple.ml",
    )
    .await;
    let other_session = create_session(
        &admin,
        "Modèle économique",
        "2026-11-21T15:30",
        "https://visio.exemple.ml/modele",
        "mentor@exemple.ml",
    )
    .await;
    assert_eq!(
        app.scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM role_grants WHERE role = 'coach'")
            .await,
        2,
        "naming a coach grants the role for the edition"
    );
    let mail = app.wait_mail("coach@exemple.ml", "Atelier pitch").await;
    // A whole address: the link must open from a phone's mail app (no public URL is
    // configured here: the address the organiser used).
    assert!(
        mail.body
            .contains(&app.url(&format!("/coaching/{session}"))),
        "{}",
        mail.body
    );

    // All start-up finalists, plus one chosen finalist of another category.
    let session_url = format!("{BASE}/{session}");
    let sta = track_id(&app, "STA").await;
    let page = admin
        .post_form(
            &format!("{session_url}/invite"),
            &[
                ("track", sta.as_str()),
                ("application", finalists[2].public_id.as_str()),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "invite: {}", page.text());
    assert_eq!(app.count("coaching_invitations").await, 3);

    // Each applicant hears of it in their language, by e-mail or by SMS.
    let mail = app
        .wait_mail(&finalists[0].login, &finalists[0].reference)
        .await;
    assert!(mail.subject.contains("Atelier pitch"), "{}", mail.subject);
    assert!(
        mail.body.contains("20 novembre 2026 à 10:00"),
        "{}",
        mail.body
    );
    assert!(mail.body.contains("CICB, salle 2"), "{}", mail.body);
    assert!(mail.body.contains("Awa Coach"), "{}", mail.body);
    app.wait_mail(&finalists[1].login, &finalists[1].reference)
        .await;
    let sms = app.wait_sms(SMS_FINALIST, &finalists[2].reference).await;
    assert!(
        sms.contains("Your project") && sms.contains("20 November 2026 at 10:00"),
        "{sms}"
    );
    assert!(
        sms.contains(&app.url(&format!(
            "/applications/{}/coaching",
            finalists[2].public_id
        ))),
        "{sms}"
    );

    // Inviting again sends nothing twice.
    let page = admin
        .post_form(
            &format!("{session_url}/invite"),
            &[("application", finalists[0].public_id.as_str())],
        )
        .await;
    assert!(page.status.is_redirection());
    assert_eq!(
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox \
             WHERE idempotency_key LIKE 'coaching-invitation:%'"
        )
        .await,
        3
    );
    // A dossier that is not a finalist cannot be invited.
    let outsider = app
        .strings_with(
            "SELECT a.public_id FROM applications a JOIN users u ON u.id = a.applicant_id \
             WHERE u.email = $1",
            "candidat2@exemple.ml",
        )
        .await
        .remove(0);
    let page = admin
        .post_form(
            &format!("{session_url}/invite"),
            &[("application", outsider.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("invite-error"),
        Some(fr("coaching-not-a-finalist"))
    );
    assert_eq!(app.count("coaching_invitations").await, 3);

    // The coach: their sessions, the invited finalists with their contact.
    let page = coach.get("/coaching").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Atelier pitch");
    // Coaches find their sessions in the navigation.
    page.assert_contains("<a href=\"/coaching\">");
    assert!(!page.text().contains("Modèle économique"));
    let coach_url = format!("/coaching/{session}");
    let page = coach.get(&coach_url).await;
    assert_eq!(page.status, StatusCode::OK);
    for f in &finalists[..3] {
        page.assert_contains(&f.reference);
    }
    page.assert_contains("candidat0@exemple.ml");
    page.assert_contains(SMS_FINALIST);
    assert!(!page.text().contains(&finalists[3].reference));

    // Attendance, by the coach (each form carries its record's version, 1 when invited).
    let first = &finalists[0].public_id;
    for (who, value) in [(first, "present"), (&finalists[1].public_id, "excused")] {
        let page = coach
            .post_form(
                &format!("{coach_url}/attendance"),
                &[
                    ("application", who.as_str()),
                    ("attendance", value),
                    ("version", "1"),
                ],
            )
            .await;
        assert!(page.status.is_redirection(), "attendance: {}", page.text());
    }
    let page = coach
        .post_form(
            &format!("{coach_url}/attendance"),
            &[("application", first.as_str()), ("attendance", "late")],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    // A dossier not invited to the session is not found.
    let page = coach
        .post_form(
            &format!("{coach_url}/attendance"),
            &[
                ("application", finalists[3].public_id.as_str()),
                ("attendance", "present"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(audited(&app, "coaching.attendance_recorded").await, 2);

    // Notes: an over-long one is refused next to its field, the text kept, nothing written.
    let long = "Très bon pitch. ".repeat(260);
    let page = coach
        .post_form(
            &format!("{coach_url}/note"),
            &[("application", first.as_str()), ("note", long.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text(&format!("note-{first}-error")),
        Some(tr_args(
            Lang::Fr,
            "coaching-note-too-long",
            &[("max", "4000".into())]
        ))
    );
    assert_eq!(
        page.element_text(&format!("note-{first}")).as_deref(),
        Some(long.as_str())
    );
    assert_eq!(app.count("coaching_notes").await, 0);
    let note = "Pitch clair ; travailler le modèle économique & la démo.";
    let page = coach
        .post_form(
            &format!("{coach_url}/note"),
            &[("application", first.as_str()), ("note", note)],
        )
        .await;
    assert!(page.status.is_redirection(), "note: {}", page.text());
    let page = coach.get(&coach_url).await;
    assert_eq!(
        page.element_text(&format!("note-{first}")).as_deref(),
        Some(note)
    );

    // Another coach: their own session only; this one and its notes do not exist for them.
    let page = other_coach.get("/coaching").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Modèle économique");
    assert_eq!(
        other_coach.get(&coach_url).await.status,
        StatusCode::NOT_FOUND
    );
    let page = other_coach
        .post_form(
            &format!("{coach_url}/note"),
            &[("application", first.as_str()), ("note", "intrus")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = other_coach
        .post_form(
            &format!("{coach_url}/attendance"),
            &[("application", first.as_str()), ("attendance", "absent")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(other_coach.get(BASE).await.status, StatusCode::NOT_FOUND);

    // Organisers see attendance counts, attendance and every note; they record attendance too.
    let page = admin.get(BASE).await;
    page.assert_contains("Atelier pitch");
    page.assert_contains("Awa Coach");
    let page = admin
        .post_form(
            &format!("{session_url}/attendance"),
            &[
                ("application", finalists[2].public_id.as_str()),
                ("attendance", "absent"),
                ("version", "1"),
            ],
        )
        .await;
    assert!(page.status.is_redirection());
    // An organiser's page loaded before the coach recorded "present" does not overwrite it.
    let page = admin
        .post_form(
            &format!("{session_url}/attendance"),
            &[
                ("application", first.as_str()),
                ("attendance", "absent"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let refusal = page
        .element_text(&format!("attendance-{first}-error"))
        .expect("the refusal next to the dossier");
    assert!(
        refusal.contains(&fr("coaching-attendance-present"))
            && refusal.contains(&fr("coaching-attendance-absent")),
        "both versions named: {refusal}"
    );
    let select = page
        .body
        .split(&format!("id=\"attendance-{first}\""))
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("the dossier's attendance select");
    assert!(
        select.contains("<option value=\"absent\" selected>"),
        "the refused choice stays selected: {select}"
    );
    let page = admin.get(&session_url).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(note);
    page.assert_contains(&fr("coaching-attendance-present"));
    page.assert_contains(&fr("coaching-attendance-excused"));
    page.assert_contains(&fr("coaching-attendance-absent"));
    assert_eq!(audited(&app, "coaching.attendance_recorded").await, 3);

    // The applicant: their sessions (date in their language, place, coach), never the notes.
    let applicant = app.client();
    applicant.login(&finalists[0].login, PASSWORD).await;
    let page = applicant.get(&format!("/applications/{first}")).await;
    page.assert_contains(&format!("/applications/{first}/coaching"));
    let page = applicant
        .get(&format!("/applications/{first}/coaching"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Atelier pitch");
    page.assert_contains("20 novembre 2026 à 10:00");
    page.assert_contains("CICB, salle 2");
    page.assert_contains("Awa Coach");
    assert!(!page.text().contains("Pitch clair"), "notes stay hidden");
    assert!(!page.text().contains("Modèle économique"));
    // Nor the coach's or organisers' pages, nor someone else's dossier.
    assert_eq!(
        applicant.get(&coach_url).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        applicant.get("/coaching").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        applicant.get(&session_url).await.status,
        StatusCode::NOT_FOUND
    );
    let other_applicant = app.client();
    other_applicant.login(&finalists[1].login, PASSWORD).await;
    assert_eq!(
        other_applicant
            .get(&format!("/applications/{first}/coaching"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The English-speaking finalist reads their page in English once they switch.
    let english = app.client();
    english.login(SMS_FINALIST, PASSWORD).await;
    english.get("/lang/en?next=/").await;
    let page = english
        .get(&format!(
            "/applications/{}/coaching",
            finalists[2].public_id
        ))
        .await;
    page.assert_contains("20 November 2026 at 10:00");
    // Invited to the online session: the place is a link.
    let page = admin
        .post_form(
            &format!("{BASE}/{other_session}/invite"),
            &[("application", finalists[2].public_id.as_str())],
        )
        .await;
    assert!(page.status.is_redirection());
    let page = english
        .get(&format!(
            "/applications/{}/coaching",
            finalists[2].public_id
        ))
        .await;
    page.assert_contains("href=\"https://visio.exemple.ml/modele\"");

    assert_eq!(audited(&app, "coaching.session_created").await, 2);
    assert_eq!(audited(&app, "coaching.invited").await, 2);
    let report = kene::audit::verify(app.db()).await.expect("verify");
    assert!(
        matches!(report, kene::audit::ChainCheck::Intact { .. }),
        "the audit chain is broken"
    );
    app.finish().await;
}

async fn bad_sessions_and_early_invitations_are_refused_and_nothing_is_written(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let finalists = shortlist(&app).await;
    app.signup_and_verify(
        "Awa Coach",
        "coach@exemple.ml",
        "coach@exemple.ml",
        PASSWORD,
    )
    .await;
    let page = admin.get(BASE).await;
    page.assert_contains(&fr("coaching-shortlist-not-locked"));

    let attempt = |starts_at: &'static str, coach: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post_form(
                    BASE,
                    &[
                        ("title", "Atelier « pitch »"),
                        ("starts_at", starts_at),
                        ("duration", "90"),
                        ("place", "CICB, salle 2"),
                        ("coach", coach),
                    ],
                )
                .await
        }
    };
    for (starts_at, message) in [
        ("", fr("field-required")),
        ("20/11/2026 10h", fr("coaching-bad-date")),
        ("2026-10-01T10:00", fr("coaching-date-past")),
    ] {
        let page = attempt(starts_at, "coach@exemple.ml").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{starts_at}");
        assert_eq!(page.element_text("starts_at-error"), Some(message));
        assert_eq!(page.input_value("starts_at").as_deref(), Some(starts_at));
        assert_eq!(
            page.input_value("title").as_deref(),
            Some("Atelier « pitch »")
        );
        assert_eq!(
            page.input_value("coach").as_deref(),
            Some("coach@exemple.ml")
        );
    }
    let page = attempt("2026-11-20T10:00", "personne@exemple.ml").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("coach-error"),
        Some(fr("coaching-unknown-coach"))
    );
    assert_eq!(
        page.input_value("coach").as_deref(),
        Some("personne@exemple.ml")
    );
    // Both mistakes at once: both messages.
    let page = attempt("", "personne@exemple.ml").await;
    assert_eq!(
        page.element_text("starts_at-error"),
        Some(fr("field-required"))
    );
    assert_eq!(
        page.element_text("coach-error"),
        Some(fr("coaching-unknown-coach"))
    );
    // In English, the same refusal reads in English.
    admin.get("/lang/en?next=/").await;
    let page = attempt("20/11/2026 10h", "coach@exemple.ml").await;
    assert_eq!(
        page.element_text("starts_at-error"),
        Some(kene::i18n::tr(Lang::En, "coaching-bad-date"))
    );
    admin.get("/lang/fr?next=/").await;
    assert_eq!(app.count("coaching_sessions").await, 0);
    assert_eq!(
        app.scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM role_grants WHERE role = 'coach'")
            .await,
        0,
        "a refused session grants nothing"
    );
    assert_eq!(audited(&app, "coaching.session_created").await, 0);

    // A valid session may be planned before the lock, but nobody can be invited yet.
    let session = create_session(
        &admin,
        "Atelier pitch",
        "2026-11-20T10:00",
        "CICB",
        "coach@exemple.ml",
    )
    .await;
    let invite_url = format!("{BASE}/{session}/invite");
    let sta = track_id(&app, "STA").await;
    let page = admin
        .post_form(
            &invite_url,
            &[
                ("track", sta.as_str()),
                ("application", finalists[0].public_id.as_str()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        page.element_text("invite-error"),
        Some(fr("coaching-shortlist-not-locked"))
    );
    assert_eq!(app.count("coaching_invitations").await, 0);
    assert_eq!(
        app.scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox \
             WHERE idempotency_key LIKE 'coaching-invitation:%'"
        )
        .await,
        0
    );
    assert_eq!(audited(&app, "coaching.invited").await, 0);

    lock_shortlist(&app).await;
    let page = admin.post_form(&invite_url, &[("track", "")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("invite-error"),
        Some(fr("coaching-choose-finalists"))
    );
    // A session of another edition, or one that does not exist, is not found.
    assert_eq!(
        admin
            .get(&format!("/admin/editions/sdn-2027/coaching/{session}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get(&format!("{BASE}/nexistepas")).await.status,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}
