//! The contest's tables.

use super::flags::KeptFlag;
use super::rules::{Lockout, Settings, StandingsUse, Window};
use super::scoring;
use super::spec::{Category, FlagKind};
use crate::calls::queries::EditionRow;
use crate::db::{Db, DbResult, Tx};
use crate::domain::types::{UnknownValue, Zone};
use crate::{run, run_tx, run_write};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContestRow {
    pub id: i64,
    pub edition_id: i64,
    pub track_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub freeze_at: Option<i64>,
    #[sqlx(try_from = "String")]
    pub mode: scoring::Mode,
    pub first_blood_bonus: i64,
    pub board_public: bool,
    pub team_size_max: i64,
    pub attempts_per_minute: i64,
    pub flag_prefix: String,
    pub revealed_at: Option<i64>,
    #[sqlx(try_from = "String")]
    pub standings_use: StandingsUse,
    pub version: i64,
}

impl ContestRow {
    pub fn window(&self) -> Window {
        Window {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            freeze_at: self.freeze_at,
        }
    }

    pub fn rules(&self) -> scoring::Rules {
        scoring::Rules {
            mode: self.mode,
            first_blood_bonus: self.first_blood_bonus,
        }
    }
}

impl TryFrom<String> for StandingsUse {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<Self, UnknownValue> {
        StandingsUse::parse(&name).ok_or(UnknownValue(name))
    }
}

impl TryFrom<String> for scoring::Mode {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<Self, UnknownValue> {
        scoring::Mode::parse(&name).ok_or(UnknownValue(name))
    }
}

const CONTEST: &str = "SELECT id, edition_id, track_id, starts_at, ends_at, freeze_at, mode, \
    first_blood_bonus, board_public, team_size_max, attempts_per_minute, flag_prefix, \
    revealed_at, standings_use, version FROM ctf_contests";

pub async fn contest(db: &Db, edition_id: i64) -> DbResult<Option<ContestRow>> {
    let sql = format!("{CONTEST} WHERE edition_id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, ContestRow>(&sql)
        .bind(edition_id)
        .fetch_optional(pool)
        .await)?)
}

/// The edition `slug`, its contest and the team `account_id` plays in, if any, read at once:
/// every contestant's request starts with them (a flag submission above all).
pub async fn contestant(
    db: &Db,
    slug: &str,
    account_id: i64,
) -> DbResult<Option<(EditionRow, ContestRow, Option<TeamRow>)>> {
    /// The contest's columns under their own names, the edition's beside them (its id is
    /// the contest's `edition_id`), the team's prefixed.
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        contest: ContestRow,
        slug: String,
        year: i64,
        ref_prefix: String,
        theme_fr: String,
        theme_en: String,
        venue: String,
        starts_on: String,
        ends_on: String,
        #[sqlx(try_from = "String")]
        timezone: Zone,
        call_title_fr: String,
        call_title_en: String,
        event_name_fr: String,
        event_name_en: String,
        team_id: Option<i64>,
        team_public_id: Option<String>,
        team_name: Option<String>,
        team_members: Option<i64>,
    }
    let sql = "SELECT c.id, c.edition_id, c.track_id, c.starts_at, c.ends_at, c.freeze_at, \
               c.mode, c.first_blood_bonus, c.board_public, c.team_size_max, \
               c.attempts_per_minute, c.flag_prefix, c.revealed_at, c.standings_use, c.version, \
               e.slug, e.year, e.ref_prefix, e.theme_fr, e.theme_en, e.venue, e.starts_on, \
               e.ends_on, e.timezone, e.call_title_fr, e.call_title_en, \
               ev.name_fr AS event_name_fr, ev.name_en AS event_name_en, \
               t.id AS team_id, t.public_id AS team_public_id, t.name AS team_name, \
               t.members AS team_members \
               FROM editions e JOIN events ev ON ev.id = e.event_id \
               JOIN ctf_contests c ON c.edition_id = e.id \
               LEFT JOIN ctf_members me ON me.contest_id = c.id AND me.account_id = $2 \
               LEFT JOIN ctf_teams t ON t.id = me.team_id \
               WHERE e.slug = $1";
    let row = run!(db, |pool| sqlx::query_as::<_, Row>(sql)
        .bind(slug)
        .bind(account_id)
        .fetch_optional(pool)
        .await)?;
    Ok(row.map(|r| {
        let team = match (r.team_id, r.team_public_id, r.team_name, r.team_members) {
            (Some(id), Some(public_id), Some(name), Some(members)) => Some(TeamRow {
                id,
                public_id,
                name,
                members,
            }),
            _ => None,
        };
        let edition = EditionRow {
            id: r.contest.edition_id,
            slug: r.slug,
            year: r.year,
            ref_prefix: r.ref_prefix,
            theme_fr: r.theme_fr,
            theme_en: r.theme_en,
            venue: r.venue,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            timezone: r.timezone,
            call_title_fr: r.call_title_fr,
            call_title_en: r.call_title_en,
            event_name_fr: r.event_name_fr,
            event_name_en: r.event_name_en,
        };
        (edition, r.contest, team)
    }))
}

