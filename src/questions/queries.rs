//! The questions' tables: each session's board (pre-moderation, version), the questions and
//! their votes.

use super::rules::State;
use crate::db::{Db, DbResult, Tx};
use crate::{run, run_tx};

/// A session's board: whether questions wait for approval, and its version (0 before any
/// question).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Board {
    pub premoderated: bool,
    pub version: i64,
}

impl Default for Board {
    /// Pre-moderated until an organiser says otherwise (see `questions` module docs).
    fn default() -> Board {
        Board {
            premoderated: true,
            version: 0,
        }
    }
}

pub async fn board(db: &Db, session_id: i64) -> DbResult<Board> {
    let sql = "SELECT premoderated, version FROM question_boards WHERE session_id = $1";
    let row: Option<(bool, i64)> = run!(db, |pool| sqlx::query_as(sql)
        .bind(session_id)
        .fetch_optional(pool)
        .await)?;
    Ok(row
        .map(|(premoderated, version)| Board {
            premoderated,
            version,
        })
        .unwrap_or_default())
}

/// The session's version: what live pages compare (one primary-key read).
pub async fn version(db: &Db, session_id: i64) -> DbResult<i64> {
    let sql = "SELECT version FROM question_boards WHERE session_id = $1";
    let row: Option<i64> = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(session_id)
        .fetch_optional(pool)
        .await)?;
    Ok(row.unwrap_or(0))
}

/// Bumps the session's version, in the transaction of the change; returns the new one.
pub async fn bump(tx: &mut Tx, session_id: i64) -> DbResult<i64> {
    let sql = "INSERT INTO question_boards (session_id, version) VALUES ($1, 1) \
               ON CONFLICT (session_id) DO UPDATE SET version = question_boards.version + 1 \
               RETURNING version";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar::<_, i64>(sql)
        .bind(session_id)
        .fetch_one(conn)
        .await)?)
}

pub async fn set_premoderated(tx: &mut Tx, session_id: i64, on: bool) -> DbResult<()> {
    let sql = "INSERT INTO question_boards (session_id, premoderated) VALUES ($1, $2) \
               ON CONFLICT (session_id) DO UPDATE SET premoderated = $2";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(session_id)
        .bind(on)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// A question with its author and its votes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: i64,
    pub public_id: String,
    pub author_id: i64,
    pub author_name: String,
    pub anonymous: bool,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub state: State,
    pub pinned: bool,
    pub created_at: i64,
    pub votes: i64,
}

impl QuestionRow {
    pub fn standing(&self) -> super::rules::Standing {
        super::rules::Standing {
            state: self.state,
            pinned: self.pinned,
        }
    }
}

/// Every question of the session but the merged ones, in the order they are listed.
pub async fn questions(db: &Db, session_id: i64) -> DbResult<Vec<QuestionRow>> {
    let sql = "SELECT q.id, q.public_id, q.author_id, u.display_name AS author_name, \
               q.anonymous, q.body, q.state, q.pinned, q.created_at, \
               (SELECT COUNT(*) FROM question_votes v WHERE v.question_id = q.id) AS votes \
               FROM questions q JOIN users u ON u.id = q.author_id \
               WHERE q.session_id = $1 AND q.state <> 'merged'";
    let mut rows = run!(db, |pool| sqlx::query_as::<_, QuestionRow>(sql)
        .bind(session_id)
        .fetch_all(pool)
        .await)?;
    rows.sort_by_key(|q| super::rules::rank(q.pinned, q.votes, q.created_at, q.id));
    Ok(rows)
}

/// The questions of the session `user_id` voted for.
pub async fn voted(db: &Db, session_id: i64, user_id: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT v.question_id FROM question_votes v \
               JOIN questions q ON q.id = v.question_id \
               WHERE q.session_id = $1 AND v.user_id = $2";
    Ok(run!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(session_id)
        .bind(user_id)
        .fetch_all(pool)
        .await)?)
}

/// How many questions `user_id` posted in the session since `since`, and in all.
pub async fn posts_by(db: &Db, session_id: i64, user_id: i64, since: i64) -> DbResult<(i64, i64)> {
    let sql = "SELECT COALESCE(SUM(CASE WHEN created_at > $3 THEN 1 ELSE 0 END), 0), COUNT(*) \
               FROM questions WHERE session_id = $1 AND author_id = $2";
    Ok(run!(db, |pool| sqlx::query_as::<_, (i64, i64)>(sql)
        .bind(session_id)
        .bind(user_id)
        .bind(since)
        .fetch_one(pool)
        .await)?)
}

/// How many votes `user_id` cast in the session since `since`.
pub async fn votes_by(db: &Db, session_id: i64, user_id: i64, since: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM question_votes v JOIN questions q ON q.id = v.question_id \
               WHERE q.session_id = $1 AND v.user_id = $2 AND v.voted_at > $3";
    Ok(run!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(session_id)
        .bind(user_id)
        .bind(since)
        .fetch_one(pool)
        .await)?)
}

