//! The hackathon's capture-the-flag contest over HTTP: organisers set it up, accepted
//! applicants form teams and play, the board moves, freezes and is revealed; every bad input
//! the contest must survive.

use reqwest::StatusCode;

use crate::rules::hackathon_entrant;
use crate::support::{fr, Backend, Page, TestApp, TestClient};

both_dbs!(
    an_accepted_applicant_forms_a_team_solves_and_moves_the_board,
    organisers_import_a_ctfd_challenge_and_export_it_without_its_static_flags,
    the_demo_runs_a_contest_with_a_live_scoreboard,
    the_final_standings_pre_fill_the_jury_criterion_or_make_the_podium,
    twenty_teams_play_a_whole_contest_to_its_final_standings,
);

const PUBLIC: &str = "/ctf/sdn-2027";
const ADMIN: &str = "/admin/editions/sdn-2027/ctf";

fn at(civil: &str) -> jiff::Timestamp {
    // Bamako is on UTC all year.
    format!("{civil}Z").parse().expect("instant")
}

/// The 2027 hackathon track's id.
async fn hackathon_track(app: &TestApp) -> String {
    app.scalar_i64(
        "SELECT t.id FROM tracks t JOIN editions e ON e.id = t.edition_id \
         WHERE e.slug = 'sdn-2027' AND t.kind = 'hackathon'",
    )
    .await
    .to_string()
}

/// The contest settings form of 2027 as an organiser fills it: from 10:00 on 2 November to
/// `ends`, frozen at 09:00 on the 3rd.
struct ContestForm<'a> {
    track: &'a str,
    ends: &'a str,
    team_size: &'a str,
    mode: &'a str,
    standings_use: &'a str,
}

impl ContestForm<'_> {
    fn fields(&self) -> Vec<(String, String)> {
        [
            ("track", self.track),
            ("starts_at", "2026-11-02T10:00"),
            ("ends_at", self.ends),
            ("freeze_at", "2026-11-03T09:00"),
            ("mode", self.mode),
            ("first_blood_bonus", "10"),
            ("board_public", "on"),
            ("team_size_max", self.team_size),
            ("attempts_per_minute", "10"),
            ("flag_prefix", "SDN"),
            ("standings_use", self.standings_use),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }
}

/// The contest of 2027: from 10:00 on 2 November to 10:00 the next day, frozen at 09:00.
async fn set_up_contest(app: &TestApp, admin: &TestClient, team_size: &str, mode: &str) {
    let track = hackathon_track(app).await;
    let form = |ends| ContestForm {
        track: &track,
        ends,
        team_size,
        mode,
        standings_use: "criterion",
    };
    // An end before the start is refused, the typed values kept, nothing written.
    let page = admin
        .post_form_owned(ADMIN, &form("2026-11-01T10:00").fields())
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("ctf-settings-ends-before"));
    assert_eq!(
        page.input_value("ends_at").as_deref(),
        Some("2026-11-01T10:00")
    );
    assert_eq!(app.count("ctf_contests").await, 0);
    let page = admin
        .post_form_owned(ADMIN, &form("2026-11-03T10:00").fields())
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
}

/// Saves a challenge with the editor; its public id.
async fn add_challenge(admin: &TestClient, fields: &[(&str, &str)]) -> String {
    let mut all = vec![
        ("category", "web"),
        ("function", "static"),
        ("initial", "100"),
        ("minimum", "100"),
        ("decay", "1"),
        ("flag_kind", "static"),
        ("visible", "on"),
        ("hint_cost", "0"),
        ("description", "Trouvez le drapeau."),
    ];
    // An empty value leaves the field out, as a browser leaves out an unticked box.
    for (k, v) in fields {
        all.retain(|(key, _)| key != k);
        if !v.is_empty() {
            all.push((k, v));
        }
    }
    let page = admin.post_form(&format!("{ADMIN}/challenges"), &all).await;
    let target = page
        .redirect_target()
        .unwrap_or_else(|| panic!("challenge: {} {}", page.status, page.text()));
    target.rsplit('/').next().expect("a public id").to_owned()
}

/// An accepted applicant of the 2027 hackathon, signed in.
async fn player(app: &TestApp, admin: &TestClient, n: usize, gender: &str) -> TestClient {
    entrant(app, admin, n, gender).await.0
}

/// An accepted applicant of the 2027 hackathon, signed in, and their application's public id.
async fn entrant(
    app: &TestApp,
    admin: &TestClient,
    n: usize,
    gender: &str,
) -> (TestClient, String) {
    let login = format!("joueur{n}@exemple.ml");
    let (client, id) = hackathon_entrant(app, &login, &login, "2004-03-01", gender).await;
    admin.declare_eligible(&id, "").await;
    (client, id)
}

