//! Page templates (askama, compiled into the binary). Each page carries the request's [`Ctx`]
//! for the layout, the language and the CSRF token.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::web::error::AppResult;

pub fn render(template: &impl Template) -> AppResult<Response> {
    render_with_status(StatusCode::OK, template)
}

pub fn render_with_status(status: StatusCode, template: &impl Template) -> AppResult<Response> {
    Ok((status, Html(template.render()?)).into_response())
}

/// The QR code of `text` as an SVG document, black on white, sized by the page.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .quiet_zone(true)
            .min_dimensions(160, 160)
            .build(),
    )
}