/// Creates the edition's contest or changes its settings.
pub async fn save_contest(
    tx: &mut Tx,
    edition_id: i64,
    track_id: i64,
    s: &Settings,
    now: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO ctf_contests (edition_id, track_id, starts_at, ends_at, freeze_at, \
               mode, first_blood_bonus, board_public, team_size_max, attempts_per_minute, \
               flag_prefix, standings_use, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
               ON CONFLICT (edition_id) DO UPDATE SET track_id = excluded.track_id, \
               starts_at = excluded.starts_at, ends_at = excluded.ends_at, \
               freeze_at = excluded.freeze_at, mode = excluded.mode, \
               first_blood_bonus = excluded.first_blood_bonus, \
               board_public = excluded.board_public, team_size_max = excluded.team_size_max, \
               attempts_per_minute = excluded.attempts_per_minute, \
               flag_prefix = excluded.flag_prefix, standings_use = excluded.standings_use, \
               updated_at = excluded.updated_at, \
               version = ctf_contests.version + 1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(edition_id)
        .bind(track_id)
        .bind(s.window.starts_at)
        .bind(s.window.ends_at)
        .bind(s.window.freeze_at)
        .bind(s.mode.as_str())
        .bind(s.first_blood_bonus)
        .bind(s.board_public)
        .bind(s.team_size_max)
        .bind(s.attempts_per_minute)
        .bind(&s.flag_prefix)
        .bind(s.standings_use.as_str())
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The board changed: its live listeners refetch.
pub async fn bump_version(tx: &mut Tx, contest_id: i64) -> DbResult<i64> {
    let sql = "UPDATE ctf_contests SET version = version + 1 WHERE id = $1 RETURNING version";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(contest_id)
        .fetch_one(conn)
        .await)?)
}

pub async fn version(db: &Db, contest_id: i64) -> DbResult<i64> {
    let sql = "SELECT version FROM ctf_contests WHERE id = $1";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(contest_id)
        .fetch_one(pool)
        .await)?)
}

/// Makes the final standings public; `false` if they already were.
pub async fn reveal(tx: &mut Tx, contest_id: i64, now: i64) -> DbResult<bool> {
    let sql = "UPDATE ctf_contests SET revealed_at = $2, version = version + 1 \
               WHERE id = $1 AND revealed_at IS NULL";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(contest_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The application through which `account_id` may play: eligible in the contest's track.
pub async fn entry_application(db: &Db, track_id: i64, account_id: i64) -> DbResult<Option<i64>> {
    let sql = "SELECT id FROM applications WHERE track_id = $1 AND applicant_id = $2 \
               AND status = 'eligible' ORDER BY id LIMIT 1";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(track_id)
        .bind(account_id)
        .fetch_optional(pool)
        .await)?)
}

/// (account, application) of everyone who may play: the track's eligible applicants.
pub async fn entries(db: &Db, track_id: i64) -> DbResult<Vec<(i64, i64)>> {
    let sql = "SELECT applicant_id, id FROM applications WHERE track_id = $1 \
               AND status = 'eligible' ORDER BY id";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(track_id)
        .fetch_all(pool)
        .await)?)
}

// ---- Teams ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeamRow {
    pub id: i64,
    pub public_id: String,
    pub name: String,
    pub members: i64,
}

const TEAM: &str = "SELECT t.id, t.public_id, t.name, t.members FROM ctf_teams t";

