//! Live questions of a session: participants ask (anonymously or not) and upvote, the limits
//! refuse spam and vote stuffing, organisers moderate (and participants cannot), the
//! presenter's view, and the live stream telling of a change — also to another instance.

use std::time::Duration;

use kene::i18n::{tr_args, Lang};
use reqwest::StatusCode;

use crate::support::{fr, Backend, TestApp, TestClient};

both_dbs!(
    participants_ask_and_upvote_once,
    limits_refuse_question_spam_and_vote_stuffing,
    organisers_moderate_and_participants_cannot,
    the_live_stream_tells_every_instance_of_an_approval,
    the_demo_has_moderated_questions,
);

const ADMIN: &str = "/admin/editions/sdn-2027/programme";

/// An organiser (the demo admin) and one session of the 2027 programme; returns its
/// participants' page and moderation page.
pub(crate) async fn a_session(app: &TestApp) -> (TestClient, String, String) {
    let admin = app.admin_client().await;
    let form = [
        ("kind", "panel"),
        ("title_fr", "Souveraineté numérique"),
        ("title_en", "Digital sovereignty"),
        ("starts_at", "2027-01-28T10:00"),
        ("ends_at", "2027-01-28T11:30"),
        ("room", ""),
        ("language", "fr"),
    ];
    let page = admin.post_form(ADMIN, &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let id = app
        .strings("SELECT public_id FROM programme_sessions")
        .await
        .remove(0);
    (
        admin,
        format!("/programme/sdn-2027/{id}/questions"),
        format!("{ADMIN}/{id}/questions"),
    )
}

pub(crate) async fn participant(app: &TestApp, name: &str) -> TestClient {
    let login = format!("{}@exemple.ml", name.to_lowercase());
    app.signup_and_verify(name, &login, &login, "un mot de passe solide 42")
        .await
}

/// The public id of the question whose text is `body`.
pub(crate) async fn question_id(app: &TestApp, body: &str) -> String {
    app.strings_with("SELECT public_id FROM questions WHERE body = $1", body)
        .await
        .remove(0)
}

async fn state_of(app: &TestApp, public_id: &str) -> String {
    let sql = "SELECT state || CASE WHEN pinned THEN '+pinned' ELSE '' END FROM questions \
               WHERE public_id = $1";
    app.strings_with(sql, public_id).await.remove(0)
}

async fn votes_of(app: &TestApp, public_id: &str) -> String {
    let sql = "SELECT CAST(COUNT(*) AS TEXT) FROM question_votes v \
               JOIN questions q ON q.id = v.question_id WHERE q.public_id = $1";
    app.strings_with(sql, public_id).await.remove(0)
}

pub(crate) async fn ask(
    client: &TestClient,
    page: &str,
    text: &str,
    anonymous: bool,
) -> crate::support::Page {
    let mut fields = vec![("text", text)];
    if anonymous {
        fields.push(("anonymous", "1"));
    }
    client.post_form(page, &fields).await
}

pub(crate) async fn moderate(
    client: &TestClient,
    admin_page: &str,
    question: &str,
    action: &str,
    into: &str,
) -> StatusCode {
    let fields = [("action", action), ("into", into)];
    client
        .post_form(&format!("{admin_page}/{question}"), &fields)
        .await
        .status
}

async fn participants_ask_and_upvote_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (admin, page_url, admin_url) = a_session(&app).await;
    // The public session page links to its questions, the organisers' one to moderation.
    let session_url = page_url.trim_end_matches("/questions").to_owned();
    let page = app.client().get(&session_url).await;
    assert!(page.body.contains(&format!("href=\"{page_url}\"")));
    let session_admin = admin_url.trim_end_matches("/questions").to_owned();
    let page = admin.get(&session_admin).await;
    assert!(page.body.contains(&format!("href=\"{admin_url}\"")));

    let alice = participant(&app, "Alice").await;
    let bob = participant(&app, "Bob").await;

    // Anyone reads the page; only a signed-in person asks.
    let page = app.client().get(&page_url).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("questions-sign-in"));
    let page = app
        .client()
        .post_form(&page_url, &[("text", "Bonjour ?")])
        .await;
    assert!(page
        .redirect_target()
        .is_some_and(|t| t.starts_with("/login")));

    // Empty or too long: refused on the field, the typed text kept, nothing written.
    let page = ask(&alice, &page_url, "   ", false).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&fr("questions-text-empty"));
    let long = "Pourquoi ".repeat(40);
    let page = ask(&alice, &page_url, &long, false).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    page.assert_contains(&tr_args(
        Lang::Fr,
        "questions-text-too-long",
        &[("max", "280".into())],
    ));
    assert_eq!(
        page.element_text("text").as_deref(),
        Some(long.as_str()),
        "text kept"
    );
    assert_eq!(app.count("questions").await, 0);

    // HTML in a question, asked anonymously: pending first (pre-moderation by default).
    let html = "<script>alert(1)</script><b>Qui héberge ?</b>";
    let page = ask(&alice, &page_url, html, true).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let q = question_id(&app, html).await;
    assert_eq!(state_of(&app, &q).await, "pending");
    let mine = alice.get(&page_url).await;
    assert!(
        mine.element_text("pending").is_some(),
        "the author sees it waiting"
    );
    assert!(
        !bob.get(&page_url).await.body.contains("Qui héberge"),
        "others do not"
    );

    // Approved: shown escaped, never interpreted, and without the author's name.
    assert_eq!(
        moderate(&admin, &admin_url, &q, "approve", "").await,
        StatusCode::SEE_OTHER
    );
    let page = bob.get(&page_url).await;
    page.assert_contains(html);
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("<b>Qui"));
    page.assert_contains(&fr("questions-anonymous"));
    assert!(!page.body.contains("Alice"));
    // Organisers still see who asked.
    let page = admin.get(&admin_url).await;
    page.assert_contains(&tr_args(
        Lang::Fr,
        "questions-anonymous-to-others",
        &[("name", "Alice".into())],
    ));

    // One vote per person per question: the second counts for nothing.
    let vote = format!("{page_url}/{q}/vote");
    assert_eq!(
        bob.post_form(&vote, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        bob.post_form(&vote, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(votes_of(&app, &q).await, "1");
    let page = bob.get(&page_url).await;
    page.assert_contains(&fr("questions-voted"));
    page.assert_contains(&tr_args(
        Lang::Fr,
        "questions-votes",
        &[("count", "1".into())],
    ));
    // Without the CSRF token: refused.
    let page = bob.post_form_raw(&vote, &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // A hidden or unknown question takes no vote.
    assert_eq!(
        moderate(&admin, &admin_url, &q, "hide", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        alice.post_form(&vote, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let unknown = format!("{page_url}/nope/vote");
    assert_eq!(
        alice.post_form(&unknown, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(votes_of(&app, &q).await, "1");
    assert!(!app
        .client()
        .get(&page_url)
        .await
        .body
        .contains("Qui héberge"));
    app.finish().await;
}

async fn limits_refuse_question_spam_and_vote_stuffing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (admin, page_url, admin_url) = a_session(&app).await;
    // Without pre-moderation, questions are shown at once.
    let page = admin.post_form(&format!("{admin_url}/settings"), &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let alice = participant(&app, "Alice").await;
    let bob = participant(&app, "Bob").await;

    // Three questions in ten minutes, then refused with the reason, the text kept.
    for n in 1..=3 {
        let page = ask(&alice, &page_url, &format!("Question {n}"), false).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    let page = ask(&alice, &page_url, "Question 4", false).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    let args = [("count", "3".to_owned()), ("minutes", "10".to_owned())];
    page.assert_contains(&tr_args(Lang::Fr, "questions-limit-posts-window", &args));
    assert_eq!(page.element_text("text").as_deref(), Some("Question 4"));
    assert_eq!(app.count("questions").await, 3);
    // Later on, until ten in the session.
    for n in 4..=10 {
        if n % 3 == 1 {
            app.clock.advance(jiff::SignedDuration::from_mins(11));
        }
        let page = ask(&alice, &page_url, &format!("Question {n}"), false).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "question {n}");
    }
    app.clock.advance(jiff::SignedDuration::from_mins(11));
    let page = ask(&alice, &page_url, "Question 11", false).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    let args = [("count", "10".to_owned())];
    page.assert_contains(&tr_args(Lang::Fr, "questions-limit-posts-session", &args));
    assert_eq!(app.count("questions").await, 10);

    // Vote stuffing: ten votes a minute, the eleventh refused (in English for an English
    // reader), counted once the minute is over.
    assert_eq!(
        ask(&bob, &page_url, "Question de Bob", false).await.status,
        StatusCode::SEE_OTHER
    );
    let ids = app
        .strings("SELECT public_id FROM questions ORDER BY id")
        .await;
    assert_eq!(ids.len(), 11);
    for id in &ids[..10] {
        let page = bob.post_form(&format!("{page_url}/{id}/vote"), &[]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
    }
    bob.get("/lang/en?next=/").await;
    let last = format!("{page_url}/{}/vote", ids[10]);
    let page = bob.post_form(&last, &[]).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    let args = [("count", "10".to_owned()), ("minutes", "1".to_owned())];
    page.assert_contains(&tr_args(Lang::En, "questions-limit-votes-window", &args));
    assert_eq!(votes_of(&app, &ids[10]).await, "0");
    app.clock.advance(jiff::SignedDuration::from_secs(61));
    assert_eq!(
        bob.post_form(&last, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(votes_of(&app, &ids[10]).await, "1");
    app.finish().await;
}

async fn organisers_moderate_and_participants_cannot(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (admin, page_url, admin_url) = a_session(&app).await;
    let alice = participant(&app, "Alice").await;
    let bob = participant(&app, "Bob").await;
    for text in ["Première ?", "Deuxième ?"] {
        assert_eq!(
            ask(&alice, &page_url, text, false).await.status,
            StatusCode::SEE_OTHER
        );
    }
    assert_eq!(
        ask(&bob, &page_url, "Première, encore ?", true)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let (q1, q2, q3) = (
        question_id(&app, "Première ?").await,
        question_id(&app, "Deuxième ?").await,
        question_id(&app, "Première, encore ?").await,
    );

    // A participant is refused every moderator's action, as if the page did not exist, and
    // nothing changes.
    assert_eq!(bob.get(&admin_url).await.status, StatusCode::NOT_FOUND);
    for action in ["approve", "hide", "answer", "pin", "unpin", "merge"] {
        let status = moderate(&bob, &admin_url, &q1, action, &q3).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{action}");
    }
    let page = bob.post_form(&format!("{admin_url}/settings"), &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    for q in [&q1, &q2, &q3] {
        assert_eq!(state_of(&app, q).await, "pending");
    }
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'questions.%'";
    assert_eq!(app.scalar_i64(audited).await, 0);

    // The organiser's page lists them, waiting.
    let page = admin.get(&admin_url).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(&fr("questions-state-pending"));

    for q in [&q1, &q2, &q3] {
        assert_eq!(
            moderate(&admin, &admin_url, q, "approve", "").await,
            StatusCode::SEE_OTHER
        );
    }
    // One pinned question at a time.
    assert_eq!(
        moderate(&admin, &admin_url, &q1, "pin", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        moderate(&admin, &admin_url, &q2, "pin", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(state_of(&app, &q1).await, "approved");
    assert_eq!(state_of(&app, &q2).await, "approved+pinned");
    // A move that does not apply is refused with its reason.
    let page = admin
        .post_form(&format!("{admin_url}/{q1}"), &[("action", "unpin")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    page.assert_contains(&fr("questions-refused-move"));

    // The presenter's view: the pinned question, then the others by votes; an anonymous
    // author unnamed; it reloads itself without JavaScript.
    for voter in [&alice, &bob] {
        let vote = format!("{page_url}/{q3}/vote");
        assert_eq!(
            voter.post_form(&vote, &[]).await.status,
            StatusCode::SEE_OTHER
        );
    }
    let vote = format!("{page_url}/{q1}/vote");
    assert_eq!(
        bob.post_form(&vote, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let screen = app.client().get(&format!("{page_url}/screen")).await;
    assert_eq!(screen.status, StatusCode::OK);
    assert!(screen.element_text("pinned").is_some());
    let text = screen.text();
    let (pinned, first, second) = (
        text.find("Deuxième ?").expect("pinned shown"),
        text.find("Première, encore ?").expect("most voted shown"),
        text.find("Première ?").expect("other shown"),
    );
    assert!(pinned < first && first < second, "pinned, then by votes");
    assert!(!text.contains("Bob"), "anonymous on screen");
    assert!(screen
        .body
        .contains("<noscript><meta http-equiv=\"refresh\""));
    assert!(screen.body.contains("/static/live."));
    assert!(!screen.body.contains("<script>"), "no inline script");

    // Answered: no longer pinned, listed apart.
    assert_eq!(
        moderate(&admin, &admin_url, &q2, "answer", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(state_of(&app, &q2).await, "answered");
    let page = alice.get(&page_url).await;
    assert!(page.element_text("answered").is_some());
    assert!(page.element_text("pinned").is_none());

    // Merge: Bob's duplicate folds into the first; its votes come along, Bob's counted once.
    assert_eq!(
        moderate(&admin, &admin_url, &q3, "merge", &q1).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(state_of(&app, &q3).await, "merged");
    assert_eq!(votes_of(&app, &q1).await, "2", "Alice and Bob, Bob once");
    // Nothing merges into itself, nor a question already merged.
    let status = moderate(&admin, &admin_url, &q1, "merge", &q1).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let status = moderate(&admin, &admin_url, &q3, "approve", "").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a merged question is gone from the list"
    );

    // Hidden: gone from the participants' page and the screen.
    assert_eq!(
        moderate(&admin, &admin_url, &q1, "hide", "").await,
        StatusCode::SEE_OTHER
    );
    assert!(!app
        .client()
        .get(&page_url)
        .await
        .body
        .contains("Première ?"));
    assert!(!app
        .client()
        .get(&format!("{page_url}/screen"))
        .await
        .body
        .contains("Première ?"));

    // Every move audited: 3 approvals, 2 pins, answered, merged, hidden.
    assert_eq!(app.scalar_i64(audited).await, 8);
    app.finish().await;
}

/// Reads a server-sent event stream until `needle` arrives (or panics after `within`).
pub async fn wait_for_event(response: &mut reqwest::Response, needle: &str, within: Duration) {
    let mut seen = String::new();
    let found = tokio::time::timeout(within, async {
        while let Ok(Some(chunk)) = response.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains(needle) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found.ok(), Some(true), "{needle:?} in the stream: {seen:?}");
}

async fn the_live_stream_tells_every_instance_of_an_approval(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (admin, page_url, admin_url) = a_session(&app).await;
    let alice = participant(&app, "Alice").await;
    assert_eq!(
        ask(&alice, &page_url, "En direct ?", false).await.status,
        StatusCode::SEE_OTHER
    );
    let q = question_id(&app, "En direct ?").await;

    // The pages say where their stream is.
    let page = app.client().get(&page_url).await;
    let live = page
        .tag_attr("<section id=\"questions\"", "data-live")
        .expect("a live page");
    assert_eq!(
        live,
        format!("{page_url}/live?since=1"),
        "read at version 1"
    );

    // One listener on this instance and, on PostgreSQL (several instances share one
    // database there; SQLite's data directory takes one), one on another instance.
    let peer = match backend {
        Backend::Postgres => Some(app.start_peer().await),
        Backend::Sqlite => None,
    };
    let http = reqwest::Client::new();
    let stream_path = format!("{page_url}/live");
    let open = |base: &url::Url| {
        let url = base.join(&stream_path).expect("stream URL");
        http.get(url).send()
    };
    let mut streams = vec![open(&app.base).await.expect("stream here")];
    if let Some(peer) = &peer {
        streams.push(open(&peer.base).await.expect("stream on the peer"));
    }
    for stream in &streams {
        assert_eq!(stream.status(), StatusCode::OK);
        let kind = stream
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok());
        assert_eq!(kind, Some("text/event-stream"));
        let buffering = stream.headers().get("x-accel-buffering");
        assert_eq!(buffering.and_then(|v| v.to_str().ok()), Some("no"));
    }

    assert_eq!(
        moderate(&admin, &admin_url, &q, "approve", "").await,
        StatusCode::SEE_OTHER
    );
    for stream in &mut streams {
        wait_for_event(stream, "event: changed", Duration::from_secs(5)).await;
    }
    drop(streams);

    // A page read before the approval, whose stream connects after it, is told at once.
    let mut late = http.get(app.url(&live)).send().await.expect("late stream");
    wait_for_event(&mut late, "event: changed", Duration::from_secs(5)).await;
    drop(late);
    if let Some(peer) = peer {
        peer.stop().await;
    }
    app.finish().await;
}

async fn the_demo_has_moderated_questions(backend: Backend) {
    let app = TestApp::start(backend).await;
    kene::demo::seed(&app.state).await.expect("full demo");
    let states = app.strings("SELECT state FROM questions ORDER BY id").await;
    assert_eq!(states.len(), 7);
    for state in ["pending", "approved", "answered"] {
        assert!(states.iter().any(|s| s == state), "{state} in {states:?}");
    }
    let pinned = "SELECT COUNT(*) FROM questions WHERE pinned";
    assert_eq!(app.scalar_i64(pinned).await, 2, "one per panel");
    let session = app
        .strings(
            "SELECT s.public_id FROM programme_sessions s JOIN questions q \
             ON q.session_id = s.id ORDER BY q.id LIMIT 1",
        )
        .await
        .remove(0);
    let page = app
        .client()
        .get(&format!("/programme/sdn-2026/{session}/questions/screen"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Comment former assez d'ingénieurs");
    page.assert_contains(&fr("questions-anonymous"));
    app.finish().await;
}
