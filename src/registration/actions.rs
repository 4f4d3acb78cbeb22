//! Registration's writes, one use case each (the change, its audit entry and the messages to
//! the people concerned, in the caller's transaction): the attendees' and organisers' pages,
//! the demo and the tests all go through them.

use super::queries::{self, CategoryRow, CategorySettings, NewCategory, RegistrationRow};
use super::rules::{admission, Admission, Attendance, CategoryCode, Status};
use crate::audit;
use crate::calls::queries::EditionRow;
use crate::db::Tx;
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::outbox::{self, NewMessage};
use crate::web::ctx::SiteAddress;
use crate::web::error::AppResult;

/// Why a write was refused; the page names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The person already has a registration to this edition that counts.
    AlreadyRegistered,
    /// The seats would fall under the number already confirmed.
    BelowTaken,
    /// Someone changed the registration since the page was loaded.
    Stale,
}

impl Refused {
    pub fn key(self) -> &'static str {
        match self {
            Refused::AlreadyRegistered => "registration-already",
            Refused::BelowTaken => "registration-capacity-below-taken",
            Refused::Stale => "registration-changed-meanwhile",
        }
    }
}

fn object(r: &RegistrationRow) -> String {
    format!("registration:{}", r.public_id)
}

/// Opens registration for the edition: its seven attendee categories, set up with their
/// defaults and forms. Categories the edition already has are left as they are.
pub async fn open_registration(
    tx: &mut Tx,
    edition: &EditionRow,
    actor_id: i64,
    now: i64,
) -> AppResult<()> {
    let mut added = Vec::new();
    for code in CategoryCode::ALL {
        let defaults = code.defaults();
        let key = format!("registration-category-{}", code.as_str());
        let form = serde_json::to_string(&crate::domain::seed_forms::attendee_form(code.as_str()))
            .map_err(|e| crate::web::error::AppError::Internal(format!("attendee form: {e}")))?;
        let category = NewCategory {
            code,
            name_fr: &tr(Lang::Fr, &key),
            name_en: &tr(Lang::En, &key),
            capacity: defaults.capacity,
            needs_approval: defaults.needs_approval,
            open_to_public: defaults.open_to_public,
            colour: defaults.colour,
            form: &form,
        };
        if queries::insert_category(tx, edition.id, &category).await? {
            added.push(code.as_str());
        }
    }
    let details = serde_json::json!({ "categories": added });
    let object = format!("edition:{}", edition.slug);
    audit::Entry::by(
        actor_id,
        audit::Action::RegistrationOpened,
        &object,
        details,
    )
    .append(tx, now)
    .await?;
    Ok(())
}

/// Changes a category's seats and approval; newly available seats go to the waitlist, first
/// come first served.
pub async fn change_category(
    tx: &mut Tx,
    (site, edition): (&SiteAddress, &EditionRow),
    category: &CategoryRow,
    settings: CategorySettings,
    (actor_id, now): (i64, i64),
) -> AppResult<Result<(), Refused>> {
    if !queries::update_category(tx, category.id, settings).await? {
        return Ok(Err(Refused::BelowTaken));
    }
    let details = serde_json::json!({
        "category": category.code.as_str(), "capacity": settings.capacity,
        "needs_approval": settings.needs_approval, "open_to_public": settings.open_to_public,
    });
    let object = format!("edition:{}", edition.slug);
    audit::Entry::by(
        actor_id,
        audit::Action::RegistrationCategoryChanged,
        &object,
        details,
    )
    .append(tx, now)
    .await?;
    let waiting = queries::waitlist(tx, category.id, i64::MAX).await?;
    for r in &waiting {
        if !promote(tx, (site, edition), r, (actor_id, now)).await? {
            break;
        }
    }
    Ok(Ok(()))
}

/// Replaces a category's questions. Registrations already made keep their answers.
pub async fn change_form(
    tx: &mut Tx,
    edition: &EditionRow,
    category: &CategoryRow,
    form: &crate::domain::form::FormDefinition,
    (actor_id, now): (i64, i64),
) -> AppResult<()> {
    let json = serde_json::to_string(form)
        .map_err(|e| crate::web::error::AppError::Internal(format!("attendee form: {e}")))?;
    queries::set_form(tx, category.id, &json).await?;
    let fields: Vec<&str> = form.fields().map(|f| f.key.as_str()).collect();
    let details = serde_json::json!({ "category": category.code.as_str(), "form_fields": fields });
    let object = format!("edition:{}", edition.slug);
    audit::Entry::by(
        actor_id,
        audit::Action::RegistrationCategoryChanged,
        &object,
        details,
    )
    .append(tx, now)
    .await?;
    Ok(())
}

