//! The contest's writes, one use case each, in the caller's transaction: the change and its
//! audit entry. Pages, the demo and the test builders go through them.
//!
//! Submissions are not audited: each one is recorded as an attempt (with the keyed hash of
//! what was typed, never the text), which is the contest's own log.

use rand::RngCore;

use super::flags::{self, Checker, KeptFlag, Submission};
use super::queries::{self, ChallengeFields, ChallengeRow, ContestRow, HintRow, TeamRow};
use super::rules::{self, Gate, Lockout, Phase, Settings, MINUTE_MS};
use crate::audit::{self, Action};
use crate::calls::queries::EditionRow;
use crate::crypto::{sha256_hex, ServerKey};
use crate::db::{Db, Tx};
use crate::web::error::AppResult;

/// Who acts, and when.
pub type By = (i64, i64);

/// Why a contestant's or organiser's write was refused: a Fluent key the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    AlreadyInTeam,
    NameTaken,
    UnknownCode,
    TeamFull,
    NotInTeam,
    Started,
    ChallengeNameTaken,
}

impl Refused {
    pub fn key(self) -> &'static str {
        match self {
            Refused::AlreadyInTeam => "ctf-refused-already-in-team",
            Refused::NameTaken => "ctf-refused-name-taken",
            Refused::UnknownCode => "ctf-refused-unknown-code",
            Refused::TeamFull => "ctf-refused-team-full",
            Refused::NotInTeam => "ctf-refused-not-in-team",
            Refused::Started => "ctf-refused-started",
            Refused::ChallengeNameTaken => "ctf-refused-challenge-name",
        }
    }
}

/// An invite code as people read it aloud: 10 letters and digits of Base32, in two groups.
pub fn new_invite_code() -> String {
    let mut bytes = [0u8; 7];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let code = data_encoding::BASE32_NOPAD.encode(&bytes);
    format!("{}-{}", &code[..5], &code[5..10])
}

/// What is stored of a code: the hash of its letters, whatever the case and dashes typed.
pub fn invite_hash(code: &str) -> String {
    let letters: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    sha256_hex(letters.as_bytes())
}

fn team_object(contest: &ContestRow, team: &str) -> String {
    format!("ctf:{}:team:{team}", contest.id)
}

pub async fn save_settings(
    tx: &mut Tx,
    edition: &EditionRow,
    track_id: i64,
    settings: &Settings,
    (actor, now): By,
) -> AppResult<()> {
    queries::save_contest(tx, edition.id, track_id, settings, now).await?;
    let details = serde_json::json!({
        "starts_at": settings.window.starts_at,
        "ends_at": settings.window.ends_at,
        "freeze_at": settings.window.freeze_at,
        "mode": settings.mode.as_str(),
        "first_blood_bonus": settings.first_blood_bonus,
        "board_public": settings.board_public,
        "team_size_max": settings.team_size_max,
        "attempts_per_minute": settings.attempts_per_minute,
        "standings_use": settings.standings_use.as_str(),
    });
    let object = format!("ctf:{}", edition.slug);
    audit::Entry::by(actor, Action::CtfSettingsSaved, &object, details)
        .append(tx, now)
        .await?;
    Ok(())
}

