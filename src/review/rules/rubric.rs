//! Evaluation rubrics (grilles d'évaluation): criteria, validated scores and
//! weighted totals.
//!
//! A rubric is stored as JSON with each call and round:
//! `{"criteria": [{"key": "innovation", "label": {"fr": "Innovation", "en": "Innovation"},
//! "guidance": {"fr": "…", "en": "…"}, "weight": 3, "max_points": 10, "bonus": false}]}`.
//! `guidance` and `bonus` may be left out.

use crate::domain::types::UnknownValue;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::domain::track::TrackKind;
use crate::domain::types::{Localized, UserMessage};

/// One criterion of a rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Stable identifier: ASCII lowercase letters, digits and `_`, non-empty.
    pub key: String,
    pub label: Localized,
    /// One line telling reviewers what to look at.
    #[serde(default)]
    pub guidance: Localized,
    /// Relative importance, at least 1.
    pub weight: u32,
    /// Highest score a reviewer may give, 1 to 100.
    pub max_points: u32,
    /// A bonus criterion is optional (missing = 0) and adds on top of the
    /// 0–100 total instead of being part of its scale.
    #[serde(default)]
    pub bonus: bool,
}

impl Criterion {
    fn new(
        key: &str,
        label: (&str, &str),
        guidance: (&str, &str),
        weight: u32,
        max_points: u32,
        bonus: bool,
    ) -> Self {
        Criterion {
            key: key.to_string(),
            label: Localized::new(label.0, label.1),
            guidance: Localized::new(guidance.0, guidance.1),
            weight,
            max_points,
            bonus,
        }
    }
}

/// Why a rubric was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RubricError {
    #[error("invalid rubric JSON: {0}")]
    Json(String),
    #[error("the rubric has no scored (non-bonus) criterion")]
    NoScoredCriterion,
    #[error("invalid criterion key {0:?}")]
    InvalidKey(String),
    #[error("duplicate criterion key {0:?}")]
    DuplicateKey(String),
    #[error("criterion {0:?}: the weight must be at least 1")]
    ZeroWeight(String),
    #[error("criterion {key:?}: maximum points {max} not in 1..=100")]
    MaxPoints { key: String, max: u32 },
    #[error("criterion {0:?}: label missing in French or English")]
    EmptyLabel(String),
}

/// Said to the organiser editing the rubric.
impl UserMessage for RubricError {
    fn key(&self) -> &'static str {
        match self {
            RubricError::Json(_) => "rubric-error-json",
            RubricError::NoScoredCriterion => "rubric-error-no-scored-criterion",
            RubricError::InvalidKey(_) => "rubric-error-invalid-key",
            RubricError::DuplicateKey(_) => "rubric-error-duplicate-key",
            RubricError::ZeroWeight(_) => "rubric-error-zero-weight",
            RubricError::MaxPoints { .. } => "rubric-error-max-points",
            RubricError::EmptyLabel(_) => "rubric-error-empty-label",
        }
    }

    fn args(&self, _: crate::domain::types::Lang) -> Vec<(&'static str, String)> {
        match self {
            RubricError::Json(detail) => vec![("detail", detail.clone())],
            RubricError::NoScoredCriterion => Vec::new(),
            RubricError::InvalidKey(key)
            | RubricError::DuplicateKey(key)
            | RubricError::ZeroWeight(key)
            | RubricError::EmptyLabel(key) => vec![("key", key.clone())],
            RubricError::MaxPoints { key, max } => {
                vec![("key", key.clone()), ("max", max.to_string())]
            }
        }
    }
}

