//! Coaching's writes, one use case each: the change, its audit entry and the messages it sends
//! (to the coach, to the finalists concerned), in the caller's transaction. Who is told is read
//! by the caller before the transaction (`contacts`), so a use case only writes.

use std::collections::{BTreeMap, BTreeSet};

use super::queries::{self, ApplicantContact, InviteeRow, SessionRow};
use super::{lang_of, session_object, when, Attendance, ValidSession};
use crate::accounts::roles::{self, Role};
use crate::accounts::users::UserRow;
use crate::applications::queries::ListedApplication;
use crate::audit;
use crate::calls::queries::EditionRow;
use crate::db::Tx;
use crate::i18n::tr_args;
use crate::outbox::{self, NewMessage};
use crate::web::ctx::SiteAddress;
use crate::web::error::AppResult;

/// Who acts and when: every use case below records both in its audit entry.
#[derive(Debug, Clone, Copy)]
pub struct By {
    pub actor_id: i64,
    pub now: i64,
}

async fn audit(
    tx: &mut Tx,
    by: By,
    action: audit::Action,
    session: &str,
    details: serde_json::Value,
) -> AppResult<()> {
    let object = session_object(session);
    let entry = audit::Entry::by(by.actor_id, action, &object, details);
    entry.append(tx, by.now).await?;
    Ok(())
}

/// Creates a session led by `coach` (who becomes the edition's coach) and tells the coach.
/// Returns the session's public id.
pub async fn create_session(
    tx: &mut Tx,
    site: &SiteAddress,
    edition: &EditionRow,
    session: &ValidSession,
    coach: &UserRow,
    by: By,
) -> AppResult<String> {
    let (session_id, public_id) = queries::insert_session(
        tx,
        &queries::NewSession {
            edition_id: edition.id,
            title: &session.title,
            starts_at: session.starts_at,
            duration_minutes: session.duration_minutes,
            place: &session.place,
            coach_id: coach.id,
            created_by: by.actor_id,
        },
        by.now,
    )
    .await?;
    roles::grant_tx(tx, coach.id, edition.id, Role::Coach).await?;
    let details = serde_json::json!({
        "edition": edition.slug, "title": session.title,
        "starts_at": session.starts_at, "duration_minutes": session.duration_minutes,
        "place": session.place, "coach_id": coach.id,
    });
    audit(
        tx,
        by,
        audit::Action::CoachingSessionCreated,
        &public_id,
        details,
    )
    .await?;
    // The coach learns of the session (and where to find it) by e-mail or SMS.
    if let Some((channel, recipient)) =
        outbox::channel_for(coach.email.as_deref(), coach.phone.as_deref())
    {
        let lang = lang_of(&coach.locale);
        let args = [
            ("title", session.title.clone()),
            ("when", when(lang, session.starts_at, edition.timezone.tz())),
            ("zone", edition.timezone.name().to_owned()),
            ("place", session.place.clone()),
            ("link", site.link(&format!("/coaching/{public_id}"))),
        ];
        let message = NewMessage {
            idempotency_key: format!("coaching-coach:{session_id}:{}", coach.id),
            channel,
            recipient,
            subject: tr_args(lang, "coaching-coach-subject", &args),
            body: tr_args(lang, "coaching-coach-body", &args),
            edition_id: Some(edition.id),
        };
        outbox::enqueue(tx, &message, by.now).await?;
    }
    Ok(public_id)
}

/// An organiser's edit of a session, based on the version they loaded.
pub struct SessionEdit<'a> {
    pub expected_version: i64,
    pub changed: &'a ValidSession,
    pub coach_id: i64,
}