/// A new team with its founder; the invite code to pass on comes back (only its hash is kept).
pub async fn create_team(
    tx: &mut Tx,
    contest: &ContestRow,
    name: &str,
    application_id: i64,
    (account, now): By,
) -> AppResult<Result<String, Refused>> {
    let code = new_invite_code();
    let Some((team_id, public_id)) =
        queries::insert_team(tx, contest.id, name, &invite_hash(&code), now).await?
    else {
        return Ok(Err(Refused::NameTaken));
    };
    if let Err(refused) = enter(tx, contest, team_id, application_id, (account, now)).await? {
        return Ok(Err(refused));
    }
    let details = serde_json::json!({ "name": name });
    audit::Entry::by(
        account,
        Action::CtfTeamCreated,
        &team_object(contest, &public_id),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(Ok(code))
}

async fn enter(
    tx: &mut Tx,
    contest: &ContestRow,
    team_id: i64,
    application_id: i64,
    (account, now): By,
) -> AppResult<Result<(), Refused>> {
    if !queries::take_place(tx, team_id, contest.team_size_max).await? {
        return Ok(Err(Refused::TeamFull));
    }
    if !queries::insert_member(tx, contest.id, team_id, account, application_id, now).await? {
        return Ok(Err(Refused::AlreadyInTeam));
    }
    Ok(Ok(()))
}

/// Joins the team whose code (reusable, or single-use from a sign-up desk) was typed.
pub async fn join_team(
    tx: &mut Tx,
    contest: &ContestRow,
    code: &str,
    application_id: i64,
    (account, now): By,
) -> AppResult<Result<(), Refused>> {
    let hash = invite_hash(code);
    let team_id = match queries::team_by_invite(tx, contest.id, &hash).await? {
        Some(id) => id,
        None => match queries::use_single_code(tx, contest.id, &hash, account, now).await? {
            Some(id) => id,
            None => return Ok(Err(Refused::UnknownCode)),
        },
    };
    if let Err(refused) = enter(tx, contest, team_id, application_id, (account, now)).await? {
        return Ok(Err(refused));
    }
    audit::Entry::by(
        account,
        Action::CtfTeamJoined,
        &format!("ctf:{}:team-id:{team_id}", contest.id),
        serde_json::json!({}),
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}

/// Leaves the team, before the start only (afterwards the team's score is partly theirs).
pub async fn leave_team(
    tx: &mut Tx,
    contest: &ContestRow,
    team: &TeamRow,
    (account, now): By,
) -> AppResult<Result<(), Refused>> {
    if contest.window().phase(now) != Phase::Before {
        return Ok(Err(Refused::Started));
    }
    if !queries::remove_member(tx, team.id, account).await? {
        return Ok(Err(Refused::NotInTeam));
    }
    audit::Entry::by(
        account,
        Action::CtfTeamLeft,
        &team_object(contest, &team.public_id),
        serde_json::json!({}),
    )
    .append(tx, now)
    .await?;
    Ok(Ok(()))
}

/// A new reusable code for the team (the old one stops working).
pub async fn renew_invite(tx: &mut Tx, team: &TeamRow) -> AppResult<String> {
    let code = new_invite_code();
    queries::renew_invite(tx, team.id, &invite_hash(&code)).await?;
    Ok(code)
}

/// A single-use code for the team (printed at an in-person sign-up desk).
pub async fn single_use_code(tx: &mut Tx, team: &TeamRow, now: i64) -> AppResult<String> {
    let code = new_invite_code();
    queries::insert_single_code(tx, team.id, &invite_hash(&code), now).await?;
    Ok(code)
}

/// What became of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Correct,
    Wrong,
    /// Wrong, and holding characters that look like others (Cyrillic letters, invisible ones).
    WrongLookAlike,
    /// The team had already solved it.
    Again,
    /// Outside the contest's window.
    Closed,
    /// Too many submissions: locked until then.
    Limited {
        until: i64,
    },
}

impl Outcome {
    /// Its name in the JSON API.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::WrongLookAlike => "wrong_look_alike",
            other => other.recorded(),
        }
    }

    /// As attempts record it.
    fn recorded(self) -> &'static str {
        match self {
            Outcome::Correct => "correct",
            Outcome::Wrong | Outcome::WrongLookAlike => "wrong",
            Outcome::Again => "again",
            Outcome::Closed => "closed",
            Outcome::Limited { .. } => "limited",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Outcome::Correct => "ctf-outcome-correct",
            Outcome::Wrong => "ctf-outcome-wrong",
            Outcome::WrongLookAlike => "ctf-outcome-wrong-look-alike",
            Outcome::Again => "ctf-outcome-again",
            Outcome::Closed => "ctf-outcome-closed",
            Outcome::Limited { .. } => "ctf-outcome-limited",
        }
    }
}

/// What a submission is checked against, read before the transaction.
pub struct Target<'a> {
    pub contest: &'a ContestRow,
    pub challenge: &'a ChallengeRow,
    pub checker: &'a Checker,
    pub team: &'a TeamRow,
    /// The contest's teams, by public id, to recognise another team's per-team flag.
    pub teams: &'a [(i64, String)],
}

/// The lock-outs that apply to a team and an account.
fn subjects(team_id: i64, account: i64) -> [String; 2] {
    [format!("team:{team_id}"), format!("account:{account}")]
}

/// A submission judged, before it is recorded.
#[derive(Debug, Clone)]
pub struct Judged {
    outcome: Outcome,
    digest: String,
    flag_of_team: Option<i64>,
    lockouts: Vec<(String, Lockout)>,
}

