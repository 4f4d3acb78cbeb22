//! What live questions obey, free of I/O: a question's text, its states and the moderators'
//! moves between them, the per-person limits on posting and voting, and the order questions
//! are listed in.

use std::cmp::Reverse;

/// The longest question accepted, in characters: one that a room can read on a screen.
pub const TEXT_MAX: usize = 280;

/// Questions one person may post in one session within [`POST_WINDOW_MS`].
pub const POSTS_PER_WINDOW: i64 = 3;
pub const POST_WINDOW_MS: i64 = 10 * 60_000;
/// Questions one person may post in one session in all.
pub const POSTS_PER_SESSION: i64 = 10;
/// Votes one person may cast in one session within [`VOTE_WINDOW_MS`]: enough to upvote a
/// screenful of questions, too few for a script.
pub const VOTES_PER_WINDOW: i64 = 10;
pub const VOTE_WINDOW_MS: i64 = 60_000;

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// Waiting for a moderator (sessions with pre-moderation).
    Pending,
    /// Shown to everyone, open to votes.
    Approved,
    /// Answered: still shown, no longer voted on.
    Answered,
    /// Taken down by a moderator: shown to moderators only.
    Hidden,
    /// Folded into another question (a duplicate): its votes went there.
    Merged,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Pending,
        State::Approved,
        State::Answered,
        State::Hidden,
        State::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Approved => "approved",
            State::Answered => "answered",
            State::Hidden => "hidden",
            State::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Open to votes.
    pub fn is_votable(self) -> bool {
        self == State::Approved
    }
}

impl TryFrom<String> for State {
    type Error = crate::domain::types::UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        State::parse(&s).ok_or(crate::domain::types::UnknownValue(s))
    }
}

/// The state a new question starts in: pending where the session is pre-moderated.
pub fn initial_state(premoderated: bool) -> State {
    if premoderated {
        State::Pending
    } else {
        State::Approved
    }
}

/// A question's state with whether it is pinned (the one being answered now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub state: State,
    pub pinned: bool,
}

/// What a moderator does to a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Shows it (a pending question, a hidden one, or an answered one reopened).
    Approve,
    Hide,
    Answer,
    /// Pins it as the question being answered now (approving it if pending); the session's
    /// other pinned question, if any, is unpinned.
    Pin,
    Unpin,
    /// Folds it into another question.
    Merge,
}

impl Move {
    pub const ALL: [Move; 6] = [
        Move::Approve,
        Move::Hide,
        Move::Answer,
        Move::Pin,
        Move::Unpin,
        Move::Merge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Move::Approve => "approve",
            Move::Hide => "hide",
            Move::Answer => "answer",
            Move::Pin => "pin",
            Move::Unpin => "unpin",
            Move::Merge => "merge",
        }
    }

    pub fn parse(s: &str) -> Option<Move> {
        Move::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The move does not apply to the question as it stands (merged questions take none).
    NotFromHere,
    /// A duplicate can only be folded into another shown or pending question.
    BadMergeTarget,
    /// Someone moderated the question since the page was loaded.
    Stale,
}

impl Refused {
    /// The Fluent key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Refused::NotFromHere => "questions-refused-move",
            Refused::BadMergeTarget => "questions-refused-merge",
            Refused::Stale => "questions-refused-stale",
        }
    }
}

/// Where `mv` takes a question standing at `from`.
pub fn apply(from: Standing, mv: Move) -> Result<Standing, Refused> {
    use State::*;
    let to = |state, pinned| Ok(Standing { state, pinned });
    match (from.state, mv) {
        (Merged, _) => Err(Refused::NotFromHere),
        (Pending | Hidden | Answered, Move::Approve) => to(Approved, false),
        (Pending | Approved | Answered, Move::Hide) => to(Hidden, false),
        (Pending | Approved, Move::Answer) => to(Answered, false),
        (Pending | Approved, Move::Pin) if !from.pinned => to(Approved, true),
        (Approved, Move::Unpin) if from.pinned => to(Approved, false),
        (_, Move::Merge) => to(Merged, false),
        _ => Err(Refused::NotFromHere),
    }
}

/// Whether a duplicate may be folded into `target` (itself excluded by the caller): not into
/// a hidden or already merged question.
pub fn may_merge_into(target: Standing) -> bool {
    matches!(
        target.state,
        State::Pending | State::Approved | State::Answered
    )
}