/// Creates a team; the invite code shown once.
async fn create_team(client: &TestClient, name: &str) -> String {
    let page = client
        .post_form(&format!("{PUBLIC}/team"), &[("name", name)])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    page.assert_contains(&fr("ctf-team-created"));
    page.element_text("invite-code").expect("the invite code")
}

async fn submit(client: &TestClient, challenge: &str, flag: &str) -> Page {
    client
        .post_form(
            &format!("{PUBLIC}/challenges/{challenge}"),
            &[("flag", flag)],
        )
        .await
}

/// The scoreboard rows as (team, score) in order.
fn board(page: &Page) -> Vec<(String, i64)> {
    let text = page.body.split("<tbody>").nth(1).unwrap_or_default();
    let text = text.split("</tbody>").next().unwrap_or_default();
    text.split("<tr>")
        .skip(1)
        .map(|row| {
            let cells: Vec<String> = row
                .split("<td>")
                .skip(1)
                .map(|c| {
                    let c = c.split("</td>").next().unwrap_or_default();
                    let c = c.split(" <span").next().unwrap_or_default();
                    crate::support::unescape(c)
                })
                .collect();
            (
                cells.get(1).cloned().unwrap_or_default(),
                cells
                    .get(2)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(i64::MIN),
            )
        })
        .collect()
}

