//! Check-in over HTTP: who may open the door page, the data a phone keeps offline, the sync of
//! queued scans (a badge scanned at two doors offline, a cancelled badge, a forged or altered
//! code, a batch sent twice), the form that works without JavaScript, and the organisers'
//! counts. The offline page itself is driven in Chromium in `browser.rs`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::registration::{badge_holder, open_registration, person};
use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    door_phones_sync_their_scans_and_duplicates_and_cancelled_badges_are_flagged,
    only_door_staff_open_the_door_page,
);

const DOOR: &str = "/checkin/sdn-2027";

async fn send(client: &TestClient, device: &str, scans: Value) -> (StatusCode, Value) {
    let token = client.csrf().await;
    let response = client
        .http
        .post(client.url(&format!("{DOOR}/scans")))
        .header("x-csrf-token", token)
        .json(&json!({ "device": device, "scans": scans }))
        .send()
        .await
        .expect("sync");
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

fn results(answer: &Value) -> Vec<String> {
    answer["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .map(|o| o["result"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn door_phones_sync_their_scans_and_duplicates_and_cancelled_badges_are_flagged(
    backend: Backend,
) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    open_registration(&admin).await;
    let (_, code, _) = badge_holder(&app, "Awa Diallo", "awa@exemple.ml").await;
    let (leaver, revoked_code, leaver_id) =
        badge_holder(&app, "Modibo Keïta", "modibo@exemple.ml").await;
    leaver
        .post_form(
            "/registration/sdn-2027/mine/cancel",
            &[("registration", &leaver_id)],
        )
        .await;

    // What a phone keeps: the key, the cancelled badge, the valid numbers.
    let page = admin.get(DOOR).await;
    assert_eq!(page.status, StatusCode::OK);
    let data: Value = serde_json::from_str(&admin.get(&format!("{DOOR}/offline.json")).await.body)
        .expect("offline data");
    assert_eq!(data["keys"].as_array().map(Vec::len), Some(1));
    let awa = app
        .strings("SELECT CAST(id AS TEXT) FROM registrations WHERE display_name = 'Awa Diallo'")
        .await
        .remove(0);
    let modibo: i64 = app
        .strings("SELECT CAST(id AS TEXT) FROM registrations WHERE display_name = 'Modibo Keïta'")
        .await
        .remove(0)
        .parse()
        .expect("id");
    assert_eq!(data["revoked"], json!([modibo]));

    // Without the page's token, nothing is recorded.
    let response = admin
        .http
        .post(admin.url(&format!("{DOOR}/scans")))
        .json(&json!({ "device": "door-a", "scans": [] }))
        .send()
        .await
        .expect("sync");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Two phones at the main entrance, both offline, scanned Awa; one also met the cancelled
    // badge and two doctored codes.
    let mut altered = code.clone().into_bytes();
    altered[20] = if altered[20] == b'Q' { b'R' } else { b'Q' };
    let altered = String::from_utf8(altered).expect("ascii");
    let at = app.state.now_ms();
    let first = json!([
        { "id": "a-1", "code": code, "room": null, "direction": "in", "at": at },
        { "id": "a-2", "code": revoked_code, "room": null, "direction": "in", "at": at + 1 },
        { "id": "a-3", "code": altered, "room": null, "direction": "in", "at": at + 2 },
        { "id": "a-4", "code": "<script>alert(1)</script>", "room": null, "direction": "in", "at": at + 3 },
    ]);
    let (status, answer) = send(&admin, "door-a", first.clone()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        results(&answer),
        ["admitted", "revoked", "forged", "malformed"]
    );
    assert_eq!(answer["revoked"], json!([modibo]));
    let second = json!([
        { "id": "b-1", "code": code, "room": null, "direction": "in", "at": at + 60_000 },
        { "id": "b-2", "code": awa, "room": null, "direction": "out", "at": at + 120_000 },
    ]);
    let (_, answer) = send(&admin, "door-b", second).await;
    assert_eq!(
        results(&answer),
        ["duplicate", "admitted"],
        "flagged at the second door"
    );
    // The first phone sends its batch again (no answer reached it): counted once.
    let (_, again) = send(&admin, "door-a", first).await;
    assert_eq!(
        results(&again),
        ["admitted", "revoked", "forged", "malformed"]
    );
    assert_eq!(
        app.count("checkin_scans").await,
        4,
        "codes that are no badge are not kept"
    );

    // Organisers see the counts and what to check.
    let page = admin.get("/admin/editions/sdn-2027/checkin").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Awa Diallo");
    page.assert_contains("Modibo Keïta");
    page.assert_contains(&fr("checkin-js-duplicate"));

    // Without JavaScript, a typed number is checked online.
    let page = admin
        .post_form(
            &format!("{DOOR}/scan"),
            &[
                ("code", &format!("{:0>6}", awa)),
                ("room", ""),
                ("direction", "in"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.element_text("verdict-title").as_deref(),
        Some(fr("checkin-js-duplicate").as_str())
    );
    let page = admin
        .post_form(
            &format!("{DOOR}/scan"),
            &[("code", &revoked_code), ("room", ""), ("direction", "in")],
        )
        .await;
    assert_eq!(
        page.element_text("verdict-title").as_deref(),
        Some(fr("checkin-js-revoked").as_str())
    );
    app.finish().await;
}

async fn only_door_staff_open_the_door_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    open_registration(&admin).await;
    let visitor = person(&app, "Curieux", "curieux@exemple.ml").await;
    assert_eq!(visitor.get(DOOR).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        visitor.get(&format!("{DOOR}/offline.json")).await.status,
        StatusCode::NOT_FOUND
    );
    let (status, _) = send(&visitor, "door-x", json!([])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        visitor.get("/admin/editions/sdn-2027/checkin").await.status,
        StatusCode::NOT_FOUND
    );
    // Confirmed organiser staff may: the staff category is open to them once organisers
    // register them (here: an organiser opening it to the public for a moment).
    admin
        .post_form(
            "/admin/editions/sdn-2027/registrations/categories/staff",
            &[("capacity", ""), ("open_to_public", "yes")],
        )
        .await;
    let staff = person(&app, "Agent d'accueil", "accueil@exemple.ml").await;
    staff.get("/registration/sdn-2027/staff").await;
    let page = staff
        .post_form(
            "/registration/sdn-2027/staff",
            &[
                ("display_name", "Agent d'accueil"),
                ("attendance", "in_person"),
                ("team", "Accueil"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    assert_eq!(staff.get(DOOR).await.status, StatusCode::OK);
    app.finish().await;
}
