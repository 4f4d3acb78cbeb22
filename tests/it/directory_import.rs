//! How profiles get into the directory besides self-registration, over HTTP. The organisers'
//! bulk import: a file is previewed (how it was read, the rows ready, every skipped row and
//! why) before anything is written; confirmed, it is written at once in the background, its
//! progress shown, and the report of skipped rows downloads as CSV and XLSX. Files with wrong
//! columns, Latin-1 text, formulas, empty rows, duplicates, 50,000 rows and one more are each
//! handled with a clear message. Duplicate suggestions and their merge. A profile made from
//! an application, only when the applicant ticked the form's directory consent.

use std::time::Duration;

use reqwest::StatusCode;

use crate::support::{fr, Backend, Page, TestApp, TestClient};

both_dbs!(
    a_file_is_previewed_then_imported_at_once_with_its_report,
    files_that_cannot_be_read_are_refused_whole,
    fifty_thousand_rows_are_imported_and_one_more_is_refused,
    duplicates_are_suggested_and_merged_into_the_profile_kept,
    a_profile_is_made_from_an_application_only_with_its_consent,
);

const PASSWORD: &str = "mot-de-passe-solide";

fn fr_args(key: &str, args: &[(&'static str, String)]) -> String {
    kene::i18n::tr_args(kene::i18n::Lang::Fr, key, args)
}

/// Sends a file to the import form; returns the page it leads to (the preview, or the form
/// with the reason the file was refused).
async fn upload(client: &TestClient, bytes: Vec<u8>, name: &str) -> Page {
    let page = client.upload("/admin/directory/import", bytes, name).await;
    match page.redirect_target() {
        Some(to) => {
            assert!(to.starts_with("/admin/directory/imports/"), "{to}");
            client.get(&to).await
        }
        None => page,
    }
}

/// The preview's counts (ready, skipped, empty rows), as text.
fn counts(page: &Page) -> String {
    let start = page.body.find("id=\"counts\"").expect("the counts");
    let end = start + page.body[start..].find("</ul>").expect("their end");
    crate::support::unescape(&page.body[start..end])
}

fn import_path(page: &Page) -> String {
    let action = page
        .tag_attr(
            "<form method=\"post\" action=\"/admin/directory/imports/",
            "action",
        )
        .expect("the preview's apply form");
    action.trim_end_matches("/apply").to_owned()
}

/// Confirms an import and follows its progress page until it is done.
async fn apply_and_wait(client: &TestClient, path: &str) -> Page {
    let page = client.post_form(&format!("{path}/apply"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    for _ in 0..600 {
        let page = client.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        let status = page.element_text("status").unwrap_or_default();
        if !status.contains(&fr("directory-import-status-running")) {
            return page;
        }
        // While it runs the page refreshes itself and shows a progress bar.
        assert!(
            page.body.contains("<progress id=\"progress\""),
            "{}",
            page.body
        );
        assert!(page.body.contains("http-equiv=\"refresh\""));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import did not end");
}

/// The Latin-1 file a French spreadsheet saves: `;` between cells, accents in Windows-1252.
fn latin1_file() -> Vec<u8> {
    let text = "Nom;Type;Description;Pays;Région;Secteurs;Stade;Site web;Dirigée par une femme;Email\n\
        Réseau Ségou Santé;Start-up;Téléconsultation à Ségou;Mali;Ségou;e-health;Prototype;https://reseau-segou.ml;oui;contact@reseau-segou.ml\n\
        ;;;;;;;;;\n\
        Faso Énergie;PME;Kits solaires;Burkina Faso;;energytech;growth;;non;\n\
        =HYPERLINK(\"http://pirate.example\",\"clic\");startup;Piège;ML;bamako;ai;idea;;;\n\
        Atlantide Lab;startup;Nulle part;ML;atlantis;astrologie;idea;;peut-être;\n\
        RESEAU SEGOU SANTE;startup;Doublon;ML;segou;e-health;idea;;;\n\
        \n\
        Kayes Numérique;Incubateur;Accompagnement des jeunes;ML;Kayes;e-education;;http://www.kayes-num.ml/;;\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

async fn a_file_is_previewed_then_imported_at_once_with_its_report(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;

    // Only organisers import.
    let visitor = app
        .signup_and_verify("Moussa", "moussa@exemple.ml", "moussa@exemple.ml", PASSWORD)
        .await;
    assert_eq!(
        visitor.get("/admin/directory/import").await.status,
        StatusCode::NOT_FOUND
    );
    let page = visitor
        .upload("/admin/directory/import", latin1_file(), "a.csv")
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("directory_imports").await, 0);

    // The public list, cached before the import.
    assert!(!app
        .client()
        .get("/directory")
        .await
        .body
        .contains("Faso Énergie"));

    let page = admin.get("/admin/directory").await;
    assert!(page.body.contains("href=\"/admin/directory/import\""));
    let template = admin.get("/admin/directory/import/template.csv").await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(
        template.body.contains("\"name\",\"kind\""),
        "{}",
        template.body
    );

    // The preview: read as Latin-1; three rows ready, three skipped with every reason, the
    // row of empty cells ignored (a blank line is no row at all); nothing written yet.
    let preview = upload(&admin, latin1_file(), "acteurs.csv").await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    preview.assert_contains(&fr("directory-import-format-csv-latin1"));
    preview.assert_contains(&fr("directory-import-status-previewed"));
    let shown = counts(&preview);
    assert!(shown.contains("Lignes prêtes : 3"), "{shown}");
    assert!(shown.contains("Lignes écartées : 3"), "{shown}");
    assert!(shown.contains("Lignes vides ignorées : 1"), "{shown}");
    let sample = preview.element_text("sample").unwrap_or_default();
    assert!(preview.text().contains("Faso Énergie"), "{sample}");
    let line = |n: usize| {
        let marker = format!("id=\"line-{n}\"");
        let start = preview
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("row {n} reported"));
        let end = start + preview.body[start..].find("</tr>").unwrap_or(0);
        crate::support::unescape(&preview.body[start..end])
    };
    assert!(
        line(5).contains(&fr("directory-import-error-formula")),
        "{}",
        line(5)
    );
    let atlantis = line(6);
    assert!(
        atlantis.contains(&fr("directory-error-region")),
        "{atlantis}"
    );
    assert!(
        atlantis.contains(&fr_args(
            "directory-import-error-sector",
            &[("value", "astrologie".into())]
        )),
        "{atlantis}"
    );
    assert!(
        atlantis.contains(&fr("directory-import-error-yes-no")),
        "{atlantis}"
    );
    assert!(
        line(7).contains(&fr_args(
            "directory-import-duplicate-row",
            &[("line", "2".into())]
        )),
        "{}",
        line(7)
    );
    assert_eq!(app.count("actors").await, 0);
    let path = import_path(&preview);

    // Confirmed: written at once, published, with the report.
    let done = apply_and_wait(&admin, &path).await;
    done.assert_contains(&fr("directory-import-status-imported"));
    assert!(done
        .element_text("imported")
        .unwrap_or_default()
        .contains("3"));
    assert_eq!(app.count("actors").await, 3);
    assert_eq!(app.count("actor_search").await, 3);
    assert_eq!(
        app.strings("SELECT status || '/' || source FROM actors ORDER BY id")
            .await,
        vec!["published/import"; 3]
    );
    // The file is dropped once imported; the contact address is kept, privately.
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM directory_imports WHERE content IS NULL")
            .await,
        1
    );
    assert_eq!(
        app.strings("SELECT contact_email FROM actors WHERE name = 'Réseau Ségou Santé'")
            .await,
        vec!["contact@reseau-segou.ml"]
    );

    // Found by the public search, accent-insensitively, with filters; the cache was told.
    let anonymous = app.client();
    assert!(anonymous
        .get("/directory")
        .await
        .body
        .contains("Faso Énergie"));
    let found = anonymous
        .get("/directory?q=reseau+segou&region=segou&kind=startup")
        .await;
    found.assert_contains("Réseau Ségou Santé");
    assert!(!found.body.contains("Atlantide"));
    let women = anonymous.get("/directory?women_led=1&country=ML").await;
    women.assert_contains("Réseau Ségou Santé");
    assert!(!women.body.contains("Kayes Numérique"));
    let kayes = anonymous.get("/directory?q=numerique&kind=incubator").await;
    kayes.assert_contains("Kayes Numérique");

    // The report of skipped rows, as CSV and XLSX, says the same.
    let csv = admin.get(&format!("{path}/report.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut reader = csv::ReaderBuilder::new().from_reader(&csv.bytes[3..]);
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_owned).collect())
        .collect();
    let lines: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(lines, ["5", "6", "7"]);
    assert!(rows[1][2].contains(&fr("directory-error-region")));
    let xlsx = admin.get(&format!("{path}/report.xlsx")).await;
    let cells = {
        use calamine::{Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(xlsx.bytes.clone())).expect("XLSX");
        let sheet = book.sheet_names().first().cloned().expect("a sheet");
        let range = book.worksheet_range(&sheet).expect("cells");
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert_eq!(cells.len(), 4);
    assert_eq!(cells[3][0], "7");
    assert_eq!(cells[3][1], "RESEAU SEGOU SANTE");

    // Confirming twice writes nothing more.
    let again = admin.post_form(&format!("{path}/apply"), &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    again.assert_contains(&fr("directory-import-error-not-waiting"));
    assert_eq!(app.count("actors").await, 3);

    // An XLSX file: a formula cell, an empty row, names and sites already listed.
    let xlsx = {
        use rust_xlsxwriter::{Formula, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let rows: [[&str; 7]; 5] = [
            [
                "name",
                "kind",
                "description_fr",
                "country",
                "sectors",
                "stage",
                "website",
            ],
            [
                "Réseau  Ségou santé",
                "startup",
                "Encore",
                "BF",
                "e_health",
                "idea",
                "",
            ],
            [
                "Sahel Data",
                "startup",
                "Données",
                "NE",
                "ai",
                "launch",
                "https://kayes-num.ml",
            ],
            ["", "", "", "", "", "", ""],
            [
                "Niamey Code",
                "sme",
                "Formation au code",
                "Niger",
                "e_learning",
                "growth",
                "",
            ],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *cell).expect("cell");
            }
        }
        sheet
            .write_formula(
                5,
                0,
                Formula::new("=CONCAT(\"Agadez\",\" Tech\")").set_result("Agadez Tech"),
            )
            .expect("formula");
        for (c, cell) in ["startup", "d", "NE", "ai", "idea"].iter().enumerate() {
            sheet.write_string(5, c as u16 + 1, *cell).expect("cell");
        }
        sheet.write_number(4, 7, 2019).expect("a number");
        book.save_to_buffer().expect("xlsx")
    };
    // Column H has no header but a value: that row says so.
    let preview = upload(&admin, xlsx, "acteurs.xlsx").await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    preview.assert_contains(&fr("directory-import-format-xlsx"));
    let text = preview.text();
    assert!(text.contains(&fr_args(
        "directory-import-duplicate-existing",
        &[("name", "Réseau Ségou Santé".into())]
    )));
    assert!(text.contains(&fr_args(
        "directory-import-duplicate-existing",
        &[("name", "Kayes Numérique".into())]
    )));
    assert!(text.contains(&fr("directory-import-error-formula")));
    assert!(text.contains(&fr("directory-import-error-extra-cells")));
    let shown = counts(&preview);
    assert!(shown.contains("Lignes prêtes : 0"), "{shown}");
    assert!(shown.contains("Lignes écartées : 4"), "{shown}");
    assert!(shown.contains("Lignes vides ignorées : 1"), "{shown}");

    // Cancelled: the file goes, nothing is written.
    let path = import_path(&preview);
    let page = admin.post_form(&format!("{path}/cancel"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = admin.get(&path).await;
    page.assert_contains(&fr("directory-import-status-cancelled"));
    assert!(!page.body.contains("id=\"apply\""));
    assert_eq!(app.count("actors").await, 3);
    assert_eq!(
        app.scalar_i64("SELECT COUNT(*) FROM directory_imports WHERE content IS NOT NULL")
            .await,
        0
    );

    // Every step is in the audit log.
    let actions = app
        .strings("SELECT action FROM audit_log WHERE action LIKE 'directory.import%' ORDER BY id")
        .await;
    assert_eq!(
        actions,
        [
            "directory.import_uploaded",
            "directory.import_applied",
            "directory.import_uploaded",
            "directory.import_cancelled"
        ]
    );
    app.finish().await;
}

async fn files_that_cannot_be_read_are_refused_whole(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let cases: Vec<(Vec<u8>, &str, String)> = vec![
        (
            b"name;kind;country;couleur;taille\nA;startup;ML;bleu;2\n".to_vec(),
            "colonnes.csv",
            fr_args(
                "directory-import-error-unknown-columns",
                &[("columns", "couleur, taille".into())],
            ),
        ),
        (
            b"nom,description\nA,b\n".to_vec(),
            "manque.csv",
            fr_args(
                "directory-import-error-missing-columns",
                &[("columns", "kind, country".into())],
            ),
        ),
        (
            b"name,kind,country,nom\n".to_vec(),
            "double.csv",
            fr_args(
                "directory-import-error-repeated-column",
                &[("column", "nom".into())],
            ),
        ),
        (
            b"name,kind,country\n\n,,\n".to_vec(),
            "vide.csv",
            fr("directory-import-error-empty"),
        ),
        (Vec::new(), "rien.csv", fr("directory-import-error-empty")),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1old excel".to_vec(),
            "ancien.xls",
            fr("directory-import-error-unreadable"),
        ),
        (
            b"PK\x03\x04broken zip".to_vec(),
            "casse.xlsx",
            fr("directory-import-error-unreadable"),
        ),
    ];
    for (bytes, name, message) in cases {
        let page = upload(&admin, bytes, name).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert_eq!(
            page.element_text("import-error").as_deref(),
            Some(message.as_str()),
            "{name}"
        );
    }
    // Larger than the limit: refused with the size, before it is read.
    let big = vec![b'a'; kene::directory::import::MAX_FILE_BYTES + 1];
    let page = admin
        .on_own_connections()
        .upload("/admin/directory/import", big, "gros.csv")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr_args(
        "directory-import-error-too-large",
        &[("max", "20".into())],
    ));
    assert_eq!(app.count("directory_imports").await, 0);
    assert_eq!(app.count("actors").await, 0);
    app.finish().await;
}

fn rows_csv(n: usize) -> Vec<u8> {
    let mut text = String::from("name,kind,description_fr,country,region,sectors,stage\n");
    for i in 0..n {
        let (kind, stage) = if i % 3 == 0 {
            ("sme", "growth")
        } else {
            ("startup", "idea")
        };
        text.push_str(&format!(
            "Entreprise numéro {i},{kind},Services numériques {i},ML,sikasso,fintech;ai,{stage}\n"
        ));
    }
    text.into_bytes()
}

async fn fifty_thousand_rows_are_imported_and_one_more_is_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let max = kene::directory::import::MAX_ROWS;

    let page = upload(&admin, rows_csv(max + 1), "trop.csv").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("import-error"),
        Some(fr_args(
            "directory-import-error-too-many-rows",
            &[("rows", (max + 1).to_string()), ("max", max.to_string())]
        ))
    );
    assert_eq!(app.count("directory_imports").await, 0);

    let preview = upload(&admin, rows_csv(max), "limite.csv").await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    let shown = counts(&preview);
    assert!(shown.contains(&format!("Lignes prêtes : {max}")), "{shown}");
    let done = apply_and_wait(&admin, &import_path(&preview)).await;
    done.assert_contains(&fr("directory-import-status-imported"));
    assert_eq!(app.count("actors").await, max as i64);
    assert_eq!(app.count("actor_search").await, max as i64);
    assert_eq!(app.count("actor_sectors").await, 2 * max as i64);
    let found = app
        .client()
        .get("/directory?q=entreprise+numero+49999&region=sikasso")
        .await;
    found.assert_contains("Entreprise numéro 49999");
    app.finish().await;
}

async fn duplicates_are_suggested_and_merged_into_the_profile_kept(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    // An imported profile (published, no owner) and the same organisation registered by
    // its founder, with another spelling and what the import lacked.
    let file = "name,kind,description_fr,country,sectors,stage,website\n\
        Sahel Soins,startup,Soins à domicile,NE,e_health,launch,https://sahel-soins.ne\n\
        Autre Structure,startup,Autre chose,NE,ai,idea,\n"
        .as_bytes()
        .to_vec();
    let preview = upload(&admin, file, "import.csv").await;
    apply_and_wait(&admin, &import_path(&preview)).await;
    let moussa = app
        .signup_and_verify(
            "Moussa",
            "moussa@sahel-soins.ne",
            "moussa@sahel-soins.ne",
            PASSWORD,
        )
        .await;
    let fields: Vec<(String, String)> = [
        ("kind", "startup"),
        ("name", "SAHEL-SOINS"),
        ("description_fr", "Infirmiers à domicile à Niamey."),
        ("country", "NE"),
        ("town", "Niamey"),
        ("stage", "launch"),
        ("contact_email", "contact@sahel-soins.ne"),
        ("sector", "ai"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let page = moussa.post_form_owned("/directory/new", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let registered = page
        .redirect_target()
        .expect("to the profile")
        .trim_start_matches("/directory/")
        .to_owned();
    let page = admin
        .post_form(
            &format!("/admin/directory/{registered}"),
            &[("decision", "publish")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    // The founder's profile is interested in an opportunity.
    let grant = [
        ("kind", "grant"),
        ("title", "Subvention santé"),
        ("offered_by", "Fonds Sahel"),
        ("description", "Pour les soins"),
        ("deadline", "2026-12-15"),
    ];
    let page = admin.post_form("/opportunities/new", &grant).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let grant_url = page.redirect_target().expect("to the opportunity");
    let page = moussa
        .post_form(
            &format!("{grant_url}/interest"),
            &[("actor", registered.as_str()), ("message", "Intéressés")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert_eq!(app.count("opportunity_interests").await, 1);

    // Suggested to organisers only.
    assert_eq!(
        moussa.get("/admin/directory/duplicates").await.status,
        StatusCode::NOT_FOUND
    );
    let page = admin.get("/admin/directory/duplicates").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.element_text("groups-count"),
        Some(fr_args("directory-merge-count", &[("count", "1".into())]))
    );
    page.assert_contains("SAHEL-SOINS");
    assert!(!page.body.contains("Autre Structure"));
    let kept = app
        .strings("SELECT public_id FROM actors WHERE name = 'Sahel Soins'")
        .await
        .remove(0);

    // Nothing chosen to merge: refused, nothing changed.
    let page = admin
        .post_form("/admin/directory/duplicates", &[("keep", kept.as_str())])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.element_text("merge-error"),
        Some(fr("directory-merge-error-choice"))
    );
    assert_eq!(app.count("actors").await, 3);

    let page = admin
        .post_form(
            "/admin/directory/duplicates",
            &[("keep", kept.as_str()), ("merge", registered.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert_eq!(app.count("actors").await, 2);
    assert_eq!(app.count("actor_search").await, 2);
    // The kept profile: its own values, the gaps filled, both sectors, the founder as owner,
    // the interest moved to it.
    assert_eq!(
        app.strings(
            "SELECT name || '|' || town || '|' || website || '|' || sectors || '|' || contact_email \
             FROM actors WHERE name = 'Sahel Soins'"
        )
        .await,
        vec!["Sahel Soins|Niamey|https://sahel-soins.ne|e_health,ai|contact@sahel-soins.ne"]
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM actors a JOIN users u ON u.id = a.owner_id \
             WHERE a.name = 'Sahel Soins'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM opportunity_interests i JOIN actors a ON a.id = i.actor_id \
             WHERE a.name = 'Sahel Soins'"
        )
        .await,
        1
    );
    // The merged profile is gone; the kept one is found with its new sector.
    assert_eq!(
        app.client()
            .get(&format!("/directory/{registered}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let found = app.client().get("/directory?q=sahel&sector=ai").await;
    found.assert_contains("Sahel Soins");
    let page = admin.get("/admin/directory/duplicates").await;
    assert_eq!(
        page.element_text("groups-count"),
        Some(fr_args("directory-merge-count", &[("count", "0".into())]))
    );
    // Merging again: the merged profile no longer exists.
    let page = admin
        .post_form(
            "/admin/directory/duplicates",
            &[("keep", kept.as_str()), ("merge", registered.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        app.strings("SELECT action FROM audit_log WHERE action = 'directory.profiles_merged'")
            .await
            .len(),
        1
    );
    app.finish().await;
}

async fn a_profile_is_made_from_an_application_only_with_its_consent(backend: Backend) {
    use crate::applications::{fill_startup_application, pairs, save_section, start_application};
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    async fn submit(client: &TestClient, id: String) {
        let page = client
            .post_form(&format!("/applications/{id}/submit"), &[])
            .await;
        assert!(page.status.is_redirection(), "{}", page.text());
    }

    // Aminata applies without ticking the directory consent: nothing can be copied.
    let aminata = app
        .signup_and_verify(
            "Aminata",
            "aminata@exemple.ml",
            "aminata@exemple.ml",
            PASSWORD,
        )
        .await;
    let without = start_application(&aminata).await;
    fill_startup_application(&aminata, &without, "SahelSanté").await;
    submit(&aminata, without.clone()).await;
    let page = aminata.get("/directory/new").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"from-applications\""));
    assert_eq!(
        aminata
            .get(&format!("/directory/new?from={without}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Bakary ticks it: his form offers the application and pre-fills from it, without his
    // contact details.
    let bakary = app
        .signup_and_verify("Bakary", "bakary@exemple.ml", "bakary@exemple.ml", PASSWORD)
        .await;
    let with = start_application(&bakary).await;
    fill_startup_application(&bakary, &with, "Djoliba Santé").await;
    let base = format!("/applications/{with}");
    save_section(
        &bakary,
        &with,
        3,
        &pairs(&[("consent", "yes"), ("directory_consent", "yes")]),
        &format!("{base}/review"),
    )
    .await;
    submit(&bakary, with.clone()).await;
    // Someone else cannot use his application.
    assert_eq!(
        aminata
            .get(&format!("/directory/new?from={with}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let page = bakary.get("/directory/new").await;
    let offered = page.element_text("from-applications").unwrap_or_default();
    assert!(
        page.body.contains(&format!("/directory/new?from={with}")),
        "{offered}"
    );
    let page = bakary.get(&format!("/directory/new?from={with}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("directory-from-application-prefilled"));
    assert_eq!(page.input_value("name").as_deref(), Some("SahelSanté SARL"));
    assert_eq!(page.input_value("founded_year").as_deref(), Some("2021"));
    assert_eq!(
        page.input_value("website").as_deref(),
        Some("https://sahelsante.example.ml")
    );
    assert_eq!(page.input_value("contact_email").as_deref(), Some(""));
    assert!(page.text().contains("Des rendez-vous médicaux par SMS"));
    assert!(page.body.contains("value=\"e_health\" checked"));
    assert_eq!(page.input_value("from").as_deref(), Some(with.as_str()));

    // He completes the region (required for Mali) and sends it: it waits for an organiser,
    // made from his application.
    let mut fields: Vec<(String, String)> = [
        ("kind", "startup"),
        ("name", "SahelSanté SARL"),
        ("description_fr", "Des rendez-vous médicaux par SMS."),
        ("country", "ML"),
        ("stage", "launch"),
        ("sector", "e_health"),
        ("from", with.as_str()),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let page = bakary.post_form_owned("/directory/new", &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("directory-error-region"));
    assert_eq!(page.input_value("from").as_deref(), Some(with.as_str()));
    assert_eq!(page.input_value("name").as_deref(), Some("SahelSanté SARL"));
    fields.push(("region".into(), "bamako".into()));
    let page = bakary.post_form_owned("/directory/new", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert_eq!(
        app.strings(
            "SELECT a.source || '/' || a.status || '/' || p.public_id FROM actors a \
             JOIN applications p ON p.id = a.application_id"
        )
        .await,
        vec![format!("application/pending/{with}")]
    );
    // One profile per application.
    assert!(!bakary
        .get("/directory/new")
        .await
        .body
        .contains("id=\"from-applications\""));
    let page = bakary.post_form_owned("/directory/new", &fields).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("actors").await, 1);
    admin
        .get("/admin/directory")
        .await
        .assert_contains("SahelSanté SARL");
    app.finish().await;
}