/// Judges a flag (reads only): the window, the lock-outs of the team and of the account, then
/// the flags. Rate limits count every submission, right or wrong.
pub async fn judge(
    db: &Db,
    key: &ServerKey,
    target: &Target<'_>,
    submission: &Submission,
    (account, now): By,
) -> AppResult<Judged> {
    let Target { contest, team, .. } = target;
    let mut judged = Judged {
        outcome: Outcome::Closed,
        digest: submission.attempt_digest(key),
        flag_of_team: None,
        lockouts: Vec::new(),
    };
    if !matches!(contest.window().phase(now), Phase::Running | Phase::Frozen) {
        return Ok(judged);
    }
    // 0: no limit (a contest on a closed network, a benchmark); nothing to count.
    if contest.attempts_per_minute == 0 {
        judged.outcome = verdict(key, target, submission, &mut judged.flag_of_team);
        return Ok(judged);
    }
    let since = now - MINUTE_MS;
    let counts = [
        queries::attempts_since(db, queries::Submitter::Team(team.id), since).await?,
        queries::attempts_since(db, queries::Submitter::Account(account), since).await?,
    ];
    let mut limited: Option<i64> = None;
    for (subject, last_minute) in subjects(team.id, account).into_iter().zip(counts) {
        let kept = queries::lockout(db, contest.id, &subject).await?;
        if let Gate::Locked { until, strikes } =
            rules::gate(now, last_minute, contest.attempts_per_minute, kept)
        {
            limited = Some(limited.map_or(until, |u| u.max(until)));
            if let Some(strikes) = strikes {
                judged.lockouts.push((subject, Lockout { strikes, until }));
            }
        }
    }
    if let Some(until) = limited {
        judged.outcome = Outcome::Limited { until };
        return Ok(judged);
    }
    judged.outcome = verdict(key, target, submission, &mut judged.flag_of_team);
    Ok(judged)
}

/// Whether the flag is right; for a wrong one, whose per-team flag it was, if another team's.
fn verdict(
    key: &ServerKey,
    target: &Target<'_>,
    submission: &Submission,
    flag_of_team: &mut Option<i64>,
) -> Outcome {
    let Target {
        contest,
        challenge,
        checker,
        team,
        teams,
    } = target;
    let is_flag_of = |team_public_id: &str| {
        challenge.per_team_flag
            && flags::is_team_flag(
                key,
                &contest.flag_prefix,
                &challenge.public_id,
                team_public_id,
                submission,
            )
    };
    if is_flag_of(&team.public_id) || checker.accepts(key, submission) {
        return Outcome::Correct;
    }
    *flag_of_team = teams
        .iter()
        .find(|(id, public_id)| *id != team.id && is_flag_of(public_id))
        .map(|(id, _)| *id);
    if submission.has_look_alikes() {
        Outcome::WrongLookAlike
    } else {
        Outcome::Wrong
    }
}

