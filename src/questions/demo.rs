//! The demo's questions: a few on the 2026 edition's first two panels, asked by the demo's
//! applicants, upvoted and moderated (shown, one pinned, one answered, one left waiting)
//! through the same use cases as the pages.

use super::actions::{self, Asked, SessionRef};
use super::queries;
use super::rules::Move;
use crate::calls::queries::EditionRow;
use crate::programme::rules::SessionKind;
use crate::web::state::AppState;

/// Per panel: questions (French text, anonymous), in the order asked.
const QUESTIONS: [&[(&str, bool)]; 2] = [
    &[
        (
            "Quelles données publiques doivent rester hébergées au Mali ?",
            false,
        ),
        (
            "Combien coûte un centre de données national, et qui le finance ?",
            false,
        ),
        (
            "Comment former assez d'ingénieurs pour exploiter ces infrastructures ?",
            true,
        ),
        (
            "Les start-up locales auront-elles accès au cloud souverain ?",
            false,
        ),
    ],
    &[
        ("Quand le roaming gratuit entre pays de l'AES ?", false),
        (
            "Une identité numérique commune aux trois pays est-elle prévue ?",
            true,
        ),
        ("Comment sécuriser les interconnexions ?", false),
    ],
];

/// Moves made, per panel, on the question at that index (in the order asked).
const MODERATION: [&[(usize, Move)]; 2] = [
    &[
        (0, Move::Approve),
        (1, Move::Approve),
        (2, Move::Pin),
        (0, Move::Answer),
    ],
    &[(0, Move::Pin), (2, Move::Approve)],
];

/// Writes the questions of `edition`'s first panels (moderated by `admin_id`); nothing when
/// the demo has fewer than two people to ask them.
pub async fn seed(app: &AppState, edition: &EditionRow, admin_id: i64) -> anyhow::Result<()> {
    let people = queries::demo_people(&app.db, 4).await?;
    if people.len() < 2 {
        return Ok(()); // one person alone would reach the posting limit
    }
    let panels = crate::programme::queries::sessions(&app.db, edition.id)
        .await?
        .into_iter()
        .filter(|s| s.kind == SessionKind::Panel)
        .take(QUESTIONS.len());
    let now = app.now_ms();
    for (panel, (questions, moves)) in panels.zip(QUESTIONS.iter().zip(MODERATION)) {
        let session = SessionRef {
            id: panel.id,
            public_id: &panel.public_id,
        };
        let mut tx = app.db.begin().await?;
        for (i, (body, anonymous)) in questions.iter().enumerate() {
            let asked = Asked {
                author_id: people[i % people.len()],
                body,
                anonymous: *anonymous,
            };
            actions::post_question(&mut tx, session, &asked, true, now)
                .await?
                .map_err(|e| anyhow::anyhow!("demo question {body}: {e:?}"))?;
        }
        tx.commit().await?;
        for (i, mv) in moves.iter().copied() {
            // Read again before each move: a move is made on the question as it stands.
            let stored = queries::questions(&app.db, panel.id).await?;
            let body = questions[i].0;
            let Some(question) = stored.iter().find(|q| q.body == body) else {
                anyhow::bail!("demo question {body} was just written");
            };
            let mut tx = app.db.begin().await?;
            actions::moderate(&mut tx, session, question, (mv, None), admin_id, now)
                .await?
                .map_err(|e| anyhow::anyhow!("demo move on {body}: {e:?}"))?;
            if matches!(mv, Move::Approve | Move::Pin) {
                for voter in people.iter().take(questions.len() - i) {
                    actions::vote(&mut tx, session, question, *voter, now)
                        .await?
                        .map_err(|e| anyhow::anyhow!("demo vote on {body}: {e:?}"))?;
                }
            }
            tx.commit().await?;
        }
    }
    Ok(())
}
