//! Networking's writes, one use case each (the change, its audit entry and the messages to
//! the other person, in the caller's transaction): the pages, the demo and the tests all go
//! through them.

use super::queries::{self, MeetingRow, NewMeeting, ProfileRow};
use super::rules::{self, Act, Profile, Side, Slot, Status};
use crate::audit;
use crate::calls::queries::EditionRow;
use crate::db::Tx;
use crate::domain::types::Lang;
use crate::i18n::{format_instant, tr_args};
use crate::outbox::{self, NewMessage};
use crate::web::ctx::SiteAddress;
use crate::web::error::AppResult;

/// Why a write was refused; the page names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// One does not ask oneself for a meeting.
    OwnProfile,
    /// A request to the same person still waits for an answer.
    AlreadyPending,
    /// The day's requests are used up.
    DailyLimit,
    /// The request is over, or the person may not do that to it (a double click, or the
    /// other side acted first).
    Stale,
}

impl Refused {
    pub fn key(self) -> &'static str {
        match self {
            Refused::OwnProfile => "networking-error-self",
            Refused::AlreadyPending => "networking-error-pending",
            Refused::DailyLimit => "networking-error-daily-limit",
            Refused::Stale => "networking-error-stale",
        }
    }
}

/// Writes the person's profile and lists it in the directory (joining, or editing).
pub async fn save_profile(
    tx: &mut Tx,
    edition: &EditionRow,
    account_id: i64,
    profile: &Profile,
    now: i64,
) -> AppResult<String> {
    let (_, public_id) =
        queries::upsert_profile(tx, (edition.id, account_id), profile, now).await?;
    let details = serde_json::json!({
        "sector": profile.sector.as_str(), "contact_consent": profile.contact_consent,
    });
    audit::Entry::by(
        account_id,
        audit::Action::NetworkingProfileSaved,
        &format!("networking_profile:{public_id}"),
        details,
    )
    .append(tx, now)
    .await?;
    Ok(public_id)
}

/// Takes the person out of the directory; arranged meetings stay. `false` when they were not
/// listed (nothing written).
pub async fn leave(
    tx: &mut Tx,
    edition: &EditionRow,
    account_id: i64,
    now: i64,
) -> AppResult<bool> {
    if !queries::hide_profile(tx, (edition.id, account_id), now).await? {
        return Ok(false);
    }
    audit::Entry::by(
        account_id,
        audit::Action::NetworkingProfileLeft,
        &format!("edition:{}", edition.slug),
        serde_json::json!({}),
    )
    .append(tx, now)
    .await?;
    Ok(true)
}

/// What a person proposes to another.
#[derive(Debug, Clone)]
pub struct Proposal<'a> {
    pub to: &'a ProfileRow,
    pub slot: Slot,
    pub place: &'a str,
    pub message: &'a str,
    /// Tell the recipient (the demo's made-up people are not told).
    pub notify: bool,
}

/// Sends a meeting request from `from_account` to the profile's owner, who is told.
pub async fn request(
    tx: &mut Tx,
    (site, edition): (&SiteAddress, &EditionRow),
    from_account: i64,
    p: &Proposal<'_>,
    now: i64,
) -> AppResult<Result<String, Refused>> {
    if p.to.account_id == from_account {
        return Ok(Err(Refused::OwnProfile));
    }
    let sent = queries::sent_since(tx, edition.id, from_account, now - rules::DAY_MS).await?;
    if !rules::under_daily_limit(sent) {
        return Ok(Err(Refused::DailyLimit));
    }
    let new = NewMeeting {
        edition_id: edition.id,
        from_account,
        to_account: p.to.account_id,
        slot: p.slot,
        place: p.place,
        message: p.message,
    };
    let Some(public_id) = queries::insert_meeting(tx, &new, now).await? else {
        return Ok(Err(Refused::AlreadyPending));
    };
    let details = serde_json::json!({
        "to": p.to.public_id, "starts_at": p.slot.starts_at, "ends_at": p.slot.ends_at,
    });
    audit::Entry::by(
        from_account,
        audit::Action::MeetingRequested,
        &format!("meeting:{public_id}"),
        details,
    )
    .append(tx, now)
    .await?;
    if p.notify {
        let told = Told {
            public_id: &public_id,
            status: Status::Pending,
            by_account: from_account,
            to_account: p.to.account_id,
            starts_at: p.slot.starts_at,
        };
        tell(tx, (site, edition), &told, now).await?;
    }
    Ok(Ok(public_id))
}

