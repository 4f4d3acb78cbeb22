//! The directory with 50,000 actors, against the real server in-process on loopback:
//! `cargo bench --bench directory` (SQLite), or with `KENE_BENCH_DATABASE_URL=postgres://…`
//! for PostgreSQL.
//!
//! 1. Filtered full-text search: 2,000 searches as a visitor types them (one to three words,
//!    often the start of a word, half with accents, with one or two filters and a page),
//!    requested over HTTP as browsers ask (`Accept-Encoding: br, gzip`), one after the other.
//!    Target: p99 under 20 ms.
//! 2. The first page of the directory (no query), rendered then kept by the public cache.
//! 3. Importing a 10,000-row XLSX file as an organiser does it over HTTP: the upload (read
//!    and checked against the 50,000 actors already listed), its preview page, the
//!    confirmation, and the background import followed until it is done. Target: under 5 s.
//!
//! The 50,000 actors are written by the import's batched insert, in one transaction (setup,
//! not measured; its time is printed).

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::header::ACCEPT_ENCODING;

use kene::app::RunningServer;
use kene::clock::SystemClock;
use kene::config::Config;
use kene::directory::rules::{check_actor, ActorInput};
use kene::directory::taxonomy::{ActorKind, MaliRegion, Stage};
use kene::domain::sector::Sector;

const ACTORS: usize = 50_000;
const SEARCHES: usize = 2_000;
const TARGET_P99_MS: f64 = 20.0;
const IMPORTED: usize = 10_000;
const TARGET_IMPORT_S: f64 = 5.0;
const CSRF: &str = "bench-csrf-token-0123456789-abcdefghijklmnopqrstuvwxyz";

const WORDS: [&str; 24] = [
    "Réseau",
    "Santé",
    "Sahel",
    "Djoliba",
    "Paiement",
    "Agriculture",
    "Énergie",
    "Solaire",
    "École",
    "Numérique",
    "Sécurité",
    "Transport",
    "Commerce",
    "Femmes",
    "Jeunes",
    "Données",
    "Téléphone",
    "Marché",
    "Coopérative",
    "Élevage",
    "Culture",
    "Musique",
    "Banque",
    "Crédit",
];
const TOWNS: [&str; 8] = [
    "Bamako",
    "Kayes",
    "Ségou",
    "Sikasso",
    "Mopti",
    "Gao",
    "Ouagadougou",
    "Niamey",
];

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

fn actor(rng: &mut StdRng, i: usize) -> ActorInput {
    let kind = *ActorKind::ALL.choose(rng).unwrap_or(&ActorKind::Startup);
    let town = TOWNS[rng.gen_range(0..TOWNS.len())];
    let (country, region) = match town {
        "Ouagadougou" => ("BF", ""),
        "Niamey" => ("NE", ""),
        _ => (
            "ML",
            MaliRegion::ALL[rng.gen_range(0..MaliRegion::ALL.len())].as_str(),
        ),
    };
    let words: Vec<&str> = (0..6)
        .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
        .collect();
    let mut sectors: Vec<Sector> = Sector::ALL.to_vec();
    sectors.shuffle(rng);
    ActorInput {
        kind: kind.as_str().into(),
        name: format!("{} {} {i}", words[0], words[1]),
        description_fr: format!("{} et {} pour {} à {town}.", words[2], words[3], words[4]),
        description_en: format!("{} for {}.", words[4], words[5]),
        country: country.into(),
        region: region.into(),
        town: town.into(),
        stage: if kind.is_company() {
            Stage::ALL[rng.gen_range(0..Stage::ALL.len())]
                .as_str()
                .into()
        } else {
            String::new()
        },
        women_led: rng.gen_bool(0.3).then(|| "yes".into()),
        sectors: sectors
            .iter()
            .take(rng.gen_range(1..=3))
            .map(|s| s.as_str().into())
            .collect(),
        ..ActorInput::default()
    }
}

