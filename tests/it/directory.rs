//! The ecosystem directory and its funding opportunities over HTTP: a start-up registers,
//! waits for an organiser, is published and found by an accent-insensitive search with
//! filters, sees the opportunities matching its profile and expresses interest, which tells
//! the poster; bad profiles, bad postings and hostile search strings are refused or
//! harmless; the demo shows a few hundred made-up actors.

use reqwest::StatusCode;

use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    a_start_up_registers_is_published_found_and_meets_a_matching_opportunity,
    search_survives_hostile_strings_and_pages_through_results,
    the_demo_shows_a_directory_and_opportunities,
    an_owner_sends_a_logo_kept_small_and_a_bad_one_is_refused,
);

const PASSWORD: &str = "mot-de-passe-solide";

fn startup_form(name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kind", "startup".into()),
        ("name", name.into()),
        (
            "description_fr",
            "Téléconsultation pour les centres de santé communautaires.".into(),
        ),
        ("country", "ML".into()),
        ("region", "kayes".into()),
        ("town", "Kayes".into()),
        ("stage", "prototype".into()),
        ("founded_year", "2023".into()),
        ("team_size", "12".into()),
        ("women_led", "yes".into()),
        ("contact_email", "secret-contact@sante-kayes.ml".into()),
        ("sector", "e_health".into()),
        ("sector", "ai".into()),
        ("private", "team_size".into()),
    ]
}