/// The women-led teams of the contest, as the calls count it: at least half of the members
/// are women (their applications say so), for the special prize.
pub async fn women_led_teams(db: &Db, contest_id: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT m.team_id FROM ctf_members m JOIN applications a ON a.id = m.application_id \
               WHERE m.contest_id = $1 GROUP BY m.team_id \
               HAVING 2 * SUM(CASE WHEN a.women_led THEN 1 ELSE 0 END) >= COUNT(*)";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(contest_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn teams(db: &Db, contest_id: i64) -> DbResult<Vec<TeamRow>> {
    let sql = format!("{TEAM} WHERE t.contest_id = $1 AND t.members > 0 ORDER BY t.id");
    Ok(run!(db, |pool| sqlx::query_as::<_, TeamRow>(&sql)
        .bind(contest_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn team_of(db: &Db, contest_id: i64, account_id: i64) -> DbResult<Option<TeamRow>> {
    let sql = format!(
        "{TEAM} JOIN ctf_members me ON me.team_id = t.id \
         WHERE me.contest_id = $1 AND me.account_id = $2"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, TeamRow>(&sql)
        .bind(contest_id)
        .bind(account_id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn team_by_public_id(
    db: &Db,
    contest_id: i64,
    public_id: &str,
) -> DbResult<Option<TeamRow>> {
    let sql = format!("{TEAM} WHERE t.contest_id = $1 AND t.public_id = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, TeamRow>(&sql)
        .bind(contest_id)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// The team a reusable invite code opens.
pub async fn team_by_invite(
    tx: &mut Tx,
    contest_id: i64,
    code_hash: &str,
) -> DbResult<Option<i64>> {
    let sql = "SELECT id FROM ctf_teams WHERE contest_id = $1 AND invite_hash = $2";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(contest_id)
        .bind(code_hash)
        .fetch_optional(conn)
        .await)?)
}

/// Uses a single-use code: its team, or `None` when unknown or already used.
pub async fn use_single_code(
    tx: &mut Tx,
    contest_id: i64,
    code_hash: &str,
    account_id: i64,
    now: i64,
) -> DbResult<Option<i64>> {
    let sql = "UPDATE ctf_invites SET used_by = $3, used_at = $4 WHERE code_hash = $2 \
               AND used_by IS NULL AND team_id IN (SELECT id FROM ctf_teams WHERE contest_id = $1) \
               RETURNING team_id";
    Ok(run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(contest_id)
        .bind(code_hash)
        .bind(account_id)
        .bind(now)
        .fetch_optional(conn)
        .await)?)
}

pub async fn insert_single_code(
    tx: &mut Tx,
    team_id: i64,
    code_hash: &str,
    now: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO ctf_invites (team_id, code_hash, created_at) VALUES ($1, $2, $3)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(team_id)
        .bind(code_hash)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// A new team, still without members; `None` when the name is taken.
pub async fn insert_team(
    tx: &mut Tx,
    contest_id: i64,
    name: &str,
    invite_hash: &str,
    now: i64,
) -> DbResult<Option<(i64, String)>> {
    let public_id = crate::crypto::random_public_id();
    let sql = "INSERT INTO ctf_teams (public_id, contest_id, name, invite_hash, created_at) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id";
    let id: Option<i64> = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(&public_id)
        .bind(contest_id)
        .bind(name)
        .bind(invite_hash)
        .bind(now)
        .fetch_optional(conn)
        .await)?;
    Ok(id.map(|id| (id, public_id)))
}

pub async fn renew_invite(tx: &mut Tx, team_id: i64, invite_hash: &str) -> DbResult<()> {
    let sql = "UPDATE ctf_teams SET invite_hash = $2 WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(team_id)
        .bind(invite_hash)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Takes a place in the team, if one is left: one conditional update, so that two people
/// joining at once cannot both take the last place.
pub async fn take_place(tx: &mut Tx, team_id: i64, size_max: i64) -> DbResult<bool> {
    let sql = "UPDATE ctf_teams SET members = members + 1 WHERE id = $1 AND members < $2";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(team_id)
        .bind(size_max)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Adds the member; `false` when they already are in a team of the contest.
pub async fn insert_member(
    tx: &mut Tx,
    contest_id: i64,
    team_id: i64,
    account_id: i64,
    application_id: i64,
    now: i64,
) -> DbResult<bool> {
    let sql = "INSERT INTO ctf_members (contest_id, team_id, account_id, application_id, \
               joined_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(contest_id)
        .bind(team_id)
        .bind(account_id)
        .bind(application_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Removes the member from their team (the team's place is freed).
pub async fn remove_member(tx: &mut Tx, team_id: i64, account_id: i64) -> DbResult<bool> {
    let sql = "DELETE FROM ctf_members WHERE team_id = $1 AND account_id = $2";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(team_id)
        .bind(account_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 1 {
        let sql = "UPDATE ctf_teams SET members = members - 1 WHERE id = $1";
        run_tx!(tx, |conn| sqlx::query(sql)
            .bind(team_id)
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    Ok(n == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub account_id: i64,
    pub display_name: String,
    pub joined_at: i64,
}

pub async fn members(db: &Db, team_id: i64) -> DbResult<Vec<MemberRow>> {
    let sql = "SELECT m.account_id, u.display_name, m.joined_at FROM ctf_members m \
               JOIN users u ON u.id = m.account_id WHERE m.team_id = $1 ORDER BY m.joined_at, m.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, MemberRow>(sql)
        .bind(team_id)
        .fetch_all(pool)
        .await)?)
}

// ---- Challenges ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChallengeRow {
    pub id: i64,
    pub public_id: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub author: String,
    pub description: String,
    pub connection_info: String,
    pub initial_value: i64,
    pub minimum_value: i64,
    pub decay: i64,
    #[sqlx(try_from = "String")]
    pub decay_function: scoring::Decay,
    pub requires_id: Option<i64>,
    pub visible: bool,
    pub visible_from: Option<i64>,
    pub visible_until: Option<i64>,
    pub per_team_flag: bool,
    pub position: i64,
}

impl TryFrom<String> for Category {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<Self, UnknownValue> {
        Category::parse(&name)
            .ok()
            .filter(|c| c.as_str() == name)
            .ok_or(UnknownValue(name))
    }
}

impl TryFrom<String> for scoring::Decay {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<Self, UnknownValue> {
        scoring::Decay::parse(&name).ok_or(UnknownValue(name))
    }
}

impl ChallengeRow {
    /// Its value rule; a stored rule that no longer holds is a corrupt row.
    pub fn rule(&self) -> Result<scoring::ValueRule, UnknownValue> {
        scoring::ValueRule::new(
            self.initial_value,
            self.minimum_value,
            self.decay,
            self.decay_function,
        )
        .map_err(|_| UnknownValue(format!("value rule of challenge {}", self.id)))
    }

    /// Shown to contestants at `now` (prerequisites apart).
    pub fn open_at(&self, now: i64) -> bool {
        self.visible
            && self.visible_from.is_none_or(|t| now >= t)
            && self.visible_until.is_none_or(|t| now < t)
    }
}

const CHALLENGE: &str = "SELECT id, public_id, name, category, author, description, \
    connection_info, initial_value, minimum_value, decay, decay_function, requires_id, visible, \
    visible_from, visible_until, per_team_flag, position FROM ctf_challenges";

pub async fn challenges(db: &Db, contest_id: i64) -> DbResult<Vec<ChallengeRow>> {
    let sql = format!("{CHALLENGE} WHERE contest_id = $1 ORDER BY position, id");
    Ok(run!(db, |pool| sqlx::query_as::<_, ChallengeRow>(&sql)
        .bind(contest_id)
        .fetch_all(pool)
        .await)?)
}

/// A challenge as one team meets it, with its flags, read at once on the submission path.
pub struct TeamChallenge {
    pub challenge: ChallengeRow,
    /// No prerequisite, or the team solved it.
    pub unlocked: bool,
    pub solved: bool,
    pub flags: Vec<KeptFlag>,
}

#[derive(sqlx::FromRow)]
struct TeamChallengeRow {
    #[sqlx(flatten)]
    challenge: ChallengeRow,
    unlocked: bool,
    solved: bool,
    flag_kind: Option<String>,
    flag_digest: Option<String>,
    flag_pattern: Option<String>,
}

/// The challenge `public_id` of the contest as `team_id` meets it: one row per flag.
pub async fn team_challenge(
    db: &Db,
    contest_id: i64,
    team_id: i64,
    public_id: &str,
) -> DbResult<Option<TeamChallenge>> {
    let sql = "SELECT c.id, c.public_id, c.name, c.category, c.author, c.description, \
               c.connection_info, c.initial_value, c.minimum_value, c.decay, c.decay_function, \
               c.requires_id, c.visible, c.visible_from, c.visible_until, c.per_team_flag, \
               c.position, \
               (c.requires_id IS NULL OR EXISTS (SELECT 1 FROM ctf_solves p \
                   WHERE p.team_id = $2 AND p.challenge_id = c.requires_id)) AS unlocked, \
               EXISTS (SELECT 1 FROM ctf_solves s WHERE s.team_id = $2 AND s.challenge_id = c.id) \
                   AS solved, \
               f.kind AS flag_kind, f.digest AS flag_digest, f.pattern AS flag_pattern \
               FROM ctf_challenges c LEFT JOIN ctf_flags f ON f.challenge_id = c.id \
               WHERE c.contest_id = $1 AND c.public_id = $3 ORDER BY f.id";
    let rows = run!(db, |pool| sqlx::query_as::<_, TeamChallengeRow>(sql)
        .bind(contest_id)
        .bind(team_id)
        .bind(public_id)
        .fetch_all(pool)
        .await)?;
    let mut flags = Vec::with_capacity(rows.len());
    let mut found = None;
    for row in rows {
        if let (Some(kind), Some(digest), Some(pattern)) =
            (row.flag_kind, row.flag_digest, row.flag_pattern)
        {
            flags.push(kept_flag(kind, digest, pattern)?);
        }
        found.get_or_insert((row.challenge, row.unlocked, row.solved));
    }
    Ok(found.map(|(challenge, unlocked, solved)| TeamChallenge {
        challenge,
        unlocked,
        solved,
        flags,
    }))
}

pub async fn challenge(
    db: &Db,
    contest_id: i64,
    public_id: &str,
) -> DbResult<Option<ChallengeRow>> {
    let sql = format!("{CHALLENGE} WHERE contest_id = $1 AND public_id = $2");
    Ok(run!(db, |pool| sqlx::query_as::<_, ChallengeRow>(&sql)
        .bind(contest_id)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

/// A challenge as organisers save it.
#[derive(Debug, Clone)]
pub struct ChallengeFields {
    pub name: String,
    pub category: Category,
    pub author: String,
    pub description: String,
    pub connection_info: String,
    pub rule: scoring::ValueRule,
    pub requires_id: Option<i64>,
    pub visible: bool,
    pub visible_from: Option<i64>,
    pub visible_until: Option<i64>,
    pub per_team_flag: bool,
}

/// A new challenge, last in order; `None` when the contest has one of that name.
pub async fn insert_challenge(
    tx: &mut Tx,
    contest_id: i64,
    c: &ChallengeFields,
    now: i64,
) -> DbResult<Option<(i64, String)>> {
    let public_id = crate::crypto::random_public_id();
    let sql = "INSERT INTO ctf_challenges (public_id, contest_id, name, category, author, \
               description, connection_info, initial_value, minimum_value, decay, decay_function, \
               requires_id, visible, visible_from, visible_until, per_team_flag, position, \
               created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
               $13, $14, $15, $16, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM ctf_challenges WHERE contest_id = $2), \
               $17, $17) ON CONFLICT DO NOTHING RETURNING id";
    let id: Option<i64> = run_tx!(tx, |conn| sqlx::query_scalar(sql)
        .bind(&public_id)
        .bind(contest_id)
        .bind(&c.name)
        .bind(c.category.as_str())
        .bind(&c.author)
        .bind(&c.description)
        .bind(&c.connection_info)
        .bind(c.rule.initial())
        .bind(c.rule.minimum())
        .bind(c.rule.decay())
        .bind(c.rule.function().as_str())
        .bind(c.requires_id)
        .bind(c.visible)
        .bind(c.visible_from)
        .bind(c.visible_until)
        .bind(c.per_team_flag)
        .bind(now)
        .fetch_optional(conn)
        .await)?;
    Ok(id.map(|id| (id, public_id)))
}

/// Saves a challenge's fields; `false` when the new name is another challenge's.
pub async fn update_challenge(
    tx: &mut Tx,
    challenge_id: i64,
    c: &ChallengeFields,
    now: i64,
) -> DbResult<bool> {
    let taken = "SELECT COUNT(*) FROM ctf_challenges WHERE name = $2 AND id <> $1 \
                 AND contest_id = (SELECT contest_id FROM ctf_challenges WHERE id = $1)";
    let n: i64 = run_tx!(tx, |conn| sqlx::query_scalar(taken)
        .bind(challenge_id)
        .bind(&c.name)
        .fetch_one(conn)
        .await)?;
    if n > 0 {
        return Ok(false);
    }
    let sql = "UPDATE ctf_challenges SET name = $2, category = $3, author = $4, description = $5, \
               connection_info = $6, initial_value = $7, minimum_value = $8, decay = $9, \
               decay_function = $10, requires_id = $11, visible = $12, visible_from = $13, \
               visible_until = $14, per_team_flag = $15, updated_at = $16 WHERE id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(challenge_id)
        .bind(&c.name)
        .bind(c.category.as_str())
        .bind(&c.author)
        .bind(&c.description)
        .bind(&c.connection_info)
        .bind(c.rule.initial())
        .bind(c.rule.minimum())
        .bind(c.rule.decay())
        .bind(c.rule.function().as_str())
        .bind(c.requires_id)
        .bind(c.visible)
        .bind(c.visible_from)
        .bind(c.visible_until)
        .bind(c.per_team_flag)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(true)
}

// ---- Flags, hints, files ----

#[derive(Debug, Clone, sqlx::FromRow)]
struct FlagRow {
    kind: String,
    digest: String,
    pattern: String,
}

/// The challenge's flags as kept; a kind the code does not know is a corrupt row.
pub async fn flags(db: &Db, challenge_id: i64) -> DbResult<Vec<KeptFlag>> {
    let sql = "SELECT kind, digest, pattern FROM ctf_flags WHERE challenge_id = $1 ORDER BY id";
    let rows = run!(db, |pool| sqlx::query_as::<_, FlagRow>(sql)
        .bind(challenge_id)
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|r| kept_flag(r.kind, r.digest, r.pattern))
        .collect()
}

fn kept_flag(kind: String, digest: String, pattern: String) -> DbResult<KeptFlag> {
    let kind = FlagKind::parse(&kind)
        .ok_or_else(|| crate::db::DbError::Corrupt(format!("flag kind {kind}")))?;
    Ok(KeptFlag {
        kind,
        digest,
        pattern,
    })
}

pub async fn insert_flag(tx: &mut Tx, challenge_id: i64, f: &KeptFlag) -> DbResult<()> {
    let sql = "INSERT INTO ctf_flags (challenge_id, kind, digest, pattern) VALUES ($1, $2, $3, $4)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(challenge_id)
        .bind(f.kind.as_str())
        .bind(&f.digest)
        .bind(&f.pattern)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn delete_flags(tx: &mut Tx, challenge_id: i64) -> DbResult<()> {
    let sql = "DELETE FROM ctf_flags WHERE challenge_id = $1";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(challenge_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HintRow {
    pub id: i64,
    pub challenge_id: i64,
    pub position: i64,
    pub content: String,
    pub cost: i64,
}

pub async fn hints(db: &Db, challenge_id: i64) -> DbResult<Vec<HintRow>> {
    let sql = "SELECT id, challenge_id, position, content, cost FROM ctf_hints \
               WHERE challenge_id = $1 ORDER BY position, id";
    Ok(run!(db, |pool| sqlx::query_as::<_, HintRow>(sql)
        .bind(challenge_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn insert_hint(tx: &mut Tx, challenge_id: i64, content: &str, cost: i64) -> DbResult<()> {
    let sql = "INSERT INTO ctf_hints (challenge_id, position, content, cost) VALUES ($1, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM ctf_hints WHERE challenge_id = $1), $2, $3)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(challenge_id)
        .bind(content)
        .bind(cost)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The hints `team_id` unlocked, by hint id.
/// The challenge's hints, each with whether `team_id` unlocked it.
pub async fn hints_for_team(
    db: &Db,
    challenge_id: i64,
    team_id: i64,
) -> DbResult<Vec<(HintRow, bool)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        hint: HintRow,
        unlocked: bool,
    }
    let sql = "SELECT h.id, h.challenge_id, h.position, h.content, h.cost, \
               EXISTS (SELECT 1 FROM ctf_hint_unlocks u WHERE u.hint_id = h.id AND u.team_id = $2) \
                   AS unlocked \
               FROM ctf_hints h WHERE h.challenge_id = $1 ORDER BY h.position, h.id";
    let rows = run!(db, |pool| sqlx::query_as::<_, Row>(sql)
        .bind(challenge_id)
        .bind(team_id)
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().map(|r| (r.hint, r.unlocked)).collect())
}

/// Unlocks a hint for the team; `false` when it already was.
pub async fn unlock_hint(
    tx: &mut Tx,
    contest_id: i64,
    hint: &HintRow,
    team_id: i64,
    account_id: i64,
    now: i64,
) -> DbResult<bool> {
    let sql = "INSERT INTO ctf_hint_unlocks (contest_id, hint_id, team_id, account_id, cost, at) \
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(contest_id)
        .bind(hint.id)
        .bind(team_id)
        .bind(account_id)
        .bind(hint.cost)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRow {
    pub id: i64,
    pub public_id: String,
    pub challenge_id: i64,
    pub name: String,
    pub object_key: String,
    pub size_bytes: i64,
    pub downloads: i64,
}

const FILE: &str =
    "SELECT id, public_id, challenge_id, name, object_key, size_bytes, downloads FROM ctf_files";

pub async fn files(db: &Db, challenge_id: i64) -> DbResult<Vec<FileRow>> {
    let sql = format!("{FILE} WHERE challenge_id = $1 ORDER BY name, id");
    Ok(run!(db, |pool| sqlx::query_as::<_, FileRow>(&sql)
        .bind(challenge_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn file(db: &Db, public_id: &str) -> DbResult<Option<FileRow>> {
    let sql = format!("{FILE} WHERE public_id = $1");
    Ok(run!(db, |pool| sqlx::query_as::<_, FileRow>(&sql)
        .bind(public_id)
        .fetch_optional(pool)
        .await)?)
}

pub async fn insert_file(
    tx: &mut Tx,
    challenge_id: i64,
    name: &str,
    object_key: &str,
    size_bytes: i64,
    now: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO ctf_files (public_id, challenge_id, name, object_key, size_bytes, \
               created_at) VALUES ($1, $2, $3, $4, $5, $6)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(crate::crypto::random_public_id())
        .bind(challenge_id)
        .bind(name)
        .bind(object_key)
        .bind(size_bytes)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn count_download(db: &Db, file_id: i64) -> DbResult<()> {
    let sql = "UPDATE ctf_files SET downloads = downloads + 1 WHERE id = $1";
    run_write!(db, |conn| sqlx::query(sql)
        .bind(file_id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

// ---- Attempts, solves, the board ----

/// Whose submissions are counted for the lock-out.
#[derive(Debug, Clone, Copy)]
pub enum Submitter {
    Team(i64),
    Account(i64),
}

/// Submissions of a team, or of an account, since `since` (each on its own index).
pub async fn attempts_since(db: &Db, who: Submitter, since: i64) -> DbResult<i64> {
    let (sql, id) = match who {
        Submitter::Team(id) => (
            "SELECT COUNT(*) FROM ctf_attempts WHERE team_id = $1 AND at >= $2",
            id,
        ),
        Submitter::Account(id) => (
            "SELECT COUNT(*) FROM ctf_attempts WHERE account_id = $1 AND at >= $2",
            id,
        ),
    };
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(id)
        .bind(since)
        .fetch_one(pool)
        .await)?)
}

pub async fn lockout(db: &Db, contest_id: i64, subject: &str) -> DbResult<Option<Lockout>> {
    let sql = "SELECT strikes, until_at FROM ctf_lockouts WHERE contest_id = $1 AND subject = $2";
    let row: Option<(i64, i64)> = run!(db, |pool| sqlx::query_as(sql)
        .bind(contest_id)
        .bind(subject)
        .fetch_optional(pool)
        .await)?;
    Ok(row.map(|(strikes, until)| Lockout { strikes, until }))
}

pub async fn set_lockout(tx: &mut Tx, contest_id: i64, subject: &str, l: Lockout) -> DbResult<()> {
    let sql = "INSERT INTO ctf_lockouts (contest_id, subject, strikes, until_at) \
               VALUES ($1, $2, $3, $4) ON CONFLICT (contest_id, subject) \
               DO UPDATE SET strikes = excluded.strikes, until_at = excluded.until_at";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(contest_id)
        .bind(subject)
        .bind(l.strikes)
        .bind(l.until)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// One submission as recorded.
pub struct NewAttempt<'a> {
    pub contest_id: i64,
    pub challenge_id: i64,
    pub team_id: i64,
    pub account_id: i64,
    pub at: i64,
    pub outcome: &'a str,
    pub digest: &'a str,
    pub flag_of_team: Option<i64>,
}

const INSERT_ATTEMPT: &str = "INSERT INTO ctf_attempts (contest_id, challenge_id, team_id, \
    account_id, at, outcome, digest, flag_of_team) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

fn bind_attempt<'q, DB: sqlx::Database>(
    query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    a: &NewAttempt<'q>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(a.contest_id)
        .bind(a.challenge_id)
        .bind(a.team_id)
        .bind(a.account_id)
        .bind(a.at)
        .bind(a.outcome)
        .bind(a.digest)
        .bind(a.flag_of_team)
}

pub async fn insert_attempt(tx: &mut Tx, a: &NewAttempt<'_>) -> DbResult<()> {
    run_tx!(tx, |conn| bind_attempt(sqlx::query(INSERT_ATTEMPT), a)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The same row written on its own (no transaction around it).
pub async fn log_attempt(db: &Db, a: &NewAttempt<'_>) -> DbResult<()> {
    run_write!(db, |conn| bind_attempt(sqlx::query(INSERT_ATTEMPT), a)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// How many submissions the contest recorded.
pub async fn attempt_count(db: &Db, contest_id: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM ctf_attempts WHERE contest_id = $1";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(contest_id)
        .fetch_one(pool)
        .await)?)
}

/// Records the team's solve; `false` when it had already solved the challenge (two members
/// submitting at once: one solve).
pub async fn insert_solve(
    tx: &mut Tx,
    contest_id: i64,
    challenge_id: i64,
    team_id: i64,
    account_id: i64,
    at: i64,
) -> DbResult<bool> {
    let sql = "INSERT INTO ctf_solves (contest_id, challenge_id, team_id, account_id, at) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
    let n = run_tx!(tx, |conn| sqlx::query(sql)
        .bind(contest_id)
        .bind(challenge_id)
        .bind(team_id)
        .bind(account_id)
        .bind(at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The challenges `team_id` solved.
pub async fn solved_by(db: &Db, team_id: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT challenge_id FROM ctf_solves WHERE team_id = $1";
    Ok(run!(db, |pool| sqlx::query_scalar(sql)
        .bind(team_id)
        .fetch_all(pool)
        .await)?)
}

/// Everything the board is computed from.
pub struct BoardData {
    pub solves: Vec<scoring::Solve>,
    pub unlocks: Vec<scoring::HintUnlock>,
    pub adjustments: Vec<scoring::Adjustment>,
}

pub async fn board_data(db: &Db, contest_id: i64) -> DbResult<BoardData> {
    let solves: Vec<(i64, i64, i64, i64)> = run!(db, |pool| sqlx::query_as(
        "SELECT id, challenge_id, team_id, at FROM ctf_solves WHERE contest_id = $1"
    )
    .bind(contest_id)
    .fetch_all(pool)
    .await)?;
    let unlocks: Vec<(i64, i64, i64)> = run!(db, |pool| sqlx::query_as(
        "SELECT team_id, cost, at FROM ctf_hint_unlocks WHERE contest_id = $1"
    )
    .bind(contest_id)
    .fetch_all(pool)
    .await)?;
    let adjustments: Vec<(i64, i64, i64)> = run!(db, |pool| sqlx::query_as(
        "SELECT team_id, points, at FROM ctf_adjustments WHERE contest_id = $1"
    )
    .bind(contest_id)
    .fetch_all(pool)
    .await)?;
    Ok(BoardData {
        solves: solves
            .into_iter()
            .map(|(id, challenge, team, at)| scoring::Solve {
                id,
                challenge,
                team,
                at,
            })
            .collect(),
        unlocks: unlocks
            .into_iter()
            .map(|(team, cost, at)| scoring::HintUnlock { team, cost, at })
            .collect(),
        adjustments: adjustments
            .into_iter()
            .map(|(team, points, at)| scoring::Adjustment { team, points, at })
            .collect(),
    })
}

/// The solves of one challenge.
pub async fn solves_of(db: &Db, challenge_id: i64) -> DbResult<Vec<scoring::Solve>> {
    let sql = "SELECT id, challenge_id, team_id, at FROM ctf_solves WHERE challenge_id = $1";
    let rows: Vec<(i64, i64, i64, i64)> = run!(db, |pool| sqlx::query_as(sql)
        .bind(challenge_id)
        .fetch_all(pool)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, challenge, team, at)| scoring::Solve {
            id,
            challenge,
            team,
            at,
        })
        .collect())
}

pub async fn insert_adjustment(
    tx: &mut Tx,
    contest_id: i64,
    team_id: i64,
    points: i64,
    reason: &str,
    by_id: i64,
    at: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO ctf_adjustments (contest_id, team_id, points, reason, by_id, at) \
               VALUES ($1, $2, $3, $4, $5, $6)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(contest_id)
        .bind(team_id)
        .bind(points)
        .bind(reason)
        .bind(by_id)
        .bind(at)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

// ---- The organisers' monitor ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptLine {
    pub at: i64,
    pub team: String,
    pub account: String,
    pub challenge: String,
    pub outcome: String,
    /// The team whose per-team flag this was, when another team's.
    pub flag_of: Option<String>,
}

/// The contest's latest submissions, newest first.
pub async fn recent_attempts(db: &Db, contest_id: i64, limit: i64) -> DbResult<Vec<AttemptLine>> {
    let sql = "SELECT a.at, t.name AS team, u.display_name AS account, c.name AS challenge, \
               a.outcome, o.name AS flag_of FROM ctf_attempts a \
               JOIN ctf_teams t ON t.id = a.team_id JOIN users u ON u.id = a.account_id \
               JOIN ctf_challenges c ON c.id = a.challenge_id \
               LEFT JOIN ctf_teams o ON o.id = a.flag_of_team \
               WHERE a.contest_id = $1 ORDER BY a.id DESC LIMIT $2";
    Ok(run!(db, |pool| sqlx::query_as::<_, AttemptLine>(sql)
        .bind(contest_id)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// Submissions of another team's per-team flag: who shared it shows.
pub async fn shared_team_flags(db: &Db, contest_id: i64) -> DbResult<Vec<AttemptLine>> {
    let sql = "SELECT a.at, t.name AS team, u.display_name AS account, c.name AS challenge, \
               a.outcome, o.name AS flag_of FROM ctf_attempts a \
               JOIN ctf_teams t ON t.id = a.team_id JOIN users u ON u.id = a.account_id \
               JOIN ctf_challenges c ON c.id = a.challenge_id \
               JOIN ctf_teams o ON o.id = a.flag_of_team \
               WHERE a.contest_id = $1 ORDER BY a.id DESC";
    Ok(run!(db, |pool| sqlx::query_as::<_, AttemptLine>(sql)
        .bind(contest_id)
        .fetch_all(pool)
        .await)?)
}

/// One wrong text typed by several teams for the same challenge (a leaked fake flag, or
/// teams working together): the challenge, how many teams, how many attempts, the first and
/// last instants. The text itself is not kept: only its keyed hash is compared.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SharedWrongFlag {
    pub challenge: String,
    pub teams: i64,
    pub attempts: i64,
    pub first_at: i64,
    pub last_at: i64,
}

pub async fn shared_wrong_flags(db: &Db, contest_id: i64) -> DbResult<Vec<SharedWrongFlag>> {
    let sql = "SELECT c.name AS challenge, COUNT(DISTINCT a.team_id) AS teams, \
               COUNT(*) AS attempts, MIN(a.at) AS first_at, MAX(a.at) AS last_at \
               FROM ctf_attempts a JOIN ctf_challenges c ON c.id = a.challenge_id \
               WHERE a.contest_id = $1 AND a.outcome = 'wrong' \
               GROUP BY c.name, a.digest HAVING COUNT(DISTINCT a.team_id) > 1 \
               ORDER BY COUNT(DISTINCT a.team_id) DESC, MAX(a.at) DESC LIMIT 50";
    Ok(run!(db, |pool| sqlx::query_as::<_, SharedWrongFlag>(sql)
        .bind(contest_id)
        .fetch_all(pool)
        .await)?)
}

/// Teams and accounts locked out for submitting too fast (bursts), with their strikes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Burst {
    pub team: Option<String>,
    pub account: Option<String>,
    pub strikes: i64,
    pub until_at: i64,
}

pub async fn bursts(db: &Db, contest_id: i64) -> DbResult<Vec<Burst>> {
    let sql = "SELECT t.name AS team, u.display_name AS account, l.strikes, l.until_at \
               FROM ctf_lockouts l \
               LEFT JOIN ctf_teams t ON l.subject = 'team:' || CAST(t.id AS TEXT) \
               LEFT JOIN users u ON l.subject = 'account:' || CAST(u.id AS TEXT) \
               WHERE l.contest_id = $1 ORDER BY l.until_at DESC LIMIT 100";
    Ok(run!(db, |pool| sqlx::query_as::<_, Burst>(sql)
        .bind(contest_id)
        .fetch_all(pool)
        .await)?)
}

/// A contestant's application, as the selection names its laureates.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    pub team_id: i64,
    pub application_id: i64,
    pub reference: Option<String>,
    pub answers_json: String,
}

/// Every member's application, by team, oldest application first.
pub async fn entries_by_team(db: &Db, contest_id: i64) -> DbResult<Vec<EntryRow>> {
    let sql = "SELECT m.team_id, a.id AS application_id, a.reference, a.answers_json \
               FROM ctf_members m JOIN applications a ON a.id = m.application_id \
               WHERE m.contest_id = $1 ORDER BY m.team_id, a.id";
    Ok(run!(db, |pool| sqlx::query_as::<_, EntryRow>(sql)
        .bind(contest_id)
        .fetch_all(pool)
        .await)?)
}