/// A validated rubric: at least one non-bonus criterion, unique well-formed
/// keys, weights ≥ 1, maximum points in 1..=100, labels in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRubric")]
pub struct Rubric {
    criteria: Vec<Criterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRubric {
    criteria: Vec<Criterion>,
}

impl TryFrom<RawRubric> for Rubric {
    type Error = RubricError;
    fn try_from(raw: RawRubric) -> Result<Self, Self::Error> {
        Rubric::new(raw.criteria)
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Rubric {
    /// Validates the criteria; the first problem found (in criteria order) is reported.
    pub fn new(criteria: Vec<Criterion>) -> Result<Rubric, RubricError> {
        let mut seen = BTreeSet::new();
        for c in &criteria {
            if !valid_key(&c.key) {
                return Err(RubricError::InvalidKey(c.key.clone()));
            }
            if !seen.insert(c.key.as_str()) {
                return Err(RubricError::DuplicateKey(c.key.clone()));
            }
            if c.weight == 0 {
                return Err(RubricError::ZeroWeight(c.key.clone()));
            }
            if !(1..=Points::MAX).contains(&c.max_points) {
                return Err(RubricError::MaxPoints {
                    key: c.key.clone(),
                    max: c.max_points,
                });
            }
            if c.label.fr.trim().is_empty() || c.label.en.trim().is_empty() {
                return Err(RubricError::EmptyLabel(c.key.clone()));
            }
        }
        if !criteria.iter().any(|c| !c.bonus) {
            return Err(RubricError::NoScoredCriterion);
        }
        Ok(Rubric { criteria })
    }

    pub fn parse_json(json: &str) -> Result<Rubric, RubricError> {
        let raw: RawRubric =
            serde_json::from_str(json).map_err(|e| RubricError::Json(e.to_string()))?;
        Rubric::new(raw.criteria)
    }

    pub fn to_json(&self) -> String {
        // Serializing plain strings and integers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    pub fn criterion(&self, key: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.key == key)
    }

    /// Parses a reviewer's form (criterion key → typed text), collecting one
    /// error per field. A blank bonus field means "no bonus"; other input
    /// keys (CSRF token, comments…) are ignored.
    pub fn parse_sheet(
        &self,
        inputs: &BTreeMap<String, String>,
    ) -> Result<ScoreSheet, Vec<(String, ScoreError)>> {
        let mut sheet = ScoreSheet::new();
        let mut errors = Vec::new();
        for c in &self.criteria {
            let input = inputs.get(&c.key).map(|s| s.trim()).unwrap_or("");
            if input.is_empty() && c.bonus {
                continue;
            }
            match Points::parse(input, c) {
                Ok(p) => {
                    sheet.insert(c.key.clone(), p);
                }
                Err(e) => errors.push((c.key.clone(), e)),
            }
        }
        if errors.is_empty() {
            Ok(sheet)
        } else {
            Err(errors)
        }
    }

    /// Every non-bonus criterion is scored, no score is above its criterion's
    /// maximum, and the sheet holds no criterion foreign to this rubric.
    /// Bonus criteria are optional (missing = 0).
    pub fn check_complete(&self, sheet: &ScoreSheet) -> Result<(), Vec<(String, ScoreError)>> {
        let mut errors = Vec::new();
        for c in &self.criteria {
            match sheet.get(&c.key) {
                None if !c.bonus => {
                    errors.push((c.key.clone(), ScoreError::Missing { max: c.max_points }))
                }
                Some(p) if p.value() > c.max_points => {
                    errors.push((c.key.clone(), ScoreError::OutOfRange { max: c.max_points }))
                }
                _ => {}
            }
        }
        for (key, _) in sheet.iter() {
            if self.criterion(key).is_none() {
                errors.push((key.to_string(), ScoreError::UnknownCriterion));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// `100 × Σ weight·points / Σ(non-bonus) weight·max_points`, kept exact.
    ///
    /// Missing criteria count 0 (call [`Rubric::check_complete`] first);
    /// points above a criterion's maximum (a rubric edited after scoring) are
    /// capped so that only bonus criteria can lift a total above 100.
    pub fn weighted_total(&self, sheet: &ScoreSheet) -> Total {
        let mut weighted = 0u64;
        let mut scale = 0u64;
        for c in &self.criteria {
            let w = u64::from(c.weight);
            if !c.bonus {
                scale += w * u64::from(c.max_points);
            }
            if let Some(p) = sheet.get(&c.key) {
                weighted += w * u64::from(p.value().min(c.max_points));
            }
        }
        Total { weighted, scale }
    }

    /// Points for "respect of the presentation time", from the organiser's
    /// timer: full points up to the allowed time, then one point off for each
    /// started 30 seconds over it (1 s over costs 1 point, 30 s over costs 1,
    /// 31 s over costs 2), never below 0.
    pub fn timing_points(measured_secs: u32, allowed_secs: u32, max_points: u32) -> u32 {
        let over = measured_secs.saturating_sub(allowed_secs);
        max_points.saturating_sub(over.div_ceil(30))
    }
}

/// A sheet's weighted total as an exact fraction; [`Total::value`] gives the
/// number on the 0–100 scale (above 100 only through bonus criteria).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    /// Σ weight·points over all criteria, bonus included.
    pub weighted: u64,
    /// Σ weight·max_points over the non-bonus criteria.
    pub scale: u64,
}

impl Total {
    pub fn value(self) -> f64 {
        if self.scale == 0 {
            return 0.0;
        }
        100.0 * self.weighted as f64 / self.scale as f64
    }
}

/// Selection round a rubric applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Round {
    /// Written dossiers scored by the preselection committee.
    Preselection,
    /// Pitches scored by the jury.
    Final,
}

impl Round {
    pub const ALL: [Round; 2] = [Round::Preselection, Round::Final];

    pub fn as_str(&self) -> &'static str {
        match self {
            Round::Preselection => "preselection",
            Round::Final => "final",
        }
    }

    pub fn parse(s: &str) -> Option<Round> {
        Round::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The default rubric of this round for a kind of track: the call's criteria (stated for
    /// start-ups) adapted to public services and to the hackathon.
    pub fn default_rubric(&self, kind: TrackKind) -> Rubric {
        match (self, kind) {
            (Round::Preselection, TrackKind::Startup) => default_preselection(),
            (Round::Final, TrackKind::Startup) => default_final(),
            (Round::Preselection, TrackKind::Administration) => administration_preselection(),
            (Round::Final, TrackKind::Administration) => administration_final(),
            (Round::Preselection, TrackKind::Hackathon) => hackathon_preselection(),
            (Round::Final, TrackKind::Hackathon) => hackathon_final(),
        }
    }
}

impl Rubric {
    /// The default tie-break: the rubric's first criterion, its main one.
    pub fn default_tie_break(&self) -> Vec<String> {
        self.criteria
            .iter()
            .take(1)
            .map(|c| c.key.clone())
            .collect()
    }
}

fn innovation() -> Criterion {
    Criterion::new(
        "innovation",
        ("Innovation", "Innovation"),
        (
            "Nouveauté de la solution et de l'approche par rapport à l'existant, au Mali et ailleurs.",
            "How new the solution and its approach are compared with what exists, in Mali and elsewhere.",
        ),
        3,
        10,
        false,
    )
}

fn growth() -> Criterion {
    Criterion::new(
        "growth",
        ("Potentiel de croissance", "Growth potential"),
        (
            "Marché visé, modèle économique réaliste, capacité à grandir et à créer des emplois.",
            "Target market, a realistic business model, capacity to grow and create jobs.",
        ),
        3,
        10,
        false,
    )
}

fn team() -> Criterion {
    Criterion::new(
        "team",
        (
            "Qualifications techniques de l'équipe",
            "Technical qualifications of the team",
        ),
        (
            "Compétences techniques de l'équipe pour construire et faire fonctionner la solution.",
            "The team's technical skills to build and run the solution.",
        ),
        2,
        10,
        false,
    )
}

fn distinctions() -> Criterion {
    Criterion::new(
        "distinctions",
        (
            "Distinctions, prix ou brevets (bonus)",
            "Distinctions, awards or patents (bonus)",
        ),
        (
            "Prix, distinctions ou brevets déjà obtenus ; facultatif, s'ajoute au total.",
            "Prizes, awards or patents already obtained; optional, added on top of the total.",
        ),
        1,
        5,
        true,
    )
}

/// The 2026 preselection rubric, for written dossiers. It leaves out
/// "respect of the presentation time" (there is no pitch to time); the
/// presentation criterion judges the written dossier, and the demonstration
/// criterion the evidence of a working product it contains (link, video,
/// screenshots).
pub fn default_preselection() -> Rubric {
    let criteria = vec![
        innovation(),
        growth(),
        team(),
        Criterion::new(
            "presentation",
            ("Qualité de la présentation", "Quality of the presentation"),
            (
                "Clarté, structure et complétude du dossier écrit.",
                "Clarity, structure and completeness of the written dossier.",
            ),
            2,
            10,
            false,
        ),
        Criterion::new(
            "demo",
            (
                "Démonstration du produit ou prototype",
                "Demonstration of the product or prototype",
            ),
            (
                "Preuves d'un produit ou prototype qui fonctionne (lien, vidéo, captures d'écran).",
                "Evidence of a working product or prototype (link, video, screenshots).",
            ),
            2,
            10,
            false,
        ),
        distinctions(),
    ];
    // Built directly: the values are constants covered by a test through `Rubric::new`.
    Rubric { criteria }
}

/// The 2026 final (pitch) rubric: all seven criteria of the organisers'
/// qualification criteria.
pub fn default_final() -> Rubric {
    let criteria = vec![
        innovation(),
        growth(),
        team(),
        Criterion::new(
            "presentation",
            ("Qualité de la présentation", "Quality of the presentation"),
            (
                "Clarté, structure et force de conviction du pitch.",
                "Clarity, structure and persuasiveness of the pitch.",
            ),
            2,
            10,
            false,
        ),
        timing(),
        Criterion::new(
            "demo",
            (
                "Démonstration du produit ou prototype",
                "Demonstration of the product or prototype",
            ),
            (
                "Démonstration en direct d'un produit ou prototype qui fonctionne.",
                "Live demonstration of a working product or prototype.",
            ),
            2,
            10,
            false,
        ),
        distinctions(),
    ];
    Rubric { criteria }
}

fn timing() -> Criterion {
    Criterion::new(
        "timing",
        (
            "Respect du temps de présentation",
            "Keeping to the presentation time",
        ),
        (
            "Pitch tenu dans le temps imparti ; un point de moins par tranche de 30 s entamée au-delà.",
            "Pitch kept within the allotted time; one point off per started 30 s beyond it.",
        ),
        1,
        10,
        false,
    )
}

/// A criterion of the call adapted to a kind of track: same key, weight and scale as the
/// start-ups' (so tie-breaks, the jury's timer and cross-track prizes keep working), its own
/// wording.
fn adapted(base: Criterion, label: (&str, &str), guidance: (&str, &str)) -> Criterion {
    Criterion {
        label: Localized::new(label.0, label.1),
        guidance: Localized::new(guidance.0, guidance.1),
        ..base
    }
}

/// The call's criteria, in the call's order, for public services. `pitch`: the final.
fn administration_criteria(pitch: bool) -> Vec<Criterion> {
    let mut criteria = vec![
        adapted(
            innovation(),
            (
                "Innovation et modernisation de l'administration",
                "Innovation and modernisation of the administration",
            ),
            (
                "Nouveauté du service numérique et de la démarche pour l'administration malienne.",
                "How new the digital service and its approach are for the Malian administration.",
            ),
        ),
        adapted(
            growth(),
            (
                "Impact pour les usagers et l'administration",
                "Impact for users and the administration",
            ),
            (
                "Gains mesurables (délais, coûts, transparence) et nombre d'usagers servis.",
                "Measurable gains (time, cost, transparency) and number of users served.",
            ),
        ),
        adapted(
            team(),
            (
                "Capacités de l'équipe et pérennité du service",
                "Team capacity and sustainability of the service",
            ),
            (
                "Compétences de l'équipe, financement et maintenance du service dans la durée.",
                "The team's skills, funding and upkeep of the service over time.",
            ),
        ),
    ];
    if pitch {
        criteria.push(adapted(
            default_final().criteria[3].clone(),
            (
                "Qualité de la présentation du service",
                "Quality of the service's presentation",
            ),
            (
                "Clarté, structure et force de conviction du pitch du service.",
                "Clarity, structure and persuasiveness of the service's pitch.",
            ),
        ));
        criteria.push(timing());
        criteria.push(adapted(
            default_final().criteria[5].clone(),
            ("Démonstration du service", "Demonstration of the service"),
            (
                "Démonstration en direct du service numérique en fonctionnement.",
                "Live demonstration of the working digital service.",
            ),
        ));
    } else {
        criteria.push(adapted(
            default_preselection().criteria[3].clone(),
            ("Qualité du questionnaire", "Quality of the questionnaire"),
            (
                "Clarté, précision et complétude des réponses au questionnaire du concours.",
                "Clarity, precision and completeness of the competition questionnaire's answers.",
            ),
        ));
        criteria.push(adapted(
            default_preselection().criteria[4].clone(),
            ("Service en fonctionnement", "Working service"),
            (
                "Preuves d'un service qui fonctionne : adresse en ligne, captures, état d'avancement.",
                "Evidence of a working service: online address, screenshots, progress.",
            ),
        ));
    }
    criteria.push(adapted(
        distinctions(),
        (
            "Distinctions ou reconnaissances (bonus)",
            "Distinctions or recognition (bonus)",
        ),
        (
            "Prix, labels ou reconnaissances déjà obtenus ; facultatif, s'ajoute au total.",
            "Prizes, labels or recognition already obtained; optional, added on top of the total.",
        ),
    ));
    criteria
}

/// The call's criteria, in the call's order, for the cybersecurity hackathon's participants.
fn hackathon_criteria(pitch: bool) -> Vec<Criterion> {
    let mut criteria = vec![
        adapted(
            innovation(),
            ("Créativité des approches", "Creativity of the approaches"),
            (
                "Originalité des idées et des méthodes d'attaque ou de défense proposées.",
                "Originality of the attack or defence ideas and methods put forward.",
            ),
        ),
        adapted(
            growth(),
            ("Potentiel et motivation", "Potential and motivation"),
            (
                "Motivation pour la cybersécurité et la défense du pays, marge de progression.",
                "Motivation for cybersecurity and the country's defence, room to grow.",
            ),
        ),
        adapted(
            team(),
            ("Compétences techniques", "Technical skills"),
            (
                "Connaissances et pratique : réseaux, systèmes, web, cryptographie, outils maîtrisés.",
                "Knowledge and practice: networks, systems, web, cryptography, tools mastered.",
            ),
        ),
    ];
    if pitch {
        criteria.push(adapted(
            default_final().criteria[3].clone(),
            ("Qualité de la restitution", "Quality of the debrief"),
            (
                "Clarté de l'exposé des résultats et des corrections proposées devant le jury.",
                "Clarity of the results and fixes presented to the jury.",
            ),
        ));
        criteria.push(timing());
        criteria.push(adapted(
            default_final().criteria[5].clone(),
            ("Épreuves résolues", "Challenges solved"),
            (
                "Nombre et difficulté des épreuves résolues pendant le hackathon, preuves à l'appui.",
                "Number and difficulty of the challenges solved during the hackathon, with evidence.",
            ),
        ));
    } else {
        criteria.push(adapted(
            default_preselection().criteria[3].clone(),
            ("Clarté de la demande", "Clarity of the application"),
            (
                "Demande claire, structurée et adressée comme le demande l'appel.",
                "A clear, structured application addressed as the call asks.",
            ),
        ));
        criteria.push(adapted(
            default_preselection().criteria[4].clone(),
            ("Réalisations démontrées", "Achievements shown"),
            (
                "Preuves de pratique : CTF joués, write-ups, projets ou formations suivies.",
                "Evidence of practice: CTFs played, write-ups, projects or training followed.",
            ),
        ));
    }
    criteria.push(adapted(
        distinctions(),
        (
            "Classements ou certifications (bonus)",
            "Rankings or certifications (bonus)",
        ),
        (
            "Classements en compétition ou certifications obtenus ; facultatif, s'ajoute au total.",
            "Competition rankings or certifications obtained; optional, added on top of the total.",
        ),
    ));
    criteria
}

/// Public services, written dossiers (the competition questionnaire).
pub fn administration_preselection() -> Rubric {
    Rubric {
        criteria: administration_criteria(false),
    }
}

/// Public services, the pitch.
pub fn administration_final() -> Rubric {
    Rubric {
        criteria: administration_criteria(true),
    }
}

/// The hackathon, applications (the letter to the sub-commission's president).
pub fn hackathon_preselection() -> Rubric {
    Rubric {
        criteria: hackathon_criteria(false),
    }
}

/// The hackathon, the final: the challenges and their debrief before the jury.
pub fn hackathon_final() -> Rubric {
    Rubric {
        criteria: hackathon_criteria(true),
    }
}

/// Why a score was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("empty score (0 to {max})")]
    Empty { max: u32 },
    #[error("not a whole number (0 to {max})")]
    NotWholeNumber { max: u32 },
    #[error("score out of range (0 to {max})")]
    OutOfRange { max: u32 },
    #[error("criterion not scored (0 to {max})")]
    Missing { max: u32 },
    #[error("criterion not in the rubric")]
    UnknownCriterion,
}

/// Said to the reviewer beside the criterion.
impl UserMessage for ScoreError {
    fn key(&self) -> &'static str {
        match self {
            ScoreError::Empty { .. }
            | ScoreError::NotWholeNumber { .. }
            | ScoreError::OutOfRange { .. } => "score-error-range",
            ScoreError::Missing { .. } => "score-error-missing",
            ScoreError::UnknownCriterion => "score-error-unknown-criterion",
        }
    }

    fn args(&self, _: crate::domain::types::Lang) -> Vec<(&'static str, String)> {
        match *self {
            ScoreError::Empty { max }
            | ScoreError::NotWholeNumber { max }
            | ScoreError::OutOfRange { max }
            | ScoreError::Missing { max } => vec![("max", max.to_string())],
            ScoreError::UnknownCriterion => Vec::new(),
        }
    }
}

/// A whole number of points between 0 and the maximum of the criterion it
/// was checked against (never above [`Points::MAX`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Points(u32);

impl Points {
    /// Highest `max_points` a criterion may have.
    pub const MAX: u32 = 100;

