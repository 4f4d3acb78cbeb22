//! The audit log: append-only, hash-chained. Each entry's hash covers its content and the
//! previous entry's hash, so rewriting any row breaks every later link.

pub mod data;
pub mod page;

use crate::db::{Db, DbResult, Tx};
use crate::{run, run_tx};

/// Advisory lock key that serialises appends on PostgreSQL.
const AUDIT_LOCK: i64 = 0x4b45_4e45_0001;
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Every kind of audited change, by the name the log stores (`area.change`). Adding a
/// change means adding it here: the log's vocabulary is written once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    AccountDataExported,
    AccountDeleted,
    ApplicationRestoreSubmitted,
    ApplicationStatus,
    ApplicationSubmit,
    ApplicationWithdraw,
    CoachingAttendanceRecorded,
    CoachingInvitationWithdrawn,
    CoachingInvited,
    CoachingNoteSaved,
    CoachingSessionCancelled,
    CoachingSessionChanged,
    CoachingSessionCreated,
    CtfAdjustment,
    CtfChallengeImported,
    CtfChallengeSaved,
    CtfFileAdded,
    CtfRevealed,
    CtfSettingsSaved,
    CtfTeamCreated,
    CtfTeamFlagsExported,
    CtfTeamJoined,
    CtfTeamLeft,
    DirectoryImportApplied,
    DirectoryImportCancelled,
    DirectoryImportUploaded,
    DirectoryProfileEdited,
    DirectoryProfilePublished,
    DirectoryProfileRejected,
    DirectoryProfileSubmitted,
    DirectoryProfilesMerged,
    EditionCreate,
    EditionSmsStripAccents,
    FileViewIdDocument,
    IdentityDemo,
    IdentityLogo,
    IdentityLogoRemoved,
    IdentityReset,
    IdentityUpdate,
    JuryPitchStarted,
    JuryPitchTimed,
    JuryScheduleGenerated,
    JurySettingsChanged,
    JurySlotChanged,
    MeetingAccepted,
    MeetingCancelled,
    MeetingDeclined,
    MeetingRequested,
    MessageTemplateChanged,
    OpportunityInterest,
    OpportunityPosted,
    NetworkingProfileLeft,
    NetworkingProfileSaved,
    ProgrammeRoomAdded,
    ProgrammeSessionAdded,
    ProgrammeSessionChanged,
    ProgrammeSpeakerAdded,
    ProgrammeSpeakerPhoto,
    QuestionAnswered,
    QuestionApproved,
    QuestionHidden,
    QuestionMerged,
    QuestionPinned,
    QuestionUnpinned,
    QuestionsPremoderation,
    RegistrationCancelled,
    RegistrationCategoryChanged,
    RegistrationCreated,
    RegistrationDecided,
    RegistrationOpened,
    RegistrationPromoted,
    ResultsCorrected,
    ResultsPublished,
    ReviewAssigned,
    ReviewConflictDeclared,
    ReviewConflictSet,
    ReviewPanelMemberAdded,
    ReviewReassigned,
    ReviewRoundLocked,
    ReviewRoundOpened,
    ReviewRubricChanged,
    ReviewScoreReopened,
    ReviewScoreSubmitted,
    ReviewSettingsChanged,
    RoleGrant,
    ShortlistLocked,
    ShortlistOverrideIn,
    ShortlistOverrideOut,
    ShortlistProposed,
    ShortlistPublished,
    ShortlistSettingsChanged,
    StandAdded,
    StandAllocated,
    TrackUpdate,
    UploadPurged,
}

