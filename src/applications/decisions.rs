//! Eligibility decisions: one use case, used by the dossier page (one dossier) and by the
//! list (several at once). Reading what the decision needs happens before the transaction;
//! writing the status, its audit entry and the applicant's message happens in the caller's
//! transaction, conditionally on the status the organiser saw.

use super::queries::{self, ApplicationRow};
use super::Status;
use crate::accounts::users::UserRow;
use crate::audit;
use crate::calls::queries::{self as calls, TrackRow};
use crate::db::Tx;
use crate::domain::eligibility::{self, Verdict};
use crate::domain::types::{Lang, Login};
use crate::i18n::{self, Say};
use crate::outbox::{self, Channel};
use crate::web::error::{AppError, AppResult};
use crate::web::state::AppState;

/// Why a decision cannot be recorded as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The dossier is a draft or withdrawn: nobody decides on it.
    NotDecidable,
    /// The status is no longer the one the organiser saw (someone else decided meanwhile).
    ChangedMeanwhile,
    /// The decision departs from the automatic check and no reason was typed.
    ReasonRequired,
}

/// A decision checked against the dossier, ready to be written.
pub struct Prepared<'a> {
    application: &'a ApplicationRow,
    track: &'a TrackRow,
    status: Status,
    /// The automatic check's proposal.
    automatic: Status,
    overrides: bool,
    /// What is stored and told to the applicant (typed, or the failed conditions).
    reason: String,
    applicant: UserRow,
    applicant_lang: Lang,
}

/// The automatic eligibility check of an application against its track's rules.
pub async fn automatic_check(
    app: &AppState,
    application: &ApplicationRow,
    track: &TrackRow,
) -> AppResult<(
    crate::domain::form::FormDefinition,
    crate::domain::form::Answers,
    Vec<eligibility::Rule>,
    Verdict,
)> {
    let form_def = calls::form_definition(&app.db, track.id, application.form_version).await?;
    let answers = application.answers()?;
    let rules = track.rules()?;
    let verdict = eligibility::evaluate(&rules, &form_def, &answers, track.closing_date());
    Ok((form_def, answers, rules, verdict))
}

/// The decision the automatic check proposes.
pub fn proposed(verdict: &Verdict) -> Status {
    if verdict.is_eligible() {
        Status::Eligible
    } else {
        Status::Ineligible
    }
}

/// Checks a decision (`status`, the `typed` reason, the status `seen` when the organiser
/// loaded the page) against the dossier as read now. Nothing is written.
pub async fn prepare<'a>(
    app: &AppState,
    application: &'a ApplicationRow,
    track: &'a TrackRow,
    status: Status,
    typed: &str,
    seen: &str,
) -> AppResult<Result<Prepared<'a>, Refusal>> {
    if !matches!(
        application.status(),
        Status::Submitted | Status::Eligible | Status::Ineligible
    ) {
        return Ok(Err(Refusal::NotDecidable));
    }
    if seen != application.status.as_str() {
        return Ok(Err(Refusal::ChangedMeanwhile));
    }
    let (_, _, _, verdict) = automatic_check(app, application, track).await?;
    let automatic = proposed(&verdict);
    let overrides = status != Status::Submitted && status != automatic;
    let typed = typed.trim();
    if typed.is_empty() && overrides {
        return Ok(Err(Refusal::ReasonRequired));
    }
    let applicant = crate::accounts::users::find_by_id(&app.db, application.applicant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let applicant_lang = Lang::parse(&applicant.locale).unwrap_or_default();
    // Confirming a failed check without words of one's own gives the applicant its reasons.
    let reason: String = if typed.is_empty() && status == Status::Ineligible {
        verdict
            .failures
            .iter()
            .map(|f| f.reason.message(applicant_lang))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        typed.chars().take(2000).collect()
    };
    Ok(Ok(Prepared {
        application,
        track,
        status,
        automatic,
        overrides,
        reason,
        applicant,
        applicant_lang,
    }))
}

/// Records a prepared decision in `tx`: the status (only if it is still the one the
/// organiser saw), the audit entry and, for a new verdict, the applicant's message.
/// Returns `Err(Refusal::ChangedMeanwhile)` when another decision committed first; the
/// caller then rolls back whatever it wrote in `tx`.
pub async fn record(
    tx: &mut Tx,
    actor_id: i64,
    decision: &Prepared<'_>,
    now: i64,
) -> AppResult<Result<(), Refusal>> {
    let application = decision.application;
    let changed = queries::set_status_from(
        tx,
        application.id,
        application.status.as_str(),
        decision.status.as_str(),
        (!decision.reason.is_empty()).then_some(decision.reason.as_str()),
        now,
    )
    .await?;
    if !changed {
        return Ok(Err(Refusal::ChangedMeanwhile));
    }
    audit::Entry::by(
        actor_id,
        audit::Action::ApplicationStatus,
        application
            .reference
            .as_deref()
            .unwrap_or(&application.public_id),
        serde_json::json!({
            "from": application.status.as_str(),
            "to": decision.status.as_str(),
            "automatic": decision.automatic.as_str(),
            "override": decision.overrides,
            "reason": decision.reason,
        }),
    )
    .append(tx, now)
    .await?;
    let decided = matches!(decision.status, Status::Eligible | Status::Ineligible);
    if decided && decision.status != application.status() {
        tell_applicant(tx, decision, now).await?;
    }
    Ok(Ok(()))
}

/// Queues the eligibility decision for the applicant, by e-mail or SMS (their login), in
/// their language; the SMS is short and leaves the reason to the applicant's space.
async fn tell_applicant(tx: &mut Tx, decision: &Prepared<'_>, now: i64) -> AppResult<()> {
    let user = &decision.applicant;
    let login = user
        .email
        .as_deref()
        .or(user.phone.as_deref())
        .and_then(|x| Login::parse(x).ok());
    let Some(login) = login else {
        return Ok(());
    };
    let (application, track) = (decision.application, decision.track);
    let lang = decision.applicant_lang;
    let reference = application.reference.clone().unwrap_or_default();
    let title = if application.title.trim().is_empty() {
        reference.clone()
    } else {
        application.title.clone()
    };
    let args = [
        ("reference", reference),
        ("title", title),
        ("reason", decision.reason.clone()),
        (
            "event",
            if lang == Lang::En {
                track.event_name_en.clone()
            } else {
                track.event_name_fr.clone()
            },
        ),
        ("year", track.edition_year.to_string()),
    ];
    let eligible = decision.status == Status::Eligible;
    let (channel, recipient, key) = match &login {
        Login::Email(e) => (
            Channel::Email,
            e.as_str().to_owned(),
            if eligible {
                "eligibility-mail-eligible"
            } else {
                "eligibility-mail-ineligible"
            },
        ),
        Login::Phone(p) => (
            Channel::Sms,
            p.as_str().to_owned(),
            if eligible {
                "eligibility-sms-eligible"
            } else {
                "eligibility-sms-ineligible"
            },
        ),
    };
    outbox::enqueue(
        tx,
        &outbox::NewMessage {
            idempotency_key: format!(
                "eligibility:{}:{}:{now}",
                application.id,
                decision.status.as_str()
            ),
            channel,
            recipient,
            subject: i18n::tr_args(lang, "eligibility-mail-subject", &args),
            body: i18n::tr_args(lang, key, &args),
            edition_id: Some(track.edition_id),
        },
        now,
    )
    .await?;
    Ok(())
}