/// A search as a visitor types it.
fn search(rng: &mut StdRng) -> String {
    let mut q: Vec<String> = Vec::new();
    for _ in 0..rng.gen_range(1..=3) {
        let word = WORDS[rng.gen_range(0..WORDS.len())];
        let word = if rng.gen_bool(0.5) {
            kene::directory::rules::fold(word)
        } else {
            word.to_owned()
        };
        // Often only the start of a word.
        let typed: String = if rng.gen_bool(0.4) {
            word.chars().take(4).collect()
        } else {
            word
        };
        q.push(typed);
    }
    let mut params = vec![("q", q.join(" "))];
    match rng.gen_range(0..4) {
        0 => params.push(("kind", "startup".into())),
        1 => params.push(("country", "ML".into())),
        2 => params.push((
            "sector",
            Sector::ALL[rng.gen_range(0..Sector::ALL.len())]
                .as_str()
                .into(),
        )),
        _ => params.push(("women_led", "1".into())),
    }
    if rng.gen_bool(0.3) {
        params.push(("region", "bamako".into()));
    }
    if rng.gen_bool(0.2) {
        params.push(("page", "2".into()));
    }
    serde_urlencoded::to_string(&params).unwrap_or_default()
}

async fn run() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: std::env::var("KENE_BENCH_DATABASE_URL").ok(),
        ..Config::default()
    };
    let state = kene::app::prepare(config, Arc::new(SystemClock)).await?;
    let backend = if state.db.is_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("== directory: {ACTORS} actors on {backend} ==");
    let login = kene::demo::seed_with(&state, kene::demo::Scope::Calls).await?;
    let admin = kene::accounts::users::find_by_login(
        &state.db,
        &kene::domain::types::Login::parse(&login.email).map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("no demo admin"))?;
    let mut rng = StdRng::seed_from_u64(50_000);
    let started = Instant::now();
    let now = state.now_ms();
    let mut profiles = Vec::with_capacity(ACTORS);
    for i in 0..ACTORS {
        let profile =
            check_actor(&actor(&mut rng, i), 2026).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        profiles.push((kene::crypto::random_public_id(), profile));
    }
    let mut tx = state.db.begin().await?;
    for batch in profiles.chunks(kene::directory::actions::IMPORT_BATCH) {
        let batch: Vec<(String, &kene::directory::rules::ActorProfile)> =
            batch.iter().map(|(id, p)| (id.clone(), p)).collect();
        kene::directory::queries::insert_imported(&mut tx, &batch, (admin.id, now)).await?;
    }
    tx.commit().await?;
    // As an import does after it commits (and autovacuum soon after any bulk write).
    kene::directory::queries::analyze(&state.db).await?;
    println!(
        "  setup: {ACTORS} actors written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let admin_cookie = {
        let mut tx = state.db.begin().await?;
        let token = kene::web::sessions::create(&mut tx, admin.id, state.now_ms()).await?;
        tx.commit().await?;
        format!("kene_session={token}; kene_csrf={CSRF}")
    };

    let server = RunningServer::start(state.clone(), "127.0.0.1:0".parse()?).await?;
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder().build()?;
    let get = |path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            let started = Instant::now();
            let response = client
                .get(&url)
                .header(ACCEPT_ENCODING, "br, gzip")
                .send()
                .await?;
            let status = response.status();
            let bytes = response.bytes().await?.len();
            anyhow::ensure!(status.is_success(), "{url}: {status}");
            Ok::<_, anyhow::Error>((started.elapsed(), bytes))
        }
    };

    println!("\n== 1. filtered full-text search: {SEARCHES} searches, one at a time ==");
    for _ in 0..50 {
        get(format!("/directory?{}", search(&mut rng))).await?;
    }
    let mut times = Vec::with_capacity(SEARCHES);
    let mut transferred = 0;
    for _ in 0..SEARCHES {
        let query = search(&mut rng);
        let (took, bytes) = get(format!("/directory?{query}")).await?;
        times.push(took);
        transferred += bytes;
    }
    times.sort();
    let p99 = percentile(&times, 0.99);
    println!(
        "  p50 {:.2} ms · p90 {:.2} ms · p99 {p99:.2} ms · max {:.2} ms · {:.1} KB per page on average",
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        percentile(&times, 1.0),
        transferred as f64 / SEARCHES as f64 / 1024.0
    );
    let verdict = if p99 < TARGET_P99_MS { "PASS" } else { "FAIL" };
    println!("  target p99 < {TARGET_P99_MS} ms: {verdict}");

    println!("\n== 2. the directory's first page (public cache), one at a time ==");
    let mut times = Vec::new();
    for _ in 0..500 {
        times.push(get("/directory".to_owned()).await?.0);
    }
    times.sort();
    println!(
        "  p50 {:.2} ms · p99 {:.2} ms (nginx comparison: load-tests/public-pages.sh)",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );

    println!("\n== 3. importing a {IMPORTED}-row XLSX file over HTTP ==");
    let xlsx = workbook(&mut rng)?;
    println!("  file: {:.1} MB", xlsx.len() as f64 / 1024.0 / 1024.0);
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let started = Instant::now();
    let form = reqwest::multipart::Form::new().text("csrf", CSRF).part(
        "file",
        reqwest::multipart::Part::bytes(xlsx).file_name("acteurs.xlsx"),
    );
    let response = no_redirect
        .post(format!("{base}/admin/directory/import"))
        .header("cookie", &admin_cookie)
        .multipart(form)
        .send()
        .await?;
    let preview = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("upload refused: {}", response.status()))?;
    let uploaded = started.elapsed();
    let page = no_redirect
        .get(format!("{base}{preview}"))
        .header("cookie", &admin_cookie)
        .send()
        .await?
        .text()
        .await?;
    anyhow::ensure!(
        page.contains(&format!(": {IMPORTED}<")),
        "not every row is ready"
    );
    let previewed = started.elapsed();
    let response = no_redirect
        .post(format!("{base}{preview}/apply"))
        .header("cookie", &admin_cookie)
        .form(&[("csrf", CSRF)])
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_redirection(),
        "apply: {}",
        response.status()
    );
    loop {
        let page = no_redirect
            .get(format!("{base}{preview}"))
            .header("cookie", &admin_cookie)
            .send()
            .await?
            .text()
            .await?;
        if page.contains("id=\"imported\"") {
            break;
        }
        anyhow::ensure!(!page.contains("id=\"failed\""), "the import failed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let total = started.elapsed().as_secs_f64();
    let listed = kene::directory::queries::published(&state.db).await?.len();
    anyhow::ensure!(listed == ACTORS + IMPORTED, "{listed} actors listed");
    println!(
        "  upload and check {:.2} s · preview page {:.2} s · import {:.2} s · total {total:.2} s",
        uploaded.as_secs_f64(),
        (previewed - uploaded).as_secs_f64(),
        total - previewed.as_secs_f64()
    );
    let verdict = if total < TARGET_IMPORT_S {
        "PASS"
    } else {
        "FAIL"
    };
    println!("  target < {TARGET_IMPORT_S} s: {verdict}");
    server.stop().await;
    Ok(())
}

/// The file an organiser would send: French headers, labels as typed, new names.
fn workbook(rng: &mut StdRng) -> anyhow::Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let headers = [
        "Nom",
        "Type",
        "Description",
        "Pays",
        "Région",
        "Ville",
        "Secteurs",
        "Stade",
        "Année de création",
        "Dirigée par une femme",
        "Site web",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for i in 0..IMPORTED {
        let input = actor(rng, i);
        let r = i as u32 + 1;
        let cells = [
            format!("Nouvelle structure {i}"),
            input.kind.clone(),
            input.description_fr.clone(),
            input.country.clone(),
            input.region.clone(),
            input.town.clone(),
            input.sectors.join("; "),
            input.stage.clone(),
        ];
        for (c, cell) in cells.iter().enumerate() {
            sheet.write_string(r, c as u16, cell)?;
        }
        sheet.write_number(r, 8, 2000.0 + (i % 26) as f64)?;
        let women = if input.women_led.is_some() {
            "oui"
        } else {
            "non"
        };
        sheet.write_string(r, 9, women)?;
        sheet.write_string(r, 10, format!("https://structure-{i}.example.ml"))?;
    }
    Ok(book.save_to_buffer()?)
}

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}