impl Action {
    pub const ALL: [Action; 95] = [
        Action::AccountDataExported,
        Action::AccountDeleted,
        Action::ApplicationRestoreSubmitted,
        Action::ApplicationStatus,
        Action::ApplicationSubmit,
        Action::ApplicationWithdraw,
        Action::CoachingAttendanceRecorded,
        Action::CoachingInvitationWithdrawn,
        Action::CoachingInvited,
        Action::CoachingNoteSaved,
        Action::CoachingSessionCancelled,
        Action::CoachingSessionChanged,
        Action::CoachingSessionCreated,
        Action::CtfAdjustment,
        Action::CtfChallengeImported,
        Action::CtfChallengeSaved,
        Action::CtfFileAdded,
        Action::CtfRevealed,
        Action::CtfSettingsSaved,
        Action::CtfTeamCreated,
        Action::CtfTeamFlagsExported,
        Action::CtfTeamJoined,
        Action::CtfTeamLeft,
        Action::DirectoryImportApplied,
        Action::DirectoryImportCancelled,
        Action::DirectoryImportUploaded,
        Action::DirectoryProfileEdited,
        Action::DirectoryProfilePublished,
        Action::DirectoryProfileRejected,
        Action::DirectoryProfileSubmitted,
        Action::DirectoryProfilesMerged,
        Action::EditionCreate,
        Action::EditionSmsStripAccents,
        Action::FileViewIdDocument,
        Action::IdentityDemo,
        Action::IdentityLogo,
        Action::IdentityLogoRemoved,
        Action::IdentityReset,
        Action::IdentityUpdate,
        Action::JuryPitchStarted,
        Action::JuryPitchTimed,
        Action::JuryScheduleGenerated,
        Action::JurySettingsChanged,
        Action::JurySlotChanged,
        Action::MeetingAccepted,
        Action::MeetingCancelled,
        Action::MeetingDeclined,
        Action::MeetingRequested,
        Action::MessageTemplateChanged,
        Action::OpportunityInterest,
        Action::OpportunityPosted,
        Action::NetworkingProfileLeft,
        Action::NetworkingProfileSaved,
        Action::ProgrammeRoomAdded,
        Action::ProgrammeSessionAdded,
        Action::ProgrammeSessionChanged,
        Action::ProgrammeSpeakerAdded,
        Action::ProgrammeSpeakerPhoto,
        Action::QuestionAnswered,
        Action::QuestionApproved,
        Action::QuestionHidden,
        Action::QuestionMerged,
        Action::QuestionPinned,
        Action::QuestionUnpinned,
        Action::QuestionsPremoderation,
        Action::RegistrationCancelled,
        Action::RegistrationCategoryChanged,
        Action::RegistrationCreated,
        Action::RegistrationDecided,
        Action::RegistrationOpened,
        Action::RegistrationPromoted,
        Action::ResultsCorrected,
        Action::ResultsPublished,
        Action::ReviewAssigned,
        Action::ReviewConflictDeclared,
        Action::ReviewConflictSet,
        Action::ReviewPanelMemberAdded,
        Action::ReviewReassigned,
        Action::ReviewRoundLocked,
        Action::ReviewRoundOpened,
        Action::ReviewRubricChanged,
        Action::ReviewScoreReopened,
        Action::ReviewScoreSubmitted,
        Action::ReviewSettingsChanged,
        Action::RoleGrant,
        Action::ShortlistLocked,
        Action::ShortlistOverrideIn,
        Action::ShortlistOverrideOut,
        Action::ShortlistProposed,
        Action::ShortlistPublished,
        Action::ShortlistSettingsChanged,
        Action::StandAdded,
        Action::StandAllocated,
        Action::TrackUpdate,
        Action::UploadPurged,
    ];

