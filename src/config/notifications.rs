//! Notification transports configuration (the `[notifications]` section).
//!
//! With neither SMTP nor SMS configured (a demo instance), messages are written to the log
//! and marked sent with transport `log`.

use std::fmt;

use serde::Deserialize;

/// Outgoing transports; a channel left `None` falls back to the log transport.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
}

/// An SMTP relay (submission server) for e-mail.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The `From` mailbox, e.g. `Kènè <no-reply@example.org>`.
    pub from: String,
    #[serde(default)]
    pub tls: SmtpTls,
}

fn default_smtp_port() -> u16 {
    25
}

// Hand-written so that the password never reaches a log line.
impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("tls", &self.tls)
            .finish()
    }
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Plain text (a local relay, or tests). Credentials travel unencrypted.
    #[default]
    None,
    /// Plain connection upgraded with STARTTLS, which is required (usually port 587).
    #[serde(alias = "starttls")]
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
}

/// An HTTP SMS gateway: messages are POSTed as JSON to `url`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    pub url: String,
    /// Sent as `Authorization: Bearer <token>`.
    #[serde(default)]
    pub token: Option<String>,
    /// Sender id or number, sent as `from`.
    #[serde(default)]
    pub sender: Option<String>,
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("sender", &self.sender)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Wrapper {
        notifications: NotifyConfig,
    }

    #[test]
    fn defaults_and_toml_shape() {
        let cfg = NotifyConfig::default();
        assert!(cfg.smtp.is_none() && cfg.sms.is_none());

        let json = serde_json::json!({
            "notifications": {
                "smtp": { "host": "smtp.example.org", "from": "Kènè <no-reply@example.org>", "password": "s3cret" },
                "sms": { "url": "https://sms.example.org/send", "token": "t0ken" }
            }
        });
        let w: Wrapper = serde_json::from_value(json).expect("valid config");
        let smtp = w.notifications.smtp.expect("smtp");
        assert_eq!(smtp.port, 25);
        assert_eq!(smtp.tls, SmtpTls::None);
        assert!(!format!("{smtp:?}").contains("s3cret"));
        let sms = w.notifications.sms.expect("sms");
        assert!(sms.sender.is_none());
        assert!(!format!("{sms:?}").contains("t0ken"));

        let tls: SmtpTls = serde_json::from_value(serde_json::json!("start_tls")).expect("tls");
        assert_eq!(tls, SmtpTls::StartTls);
        let tls: SmtpTls = serde_json::from_value(serde_json::json!("starttls")).expect("tls");
        assert_eq!(tls, SmtpTls::StartTls);
    }
}
