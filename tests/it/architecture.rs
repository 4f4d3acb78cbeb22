//! ARCHITECTURE.md's rules for the selection, checked on the source: a stage of `review/`
//! never imports another stage, the shared core imports no stage, and `review/rules/` (the
//! pure rules) imports only `domain`. A file that breaks one is named with the path it uses.

use std::path::{Path, PathBuf};

const STAGES: [&str; 5] = ["committee", "jury", "results", "scoring", "shortlist"];

fn review_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/review")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("readable source dir")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The source without its comments (a doc comment may name any module) and without its
/// tests (a test may use anything: it does not ship).
fn code_of(path: &Path) -> String {
    if path.ends_with("tests.rs") {
        return String::new();
    }
    let source = std::fs::read_to_string(path).expect("readable source");
    let shipped = source.split("#[cfg(test)]").next().unwrap_or_default();
    shipped
        .lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::…` path the code names, as written (`crate::review::jury::deliberate`).
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let path: String = code[at..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        out.push(path);
    }
    out
}

/// The stage a `crate::review::…` path reaches, if any.
fn stage_of(path: &str) -> Option<&'static str> {
    let rest = path.strip_prefix("crate::review::")?;
    let module = rest.split("::").next()?;
    STAGES.into_iter().find(|stage| *stage == module)
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn a_stage_never_imports_another_stage() {
    let mut breaches = Vec::new();
    for stage in STAGES {
        let dir = review_dir().join(stage);
        let files = rust_files(&dir);
        assert!(!files.is_empty(), "{} has no files", dir.display());
        for file in files {
            let code = code_of(&file);
            for path in crate_paths(&code) {
                if stage_of(&path).is_some_and(|other| other != stage) {
                    breaches.push(format!("{}: {path}", relative(&file)));
                }
            }
            // `super::super::<stage>` reaches a sibling stage as well.
            for other in STAGES.iter().filter(|other| **other != stage) {
                if code.contains(&format!("super::super::{other}")) {
                    breaches.push(format!("{}: super::super::{other}", relative(&file)));
                }
            }
        }
    }
    assert!(
        breaches.is_empty(),
        "stage imports another stage:\n{}",
        breaches.join("\n")
    );
}

#[test]
fn the_shared_core_imports_no_stage() {
    let mut breaches = Vec::new();
    for file in rust_files(&review_dir()) {
        let in_stage = STAGES
            .iter()
            .any(|stage| file.starts_with(review_dir().join(stage)));
        // The demo tells the whole story through the stages, as organisers would.
        let demo = file.ends_with("review/demo.rs");
        if in_stage || demo {
            continue;
        }
        for path in crate_paths(&code_of(&file)) {
            if stage_of(&path).is_some() {
                breaches.push(format!("{}: {path}", relative(&file)));
            }
        }
    }
    assert!(
        breaches.is_empty(),
        "the core imports a stage:\n{}",
        breaches.join("\n")
    );
}

#[test]
fn the_rules_import_only_the_domain() {
    let mut breaches = Vec::new();
    let files = rust_files(&review_dir().join("rules"));
    assert!(files.len() >= 5, "the rules moved: {files:?}");
    for file in files {
        for path in crate_paths(&code_of(&file)) {
            if !(path.starts_with("crate::domain") || path.starts_with("crate::review::rules")) {
                breaches.push(format!("{}: {path}", relative(&file)));
            }
        }
    }
    assert!(
        breaches.is_empty(),
        "the rules reach outside the domain:\n{}",
        breaches.join("\n")
    );
}