    /// The name stored in the log.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::CtfSettingsSaved => "ctf.settings_saved",
            Action::CtfTeamCreated => "ctf.team_created",
            Action::CtfTeamFlagsExported => "ctf.team_flags_exported",
            Action::CtfTeamJoined => "ctf.team_joined",
            Action::CtfTeamLeft => "ctf.team_left",
            Action::CtfChallengeSaved => "ctf.challenge_saved",
            Action::CtfChallengeImported => "ctf.challenge_imported",
            Action::CtfFileAdded => "ctf.file_added",
            Action::CtfAdjustment => "ctf.adjustment",
            Action::CtfRevealed => "ctf.revealed",
            Action::AccountDataExported => "account.data_exported",
            Action::AccountDeleted => "account.deleted",
            Action::ApplicationRestoreSubmitted => "application.restore_submitted",
            Action::ApplicationStatus => "application.status",
            Action::ApplicationSubmit => "application.submit",
            Action::ApplicationWithdraw => "application.withdraw",
            Action::CoachingAttendanceRecorded => "coaching.attendance_recorded",
            Action::CoachingInvitationWithdrawn => "coaching.invitation_withdrawn",
            Action::CoachingInvited => "coaching.invited",
            Action::CoachingNoteSaved => "coaching.note_saved",
            Action::CoachingSessionCancelled => "coaching.session_cancelled",
            Action::CoachingSessionChanged => "coaching.session_changed",
            Action::CoachingSessionCreated => "coaching.session_created",
            Action::DirectoryImportApplied => "directory.import_applied",
            Action::DirectoryImportCancelled => "directory.import_cancelled",
            Action::DirectoryImportUploaded => "directory.import_uploaded",
            Action::DirectoryProfileEdited => "directory.profile_edited",
            Action::DirectoryProfilePublished => "directory.profile_published",
            Action::DirectoryProfileRejected => "directory.profile_rejected",
            Action::DirectoryProfileSubmitted => "directory.profile_submitted",
            Action::DirectoryProfilesMerged => "directory.profiles_merged",
            Action::OpportunityInterest => "opportunity.interest",
            Action::OpportunityPosted => "opportunity.posted",
            Action::EditionCreate => "edition.create",
            Action::EditionSmsStripAccents => "edition.sms_strip_accents",
            Action::FileViewIdDocument => "file.view_id_document",
            Action::IdentityDemo => "identity.demo",
            Action::IdentityLogo => "identity.logo",
            Action::IdentityLogoRemoved => "identity.logo_removed",
            Action::IdentityReset => "identity.reset",
            Action::IdentityUpdate => "identity.update",
            Action::JuryPitchStarted => "jury.pitch_started",
            Action::JuryPitchTimed => "jury.pitch_timed",
            Action::JuryScheduleGenerated => "jury.schedule_generated",
            Action::JurySettingsChanged => "jury.settings_changed",
            Action::JurySlotChanged => "jury.slot_changed",
            Action::MeetingAccepted => "meeting.accepted",
            Action::MeetingCancelled => "meeting.cancelled",
            Action::MeetingDeclined => "meeting.declined",
            Action::MeetingRequested => "meeting.requested",
            Action::MessageTemplateChanged => "message_template.changed",
            Action::NetworkingProfileLeft => "networking.profile_left",
            Action::NetworkingProfileSaved => "networking.profile_saved",
            Action::ProgrammeRoomAdded => "programme.room_added",
            Action::ProgrammeSessionAdded => "programme.session_added",
            Action::ProgrammeSessionChanged => "programme.session_changed",
            Action::ProgrammeSpeakerAdded => "programme.speaker_added",
            Action::ProgrammeSpeakerPhoto => "programme.speaker_photo",
            Action::QuestionAnswered => "questions.answered",
            Action::QuestionApproved => "questions.approved",
            Action::QuestionHidden => "questions.hidden",
            Action::QuestionMerged => "questions.merged",
            Action::QuestionPinned => "questions.pinned",
            Action::QuestionUnpinned => "questions.unpinned",
            Action::QuestionsPremoderation => "questions.premoderation",
            Action::RegistrationCancelled => "registration.cancelled",
            Action::RegistrationCategoryChanged => "registration.category_changed",
            Action::RegistrationCreated => "registration.created",
            Action::RegistrationDecided => "registration.decided",
            Action::RegistrationOpened => "registration.opened",
            Action::RegistrationPromoted => "registration.promoted",
            Action::ResultsCorrected => "results.corrected",
            Action::ResultsPublished => "results.published",
            Action::ReviewAssigned => "review.assigned",
            Action::ReviewConflictDeclared => "review.conflict_declared",
            Action::ReviewConflictSet => "review.conflict_set",
            Action::ReviewPanelMemberAdded => "review.panel_member_added",
            Action::ReviewReassigned => "review.reassigned",
            Action::ReviewRoundLocked => "review.round_locked",
            Action::ReviewRoundOpened => "review.round_opened",
            Action::ReviewRubricChanged => "review.rubric_changed",
            Action::ReviewScoreReopened => "review.score_reopened",
            Action::ReviewScoreSubmitted => "review.score_submitted",
            Action::ReviewSettingsChanged => "review.settings_changed",
            Action::RoleGrant => "role.grant",
            Action::ShortlistLocked => "shortlist.locked",
            Action::ShortlistOverrideIn => "shortlist.override_in",
            Action::ShortlistOverrideOut => "shortlist.override_out",
            Action::ShortlistProposed => "shortlist.proposed",
            Action::ShortlistPublished => "shortlist.published",
            Action::ShortlistSettingsChanged => "shortlist.settings_changed",
            Action::StandAdded => "stand.added",
            Action::StandAllocated => "stand.allocated",
            Action::TrackUpdate => "track.update",
            Action::UploadPurged => "upload.purged",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub action: Action,
    pub object: &'a str,
    pub details: serde_json::Value,
}