/// Changes a session as loaded; `false` (nothing written) when it changed since. The finalists
/// in `contacts` are told when the time or the place moves.
pub async fn change_session(
    tx: &mut Tx,
    site: &SiteAddress,
    (edition, session): (&EditionRow, &SessionRow),
    edit: SessionEdit<'_>,
    contacts: &[ApplicantContact],
    by: By,
) -> AppResult<bool> {
    let SessionEdit {
        expected_version,
        changed,
        coach_id,
    } = edit;
    let change = queries::SessionChange {
        title: &changed.title,
        starts_at: changed.starts_at,
        duration_minutes: changed.duration_minutes,
        place: &changed.place,
        coach_id,
    };
    if !queries::update_session(tx, session.id, expected_version, &change).await? {
        return Ok(false);
    }
    roles::grant_tx(tx, coach_id, edition.id, Role::Coach).await?;
    let version = session.version + 1;
    let details = serde_json::json!({
        "version": version, "title": changed.title, "starts_at": changed.starts_at,
        "duration_minutes": changed.duration_minutes, "place": changed.place,
        "coach_id": coach_id,
    });
    let action = audit::Action::CoachingSessionChanged;
    audit(tx, by, action, &session.public_id, details).await?;
    let moved = changed.starts_at != session.starts_at
        || changed.duration_minutes != session.duration_minutes
        || changed.place != session.place;
    if moved {
        let now_stored = SessionRow {
            title: changed.title.clone(),
            starts_at: changed.starts_at,
            duration_minutes: changed.duration_minutes,
            place: changed.place.clone(),
            ..session.clone()
        };
        let notice = InviteeNotice {
            subject: "followups-changed-subject",
            body: "followups-changed-body",
            extra: Vec::new(),
            event: format!("coaching-changed:{}:{version}", session.id),
        };
        for contact in contacts {
            tell_invitee(site, tx, (edition, &now_stored), contact, &notice, by.now).await?;
        }
    }
    Ok(true)
}

/// Cancels a session (kept, marked cancelled) and tells the finalists in `contacts`, with the
/// reason if one is given; `false` (nothing written) when it already was cancelled.
pub async fn cancel_session(
    tx: &mut Tx,
    site: &SiteAddress,
    (edition, session): (&EditionRow, &SessionRow),
    reason: Option<&str>,
    contacts: &[ApplicantContact],
    by: By,
) -> AppResult<bool> {
    if !queries::cancel_session(tx, session.id, reason, by.now).await? {
        return Ok(false);
    }
    let details = serde_json::json!({ "reason": reason });
    let action = audit::Action::CoachingSessionCancelled;
    audit(tx, by, action, &session.public_id, details).await?;
    let notice = InviteeNotice {
        subject: "followups-cancelled-subject",
        body: if reason.is_some() {
            "followups-cancelled-body-reason"
        } else {
            "followups-cancelled-body"
        },
        extra: reason.iter().map(|r| ("reason", r.to_string())).collect(),
        event: format!("coaching-cancelled:{}", session.id),
    };
    for contact in contacts {
        tell_invitee(site, tx, (edition, session), contact, &notice, by.now).await?;
    }
    Ok(true)
}

/// Withdraws one finalist's invitation (kept, marked withdrawn) and tells them; `false`
/// (nothing written) when it already was withdrawn.
pub async fn withdraw_invitation(
    tx: &mut Tx,
    site: &SiteAddress,
    (edition, session): (&EditionRow, &SessionRow),
    invitee: &InviteeRow,
    contact: Option<&ApplicantContact>,
    by: By,
) -> AppResult<bool> {
    if !queries::withdraw(tx, session.id, invitee.application_id, by.now).await? {
        return Ok(false);
    }
    let details = serde_json::json!({ "reference": invitee.reference });
    let action = audit::Action::CoachingInvitationWithdrawn;
    audit(tx, by, action, &session.public_id, details).await?;
    if let Some(contact) = contact {
        let notice = InviteeNotice {
            subject: "followups-withdrawn-subject",
            body: "followups-withdrawn-body",
            extra: Vec::new(),
            event: format!("coaching-withdrawn:{}", session.id),
        };
        tell_invitee(site, tx, (edition, session), contact, &notice, by.now).await?;
    }
    Ok(true)
}

/// Invites finalists to a session, each told once (an invitation already sent is skipped).
/// Returns the references newly invited.
pub async fn invite(
    tx: &mut Tx,
    site: &SiteAddress,
    (edition, session): (&EditionRow, &SessionRow),
    finalists: &[&ListedApplication],
    contacts: &BTreeMap<i64, ApplicantContact>,
    by: By,
) -> AppResult<Vec<String>> {
    let mut invited = Vec::new();
    let mut seen = BTreeSet::new();
    for f in finalists {
        if !seen.insert(f.id) {
            continue;
        }
        if !queries::invite(tx, session.id, f.id, by.actor_id, by.now).await? {
            continue; // already invited: no second message
        }
        invited.push(f.reference.clone().unwrap_or_default());
        if let Some(contact) = contacts.get(&f.id) {
            let notice = InviteeNotice {
                subject: "coaching-invite-subject",
                body: "coaching-invite-body",
                extra: vec![("coach", session.coach_name.clone())],
                event: format!("coaching-invitation:{}", session.id),
            };
            tell_invitee(site, tx, (edition, session), contact, &notice, by.now).await?;
        }
    }
    if !invited.is_empty() {
        let details = serde_json::json!({ "references": invited });
        audit(
            tx,
            by,
            audit::Action::CoachingInvited,
            &session.public_id,
            details,
        )
        .await?;
    }
    Ok(invited)
}

