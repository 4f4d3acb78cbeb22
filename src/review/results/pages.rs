//! Publication of the results and the public pages: the laureates per category and the
//! special prize, the history of corrections, and a printable certificate per laureate.
//!
//! Results are never edited in place: each publication is a new version holding a
//! self-contained snapshot, appended to the audit log in the same transaction; the hash of
//! that audit entry (the chain head) is stored with it and shown on the public page as the
//! record's seal; `kene audit verify` checks the chain and that the stored snapshot is the
//! one the log recorded. A correction
//! is a new version with a mandatory reason; the page shows what changed and why.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::certificate_pdf;
use crate::calls::queries::{self as calls, EditionRow};
use crate::db::{Db, DbResult};
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::review::names::{edition_tz, format_at, place_label, team_name};
use crate::review::publication::{publications, PublicDossier, PublicationRow, Snapshot};
use crate::review::rules::prizes::{self, Change};
use crate::run;
use crate::web::ctx::{Ctx, SiteAddress};
use crate::web::error::{AppError, AppResult};
use crate::web::public_cache::public_page;
use crate::web::state::AppState;
use crate::web::templates::{qr_svg, render, render_with_status};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/results/{edition}", get(public_results))
        .route(
            "/results/{edition}/certificates/{reference}",
            get(certificate),
        )
        .route(
            "/results/{edition}/certificates/{reference}/pdf",
            get(certificate_download),
        )
        .route(
            "/results/{edition}/verify/{reference}",
            get(verify_certificate),
        )
        .route("/pitches/{edition}", get(public_pitches))
}

// ---------------------------------------------------------------------------------------
// Public pages
// ---------------------------------------------------------------------------------------

pub struct LaureateView {
    pub place: String,
    pub reference: String,
    pub title: String,
    pub team: String,
    pub certificate: String,
    /// The place was won on an exact tie: how it was broken.
    pub tie: Option<String>,
}

pub struct CategoryView {
    pub name: String,
    pub laureates: Vec<LaureateView>,
}

pub struct HistoryEntry {
    pub version: i64,
    pub published: String,
    pub head: String,
    pub reason: String,
    pub changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "review/results/public.html")]
pub struct PublicResultsTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub version: i64,
    pub published: String,
    pub head: String,
    pub categories: Vec<CategoryView>,
    pub special: Option<LaureateView>,
    pub cumulate: bool,
    pub history: Vec<HistoryEntry>,
}

impl PublicResultsTemplate {
    /// The first characters of the seal: enough to compare by eye or read over the phone.
    pub fn short_seal(&self) -> &str {
        self.head.get(..12).unwrap_or(&self.head)
    }
}

