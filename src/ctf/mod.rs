//! The cybersecurity hackathon's capture-the-flag contest: the eligible applicants of the
//! edition's hackathon track play alone or in teams; challenges with static, regular-expression
//! or per-team flags, hints and files; a scoreboard (static or dynamic values, retroactive or
//! not, first blood, freeze) that is live and works by reload; the organisers' tools.
//!
//! Choices: submissions stay open during the freeze (only the public board stops: the
//! standings **and values** it shows are those of the freeze instant), and the board stays
//! frozen after the end until organisers reveal the final standings; a contestant may leave
//! their team before the start only; a team is women-led when at least half of its members
//! are women, as the calls count it.
//!
//! Layout: pure logic apart from I/O — `scoring` (challenge values, standings, freeze),
//! `flags` (keyed hashes, regular expressions, per-team flags), `rules` (window, lock-outs,
//! settings), `spec` (CTFd-style YAML challenges in and out), `markdown` (challenge texts made
//! safe) — then `queries`, `actions` (the writes), `pages` (contestants and the board), `results` (the
//! final standings as the selection reads them: a jury criterion or the podium),
//! `organisers`, `live` (the board's event stream), `demo`.

pub mod actions;
pub mod demo;
pub mod flags;
mod live;
pub mod markdown;
mod organisers;
mod pages;
pub mod queries;
pub mod results;
pub mod rules;
pub mod scoring;
pub mod spec;

use axum::routing::{get, post};
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    const PUBLIC: &str = "/ctf/{edition}";
    const ADMIN: &str = "/admin/editions/{edition}/ctf";
    Router::new()
        .route(PUBLIC, get(pages::home))
        .route(&format!("{PUBLIC}/team"), post(pages::create_team))
        .route(&format!("{PUBLIC}/join"), post(pages::join_team))
        .route(&format!("{PUBLIC}/leave"), post(pages::leave_team))
        .route(&format!("{PUBLIC}/codes"), post(pages::new_code))
        .route(
            &format!("{PUBLIC}/challenges/{{challenge}}"),
            get(pages::challenge).post(pages::submit),
        )
        .route(
            &format!("{PUBLIC}/challenges/{{challenge}}/attempt"),
            post(pages::submit_json),
        )
        .route(
            &format!("{PUBLIC}/challenges/{{challenge}}/hints/{{hint}}"),
            post(pages::unlock_hint),
        )
        .route(
            &format!("{PUBLIC}/challenges/{{challenge}}/files/{{file}}"),
            get(pages::file),
        )
        .route(&format!("{PUBLIC}/scoreboard"), get(pages::board))
        .route(&format!("{PUBLIC}/scoreboard/live"), get(live::stream))
        .route(
            ADMIN,
            get(organisers::admin).post(organisers::save_settings),
        )
        .route(&format!("{ADMIN}/adjust"), post(organisers::adjust))
        .route(&format!("{ADMIN}/reveal"), post(organisers::reveal))
        .route(&format!("{ADMIN}/import"), post(organisers::import))
        .route(&format!("{ADMIN}/monitor"), get(organisers::monitor))
        .route(
            &format!("{ADMIN}/challenges"),
            get(organisers::new_challenge).post(organisers::create_challenge),
        )
        .route(
            &format!("{ADMIN}/challenges/{{challenge}}"),
            get(organisers::edit_challenge).post(organisers::update_challenge),
        )
        .route(
            &format!("{ADMIN}/challenges/{{challenge}}/files"),
            post(organisers::add_file),
        )
        .route(
            &format!("{ADMIN}/challenges/{{challenge}}/challenge.yml"),
            get(organisers::export),
        )
        .route(
            &format!("{ADMIN}/challenges/{{challenge}}/team-flags.csv"),
            get(organisers::team_flags),
        )
}