/// Attendance as recorded, or why nothing was written.
pub enum AttendanceOutcome {
    Saved,
    NotInvited,
    /// Someone recorded another value since the page was loaded: the stored one and its version.
    Stale(Option<String>, i64),
}

/// Records a finalist's attendance (coach or organiser), as loaded at `expected_version`; the
/// audit log gets an entry only when the value changes.
pub async fn record_attendance(
    tx: &mut Tx,
    session: &SessionRow,
    invitee: &InviteeRow,
    expected_version: i64,
    value: Attendance,
    by: By,
) -> AppResult<AttendanceOutcome> {
    let saved = queries::set_attendance(
        tx,
        session.id,
        invitee.application_id,
        expected_version,
        value,
        by.actor_id,
        by.now,
    )
    .await?;
    let previous = match saved {
        queries::AttendanceSaved::Saved(previous) => previous,
        queries::AttendanceSaved::NotInvited => return Ok(AttendanceOutcome::NotInvited),
        queries::AttendanceSaved::Stale(stored, version) => {
            return Ok(AttendanceOutcome::Stale(stored, version))
        }
    };
    if previous.as_deref() != Some(value.as_str()) {
        let details = serde_json::json!({
            "reference": invitee.reference, "attendance": value.as_str(),
            "previous": previous,
        });
        let action = audit::Action::CoachingAttendanceRecorded;
        audit(tx, by, action, &session.public_id, details).await?;
    }
    Ok(AttendanceOutcome::Saved)
}

/// Saves the coach's note on a finalist; `false` when the dossier is not invited. The note's
/// text stays out of the audit log, which other organisers' tools may show.
pub async fn save_note(
    tx: &mut Tx,
    session: &SessionRow,
    invitee: &InviteeRow,
    note: &str,
    by: By,
) -> AppResult<bool> {
    let app_id = invitee.application_id;
    if !queries::save_note(tx, session.id, app_id, by.actor_id, note, by.now).await? {
        return Ok(false);
    }
    let details = serde_json::json!({
        "reference": invitee.reference, "chars": note.chars().count(),
    });
    audit(
        tx,
        by,
        audit::Action::CoachingNoteSaved,
        &session.public_id,
        details,
    )
    .await?;
    Ok(true)
}

/// A message about a session to its invited finalists: the Fluent keys of its subject and
/// body, arguments beyond the session's own, and the event it tells of (`coaching-<event>:…`),
/// so each change is sent once and distinct changes each get their own message.
struct InviteeNotice<'a> {
    subject: &'a str,
    body: &'a str,
    extra: Vec<(&'static str, String)>,
    event: String,
}

/// Queues `notice` about `session` to an invited finalist, in their language, by e-mail or SMS.
async fn tell_invitee(
    site: &SiteAddress,
    tx: &mut Tx,
    (edition, session): (&EditionRow, &SessionRow),
    contact: &ApplicantContact,
    notice: &InviteeNotice<'_>,
    now: i64,
) -> AppResult<()> {
    let Some((channel, recipient)) =
        outbox::channel_for(contact.email.as_deref(), contact.phone.as_deref())
    else {
        return Ok(());
    };
    let lang = lang_of(&contact.locale);
    let tz = session.time_zone();
    let mut args = vec![
        ("reference", contact.reference.clone().unwrap_or_default()),
        ("title", session.title.clone()),
        ("when", when(lang, session.starts_at, &tz)),
        ("zone", edition.timezone.name().to_owned()),
        ("minutes", session.duration_minutes.to_string()),
        ("place", session.place.clone()),
        (
            "link",
            site.link(&format!("/applications/{}/coaching", contact.public_id)),
        ),
    ];
    args.extend_from_slice(&notice.extra);
    let message = NewMessage {
        idempotency_key: format!("{}:{}", notice.event, contact.application_id),
        channel,
        recipient,
        subject: tr_args(lang, notice.subject, &args),
        body: tr_args(lang, notice.body, &args),
        edition_id: Some(edition.id),
    };
    outbox::enqueue(tx, &message, now).await?;
    Ok(())
}