/// The edition and its publications (newest first); 404 until something is published.
async fn published(app: &AppState, slug: &str) -> AppResult<(EditionRow, Vec<PublicationRow>)> {
    let edition = calls::edition_by_slug(&app.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let list = publications(&app.db, edition.id).await?;
    if list.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((edition, list))
}

fn laureate_view(
    snapshot: &Snapshot,
    slug: &str,
    place: String,
    dossier: i64,
    tie: Option<String>,
) -> Option<LaureateView> {
    let d = snapshot.dossiers.get(&dossier)?;
    Some(LaureateView {
        tie,
        place,
        reference: d.reference.clone(),
        title: d.title.clone(),
        team: d.team.clone(),
        certificate: format!("/results/{slug}/certificates/{}", d.reference),
    })
}

fn describe(change: &Change, before: &Snapshot, after: &Snapshot, lang: Lang) -> String {
    let name = |d: i64| {
        if after.dossiers.contains_key(&d) {
            after.project(d, lang)
        } else {
            before.project(d, lang)
        }
    };
    let category = |t: i64| {
        let n = after.track_name(t, lang);
        if n.is_empty() {
            before.track_name(t, lang)
        } else {
            n
        }
    };
    match change {
        Change::Entered {
            track,
            dossier,
            position,
        } => tr_args(
            lang,
            "results-change-entered",
            &[
                ("category", category(*track)),
                ("project", name(*dossier)),
                ("place", place_label(lang, *position)),
            ],
        ),
        Change::Left {
            track,
            dossier,
            position,
        } => tr_args(
            lang,
            "results-change-left",
            &[
                ("category", category(*track)),
                ("project", name(*dossier)),
                ("place", place_label(lang, *position)),
            ],
        ),
        Change::Moved {
            track,
            dossier,
            from,
            to,
        } => tr_args(
            lang,
            "results-change-moved",
            &[
                ("category", category(*track)),
                ("project", name(*dossier)),
                ("from", place_label(lang, *from)),
                ("to", place_label(lang, *to)),
            ],
        ),
        Change::SpecialPrize { from, to } => {
            let who = |d: &Option<i64>| match d {
                Some(d) => name(*d),
                None => tr(lang, "results-not-awarded"),
            };
            tr_args(
                lang,
                "results-change-special",
                &[("from", who(from)), ("to", who(to))],
            )
        }
    }
}

async fn public_results(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (edition, list) = published(&app, &slug).await?;
    let tz = edition_tz(&edition);
    let snapshots: Vec<Snapshot> = list
        .iter()
        .map(PublicationRow::snapshot)
        .collect::<DbResult<_>>()?;
    let (current, snapshot) = (&list[0], &snapshots[0]);
    let categories = snapshot
        .tracks
        .iter()
        .map(|t| CategoryView {
            name: t.name(lang).to_owned(),
            laureates: snapshot
                .laureates
                .categories
                .get(&t.id)
                .map(|places| {
                    places
                        .iter()
                        .filter_map(|(p, d)| {
                            laureate_view(
                                snapshot,
                                &edition.slug,
                                place_label(lang, *p),
                                *d,
                                snapshot.tie_note(Some(t.id), *d, lang),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let special = snapshot.laureates.special_prize.and_then(|d| {
        laureate_view(
            snapshot,
            &edition.slug,
            tr(lang, "results-special-prize"),
            d,
            snapshot.tie_note(None, d, lang),
        )
    });
    // Newest first; each correction compared with the version before it.
    let history = list
        .iter()
        .enumerate()
        .map(|(i, p)| HistoryEntry {
            version: p.version,
            published: format_at(lang, p.published_at, &tz),
            head: p.chain_head.clone(),
            reason: p.reason.clone(),
            changes: match snapshots.get(i + 1) {
                Some(before) => {
                    let after = &snapshots[i];
                    prizes::diff(&before.laureates, &after.laureates)
                        .iter()
                        .map(|c| describe(c, before, after, lang))
                        .collect()
                }
                None => Vec::new(),
            },
        })
        .collect();
    render(&PublicResultsTemplate {
        edition: edition.name(lang),
        version: current.version,
        published: format_at(lang, current.published_at, &tz),
        head: current.chain_head.clone(),
        categories,
        special,
        cumulate: snapshot.cumulate,
        history: if list.len() > 1 { history } else { Vec::new() },
        ctx,
    })
    .map(|page| public_page(page, None))
}

#[derive(Template)]
#[template(path = "review/results/certificate.html")]
pub struct CertificateTemplate {
    pub ctx: Ctx,
    /// The QR code (SVG) of `verify_url`, the public page that checks this certificate.
    pub qr_svg: String,
    pub verify_url: String,
    pub short_seal: String,
    pub edition: String,
    pub venue: String,
    pub title: String,
    pub team: String,
    /// The laureates' names, comma-separated.
    pub people: String,
    pub reference: String,
    pub prizes: Vec<String>,
    pub published: String,
    pub version: i64,
    pub results_url: String,
    pub pdf_url: String,
}

/// The prizes a dossier holds in a published snapshot, with its published data; `None` when
/// `reference` names no laureate of it.
fn laureate_prizes<'s>(
    snapshot: &'s Snapshot,
    reference: &str,
    lang: Lang,
) -> Option<(&'s PublicDossier, Vec<String>)> {
    let reference = reference.trim().to_uppercase();
    let (id, dossier) = snapshot
        .dossiers
        .iter()
        .find(|(_, d)| d.reference == reference)?;
    let mut prizes = Vec::new();
    for t in &snapshot.tracks {
        if let Some((place, _)) = snapshot
            .laureates
            .categories
            .get(&t.id)
            .and_then(|v| v.iter().find(|(_, d)| d == id))
        {
            prizes.push(tr_args(
                lang,
                "results-certificate-prize",
                &[
                    ("place", place_label(lang, *place)),
                    ("category", t.name(lang).to_owned()),
                ],
            ));
        }
    }
    if snapshot.laureates.special_prize == Some(*id) {
        prizes.push(tr(lang, "results-special-prize"));
    }
    (!prizes.is_empty()).then_some((dossier, prizes))
}

/// A laureate's certificate as its page and its PDF both show it.
struct Certificate {
    edition: EditionRow,
    current: PublicationRow,
    dossier: PublicDossier,
    prizes: Vec<String>,
    verify_url: String,
    /// The page may be kept in shared caches (see [`verification_link`]).
    shared: bool,
}

impl Certificate {
    async fn load(
        app: &AppState,
        site: &SiteAddress,
        lang: Lang,
        slug: &str,
        reference: &str,
    ) -> AppResult<Certificate> {
        let (edition, mut list) = published(app, slug).await?;
        let current = list.swap_remove(0);
        let snapshot = current.snapshot()?;
        // Only a laureate of the current publication has a certificate.
        let (dossier, prizes) =
            laureate_prizes(&snapshot, reference, lang).ok_or(AppError::NotFound)?;
        // A phone scanning the printed page needs the site's full address; one taken from
        // the request's `Host` must not be kept for others (see [`SiteAddress`]).
        let verify_url = site.link(&format!(
            "/results/{}/verify/{}?v={}",
            edition.slug, dossier.reference, current.version
        ));
        let shared = site.configured;
        Ok(Certificate {
            dossier: dossier.clone(),
            prizes,
            verify_url,
            shared,
            edition,
            current,
        })
    }

    fn short_seal(&self) -> String {
        let head = &self.current.chain_head;
        head.get(..12).unwrap_or(head).to_owned()
    }

    fn published(&self, lang: Lang) -> String {
        format_at(lang, self.current.published_at, &edition_tz(&self.edition))
    }
}

async fn certificate(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((slug, reference)): Path<(String, String)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let c = Certificate::load(&app, &ctx.site, lang, &slug, &reference).await?;
    let page = render(&CertificateTemplate {
        qr_svg: qr_svg(&c.verify_url).unwrap_or_default(),
        verify_url: c.verify_url.clone(),
        short_seal: c.short_seal(),
        edition: c.edition.name(lang),
        venue: c.edition.venue.clone(),
        title: c.dossier.title.clone(),
        team: c.dossier.team.clone(),
        people: c.dossier.people.join(", "),
        reference: c.dossier.reference.clone(),
        published: c.published(lang),
        version: c.current.version,
        results_url: format!("/results/{}", c.edition.slug),
        pdf_url: format!(
            "/results/{}/certificates/{}/pdf",
            c.edition.slug, c.dossier.reference
        ),
        prizes: c.prizes,
        ctx,
    })?;
    Ok(if c.shared {
        public_page(page, None)
    } else {
        page
    })
}

/// The same certificate as a PDF file (see [`certificate_pdf`]).
async fn certificate_download(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((slug, reference)): Path<(String, String)>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let c = Certificate::load(&app, &ctx.site, lang, &slug, &reference).await?;
    let identity = &ctx.identity;
    let logo = match &identity.logo {
        Some(logo) => crate::identity::queries::logo(&app.db, &logo.sha256).await?,
        None => None,
    };
    let signatories: Vec<String> = identity
        .signatories(lang)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let texts = [
        identity.organiser(lang).to_owned(),
        identity.motto(lang).to_owned(),
        identity.name(lang).to_owned(),
        c.edition.name(lang),
        tr(lang, "results-certificate-heading"),
        tr(lang, "results-certificate-awarded"),
        format!("{} · {}", c.edition.venue, c.published(lang)),
        tr(lang, "certificate-scan"),
        format!(
            "{} · {} {} · {} {}",
            c.dossier.reference,
            tr(lang, "results-version"),
            c.current.version,
            tr(lang, "results-short-seal"),
            c.short_seal()
        ),
    ];
    let brand = identity.settings.colours.brand;
    let file_name = format!(
        "{}-{}.pdf",
        tr(lang, "results-certificate-file"),
        c.dossier.reference
    );
    let pdf = tokio::task::spawn_blocking(move || {
        let [organiser, motto, event_name, edition, heading, awarded, place_and_date, scan_line, proof_line] =
            &texts;
        let signatories: Vec<&str> = signatories.iter().map(String::as_str).collect();
        certificate_pdf::render(&certificate_pdf::CertificateContent {
            organiser,
            motto,
            event_name,
            edition,
            heading,
            awarded,
            title: &c.dossier.title,
            team: &c.dossier.team,
            people: &c.dossier.people.join(", "),
            prizes: &c.prizes,
            place_and_date,
            signatories: &signatories,
            scan_line,
            verify_url: &c.verify_url,
            proof_line,
            brand,
            logo: logo.as_ref().map(|(kind, bytes)| (*kind, bytes.as_slice())),
            lang: lang.as_str(),
        })
    })
    .await
    .map_err(|e| AppError::Internal(format!("certificate PDF: {e}")))?
    .map_err(|e| AppError::Internal(format!("certificate PDF: {e}")))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (CACHE_CONTROL, "private, no-cache".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

/// The public check of a certificate, where its QR code leads: the certificate's data as the
/// published results hold it, and whether the copy in hand (its results version) still
/// matches them.
#[derive(Template)]
#[template(path = "review/results/verify.html")]
pub struct VerifyTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub reference: String,
    /// The laureate's published data and prizes now; `None`: no laureate has this reference.
    pub laureate: Option<(PublicDossier, Vec<String>)>,
    /// The certificate was printed from an earlier version of the results, whose prizes for
    /// this reference were different (or none).
    pub superseded: Option<i64>,
    pub version: i64,
    pub short_seal: String,
    pub published: String,
    pub results_url: String,
}

#[derive(Debug, Deserialize)]
struct VerifyQuery {
    /// The results version the certificate was printed from.
    v: Option<i64>,
}

async fn verify_certificate(
    State(app): State<AppState>,
    ctx: Ctx,
    Path((slug, reference)): Path<(String, String)>,
    Query(query): Query<VerifyQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (edition, list) = published(&app, &slug).await?;
    let current = &list[0];
    let snapshot = current.snapshot()?;
    let laureate = laureate_prizes(&snapshot, &reference, lang).map(|(d, p)| (d.clone(), p));
    // A copy printed from another version matches only if that version gave the same prizes.
    let superseded = match query.v {
        Some(v) if v != current.version => {
            let then = list.iter().find(|p| p.version == v);
            let prizes_then = match then {
                Some(p) => laureate_prizes(&p.snapshot()?, &reference, lang).map(|(_, p)| p),
                None => None,
            };
            let same =
                prizes_then.is_some() && prizes_then.as_ref() == laureate.as_ref().map(|(_, p)| p);
            (!same).then_some(v)
        }
        _ => None,
    };
    let status = if laureate.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let tz = edition_tz(&edition);
    render_with_status(
        status,
        &VerifyTemplate {
            edition: edition.name(lang),
            reference: reference.trim().to_uppercase(),
            laureate,
            superseded,
            version: current.version,
            short_seal: current
                .chain_head
                .get(..12)
                .unwrap_or(&current.chain_head)
                .to_owned(),
            published: format_at(lang, current.published_at, &tz),
            results_url: format!("/results/{}", edition.slug),
            ctx,
        },
    )
}

pub struct PublicPitch {
    pub starts: String,
    pub room: String,
    pub title: String,
    pub team: String,
}

#[derive(Template)]
#[template(path = "review/results/pitches.html")]
pub struct PublicPitchesTemplate {
    pub ctx: Ctx,
    pub edition: String,
    pub timezone: String,
    pub categories: Vec<(String, Vec<PublicPitch>)>,
}

/// Whether the finalists are public: the shortlist has been published.
async fn shortlist_published(db: &Db, edition_id: i64) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM shortlists WHERE edition_id = $1 AND status = 'published'";
    let n: i64 = run!(db, |pool| sqlx::query_scalar(sql)
        .bind(edition_id)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

/// The public programme of the pitches, once the finalists are public (404 before).
async fn public_pitches(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let edition = calls::edition_by_slug(&app.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    if !shortlist_published(&app.db, edition.id).await? {
        return Err(AppError::NotFound);
    }
    let tz = edition_tz(&edition);
    let finalists = crate::review::queries::finalists(&app.db, edition.id).await?;
    let slots = crate::review::queries::slots(&app.db, edition.id).await?;
    let mut categories = Vec::new();
    for t in calls::tracks_of_edition(&app.db, edition.id).await? {
        let mut pitches: Vec<(i64, i64, PublicPitch)> = slots
            .iter()
            .filter(|s| s.track_id == t.id)
            .filter_map(|s| {
                let d = finalists.iter().find(|d| d.id == s.application_id)?;
                let team = team_name(&d.answers_json);
                Some((
                    s.starts_at,
                    s.position,
                    PublicPitch {
                        starts: format_at(lang, s.starts_at, &tz),
                        room: s.room.clone(),
                        team: if team == d.title { String::new() } else { team },
                        title: d.title.clone(),
                    },
                ))
            })
            .collect();
        if pitches.is_empty() {
            continue;
        }
        pitches.sort_by_key(|(at, position, _)| (*at, *position));
        categories.push((
            t.name(lang),
            pitches.into_iter().map(|(_, _, p)| p).collect(),
        ));
    }
    render(&PublicPitchesTemplate {
        edition: edition.name(lang),
        timezone: edition.timezone.name().to_owned(),
        categories,
        ctx,
    })
    .map(|page| public_page(page, None))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::review::publication::PublicTrack;
    use crate::review::rules::prizes::Laureates;

    fn snapshot(special: Option<i64>) -> Snapshot {
        Snapshot {
            laureates: Laureates {
                categories: BTreeMap::from([(7, vec![(1, 70), (2, 71)])]),
                special_prize: special,
            },
            tracks: vec![PublicTrack {
                id: 7,
                name_fr: "Start-ups".into(),
                name_en: "Start-ups".into(),
            }],
            dossiers: [70, 71, 72]
                .into_iter()
                .map(|id| {
                    (
                        id,
                        PublicDossier {
                            reference: format!("SDN26-STA-00{id}"),
                            title: format!("Projet {id}"),
                            team: String::new(),
                            people: Vec::new(),
                            track_id: 7,
                        },
                    )
                })
                .collect(),
            cumulate: false,
            ties: Vec::new(),
        }
    }

    #[test]
    fn snapshot_round_trips_through_json() {
        let s = snapshot(Some(72));
        let json = serde_json::to_string(&s).unwrap();
        let back: Snapshot = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(!s.is_empty());
        let mut empty = snapshot(None);
        empty.laureates.categories.insert(7, Vec::new());
        assert!(empty.is_empty());
    }

    #[test]
    fn changes_are_described_in_both_languages() {
        let before = snapshot(Some(72));
        let after = snapshot(None);
        let changes = prizes::diff(&before.laureates, &after.laureates);
        assert_eq!(changes.len(), 1);
        let fr = describe(&changes[0], &before, &after, Lang::Fr);
        let en = describe(&changes[0], &before, &after, Lang::En);
        assert!(fr.contains("SDN26-STA-0072"), "{fr}");
        assert!(en.contains("SDN26-STA-0072"), "{en}");
        assert_ne!(fr, en);
        assert_eq!(place_label(Lang::Fr, 1), "1er prix");
        assert_eq!(place_label(Lang::En, 2), "2nd prize");
    }
}
