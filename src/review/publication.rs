//! The results as published: each publication's frozen snapshot (laureates, the public data
//! of their dossiers, the ties), stored version after version; the jury's deliberation
//! writes them, the public results pages and certificates read them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rules::prizes::{self, Laureates};
use super::rules::ranking::TieStep;
use crate::db::{Db, DbError, DbResult, Tx};
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};
use crate::{run, run_tx};

/// A category as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicTrack {
    pub id: i64,
    pub name_fr: String,
    pub name_en: String,
}

impl PublicTrack {
    pub fn name(&self, lang: Lang) -> &str {
        if lang == Lang::En {
            &self.name_en
        } else {
            &self.name_fr
        }
    }
}

/// What the public may know of a laureate: the project and the team or organisation,
/// never a personal contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicDossier {
    pub reference: String,
    pub title: String,
    pub team: String,
    /// The laureates' names, for their certificate (absent from publications made before
    /// certificates named people).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
    pub track_id: i64,
}

/// Everything one publication shows, frozen at publication time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub laureates: Laureates,
    /// The categories with finalists, in display order.
    pub tracks: Vec<PublicTrack>,
    /// Every dossier named in `laureates`.
    pub dossiers: BTreeMap<i64, PublicDossier>,
    pub cumulate: bool,
    /// Exact ties that decided a prize and how each was broken (empty in publications made
    /// before ties were recorded).
    #[serde(default)]
    pub ties: Vec<prizes::PrizeTie>,
}

impl Snapshot {
    pub fn is_empty(&self) -> bool {
        self.laureates.special_prize.is_none()
            && self.laureates.categories.values().all(Vec::is_empty)
    }

    pub fn project(&self, dossier: i64, lang: Lang) -> String {
        self.dossiers
            .get(&dossier)
            .map(|d| {
                tr_args(
                    lang,
                    "results-project",
                    &[
                        ("title", d.title.clone()),
                        ("reference", d.reference.clone()),
                    ],
                )
            })
            .unwrap_or_else(|| dossier.to_string())
    }

    /// When `dossier` won its place (of `track`, or the special prize) on an exact tie: the
    /// rule that broke it, as the public page says it.
    pub fn tie_note(&self, track: Option<i64>, dossier: i64, lang: Lang) -> Option<String> {
        let tie = self
            .ties
            .iter()
            .find(|t| t.track == track && t.ahead == dossier)?;
        let rule = match tie.steps.last()? {
            TieStep::Criterion { key, .. } => {
                tr_args(lang, "results-tie-criterion", &[("criterion", key.clone())])
            }
            TieStep::SubmissionTime { .. } => tr(lang, "results-tie-submission"),
            TieStep::DossierNumber { .. } => tr(lang, "results-tie-dossier"),
        };
        Some(tr_args(lang, "results-tie", &[("rule", rule)]))
    }

    pub fn track_name(&self, track: i64, lang: Lang) -> String {
        self.tracks
            .iter()
            .find(|t| t.id == track)
            .map(|t| t.name(lang).to_owned())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublicationRow {
    pub version: i64,
    pub laureates_json: String,
    pub reason: String,
    pub chain_head: String,
    pub published_at: i64,
}

impl PublicationRow {
    pub fn snapshot(&self) -> DbResult<Snapshot> {
        serde_json::from_str(&self.laureates_json)
            .map_err(|e| DbError::Corrupt(format!("results v{}: {e}", self.version)))
    }
}

const PUBLICATION_COLUMNS: &str = "version, laureates_json, reason, chain_head, published_at";

/// Every publication of the edition, newest first.
pub async fn publications(db: &Db, edition_id: i64) -> DbResult<Vec<PublicationRow>> {
    let sql = format!(
        "SELECT {PUBLICATION_COLUMNS} FROM results_publications WHERE edition_id = $1 \
         ORDER BY version DESC"
    );
    Ok(run!(db, |pool| sqlx::query_as::<_, PublicationRow>(&sql)
        .bind(edition_id)
        .fetch_all(pool)
        .await)?)
}

pub async fn latest_tx(tx: &mut Tx, edition_id: i64) -> DbResult<Option<PublicationRow>> {
    let sql = format!(
        "SELECT {PUBLICATION_COLUMNS} FROM results_publications WHERE edition_id = $1 \
         ORDER BY version DESC LIMIT 1"
    );
    Ok(run_tx!(tx, |conn| sqlx::query_as::<_, PublicationRow>(
        &sql
    )
    .bind(edition_id)
    .fetch_optional(conn)
    .await)?)
}

pub(crate) struct NewPublication<'a> {
    pub edition_id: i64,
    pub version: i64,
    pub json: &'a str,
    pub reason: &'a str,
    pub chain_head: &'a str,
    pub at: i64,
    pub actor_id: i64,
}

pub(crate) async fn insert_publication(tx: &mut Tx, p: &NewPublication<'_>) -> DbResult<()> {
    let sql = "INSERT INTO results_publications (edition_id, version, laureates_json, reason, \
               chain_head, published_at, actor_id) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    run_tx!(tx, |conn| sqlx::query(sql)
        .bind(p.edition_id)
        .bind(p.version)
        .bind(p.json)
        .bind(p.reason)
        .bind(p.chain_head)
        .bind(p.at)
        .bind(p.actor_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
