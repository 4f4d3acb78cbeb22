//! Per-field error messages for re-rendering a form with what the user typed.

use std::collections::BTreeMap;

#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: impl AsRef<str>) -> Option<&str> {
        self.0.get(field.as_ref()).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Only same-site paths are accepted as post-login destinations (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// The first `max` bytes of the multipart part named `name`, and how many bytes it held: past
/// `max` the rest is read and dropped, so that the browser, still sending, gets the page that
/// says why the file was refused.
pub async fn read_file_part(
    multipart: &mut axum::extract::Multipart,
    name: &str,
    max: usize,
) -> (Vec<u8>, usize) {
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Ok(Some(mut part)) = multipart.next_field().await {
        if part.name() != Some(name) {
            continue;
        }
        while let Ok(Some(chunk)) = part.chunk().await {
            seen += chunk.len();
            if seen <= max {
                bytes.extend_from_slice(&chunk);
            }
        }
        break;
    }
    (bytes, seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_never_another_site() {
        assert_eq!(safe_next(Some("/applications")), "/applications");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
