//! Networking over HTTP: participants join the directory (no contact detail shown), filter and
//! search it, leave it; meeting requests accepted (contacts revealed only with the owner's
//! consent), declined, cancelled, each side told by e-mail; every refusal (one's own profile, a
//! second pending request, slots outside the event, reversed or past, the daily limit, HTML
//! in the message kept as text, non-participants and other people's requests: 404); account
//! deletion and the demo.

use reqwest::StatusCode;

use crate::registration::{badge_holder, open_registration, person};
use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    participants_join_filter_and_leave_the_directory_without_contacts,
    an_accepted_meeting_reveals_contacts_only_with_consent,
    requests_are_declined_and_refused_for_each_reason,
    a_deleted_account_takes_its_profile_and_meetings_along,
    the_demo_lists_participants_and_arranges_meetings_without_messages,
);

const BASE: &str = "/networking/sdn-2027";

/// A participant of the 2027 edition (registered in person, confirmed).
async fn participant(app: &TestApp, name: &str, email: &str) -> TestClient {
    badge_holder(app, name, email).await.0
}

async fn join(client: &TestClient, fields: &[(&str, &str)]) -> crate::support::Page {
    client.get(BASE).await;
    client.post_form(BASE, fields).await
}

async fn join_as(client: &TestClient, sector: &str, looking_for: &str, consent: bool) {
    let mut fields = vec![("sector", sector), ("looking_for", looking_for)];
    if consent {
        fields.push(("contact_consent", "yes"));
    }
    let page = join(client, &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
}

/// The directory address of the person with this e-mail.
async fn profile_url(app: &TestApp, email: &str) -> String {
    let id = app
        .strings_with(
            "SELECT p.public_id FROM networking_profiles p JOIN users u ON u.id = p.account_id \
             WHERE u.email = $1",
            email,
        )
        .await
        .remove(0);
    format!("{BASE}/people/{id}")
}

async fn propose(
    client: &TestClient,
    url: &str,
    (day, from, to): (&str, &str, &str),
    message: &str,
) -> crate::support::Page {
    client.get(url).await;
    let fields = [
        ("day", day),
        ("from", from),
        ("to", to),
        ("place", "Stand 12"),
        ("message", message),
    ];
    client.post_form(url, &fields).await
}

/// The password `registration::person` signs people up with.
const PASSWORD: &str = "un mot de passe solide 42";

const SLOT: (&str, &str, &str) = ("2027-01-29", "10:00", "10:30");

/// The public id of the newest request between the two people.
async fn newest_meeting(app: &TestApp) -> String {
    app.strings("SELECT public_id FROM meeting_requests ORDER BY id DESC")
        .await
        .remove(0)
}

async fn act(client: &TestClient, meeting: &str, what: &str) -> crate::support::Page {
    client.get(&format!("{BASE}/meetings")).await;
    client
        .post_form(&format!("{BASE}/meetings/{meeting}"), &[("act", what)])
        .await
}

async fn participants_join_filter_and_leave_the_directory_without_contacts(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    open_registration(&admin).await;
    let aminata = participant(&app, "Aminata Traore", "aminata@exemple.ml").await;
    let boubacar = participant(&app, "Boubacar Diallo", "boubacar@exemple.ml").await;
    // Signed in but not registered: nothing of networking exists for them.
    let outsider = person(&app, "Ousmane Keita", "ousmane@exemple.ml").await;
    for path in [
        BASE.to_owned(),
        format!("{BASE}/directory"),
        format!("{BASE}/meetings"),
    ] {
        assert_eq!(
            outsider.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // The link from "my registration", and the directory closed until one joins.
    let mine = aminata.get("/registration/sdn-2027/mine").await;
    mine.assert_contains(&format!("href=\"{BASE}\""));
    let page = aminata.get(&format!("{BASE}/directory")).await;
    assert_eq!(page.redirect_target().as_deref(), Some(BASE));
    // A profile without a sector is refused, what was typed kept.
    let page = join(&aminata, &[("looking_for", "Des partenaires fintech")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("networking-error-sector"));
    page.assert_contains("Des partenaires fintech");
    assert_eq!(app.count("networking_profiles").await, 0);
    join_as(&aminata, "finance", "Des partenaires fintech", true).await;
    let page = join(
        &boubacar,
        &[
            ("organisation", "Sahel Agro"),
            ("sector", "agriculture"),
            ("looking_for", "Des investisseurs"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let page = aminata.get(&format!("{BASE}/directory")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Boubacar Diallo");
    page.assert_contains("Sahel Agro");
    page.assert_contains(&fr("networking-sector-agriculture"));
    page.assert_contains("Des investisseurs");
    assert!(!page.text().contains("boubacar@exemple.ml"), "no contact");
    let profile = aminata
        .get(&profile_url(&app, "boubacar@exemple.ml").await)
        .await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(
        !profile.text().contains("boubacar@exemple.ml"),
        "no contact"
    );
    // Filter by sector and search by text, with plain GET forms.
    let page = aminata
        .get(&format!("{BASE}/directory?sector=finance&q="))
        .await;
    assert!(!page.text().contains("Boubacar Diallo"));
    let page = aminata
        .get(&format!("{BASE}/directory?sector=&q=investisseurs"))
        .await;
    page.assert_contains("Boubacar Diallo");
    let page = aminata
        .get(&format!("{BASE}/directory?sector=agriculture&q=banque"))
        .await;
    page.assert_contains(&fr("networking-nobody"));
    // Leaving hides the profile: out of the directory, its page gone.
    let url = profile_url(&app, "boubacar@exemple.ml").await;
    boubacar
        .get(BASE)
        .await
        .assert_contains(&fr("networking-leave"));
    let page = boubacar.post_form(&format!("{BASE}/leave"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = aminata.get(&format!("{BASE}/directory")).await;
    assert!(!page.text().contains("Boubacar Diallo"));
    assert_eq!(aminata.get(&url).await.status, StatusCode::NOT_FOUND);
    let actions = app
        .strings("SELECT action FROM audit_log WHERE action LIKE 'networking.%' ORDER BY id")
        .await;
    assert_eq!(
        actions,
        [
            "networking.profile_saved",
            "networking.profile_saved",
            "networking.profile_left"
        ]
    );
    app.finish().await;
}

async fn an_accepted_meeting_reveals_contacts_only_with_consent(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    open_registration(&admin).await;
    let aminata = participant(&app, "Aminata Traore", "aminata@exemple.ml").await;
    let boubacar = participant(&app, "Boubacar Diallo", "boubacar@exemple.ml").await;
    // Aminata shares her contacts with people whose meeting she accepts; Boubacar does not.
    join_as(&aminata, "finance", "Des partenaires", true).await;
    join_as(&boubacar, "agriculture", "Des investisseurs", false).await;
    let url = profile_url(&app, "boubacar@exemple.ml").await;
    let page = propose(&aminata, &url, SLOT, "Bonjour <b>Boubacar</b>").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let mail = app
        .wait_mail("boubacar@exemple.ml", "/networking/sdn-2027/meetings")
        .await;
    assert!(mail.body.contains("Aminata Traore"), "{}", mail.body);
    assert!(mail.body.contains("10:00"), "{}", mail.body);
    let meeting = newest_meeting(&app).await;
    // The recipient sees the request, its message as text, and no contact yet.
    let page = boubacar.get(&format!("{BASE}/meetings")).await;
    page.assert_contains("Aminata Traore");
    page.assert_contains("Bonjour <b>Boubacar</b>");
    assert!(!page.body.contains("<b>Boubacar"), "HTML kept as text");
    assert!(!page.text().contains("aminata@exemple.ml"));
    page.assert_contains(&format!("id=\"accept-{meeting}\""));
    // The sender may not accept her own request: only cancel it.
    let page = act(&aminata, &meeting, "accept").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("networking-error-stale"));
    let page = act(&boubacar, &meeting, "accept").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let mail = app.wait_mail("aminata@exemple.ml", "Boubacar Diallo").await;
    assert!(mail.body.contains("accept"), "{}", mail.body);
    // Accepted: Aminata consented, so Boubacar sees her contacts; he did not, so she does
    // not see his.
    let page = boubacar.get(&format!("{BASE}/meetings")).await;
    page.assert_contains("aminata@exemple.ml");
    let page = aminata.get(&format!("{BASE}/meetings")).await;
    page.assert_contains(&fr("networking-status-accepted"));
    assert!(!page.text().contains("boubacar@exemple.ml"));
    // Either side cancels; the other is told, and the contacts are hidden again.
    let page = act(&aminata, &meeting, "cancel").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let mail = app.wait_mail("boubacar@exemple.ml", "annul").await;
    assert!(mail.body.contains("Aminata Traore"), "{}", mail.body);
    let page = boubacar.get(&format!("{BASE}/meetings")).await;
    assert!(!page.text().contains("aminata@exemple.ml"));
    page.assert_contains(&fr("networking-status-cancelled"));
    let actions = app
        .strings("SELECT action FROM audit_log WHERE action LIKE 'meeting.%' ORDER BY id")
        .await;
    assert_eq!(
        actions,
        ["meeting.requested", "meeting.accepted", "meeting.cancelled"]
    );
    app.finish().await;
}

async fn requests_are_declined_and_refused_for_each_reason(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    open_registration(&admin).await;
    let aminata = participant(&app, "Aminata Traore", "aminata@exemple.ml").await;
    let boubacar = participant(&app, "Boubacar Diallo", "boubacar@exemple.ml").await;
    let cheick = participant(&app, "Cheick Sangare", "cheick@exemple.ml").await;
    join_as(&aminata, "finance", "Des partenaires", false).await;
    join_as(&boubacar, "agriculture", "Des investisseurs", false).await;
    join_as(&cheick, "telecom", "Des clients", false).await;
    let to_boubacar = profile_url(&app, "boubacar@exemple.ml").await;
    // Oneself: refused by name.
    let own = profile_url(&app, "aminata@exemple.ml").await;
    let page = propose(&aminata, &own, SLOT, "").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("networking-error-self"));
    // Slots outside the event, reversed, too long: refused, the message typed kept.
    for (slot, key) in [
        (
            ("2027-01-31", "10:00", "10:30"),
            "networking-error-slot-outside",
        ),
        (
            ("2027-01-29", "11:00", "10:30"),
            "networking-error-slot-order",
        ),
        (
            ("2027-01-29", "10:00", "12:00"),
            "networking-error-slot-long",
        ),
    ] {
        let page = propose(&aminata, &to_boubacar, slot, "Parlons semences").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{key}");
        page.assert_contains(&fr(key));
        page.assert_contains("Parlons semences");
    }
    let long = "x".repeat(301);
    let page = propose(&aminata, &to_boubacar, SLOT, &long).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("networking-error-message-long"));
    assert_eq!(
        app.count("meeting_requests").await,
        0,
        "nothing half-written"
    );
    // A second pending request to the same person is refused.
    let page = propose(&aminata, &to_boubacar, SLOT, "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let page = propose(&aminata, &to_boubacar, SLOT, "").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("networking-error-pending"));
    let meeting = newest_meeting(&app).await;
    // Someone else's request, and anyone not taking part: 404.
    let page = act(&cheick, &meeting, "decline").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let outsider = person(&app, "Ousmane Keita", "ousmane@exemple.ml").await;
    let page = outsider
        .post_form(&format!("{BASE}/meetings/{meeting}"), &[("act", "decline")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(
        outsider.get(&to_boubacar).await.status,
        StatusCode::NOT_FOUND
    );
    // Declined: the sender is told; declining again changes nothing.
    let page = act(&boubacar, &meeting, "decline").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let mail = app.wait_mail("aminata@exemple.ml", "Boubacar Diallo").await;
    assert!(mail.body.contains("clin"), "{}", mail.body);
    let page = act(&boubacar, &meeting, "decline").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    // A slot already past, during the event.
    app.clock
        .set("2027-01-29T12:00:00Z".parse().expect("instant"));
    // Three months on, the sessions have expired.
    aminata.login("aminata@exemple.ml", PASSWORD).await;
    let page = propose(&aminata, &to_boubacar, SLOT, "").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("networking-error-slot-past"));
    // The daily limit (requests of the last 24 hours, from now on): sending and cancelling
    // counts too.
    let later = ("2027-01-29", "15:00", "15:30");
    loop {
        let sent = app
            .scalar_i64(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM meeting_requests \
                 WHERE created_at >= 1801224000000",
            )
            .await;
        if sent >= 10 {
            break;
        }
        let page = propose(&aminata, &to_boubacar, later, "").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
        let page = act(&aminata, &newest_meeting(&app).await, "cancel").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    }
    let page = propose(&aminata, &to_boubacar, later, "").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("networking-error-daily-limit"));
    // A day later, she may ask again.
    app.clock
        .set("2027-01-30T13:00:00Z".parse().expect("instant"));
    aminata.login("aminata@exemple.ml", PASSWORD).await;
    let page = propose(&aminata, &to_boubacar, ("2027-01-30", "15:00", "15:45"), "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    app.finish().await;
}

async fn a_deleted_account_takes_its_profile_and_meetings_along(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.admin_client().await;
    open_registration(&admin).await;
    let aminata = participant(&app, "Aminata Traore", "aminata@exemple.ml").await;
    let boubacar = participant(&app, "Boubacar Diallo", "boubacar@exemple.ml").await;
    join_as(&aminata, "finance", "Des partenaires", true).await;
    join_as(&boubacar, "agriculture", "Des investisseurs", true).await;
    let url = profile_url(&app, "boubacar@exemple.ml").await;
    let page = propose(&aminata, &url, SLOT, "").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    boubacar.get("/account").await;
    let page = boubacar
        .post_form("/account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(page.redirect_target().as_deref(), Some("/account/deleted"));
    assert_eq!(app.count("networking_profiles").await, 1);
    assert_eq!(app.count("meeting_requests").await, 0);
    let page = aminata.get(&format!("{BASE}/meetings")).await;
    assert!(!page.text().contains("Boubacar Diallo"));
    app.finish().await;
}

async fn the_demo_lists_participants_and_arranges_meetings_without_messages(backend: Backend) {
    let app = TestApp::start(backend).await;
    kene::demo::seed(&app.state).await.expect("full demo");
    assert_eq!(app.count("networking_profiles").await, 4);
    let statuses = app
        .strings("SELECT status FROM meeting_requests ORDER BY id")
        .await;
    assert_eq!(statuses, ["accepted", "pending"]);
    // The made-up people are not written to.
    let queued = app
        .scalar_i64("SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE body LIKE '%/networking/%'")
        .await;
    assert_eq!(queued, 0);
    app.finish().await;
}
