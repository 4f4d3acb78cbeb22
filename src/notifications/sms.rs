//! SMS delivery through an HTTP gateway.
//!
//! `POST <url>` with JSON `{"to", "from", "text", "idempotency_key"}`, headers
//! `Authorization: Bearer <token>` and `Idempotency-Key: <key>`. A 2xx answer means sent;
//! 4xx other than 429 is a permanent failure; anything else (5xx, 429, 3xx, network error,
//! timeout) is retried.

use std::time::Duration;

use reqwest::{StatusCode, Url};
use serde::Serialize;

use super::{DeliveryError, TransportError};
use crate::config::notifications::SmsConfig;

/// Value of `outbox.transport` for messages handed to the SMS gateway.
pub const TRANSPORT: &str = "sms_http";

const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How much of a gateway's error answer is kept in `last_error`.
const MAX_ERROR_BODY: usize = 300;

#[derive(Clone)]
pub struct SmsTransport {
    client: reqwest::Client,
    url: Url,
    token: Option<String>,
    sender: Option<String>,
}

impl std::fmt::Debug for SmsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsTransport")
            .field("url", &self.url.as_str())
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Payload<'a> {
    to: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    text: &'a str,
    idempotency_key: &'a str,
}

impl SmsTransport {
    pub fn new(cfg: &SmsConfig) -> Result<SmsTransport, TransportError> {
        let url = Url::parse(&cfg.url)
            .map_err(|e| TransportError::Sms(format!("url {:?}: {e}", cfg.url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TransportError::Sms(format!(
                "url {:?}: scheme must be http or https",
                cfg.url
            )));
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("kene/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError::Sms(format!("HTTP client: {e}")))?;
        Ok(SmsTransport {
            client,
            url,
            token: cfg.token.clone(),
            sender: cfg.sender.clone(),
        })
    }

    pub async fn send(
        &self,
        idempotency_key: &str,
        to: &str,
        text: &str,
    ) -> Result<(), DeliveryError> {
        let payload = Payload {
            to,
            from: self.sender.as_deref(),
            text,
            idempotency_key,
        };
        let mut request = self
            .client
            .post(self.url.clone())
            .header("Idempotency-Key", idempotency_key)
            .json(&payload);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = match request.send().await {
            Ok(r) => r,
            // The URL is ours, not secret, but errors may echo it: keep only the cause.
            Err(e) => return Err(DeliveryError::Temporary(describe(&e))),
        };
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        let message = format!(
            "SMS gateway answered {status}: {}",
            truncate(body.trim(), MAX_ERROR_BODY)
        );
        if is_permanent(status) {
            Err(DeliveryError::Permanent(message))
        } else {
            Err(DeliveryError::Temporary(message))
        }
    }
}

fn is_permanent(status: StatusCode) -> bool {
    status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS
}

fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        format!("SMS gateway {kind}")
    } else {
        format!("SMS gateway {kind}: {cause}")
    }
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert!(is_permanent(StatusCode::BAD_REQUEST));
        assert!(is_permanent(StatusCode::UNAUTHORIZED));
        assert!(!is_permanent(StatusCode::TOO_MANY_REQUESTS));
        assert!(!is_permanent(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(!is_permanent(StatusCode::FOUND));
        assert_eq!(truncate("éééé", 2), "éé");
        assert_eq!(truncate("ab", 5), "ab");
    }

    #[test]
    fn bad_url_is_a_config_error() {
        let cfg = SmsConfig {
            url: "ftp://example.org".into(),
            token: None,
            sender: None,
        };
        assert!(matches!(
            SmsTransport::new(&cfg),
            Err(TransportError::Sms(_))
        ));
    }
}
