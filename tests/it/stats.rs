//! Statistics over HTTP: the 2026 demo's figures against counts made here from what the demo
//! generates (its 60 applicants: track by `n % 10`, a woman leading every third one, team
//! members aged 57, hackathon applicants born 1995–2004) and from the stored rows; small
//! cells hidden in the public page, files and API but shown to organisers; the organisers'
//! pages are not found by anyone else.

use std::collections::BTreeMap;

use reqwest::StatusCode;

use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    the_2026_demo_figures_match_counts_made_by_hand,
    small_cells_are_hidden_from_the_public_and_shown_to_organisers,
);

const PASSWORD: &str = "mot-de-passe-solide";

/// A CSV file as rows of cells (the UTF-8 byte-order mark dropped).
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

/// A statistics table file: row code → its counts as text, in column order.
fn by_code(rows: &[Vec<String>]) -> BTreeMap<String, Vec<String>> {
    rows.iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[2..].to_vec()))
        .collect()
}

async fn table(client: &TestClient, path: &str) -> BTreeMap<String, Vec<String>> {
    let file = client.get(path).await;
    assert_eq!(file.status, StatusCode::OK, "{path}: {}", file.body);
    by_code(&csv_rows(&file.bytes))
}

fn counts(row: &[String]) -> Vec<i64> {
    row.iter()
        .map(|c| {
            c.parse::<i64>()
                .unwrap_or_else(|_| panic!("a count: {c:?}"))
        })
        .collect()
}

/// The demo's applicants (`demo::seed_applications`): applicant `n` applies to the
/// start-up track (`n % 10` in 0..=5), the administration's (6, 7) or the hackathon (8, 9);
/// a woman leads every third one.
fn demo_composition() -> BTreeMap<&'static str, (i64, i64)> {
    let mut out: BTreeMap<&'static str, (i64, i64)> = BTreeMap::new();
    for n in 0..60 {
        let track = match n % 10 {
            0..=5 => "STA",
            6 | 7 => "ADM",
            _ => "CYB",
        };
        let entry = out.entry(track).or_default();
        entry.0 += 1;
        entry.1 += i64::from(n % 3 == 0);
    }
    out
}

