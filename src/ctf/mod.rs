//! The cybersecurity hackathon's capture-the-flag contest: teams of accepted applicants,
//! challenges, flags, hints, the scoreboard and the organisers' tools.
//!
//! Layout: pure logic apart from I/O — `scoring` (challenge values, standings, freeze),
//! `spec` (CTFd-style YAML challenges in and out), `markdown` (challenge texts made safe) —
//! then queries, the writes (`actions`) and the pages.

pub mod markdown;
pub mod scoring;
pub mod spec;
