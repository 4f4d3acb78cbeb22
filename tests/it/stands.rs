//! Exhibition stands over HTTP: organisers add and allocate stands with their refusals, only
//! they may, and everyone reads the exhibitors page.

use reqwest::StatusCode;

use crate::support::{fr, Backend, TestApp};

both_dbs!(organisers_allocate_stands_and_everyone_sees_the_exhibitors,);

const ADMIN: &str = "/admin/editions/sdn-2027/stands";
const PUBLIC: &str = "/exhibitors/sdn-2027";

async fn organisers_allocate_stands_and_everyone_sees_the_exhibitors(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    let page = app.client().get(PUBLIC).await;
    page.assert_contains(&fr("stands-no-exhibitors"));

    // Bad stands are refused with the typed values kept; nothing is written.
    let page = admin
        .post_form(
            ADMIN,
            &[("number", "<b>A1"), ("zone", "Hall A"), ("size_m2", "0")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("stands-bad-number"));
    page.assert_contains(&fr("stands-bad-size"));
    assert_eq!(page.input_value("zone").as_deref(), Some("Hall A"));
    assert_eq!(app.count("stands").await, 0);
    for number in ["a1", "A2"] {
        let page = admin
            .post_form(
                ADMIN,
                &[
                    ("number", number),
                    ("zone", "Hall A — Start-up"),
                    ("size_m2", "9"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    }
    let page = admin
        .post_form(
            ADMIN,
            &[("number", "A1"), ("zone", "Hall B"), ("size_m2", "9")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("stands-number-taken"));

    // An allocation without a name is refused on that stand's form, typed values kept.
    let page = admin
        .post_form(
            &format!("{ADMIN}/A1"),
            &[
                ("kind", "startup"),
                ("exhibitor", " "),
                ("description", "Irrigation <i>SMS</i>"),
                ("action", "allocate"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Irrigation &lt;i&gt;SMS&lt;/i&gt;")
            || page.body.contains("Irrigation &#60;i&#62;SMS")
    );
    let page = admin
        .post_form(
            &format!("{ADMIN}/A1"),
            &[
                ("kind", "startup"),
                ("exhibitor", "Agri <script>"),
                ("description", "Irrigation par SMS"),
                ("action", "allocate"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = admin
        .post_form(
            &format!("{ADMIN}/Z9"),
            &[
                ("kind", "partner"),
                ("exhibitor", "Fantôme"),
                ("action", "allocate"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // Only organisers.
    let visitor = app
        .signup_and_verify(
            "Curieux",
            "curieux@exemple.ml",
            "curieux@exemple.ml",
            "un mot de passe solide 42",
        )
        .await;
    assert_eq!(visitor.get(ADMIN).await.status, StatusCode::NOT_FOUND);
    let page = visitor
        .post_form(
            &format!("{ADMIN}/A2"),
            &[
                ("kind", "partner"),
                ("exhibitor", "Pirate"),
                ("action", "allocate"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    let page = app.client().get(PUBLIC).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Hall A — Start-up");
    page.assert_contains(&fr("stands-kind-startup"));
    assert!(
        page.body.contains("Agri &lt;script&gt;") || page.body.contains("Agri &#60;script&#62;")
    );
    assert!(!page.body.contains("Pirate"));
    assert!(
        !page.body.contains("id=\"stand-A2\""),
        "free stands are not listed"
    );

    // Freed: gone from the public page (which is cached, and refreshed by the change).
    let page = admin
        .post_form(&format!("{ADMIN}/A1"), &[("action", "free")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = app.client().get(PUBLIC).await;
    page.assert_contains(&fr("stands-no-exhibitors"));
    let audited = app
        .strings("SELECT action FROM audit_log WHERE action LIKE 'stand.%' ORDER BY id")
        .await;
    assert_eq!(
        audited,
        [
            "stand.added",
            "stand.added",
            "stand.allocated",
            "stand.allocated"
        ]
    );
    app.finish().await;
}