impl<'a> Entry<'a> {
    /// What a person (`actor_id`) did: `action` on `object`, with `details`.
    pub fn by(
        actor_id: i64,
        action: Action,
        object: &'a str,
        details: serde_json::Value,
    ) -> Entry<'a> {
        Entry {
            actor_id: Some(actor_id),
            action,
            object,
            details,
        }
    }

    /// Appends the entry to the log in `tx` (see [`append`]); returns the new chain head.
    pub async fn append(&self, tx: &mut Tx, now_ms: i64) -> DbResult<String> {
        append(tx, self, now_ms).await
    }
}

fn entry_hash(
    prev: &str,
    at: i64,
    actor: Option<i64>,
    action: &str,
    object: &str,
    details: &str,
) -> String {
    let actor = actor.map(|a| a.to_string()).unwrap_or_default();
    let line = format!("{prev}\n{at}\n{actor}\n{action}\n{object}\n{details}");
    crate::crypto::sha256_hex(line.as_bytes())
}

/// Appends an entry inside the caller's transaction (the audited change and its record commit
/// together or not at all).
pub async fn append(tx: &mut Tx, entry: &Entry<'_>, now_ms: i64) -> DbResult<String> {
    tx.lock(AUDIT_LOCK).await?;
    let details = entry.details.to_string();
    let hash_after = |prev: &str| {
        entry_hash(
            prev,
            now_ms,
            entry.actor_id,
            entry.action.as_str(),
            entry.object,
            &details,
        )
    };
    // The single SQLite writer knows the head it last wrote: appended in one statement that
    // checks that guess, instead of a read and then a write.
    if let Some(prev) = tx.audit_head_guess() {
        let hash = hash_after(&prev);
        let sql = "INSERT INTO audit_log (at, actor_id, action, object, details, prev_hash, hash) \
                   SELECT $1, $2, $3, $4, $5, $6, $7 \
                   WHERE $6 = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)";
        if insert(tx, sql, entry, now_ms, &details, &prev, &hash).await? == 1 {
            tx.set_audit_head(&hash);
            return Ok(hash);
        }
    }
    let prev: Option<String> = run_tx!(tx, |conn| sqlx::query_scalar(
        "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"
    )
    .fetch_optional(conn)
    .await)?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_owned());
    let hash = hash_after(&prev);
    let sql = "INSERT INTO audit_log (at, actor_id, action, object, details, prev_hash, hash) \
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    insert(tx, sql, entry, now_ms, &details, &prev, &hash).await?;
    tx.set_audit_head(&hash);
    Ok(hash)
}

