//! Accounts: sign-up with an e-mail address or a phone number, verification codes, login,
//! password reset, sessions, roles and rate limits.

pub mod rate_limit;
pub mod roles;
pub mod routes;
pub mod users;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// argon2id with the crate's defaults (19 MiB, 2 passes): OWASP's recommended minimum.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// At most one argon2 computation per core at a time. Each one takes 19 MiB and ~50 ms of
/// CPU: a burst of sign-ups then queues here instead of growing the heap by 19 MiB per
/// request (memory the allocator keeps afterwards) and starving every other request.
static HASHING_SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    });

/// Runs an argon2 computation on the blocking pool, within `HASHING_SLOTS`.
async fn with_hashing_slot<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::web::error::AppError> {
    let _slot = HASHING_SLOTS
        .acquire()
        .await
        .map_err(|e| crate::web::error::AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| crate::web::error::AppError::Internal(e.to_string()))
}

/// Hashing a password costs ~50 ms of CPU: keep it off the async executor.
pub async fn hash_password_blocking(
    password: String,
) -> Result<String, crate::web::error::AppError> {
    with_hashing_slot(move || hash_password(&password))
        .await?
        .map_err(|e| crate::web::error::AppError::Internal(e.to_string()))
}

pub async fn verify_password_blocking(password: String, hash: String) -> bool {
    with_hashing_slot(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
}

/// A password as chosen by a user: 8 to 128 characters.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<NewPassword, PasswordError> {
        match raw.chars().count() {
            0..=7 => Err(PasswordError::TooShort),
            129.. => Err(PasswordError::TooLong),
            _ => Ok(NewPassword(raw.to_owned())),
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    pub fn error_key(error: &PasswordError) -> &'static str {
        match error {
            PasswordError::TooShort => "password-too-short",
            PasswordError::TooLong => "password-too-long",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hashes_verify_and_differ() {
        let a = hash_password("correct horse").expect("hash");
        let b = hash_password("correct horse").expect("hash");
        assert_ne!(a, b, "salts differ");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("wrong horse", &a));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn password_length_is_bounded() {
        assert_eq!(
            NewPassword::parse("short").err(),
            Some(PasswordError::TooShort)
        );
        assert!(NewPassword::parse("long enough").is_ok());
        assert_eq!(
            NewPassword::parse(&"x".repeat(129)).err(),
            Some(PasswordError::TooLong)
        );
    }
}
