//! Organisers' day to day: counts per edition on `/admin`, eligibility decided for several
//! dossiers at once, the form's notice after "Next", typed XLSX exports.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;

use crate::applications::{
    application_field, company_section, fill_startup_application, start_application, PASSWORD,
};
use crate::support::{fr, Backend, Page, TestApp, TestClient};

both_dbs!(
    admin_counts_each_edition_by_track_status_country_and_women_led,
    several_dossiers_decided_at_once_each_audited_and_told,
    a_single_decision_on_a_stale_status_is_a_conflict,
    next_names_the_required_fields_left_empty_in_french_and_english,
    xlsx_exports_have_typed_cells_and_human_headers,
);

/// Signs an applicant up, fills the whole start-up form and submits; returns the public id.
async fn submitted(app: &TestApp, name: &str, email: &str, title: &str) -> (TestClient, String) {
    let client = app.signup_and_verify(name, email, email, PASSWORD).await;
    let id = start_application(&client).await;
    fill_startup_application(&client, &id, title).await;
    let page = client
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());
    (client, id)
}

/// The `<article>` of `/admin` about the edition whose heading contains `year`.
fn edition_block(page: &Page, year: &str) -> String {
    let text = page.text();
    text.split("<article class=\"card\">")
        .find(|block| {
            block
                .split("</h2>")
                .next()
                .is_some_and(|h| h.contains(year))
        })
        .unwrap_or_else(|| panic!("no block for {year}:\n{text}"))
        .to_owned()
}

/// The header cells and the cells of the row labelled `label` in the table with `caption`.
fn table_row(block: &str, caption: &str, label: &str) -> (Vec<String>, Vec<String>) {
    let start = block
        .find(&format!("<caption>{caption}</caption>"))
        .unwrap_or_else(|| panic!("no table {caption:?}:\n{block}"));
    let table = &block[start..start + block[start..].find("</table>").expect("table end")];
    let cells = |html: &str, tag: &str| -> Vec<String> {
        html.split(tag)
            .skip(1)
            .filter_map(|c| {
                let c = &c[c.find('>')? + 1..];
                Some(c[..c.find('<')?].to_owned())
            })
            .collect()
    };
    let head = &table[..table.find("</thead>").expect("thead")];
    let headers = cells(head, "<th scope=\"col\"");
    let row_start = table
        .find(&format!("<th scope=\"row\">{label}</th>"))
        .unwrap_or_else(|| panic!("no row {label:?} in {caption:?}:\n{table}"));
    let row = &table[row_start..row_start + table[row_start..].find("</tr>").expect("row end")];
    (headers, cells(row, "<td"))
}

async fn startup_track_name(app: &TestApp) -> String {
    app.strings(
        "SELECT t.name_fr FROM tracks t JOIN editions e ON e.id = t.edition_id \
         WHERE e.slug = 'sdn-2027' AND t.slug = 'startups'",
    )
    .await
    .remove(0)
}

