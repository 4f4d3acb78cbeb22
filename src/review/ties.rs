//! Ties as the pages say them: the equal score, each rule of the tie-break chain applied
//! with both values, and a plain warning when the rule that decided is arbitrary
//! (submission time, dossier number) rather than a judgement of merit.

use jiff::tz::TimeZone;

use super::rules::ranking::format_score;
use super::rules::ranking::{decided_arbitrarily, TieStep};
use crate::domain::types::Lang;
use crate::i18n::{tr, tr_args};

/// How a page names what a tie's steps refer to.
pub struct Names<'a> {
    /// Criterion key → its label in the page's language.
    pub criterion: &'a dyn Fn(&str) -> String,
    /// Dossier id → its reference.
    pub dossier: &'a dyn Fn(i64) -> String,
    pub tz: &'a TimeZone,
}

fn instant(at_ms: i64, tz: &TimeZone) -> String {
    jiff::Timestamp::from_millisecond(at_ms)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%d %H:%M:%S%.f")
                .to_string()
        })
        .unwrap_or_default()
}

/// Which two dossiers a description is about.
#[derive(Clone, Copy)]
pub enum Between {
    /// A line of a ranking and the line just above it.
    LineAbove,
    /// Two dossiers named by the caller.
    Named,
}

/// "Exact tie (75.00) with the dossier ranked just above. Tie-break: innovation 7.00 = 7.00
/// → application submitted first (…)", and the warning when an arbitrary rule decided.
pub fn describe(
    lang: Lang,
    between: Between,
    score: f64,
    steps: &[TieStep],
    names: &Names<'_>,
) -> String {
    let parts: Vec<String> = steps
        .iter()
        .map(|step| match step {
            TieStep::Criterion { key, ahead, behind } => tr_args(
                lang,
                if ahead == behind {
                    "tie-step-criterion-equal"
                } else {
                    "tie-step-criterion"
                },
                &[
                    ("criterion", (names.criterion)(key)),
                    ("ahead", format_score(*ahead as f64 / 1e6)),
                    ("behind", format_score(*behind as f64 / 1e6)),
                ],
            ),
            TieStep::SubmissionTime { ahead, behind } => tr_args(
                lang,
                "tie-step-submission",
                &[
                    ("ahead", instant(*ahead, names.tz)),
                    ("behind", instant(*behind, names.tz)),
                ],
            ),
            TieStep::DossierNumber { ahead, behind } => tr_args(
                lang,
                "tie-step-dossier",
                &[
                    ("ahead", (names.dossier)(*ahead)),
                    ("behind", (names.dossier)(*behind)),
                ],
            ),
        })
        .collect();
    let lead = match between {
        Between::LineAbove => "tie-exact",
        Between::Named => "tie-exact-named",
    };
    let mut text = tr_args(
        lang,
        lead,
        &[("score", format_score(score)), ("steps", parts.join(" → "))],
    );
    if decided_arbitrarily(steps) {
        text.push(' ');
        text.push_str(&tr(lang, "tie-arbitrary"));
    }
    text
}