/// Accepts, declines or cancels a request on behalf of `actor` (one of its sides); the other
/// side is told.
pub async fn act(
    tx: &mut Tx,
    (site, edition): (&SiteAddress, &EditionRow),
    (meeting, what): (&MeetingRow, Act),
    (actor, now): (i64, i64),
    notify: bool,
) -> AppResult<Result<Status, Refused>> {
    let (side, other) = if actor == meeting.from_account {
        (Side::Sender, meeting.to_account)
    } else {
        (Side::Recipient, meeting.from_account)
    };
    let Some(to) = rules::next(meeting.status, side, what) else {
        return Ok(Err(Refused::Stale));
    };
    if !queries::set_status(tx, meeting.id, (meeting.status, to), now).await? {
        return Ok(Err(Refused::Stale));
    }
    let action = match to {
        Status::Accepted => audit::Action::MeetingAccepted,
        Status::Declined => audit::Action::MeetingDeclined,
        Status::Cancelled | Status::Pending => audit::Action::MeetingCancelled,
    };
    let details = serde_json::json!({ "was": meeting.status.as_str(), "status": to.as_str() });
    audit::Entry::by(
        actor,
        action,
        &format!("meeting:{}", meeting.public_id),
        details,
    )
    .append(tx, now)
    .await?;
    if notify {
        let told = Told {
            public_id: &meeting.public_id,
            status: to,
            by_account: actor,
            to_account: other,
            starts_at: meeting.starts_at,
        };
        tell(tx, (site, edition), &told, now).await?;
    }
    Ok(Ok(to))
}

/// What the other person is told about.
struct Told<'a> {
    public_id: &'a str,
    status: Status,
    by_account: i64,
    to_account: i64,
    starts_at: i64,
}

/// Queues the short message (one or two SMS parts) telling `to_account` what `by_account`
/// did, with the link to their meetings; the details (message, contacts) stay on the page.
async fn tell(
    tx: &mut Tx,
    (site, edition): (&SiteAddress, &EditionRow),
    t: &Told<'_>,
    now: i64,
) -> AppResult<()> {
    let Some(contact) = crate::registration::queries::contact(tx, t.to_account).await? else {
        return Ok(());
    };
    let Some((channel, recipient)) =
        outbox::channel_for(contact.email.as_deref(), contact.phone.as_deref())
    else {
        return Ok(());
    };
    let name = queries::name_tx(tx, t.by_account)
        .await?
        .unwrap_or_default();
    let lang = Lang::parse(&contact.locale).unwrap_or(Lang::Fr);
    let when = jiff::Timestamp::from_millisecond(t.starts_at)
        .map(|at| format_instant(lang, at, edition.timezone.tz()))
        .unwrap_or_default();
    let args = [
        ("event", edition.name(lang)),
        ("name", name),
        ("when", when),
        (
            "link",
            site.link(&format!("/networking/{}/meetings", edition.slug)),
        ),
    ];
    let key = match t.status {
        Status::Pending => "networking-message-requested",
        Status::Accepted => "networking-message-accepted",
        Status::Declined => "networking-message-declined",
        Status::Cancelled => "networking-message-cancelled",
    };
    let message = NewMessage {
        idempotency_key: format!(
            "meeting:{}:{}:{}",
            t.public_id,
            t.status.as_str(),
            channel.as_str()
        ),
        channel,
        recipient,
        subject: tr_args(lang, "networking-message-subject", &args),
        body: tr_args(lang, key, &args),
        edition_id: Some(edition.id),
    };
    outbox::enqueue(tx, &message, now).await?;
    Ok(())
}
