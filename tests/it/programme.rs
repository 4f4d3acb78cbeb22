//! The programme: organisers build it (rooms, speakers, sessions) and the refusals they meet,
//! the public pages with their filters, and the iCalendar export read by an independent parser.

use std::io::BufReader;

use kene::i18n::{tr_args, Lang};
use reqwest::StatusCode;

use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    organisers_build_a_programme_that_holds_together,
    the_public_programme_filters_and_exports_to_calendars,
    only_organisers_edit_the_programme,
    a_visitor_builds_their_own_programme,
    the_demo_shows_the_2026_programme,
    other_programs_read_the_programme_as_json,
    a_speaker_photo_is_kept_small_and_a_bad_one_refused,
    hybrid_session_links_go_to_people_registered_online,
    conference_apps_read_a_valid_frab_schedule_xml,
);

const EDITION: &str = "sdn-2027";
const ADMIN: &str = "/admin/editions/sdn-2027/programme";

async fn id_of(app: &TestApp, table: &str, name: &str) -> String {
    let sql = format!("SELECT CAST(id AS TEXT) FROM {table} WHERE name = $1");
    app.strings_with(&sql, name).await.remove(0)
}

async fn add_room(admin: &TestClient, name: &str, capacity: &str) {
    let page = admin
        .post_form(
            &format!("{ADMIN}/rooms"),
            &[
                ("room_name", name),
                ("capacity", capacity),
                ("floor", "RDC"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "room {name} added");
}

async fn add_speaker(admin: &TestClient, name: &str, organisation: &str) {
    let page = admin
        .post_form(
            &format!("{ADMIN}/speakers"),
            &[
                ("speaker_name", name),
                ("organisation", organisation),
                ("country", "ml"),
                ("bio_fr", "Experte du numérique."),
                ("bio_en", "Digital expert."),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "speaker {name} added");
}

/// A session form: kind, French title, start and end (civil, Bamako), room id, speakers.
fn session_form<'a>(
    kind: &'a str,
    title: &'a str,
    (starts, ends): (&'a str, &'a str),
    room: &'a str,
    speakers: &'a [String],
) -> Vec<(String, String)> {
    let mut fields = vec![
        ("kind", kind),
        ("title_fr", title),
        ("title_en", title),
        ("starts_at", starts),
        ("ends_at", ends),
        ("room", room),
        ("language", "fr"),
        ("theme", "Souveraineté"),
        ("abstract_fr", "Un échange entre décideurs."),
        ("abstract_en", "Decision makers in conversation."),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect::<Vec<_>>();
    for s in speakers {
        fields.push(("speakers".into(), s.clone()));
    }
    fields
}

/// Two rooms, two speakers, and the panel "Souveraineté numérique" in room A on
/// 28 January 2027, 10:00–11:30, with speaker 1.
async fn a_first_panel(app: &TestApp, admin: &TestClient) -> (String, String, String, String) {
    add_room(admin, "Salle A", "1000").await;
    add_room(admin, "Salle B", "200").await;
    add_speaker(admin, "Awa Keïta", "Ministère").await;
    add_speaker(admin, "Oumar Traoré", "Incubateur").await;
    let room_a = id_of(app, "programme_rooms", "Salle A").await;
    let room_b = id_of(app, "programme_rooms", "Salle B").await;
    let awa = id_of(app, "programme_speakers", "Awa Keïta").await;
    let oumar = id_of(app, "programme_speakers", "Oumar Traoré").await;
    let times = ("2027-01-28T10:00", "2027-01-28T11:30");
    let speakers = [awa.clone()];
    let form = session_form("panel", "Souveraineté numérique", times, &room_a, &speakers);
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    (room_a, room_b, awa, oumar)
}

async fn organisers_build_a_programme_that_holds_together(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (room_a, room_b, awa, oumar) = a_first_panel(&app, &admin).await;
    assert_eq!(app.count("programme_sessions").await, 1);

    // The same room at an overlapping time: refused, the typed title kept, nothing written.
    let times = ("2027-01-28T11:00", "2027-01-28T12:00");
    let form = session_form("workshop", "Atelier <b>cyber</b>", times, &room_a, &[]);
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&tr_args(
        Lang::Fr,
        "programme-room-taken",
        &[("session", "Souveraineté numérique".into())],
    ));
    assert_eq!(
        page.input_value("title_fr").as_deref(),
        Some("Atelier <b>cyber</b>"),
        "the typed title is kept"
    );
    assert_eq!(app.count("programme_sessions").await, 1, "nothing written");

    // Back to back in that room is fine.
    let times = ("2027-01-28T11:30", "2027-01-28T12:00");
    let form = session_form("workshop", "Atelier <b>cyber</b>", times, &room_a, &[]);
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    // A speaker in two places at once: refused with their name and the other session.
    let times = ("2027-01-28T10:30", "2027-01-28T11:00");
    let both = [oumar.clone(), awa.clone()];
    let form = session_form("keynote", "Discours", times, &room_b, &both);
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&tr_args(
        Lang::Fr,
        "programme-speaker-busy",
        &[
            ("speaker", "Awa Keïta".into()),
            ("session", "Souveraineté numérique".into()),
        ],
    ));
    assert!(
        page.body.contains(&format!("value=\"{oumar}\" checked")),
        "the ticked speakers stay ticked"
    );
    assert_eq!(app.count("programme_sessions").await, 2);

    // Ending before it starts: refused on the end, in the organiser's language.
    let times = ("2027-01-28T15:00", "2027-01-28T14:00");
    let form = session_form("pitch", "Pitchs", times, &room_b, &[]);
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("programme-ends-before-start"));
    assert_eq!(page.input_value("title_fr").as_deref(), Some("Pitchs"));
    assert_eq!(app.count("programme_sessions").await, 2);

    // A room name used twice, and a capacity that is not a number.
    let page = admin
        .post_form(
            &format!("{ADMIN}/rooms"),
            &[("room_name", "Salle A"), ("capacity", "50"), ("floor", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("programme-room-name-taken"));
    let page = admin
        .post_form(
            &format!("{ADMIN}/rooms"),
            &[
                ("room_name", "Salle C"),
                ("capacity", "beaucoup"),
                ("floor", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("programme-bad-capacity"));
    assert_eq!(page.input_value("room_name").as_deref(), Some("Salle C"));

    // Moving the panel onto the workshop's time in its room is refused; an edit based on an
    // older version is refused too, and the panel stays as it was.
    let panel = app
        .strings(
            "SELECT public_id FROM programme_sessions WHERE title_fr = 'Souveraineté numérique'",
        )
        .await
        .remove(0);
    let edit_url = format!("{ADMIN}/{panel}");
    let page = admin.get(&edit_url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.input_value("version").as_deref(), Some("1"));
    let mut moved = session_form(
        "panel",
        "Souveraineté numérique",
        ("2027-01-28T11:00", "2027-01-28T12:00"),
        &room_a,
        std::slice::from_ref(&awa),
    );
    moved.push(("version".into(), "1".into()));
    let page = admin.post_form_owned(&edit_url, &moved).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&tr_args(
        Lang::Fr,
        "programme-room-taken",
        &[("session", "Atelier <b>cyber</b>".into())],
    ));
    let mut renamed = session_form(
        "panel",
        "Souveraineté numérique et données",
        ("2027-01-28T10:00", "2027-01-28T11:30"),
        &room_a,
        std::slice::from_ref(&awa),
    );
    renamed.push(("version".into(), "1".into()));
    let page = admin.post_form_owned(&edit_url, &renamed).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let page = admin.post_form_owned(&edit_url, &renamed).await;
    assert_eq!(
        page.status,
        StatusCode::CONFLICT,
        "a second save of version 1"
    );
    page.assert_contains(&fr("programme-stale"));
    let titles = app
        .strings("SELECT title_fr FROM programme_sessions ORDER BY starts_at, id")
        .await;
    assert_eq!(
        titles,
        ["Souveraineté numérique et données", "Atelier <b>cyber</b>"]
    );
    let audited = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action LIKE 'programme.%'",
        )
        .await;
    assert_eq!(
        audited,
        2 + 2 + 2 + 1,
        "rooms, speakers, sessions and the edit"
    );
    app.finish().await;
}

async fn the_public_programme_filters_and_exports_to_calendars(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (_, room_b, _, oumar) = a_first_panel(&app, &admin).await;
    let times = ("2027-01-29T09:00", "2027-01-29T10:00");
    let form = session_form(
        "keynote",
        "L'IA en bambara; et après?",
        times,
        &room_b,
        std::slice::from_ref(&oumar),
    );
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    let visitor = app.client();
    let page = visitor.get(&format!("/programme/{EDITION}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Souveraineté numérique");
    page.assert_contains("L'IA en bambara; et après?");
    page.assert_contains("28 janvier 2027");
    page.assert_contains("10:00–11:30");

    // Filtered by day, then by room: only what matches.
    let page = visitor
        .get(&format!("/programme/{EDITION}?day=2027-01-29"))
        .await;
    page.assert_contains("L'IA en bambara");
    assert!(!page.text().contains("Souveraineté numérique"));
    let page = visitor
        .get(&format!("/programme/{EDITION}?room={room_b}&kind=panel"))
        .await;
    page.assert_contains(&fr("programme-nothing"));

    // A session's page names its speakers with their organisation and biography.
    let keynote = app
        .strings("SELECT public_id FROM programme_sessions WHERE kind = 'keynote'")
        .await
        .remove(0);
    let page = visitor
        .get(&format!("/programme/{EDITION}/{keynote}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Oumar Traoré");
    page.assert_contains("Incubateur");
    page.assert_contains("Experte du numérique.");
    let page = visitor.get(&format!("/programme/{EDITION}/nope")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // The whole programme and one day, read by an independent iCalendar parser.
    let page = visitor.get(&format!("/programme/{EDITION}/ics")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.headers["content-type"]
        .to_str()
        .is_ok_and(|t| t.starts_with("text/calendar")));
    let events = parse_ics(&page.bytes);
    assert_eq!(events.len(), 2);
    let keynote_event = events
        .iter()
        .find(|e| e["SUMMARY"] == "L'IA en bambara\\; et après?")
        .expect("the keynote, its semicolon escaped");
    assert_eq!(keynote_event["DTSTART"], "20270129T090000Z");
    assert_eq!(keynote_event["DTEND"], "20270129T100000Z");
    assert_eq!(keynote_event["LOCATION"], "Salle B");
    assert!(keynote_event["URL"].ends_with(&format!("/programme/{EDITION}/{keynote}")));
    let day = visitor
        .get(&format!("/programme/{EDITION}/ics?day=2027-01-28"))
        .await;
    assert_eq!(parse_ics(&day.bytes).len(), 1);
    let one = visitor
        .get(&format!("/programme/{EDITION}/{keynote}/ics"))
        .await;
    let one = parse_ics(&one.bytes);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["UID"], keynote_event["UID"], "stable across exports");
    app.finish().await;
}

/// Every event of an iCalendar file as its properties (name → raw value).
fn parse_ics(bytes: &[u8]) -> Vec<std::collections::BTreeMap<String, String>> {
    let parser = ical::IcalParser::new(BufReader::new(bytes));
    let mut events = Vec::new();
    for calendar in parser {
        let calendar = calendar.expect("a valid calendar");
        for event in calendar.events {
            events.push(
                event
                    .properties
                    .into_iter()
                    .map(|p| (p.name, p.value.unwrap_or_default()))
                    .collect(),
            );
        }
    }
    events
}

async fn only_organisers_edit_the_programme(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    a_first_panel(&app, &admin).await;
    let visitor = app
        .signup_and_verify(
            "Visiteur",
            "visiteur@exemple.ml",
            "visiteur@exemple.ml",
            "un mot de passe solide 42",
        )
        .await;
    assert_eq!(visitor.get(ADMIN).await.status, StatusCode::NOT_FOUND);
    let page = visitor
        .post_form(
            &format!("{ADMIN}/rooms"),
            &[("room_name", "Salle pirate"), ("capacity", "10")],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("programme_rooms").await, 2);
    app.finish().await;
}

async fn a_visitor_builds_their_own_programme(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (_, room_b, _, _) = a_first_panel(&app, &admin).await;
    let times = ("2027-01-28T10:30", "2027-01-28T11:00");
    let form = session_form("workshop", "Atelier données", times, &room_b, &[]);
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let id_of_title = |title: &'static str| {
        let app = &app;
        async move {
            app.strings_with(
                "SELECT public_id FROM programme_sessions WHERE title_fr = $1",
                title,
            )
            .await
            .remove(0)
        }
    };
    let panel = id_of_title("Souveraineté numérique").await;
    let workshop = id_of_title("Atelier données").await;

    // Anonymous visitors read the session, with nothing to follow it by.
    let anonymous = app.client();
    let page = anonymous
        .get(&format!("/programme/{EDITION}/{panel}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"follow\""));
    let page = anonymous.get(&format!("/programme/{EDITION}/mine")).await;
    assert_ne!(page.status, StatusCode::OK, "my programme needs an account");

    let visitor = app
        .signup_and_verify(
            "Visiteuse",
            "visiteuse@exemple.ml",
            "visiteuse@exemple.ml",
            "un mot de passe solide 42",
        )
        .await;
    let page = visitor.get(&format!("/programme/{EDITION}/mine")).await;
    page.assert_contains(&fr("programme-mine-empty"));
    for session in [&panel, &workshop] {
        let page = visitor
            .get(&format!("/programme/{EDITION}/{session}"))
            .await;
        page.assert_contains(&fr("programme-follow"));
        let page = visitor
            .post_form(
                &format!("/programme/{EDITION}/{session}/mine"),
                &[("action", "add")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    // Both chosen, each flagged as overlapping the other.
    let page = visitor.get(&format!("/programme/{EDITION}/mine")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&tr_args(
        Lang::Fr,
        "programme-mine-overlap",
        &[("session", "Atelier données".into())],
    ));
    page.assert_contains(&tr_args(
        Lang::Fr,
        "programme-mine-overlap",
        &[("session", "Souveraineté numérique".into())],
    ));
    let calendar = visitor.get(&format!("/programme/{EDITION}/mine/ics")).await;
    assert_eq!(parse_ics(&calendar.bytes).len(), 2);

    // Taken out again: the overlap is gone, and no one else's programme changed.
    let page = visitor
        .post_form(
            &format!("/programme/{EDITION}/{workshop}/mine"),
            &[("action", "remove")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = visitor.get(&format!("/programme/{EDITION}/mine")).await;
    page.assert_contains("Souveraineté numérique");
    assert!(!page.text().contains("Atelier données"));
    let page = visitor.get(&format!("/programme/{EDITION}/{panel}")).await;
    page.assert_contains(&fr("programme-unfollow"));
    assert_eq!(app.count("programme_favourites").await, 1);
    app.finish().await;
}

async fn the_demo_shows_the_2026_programme(backend: Backend) {
    let app = TestApp::start(backend).await;
    kene::demo::seed(&app.state).await.expect("full demo");
    let page = app.client().get("/programme/sdn-2026").await;
    assert_eq!(page.status, StatusCode::OK);
    for day in ["29 janvier 2026", "30 janvier 2026", "31 janvier 2026"] {
        page.assert_contains(day);
    }
    for kind in ["ceremony", "panel", "pitch", "gala"] {
        page.assert_contains(&fr(&format!("programme-kind-{kind}")));
    }
    page.assert_contains("Cérémonie d'ouverture");
    // Written through the organisers' use cases: audited like theirs.
    let audited = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'programme.session_added'",
        )
        .await;
    assert_eq!(audited, app.count("programme_sessions").await);
    app.finish().await;
}

async fn other_programs_read_the_programme_as_json(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (_, room_b, _, oumar) = a_first_panel(&app, &admin).await;
    let times = ("2027-01-29T09:00", "2027-01-29T10:00");
    let speakers = [oumar];
    let form = session_form("keynote", "Discours", times, &room_b, &speakers);
    assert_eq!(
        admin.post_form_owned(ADMIN, &form).await.status,
        StatusCode::SEE_OTHER
    );
    let client = app.client();

    // One session a page: the first, then the next page it links to, then none.
    let page = client
        .get(&format!("/api/programme/{EDITION}/sessions?per_page=1"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let first: serde_json::Value = serde_json::from_str(&page.body).expect("JSON");
    assert_eq!(first["total"], 2);
    assert_eq!(
        first["sessions"][0]["title"]["fr"],
        "Souveraineté numérique"
    );
    assert_eq!(
        first["sessions"][0]["starts_at"],
        "2027-01-28T10:00:00+00:00"
    );
    assert_eq!(first["sessions"][0]["room"]["name"], "Salle A");
    assert_eq!(first["sessions"][0]["speakers"][0]["name"], "Awa Keïta");
    let next = first["next"].as_str().expect("a next page");
    let next = &next[next.find("/api/").expect("a path")..];
    let second: serde_json::Value =
        serde_json::from_str(&client.get(next).await.body).expect("JSON");
    assert_eq!(second["page"], 2);
    assert_eq!(second["sessions"][0]["kind"], "keynote");
    assert!(second["next"].is_null());
    for bad in ["page=0", "page=deux", "per_page=-1"] {
        let page = client
            .get(&format!("/api/programme/{EDITION}/sessions?{bad}"))
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let capped = client
        .get(&format!(
            "/api/programme/{EDITION}/sessions?per_page=100000"
        ))
        .await;
    let capped: serde_json::Value = serde_json::from_str(&capped.body).expect("JSON");
    assert_eq!(capped["per_page"], 100);

    // schedule.json: the edition's days with zoned bounds, events under their room, stable
    // GUIDs, durations under a day.
    let page = client
        .get(&format!("/programme/{EDITION}/schedule.json"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let schedule: serde_json::Value = serde_json::from_str(&page.body).expect("JSON");
    let conference = &schedule["schedule"]["conference"];
    assert_eq!(conference["acronym"], EDITION);
    assert_eq!(conference["time_zone_name"], "Africa/Bamako");
    let days = conference["days"].as_array().expect("days");
    assert_eq!(days[0]["date"], "2027-01-28");
    assert_eq!(days[0]["day_start"], "2027-01-28T00:00:00+00:00");
    let panel = &days[0]["rooms"]["Salle A"][0];
    assert_eq!(panel["start"], "10:00");
    assert_eq!(panel["duration"], "01:30");
    assert_eq!(panel["date"], "2027-01-28T10:00:00+00:00");
    assert_eq!(panel["type"], "panel");
    let guid = panel["guid"].as_str().expect("a guid");
    assert_eq!(guid.len(), 36, "a UUID: {guid}");
    let again: serde_json::Value = serde_json::from_str(
        &client
            .get(&format!("/programme/{EDITION}/schedule.json"))
            .await
            .body,
    )
    .expect("JSON");
    assert_eq!(
        again["schedule"]["conference"]["days"][0]["rooms"]["Salle A"][0]["guid"],
        guid
    );
    assert_eq!(
        days[1]["rooms"]["Salle B"][0]["persons"][0]["public_name"],
        "Oumar Traoré"
    );
    app.finish().await;
}

async fn a_speaker_photo_is_kept_small_and_a_bad_one_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    a_first_panel(&app, &admin).await;
    let awa = app
        .strings("SELECT public_id FROM programme_speakers WHERE name = 'Awa Keïta'")
        .await
        .remove(0);
    let url = format!("{ADMIN}/speakers/{awa}/photo");
    let stored =
        || app.strings("SELECT COALESCE(photo_sha256, '') FROM programme_speakers ORDER BY name");

    // Too large (9 MB), not an image, nothing chosen: refused by the speaker, nothing kept.
    let too_large = tr_args(
        Lang::Fr,
        "programme-photo-too-large",
        &[("size", "9.0".into()), ("max", "8.0".into())],
    );
    let refusals = [
        (vec![0xFF; 9 * 1024 * 1024], too_large),
        (
            b"<svg onload=alert(1)>".to_vec(),
            fr("programme-photo-unreadable"),
        ),
        (Vec::new(), fr("programme-photo-missing")),
    ];
    for (bytes, expected) in refusals {
        let page = admin.upload(&url, bytes, "photo.jpg").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            page.element_text(&format!("photo-{awa}-error")).as_deref(),
            Some(expected.as_str())
        );
    }
    assert_eq!(stored().await, ["", ""]);

    // A real image: kept as a small JPEG, shown on the session's page, served for good.
    let page = admin
        .upload(&url, crate::identity::PNG.to_vec(), "awa.png")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let sha = stored().await.remove(0);
    assert_eq!(sha.len(), 64);
    let panel = app
        .strings("SELECT public_id FROM programme_sessions")
        .await
        .remove(0);
    let page = app
        .client()
        .get(&format!("/programme/{EDITION}/{panel}"))
        .await;
    let src = format!("/programme/{EDITION}/speakers/{awa}/photo-{sha}.jpg");
    page.assert_contains(&src);
    let photo = app.client().get(&src).await;
    assert_eq!(photo.status, StatusCode::OK);
    assert_eq!(photo.headers["content-type"], "image/jpeg");
    assert!(photo.bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
    assert!(photo.headers["cache-control"]
        .to_str()
        .is_ok_and(|c| c.contains("immutable")));
    let wrong = format!(
        "/programme/{EDITION}/speakers/{awa}/photo-{}.jpg",
        "0".repeat(64)
    );
    assert_eq!(app.client().get(&wrong).await.status, StatusCode::NOT_FOUND);

    // Only organisers send photos.
    let visitor = app
        .signup_and_verify(
            "Visiteur",
            "visiteur@exemple.ml",
            "visiteur@exemple.ml",
            "un mot de passe solide 42",
        )
        .await;
    let page = visitor
        .upload(&url, crate::identity::PNG.to_vec(), "x.png")
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

async fn hybrid_session_links_go_to_people_registered_online(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (_, room_b, _, _) = a_first_panel(&app, &admin).await;
    let times = ("2027-01-28T14:00", "2027-01-28T15:00");
    let mut form = session_form("panel", "Panel hybride", times, &room_b, &[]);
    // A link that is no web address is refused, the typed one kept.
    form.push(("online_url".into(), "javascript:alert(1)".into()));
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("programme-bad-link"));
    assert_eq!(
        page.input_value("online_url").as_deref(),
        Some("javascript:alert(1)")
    );
    form.pop();
    form.push((
        "online_url".into(),
        "https://reunion.exemple.ml/panel".into(),
    ));
    form.push(("stream_url".into(), "https://live.exemple.ml/sdn".into()));
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let session = app
        .strings("SELECT public_id FROM programme_sessions WHERE title_fr = 'Panel hybride'")
        .await
        .remove(0);
    let path = format!("/programme/{EDITION}/{session}");

    // Not shown to visitors, nor to people registered in the room; shown to those online.
    let anonymous = app.client().get(&path).await;
    anonymous.assert_contains(&fr("programme-links-for-registered"));
    assert!(!anonymous.body.contains("reunion.exemple.ml"));
    crate::registration::open_registration(&admin).await;
    let (in_room, _, _) =
        crate::registration::badge_holder(&app, "Sur place", "place@exemple.ml").await;
    assert!(!in_room.get(&path).await.body.contains("reunion.exemple.ml"));
    let online = crate::registration::person(&app, "En ligne", "ligne@exemple.ml").await;
    online
        .get(&format!("/registration/{EDITION}/visitor"))
        .await;
    let page = online
        .post_form(
            &format!("/registration/{EDITION}/visitor"),
            &[
                ("display_name", "En ligne"),
                ("attendance", "online"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = online.get(&path).await;
    assert_eq!(
        page.tag_attr("<a href=\"https://reunion", "id").as_deref(),
        Some("online-link")
    );
    page.assert_contains("https://live.exemple.ml/sdn");

    // Made public by the organisers: everyone sees them.
    let edit = format!("{ADMIN}/{session}");
    let version = admin
        .get(&edit)
        .await
        .input_value("version")
        .expect("version");
    form.push(("links_public".into(), "yes".into()));
    form.push(("version".into(), version));
    let page = admin.post_form_owned(&edit, &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    app.client()
        .get(&path)
        .await
        .assert_contains("https://reunion.exemple.ml/panel");
    app.finish().await;
}

/// `schedule.xml` against the frab schema (tests/fixtures/frab-schedule.xsd), with xmllint.
async fn conference_apps_read_a_valid_frab_schedule_xml(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (_, room_b, _, oumar) = a_first_panel(&app, &admin).await;
    let times = ("2027-01-29T09:00", "2027-01-29T21:00");
    let speakers = [oumar];
    let form = session_form(
        "gala",
        "Dîner <gala> & \"remise\"",
        times,
        &room_b,
        &speakers,
    );
    let page = admin.post_form_owned(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let response = app
        .client()
        .http
        .get(app.url(&format!("/programme/{EDITION}/schedule.xml")))
        .send()
        .await
        .expect("schedule.xml");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/xml"),
        "{content_type}"
    );
    let xml = response.text().await.expect("body");
    assert!(xml.contains("<title>Dîner &lt;gala&gt; &amp; &quot;remise&quot;</title>"));
    assert!(xml.contains("<duration>12:00</duration>"));
    let dir = tempfile::tempdir().expect("temp dir");
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/frab-schedule.xsd"
    );
    let validate = |xml: &str| {
        let file = dir.path().join("schedule.xml");
        std::fs::write(&file, xml).expect("write");
        std::process::Command::new("xmllint")
            .args(["--noout", "--schema", schema])
            .arg(&file)
            .output()
            .expect("xmllint (scripts/test installs libxml2-utils)")
    };
    let checked = validate(&xml);
    assert!(
        checked.status.success(),
        "{}\n{xml}",
        String::from_utf8_lossy(&checked.stderr)
    );
    // The schema is not vacuous: an event without its duration, or with a day-long one, fails.
    let without = xml.replacen("<duration>01:30</duration>", "", 1);
    assert_ne!(without, xml);
    assert!(!validate(&without).status.success());
    let too_long = xml.replacen(
        "<duration>01:30</duration>",
        "<duration>25:00</duration>",
        1,
    );
    assert!(!validate(&too_long).status.success());
    // The GUIDs are stable: the same in the JSON shape, and from one export to the next.
    let guid = xml
        .split("<event guid=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an event guid")
        .to_owned();
    let again = app
        .client()
        .get(&format!("/programme/{EDITION}/schedule.xml"))
        .await;
    assert!(again.body.contains(&guid));
    let json = app
        .client()
        .get(&format!("/programme/{EDITION}/schedule.json"))
        .await;
    assert!(json.body.contains(&guid));
    app.finish().await;
}