async fn post(
    client: &TestClient,
    path: &str,
    fields: &[(&'static str, String)],
) -> crate::support::Page {
    let owned: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    client.post_form_owned(path, &owned).await
}

fn public_id_of(location: &str) -> String {
    location.trim_start_matches("/directory/").to_owned()
}

async fn a_start_up_registers_is_published_found_and_meets_a_matching_opportunity(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let awa = app
        .signup_and_verify(
            "Awa Traoré",
            "awa@sante-kayes.ml",
            "awa@sante-kayes.ml",
            PASSWORD,
        )
        .await;

    // A sector and a region that do not exist: refused, in French, the typed name kept,
    // nothing written.
    let mut bad = startup_form("Réseau Santé Kayes");
    bad.retain(|(k, _)| *k != "region" && *k != "sector");
    bad.push(("region", "atlantis".into()));
    bad.push(("sector", "astrology".into()));
    let page = post(&awa, "/directory/new", &bad).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.text()
    );
    page.assert_contains(&fr("directory-error-region"));
    page.assert_contains(&fr("directory-error-sector-unknown"));
    assert_eq!(
        page.input_value("name").as_deref(),
        Some("Réseau Santé Kayes")
    );
    assert_eq!(app.count("actors").await, 0);

    let page = post(&awa, "/directory/new", &startup_form("Réseau Santé Kayes")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let location = page.redirect_target().expect("to the profile");
    let id = public_id_of(&location);

    // Not yet published: not found for anyone else, not listed; its owner sees it waits.
    let anonymous = app.client();
    assert_eq!(anonymous.get(&location).await.status, StatusCode::NOT_FOUND);
    let other = app
        .signup_and_verify("Moussa", "moussa@exemple.ml", "moussa@exemple.ml", PASSWORD)
        .await;
    assert_eq!(other.get(&location).await.status, StatusCode::NOT_FOUND);
    let list = anonymous.get("/directory?q=reseau").await;
    assert!(!list.body.contains("Réseau Santé Kayes"));
    let own = awa.get(&location).await;
    assert_eq!(own.status, StatusCode::OK);
    own.assert_contains(&fr("directory-status-pending"));

    // Organisers post opportunities; a deadline already past is refused, typed text kept.
    let past = vec![
        ("kind", "grant".to_owned()),
        ("title", "Subvention e-santé".to_owned()),
        ("offered_by", "Fonds Santé".to_owned()),
        ("description", "Pour les centres ruraux".to_owned()),
        ("deadline", "2026-11-01".to_owned()),
        ("sector", "e_health".to_owned()),
    ];
    let page = post(&admin, "/opportunities/new", &past).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("opportunities-error-deadline-past"));
    assert_eq!(
        page.input_value("title").as_deref(),
        Some("Subvention e-santé")
    );
    let mut grant = past.clone();
    grant[4].1 = "2026-12-15".into();
    grant.push(("stage", "prototype".into()));
    grant.push(("country", "ML".into()));
    let page = post(&admin, "/opportunities/new", &grant).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let grant_url = page.redirect_target().expect("to the opportunity");
    let equity = vec![
        ("kind", "equity".to_owned()),
        ("title", "Capital fintech".to_owned()),
        ("offered_by", "Liptako Capital".to_owned()),
        ("description", "Pour les fintech".to_owned()),
        ("deadline", "2026-12-15".to_owned()),
        ("sector", "fintech".to_owned()),
    ];
    let page = post(&admin, "/opportunities/new", &equity).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    // An applicant may not post.
    assert_eq!(
        awa.get("/opportunities/new").await.status,
        StatusCode::NOT_FOUND
    );

    // The start-up sees the opportunity matching its profile, and not the other one.
    let page = awa.get("/opportunities").await;
    let matches = page.body.split("id=\"matches\"").nth(1).unwrap_or_default();
    let matches = matches.split("</section>").next().unwrap_or_default();
    assert!(matches.contains("Subvention e-santé"), "{}", page.text());
    assert!(!matches.contains("Capital fintech"), "{}", page.text());
    // Interest waits for publication.
    let interest = format!("{grant_url}/interest");
    let fields = [
        ("actor", id.as_str()),
        ("message", "Nous couvrons 12 centres."),
    ];
    let page = awa.post_form(&interest, &fields).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("opportunities-error-not-published"));
    assert_eq!(app.count("opportunity_interests").await, 0);

    // An organiser checks it: the contact address is shown to them, a rejection needs a
    // reason, publishing tells the owner.
    let queue = admin.get("/admin/directory").await;
    queue.assert_contains("Réseau Santé Kayes");
    queue.assert_contains("secret-contact@sante-kayes.ml");
    assert_eq!(
        awa.get("/admin/directory").await.status,
        StatusCode::NOT_FOUND
    );
    let decide = format!("/admin/directory/{id}");
    let page = admin
        .post_form(&decide, &[("decision", "reject"), ("reason", " ")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("directory-error-reason"));
    let page = admin.post_form(&decide, &[("decision", "publish")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let told = app
        .outbox_body("awa@sante-kayes.ml")
        .await
        .expect("owner told");
    assert!(told.contains(&location), "{told}");
    // A second decision (another organiser's stale page) is refused.
    let page = admin.post_form(&decide, &[("decision", "publish")]).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("directory-error-not-pending"));

    // Public now: found without accents, in capitals, by a word's start, with filters; the
    // private field and the contact address are not on the page.
    for query in [
        "q=reseau",
        "q=R%C3%89SEAU",
        "q=sante+kay",
        "q=teleconsult&kind=startup&region=kayes&sector=e_health&women_led=1",
        "country=ML&stage=prototype",
    ] {
        let page = anonymous.get(&format!("/directory?{query}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("Réseau Santé Kayes"),
            "{query}: {}",
            page.text()
        );
    }
    for query in [
        "q=reseau&kind=incubator",
        "q=reseau&sector=fintech",
        "q=reseau&country=NE",
        "q=reseau&region=gao",
        "q=bamako",
    ] {
        let page = anonymous.get(&format!("/directory?{query}")).await;
        assert!(!page.body.contains("Réseau Santé Kayes"), "{query}");
    }
    let profile = anonymous.get(&location).await;
    assert_eq!(profile.status, StatusCode::OK);
    assert_eq!(profile.element_text("founded").as_deref(), Some("2023"));
    assert!(
        profile.element_text("team").is_none(),
        "team size is private"
    );
    assert!(
        !profile.body.contains("secret-contact"),
        "no address exposed"
    );
    profile.assert_contains(&kene::i18n::tr(kene::i18n::Lang::Fr, "sector-e-health"));

    // The contact form: for signed-in visitors; the message reaches the hidden address with
    // the sender's, an empty one is refused with the typed text kept, and a day has a limit.
    profile.assert_contains(&fr("directory-contact-login"));
    let contact = format!("{location}/contact");
    let page = other.post_form(&contact, &[("message", "  ")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("directory-error-contact-empty"));
    let page = other
        .post_form(
            &contact,
            &[("message", "Bonjour, un partenariat à Kayes ?")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.element_text("contact-sent").is_some());
    assert!(
        !page.body.contains("secret-contact"),
        "the address stays hidden"
    );
    let mail = app
        .outbox_body("secret-contact@sante-kayes.ml")
        .await
        .expect("passed on");
    assert!(mail.contains("Bonjour, un partenariat à Kayes ?"), "{mail}");
    assert!(mail.contains("moussa@exemple.ml"), "{mail}");
    let mut limited = None;
    for i in 0..kene::directory::rules::CONTACTS_PER_DAY {
        let text = format!("Relance {i}");
        let page = other
            .post_form(&contact, &[("message", text.as_str())])
            .await;
        if page.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(page);
            break;
        }
    }
    let limited = limited.expect("a daily limit");
    limited.assert_contains(&fr("directory-error-contact-limit"));
    assert!(limited.body.contains("Relance"), "typed text kept");

    // Interest, told to the poster; a second one from the same actor is refused.
    let page = awa.post_form(&interest, &fields).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.element_text("interest-sent").is_some());
    let page = awa.post_form(&interest, &fields).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("opportunities-error-already"));
    assert_eq!(app.count("opportunity_interests").await, 1);
    let admin_email = app
        .strings("SELECT email FROM users WHERE is_admin")
        .await
        .into_iter()
        .next()
        .expect("admin");
    let told = app.outbox_body(&admin_email).await.expect("poster told");
    assert!(told.contains("Réseau Santé Kayes"), "{told}");
    assert!(told.contains("Nous couvrons 12 centres."), "{told}");
    let poster_view = admin.get(&grant_url).await;
    assert!(poster_view.body.contains("Nous couvrons 12 centres."));
    // Others do not see who expressed interest.
    assert!(!other.get(&grant_url).await.body.contains("Nous couvrons"));
    // Every sensitive step is in the audit log.
    let actions = app
        .strings("SELECT action FROM audit_log ORDER BY id")
        .await;
    for action in [
        "directory.profile_submitted",
        "directory.profile_published",
        "opportunity.posted",
        "opportunity.interest",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }

    // The owner's archive holds the profile with its private fields and the interest.
    let token = awa.csrf().await;
    let response = awa
        .http
        .post(awa.url("/account/export"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), StatusCode::OK);
    let archive = crate::personal_data::unzip(&response.bytes().await.expect("archive"));
    let data: serde_json::Value = serde_json::from_slice(&archive["data.json"]).expect("data.json");
    let profile = &data["directory"]["profiles"][0];
    assert_eq!(profile["name"], "Réseau Santé Kayes");
    assert_eq!(profile["contact_email"], "secret-contact@sante-kayes.ml");
    assert_eq!(profile["team_size"], 12);
    assert_eq!(
        data["directory"]["opportunity_interests"][0]["message"],
        "Nous couvrons 12 centres."
    );

    // Deleting the account: a profile never published goes, the published organisation
    // stays listed without its owner or contact address.
    let page = post(&awa, "/directory/new", &startup_form("Brouillon Santé")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = awa
        .post_form("/account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(page.redirect_target().as_deref(), Some("/account/deleted"));
    assert!(app
        .strings("SELECT name FROM actors WHERE name = 'Brouillon Santé'")
        .await
        .is_empty());
    assert_eq!(app.count("actors").await, 1);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM actors WHERE owner_id IS NULL AND contact_email = ''")
            .await,
        1
    );
    assert_eq!(
        anonymous.get(&location).await.status,
        StatusCode::OK,
        "still listed"
    );
    app.finish().await;
}

async fn search_survives_hostile_strings_and_pages_through_results(backend: Backend) {
    let app = TestApp::start(backend).await;
    let now = app.state.now_ms();
    let mut tx = app.state.db.begin().await.expect("tx");
    for i in 0..45 {
        let input = kene::directory::rules::ActorInput {
            kind: "sme".into(),
            name: format!("Atelier Numérique {i:02}"),
            description_fr: "Maintenance informatique à 100 % et réseaux".into(),
            country: "BF".into(),
            sectors: vec!["e_commerce".into()],
            stage: "growth".into(),
            ..Default::default()
        };
        let profile = kene::directory::rules::check_actor(&input, 2026).expect("valid");
        let origin = kene::directory::queries::Origin {
            source: kene::directory::taxonomy::Source::Import,
            owner_id: None,
            status: kene::directory::taxonomy::Status::Published,
        };
        kene::directory::actions::register(&mut tx, &profile, &origin, (None, now))
            .await
            .expect("registered");
    }
    tx.commit().await.expect("commit");

    let client = app.client();
    let page = client.get("/directory").await;
    assert_eq!(page.element_text("page").as_deref(), Some("1 / 3"));
    page.assert_contains("Atelier Numérique 00");
    assert!(!page.body.contains("Atelier Numérique 20"));
    assert!(page
        .body
        .contains("href=\"/directory?page=2\" rel=\"next\""));
    let page = client.get("/directory?page=2").await;
    assert_eq!(page.element_text("page").as_deref(), Some("2 / 3"));
    page.assert_contains("Atelier Numérique 20");
    // Filters survive paging.
    let page = client.get("/directory?q=atelier&country=BF&page=3").await;
    assert_eq!(page.element_text("page").as_deref(), Some("3 / 3"));
    // A search lists the newest first.
    page.assert_contains("Atelier Numérique 00");
    assert!(!page.body.contains("Atelier Numérique 44"));
    let pager = crate::support::unescape(&page.body);
    assert!(
        pager.contains("href=\"/directory?q=atelier&country=BF&page=2\" rel=\"prev\""),
        "{pager}"
    );

    // SQL, LIKE wildcards, regular expressions, FTS and tsquery syntax: a page, never an
    // error, and a wildcard never matches everything.
    for hostile in [
        "%",
        "_",
        "%25",
        "' OR '1'='1",
        "'; DROP TABLE actors; --",
        ".*",
        "[a-z]+",
        "\"",
        "*",
        "atelier*",
        "NEAR(atelier numerique)",
        "atelier & !numerique | x:*",
        "\\",
        "\u{0}",
    ] {
        let path = format!(
            "/directory?q={}",
            url::form_urlencoded::byte_serialize(hostile.as_bytes()).collect::<String>()
        );
        let page = client.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{hostile:?}");
        if !hostile.chars().any(char::is_alphanumeric) {
            assert!(
                !page.body.contains("Atelier Numérique"),
                "{hostile:?} matched everything"
            );
        }
    }
    assert_eq!(app.count("actors").await, 45);
    // "100 %" is searched as the word 100, not as a wildcard.
    let page = client.get("/directory?q=100%25").await;
    let count = page.element_text("count").unwrap_or_default();
    assert!(count.starts_with("45 "), "{count}");
    // Nonsense pages and filters are pages too.
    for path in [
        "/directory?page=abc",
        "/directory?page=-4",
        "/directory?page=99999999999999999999",
        "/directory?kind=unicorn&region=atlantis&country=ZZ",
        "/directory?q=a&q=b",
    ] {
        let page = client.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
    }
    app.finish().await;
}

async fn the_demo_shows_a_directory_and_opportunities(backend: Backend) {
    let app = TestApp::start(backend).await;
    kene::demo::seed(&app.state).await.expect("full demo");
    let published = kene::directory::demo::ACTORS - kene::directory::demo::PENDING;
    let client = app.client();
    let page = client.get("/directory").await;
    assert_eq!(page.status, StatusCode::OK);
    let count = page.element_text("count").unwrap_or_default();
    assert!(count.contains(&published.to_string()), "{count}");
    page.assert_contains(&fr("directory-demo"));
    let opportunities = client.get("/opportunities").await;
    assert!(
        opportunities.body.matches("href=\"/opportunities/").count() >= 5,
        "{}",
        opportunities.text()
    );
    opportunities.assert_contains("(démonstration)");
    // Seeding again writes nothing more.
    kene::demo::seed(&app.state).await.expect("second run");
    assert_eq!(
        app.count("actors").await,
        kene::directory::demo::ACTORS as i64
    );
    app.finish().await;
}

both_dbs!(open_data_and_the_api_never_carry_a_private_field,);

/// Writes a profile straight through the registration use case.
async fn registered(
    app: &TestApp,
    input: kene::directory::rules::ActorInput,
    status: &str,
) -> String {
    let profile = kene::directory::rules::check_actor(&input, 2026).expect("valid profile");
    let origin = kene::directory::queries::Origin {
        source: kene::directory::taxonomy::Source::Import,
        owner_id: None,
        status: kene::directory::taxonomy::Status::parse(status).expect("a status"),
    };
    let mut tx = app.state.db.begin().await.expect("tx");
    let id =
        kene::directory::actions::register(&mut tx, &profile, &origin, (None, app.state.now_ms()))
            .await
            .expect("registered");
    tx.commit().await.expect("commit");
    id
}

async fn open_data_and_the_api_never_carry_a_private_field(backend: Backend) {
    let app = TestApp::start_with(backend, |config| config.limits.api_per_minute = 12).await;
    let everything_private = kene::directory::rules::ActorInput {
        kind: "startup".into(),
        name: "Discrète Agri".into(),
        description_fr: "Irrigation".into(),
        country: "ML".into(),
        region: "segou".into(),
        town: "SECRETTOWN".into(),
        stage: "launch".into(),
        founded_year: "1987".into(),
        team_size: "4242".into(),
        women_led: Some("yes".into()),
        young_founders: Some("yes".into()),
        contact_email: "secret-mail@discrete.ml".into(),
        funding_sought: "SECRETFUNDING".into(),
        sectors: vec!["e_agriculture".into()],
        private: [
            "town",
            "founded_year",
            "team_size",
            "women_led",
            "young_founders",
            "funding",
        ]
        .map(String::from)
        .to_vec(),
        ..Default::default()
    };
    let hidden = registered(&app, everything_private, "published").await;
    let open = kene::directory::rules::ActorInput {
        kind: "incubator".into(),
        name: "Ouvert Hub".into(),
        description_en: "Open incubator".into(),
        country: "NE".into(),
        town: "Niamey".into(),
        founded_year: "2015".into(),
        team_size: "9".into(),
        contact_email: "secret-mail@ouvert.ne".into(),
        sectors: vec!["ai".into(), "e_learning".into()],
        ..Default::default()
    };
    let public = registered(&app, open, "published").await;
    let waiting = kene::directory::rules::ActorInput {
        kind: "media".into(),
        name: "Pas Encore FM".into(),
        description_fr: "Radio".into(),
        country: "BF".into(),
        sectors: vec!["e_culture".into()],
        ..Default::default()
    };
    let pending = registered(&app, waiting, "pending").await;

    let client = app.client();
    let page = client.get("/open-data").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("CC BY 4.0");
    page.assert_contains("<code>team_size</code>");
    let csv = client.get("/open-data/directory.csv").await;
    let xlsx = client.get("/open-data/directory.xlsx").await;
    let json = client.get("/open-data/directory.json").await;
    let list = client
        .get("/api/v1/directory?per_page=100&fields=contact_email,team_size")
        .await;
    let one = client
        .get(&format!("/api/v1/directory/{hidden}?fields=contact_email"))
        .await;
    // Whatever is asked, the private values and the contact addresses never leave.
    let xlsx_text = {
        use calamine::{Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(xlsx.bytes.clone())).expect("an XLSX file");
        let sheet = book.sheet_names().first().cloned().expect("a sheet");
        let range = book.worksheet_range(&sheet).expect("cells");
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    let every_output = [
        csv.body.clone(),
        format!("{xlsx_text:?}"),
        json.body.clone(),
        list.body.clone(),
        one.body.clone(),
    ];
    for (i, output) in every_output.iter().enumerate() {
        // Links carry the server's random port and the ids are random: either may hold
        // "4242" or "1987" by chance (a port like 41987 failed this test for nothing).
        let output = output
            .replace(&app.addr.to_string(), "")
            .replace(&hidden, "")
            .replace(&public, "");
        for secret in [
            "SECRETTOWN",
            "4242",
            "1987",
            "SECRETFUNDING",
            "secret-mail",
            "Pas Encore FM",
        ] {
            if let Some(at) = output.find(secret) {
                let around = output.get(at.saturating_sub(80)..).unwrap_or(&output);
                panic!(
                    "output {i} carries {secret}: …{}",
                    around.chars().take(200).collect::<String>()
                );
            }
        }
    }
    // The public ones are there, and the three files say the same.
    let json: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    assert_eq!(json["licence"], "CC-BY-4.0");
    let actors = json["actors"].as_array().expect("actors");
    assert_eq!(actors.len(), 2);
    let ouvert = actors
        .iter()
        .find(|a| a["id"] == public.as_str())
        .expect("Ouvert Hub");
    assert_eq!(ouvert["town"], "Niamey");
    assert_eq!(ouvert["team_size"], 9);
    assert_eq!(ouvert["sectors"], serde_json::json!(["ai", "e_learning"]));
    let discrete = actors
        .iter()
        .find(|a| a["id"] == hidden.as_str())
        .expect("Discrète Agri");
    assert!(discrete["team_size"].is_null() && discrete["women_led"].is_null());
    assert_eq!(discrete["region"], "segou");
    let mut reader = csv::Reader::from_reader(
        csv.bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&csv.bytes),
    );
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(headers.len(), kene::opendata::record::DICTIONARY.len());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert_eq!(rows.len(), 2);
    for (row, actor) in rows.iter().zip(actors) {
        assert_eq!(&row[0], actor["id"].as_str().expect("id"));
        assert_eq!(&row[2], actor["name"].as_str().expect("name"));
        assert_eq!(
            xlsx_text.iter().filter(|r| r[0] == row[0]).count(),
            1,
            "in the XLSX"
        );
    }
    assert_eq!(
        xlsx_text[0],
        headers.iter().map(String::from).collect::<Vec<_>>()
    );

    // The API: pages, a published profile by id, nothing else.
    let page: serde_json::Value =
        serde_json::from_str(&client.get("/api/v1/directory?per_page=1&q=hub").await.body)
            .expect("JSON");
    assert_eq!(page["total"], 1);
    assert_eq!(page["actors"][0]["name"], "Ouvert Hub");
    let page: serde_json::Value =
        serde_json::from_str(&client.get("/api/v1/directory?per_page=1").await.body).expect("JSON");
    assert_eq!(page["total"], 2);
    assert!(page["next"]
        .as_str()
        .expect("a next page")
        .ends_with("/api/v1/directory?page=2&per_page=1"));
    for bad in [
        "/api/v1/directory?per_page=0",
        "/api/v1/directory?per_page=101",
    ] {
        assert_eq!(
            client.get(bad).await.status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    assert_eq!(
        client
            .get(&format!("/api/v1/directory/{pending}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let spec: serde_json::Value =
        serde_json::from_str(&client.get("/api/openapi.json").await.body).expect("OpenAPI JSON");
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["paths"]["/api/v1/directory"]["get"].is_object());

    // Rate-limited: 12 a minute here (8 used above), then 429 until the next minute.
    let mut refused = None;
    for _ in 0..6 {
        let page = client.get("/api/v1/directory").await;
        if page.status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(page);
            break;
        }
    }
    let refused = refused.expect("limited");
    assert!(refused.body.contains("too_many_requests"));
    app.clock.advance(jiff::SignedDuration::from_secs(61));
    assert_eq!(client.get("/api/v1/directory").await.status, StatusCode::OK);
    app.finish().await;
}

async fn an_owner_sends_a_logo_kept_small_and_a_bad_one_is_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let awa = app
        .signup_and_verify("Awa", "awa@sante-kayes.ml", "awa@sante-kayes.ml", PASSWORD)
        .await;
    let page = post(&awa, "/directory/new", &startup_form("Réseau Santé Kayes")).await;
    let location = page.redirect_target().expect("to the profile");
    let id = public_id_of(&location);
    let decide = format!("/admin/directory/{id}");
    assert!(admin
        .post_form(&decide, &[("decision", "publish")])
        .await
        .status
        .is_redirection());
    let url = format!("{location}/logo");
    let sha = || app.strings("SELECT COALESCE(logo_sha256, '') FROM actors");

    // Only its owner sends one.
    let other = app
        .signup_and_verify("Moussa", "moussa@exemple.ml", "moussa@exemple.ml", PASSWORD)
        .await;
    let page = other
        .upload(&url, crate::identity::PNG.to_vec(), "logo.png")
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // Too large (3 MB), not an image, nothing chosen: refused in French, nothing kept.
    let too_large = kene::i18n::tr_args(
        kene::i18n::Lang::Fr,
        "directory-logo-too-large",
        &[("size", "3.0".into()), ("max", "2.0".into())],
    );
    let refusals = [
        (vec![0xFF; 3 * 1024 * 1024], too_large),
        (
            b"<svg onload=alert(1)>".to_vec(),
            fr("directory-logo-unreadable"),
        ),
        (Vec::new(), fr("directory-logo-missing")),
    ];
    for (bytes, expected) in refusals {
        let page = awa
            .on_own_connections()
            .upload(&url, bytes, "logo.png")
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(page.element_text("logo-error"), Some(expected));
    }
    assert_eq!(sha().await, [""]);
    assert_eq!(
        app.strings("SELECT status FROM actors").await,
        ["published"]
    );

    // A real image: kept as a small JPEG; the profile goes back to the organisers.
    let page = awa
        .upload(&url, crate::identity::PNG.to_vec(), "logo.png")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let logo = sha().await.remove(0);
    assert_eq!(logo.len(), 64);
    assert_eq!(app.strings("SELECT status FROM actors").await, ["pending"]);
    let src = format!("{location}/logo-{logo}.jpg");
    assert_eq!(app.client().get(&src).await.status, StatusCode::NOT_FOUND);
    assert_eq!(awa.get(&src).await.status, StatusCode::OK);
    assert!(admin
        .post_form(&decide, &[("decision", "publish")])
        .await
        .status
        .is_redirection());
    app.client().get(&location).await.assert_contains(&src);
    let file = app.client().get(&src).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers["content-type"], "image/jpeg");
    assert!(file.bytes.starts_with(&[0xFF, 0xD8]), "a JPEG");
    assert!(file.headers["cache-control"]
        .to_str()
        .is_ok_and(|c| c.contains("immutable")));
    let wrong = format!("{location}/logo-{}.jpg", "0".repeat(64));
    assert_eq!(app.client().get(&wrong).await.status, StatusCode::NOT_FOUND);

    // Removed: gone from the page and its address.
    let page = awa
        .try_post_multipart(&url, &[("remove", "1")], Vec::new())
        .await
        .expect("a response");
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(sha().await, [""]);
    assert_eq!(awa.get(&src).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM audit_log WHERE action = 'directory.profile_edited'")
            .await,
        2
    );
    app.finish().await;
}

/// PostgreSQL's search documents written before migration 0034 had no word starts: its
/// UPDATE must give them the very words the code writes today, so that they are found alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_documents_of_before_get_the_word_starts_written_today() {
    use kene::directory::rules::{check_actor, ActorInput, Engine, Indexed};

    let app = TestApp::start(Backend::Postgres).await;
    let _admin = app.admin_client().await;
    let by = app.scalar_i64("SELECT MIN(id) FROM users").await;
    let input = ActorInput {
        kind: "startup".into(),
        name: "Réseau Santé-Kayes 4G".into(),
        description_fr: "Téléconsultation à l'école ; un xylophone anticonstitutionnellement \
                         numérique"
            .into(),
        country: "ML".into(),
        region: "kayes".into(),
        town: "Kayes".into(),
        stage: "idea".into(),
        sectors: vec!["e_health".into()],
        ..ActorInput::default()
    };
    let profile = check_actor(&input, 2026).expect("a valid profile");
    let mut tx = app.db().begin().await.expect("a transaction");
    let written = kene::directory::queries::insert_imported(
        &mut tx,
        &[("avant-0034".to_owned(), &profile)],
        (by, 0),
    )
    .await
    .expect("written");
    tx.commit().await.expect("committed");
    assert_eq!(written, 1);
    // The words of the document, sorted (their positions differ, and are not searched).
    let lexemes = "SELECT array_to_string(tsvector_to_array(doc), ' ') FROM actor_search";
    let today = app.strings(lexemes).await;

    let before = Indexed {
        words: [&profile.name, &profile.description_fr, "", &profile.town],
        kind: "startup",
        country: "ML",
        region: "kayes",
        stage: "idea",
        sectors: &["e_health"],
        women_led: false,
        published: true,
    }
    .document(Engine::Fts5);
    app.exec(&format!(
        "UPDATE actor_search SET body = '{}'",
        before.replace('\'', "''")
    ))
    .await;
    assert_ne!(app.strings(lexemes).await, today);
    let migration = std::fs::read_to_string(format!(
        "{}/migrations/postgres/0034_directory_word_starts.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("migration 0034");
    let update = &migration[migration.find("UPDATE").expect("its UPDATE")..];
    app.exec(update.trim().trim_end_matches(';')).await;
    assert_eq!(app.strings(lexemes).await, today);

    // Typed starts of words find it, accents or not; a start of no word does not.
    let client = app.client();
    let found = client
        .get("/directory?q=sant%C3%A9+kay+t%C3%A9l%C3%A9c")
        .await;
    found.assert_contains("Réseau Santé-Kayes 4G");
    let found = client
        .get("/directory?q=anticonstitutionnellemen&region=kayes")
        .await;
    found.assert_contains("Réseau Santé-Kayes 4G");
    let missed = client.get("/directory?q=antz").await;
    assert!(!missed.body.contains("Réseau Santé-Kayes 4G"));
    app.finish().await;
}