    /// Accepts ASCII digits only, surrounding spaces trimmed: no sign, no
    /// decimal part (neither `7.5` nor `7,5`), nothing above the maximum.
    pub fn parse(input: &str, criterion: &Criterion) -> Result<Points, ScoreError> {
        let max = criterion.max_points.min(Self::MAX);
        let s = input.trim();
        if s.is_empty() {
            return Err(ScoreError::Empty { max });
        }
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScoreError::NotWholeNumber { max });
        }
        if negative {
            return Err(ScoreError::OutOfRange { max });
        }
        // Only overflow can fail here, and an overflowing number is above any maximum.
        let value = digits.parse::<u32>().unwrap_or(u32::MAX);
        Points::new(value, criterion)
    }

    /// For values already stored as integers (database, timer).
    pub fn new(value: u32, criterion: &Criterion) -> Result<Points, ScoreError> {
        let max = criterion.max_points.min(Self::MAX);
        if value > max {
            return Err(ScoreError::OutOfRange { max });
        }
        Ok(Points(value))
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Points {
    type Error = ScoreError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        if value > Self::MAX {
            return Err(ScoreError::OutOfRange { max: Self::MAX });
        }
        Ok(Points(value))
    }
}

impl From<Points> for u32 {
    fn from(p: Points) -> u32 {
        p.0
    }
}

/// One reviewer's points for one dossier: criterion key → points.
/// Serialized as a JSON object `{"innovation": 7, …}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ScoreSheet(BTreeMap<String, Points>);

impl ScoreSheet {
    pub fn new() -> Self {
        ScoreSheet::default()
    }

    /// Returns the previous points of that criterion, if any.
    pub fn insert(&mut self, key: impl Into<String>, points: Points) -> Option<Points> {
        self.0.insert(key.into(), points)
    }

    pub fn get(&self, key: &str) -> Option<Points> {
        self.0.get(key).copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, Points)> {
        self.0.iter().map(|(k, p)| (k.as_str(), *p))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Stored points back into a sheet; values that no longer fit (cannot happen with a frozen
/// rubric) are dropped rather than trusted.
pub fn stored_sheet(rubric: &Rubric, points: &BTreeMap<String, u32>) -> ScoreSheet {
    let mut sheet = ScoreSheet::new();
    for c in rubric.criteria() {
        if let Some(p) = points.get(&c.key).and_then(|v| Points::new(*v, c).ok()) {
            sheet.insert(c.key.clone(), p);
        }
    }
    sheet
}

/// Its stored name, which addresses and keys use too.
impl std::fmt::Display for Round {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Round {
    type Error = UnknownValue;

    fn try_from(name: String) -> Result<Round, UnknownValue> {
        Round::parse(&name).ok_or(UnknownValue(name))
    }
}

#[cfg(test)]
mod tests;