async fn admin_counts_each_edition_by_track_status_country_and_women_led(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    // Aminata: submitted, Mali, women-led (the team helper's leader is a woman).
    submitted(&app, "Aminata", "aminata@exemple.ml", "SahelSanté").await;
    // Ousmane: submitted from Niger with a man leading, then edits the country without
    // re-submitting: the counts stay on what was submitted.
    let (ousmane, id) = submitted(&app, "Ousmane", "ousmane@exemple.ne", "NigerPay").await;
    let mut niger = company_section("NigerPay SA");
    niger.retain(|(k, _)| k != "country");
    niger.push(("country".into(), "NE".into()));
    // (Submitted above as Mali by the helper; re-submit as Niger with a man leading.)
    let base = format!("/applications/{id}");
    let mut all = niger.clone();
    all.push(("action".into(), "save".into()));
    assert!(ousmane
        .post_form_owned(&format!("{base}/edit/0"), &all)
        .await
        .status
        .is_redirection());
    let mut team = crate::applications::team_section();
    for (k, v) in &mut team {
        if k == "leader_gender" || k == "team[0][gender]" {
            *v = "m".into();
        }
    }
    team.push(("action".into(), "save".into()));
    assert!(ousmane
        .post_form_owned(&format!("{base}/edit/2"), &team)
        .await
        .status
        .is_redirection());
    let page = ousmane.post_form(&format!("{base}/submit"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let mut burkina = company_section("NigerPay SA");
    burkina.retain(|(k, _)| k != "country");
    burkina.push(("country".into(), "BF".into()));
    burkina.push(("action".into(), "save".into()));
    assert!(ousmane
        .post_form_owned(&format!("{base}/edit/0"), &burkina)
        .await
        .status
        .is_redirection());
    // Fanta: a draft only.
    let fanta = app
        .signup_and_verify("Fanta", "fanta@exemple.ml", "fanta@exemple.ml", PASSWORD)
        .await;
    start_application(&fanta).await;

    let page = admin.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    let block = edition_block(&page, "2027");
    let track = startup_track_name(&app).await;
    let (headers, drafts) = table_row(&block, &fr("backoffice-by-status"), &fr("status-draft"));
    let col = headers
        .iter()
        .position(|h| *h == track)
        .unwrap_or_else(|| panic!("{track} in {headers:?}"))
        - 1;
    assert_eq!(headers.last().map(String::as_str), Some("Total"));
    assert_eq!(drafts[col], "1", "one draft");
    let (_, subs) = table_row(&block, &fr("backoffice-by-status"), &fr("status-submitted"));
    assert_eq!(subs[col], "2", "two submitted");
    assert_eq!(subs.last().map(String::as_str), Some("2"));
    let by_country = fr("backoffice-by-country");
    let (_, mali) = table_row(&block, &by_country, "Mali");
    assert_eq!(mali[col], "1");
    let (_, niger) = table_row(&block, &by_country, "Niger");
    assert_eq!(niger[col], "1", "counted on the submitted version");
    assert!(
        !block.contains("<th scope=\"row\">Burkina Faso</th>"),
        "an unsubmitted edit is not counted"
    );
    let (_, women) = table_row(&block, &fr("backoffice-by-women-led"), &fr("yes"));
    assert_eq!(women[col], "1");
    let (_, men) = table_row(&block, &fr("backoffice-by-women-led"), &fr("no"));
    assert_eq!(men[col], "1");
    // The seeded 2026 edition has its own figures: its 60 dossiers, none of 2027's.
    let block_2026 = edition_block(&page, "2026");
    let (_, submitted_2026) = table_row(
        &block_2026,
        &fr("backoffice-by-status"),
        &fr("status-submitted"),
    );
    let total_2026: i64 = app
        .scalar_i64(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM applications a JOIN tracks t ON t.id = a.track_id \
             JOIN editions e ON e.id = t.edition_id WHERE e.slug = 'sdn-2026' AND a.status = 'submitted'",
        )
        .await;
    assert_eq!(submitted_2026.last().cloned(), Some(total_2026.to_string()));
    app.finish().await;
}

async fn decisions_logged(app: &TestApp) -> i64 {
    app.scalar_i64(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'application.status'",
    )
    .await
}

async fn eligibility_messages(app: &TestApp) -> i64 {
    app.scalar_i64(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE idempotency_key LIKE 'eligibility:%'",
    )
    .await
}

async fn several_dossiers_decided_at_once_each_audited_and_told(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let mut ids = Vec::new();
    for (name, email) in [
        ("Awa", "awa@exemple.ml"),
        ("Bakary", "bakary@exemple.ml"),
        ("Coumba", "coumba@exemple.ml"),
    ] {
        ids.push(submitted(&app, name, email, name).await.1);
    }
    let list_url = "/admin/editions/sdn-2027/applications?track=startups";
    let list = admin.get(list_url).await;
    assert_eq!(list.status, StatusCode::OK);
    for id in &ids {
        assert!(
            list.body.contains(&format!("value=\"{id}:submitted\"")),
            "a checkbox for {id}"
        );
    }
    let decide = "/admin/editions/sdn-2027/applications/decide";
    let back = ("back", "track=startups");
    let picks: Vec<String> = ids.iter().map(|id| format!("{id}:submitted")).collect();

    // Nothing ticked: a clear message, the typed reason kept, nothing written.
    let page = admin
        .post_form(
            decide,
            &[("status", "eligible"), ("reason", "Dossier complet"), back],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("backoffice-bulk-none-ticked"));
    page.assert_contains("Dossier complet");

    // Every dossier passes the automatic check: declaring them ineligible overrides it and
    // needs a reason, as a single decision does. Nothing is written, the ticks are kept.
    let mut fields: Vec<(&str, &str)> = vec![("status", "ineligible"), ("reason", " "), back];
    fields.extend(picks.iter().map(|p| ("pick", p.as_str())));
    let page = admin.post_form(decide, &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains("SDN27-STA-0001");
    page.assert_contains("Rien n'a été enregistré");
    assert_eq!(
        page.body.matches(" checked>").count(),
        4,
        "3 ticks + 1 decision"
    );
    for id in &ids {
        assert_eq!(
            application_field(&app, id, "status").await.as_deref(),
            Some("submitted")
        );
    }
    assert_eq!(decisions_logged(&app).await, 0);
    assert_eq!(eligibility_messages(&app).await, 0);

    // Someone else decides the third while the list is open.
    let page = admin
        .post_form(
            &format!("/admin/applications/{}/status", ids[2]),
            &[
                ("status", "eligible"),
                ("reason", ""),
                ("from", "submitted"),
            ],
        )
        .await;
    assert!(page.status.is_redirection(), "{}", page.text());

    let mut fields: Vec<(&str, &str)> = vec![("status", "eligible"), ("reason", ""), back];
    fields.extend(picks.iter().map(|p| ("pick", p.as_str())));
    let page = admin.post_form(decide, &fields).await;
    let target = page
        .redirect_target()
        .unwrap_or_else(|| panic!("{} {}", page.status, page.text()));
    assert!(target.contains("track=startups"), "{target}");
    let page = admin.get(&target).await;
    assert_eq!(page.status, StatusCode::OK);
    let report = page.element_text("bulk-report").expect("a report");
    assert!(report.contains("Décisions enregistrées : 2."), "{report}");
    let third = application_field(&app, &ids[2], "reference")
        .await
        .expect("reference");
    assert!(
        report.contains(&third),
        "the skipped dossier is named: {report}"
    );
    for id in &ids {
        assert_eq!(
            application_field(&app, id, "status").await.as_deref(),
            Some("eligible")
        );
    }
    // A forged report link cannot make the page say something of its own.
    let forged = admin
        .get(&format!(
            "{list_url}&decided=2&skipped={third}%2C%20Appelez%20le%2070%2000%2000%2000%20pour%20valider"
        ))
        .await;
    let report = forged.element_text("bulk-report").expect("a report");
    assert!(report.contains(&third), "{report}");
    assert!(!report.contains("Appelez"), "{report}");
    // One audit entry and one message per decision: the single one and the two of the batch.
    assert_eq!(decisions_logged(&app).await, 3);
    assert_eq!(eligibility_messages(&app).await, 3);
    let told = app
        .strings(
            "SELECT recipient FROM outbox WHERE idempotency_key LIKE 'eligibility:%' ORDER BY recipient",
        )
        .await;
    assert_eq!(
        told,
        ["awa@exemple.ml", "bakary@exemple.ml", "coumba@exemple.ml"]
    );
    // Nobody else may decide in bulk.
    let stranger = app
        .signup_and_verify("Intrus", "intrus@exemple.ml", "intrus@exemple.ml", PASSWORD)
        .await;
    let page = stranger.post_form(decide, &fields).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

async fn a_single_decision_on_a_stale_status_is_a_conflict(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let (_, id) = submitted(&app, "Awa", "awa@exemple.ml", "Awa").await;
    let url = format!("/admin/applications/{id}/status");
    let page = admin
        .post_form(
            &url,
            &[
                ("status", "eligible"),
                ("reason", ""),
                ("from", "submitted"),
            ],
        )
        .await;
    assert!(page.status.is_redirection());
    // A second organiser, with the page loaded before that decision.
    let page = admin
        .post_form(
            &url,
            &[
                ("status", "ineligible"),
                ("reason", "Pièce manquante"),
                ("from", "submitted"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("status-eligible"));
    page.assert_contains("Pièce manquante");
    assert_eq!(
        application_field(&app, &id, "status").await.as_deref(),
        Some("eligible")
    );
    assert_eq!(decisions_logged(&app).await, 1);
    // The write itself is conditional: a decision racing past that check (read before the
    // other committed) changes nothing, and the use case reports the conflict.
    let row_id = app
        .scalar_i64(&format!(
            "SELECT id FROM applications WHERE public_id = '{id}'"
        ))
        .await;
    let mut tx = app.db().begin().await.expect("transaction");
    let changed = kene::applications::queries::set_status_from(
        &mut tx,
        row_id,
        "submitted",
        "ineligible",
        Some("Pièce manquante"),
        0,
    )
    .await
    .expect("update");
    tx.commit().await.expect("commit");
    assert!(!changed, "no row changes from a status it no longer has");
    assert_eq!(
        application_field(&app, &id, "status").await.as_deref(),
        Some("eligible")
    );
    app.finish().await;
}

async fn next_names_the_required_fields_left_empty_in_french_and_english(backend: Backend) {
    let app = TestApp::start(backend).await;
    app.seed_demo().await;
    let client = app
        .signup_and_verify("Awa", "awa@exemple.ml", "awa@exemple.ml", PASSWORD)
        .await;
    let id = start_application(&client).await;
    let base = format!("/applications/{id}");
    let mut partial = company_section("");
    partial.retain(|(k, _)| k != "founded_on");
    partial.push(("action".into(), "next".into()));
    let page = client
        .post_form_owned(&format!("{base}/edit/0"), &partial)
        .await;
    let target = page
        .redirect_target()
        .unwrap_or_else(|| panic!("a partial draft is saved: {} {}", page.status, page.text()));
    assert_eq!(target, format!("{base}/edit/1?after=0"));
    // The draft is saved as typed.
    let answers = application_field(&app, &id, "answers_json")
        .await
        .expect("answers");
    assert!(
        answers.contains("contact@sahelsante.example.ml"),
        "{answers}"
    );

    let page = client.get(&target).await;
    assert_eq!(page.status, StatusCode::OK);
    let notice = still_empty_notice(&page).expect("a notice after Next");
    assert!(notice.contains("brouillon"), "{notice}");
    assert!(notice.contains("Raison sociale"), "{notice}");
    assert!(notice.contains("Date de création"), "{notice}");
    assert!(
        !notice.contains("Site web"),
        "optional fields are not named"
    );
    assert!(!notice.contains("Pays"), "filled fields are not named");
    assert!(
        page.body
            .contains(&format!("href=\"{base}/edit/0#f-company_name\"")),
        "each field links to its place"
    );

    client.get("/lang/en?next=/").await;
    let page = client.get(&target).await;
    let notice = still_empty_notice(&page).expect("the notice in English");
    assert!(notice.contains("draft"), "{notice}");
    assert!(notice.contains("Company name"), "{notice}");
    assert!(notice.contains("before you submit"), "{notice}");

    // Complete: no notice, and the plain address.
    let mut full = company_section("SahelSanté SARL");
    full.push(("action".into(), "next".into()));
    let page = client
        .post_form_owned(&format!("{base}/edit/0"), &full)
        .await;
    assert_eq!(
        page.redirect_target().as_deref(),
        Some(format!("{base}/edit/1").as_str())
    );
    let page = client.get(&format!("{base}/edit/1?after=0")).await;
    assert!(
        still_empty_notice(&page).is_none(),
        "nothing is missing any more"
    );
    app.finish().await;
}

fn still_empty_notice(page: &Page) -> Option<String> {
    let text = page.text();
    let start = text.find("id=\"still-empty\"")?;
    let block = &text[start..];
    Some(block[..block.find("</div>")?].to_owned())
}

fn read_xlsx(page: &Page) -> (Vec<Data>, Vec<Vec<Data>>) {
    assert_eq!(page.status, StatusCode::OK);
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(page.bytes.clone())).expect("an XLSX file");
    let sheet = workbook.sheet_names().first().cloned().expect("a sheet");
    let range = workbook.worksheet_range(&sheet).expect("cells");
    let mut rows = range.rows().map(<[Data]>::to_vec);
    let headers = rows.next().expect("a header row");
    (headers, rows.collect())
}

fn column(headers: &[Data], name: &str) -> usize {
    headers
        .iter()
        .position(|h| matches!(h, Data::String(s) if s == name))
        .unwrap_or_else(|| panic!("no column {name:?} in {headers:?}"))
}

async fn xlsx_exports_have_typed_cells_and_human_headers(backend: Backend) {
    let app = TestApp::start(backend).await;
    // The full demo: its 2026 preselection is closed and scored, its 2027 call open.
    kene::demo::seed_with(&app.state, kene::demo::Scope::Full)
        .await
        .expect("the full demo");
    let admin = app.admin_client().await;
    let client = app
        .signup_and_verify("Awa", "awa@exemple.ml", "awa@exemple.ml", PASSWORD)
        .await;
    let id = start_application(&client).await;
    let base = format!("/applications/{id}");
    let formula = "=SUM(1+1)";
    let mut company = company_section(formula);
    company.push(("action".into(), "save".into()));
    fill_startup_application(&client, &id, "SahelSanté").await;
    assert!(client
        .post_form_owned(&format!("{base}/edit/0"), &company)
        .await
        .status
        .is_redirection());
    let page = client.post_form(&format!("{base}/submit"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());

    let (headers, rows) = read_xlsx(
        &admin
            .get("/admin/editions/sdn-2027/applications.xlsx")
            .await,
    );
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    let company = column(&headers, "Raison sociale");
    assert_eq!(
        row[company],
        Data::String(formula.into()),
        "text stays text"
    );
    let founded = column(&headers, "Date de création");
    match &row[founded] {
        // Excel's serial day number of 15 March 2021.
        Data::DateTime(d) => assert_eq!(d.as_f64(), 44270.0),
        other => panic!("the founding date is a date cell: {other:?}"),
    }
    let submitted_at = column(&headers, &fr("export-submitted-at"));
    assert!(
        matches!(row[submitted_at], Data::DateTime(_)),
        "the submission instant is a date cell: {:?}",
        row[submitted_at]
    );
    // The CSV keeps the text and its guard.
    let csv = admin.get("/admin/editions/sdn-2027/applications.csv").await;
    assert!(csv.body.contains("'=SUM(1+1)"), "{}", csv.body);
    assert!(csv.body.contains("2021-03-15"), "{}", csv.body);

    // The closed preselection: criterion labels as headers, points as numbers.
    let (headers, rows) = read_xlsx(
        &admin
            .get("/admin/editions/sdn-2026/review/preselection/scores.xlsx")
            .await,
    );
    assert!(!rows.is_empty());
    assert!(
        !headers.contains(&Data::String("growth".into())),
        "no criterion key as header: {headers:?}"
    );
    let growth = column(&headers, "Potentiel de croissance");
    assert!(
        rows.iter().any(|r| matches!(r[growth], Data::Float(_))),
        "points are numbers: {:?}",
        rows[0]
    );
    let (headers, rows) = read_xlsx(
        &admin
            .get("/admin/editions/sdn-2026/review/preselection/ranking.xlsx")
            .await,
    );
    let position = column(&headers, &fr("review-col-position"));
    assert_eq!(rows[0][position], Data::Float(1.0));
    app.finish().await;
}
