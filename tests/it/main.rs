//! All integration tests in one binary (one link step on small machines). Each test starts a
//! real server on a random loopback port; `both_dbs!` runs it on SQLite and PostgreSQL.

#[path = "../support/mod.rs"]
#[macro_use]
mod support;

mod accounts;
mod admin;
mod applications;
mod architecture;
mod backoffice;
mod browser;
mod checkin;
mod cli;
mod coaching;
mod crash;
mod ctf;
mod directory;
mod directory_import;
mod edits;
mod followups;
mod identity;
mod integrity;
mod jury;
mod message_templates;
mod migrations;
mod networking;
mod operations;
mod personal_data;
mod programme;
mod public_cache;
mod questions;
mod registration;
mod review;
mod rules;
mod s3;
mod security;
mod sql;
mod stands;
mod stats;
mod uploads;
mod verify;
