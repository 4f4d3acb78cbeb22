//! Kènè: calls for applications, selection, event and ecosystem platform for national digital
//! weeks. See `ARCHITECTURE.md` for its layout and `DECISIONS.md` for why.

pub mod accounts;
pub mod app;
pub mod applications;
pub mod audit;
pub mod calls;
pub mod checkin;
pub mod cli;
pub mod clock;
pub mod coaching;
pub mod config;
pub mod crypto;
pub mod ctf;
pub mod db;
pub mod demo;
pub mod directory;
pub mod domain;
pub mod editions;
pub mod i18n;
pub mod identity;
pub mod networking;
pub mod notifications;
pub mod opendata;
pub mod opportunities;
pub mod outbox;
pub mod personal_data;
pub mod programme;
pub mod questions;
pub mod registration;
pub mod review;
pub mod site;
pub mod stands;
pub mod stats;
pub mod web;