/// Why a question's text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooLong,
}

impl TextError {
    /// The Fluent key of the message and its arguments.
    pub fn message(self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            TextError::Empty => ("questions-text-empty", Vec::new()),
            TextError::TooLong => (
                "questions-text-too-long",
                vec![("max", TEXT_MAX.to_string())],
            ),
        }
    }
}

/// A question's text as stored: trimmed, not empty, at most [`TEXT_MAX`] characters.
pub fn question_text(typed: &str) -> Result<String, TextError> {
    let text = typed.trim();
    if text.is_empty() {
        Err(TextError::Empty)
    } else if text.chars().count() > TEXT_MAX {
        Err(TextError::TooLong)
    } else {
        Ok(text.to_owned())
    }
}

/// A per-person limit reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    PostsTooFast,
    PostsPerSession,
    VotesTooFast,
}

impl Limit {
    /// The Fluent key of the message and its arguments.
    pub fn message(self) -> (&'static str, Vec<(&'static str, String)>) {
        let minutes = |ms: i64| ("minutes", (ms / 60_000).to_string());
        match self {
            Limit::PostsTooFast => (
                "questions-limit-posts-window",
                vec![
                    ("count", POSTS_PER_WINDOW.to_string()),
                    minutes(POST_WINDOW_MS),
                ],
            ),
            Limit::PostsPerSession => (
                "questions-limit-posts-session",
                vec![("count", POSTS_PER_SESSION.to_string())],
            ),
            Limit::VotesTooFast => (
                "questions-limit-votes-window",
                vec![
                    ("count", VOTES_PER_WINDOW.to_string()),
                    minutes(VOTE_WINDOW_MS),
                ],
            ),
        }
    }
}

/// Whether a person who posted `recent` questions in the session within the window and
/// `total` in all may post another.
pub fn may_post(recent: i64, total: i64) -> Result<(), Limit> {
    if total >= POSTS_PER_SESSION {
        Err(Limit::PostsPerSession)
    } else if recent >= POSTS_PER_WINDOW {
        Err(Limit::PostsTooFast)
    } else {
        Ok(())
    }
}

/// Whether a person who cast `recent` votes in the session within the window may cast another.
pub fn may_vote(recent: i64) -> Result<(), Limit> {
    if recent >= VOTES_PER_WINDOW {
        Err(Limit::VotesTooFast)
    } else {
        Ok(())
    }
}