async fn the_2026_demo_figures_match_counts_made_by_hand(backend: Backend) {
    let app = TestApp::start(backend).await;
    kene::demo::seed_with(&app.state, kene::demo::Scope::Full)
        .await
        .expect("the full demo");
    let admin = app.admin_client().await;
    let base = "/admin/editions/sdn-2026/statistics";

    let page = admin.get(base).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains(&fr("stats-table-funnel"));
    assert!(page.body.contains("<svg"), "a chart");
    assert!(page.body.contains("<title id=\"funnel-title\">"));
    assert!(page.body.contains("<desc id=\"funnel-desc\">"));
    // Linked from the organisers' home.
    assert!(admin.get("/admin").await.body.contains(base));

    // By track: applications and women leaders from the demo's composition, women-led from
    // the stored rows, young founders: only the hackathon's applicants (born 1995–2004) are
    // under 35, the start-ups' and administrations' team members are all 57.
    let composition = demo_composition();
    let tracks = table(&admin, &format!("{base}/tracks.csv")).await;
    for (code, (applications, _)) in &composition {
        let women_led = app
            .scalar_i64(&format!(
                "SELECT COUNT(*) FROM applications a JOIN tracks t ON t.id = a.track_id \
                 JOIN editions e ON e.id = t.edition_id WHERE e.slug = 'sdn-2026' \
                 AND t.code = '{code}' AND a.women_led"
            ))
            .await;
        let young = if *code == "CYB" { *applications } else { 0 };
        assert_eq!(
            counts(&tracks[*code]),
            vec![*applications, women_led, young],
            "track {code}"
        );
    }
    assert_eq!(counts(&tracks["total"])[0], 60);

    // Domains and countries add up to the 60 applications; each country as stored.
    let domains = table(&admin, &format!("{base}/domains.csv")).await;
    let sum: i64 = domains
        .iter()
        .filter(|(code, _)| *code != "total")
        .map(|(_, row)| counts(row)[0])
        .sum();
    assert_eq!((sum, counts(&domains["total"])[0]), (60, 60));
    let countries = table(&admin, &format!("{base}/countries.csv")).await;
    for row in app
        .strings(
            "SELECT COALESCE(a.country, 'not_given') FROM applications a \
             JOIN tracks t ON t.id = a.track_id JOIN editions e ON e.id = t.edition_id \
             WHERE e.slug = 'sdn-2026'",
        )
        .await
        .into_iter()
        .fold(BTreeMap::<String, i64>::new(), |mut m, c| {
            *m.entry(c).or_default() += 1;
            m
        })
    {
        assert_eq!(counts(&countries[&row.0]), vec![row.1], "country {}", row.0);
    }

    // The funnel: 20 women and 40 men submitted; each later stage as the selection stored
    // it (eligibility, the published shortlist, the final's pitches, the published results).
    let funnel = table(&admin, &format!("{base}/funnel.csv")).await;
    assert_eq!(counts(&funnel["submitted"]), vec![20, 40, 0, 60]);
    let eligible = app
        .scalar_i64("SELECT COUNT(*) FROM applications WHERE status = 'eligible'")
        .await;
    let shortlisted = app
        .scalar_i64(
            "SELECT COUNT(*) FROM shortlist_entries s JOIN shortlists l \
             ON l.edition_id = s.edition_id WHERE l.status = 'published'",
        )
        .await;
    let pitched = app.scalar_i64("SELECT COUNT(*) FROM pitch_slots").await;
    let results = app
        .strings("SELECT laureates_json FROM results_publications ORDER BY version DESC")
        .await;
    let snapshot: serde_json::Value =
        serde_json::from_str(results.first().expect("published results")).expect("JSON");
    let mut laureates = std::collections::BTreeSet::new();
    for places in snapshot["laureates"]["categories"]
        .as_object()
        .expect("categories")
        .values()
    {
        for place in places.as_array().expect("places") {
            laureates.insert(place[1].as_i64().expect("a dossier"));
        }
    }
    if let Some(special) = snapshot["laureates"]["special_prize"].as_i64() {
        laureates.insert(special);
    }
    assert!(eligible > 0 && shortlisted > 0 && pitched > 0 && !laureates.is_empty());
    // Every stage also counts the dossiers that went further.
    assert_eq!(counts(&funnel["eligible"])[3], eligible);
    assert_eq!(counts(&funnel["shortlisted"])[3], shortlisted);
    assert_eq!(counts(&funnel["finalist"])[3], pitched);
    assert_eq!(counts(&funnel["laureate"])[3], laureates.len() as i64);
    for row in funnel.values() {
        let c = counts(row);
        assert_eq!(c[0] + c[1] + c[2], c[3], "{row:?}");
    }

    // The same table as XLSX.
    let xlsx = admin.get(&format!("{base}/funnel.xlsx")).await;
    let cells = xlsx_rows(&xlsx.bytes);
    assert_eq!(cells[1][0], "submitted");
    assert_eq!(cells[1][5], "60");

    // Across editions, for moderators: the directory's published actors by kind.
    let all = admin.get("/admin/statistics").await;
    assert_eq!(all.status, StatusCode::OK);
    all.assert_contains(&fr("stats-table-actor-kinds"));
    let kinds = table(&admin, "/admin/statistics/actor_kinds.csv").await;
    let published = app
        .scalar_i64("SELECT COUNT(*) FROM actors WHERE status = 'published'")
        .await;
    assert_eq!(counts(&kinds["total"])[0], published);

    // The public version and open data: no count from 1 to 4 anywhere.
    let public = app.client();
    let page = public.get("/statistics/sdn-2026").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("stats-public-note"));
    assert!(public
        .get("/statistics")
        .await
        .body
        .contains("/statistics/sdn-2026"));
    let json = public.get("/open-data/statistics.json").await;
    let document: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    let mut seen = 0;
    for scope in document["scopes"].as_array().expect("scopes") {
        for t in scope["tables"].as_array().expect("tables") {
            for row in t["rows"].as_array().expect("rows") {
                for value in row["counts"].as_object().expect("counts").values() {
                    seen += 1;
                    if let Some(n) = value.as_i64() {
                        assert!(n == 0 || n >= 5, "{n} in {t}");
                    }
                }
            }
        }
    }
    assert!(seen > 50);
    let api = public.get("/api/v1/statistics?edition=sdn-2026").await;
    assert_eq!(api.status, StatusCode::OK);
    let api: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
    assert_eq!(api["scope"], "sdn-2026");
    let submitted = &api["tables"][3]["rows"][0];
    assert_eq!(submitted["row"], "submitted");
    assert_eq!(submitted["counts"]["total"], 60);
    assert_eq!(submitted["counts"]["women"], 20);
    assert_eq!(
        public.get("/api/v1/statistics?edition=nope").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(public
        .get("/api/openapi.json")
        .await
        .body
        .contains("/api/v1/statistics"));
    let open_data = public.get("/open-data").await;
    assert!(open_data.body.contains("/open-data/statistics.csv"));
    assert!(open_data.body.contains("statistics-dictionary"));
    let long = csv_rows(&public.get("/open-data/statistics.csv").await.bytes);
    assert_eq!(
        long[0],
        vec!["scope", "table", "row", "column", "count", "hidden"]
    );
    for row in &long[1..] {
        if let Ok(n) = row[4].parse::<i64>() {
            assert!(n == 0 || n >= 5, "{row:?}");
        } else {
            assert_eq!((row[4].as_str(), row[5].as_str()), ("", "true"));
        }
    }

    // The leaders of dossiers stored before migration 0033 are filled by its UPDATE out of
    // the answers: it must find what submitting writes, dossier by dossier.
    let leaders = "SELECT CAST(id AS TEXT) || ':' || COALESCE(leader_gender, '-') || ':' \
         || COALESCE(leader_birth_date, '-') || ':' || COALESCE(CAST(leader_age AS TEXT), '-') \
         FROM applications ORDER BY id";
    let written = app.strings(leaders).await;
    // Team leaders aged 57 of both genders, and hackathon applicants with a birth date.
    let fields: Vec<Vec<&str>> = written.iter().map(|l| l.split(':').collect()).collect();
    assert!(
        fields.iter().any(|f| f[1..] == ["f", "-", "57"]),
        "{written:?}"
    );
    assert!(
        fields.iter().any(|f| f[1..] == ["m", "-", "57"]),
        "{written:?}"
    );
    assert!(fields
        .iter()
        .any(|f| f[2].starts_with("19") || f[2].starts_with("20")));
    app.exec(
        "UPDATE applications SET leader_gender = NULL, leader_birth_date = NULL, leader_age = NULL",
    )
    .await;
    let dialect = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let migration = std::fs::read_to_string(format!(
        "{}/migrations/{dialect}/0033_application_leader.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("migration 0033");
    let update = &migration[migration.find("UPDATE").expect("its UPDATE")..];
    app.exec(update.split(';').next().expect("one statement"))
        .await;
    assert_eq!(app.strings(leaders).await, written);
    app.finish().await;
}

/// The cells of an XLSX file's first sheet, as text.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an XLSX file");
    let sheet = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&sheet).expect("cells");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn small_cells_are_hidden_from_the_public_and_shown_to_organisers(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    // Four dossiers declared eligible (applicants 0 to 3: two led by women, two by men).
    let ids = app
        .strings(
            "SELECT a.public_id FROM applications a JOIN tracks t ON t.id = a.track_id \
             JOIN editions e ON e.id = t.edition_id WHERE e.slug = 'sdn-2026' ORDER BY a.id",
        )
        .await;
    for id in ids.iter().take(4) {
        admin.declare_eligible(id, "Vérifié").await;
    }
    let hidden = fr("stats-hidden");

    // Organisers see 4.
    let organiser = table(&admin, "/admin/editions/sdn-2026/statistics/funnel.csv").await;
    assert_eq!(counts(&organiser["eligible"]), vec![2, 2, 0, 4]);
    let page = admin.get("/admin/editions/sdn-2026/statistics").await;
    page.assert_contains(&fr("stats-organiser-note"));

    // The public does not, in the page, the CSV, the XLSX, the open data and the API.
    let public = app.client();
    let page = public.get("/statistics/sdn-2026").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&hidden);
    let csv = table(&public, "/statistics/sdn-2026/funnel.csv").await;
    assert_eq!(
        csv["eligible"],
        vec![hidden.clone(), hidden.clone(), "0".into(), hidden.clone()]
    );
    assert_eq!(csv["submitted"][3], "60");
    let xlsx = xlsx_rows(&public.get("/statistics/sdn-2026/funnel.xlsx").await.bytes);
    let eligible = xlsx
        .iter()
        .find(|r| r[0] == "eligible")
        .expect("an eligible row");
    assert_eq!(eligible[5], hidden);
    assert_eq!(eligible[2], hidden);
    let json = public.get("/open-data/statistics.json").await;
    let document: serde_json::Value = serde_json::from_str(&json.body).expect("JSON");
    let scope = document["scopes"]
        .as_array()
        .expect("scopes")
        .iter()
        .find(|s| s["scope"] == "sdn-2026")
        .expect("the 2026 edition");
    let funnel = scope["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == "funnel")
        .expect("the funnel");
    assert_eq!(funnel["rows"][1]["row"], "eligible");
    assert!(funnel["rows"][1]["counts"]["total"].is_null());
    assert!(funnel["rows"][1]["counts"]["women"].is_null());
    let api = public.get("/api/v1/statistics?edition=sdn-2026").await;
    let api: serde_json::Value = serde_json::from_str(&api.body).expect("JSON");
    assert!(api["tables"][3]["rows"][1]["counts"]["total"].is_null());
    let long = csv_rows(&public.get("/open-data/statistics.csv").await.bytes);
    let cell = long
        .iter()
        .find(|r| r[0] == "sdn-2026" && r[1] == "funnel" && r[2] == "eligible" && r[3] == "total")
        .expect("the cell");
    assert_eq!((cell[4].as_str(), cell[5].as_str()), ("", "true"));

    // Nobody else finds the organisers' pages.
    let stranger = app
        .signup_and_verify("Awa", "awa@exemple.ml", "awa@exemple.ml", PASSWORD)
        .await;
    for path in [
        "/admin/editions/sdn-2026/statistics",
        "/admin/editions/sdn-2026/statistics/funnel.csv",
        "/admin/statistics",
        "/admin/statistics/funnel.xlsx",
    ] {
        assert_eq!(
            stranger.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        public.get("/statistics/no-such-edition").await.status,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}
