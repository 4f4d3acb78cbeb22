//! E-mail delivery through an SMTP relay.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};

use super::{DeliveryError, TransportError};
use crate::config::notifications::{SmtpConfig, SmtpTls};

/// Value of `outbox.transport` for messages handed to SMTP.
pub const TRANSPORT: &str = "smtp";

/// Bound on each SMTP command, so a stalled relay cannot hold a lease for long.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// An SMTP relay, ready to send.
#[derive(Clone)]
pub struct EmailTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for EmailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailTransport")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl EmailTransport {
    pub fn new(cfg: &SmtpConfig) -> Result<EmailTransport, TransportError> {
        let from: Mailbox = cfg
            .from
            .parse()
            .map_err(|e| TransportError::Smtp(format!("from address {:?}: {e}", cfg.from)))?;
        let builder = match cfg.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&cfg.host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host)
                .map_err(|e| TransportError::Smtp(format!("STARTTLS to {}: {e}", cfg.host)))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host)
                .map_err(|e| TransportError::Smtp(format!("TLS to {}: {e}", cfg.host)))?,
        };
        let mut builder = builder.port(cfg.port).timeout(Some(SMTP_TIMEOUT));
        if let Some(user) = &cfg.username {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                cfg.password.clone().unwrap_or_default(),
            ));
        }
        Ok(EmailTransport {
            mailer: builder.build(),
            from,
        })
    }

    /// Sends one plain-text UTF-8 message. The `Message-ID` is derived from
    /// `idempotency_key`, so every attempt for one event carries the same id.
    pub async fn send(
        &self,
        idempotency_key: &str,
        to: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), DeliveryError> {
        let to_box: Mailbox = to
            .parse()
            .map_err(|e| DeliveryError::Permanent(format!("invalid recipient {to:?}: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to_box)
            .subject(subject)
            .message_id(Some(message_id(idempotency_key, &self.from)))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| DeliveryError::Permanent(format!("cannot build message: {e}")))?;
        match self.mailer.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(DeliveryError::Permanent(format!("SMTP: {e}"))),
            Err(e) => Err(DeliveryError::Temporary(format!("SMTP: {e}"))),
        }
    }
}

/// `<hex(sha256(key))[..32]@domain-of-from>`: stable per idempotency key, opaque, valid.
pub fn message_id(idempotency_key: &str, from: &Mailbox) -> String {
    let digest = Sha256::digest(idempotency_key.as_bytes());
    let hex = hex::encode(digest);
    let domain = from.email.domain();
    format!("<{}.kene@{}>", &hex[..32], domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_is_stable_and_well_formed() {
        let from: Mailbox = "Kènè <no-reply@example.org>".parse().expect("mailbox");
        let a = message_id("application-submitted:42", &from);
        assert_eq!(a, message_id("application-submitted:42", &from));
        assert_ne!(a, message_id("application-submitted:43", &from));
        assert!(
            a.starts_with('<') && a.ends_with(".kene@example.org>"),
            "{a}"
        );
        assert_eq!(a.len(), "<".len() + 32 + ".kene@example.org>".len());
    }

    #[test]
    fn bad_from_is_a_config_error() {
        let cfg = SmtpConfig {
            host: "127.0.0.1".into(),
            port: 25,
            username: None,
            password: None,
            from: "not an address".into(),
            tls: SmtpTls::None,
        };
        assert!(matches!(
            EmailTransport::new(&cfg),
            Err(TransportError::Smtp(_))
        ));
    }
}