/// Records a judged submission: the attempt, the solve (a second solve of the team, by a
/// teammate at the same moment, is "again"), new lock-outs. A refusal that changes nothing
/// but the log — the common case under brute force — is its one row, written on its own
/// without waiting for the log's flush (losing the last of them to a power cut costs nothing
/// anyone was promised); a solve or a new lock-out is one durable transaction.
pub async fn record(
    db: &Db,
    target: &Target<'_>,
    judged: Judged,
    (account, now): By,
) -> AppResult<Outcome> {
    let Target {
        contest,
        challenge,
        team,
        ..
    } = target;
    let attempt = |outcome: Outcome| queries::NewAttempt {
        contest_id: contest.id,
        challenge_id: challenge.id,
        team_id: team.id,
        account_id: account,
        at: now,
        outcome: outcome.recorded(),
        digest: &judged.digest,
        flag_of_team: judged.flag_of_team,
    };
    if judged.outcome != Outcome::Correct && judged.lockouts.is_empty() {
        queries::log_attempt(db, &attempt(judged.outcome)).await?;
        return Ok(judged.outcome);
    }
    let mut tx = db.begin().await?;
    let mut outcome = judged.outcome;
    if outcome == Outcome::Correct
        && !queries::insert_solve(&mut tx, contest.id, challenge.id, team.id, account, now).await?
    {
        outcome = Outcome::Again;
    }
    for (subject, lockout) in &judged.lockouts {
        queries::set_lockout(&mut tx, contest.id, subject, *lockout).await?;
    }
    queries::insert_attempt(&mut tx, &attempt(outcome)).await?;
    if outcome == Outcome::Correct {
        queries::bump_version(&mut tx, contest.id).await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

/// Unlocks a hint for the team (its cost is deducted from the team's score); `false` when the
/// team already had it.
pub async fn unlock_hint(
    tx: &mut Tx,
    contest: &ContestRow,
    hint: &HintRow,
    team: &TeamRow,
    (account, now): By,
) -> AppResult<bool> {
    if !queries::unlock_hint(tx, contest.id, hint, team.id, account, now).await? {
        return Ok(false);
    }
    queries::bump_version(tx, contest.id).await?;
    Ok(true)
}

/// A challenge as organisers save it, with the flags to add (their text is not kept) and the
/// hints to add.
pub struct ChallengeSave<'a> {
    pub fields: &'a ChallengeFields,
    pub flags: &'a [KeptFlag],
    /// Replace the challenge's flags by `flags` (else they are added to those kept).
    pub replace_flags: bool,
    pub hints: &'a [(String, i64)],
}

/// Creates (`existing: None`) or changes a challenge; its public id comes back.
pub async fn save_challenge(
    tx: &mut Tx,
    contest: &ContestRow,
    existing: Option<&ChallengeRow>,
    save: &ChallengeSave<'_>,
    action: Action,
    (actor, now): By,
) -> AppResult<Result<String, Refused>> {
    let (id, public_id) = match existing {
        Some(c) => {
            if !queries::update_challenge(tx, c.id, save.fields, now).await? {
                return Ok(Err(Refused::ChallengeNameTaken));
            }
            (c.id, c.public_id.clone())
        }
        None => match queries::insert_challenge(tx, contest.id, save.fields, now).await? {
            Some(created) => created,
            None => return Ok(Err(Refused::ChallengeNameTaken)),
        },
    };
    if save.replace_flags {
        queries::delete_flags(tx, id).await?;
    }
    for flag in save.flags {
        queries::insert_flag(tx, id, flag).await?;
    }
    for (content, cost) in save.hints {
        queries::insert_hint(tx, id, content, *cost).await?;
    }
    queries::bump_version(tx, contest.id).await?;
    let f = save.fields;
    // Flags are named by kind only: the log must not leak them either.
    let details = serde_json::json!({
        "name": f.name,
        "category": f.category.as_str(),
        "initial": f.rule.initial(),
        "minimum": f.rule.minimum(),
        "decay": f.rule.decay(),
        "function": f.rule.function().as_str(),
        "visible": f.visible,
        "flags_added": save.flags.iter().map(|k| k.kind.as_str()).collect::<Vec<_>>(),
        "flags_replaced": save.replace_flags,
        "hints_added": save.hints.len(),
    });
    audit::Entry::by(
        actor,
        action,
        &format!("ctf:{}:challenge:{public_id}", contest.id),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(Ok(public_id))
}

/// Adds an attached file already written to storage under `object_key`.
pub async fn add_file(
    tx: &mut Tx,
    contest: &ContestRow,
    challenge: &ChallengeRow,
    (name, object_key, size): (&str, &str, i64),
    (actor, now): By,
) -> AppResult<()> {
    queries::insert_file(tx, challenge.id, name, object_key, size, now).await?;
    let details = serde_json::json!({ "name": name, "size_bytes": size });
    audit::Entry::by(
        actor,
        Action::CtfFileAdded,
        &format!("ctf:{}:challenge:{}", contest.id, challenge.public_id),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(())
}

/// Gives or takes points, with the organiser's written reason (required by the page).
pub async fn adjust(
    tx: &mut Tx,
    contest: &ContestRow,
    team: &TeamRow,
    points: i64,
    reason: &str,
    (actor, now): By,
) -> AppResult<()> {
    queries::insert_adjustment(tx, contest.id, team.id, points, reason, actor, now).await?;
    queries::bump_version(tx, contest.id).await?;
    let details = serde_json::json!({ "points": points, "reason": reason, "team": team.name });
    audit::Entry::by(
        actor,
        Action::CtfAdjustment,
        &team_object(contest, &team.public_id),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(())
}

/// Makes the final standings public (the board stops being frozen).
pub async fn reveal(tx: &mut Tx, contest: &ContestRow, (actor, now): By) -> AppResult<bool> {
    if !queries::reveal(tx, contest.id, now).await? {
        return Ok(false);
    }
    audit::Entry::by(
        actor,
        Action::CtfRevealed,
        &format!("ctf:{}", contest.id),
        serde_json::json!({}),
    )
    .append(tx, now)
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_codes_read_aloud_and_match_whatever_the_case_and_dashes() {
        let code = new_invite_code();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert_eq!(
            invite_hash(&code),
            invite_hash(&code.to_lowercase().replace('-', " "))
        );
        assert_ne!(invite_hash(&code), invite_hash(&new_invite_code()));
    }
}