/// What a person fills in to register.
#[derive(Debug, Clone)]
pub struct Registration<'a> {
    pub category: &'a CategoryRow,
    pub attendance: Attendance,
    pub display_name: &'a str,
    pub organisation: &'a str,
    /// The category form's answers, as JSON.
    pub answers: &'a str,
    /// Tell the person (the demo's made-up people are not told).
    pub notify: bool,
}

/// Registers `account_id` (who may be an organiser registering someone: `actor_id`). The
/// registration is confirmed at once when it needs no approval and, in person, a seat is
/// left; else it waits for an organiser or on the waitlist. The person is told either way.
pub async fn register(
    tx: &mut Tx,
    (site, edition): (&SiteAddress, &EditionRow),
    account_id: i64,
    r: &Registration<'_>,
    (actor_id, now): (i64, i64),
) -> AppResult<Result<RegistrationRow, Refused>> {
    let status = match admission(r.attendance, r.category.needs_approval, false) {
        Admission::AwaitApproval => Status::Pending,
        Admission::Confirm => Status::Confirmed,
        Admission::TakeSeat => match queries::take_seat(tx, r.category.id).await? {
            true => Status::Confirmed,
            false => Status::Waitlisted,
        },
    };
    let new = queries::NewRegistration {
        edition_id: edition.id,
        category_id: r.category.id,
        account_id,
        attendance: r.attendance,
        status,
        display_name: r.display_name,
        organisation: r.organisation,
        answers: r.answers,
    };
    let Some((_, public_id)) = queries::insert_registration(tx, &new, now).await? else {
        if status == Status::Confirmed && r.attendance == Attendance::InPerson {
            queries::free_seat(tx, r.category.id).await?;
        }
        return Ok(Err(Refused::AlreadyRegistered));
    };
    let registration = queries::registration_tx(tx, edition.id, &public_id).await?;
    if registration.has_badge() {
        queries::ensure_signing_key(tx, edition.id, now).await?;
    }
    let details = serde_json::json!({
        "category": r.category.code.as_str(), "attendance": r.attendance.as_str(),
        "status": status.as_str(), "account_id": account_id,
    });
    audit::Entry::by(
        actor_id,
        audit::Action::RegistrationCreated,
        &object(&registration),
        details,
    )
    .append(tx, now)
    .await?;
    if r.notify {
        tell(tx, (site, edition), &registration, now).await?;
    }
    Ok(Ok(registration))
}

/// An organiser's decision on a registration waiting for approval: approved, it takes a seat
/// if one is left (else the waitlist); refused, it ends there. The person is told.
pub async fn decide(
    tx: &mut Tx,
    (site, edition): (&SiteAddress, &EditionRow),
    (registration, category): (&RegistrationRow, &CategoryRow),
    approve: bool,
    (actor_id, now): (i64, i64),
    notify: bool,
) -> AppResult<Result<Status, Refused>> {
    let to = match (approve, admission(registration.attendance, true, true)) {
        (false, _) => Status::Refused,
        (true, Admission::TakeSeat) => match queries::take_seat(tx, category.id).await? {
            true => Status::Confirmed,
            false => Status::Waitlisted,
        },
        (true, _) => Status::Confirmed,
    };
    if !queries::set_status(tx, registration.id, (Status::Pending, to), now).await? {
        return Ok(Err(Refused::Stale));
    }
    let decided = RegistrationRow {
        status: to,
        ..registration.clone()
    };
    if decided.has_badge() {
        queries::ensure_signing_key(tx, edition.id, now).await?;
    }
    let details = serde_json::json!({ "approved": approve, "status": to.as_str() });
    audit::Entry::by(
        actor_id,
        audit::Action::RegistrationDecided,
        &object(&decided),
        details,
    )
    .append(tx, now)
    .await?;
    if notify {
        tell(tx, (site, edition), &decided, now).await?;
    }
    Ok(Ok(to))
}