/// The order questions are listed in: the pinned one first, then by votes (most first), then
/// the earliest asked, then by id (so that two lists of the same questions agree).
pub fn rank(pinned: bool, votes: i64, created_at: i64, id: i64) -> impl Ord {
    (Reverse(pinned), Reverse(votes), created_at, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(state: State, pinned: bool) -> Standing {
        Standing { state, pinned }
    }

    #[test]
    fn names_read_back_what_they_write() {
        for state in State::ALL {
            assert_eq!(State::parse(state.as_str()), Some(state));
        }
        for mv in Move::ALL {
            assert_eq!(Move::parse(mv.as_str()), Some(mv));
        }
        assert_eq!(State::parse("deleted"), None);
        assert_eq!(Move::parse("delete"), None);
    }

    #[test]
    fn every_state_and_message_is_named_in_both_languages() {
        use crate::domain::types::Lang;
        use crate::i18n::tr;
        let mut keys: Vec<String> = State::ALL
            .iter()
            .map(|s| format!("questions-state-{}", s.as_str()))
            .collect();
        keys.extend(
            Move::ALL
                .iter()
                .map(|m| format!("questions-move-{}", m.as_str())),
        );
        for lang in Lang::ALL {
            for key in &keys {
                assert_ne!(&tr(lang, key), key, "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn pre_moderation_decides_where_a_question_starts() {
        assert_eq!(initial_state(true), State::Pending);
        assert_eq!(initial_state(false), State::Approved);
    }

    #[test]
    fn moderators_moves() {
        use State::*;
        assert_eq!(
            apply(at(Pending, false), Move::Approve),
            Ok(at(Approved, false))
        );
        assert_eq!(apply(at(Approved, true), Move::Hide), Ok(at(Hidden, false)));
        assert_eq!(
            apply(at(Approved, true), Move::Answer),
            Ok(at(Answered, false))
        );
        assert_eq!(apply(at(Pending, false), Move::Pin), Ok(at(Approved, true)));
        assert_eq!(
            apply(at(Approved, true), Move::Unpin),
            Ok(at(Approved, false))
        );
        assert_eq!(
            apply(at(Answered, false), Move::Approve),
            Ok(at(Approved, false))
        );
        assert_eq!(
            apply(at(Approved, false), Move::Approve),
            Err(Refused::NotFromHere)
        );
        assert_eq!(
            apply(at(Hidden, false), Move::Pin),
            Err(Refused::NotFromHere)
        );
        assert_eq!(
            apply(at(Merged, false), Move::Approve),
            Err(Refused::NotFromHere)
        );
        assert!(!may_merge_into(at(Hidden, false)));
        assert!(!may_merge_into(at(Merged, false)));
        assert!(may_merge_into(at(Answered, false)));
    }

    #[test]
    fn a_question_is_trimmed_and_bounded() {
        assert_eq!(question_text("  Pourquoi ?  "), Ok("Pourquoi ?".into()));
        assert_eq!(question_text(" \n "), Err(TextError::Empty));
        assert_eq!(
            question_text(&"é".repeat(TEXT_MAX)).map(|t| t.len()),
            Ok(2 * TEXT_MAX)
        );
        assert_eq!(
            question_text(&"é".repeat(TEXT_MAX + 1)),
            Err(TextError::TooLong)
        );
    }

    #[test]
    fn limits_refuse_the_next_post_or_vote() {
        assert_eq!(may_post(0, 0), Ok(()));
        assert_eq!(may_post(POSTS_PER_WINDOW, 3), Err(Limit::PostsTooFast));
        assert_eq!(may_post(0, POSTS_PER_SESSION), Err(Limit::PostsPerSession));
        assert_eq!(may_vote(VOTES_PER_WINDOW - 1), Ok(()));
        assert_eq!(may_vote(VOTES_PER_WINDOW), Err(Limit::VotesTooFast));
    }

    fn any_move() -> impl Strategy<Value = Move> {
        proptest::sample::select(Move::ALL.to_vec())
    }

    proptest! {
        /// Whatever moderators do, in any order, to any questions of a session: at most one is
        /// pinned, a pinned question is shown, and a merged one takes no further move.
        #[test]
        fn a_session_never_has_two_pinned_questions(
            moves in proptest::collection::vec((0usize..5, any_move()), 0..60)
        ) {
            let mut board = [at(State::Pending, false); 5];
            for (i, mv) in moves {
                let before = board[i];
                match apply(before, mv) {
                    Ok(after) => {
                        prop_assert!(before.state != State::Merged);
                        if after.pinned {
                            for other in board.iter_mut() {
                                other.pinned = false;
                            }
                        }
                        board[i] = after;
                    }
                    Err(_) => prop_assert_eq!(board[i], before),
                }
                prop_assert!(board.iter().filter(|q| q.pinned).count() <= 1);
                prop_assert!(board.iter().all(|q| !q.pinned || q.state == State::Approved));
            }
        }

        /// The pinned question leads; the others go by votes, then by age.
        #[test]
        fn ranking_puts_the_pinned_then_the_most_voted_first(
            list in proptest::collection::vec((any::<bool>(), 0i64..50, 0i64..1000), 1..30)
        ) {
            let mut ranked: Vec<(usize, (bool, i64, i64))> =
                list.iter().copied().enumerate().collect();
            ranked.sort_by_key(|(id, (p, v, c))| rank(*p, *v, *c, *id as i64));
            for pair in ranked.windows(2) {
                let ((_, (p1, v1, c1)), (_, (p2, v2, c2))) = (pair[0], pair[1]);
                prop_assert!(p1 >= p2);
                if p1 == p2 {
                    prop_assert!(v1 > v2 || (v1 == v2 && c1 <= c2));
                }
            }
        }

        /// A post is allowed exactly below both limits.
        #[test]
        fn posting_is_allowed_exactly_below_both_limits(recent in 0i64..20, total in 0i64..20) {
            let allowed = recent < POSTS_PER_WINDOW && total < POSTS_PER_SESSION;
            prop_assert_eq!(may_post(recent, total).is_ok(), allowed);
        }
    }
}
