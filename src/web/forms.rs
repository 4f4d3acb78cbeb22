//! Per-field error messages for re-rendering a form with what the user typed, and the
//! reading of multipart forms (CSRF token first, then a file).

use std::collections::BTreeMap;

use axum::extract::Multipart;

use super::ctx::Ctx;
use super::error::AppError;

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

/// Checks the CSRF token of a multipart form, which sends it as its first part so that a
/// forged upload is refused before any of its file is read.
pub async fn csrf_first(multipart: &mut Multipart, ctx: &Ctx) -> Result<(), AppError> {
    let token = match multipart.next_field().await {
        Ok(Some(part)) if part.name() == Some("csrf") => part.text().await.unwrap_or_default(),
        _ => String::new(),
    };
    if crate::crypto::constant_time_eq(token.as_bytes(), ctx.csrf.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}

/// A file sent in a multipart form, kept up to a limit.
#[derive(Debug, Default)]
pub struct FilePart {
    /// The name the browser gave, without any folder nor control character.
    pub file_name: String,
    /// Its first bytes, up to the limit.
    pub bytes: Vec<u8>,
    /// How many bytes were sent: more than the limit when the file was too large.
    pub seen: usize,
}

/// The first `max` bytes of the multipart part named `name`, and how many bytes it held: past
/// `max` the rest is read and dropped, so that the browser, still sending, gets the page that
/// says why the file was refused.
pub async fn read_file_part(multipart: &mut Multipart, name: &str, max: usize) -> FilePart {
    let mut file = FilePart::default();
    while let Ok(Some(mut part)) = multipart.next_field().await {
        if part.name() != Some(name) {
            continue;
        }
        file.file_name = part.file_name().map(base_name).unwrap_or_default();
        while let Ok(Some(chunk)) = part.chunk().await {
            file.seen += chunk.len();
            if file.seen <= max {
                file.bytes.extend_from_slice(&chunk);
            }
        }
        break;
    }
    file
}

/// A sent file's name without the folders some browsers send along, nor control characters.
fn base_name(sent: &str) -> String {
    let name = sent.rsplit(['/', '\\']).next().unwrap_or(sent);
    name.chars().filter(|c| !c.is_control()).collect()
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

    #[test]
    fn a_file_name_keeps_neither_folders_nor_control_characters() {
        assert_eq!(base_name("C:\\Users\\awa\\actors.xlsx"), "actors.xlsx");
        assert_eq!(base_name("/home/awa/flag\u{7}.zip"), "flag.zip");
        assert_eq!(base_name("plain.csv"), "plain.csv");
    }
}
