//! Coaching pages, by audience: the organisers' sessions and invitations
//! ([`super::organisers`]), the coach's sessions with attendance and notes ([`super::coach`]),
//! and the applicant's list of sessions ([`super::applicant`]). See the module docs for who
//! sees what.

use super::applicant::applicant_sessions;
use super::coach::{coach_attendance, coach_home, coach_note, coach_session};
use super::organisers::{
    admin_attendance, admin_session, admin_sessions, cancel_session, create_session, edit_session,
    invite, withdraw_invitation,
};

use axum::routing::{get, post};
use axum::Router;

use crate::web::state::AppState;

pub fn router() -> Router<AppState> {
    const ADMIN: &str = "/admin/editions/{edition}/coaching";
    Router::new()
        .route(ADMIN, get(admin_sessions).post(create_session))
        .route(&format!("{ADMIN}/{{session}}"), get(admin_session))
        .route(&format!("{ADMIN}/{{session}}/invite"), post(invite))
        .route(&format!("{ADMIN}/{{session}}/edit"), post(edit_session))
        .route(&format!("{ADMIN}/{{session}}/cancel"), post(cancel_session))
        .route(
            &format!("{ADMIN}/{{session}}/withdraw"),
            post(withdraw_invitation),
        )
        .route(
            &format!("{ADMIN}/{{session}}/attendance"),
            post(admin_attendance),
        )
        .route("/coaching", get(coach_home))
        .route("/coaching/{session}", get(coach_session))
        .route("/coaching/{session}/attendance", post(coach_attendance))
        .route("/coaching/{session}/note", post(coach_note))
        .route("/applications/{id}/coaching", get(applicant_sessions))
}
