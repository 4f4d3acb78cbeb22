//! Small cryptographic helpers every area uses: random tokens and identifiers, SHA-256 in
//! hex, a comparison of secrets that takes the same time whatever they hold, and the server's
//! keyed hash (HMAC-SHA-256) for secrets that must not sit in the database in clear.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes, URL-safe base64: session tokens, CSRF tokens, public identifiers.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A shorter opaque identifier for URLs (96 bits).
pub fn random_public_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of `data`, in lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Equality of two secrets (tokens, CSRF values) without an early exit an attacker could time.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The server's secret for keyed hashes (the CTF's flags): kept outside the database, so that
/// a dump of it alone reveals no flag, not even by trying candidates offline.
#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

impl ServerKey {
    pub fn random() -> ServerKey {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        ServerKey(bytes)
    }

    /// 64 hex digits.
    pub fn from_hex(text: &str) -> Option<ServerKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(ServerKey(bytes.try_into().ok()?))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// HMAC-SHA-256 of `data` under this key, separated by `purpose` (one key, several uses).
    pub fn mac(&self, purpose: &str, data: &[u8]) -> [u8; 32] {
        use hmac::Mac;
        // A key of any length is accepted by HMAC: this cannot fail.
        let mut mac = <hmac::Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn keyed_hashes_depend_on_key_purpose_and_data() {
        let key = ServerKey::random();
        let again = ServerKey::from_hex(&key.to_hex()).expect("hex round trip");
        assert_eq!(key.mac("flag", b"x"), again.mac("flag", b"x"));
        assert_ne!(key.mac("flag", b"x"), key.mac("flag", b"y"));
        assert_ne!(key.mac("flag", b"x"), key.mac("team", b"x"));
        assert_ne!(key.mac("flag", b"x"), ServerKey::random().mac("flag", b"x"));
        assert!(ServerKey::from_hex("abcd").is_none());
    }
}