/// Runs one of `append`'s inserts; returns the number of rows written.
async fn insert(
    tx: &mut Tx,
    sql: &str,
    entry: &Entry<'_>,
    now_ms: i64,
    details: &str,
    prev: &str,
    hash: &str,
) -> DbResult<u64> {
    Ok(run_tx!(tx, |conn| sqlx::query(sql)
        .bind(now_ms)
        .bind(entry.actor_id)
        .bind(entry.action.as_str())
        .bind(entry.object)
        .bind(details)
        .bind(prev)
        .bind(hash)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}

#[derive(Debug, PartialEq, Eq)]
pub enum ChainCheck {
    Intact { entries: u64 },
    Broken { id: i64, reason: String },
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    action: String,
    object: String,
    details: String,
    prev_hash: String,
    hash: String,
}

/// Re-walks the whole chain and reports the first entry that does not match.
pub async fn verify(db: &Db) -> DbResult<ChainCheck> {
    let sql = "SELECT id, at, actor_id, action, object, details, prev_hash, hash FROM audit_log ORDER BY id";
    let rows: Vec<Row> = run!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
    let mut prev = GENESIS.to_owned();
    for row in &rows {
        if row.prev_hash != prev {
            return Ok(ChainCheck::Broken {
                id: row.id,
                reason: "previous-hash link does not match the preceding entry".into(),
            });
        }
        let expected = entry_hash(
            &prev,
            row.at,
            row.actor_id,
            &row.action,
            &row.object,
            &row.details,
        );
        if expected != row.hash {
            return Ok(ChainCheck::Broken {
                id: row.id,
                reason: "content does not match its hash (entry altered)".into(),
            });
        }
        prev = row.hash.clone();
    }
    Ok(ChainCheck::Intact {
        entries: rows.len() as u64,
    })
}

#[derive(sqlx::FromRow)]
struct JudgedEntry {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    action: String,
    object: String,
    details: String,
    hash: String,
}

/// The entries from which the judged data is re-derived (see `data::compare`).
const JUDGED_ACTIONS: &str =
    "'review.score_submitted', 'review.score_reopened', 'application.status', 'application.submit', \
     'application.withdraw', 'shortlist.locked', 'shortlist.published', 'results.published', \
     'results.corrected', 'jury.settings_changed', 'jury.pitch_started', 'jury.pitch_timed'";

async fn load<T>(db: &Db, sql: &str) -> DbResult<Vec<T>>
where
    T: Send + Unpin,
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    Ok(run!(db, |pool| sqlx::query_as::<_, T>(sql)
        .fetch_all(pool)
        .await)?)
}

/// Compares the judged data stored now (score sheets, eligibility decisions, shortlists,
/// results publications, the final's settings and timings) with what the audit log says it
/// must be. Read-only; an empty list means they agree.
pub async fn check_data(db: &Db) -> DbResult<Vec<data::Mismatch>> {
    let sql = format!(
        "SELECT id, at, actor_id, action, object, details, hash FROM audit_log \
         WHERE action IN ({JUDGED_ACTIONS}) ORDER BY id"
    );
    let log: Vec<data::Logged> = load::<JudgedEntry>(db, &sql)
        .await?
        .into_iter()
        .map(|e| data::Logged {
            // Unreadable details are reported by `compare` as an unreadable entry.
            details: serde_json::from_str(&e.details).unwrap_or_default(),
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            action: e.action,
            object: e.object,
            hash: e.hash,
        })
        .collect();
    let stored = data::Stored {
        sheets: load(
            db,
            "SELECT s.id, s.round_id, a.public_id AS application, s.reviewer_id, s.points_json, \
             s.comments_json, s.status, s.submitted_at \
             FROM score_sheets s JOIN applications a ON a.id = s.application_id ORDER BY s.id",
        )
        .await?,
        applications: load(
            db,
            "SELECT id, public_id, reference, status, status_reason FROM applications ORDER BY id",
        )
        .await?,
        shortlists: load(
            db,
            "SELECT l.edition_id, e.slug AS edition, l.status, l.locked_at, l.published_at \
             FROM shortlists l JOIN editions e ON e.id = l.edition_id ORDER BY l.edition_id",
        )
        .await?,
        shortlist_entries: load(
            db,
            "SELECT edition_id, application_id FROM shortlist_entries \
             ORDER BY edition_id, position, application_id",
        )
        .await?,
        publications: load(
            db,
            "SELECT p.id, e.slug AS edition, p.version, p.laureates_json, p.reason, \
             p.chain_head, p.published_at, p.actor_id \
             FROM results_publications p JOIN editions e ON e.id = p.edition_id ORDER BY p.id",
        )
        .await?,
        jury_settings: load(
            db,
            "SELECT round_id, allowed_secs, cumulate FROM jury_settings ORDER BY round_id",
        )
        .await?,
        pitches: load(
            db,
            "SELECT p.id, a.public_id AS application, p.timer_started_at, p.timer_stopped_at, \
             p.measured_secs FROM pitch_slots p JOIN applications a ON a.id = p.application_id \
             ORDER BY p.id",
        )
        .await?,
    };
    Ok(data::compare(&log, &stored))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub object: String,
    pub details: String,
}

pub async fn recent(db: &Db, limit: i64) -> DbResult<Vec<AuditRow>> {
    let sql =
        "SELECT id, at, actor_id, action, object, details FROM audit_log ORDER BY id DESC LIMIT $1";
    Ok(run!(db, |pool| sqlx::query_as(sql)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The log's vocabulary: one name per change, `area.change`, and the integrity check
    /// re-derives only changes that exist.
    #[test]
    fn every_action_has_one_name_and_the_check_reads_known_ones() {
        let names: std::collections::BTreeSet<&str> =
            Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), Action::ALL.len());
        assert!(names.iter().all(|n| n
            .split_once('.')
            .is_some_and(|(a, c)| !a.is_empty() && !c.is_empty())));
        for moderated in [
            "approved", "hidden", "answered", "pinned", "unpinned", "merged",
        ] {
            let name = format!("questions.{moderated}");
            assert!(names.contains(name.as_str()), "{name} is not an action");
        }
        for judged in JUDGED_ACTIONS.split(',') {
            let name = judged.trim().trim_matches('\'');
            assert!(names.contains(name), "{name} is not an action");
        }
    }

    async fn append_one(db: &Db, action: Action) {
        let mut tx = db.begin().await.expect("begin");
        let entry = Entry {
            actor_id: None,
            action,
            object: "test",
            details: serde_json::json!({}),
        };
        append(&mut tx, &entry, 1).await.expect("append");
        tx.commit().await.expect("commit");
    }

    /// The server's writer remembers the head it wrote; an entry appended in between by
    /// another process (the CLI's ID-document purge runs beside the server) must still be
    /// chained to, not skipped.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_entry_appended_by_another_process_is_chained_to() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("kene.db").display());
        let server = Db::connect(&url, 2).await.expect("server connection");
        let cli = Db::connect(&url, 2)
            .await
            .expect("second process's connection");

        append_one(&server, Action::EditionCreate).await;
        append_one(&cli, Action::RoleGrant).await;
        append_one(&server, Action::TrackUpdate).await;

        assert_eq!(
            verify(&server).await.expect("verify"),
            ChainCheck::Intact { entries: 3 }
        );
        let prevs: Vec<(String, String)> = run!(&server, |pool| sqlx::query_as(
            "SELECT action, prev_hash FROM audit_log ORDER BY id"
        )
        .fetch_all(pool)
        .await)
        .expect("read the log");
        let hashes: Vec<String> = run!(&server, |pool| sqlx::query_scalar(
            "SELECT hash FROM audit_log ORDER BY id"
        )
        .fetch_all(pool)
        .await)
        .expect("read the hashes");
        assert_eq!(prevs[2].0, Action::TrackUpdate.as_str());
        assert_eq!(
            prevs[2].1, hashes[1],
            "chained to the other process's entry"
        );
        server.close().await;
        cli.close().await;
    }
}