/// Cancels a registration (by the person, or an organiser): its badge stops letting anyone
/// in, and a freed seat goes to the first person on the waitlist, who is told.
pub async fn cancel(
    tx: &mut Tx,
    (site, edition): (&SiteAddress, &EditionRow),
    registration: &RegistrationRow,
    (actor_id, now): (i64, i64),
) -> AppResult<Result<(), Refused>> {
    let from = registration.status;
    if !from.is_live()
        || !queries::set_status(tx, registration.id, (from, Status::Cancelled), now).await?
    {
        return Ok(Err(Refused::Stale));
    }
    let details = serde_json::json!({
        "was": from.as_str(), "badge_revoked": registration.has_badge(),
    });
    audit::Entry::by(
        actor_id,
        audit::Action::RegistrationCancelled,
        &object(registration),
        details,
    )
    .append(tx, now)
    .await?;
    if from == Status::Confirmed && registration.attendance == Attendance::InPerson {
        queries::free_seat(tx, registration.category_id).await?;
        // Two cancellations at once may reach for the same person: the second goes on to the
        // next one.
        for waiting in queries::waitlist(tx, registration.category_id, 3).await? {
            if promote(tx, (site, edition), &waiting, (actor_id, now)).await? {
                break;
            }
        }
    }
    Ok(Ok(()))
}

/// Gives `waiting` a freed seat if one is left; `false` when none is (or they no longer wait).
async fn promote(
    tx: &mut Tx,
    (site, edition): (&SiteAddress, &EditionRow),
    waiting: &RegistrationRow,
    (actor_id, now): (i64, i64),
) -> AppResult<bool> {
    if !queries::take_seat(tx, waiting.category_id).await? {
        return Ok(false);
    }
    let moved = (Status::Waitlisted, Status::Confirmed);
    if !queries::set_status(tx, waiting.id, moved, now).await? {
        queries::free_seat(tx, waiting.category_id).await?;
        return Ok(false);
    }
    queries::ensure_signing_key(tx, edition.id, now).await?;
    let promoted = RegistrationRow {
        status: Status::Confirmed,
        ..waiting.clone()
    };
    audit::Entry::by(
        actor_id,
        audit::Action::RegistrationPromoted,
        &object(&promoted),
        serde_json::json!({ "category_id": waiting.category_id }),
    )
    .append(tx, now)
    .await?;
    tell(tx, (site, edition), &promoted, now).await?;
    Ok(true)
}

/// Queues the message telling the person where their registration stands: confirmed (with
/// the link to the badge, or to the programme online), waiting, or refused. Short enough for
/// one or two SMS parts.
async fn tell(
    tx: &mut Tx,
    (site, edition): (&SiteAddress, &EditionRow),
    r: &RegistrationRow,
    now: i64,
) -> AppResult<()> {
    let Some(contact) = queries::contact(tx, r.account_id).await? else {
        return Ok(());
    };
    let Some((channel, recipient)) =
        outbox::channel_for(contact.email.as_deref(), contact.phone.as_deref())
    else {
        return Ok(());
    };
    let lang = Lang::parse(&contact.locale).unwrap_or(Lang::Fr);
    let link = match (r.status, r.attendance) {
        (Status::Confirmed, Attendance::InPerson) => {
            site.link(&format!("/badge/{}", r.badge_token))
        }
        _ => site.link(&format!("/registration/{}/mine", edition.slug)),
    };
    let args = [
        ("event", edition.name(lang)),
        (
            "category",
            tr(
                lang,
                &format!("registration-category-{}", r.category.as_str()),
            ),
        ),
        ("link", link),
    ];
    let key = match (r.status, r.attendance) {
        (Status::Confirmed, Attendance::InPerson) => "registration-message-badge",
        (Status::Confirmed, Attendance::Online) => "registration-message-online",
        (Status::Waitlisted, _) => "registration-message-waitlisted",
        (Status::Pending, _) => "registration-message-pending",
        (Status::Refused, _) => "registration-message-refused",
        (Status::Cancelled, _) => return Ok(()),
    };
    let message = NewMessage {
        idempotency_key: format!(
            "registration:{}:{}:{}",
            r.public_id,
            r.status.as_str(),
            channel.as_str()
        ),
        channel,
        recipient,
        subject: tr_args(lang, "registration-message-subject", &args),
        body: tr_args(lang, key, &args),
        edition_id: Some(edition.id),
    };
    outbox::enqueue(tx, &message, now).await?;
    Ok(())
}
