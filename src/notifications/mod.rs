//! Notifications: delivering the outbox ([`crate::outbox`]) by a background worker, the
//! message templates organisers edit, and the outbox page.
//!
//! * [`worker::spawn_worker`] claims due rows with a lease (`locked_until`), delivers them by
//!   e-mail ([`email`]), SMS gateway ([`sms`]) or, when a channel has no transport configured,
//!   the log, and retries temporary failures with exponential backoff.
//!
//! Delivery is at-most-once: a worker that dies mid-delivery cannot know whether the transport
//! took the message, so the row is set aside as `uncertain` (never re-sent by itself) and an
//! organiser resends it from `/admin/outbox` if the recipient did not get it. Retries after a
//! transport's clear refusal are automatic. The idempotency key travels with every attempt
//! (`Message-ID`, `Idempotency-Key`) so receivers can drop a duplicate of a manual resend.

pub mod actions;
pub mod email;
pub mod letters;
pub mod outbox_page;
pub mod sms;
pub mod template_admin;
pub mod templates;
pub mod worker;

pub use worker::{deliver_due, spawn_worker, Transports};

/// Why one delivery attempt did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying later (network, timeout, 5xx, 429, SMTP 4xx).
    #[error("{0}")]
    Temporary(String),
    /// Retrying cannot help (invalid address, 4xx from the gateway, SMTP 5xx).
    #[error("{0}")]
    Permanent(String),
}

/// A transport could not be built from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("invalid SMTP configuration: {0}")]
    Smtp(String),
    #[error("invalid SMS gateway configuration: {0}")]
    Sms(String),
}

#[cfg(test)]
#[path = "../../tests/support/sinks.rs"]
pub(crate) mod sinks;
