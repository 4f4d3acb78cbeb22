//! Re-derives from the audit log what the judged data must be (submitted score sheets,
//! eligibility decisions, the locked and published shortlist, results publications, the
//! final's settings and pitch timings) and compares it with the rows stored now. No I/O: the
//! caller loads the log and the rows. A new write that changes these rows must record enough
//! in its audit details to be re-derived here (and its action be listed in `JUDGED_ACTIONS`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use super::Action;

/// One audit entry, its details parsed.
#[derive(Debug, Clone)]
pub struct Logged {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub object: String,
    pub details: Value,
    pub hash: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SheetNow {
    pub id: i64,
    pub round_id: i64,
    /// The dossier's public id (audit entries name dossiers by it).
    pub application: String,
    pub reviewer_id: i64,
    pub points_json: String,
    pub comments_json: String,
    pub status: String,
    pub submitted_at: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationNow {
    pub id: i64,
    pub public_id: String,
    pub reference: Option<String>,
    pub status: String,
    pub status_reason: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShortlistNow {
    pub edition_id: i64,
    pub edition: String,
    pub status: String,
    pub locked_at: Option<i64>,
    pub published_at: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShortlistEntryNow {
    pub edition_id: i64,
    pub application_id: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublicationNow {
    pub id: i64,
    pub edition: String,
    pub version: i64,
    pub laureates_json: String,
    pub reason: String,
    pub chain_head: String,
    pub published_at: i64,
    pub actor_id: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JurySettingsNow {
    pub round_id: i64,
    pub allowed_secs: i64,
    pub cumulate: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PitchNow {
    pub id: i64,
    pub application: String,
    pub timer_started_at: Option<i64>,
    pub timer_stopped_at: Option<i64>,
    pub measured_secs: Option<i64>,
}

/// The rows stored now. Shortlist entries in position order.
#[derive(Debug, Clone, Default)]
pub struct Stored {
    pub sheets: Vec<SheetNow>,
    pub applications: Vec<ApplicationNow>,
    pub shortlists: Vec<ShortlistNow>,
    pub shortlist_entries: Vec<ShortlistEntryNow>,
    pub publications: Vec<PublicationNow>,
    pub jury_settings: Vec<JurySettingsNow>,
    pub pitches: Vec<PitchNow>,
}

/// A stored value that differs from what the audit log says it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub table: &'static str,
    pub id: String,
    pub field: String,
    pub stored: String,
    pub expected: String,
    /// The audit entry the expectation comes from, if any.
    pub entry: Option<i64>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} id {} field {}: stored {}, audit log says {}",
            self.table, self.id, self.field, self.stored, self.expected
        )?;
        if let Some(entry) = self.entry {
            write!(f, " (entry {entry})")?;
        }
        Ok(())
    }
}

/// The digest of a sheet's comments recorded in its audit entry: SHA-256 of the comments as
/// the sheet stores them (a JSON object with sorted keys).
pub fn comments_digest(comments: &BTreeMap<String, String>) -> String {
    let canonical = serde_json::to_string(comments).unwrap_or_default();
    crate::crypto::sha256_hex(canonical.as_bytes())
}

fn show<T: fmt::Debug>(v: &Option<T>) -> String {
    match v {
        Some(v) => format!("{v:?}"),
        None => "nothing".into(),
    }
}

fn unreadable(e: &Logged, what: &str) -> Mismatch {
    Mismatch {
        table: "audit_log",
        id: e.id.to_string(),
        field: "details".into(),
        stored: format!("{} without a readable {what}", e.action),
        expected: format!("a {what}"),
        entry: Some(e.id),
    }
}

struct Collector(Vec<Mismatch>);

impl Collector {
    fn differ(
        &mut self,
        table: &'static str,
        id: impl ToString,
        field: &str,
        stored: String,
        expected: String,
        entry: Option<i64>,
    ) {
        if stored != expected {
            self.0.push(Mismatch {
                table,
                id: id.to_string(),
                field: field.into(),
                stored,
                expected,
                entry,
            });
        }
    }
}

/// Compares the stored rows with what the log says; an empty list means they agree.
pub fn compare(log: &[Logged], stored: &Stored) -> Vec<Mismatch> {
    let mut out = Collector(Vec::new());
    sheets(log, stored, &mut out);
    decisions(log, stored, &mut out);
    shortlists(log, stored, &mut out);
    publications(log, stored, &mut out);
    jury_settings(log, stored, &mut out);
    pitches(log, stored, &mut out);
    out.0
}

fn dossier_of(object: &str) -> Option<&str> {
    object.strip_prefix("application:")
}

fn edition_of(object: &str) -> Option<&str> {
    object.strip_prefix("edition:")
}

struct ExpectedSheet<'a> {
    entry: &'a Logged,
    points: BTreeMap<String, u32>,
    comments: Option<&'a str>,
}

/// What a sheet must be after the last entry about it.
enum SheetState<'a> {
    Submitted(ExpectedSheet<'a>),
    /// An organiser reopened it: a draft again (its scores the reviewer's to change), until
    /// the next submission.
    Reopened(&'a Logged),
}

fn sheets(log: &[Logged], stored: &Stored, out: &mut Collector) {
    // (round, dossier, reviewer) → the last submission or reopening; a submitted sheet is
    // rewritten only through a reopening and a new submission, both logged.
    let mut expected: BTreeMap<(i64, &str, i64), SheetState> = BTreeMap::new();
    for e in log {
        if e.action == Action::ReviewScoreReopened.as_str() {
            let round = e.details.get("round_id").and_then(Value::as_i64);
            let reviewer = e.details.get("reviewer_id").and_then(Value::as_i64);
            let (Some(round), Some(dossier), Some(reviewer)) =
                (round, dossier_of(&e.object), reviewer)
            else {
                out.0.push(unreadable(e, "reopened score sheet"));
                continue;
            };
            expected.insert((round, dossier, reviewer), SheetState::Reopened(e));
            continue;
        }
        if e.action != Action::ReviewScoreSubmitted.as_str() {
            continue;
        }
        let round = e.details.get("round_id").and_then(Value::as_i64);
        let points = e
            .details
            .get("points")
            .and_then(|p| serde_json::from_value::<BTreeMap<String, u32>>(p.clone()).ok());
        let (Some(round), Some(points), Some(dossier), Some(reviewer)) =
            (round, points, dossier_of(&e.object), e.actor_id)
        else {
            out.0.push(unreadable(e, "score sheet"));
            continue;
        };
        let comments = e.details.get("comments_sha256").and_then(Value::as_str);
        expected.insert(
            (round, dossier, reviewer),
            SheetState::Submitted(ExpectedSheet {
                entry: e,
                points,
                comments,
            }),
        );
    }
    for s in &stored.sheets {
        let key = (s.round_id, s.application.as_str(), s.reviewer_id);
        let state = expected.remove(&key);
        if let Some(SheetState::Reopened(e)) = state {
            out.differ(
                "score_sheets",
                s.id,
                "status",
                s.status.clone(),
                "draft".into(),
                Some(e.id),
            );
            out.differ(
                "score_sheets",
                s.id,
                "submitted_at",
                show(&s.submitted_at),
                show::<i64>(&None),
                Some(e.id),
            );
            continue;
        }
        let Some(SheetState::Submitted(x)) = state else {
            if s.status == "submitted" {
                out.differ(
                    "score_sheets",
                    s.id,
                    "status",
                    "submitted".into(),
                    "no submission in the audit log".into(),
                    None,
                );
            }
            continue;
        };
        let entry = Some(x.entry.id);
        out.differ(
            "score_sheets",
            s.id,
            "status",
            s.status.clone(),
            "submitted".into(),
            entry,
        );
        out.differ(
            "score_sheets",
            s.id,
            "submitted_at",
            show(&s.submitted_at),
            show(&Some(x.entry.at)),
            entry,
        );
        match serde_json::from_str::<BTreeMap<String, u32>>(&s.points_json) {
            Ok(points) => {
                let criteria: BTreeSet<&String> = points.keys().chain(x.points.keys()).collect();
                for c in criteria {
                    out.differ(
                        "score_sheets",
                        s.id,
                        &format!("points_json.{c}"),
                        show(&points.get(c)),
                        show(&x.points.get(c)),
                        entry,
                    );
                }
            }
            Err(_) => out.differ(
                "score_sheets",
                s.id,
                "points_json",
                s.points_json.clone(),
                serde_json::to_string(&x.points).unwrap_or_default(),
                entry,
            ),
        }
        if let Some(digest) = x.comments {
            let now = serde_json::from_str::<BTreeMap<String, String>>(&s.comments_json)
                .map(|c| comments_digest(&c))
                .unwrap_or_else(|_| "unreadable JSON".into());
            out.differ(
                "score_sheets",
                s.id,
                "comments_json",
                format!("digest {now}"),
                format!("digest {digest}"),
                entry,
            );
        }
    }
    for ((round, dossier, reviewer), state) in expected {
        // A reopened draft may be deleted like any draft (a conflict declared since).
        let SheetState::Submitted(x) = state else {
            continue;
        };
        out.0.push(Mismatch {
            table: "score_sheets",
            id: format!("(round {round}, dossier {dossier}, reviewer {reviewer})"),
            field: "row".into(),
            stored: "nothing".into(),
            expected: "a submitted sheet".into(),
            entry: Some(x.entry.id),
        });
    }
}

/// Eligibility: the organisers' last decision stands until the applicant submits again or
/// withdraws.
fn decisions(log: &[Logged], stored: &Stored, out: &mut Collector) {
    let mut last: BTreeMap<&str, Option<&Logged>> = BTreeMap::new();
    for e in log {
        match e.action.as_str() {
            "application.status" => {
                last.insert(&e.object, Some(e));
            }
            "application.submit" | "application.withdraw" => {
                last.insert(&e.object, None);
            }
            _ => {}
        }
    }
    for a in &stored.applications {
        let decision = a
            .reference
            .as_deref()
            .and_then(|r| last.get(r))
            .or_else(|| last.get(a.public_id.as_str()))
            .copied()
            .flatten();
        let Some(e) = decision else {
            if matches!(a.status.as_str(), "eligible" | "ineligible") {
                out.differ(
                    "applications",
                    a.id,
                    "status",
                    a.status.clone(),
                    "no decision in the audit log".into(),
                    None,
                );
            }
            continue;
        };
        let Some(to) = e.details.get("to").and_then(Value::as_str) else {
            out.0.push(unreadable(e, "decision"));
            continue;
        };
        out.differ(
            "applications",
            a.id,
            "status",
            a.status.clone(),
            to.to_owned(),
            Some(e.id),
        );
        if let Some(reason) = e.details.get("reason").and_then(Value::as_str) {
            let reason = (!reason.is_empty()).then(|| reason.to_owned());
            out.differ(
                "applications",
                a.id,
                "status_reason",
                show(&a.status_reason),
                show(&reason),
                Some(e.id),
            );
        }
    }
}

fn ids(v: Option<&Value>) -> Option<Vec<i64>> {
    v.and_then(Value::as_array)
        .and_then(|a| a.iter().map(Value::as_i64).collect())
}

/// Once locked, the shortlist's dossiers (and their order) are those of the lock; publishing
/// keeps them.
fn shortlists(log: &[Logged], stored: &Stored, out: &mut Collector) {
    struct Expected<'a> {
        locked: Option<(&'a Logged, Vec<i64>)>,
        published: Option<(&'a Logged, BTreeSet<i64>)>,
    }
    let mut expected: BTreeMap<&str, Expected> = BTreeMap::new();
    for e in log {
        let (Some(edition), "shortlist.locked" | "shortlist.published") =
            (edition_of(&e.object), e.action.as_str())
        else {
            continue;
        };
        let Some(finalists) = ids(e.details.get("finalists")) else {
            out.0.push(unreadable(e, "list of finalists"));
            continue;
        };
        let x = expected.entry(edition).or_insert(Expected {
            locked: None,
            published: None,
        });
        if e.action == Action::ShortlistLocked.as_str() {
            x.locked = Some((e, finalists));
        } else {
            x.published = Some((e, finalists.into_iter().collect()));
        }
    }
    for s in &stored.shortlists {
        let entries: Vec<i64> = stored
            .shortlist_entries
            .iter()
            .filter(|x| x.edition_id == s.edition_id)
            .map(|x| x.application_id)
            .collect();
        let Some(x) = expected.remove(s.edition.as_str()) else {
            if s.status != "draft" {
                out.differ(
                    "shortlists",
                    s.edition_id,
                    "status",
                    s.status.clone(),
                    "draft (no lock in the audit log)".into(),
                    None,
                );
            }
            continue;
        };
        let status = if x.published.is_some() {
            "published"
        } else {
            "locked"
        };
        let last = x.published.as_ref().map(|(e, _)| e.id);
        out.differ(
            "shortlists",
            s.edition_id,
            "status",
            s.status.clone(),
            status.into(),
            last.or(x.locked.as_ref().map(|(e, _)| e.id)),
        );
        if let Some((e, _)) = &x.published {
            out.differ(
                "shortlists",
                s.edition_id,
                "published_at",
                show(&s.published_at),
                show(&Some(e.at)),
                Some(e.id),
            );
        }
        match (&x.locked, &x.published) {
            (Some((e, order)), _) => {
                out.differ(
                    "shortlists",
                    s.edition_id,
                    "locked_at",
                    show(&s.locked_at),
                    show(&Some(e.at)),
                    Some(e.id),
                );
                entry_set(
                    s.edition_id,
                    &entries,
                    &order.iter().copied().collect(),
                    e.id,
                    out,
                );
                // Order among the dossiers still present, so that one missing finalist is
                // named once rather than shifting every later position.
                let kept: Vec<i64> = order
                    .iter()
                    .filter(|id| entries.contains(id))
                    .copied()
                    .collect();
                let now: Vec<i64> = entries
                    .iter()
                    .filter(|id| order.contains(id))
                    .copied()
                    .collect();
                let rank =
                    |list: &[i64], id: i64| list.iter().position(|x| *x == id).map(|p| p + 1);
                for id in &kept {
                    out.differ(
                        "shortlist_entries",
                        format!("({}, {id})", s.edition_id),
                        "position",
                        show(&rank(&now, *id)),
                        show(&rank(&kept, *id)),
                        Some(e.id),
                    );
                }
            }
            (None, Some((e, finalists))) => entry_set(s.edition_id, &entries, finalists, e.id, out),
            (None, None) => {}
        }
    }
    for (edition, x) in expected {
        let entry = x
            .published
            .map(|(e, _)| e.id)
            .or(x.locked.map(|(e, _)| e.id));
        out.0.push(Mismatch {
            table: "shortlists",
            id: format!("(edition {edition})"),
            field: "row".into(),
            stored: "nothing".into(),
            expected: "a locked shortlist".into(),
            entry,
        });
    }
}

/// The dossiers of a shortlist: each finalist present, nobody else.
fn entry_set(
    edition_id: i64,
    entries: &[i64],
    finalists: &BTreeSet<i64>,
    entry: i64,
    out: &mut Collector,
) {
    let present: BTreeSet<i64> = entries.iter().copied().collect();
    for id in present.symmetric_difference(finalists) {
        let is_finalist = finalists.contains(id);
        out.0.push(Mismatch {
            table: "shortlist_entries",
            id: format!("({edition_id}, {id})"),
            field: "application_id".into(),
            stored: if is_finalist { "absent" } else { "present" }.into(),
            expected: if is_finalist {
                "a finalist"
            } else {
                "not a finalist"
            }
            .into(),
            entry: Some(entry),
        });
    }
}

fn publications(log: &[Logged], stored: &Stored, out: &mut Collector) {
    let mut expected: BTreeMap<(&str, i64), &Logged> = BTreeMap::new();
    for e in log {
        let (Some(edition), "results.published" | "results.corrected") =
            (edition_of(&e.object), e.action.as_str())
        else {
            continue;
        };
        match e.details.get("version").and_then(Value::as_i64) {
            Some(version) => {
                expected.insert((edition, version), e);
            }
            None => out.0.push(unreadable(e, "version")),
        }
    }
    for p in &stored.publications {
        let Some(e) = expected.remove(&(p.edition.as_str(), p.version)) else {
            out.differ(
                "results_publications",
                p.id,
                "row",
                format!("version {} of {}", p.version, p.edition),
                "no publication in the audit log".into(),
                None,
            );
            continue;
        };
        let entry = Some(e.id);
        if let Some(digest) = e.details.get("snapshot_sha256").and_then(Value::as_str) {
            out.differ(
                "results_publications",
                p.id,
                "laureates_json",
                format!(
                    "digest {}",
                    crate::crypto::sha256_hex(p.laureates_json.as_bytes())
                ),
                format!("digest {digest}"),
                entry,
            );
        }
        if let Some(reason) = e.details.get("reason").and_then(Value::as_str) {
            out.differ(
                "results_publications",
                p.id,
                "reason",
                p.reason.clone(),
                reason.to_owned(),
                entry,
            );
        }
        out.differ(
            "results_publications",
            p.id,
            "chain_head",
            p.chain_head.clone(),
            e.hash.clone(),
            entry,
        );
        out.differ(
            "results_publications",
            p.id,
            "published_at",
            p.published_at.to_string(),
            e.at.to_string(),
            entry,
        );
        out.differ(
            "results_publications",
            p.id,
            "actor_id",
            show(&Some(p.actor_id)),
            show(&e.actor_id),
            entry,
        );
    }
    for ((edition, version), e) in expected {
        out.0.push(Mismatch {
            table: "results_publications",
            id: format!("(edition {edition}, version {version})"),
            field: "row".into(),
            stored: "nothing".into(),
            expected: "a publication".into(),
            entry: Some(e.id),
        });
    }
}

fn jury_settings(log: &[Logged], stored: &Stored, out: &mut Collector) {
    /// Each setting as last set, and the entry that set it.
    #[derive(Default)]
    struct Expected<'a> {
        allowed: Option<(&'a Logged, i64)>,
        cumulate: Option<(&'a Logged, bool)>,
    }
    let mut expected: BTreeMap<i64, Expected> = BTreeMap::new();
    for e in log
        .iter()
        .filter(|e| e.action == Action::JurySettingsChanged.as_str())
    {
        let Some(round) = e
            .object
            .strip_prefix("round:")
            .and_then(|r| r.parse::<i64>().ok())
        else {
            out.0.push(unreadable(e, "round"));
            continue;
        };
        let x = expected.entry(round).or_default();
        if let Some(v) = e.details.get("allowed_secs").and_then(Value::as_i64) {
            x.allowed = Some((e, v));
        }
        if let Some(v) = e.details.get("cumulate").and_then(Value::as_bool) {
            x.cumulate = Some((e, v));
        }
    }
    for s in &stored.jury_settings {
        let Some(Expected { allowed, cumulate }) = expected.remove(&s.round_id) else {
            continue;
        };
        if let Some((e, v)) = allowed {
            out.differ(
                "jury_settings",
                s.round_id,
                "allowed_secs",
                s.allowed_secs.to_string(),
                v.to_string(),
                Some(e.id),
            );
        }
        if let Some((e, v)) = cumulate {
            out.differ(
                "jury_settings",
                s.round_id,
                "cumulate",
                s.cumulate.to_string(),
                v.to_string(),
                Some(e.id),
            );
        }
    }
    for (round, Expected { allowed, cumulate }) in expected {
        let entry = allowed.map(|(e, _)| e.id).or(cumulate.map(|(e, _)| e.id));
        out.0.push(Mismatch {
            table: "jury_settings",
            id: round.to_string(),
            field: "row".into(),
            stored: "nothing".into(),
            expected: "the final's settings".into(),
            entry,
        });
    }
}

/// The organisers' timer: the last start or stop of each pitch.
fn pitches(log: &[Logged], stored: &Stored, out: &mut Collector) {
    let mut last: BTreeMap<&str, &Logged> = BTreeMap::new();
    for e in log {
        if let (Some(dossier), "jury.pitch_started" | "jury.pitch_timed") =
            (dossier_of(&e.object), e.action.as_str())
        {
            last.insert(dossier, e);
        }
    }
    for p in &stored.pitches {
        let Some(e) = last.get(p.application.as_str()) else {
            continue;
        };
        let field = |key: &str| e.details.get(key).and_then(Value::as_i64);
        let (started, stopped, measured) = if e.action == Action::JuryPitchStarted.as_str() {
            (field("started_at"), None, None)
        } else {
            (
                field("started_at"),
                field("stopped_at"),
                field("measured_secs"),
            )
        };
        for (name, now, then) in [
            ("timer_started_at", p.timer_started_at, started),
            ("timer_stopped_at", p.timer_stopped_at, stopped),
            ("measured_secs", p.measured_secs, measured),
        ] {
            out.differ(
                "pitch_slots",
                p.id,
                name,
                show(&now),
                show(&then),
                Some(e.id),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn entry(id: i64, actor: i64, action: &str, object: &str, details: Value) -> Logged {
        Logged {
            id,
            at: 1000 + id,
            actor_id: Some(actor),
            action: action.into(),
            object: object.into(),
            details,
            hash: format!("hash{id}"),
        }
    }

    fn score(id: i64, reviewer: i64, points: Value) -> Logged {
        let comments = comments_digest(&BTreeMap::new());
        entry(
            id,
            reviewer,
            "review.score_submitted",
            "application:abc",
            json!({ "round_id": 7, "points": points, "comments_sha256": comments }),
        )
    }

    fn sheet(id: i64, reviewer: i64, points: &str, submitted_at: i64) -> SheetNow {
        SheetNow {
            id,
            round_id: 7,
            application: "abc".into(),
            reviewer_id: reviewer,
            points_json: points.into(),
            comments_json: "{}".into(),
            status: "submitted".into(),
            submitted_at: Some(submitted_at),
        }
    }

    #[test]
    fn a_sheet_as_submitted_agrees() {
        let log = [score(1, 5, json!({ "impact": 7, "team": 4 }))];
        let stored = Stored {
            sheets: vec![sheet(40, 5, r#"{"impact":7,"team":4}"#, 1001)],
            ..Stored::default()
        };
        assert_eq!(compare(&log, &stored), vec![]);
    }

    #[test]
    fn an_altered_point_is_named_by_table_id_and_criterion() {
        let log = [score(1, 5, json!({ "impact": 7, "team": 4 }))];
        let stored = Stored {
            sheets: vec![sheet(40, 5, r#"{"impact":9,"team":4}"#, 1001)],
            ..Stored::default()
        };
        let found = compare(&log, &stored);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].table, "score_sheets");
        assert_eq!(found[0].id, "40");
        assert_eq!(found[0].field, "points_json.impact");
        assert_eq!(
            (found[0].stored.as_str(), found[0].expected.as_str()),
            ("9", "7")
        );
        assert_eq!(found[0].entry, Some(1));
    }

    #[test]
    fn altered_comments_a_reopened_status_and_a_forged_sheet_are_named() {
        let log = [score(1, 5, json!({ "impact": 7 }))];
        let mut altered = sheet(40, 5, r#"{"impact":7}"#, 1001);
        altered.comments_json = r#"{"impact":"excellent"}"#.into();
        altered.status = "draft".into();
        let forged = sheet(41, 6, r#"{"impact":10}"#, 1001);
        let found = compare(
            &log,
            &Stored {
                sheets: vec![altered, forged],
                ..Stored::default()
            },
        );
        let named: Vec<(&str, &str)> = found
            .iter()
            .map(|m| (m.id.as_str(), m.field.as_str()))
            .collect();
        assert_eq!(
            named,
            [("40", "status"), ("40", "comments_json"), ("41", "status")]
        );
    }

    fn reopened(id: i64, organiser: i64, reviewer: i64) -> Logged {
        entry(
            id,
            organiser,
            "review.score_reopened",
            "application:abc",
            json!({ "round_id": 7, "reviewer_id": reviewer, "reason": "Barème mal lu" }),
        )
    }

    #[test]
    fn a_reopened_sheet_is_a_draft_until_submitted_again() {
        let first = score(1, 5, json!({ "impact": 7 }));
        let reopen = reopened(2, 9, 5);
        let mut draft = sheet(40, 5, r#"{"impact":3}"#, 0);
        draft.status = "draft".into();
        draft.submitted_at = None;
        let stored = |s: SheetNow| Stored {
            sheets: vec![s],
            ..Stored::default()
        };
        // Reopened: a draft whose points the reviewer may change.
        let log = [first.clone(), reopen.clone()];
        assert_eq!(compare(&log, &stored(draft.clone())), vec![]);
        // Put back to "submitted" behind the log's back: named.
        let mut forced = draft.clone();
        forced.status = "submitted".into();
        forced.submitted_at = Some(1001);
        let found = compare(&log, &stored(forced));
        let named: Vec<&str> = found.iter().map(|m| m.field.as_str()).collect();
        assert_eq!(named, ["status", "submitted_at"]);
        // Submitted again: the new scores are expected, and a change to them is named.
        let again = score(3, 5, json!({ "impact": 4 }));
        let log = [first, reopen, again];
        assert_eq!(
            compare(&log, &stored(sheet(40, 5, r#"{"impact":4}"#, 1003))),
            vec![]
        );
        let found = compare(&log, &stored(sheet(40, 5, r#"{"impact":7}"#, 1003)));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].field.as_str(), found[0].entry),
            ("points_json.impact", Some(3))
        );
        // A reopening without the reviewer is reported as unreadable.
        let broken = entry(4, 9, "review.score_reopened", "application:abc", json!({}));
        let found = compare(&[broken], &Stored::default());
        assert_eq!(
            (found[0].table, found[0].field.as_str()),
            ("audit_log", "details")
        );
    }

    #[test]
    fn a_deleted_sheet_is_missing() {
        let log = [score(1, 5, json!({ "impact": 7 }))];
        let found = compare(&log, &Stored::default());
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].table, found[0].field.as_str()),
            ("score_sheets", "row")
        );
    }

    fn dossier(status: &str, reason: Option<&str>) -> ApplicationNow {
        ApplicationNow {
            id: 3,
            public_id: "p3".into(),
            reference: Some("SDN26-STA-0003".into()),
            status: status.into(),
            status_reason: reason.map(Into::into),
        }
    }

    #[test]
    fn eligibility_follows_the_last_decision_until_a_new_submission() {
        let decided = entry(
            1,
            9,
            "application.status",
            "SDN26-STA-0003",
            json!({ "from": "submitted", "to": "ineligible", "reason": "Hors délai" }),
        );
        let stored = |status, reason| Stored {
            applications: vec![dossier(status, reason)],
            ..Stored::default()
        };
        assert_eq!(
            compare(
                std::slice::from_ref(&decided),
                &stored("ineligible", Some("Hors délai"))
            ),
            vec![]
        );
        let found = compare(std::slice::from_ref(&decided), &stored("eligible", None));
        let fields: Vec<&str> = found.iter().map(|m| m.field.as_str()).collect();
        assert_eq!(fields, ["status", "status_reason"]);
        assert_eq!(found[0].table, "applications");
        assert_eq!(found[0].id, "3");
        // Never decided, yet eligible.
        let found = compare(&[], &stored("eligible", None));
        assert_eq!(found.len(), 1);
        // Submitted again after the decision: waiting for a new one.
        let resubmitted = entry(2, 4, "application.submit", "SDN26-STA-0003", json!({}));
        assert_eq!(
            compare(&[decided, resubmitted], &stored("submitted", None)),
            vec![]
        );
    }

    fn publication(laureates: &str) -> PublicationNow {
        PublicationNow {
            id: 2,
            edition: "sdn-2026".into(),
            version: 1,
            laureates_json: laureates.into(),
            reason: String::new(),
            chain_head: "hash1".into(),
            published_at: 1001,
            actor_id: 9,
        }
    }

    #[test]
    fn a_rewritten_results_snapshot_is_named() {
        let json = r#"{"laureates":[]}"#;
        let log = [entry(
            1,
            9,
            "results.published",
            "edition:sdn-2026",
            json!({
                "version": 1, "reason": "",
                "snapshot_sha256": crate::crypto::sha256_hex(json.as_bytes()),
            }),
        )];
        let stored = |laureates: &str| Stored {
            publications: vec![publication(laureates)],
            ..Stored::default()
        };
        assert_eq!(compare(&log, &stored(json)), vec![]);
        let found = compare(&log, &stored(r#"{"laureates":[1]}"#));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (
                found[0].table,
                found[0].id.as_str(),
                found[0].field.as_str()
            ),
            ("results_publications", "2", "laureates_json")
        );
    }

    #[test]
    fn a_locked_shortlist_keeps_its_finalists_and_order() {
        let log = [
            entry(
                1,
                9,
                "shortlist.locked",
                "edition:sdn-2026",
                json!({ "finalists": [30, 10, 20] }),
            ),
            entry(
                2,
                9,
                "shortlist.published",
                "edition:sdn-2026",
                json!({ "finalists": [10, 20, 30] }),
            ),
        ];
        let stored = |entries: &[i64]| Stored {
            shortlists: vec![ShortlistNow {
                edition_id: 1,
                edition: "sdn-2026".into(),
                status: "published".into(),
                locked_at: Some(1001),
                published_at: Some(1002),
            }],
            shortlist_entries: entries
                .iter()
                .map(|id| ShortlistEntryNow {
                    edition_id: 1,
                    application_id: *id,
                })
                .collect(),
            ..Stored::default()
        };
        assert_eq!(compare(&log, &stored(&[30, 10, 20])), vec![]);
        let swapped = compare(&log, &stored(&[10, 30, 20]));
        assert!(swapped.iter().all(|m| m.field == "position"), "{swapped:?}");
        assert_eq!(swapped.len(), 2);
        let replaced = compare(&log, &stored(&[30, 10, 40]));
        let named: BTreeSet<&str> = replaced.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(named, BTreeSet::from(["(1, 20)", "(1, 40)"]));
    }

    #[test]
    fn pitch_timings_and_jury_settings_follow_the_log() {
        let log = [
            entry(
                1,
                9,
                "jury.settings_changed",
                "round:4",
                json!({ "allowed_secs": 240 }),
            ),
            entry(
                2,
                9,
                "jury.pitch_timed",
                "application:abc",
                json!({ "started_at": 10, "stopped_at": 250_010, "measured_secs": 250 }),
            ),
        ];
        let stored = |measured| Stored {
            jury_settings: vec![JurySettingsNow {
                round_id: 4,
                allowed_secs: 240,
                cumulate: false,
            }],
            pitches: vec![PitchNow {
                id: 8,
                application: "abc".into(),
                timer_started_at: Some(10),
                timer_stopped_at: Some(250_010),
                measured_secs: Some(measured),
            }],
            ..Stored::default()
        };
        assert_eq!(compare(&log, &stored(250)), vec![]);
        let found = compare(&log, &stored(200));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].table, found[0].field.as_str()),
            ("pitch_slots", "measured_secs")
        );
    }

    proptest! {
        /// Whatever the points, a sheet agrees with its own submission, and changing any one
        /// criterion is named by that criterion alone.
        #[test]
        fn any_single_changed_point_is_named(
            points in proptest::collection::btree_map("[a-z]{1,8}", 0u32..=20, 1..8),
            pick in any::<proptest::sample::Index>(),
            delta in 1u32..5,
        ) {
            let log = [score(1, 5, json!(points))];
            let json = serde_json::to_string(&points).unwrap_or_default();
            let stored = Stored { sheets: vec![sheet(40, 5, &json, 1001)], ..Stored::default() };
            prop_assert_eq!(compare(&log, &stored), vec![]);
            let mut altered = points.clone();
            let key = pick.get(&points.keys().cloned().collect::<Vec<_>>()).clone();
            *altered.entry(key.clone()).or_default() += delta;
            let json = serde_json::to_string(&altered).unwrap_or_default();
            let stored = Stored { sheets: vec![sheet(40, 5, &json, 1001)], ..Stored::default() };
            let found = compare(&log, &stored);
            prop_assert_eq!(found.len(), 1);
            prop_assert_eq!(found[0].field.clone(), format!("points_json.{key}"));
        }
    }
}
