//! The event's identity, set by administrators: its name, organiser, logo, colours and
//! contact. It is what every page's header and footer, the link previews, the receipts and
//! the certificates show — Kènè is only the software, named in small print. A young person
//! asked for their NINA must see whose platform asks.
//!
//! What an identity is lives in [`crate::domain::identity`] (pages show it through `web`,
//! which must not depend on this area); here it is stored, audited and edited.

pub mod queries;
pub mod routes;

pub use crate::domain::identity::{
    Colour, Colours, Identities, Identity, IdentityError, Logo, LogoKind, LogoRef, Scope, Settings,
    SiteDomain,
};