async fn an_accepted_applicant_forms_a_team_solves_and_moves_the_board(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let admin = app.admin_client().await;
    set_up_contest(&app, &admin, "2", "retroactive").await;

    // Challenges: a welcome one (its text carries an attack on the page), one behind it with a
    // flag per team, a regular-expression one, a hidden one with a file.
    let welcome = add_challenge(
        &admin,
        &[
            ("name", "Bienvenue"),
            ("flags", "SDN{premier}"),
            (
                "description",
                "Lisez bien.<script>alert(1)</script><iframe src=\"https://evil.example\"></iframe>\n\n[aide](javascript:alert(1))",
            ),
            ("hint", "Le drapeau commence par SDN."),
            ("hint_cost", "30"),
        ],
    )
    .await;
    let paired = add_challenge(
        &admin,
        &[
            ("name", "Suite"),
            ("requires", &welcome),
            ("per_team_flag", "on"),
            ("function", "parabolic"),
            ("initial", "500"),
            ("minimum", "100"),
            ("decay", "10"),
        ],
    )
    .await;
    // A pattern a backtracking engine would choke on compiles and runs; one that cannot be
    // run in linear time (a back-reference) is refused with its reason, the typed text kept.
    let page = admin
        .post_form(
            &format!("{ADMIN}/challenges"),
            &[
                ("name", "Motif"),
                ("category", "crypto"),
                ("function", "static"),
                ("initial", "50"),
                ("minimum", "50"),
                ("decay", "1"),
                ("flag_kind", "regex"),
                ("flags", r"(a)\1"),
                ("visible", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("Expression régulière refusée");
    assert_eq!(page.input_value("name").as_deref(), Some("Motif"));
    let pattern = add_challenge(
        &admin,
        &[
            ("name", "Motif"),
            ("category", "crypto"),
            ("flag_kind", "regex_ci"),
            ("flags", r"SDN\{(a+)+[0-9]{4}\}"),
        ],
    )
    .await;
    let hidden = add_challenge(
        &admin,
        &[("name", "Cachée"), ("visible", ""), ("flags", "SDN{cache}")],
    )
    .await;
    let page = admin
        .upload(
            &format!("{ADMIN}/challenges/{hidden}/files"),
            b"secret capture".to_vec(),
            "capture.pcap",
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    // Static flags are kept as keyed hashes: not in the database in clear.
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM ctf_flags WHERE digest LIKE '%premier%' OR pattern LIKE '%premier%'")
            .await,
        0
    );

    // A new applicant, accepted, forms a team; a teammate joins with the code as typed by hand.
    let amina = player(&app, &admin, 1, "f").await;
    let page = amina.get(PUBLIC).await;
    page.assert_contains(&fr("ctf-create-team"));
    let page = amina
        .post_form(&format!("{PUBLIC}/team"), &[("name", " x ")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("ctf-team-name-short"));
    let code = create_team(&amina, "Les Lionnes").await;
    let moussa = player(&app, &admin, 2, "m").await;
    let typed = code.to_lowercase().replace('-', " ");
    let page = moussa
        .post_form(&format!("{PUBLIC}/join"), &[("code", &typed)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    // A third is refused: the team holds two.
    let awa = player(&app, &admin, 3, "f").await;
    let page = awa
        .post_form(&format!("{PUBLIC}/join"), &[("code", &code)])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("ctf-refused-team-full"));
    assert_eq!(page.input_value("code").as_deref(), Some(code.as_str()));
    create_team(&awa, "Sahel Cyber").await;
    // Someone who was not accepted cannot play.
    let outsider = app
        .signup_and_verify(
            "Curieux",
            "curieux@exemple.ml",
            "curieux@exemple.ml",
            "un mot de passe solide",
        )
        .await;
    outsider
        .get(PUBLIC)
        .await
        .assert_contains(&fr("ctf-not-eligible"));
    let page = outsider
        .post_form(&format!("{PUBLIC}/team"), &[("name", "Intrus")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // Before the start, no challenge shows, not even by its address.
    let page = amina.get(&format!("{PUBLIC}/challenges/{welcome}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    app.clock.set(at("2026-11-02T10:30:00"));
    let page = amina.get(PUBLIC).await;
    page.assert_contains("Bienvenue");
    for locked in [&paired, &hidden] {
        assert!(
            !page.body.contains(&format!("/challenges/{locked}")),
            "{locked} listed"
        );
    }
    // Locked and hidden challenges, and the hidden one's file, are not found by URL either.
    for path in [
        format!("{PUBLIC}/challenges/{paired}"),
        format!("{PUBLIC}/challenges/{hidden}"),
    ] {
        assert_eq!(
            amina.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let file_id = app
        .strings("SELECT public_id FROM ctf_files")
        .await
        .pop()
        .expect("the file");
    let page = amina
        .get(&format!("{PUBLIC}/challenges/{hidden}/files/{file_id}"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        submit(&amina, &hidden, "SDN{cache}").await.status,
        StatusCode::NOT_FOUND
    );

    // The challenge's text is rendered without its script, frame or javascript: link.
    let page = amina.get(&format!("{PUBLIC}/challenges/{welcome}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Lisez bien.");
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(!page.body.contains("<iframe"));
    assert!(!page.body.to_lowercase().contains("javascript:"));

    // Wrong flags: said so, the typed flag kept; look-alikes pointed out.
    let page = submit(&amina, &welcome, "SDN{dernier}").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("ctf-outcome-wrong"));
    assert_eq!(page.input_value("flag").as_deref(), Some("SDN{dernier}"));
    let page = submit(&amina, &welcome, "SDN{pr\u{435}mier}").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("ctf-outcome-wrong-look-alike"));
    // Spaces around the flag do not matter; the board's live stream tells of the solve.
    let mut stream = reqwest::Client::new()
        .get(app.url(&format!("{PUBLIC}/scoreboard/live")))
        .send()
        .await
        .expect("the board's stream");
    assert_eq!(stream.status(), StatusCode::OK);
    let page = submit(&amina, &welcome, "  SDN{premier}\n").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    page.assert_contains(&fr("ctf-outcome-correct"));
    let within = std::time::Duration::from_secs(5);
    crate::questions::wait_for_event(&mut stream, "event: changed", within).await;
    drop(stream);
    // The teammate's second solve of it is no solve.
    let page = submit(&moussa, &welcome, "SDN{premier}").await;
    page.assert_contains(&fr("ctf-outcome-again"));
    assert_eq!(app.count("ctf_solves").await, 1);

    // The board moved: 100 points and the first-blood bonus.
    let page = app.client().get(&format!("{PUBLIC}/scoreboard")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        board(&page),
        vec![("Les Lionnes".into(), 110), ("Sahel Cyber".into(), 0)]
    );
    // Both teams are women-led (at least half women): marked for the special prize.
    assert_eq!(page.body.matches(&fr("ctf-women-led")).count(), 2);

    // Now "Suite" shows: each team has its own flag. Sahel Cyber submitting the Lionnes' flag
    // is wrong, and the attempt names whose flag it was.
    let csv = admin
        .get(&format!("{ADMIN}/challenges/{paired}/team-flags.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let flag_of = |team: &str| {
        csv.body
            .lines()
            .find(|l| l.starts_with(team))
            .and_then(|l| l.rsplit(',').next())
            .expect("a team's flag")
            .to_owned()
    };
    let (lionnes, sahel) = (flag_of("Les Lionnes"), flag_of("Sahel Cyber"));
    assert_ne!(lionnes, sahel);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'ctf.team_flags_exported'")
            .await,
        1
    );
    // The same wrong text from a second team shows on the organisers' monitor.
    submit(&awa, &welcome, "SDN{dernier}")
        .await
        .assert_contains(&fr("ctf-outcome-wrong"));
    submit(&awa, &welcome, "SDN{premier}").await;
    let page = submit(&awa, &paired, &lionnes).await;
    page.assert_contains(&fr("ctf-outcome-wrong"));
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM ctf_attempts WHERE flag_of_team IS NOT NULL")
            .await,
        1
    );
    submit(&awa, &paired, &sahel)
        .await
        .assert_contains(&fr("ctf-outcome-correct"));
    // The regular expression runs whole, case folded.
    submit(&amina, &pattern, "sdn{aaaa2026}")
        .await
        .assert_contains(&fr("ctf-outcome-correct"));

    // Scripts submit through the JSON API (the page's CSRF token in a header): same checks.
    let api = format!("{}/challenges/{paired}/attempt", app.url(PUBLIC));
    let csrf = amina.csrf().await;
    let answer = amina
        .http
        .post(&api)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({ "flag": "SDN{pas_ca}" }))
        .send()
        .await
        .expect("the API answers");
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let json: serde_json::Value = answer.json().await.expect("JSON");
    assert_eq!(json["outcome"], "wrong");
    assert_eq!(json["message"], fr("ctf-outcome-wrong"));
    let forged = amina
        .http
        .post(&api)
        .json(&serde_json::json!({ "flag": "SDN{pas_ca}" }))
        .send()
        .await
        .expect("the API answers");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Brute force: past 10 attempts in a minute, even the right flag is refused for a while.
    for n in 0..10 {
        submit(&moussa, &paired, &format!("SDN{{essai{n}}}")).await;
    }
    let page = submit(&moussa, &paired, &lionnes).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    page.assert_contains("Trop d'essais");
    app.clock.set(at("2026-11-02T10:32:00"));
    submit(&moussa, &paired, &lionnes)
        .await
        .assert_contains(&fr("ctf-outcome-correct"));

    // The organisers' monitor shows the shared per-team flag, the wrong text typed by two
    // teams and the burst; the matrix shows who solved what.
    let monitor = admin.get(&format!("{ADMIN}/monitor")).await;
    assert_eq!(monitor.status, StatusCode::OK);
    let text = monitor.text();
    assert!(
        text.contains("Sahel Cyber") && text.contains("drapeau propre à l'équipe Les Lionnes"),
        "{text}"
    );
    assert!(
        text.contains("Le même drapeau faux a été soumis par 2 équipes"),
        "{text}"
    );
    assert!(text.contains("a dépassé la limite d'essais"), "{text}");
    assert!(monitor.body.matches("✓").count() >= 4, "{}", monitor.body);
    assert_eq!(
        outsider.get(&format!("{ADMIN}/monitor")).await.status,
        StatusCode::NOT_FOUND
    );

    // The freeze: a later solve moves the organisers' board, not the public one (neither its
    // standings nor its values).
    let public_before = app.client().get(&format!("{PUBLIC}/scoreboard")).await;
    app.clock.set(at("2026-11-03T09:30:00"));
    let frozen = app.client().get(&format!("{PUBLIC}/scoreboard")).await;
    assert_eq!(board(&frozen), board(&public_before));
    submit(&awa, &pattern, "SDN{a0001}")
        .await
        .assert_contains(&fr("ctf-outcome-correct"));
    let frozen_after = app.client().get(&format!("{PUBLIC}/scoreboard")).await;
    assert_eq!(board(&frozen_after), board(&public_before));
    assert!(frozen_after.body.contains(&fr("ctf-frozen-at")));
    let values = |p: &Page| p.body.split("class=\"values\"").nth(1).map(str::to_owned);
    assert_eq!(values(&frozen_after), values(&public_before));
    let live = admin.get(ADMIN).await;
    assert_ne!(board(&live), board(&public_before));

    // After the end: nothing accepted; the board stays frozen until revealed.
    app.clock.set(at("2026-11-03T10:00:00"));
    let page = submit(&amina, &paired, &lionnes).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("ctf-outcome-closed"));
    let page = admin.post_form(&format!("{ADMIN}/reveal"), &[]).await;
    assert!(page.status.is_redirection());
    let revealed = app.client().get(&format!("{PUBLIC}/scoreboard")).await;
    assert_eq!(board(&revealed), board(&live));

    // Amina's personal-data archive holds her team and her submissions (when, which
    // challenge, what they gave), never a flag's text.
    let token = amina.csrf().await;
    let archive = amina
        .http
        .post(amina.url("/account/export"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("export request")
        .bytes()
        .await
        .expect("the archive");
    let files = crate::personal_data::unzip(&archive);
    let data: serde_json::Value =
        serde_json::from_slice(&files["data.json"]).expect("data.json is JSON");
    assert_eq!(data["ctf"]["teams"][0]["team"], "Les Lionnes");
    let outcomes: Vec<&str> = data["ctf"]["flag_submissions"]
        .as_array()
        .expect("her submissions")
        .iter()
        .filter_map(|a| a["outcome"].as_str())
        .collect();
    for outcome in ["wrong", "correct", "closed"] {
        assert!(outcomes.contains(&outcome), "{outcome} in {outcomes:?}");
    }
    let text = String::from_utf8_lossy(&files["data.json"]).to_string();
    assert!(!text.contains("SDN{"), "no flag text: {text}");
    app.finish().await;
}

/// Twenty teams of one: everyone solves A at the same moment (one first blood among them),
/// ten solve the dynamic B, five buy C's hint and solve C; after the freeze the last team
/// solves B and C. Scores are checked against values computed by hand from the formulas.
async fn twenty_teams_play_a_whole_contest_to_its_final_standings(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let admin = app.admin_client().await;
    set_up_contest(&app, &admin, "4", "retroactive").await;
    let a = add_challenge(&admin, &[("name", "A"), ("flags", "SDN{a}")]).await;
    let b = add_challenge(
        &admin,
        &[
            ("name", "B"),
            ("flags", "SDN{b}"),
            ("function", "parabolic"),
            ("initial", "500"),
            ("minimum", "100"),
            ("decay", "10"),
        ],
    )
    .await;
    let c = add_challenge(
        &admin,
        &[
            ("name", "C"),
            ("flags", "SDN{c}"),
            ("function", "linear"),
            ("initial", "300"),
            ("minimum", "100"),
            ("decay", "20"),
            ("hint", "Regardez les en-têtes."),
            ("hint_cost", "50"),
        ],
    )
    .await;
    let hint = app.scalar_i64("SELECT id FROM ctf_hints").await;
    let mut teams = Vec::new();
    for n in 0..20 {
        let client = player(&app, &admin, 100 + n, if n % 2 == 0 { "f" } else { "m" }).await;
        create_team(&client, &format!("Équipe {n:02}")).await;
        teams.push(std::sync::Arc::new(client));
    }
    let name = |n: usize| format!("Équipe {n:02}");

    // Everyone submits A at the same instant.
    app.clock.set(at("2026-11-02T10:30:00"));
    let mut all = tokio::task::JoinSet::new();
    for client in &teams {
        let (client, a) = (client.clone(), a.clone());
        all.spawn(async move { submit(&client, &a, "SDN{a}").await.status });
    }
    while let Some(status) = all.join_next().await {
        assert_eq!(status.expect("a submission"), StatusCode::OK);
    }
    assert_eq!(app.count("ctf_solves").await, 20);
    for (n, client) in teams.iter().enumerate().take(10) {
        app.clock
            .set(at(&format!("2026-11-02T10:{:02}:00", 40 + n)));
        submit(client, &b, "SDN{b}")
            .await
            .assert_contains(&fr("ctf-outcome-correct"));
    }
    app.clock.set(at("2026-11-02T10:55:00"));
    for client in teams.iter().take(5) {
        let page = client
            .post_form(&format!("{PUBLIC}/challenges/{c}/hints/{hint}"), &[])
            .await;
        assert!(page.status.is_redirection(), "{}", page.text());
        let page = client.get(&format!("{PUBLIC}/challenges/{c}")).await;
        page.assert_contains("Regardez les en-têtes.");
    }
    for (n, client) in teams.iter().enumerate().take(5) {
        app.clock.set(at(&format!("2026-11-02T11:{n:02}:00")));
        submit(client, &c, "SDN{c}")
            .await
            .assert_contains(&fr("ctf-outcome-correct"));
    }

    // By hand: B after 10 solves is worth ceil(-400/100 * 9² + 500) = 176, C after 5 is worth
    // 300 - 20 * 4 = 220; first bloods +10; the hint -50.
    let frozen_expected = |n: usize| match n {
        0 => 100 + 176 + 10 + 220 + 10 - 50,
        1..=4 => 100 + 176 + 220 - 50,
        5..=9 => 100 + 176,
        _ => 100,
    };
    app.clock.set(at("2026-11-03T09:30:00"));
    let team_19 = &teams[19];
    submit(team_19, &b, "SDN{b}")
        .await
        .assert_contains(&fr("ctf-outcome-correct"));
    submit(team_19, &c, "SDN{c}")
        .await
        .assert_contains(&fr("ctf-outcome-correct"));
    let frozen = board(&app.client().get(&format!("{PUBLIC}/scoreboard")).await);
    let blood_a: Vec<usize> = (0..20)
        .filter(|n| {
            let score = frozen.iter().find(|(t, _)| *t == name(*n)).map(|(_, s)| *s);
            score == Some(frozen_expected(*n) + 10)
        })
        .collect();
    assert_eq!(blood_a.len(), 1, "one first blood on A: {frozen:?}");
    for n in 0..20 {
        let bonus = if blood_a.contains(&n) { 10 } else { 0 };
        let score = frozen.iter().find(|(t, _)| *t == name(n)).map(|(_, s)| *s);
        assert_eq!(
            score,
            Some(frozen_expected(n) + bonus),
            "frozen {}: {frozen:?}",
            name(n)
        );
    }
    // Equal scores: who reached them first ranks first (teams 1 to 4 solved C in order).
    let order: Vec<&str> = frozen.iter().map(|(t, _)| t.as_str()).collect();
    let pos = |n: usize| order.iter().position(|t| *t == name(n)).expect("listed");
    if !blood_a.iter().any(|n| (1..=4).contains(n)) {
        assert!(
            pos(1) < pos(2) && pos(2) < pos(3) && pos(3) < pos(4),
            "{order:?}"
        );
    }

    // The final standings, once revealed: B after 11 solves is at its minimum 100, C after 6
    // is worth 200, for every solver (retroactive); team 19 leads.
    app.clock.set(at("2026-11-03T10:00:00"));
    admin.post_form(&format!("{ADMIN}/reveal"), &[]).await;
    let final_expected = |n: usize| match n {
        0 => 100 + 100 + 10 + 200 + 10 - 50,
        1..=4 => 100 + 100 + 200 - 50,
        5..=9 => 100 + 100,
        19 => 100 + 100 + 200,
        _ => 100,
    };
    let standings = board(&app.client().get(&format!("{PUBLIC}/scoreboard")).await);
    for n in 0..20 {
        let bonus = if blood_a.contains(&n) { 10 } else { 0 };
        let score = standings
            .iter()
            .find(|(t, _)| *t == name(n))
            .map(|(_, s)| *s);
        assert_eq!(
            score,
            Some(final_expected(n) + bonus),
            "final {}: {standings:?}",
            name(n)
        );
    }
    let scores: Vec<i64> = standings.iter().map(|(_, s)| *s).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{standings:?}");
    app.finish().await;
}

const CTFD_YAML: &str = r#"name: "Injection au guichet"
author: "Équipe CTF"
category: Web
description: |-
  Le formulaire de recherche construit sa requête **à la main**.
value: 500
type: dynamic
extra:
  initial: 500
  decay: 10
  minimum: 100
  function: logarithmic
connection_info: "http://guichet.ctf.local:8080"
flags:
  - "SDN{sql_1nj3ct10n}"
  - {type: regex, content: 'SDN\{sqli_[0-9]+\}', data: case_insensitive}
hints:
  - "Essayez une apostrophe."
  - {content: "UNION SELECT", cost: 50}
tags: [web, sql]
state: visible
version: "0.1"
"#;

async fn organisers_import_a_ctfd_challenge_and_export_it_without_its_static_flags(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let admin = app.admin_client().await;
    set_up_contest(&app, &admin, "4", "retroactive").await;

    // Bad documents are refused with the reason, the text kept, nothing written.
    let bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n\
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n\
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n\
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n\
                name: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
    let unknown = CTFD_YAML.replace("category: Web", "category: Cuisine");
    let pathological = CTFD_YAML.replace("SDN\\{sqli_[0-9]+\\}", "(a)\\1");
    for (yaml, said) in [
        (unknown.as_str(), "Catégorie inconnue"),
        (pathological.as_str(), "Expression régulière refusée"),
        (bomb, "trop complexe"),
        ("name: [", "mal formé"),
    ] {
        let page = admin
            .post_form(&format!("{ADMIN}/import"), &[("yaml", yaml)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{said}");
        page.assert_contains(said);
        assert!(page
            .text()
            .contains(yaml.lines().next().unwrap_or_default()));
        assert_eq!(app.count("ctf_challenges").await, 0);
    }

    let page = admin
        .post_form(&format!("{ADMIN}/import"), &[("yaml", CTFD_YAML)])
        .await;
    let target = page
        .redirect_target()
        .unwrap_or_else(|| panic!("import: {} {}", page.status, page.text()));
    let editor = admin.get(&target).await;
    assert_eq!(
        editor.input_value("name").as_deref(),
        Some("Injection au guichet")
    );
    assert_eq!(editor.input_value("initial").as_deref(), Some("500"));
    assert_eq!(editor.input_value("decay").as_deref(), Some("10"));
    editor.assert_contains("UNION SELECT");
    assert_eq!(app.count("ctf_flags").await, 2);
    assert_eq!(app.count("ctf_hints").await, 2);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM ctf_flags WHERE digest LIKE '%sql_1nj%'")
            .await,
        0
    );
    // Imported hidden: organisers show it when ready.
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM ctf_challenges WHERE visible")
            .await,
        0
    );

    // Exported: the regular expression and the rest come back; the static flag cannot.
    let yaml = admin.get(&format!("{target}/challenge.yml")).await;
    assert_eq!(yaml.status, StatusCode::OK);
    assert!(!yaml.body.contains("sql_1nj3ct10n"), "{}", yaml.body);
    assert!(yaml.body.contains("sqli_"), "{}", yaml.body);
    let back = kene::ctf::spec::parse(&yaml.body).expect("the export reads back");
    assert_eq!(back.name, "Injection au guichet");
    assert_eq!(back.initial, 500);
    assert_eq!(back.hints.len(), 2);
    assert_eq!(back.flags.len(), 1);
    app.finish().await;
}

async fn the_demo_runs_a_contest_with_a_live_scoreboard(backend: Backend) {
    let app = TestApp::start(backend).await;
    let login = kene::demo::seed(&app.state).await.expect("full demo");
    assert_eq!(app.count("ctf_challenges").await, 12);
    let page = app.client().get("/ctf/sdn-2026/scoreboard").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("ctf-phase-running"));
    let standings = board(&page);
    assert!(standings.len() >= 3, "{standings:?}");
    assert!(
        standings.windows(2).all(|w| w[0].1 >= w[1].1),
        "{standings:?}"
    );
    assert!(standings[0].1 > standings[standings.len() - 1].1);
    // The page follows the board's live stream.
    assert!(page
        .body
        .contains("data-live=\"/ctf/sdn-2026/scoreboard/live?since="));
    let admin = app.client();
    admin.login(&login.email, &login.password).await;
    let page = admin.get("/admin/editions/sdn-2026/ctf").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Cookie de session");
    app.finish().await;
}

/// Organisers choose how the final standings count for the selection. As a jury criterion
/// (the default): once final — over and revealed — they pre-fill each finalist's "challenges
/// solved" on the juror's sheet with the team's share of the winner's points. As the podium:
/// the first three teams are the hackathon's laureates, and the best women-led team that is
/// not a laureate gets the special prize, published with the members named.
async fn the_final_standings_pre_fill_the_jury_criterion_or_make_the_podium(backend: Backend) {
    use crate::support::builders::ShortlistBuilder;
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let admin = app.admin_client().await;
    set_up_contest(&app, &admin, "1", "retroactive").await;
    let a = add_challenge(&admin, &[("name", "A"), ("flags", "SDN{a}")]).await;
    let b = add_challenge(
        &admin,
        &[
            ("name", "B"),
            ("flags", "SDN{b}"),
            ("initial", "200"),
            ("minimum", "200"),
        ],
    )
    .await;
    // Five players, each their own team; teams 0, 2 and 4 are women.
    let mut players = Vec::new();
    for n in 0..5 {
        let gender = if n % 2 == 0 { "f" } else { "m" };
        let (client, id) = entrant(&app, &admin, 200 + n, gender).await;
        create_team(&client, &format!("Équipe {n}")).await;
        players.push((client, id));
    }
    // Team 1: both first bloods, 320; team 0: 300; team 2 then team 4: 100; team 3: nothing.
    for (minute, n, challenge, flag) in [
        (10, 1, &a, "SDN{a}"),
        (11, 1, &b, "SDN{b}"),
        (20, 0, &a, "SDN{a}"),
        (21, 0, &b, "SDN{b}"),
        (30, 2, &a, "SDN{a}"),
        (40, 4, &a, "SDN{a}"),
    ] {
        app.clock.set(at(&format!("2026-11-02T10:{minute:02}:00")));
        submit(&players[n].0, challenge, flag)
            .await
            .assert_contains(&fr("ctf-outcome-correct"));
    }

    // The final of 2027: teams 0 and 1 are finalists, a juror on the hackathon's panel.
    ShortlistBuilder::of("sdn-2027")
        .with(&players[0].1)
        .with(&players[1].1)
        .locked()
        .build(&app)
        .await;
    let login = "jure.ctf@jury.ml";
    let juror = app
        .signup_and_verify("Juré CTF", login, login, crate::jury::PASSWORD)
        .await;
    let track = hackathon_track(&app).await;
    let round = "/admin/editions/sdn-2027/review/final";
    let page = admin
        .post_form(
            &format!("{round}/panel"),
            &[("track", track.as_str()), ("login", login)],
        )
        .await;
    assert!(page.status.is_redirection(), "panel: {}", page.text());
    let page = admin.post_form(&format!("{round}/assign"), &[]).await;
    assert!(page.status.is_redirection(), "assign: {}", page.text());
    let page = admin
        .post_form(&format!("{round}/status"), &[("status", "open")])
        .await;
    assert!(page.status.is_redirection(), "open: {}", page.text());
    let links = crate::jury::final_links(&juror).await;
    let sheet_of_team_0 = links
        .iter()
        .find(|l| l.ends_with(&players[0].1))
        .unwrap_or_else(|| panic!("team 0's sheet in {links:?}"))
        .clone();
    let hint = kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "ctf-standings-hint",
        &[
            ("team", "Équipe 0".into()),
            ("rank", "2".into()),
            ("teams", "5".into()),
            ("score", "300".into()),
            ("winner", "320".into()),
            ("points", "9".into()),
            ("max", "10".into()),
        ],
    );
    // While the contest runs, the sheet proposes nothing.
    let page = juror.get(&sheet_of_team_0).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains(&hint));
    assert_eq!(page.input_value("demo").as_deref(), Some(""));
    // Over but frozen: still nothing; revealed: 300 / 320 × 10 = 9.4, proposed 9.
    app.clock.set(at("2026-11-03T10:30:00"));
    let page = juror.get(&sheet_of_team_0).await;
    assert!(!page.text().contains(&hint));
    let page = admin.post_form(&format!("{ADMIN}/reveal"), &[]).await;
    assert!(page.status.is_redirection(), "reveal: {}", page.text());
    let page = juror.get(&sheet_of_team_0).await;
    page.assert_contains(&hint);
    assert_eq!(page.input_value("demo").as_deref(), Some("9"));

    // The podium instead: an unknown choice is refused and nothing changes.
    let settings = |standings_use| {
        ContestForm {
            track: &track,
            ends: "2026-11-03T10:00",
            team_size: "1",
            mode: "retroactive",
            standings_use,
        }
        .fields()
    };
    let page = admin.post_form_owned(ADMIN, &settings("jury")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("ctf-settings-standings-use"));
    let kept = "SELECT standings_use FROM ctf_contests";
    assert_eq!(app.strings(kept).await, ["criterion"]);
    let page = admin.post_form_owned(ADMIN, &settings("podium")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let page = juror.get(&sheet_of_team_0).await;
    assert!(!page.text().contains(&hint), "no longer a criterion");

    // Deliberation: the standings decide the category; team 3 scored nothing.
    let page = admin
        .post_form(&format!("{round}/status"), &[("status", "closed")])
        .await;
    assert!(page.status.is_redirection(), "close: {}", page.text());
    let page = admin
        .get("/admin/editions/sdn-2027/jury/deliberation")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("jury-podium-note"));
    for n in [0, 1, 2, 4] {
        page.assert_contains(&format!("Équipe {n}"));
    }
    assert!(!page.text().contains("Équipe 3"));
    let page = admin
        .post_form(
            "/admin/editions/sdn-2027/results/publish",
            &[("reason", "")],
        )
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some("/results/sdn-2027"),
        "publish: {}",
        page.text()
    );
    let mut application = Vec::new();
    for (_, public_id) in &players {
        let sql = format!("SELECT id FROM applications WHERE public_id = '{public_id}'");
        application.push(app.scalar_i64(&sql).await);
    }
    let snapshot: serde_json::Value = serde_json::from_str(
        &app.strings("SELECT laureates_json FROM results_publications")
            .await
            .remove(0),
    )
    .expect("the published snapshot");
    let podium: Vec<(i64, i64)> = snapshot["laureates"]["categories"][&track]
        .as_array()
        .expect("the hackathon's podium")
        .iter()
        .map(|p| (p[0].as_i64().unwrap_or(0), p[1].as_i64().unwrap_or(0)))
        .collect();
    assert_eq!(
        podium,
        [
            (1, application[1]),
            (2, application[0]),
            (3, application[2])
        ]
    );
    // Team 0 is a laureate already (no cumulation): the special prize goes to team 4.
    assert_eq!(
        snapshot["laureates"]["special_prize"].as_i64(),
        Some(application[4])
    );
    let page = app.client().get("/results/sdn-2027").await;
    assert_eq!(page.status, StatusCode::OK);
    for n in [0, 1, 2, 4] {
        page.assert_contains(&format!("Équipe {n}"));
    }
    page.assert_contains(&fr("results-special-prize"));
    app.finish().await;
}
