//! The organisers' back office: list with filters, dossier, status changes with the audit
//! log, exports (the XLSX export must not turn typed text into formulas), outbox page.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;

use crate::applications::{
    company_section, fill_startup_application, pairs, project_section, save_section,
    start_application, team_section, PASSWORD,
};
use crate::support::{fr, small_pdf, Backend, TestApp};

both_dbs!(
    organisers_filter_decide_and_every_decision_is_audited,
    xlsx_export_keeps_formula_like_text_as_text,
    id_documents_are_for_organisers_only_and_every_view_is_audited,
);

async fn organisers_filter_decide_and_every_decision_is_audited(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let client = app
        .signup_and_verify(
            "Aminata",
            "aminata@exemple.ml",
            "aminata@exemple.ml",
            PASSWORD,
        )
        .await;
    let id = start_application(&client).await;
    fill_startup_application(&client, &id, "SahelSanté").await;
    let page = client
        .post_form(&format!("/applications/{id}/submit"), &[])
        .await;
    assert!(page.status.is_redirection());

    // Applicants do not see the back office.
    assert_eq!(client.get("/admin").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        client
            .get("/admin/editions/sdn-2027/applications")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let list = |query: &'static str| {
        let admin = &admin;
        async move {
            admin
                .get(&format!("/admin/editions/sdn-2027/applications{query}"))
                .await
        }
    };
    let page = list("").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("SDN27-STA-0001");
    for (query, shown) in [
        ("?women_led=yes", true),
        ("?women_led=no", false),
        ("?track=startups", true),
        ("?track=hackathon", false),
        ("?country=ML", true),
        ("?country=NE", false),
        ("?domain=e_health", true),
        ("?domain=fintech", false),
        ("?q=sahel", true),
        ("?q=introuvable", false),
        ("?status=draft", false),
    ] {
        let page = list(query).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert_eq!(
            page.body.contains("SDN27-STA-0001"),
            shown,
            "filter {query}"
        );
    }
    // The 2026 edition holds the seeded sample applications.
    let page = admin.get("/admin/editions/sdn-2026/applications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.matches("SDN26-").count() >= 60,
        "the 60 seeded applications are listed"
    );

    // Dossier and decision.
    let dossier = admin.get(&format!("/admin/applications/{id}")).await;
    assert_eq!(dossier.status, StatusCode::OK);
    dossier.assert_contains("SDN27-STA-0001");
    dossier.assert_contains("SahelSanté");
    let status_url = format!("/admin/applications/{id}/status");
    let page = admin
        .post_form(
            &status_url,
            &[
                ("status", "ineligible"),
                ("reason", "  "),
                ("from", "submitted"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    page.assert_contains(&fr("eligibility-override-reason-required"));
    assert_eq!(
        crate::applications::application_field(&app, &id, "status")
            .await
            .as_deref(),
        Some("submitted"),
        "unchanged"
    );
    let page = admin
        .post_form(
            &status_url,
            &[
                ("status", "ineligible"),
                ("reason", "Entreprise immatriculée hors AES"),
                ("from", "submitted"),
            ],
        )
        .await;
    assert!(
        page.status.is_redirection(),
        "{} {}",
        page.status,
        page.text()
    );
    assert_eq!(
        crate::applications::application_field(&app, &id, "status")
            .await
            .as_deref(),
        Some("ineligible")
    );
    assert_eq!(
        crate::applications::application_field(&app, &id, "status_reason")
            .await
            .as_deref(),
        Some("Entreprise immatriculée hors AES")
    );
    let audited = app
        .strings("SELECT object FROM audit_log WHERE action = 'application.status'")
        .await;
    assert_eq!(
        audited,
        vec!["SDN27-STA-0001".to_owned()],
        "the decision is in the audit log"
    );
    // Applicants cannot change statuses, even with a well-formed decision.
    let page = client
        .post_form(
            &status_url,
            &[
                ("status", "eligible"),
                ("reason", "Moi"),
                ("from", "ineligible"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        crate::applications::application_field(&app, &id, "status")
            .await
            .as_deref(),
        Some("ineligible")
    );
    // The outbox page shows the receipt sent to the applicant.
    let outbox = admin.get("/admin/outbox").await;
    assert_eq!(outbox.status, StatusCode::OK);
    outbox.assert_contains("aminata@exemple.ml");
    app.finish().await;
}

async fn xlsx_export_keeps_formula_like_text_as_text(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let client = app
        .signup_and_verify(
            "Ibrahim",
            "ibrahim@exemple.ml",
            "ibrahim@exemple.ml",
            PASSWORD,
        )
        .await;
    let id = start_application(&client).await;
    let base = format!("/applications/{id}");
    let formula = "=cmd|' /C calc'!A0";
    let sum = "=SUM(1+1)*cmd|' /C calc'!A0";
    save_section(
        &client,
        &id,
        0,
        &company_section(formula),
        &format!("{base}/edit/1"),
    )
    .await;
    save_section(
        &client,
        &id,
        1,
        &project_section(sum),
        &format!("{base}/edit/2"),
    )
    .await;
    save_section(&client, &id, 2, &team_section(), &format!("{base}/edit/3")).await;
    let page = client
        .upload(
            &format!("{base}/files/technical_sheet"),
            small_pdf("x"),
            "x.pdf",
        )
        .await;
    assert!(page.status.is_redirection());
    save_section(
        &client,
        &id,
        3,
        &pairs(&[("consent", "yes")]),
        &format!("{base}/review"),
    )
    .await;
    let page = client.post_form(&format!("{base}/submit"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());

    let export = admin
        .get("/admin/editions/sdn-2027/applications.xlsx")
        .await;
    assert_eq!(export.status, StatusCode::OK);
    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(export.bytes.clone())).expect("a valid XLSX file");
    let sheet = workbook.sheet_names().first().cloned().expect("one sheet");
    let range = workbook.worksheet_range(&sheet).expect("sheet cells");
    let mut found = 0;
    for cell in range.used_cells() {
        let (_, _, value) = cell;
        if let Data::String(text) = value {
            if text == formula || text == sum {
                found += 1;
            }
        }
    }
    assert_eq!(
        found,
        2,
        "both texts are string cells, unchanged: {:?}",
        range.rows().collect::<Vec<_>>()
    );
    let formulas = workbook.worksheet_formula(&sheet).expect("formula table");
    let any_formula = formulas.used_cells().any(|(_, _, f)| !f.is_empty());
    assert!(!any_formula, "no cell of the export is a formula");
    // The CSV export defuses them with a leading apostrophe.
    let csv = admin.get("/admin/editions/sdn-2027/applications.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains("'=cmd|"),
        "CSV cell defused:\n{}",
        csv.body
    );
    assert!(
        !csv.body.contains(",=cmd|") && !csv.body.contains("\n=cmd|"),
        "no bare formula in the CSV"
    );
    app.finish().await;
}

/// The `<li>` texts of the first `<… class="warning">` block of a page.
fn warning_items(page: &crate::support::Page) -> Vec<String> {
    let Some(start) = page.body.find("class=\"warning\"") else {
        return Vec::new();
    };
    let block = &page.body[start..];
    let end = block.find("</ul>").unwrap_or(block.len());
    block[..end]
        .split("<li>")
        .skip(1)
        .map(|item| crate::support::unescape(item.split("</li>").next().unwrap_or("")))
        .collect()
}

async fn id_documents_are_for_organisers_only_and_every_view_is_audited(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let client = app
        .signup_and_verify(
            "Awa Ouédraogo",
            "awa.bf@exemple.ml",
            "awa.bf@exemple.ml",
            PASSWORD,
        )
        .await;
    let page = client
        .post_form("/calls/sdn-2027/hackathon/apply", &[])
        .await;
    let target = page
        .redirect_target()
        .expect("redirect to the first section");
    let id = target
        .trim_start_matches("/applications/")
        .trim_end_matches("/edit/0")
        .to_owned();
    let base = format!("/applications/{id}");
    save_section(
        &client,
        &id,
        0,
        &pairs(&[
            ("first_name", "Awa"),
            ("last_name", "Ouédraogo"),
            ("birth_date", "2002-06-01"),
            ("gender", "f"),
            // Burkina Faso: the hackathon is for Malians only.
            ("nationality", "BF"),
            ("email", "awa.bf@exemple.ml"),
            ("phone", "+226 70 12 34 56"),
        ]),
        &format!("{base}/edit/1"),
    )
    .await;
    let card = small_pdf("Carte d'identite");
    let page = client
        .upload(&format!("{base}/files/id_card"), card.clone(), "carte.pdf")
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
            ("team_name", "Les Sentinelles"),
            ("consent", "yes"),
        ]),
        &format!("{base}/review"),
    )
    .await;
    // The applicant sees the eligibility problem before submitting.
    let review = client.get(&format!("{base}/review")).await;
    let verdict = warning_items(&review);
    assert_eq!(
        verdict.len(),
        1,
        "one failed rule (nationality):\n{}",
        review.body
    );
    let page = client.post_form(&format!("{base}/submit"), &[]).await;
    assert!(page.status.is_redirection(), "{}", page.text());
    let receipt = client.get(&format!("{base}/receipt")).await;
    receipt.assert_contains("SDN27-CYB-0001");

    // The organiser's dossier shows the verdict with the same reason.
    let dossier = admin.get(&format!("/admin/applications/{id}")).await;
    assert_eq!(dossier.status, StatusCode::OK);
    assert_eq!(
        warning_items(&dossier),
        verdict,
        "verdict on the dossier page"
    );

    let file_id = app
        .strings_with(
            "SELECT f.public_id FROM files f JOIN applications a ON a.id = f.application_id WHERE a.public_id = $1",
            &id,
        )
        .await
        .pop()
        .expect("the ID card");
    // Not even its owner can download an ID document; organisers can, and it is audited.
    let page = client.get(&format!("/files/{file_id}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(id_views(&app).await, 0);
    let page = admin.get(&format!("/files/{file_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.bytes, card);
    assert_eq!(id_views(&app).await, 1, "the view is in the audit log");
    admin.get(&format!("/files/{file_id}")).await;
    assert_eq!(id_views(&app).await, 2, "every view is in the audit log");
    app.finish().await;
}

async fn id_views(app: &TestApp) -> i64 {
    app.scalar_i64(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'file.view_id_document'",
    )
    .await
}