/// A question to add.
pub struct NewQuestion<'a> {
    pub session_id: i64,
    pub author_id: i64,
    pub anonymous: bool,
    pub body: &'a str,
    pub state: State,
}

/// Adds a question unless its author reached a limit (`since`: the start of the posting
/// window): the check and the write are one statement. `None` when refused.
pub async fn insert_question(
    tx: &mut Tx,
    q: &NewQuestion<'_>,
    (since, per_window, per_session): (i64, i64, i64),
    now_ms: i64,
) -> DbResult<Option<String>> {
    let public_id = crate::crypto::random_public_id();
    let sql = "INSERT INTO questions (public_id, session_id, author_id, anonymous, body, state, \
               created_at) SELECT $1, $2, $3, $4, $5, $6, $7 \
               WHERE (SELECT COUNT(*) FROM questions WHERE session_id = $2 AND author_id = $3 \
                      AND created_at > $8) < $9 \
               AND (SELECT COUNT(*) FROM questions WHERE session_id = $2 AND author_id = $3) < $10 \
               RETURNING id";
    let id: Option<i64> = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(&public_id)
        .bind(q.session_id)
        .bind(q.author_id)
        .bind(q.anonymous)
        .bind(q.body)
        .bind(q.state.as_str())
        .bind(now_ms)
        .bind(since)
        .bind(per_window)
        .bind(per_session)
        .fetch_optional(conn)
        .await)?;
    Ok(id.map(|_| public_id))
}

/// Adds `user_id`'s vote to a question open to votes, unless they reached the limit since
/// `since`. `Some(true)` when counted, `Some(false)` when they had already voted for it (it
/// counts once), `None` when refused (limit, or the question is not open to votes).
pub async fn insert_vote(
    tx: &mut Tx,
    (question_id, session_id, user_id): (i64, i64, i64),
    (since, per_window): (i64, i64),
    now_ms: i64,
) -> DbResult<Option<bool>> {
    let already = "SELECT COUNT(*) FROM question_votes WHERE question_id = $1 AND user_id = $2";
    let n: i64 = run_tx!(tx, |conn| sqlx::query_scalar(already)
        .bind(question_id)
        .bind(user_id)
        .fetch_one(conn)
        .await)?;
    if n > 0 {
        return Ok(Some(false));
    }
    let sql = "INSERT INTO question_votes (question_id, user_id, voted_at) SELECT $1, $3, $4 \
               WHERE EXISTS (SELECT 1 FROM questions WHERE id = $1 AND session_id = $2 \
                             AND state = 'approved') \
               AND (SELECT COUNT(*) FROM question_votes v JOIN questions q ON q.id = v.question_id \
                    WHERE q.session_id = $2 AND v.user_id = $3 AND v.voted_at > $5) < $6 \
               ON CONFLICT (question_id, user_id) DO NOTHING RETURNING question_id";
    let added: Option<i64> = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(question_id)
        .bind(session_id)
        .bind(user_id)
        .bind(now_ms)
        .bind(since)
        .bind(per_window)
        .fetch_optional(conn)
        .await)?;
    Ok(added.map(|_| true))
}

/// Sets a question's standing if it still stands at `from`; `false` (nothing written)
/// otherwise.
pub async fn set_standing(
    tx: &mut Tx,
    question_id: i64,
    from: super::rules::Standing,
    to: super::rules::Standing,
) -> DbResult<bool> {
    let sql = "UPDATE questions SET state = $4, pinned = $5 \
               WHERE id = $1 AND state = $2 AND pinned = $3";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(question_id)
        .bind(from.state.as_str())
        .bind(from.pinned)
        .bind(to.state.as_str())
        .bind(to.pinned)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Unpins whichever question of the session is pinned (before another is).
pub async fn unpin_all(tx: &mut Tx, session_id: i64) -> DbResult<()> {
    let sql = "UPDATE questions SET pinned = FALSE WHERE session_id = $1 AND pinned";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(session_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Records which question a duplicate was folded into, and carries its votes there: a person
/// who voted for both still counts once.
pub async fn fold_into(tx: &mut Tx, duplicate_id: i64, target_id: i64) -> DbResult<()> {
    let link = "UPDATE questions SET merged_into = $2 WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(link)
        .bind(duplicate_id)
        .bind(target_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    let carry = "INSERT INTO question_votes (question_id, user_id, voted_at) \
                 SELECT $2, user_id, voted_at FROM question_votes WHERE question_id = $1 \
                 ON CONFLICT (question_id, user_id) DO NOTHING";
    run_tx!(tx, |conn| sqlx::query(carry)
        .bind(duplicate_id)
        .bind(target_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// A few people to ask the demo's questions: the earliest accounts that are not
/// administrators.
pub async fn demo_people(db: &Db, how_many: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT id FROM users WHERE NOT is_admin AND deleted_at IS NULL ORDER BY id LIMIT $1";
    Ok(run!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .bind(how_many)
        .fetch_all(pool)
        .await)?)
}
