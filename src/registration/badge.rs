//! Badge codes: what a badge's QR code carries. A 9-byte claim (code version, signing key,
//! edition, badge number, category) followed by its Ed25519 signature, written in Base32 so
//! that the whole code (117 characters of `A–Z2–7`) fits a version-5 QR code in alphanumeric
//! mode, easy for cheap phone cameras. Anyone holding the edition's verifying keys (the door
//! phones) can check a code; only the server, holding the signing key, can make one. Pure.

use data_encoding::BASE32_NOPAD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey, SIGNATURE_LENGTH};

/// The layout below; a scanner refuses codes of another version.
pub const CODE_VERSION: u8 = 1;
const CLAIM_LEN: usize = 9;
/// Characters in a code.
pub const CODE_CHARS: usize = ((CLAIM_LEN + SIGNATURE_LENGTH) * 8).div_ceil(5);

/// What a badge says about its holder; the signature vouches for all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// Which of the edition's keys signed it (keys can be rotated; scanners hold several).
    pub key_id: u8,
    /// The edition's number (its id), so that last year's badge is named as such.
    pub edition: u16,
    /// The badge number: the registration's number, printed under the QR code.
    pub badge: u32,
    /// The attendee category's index in `CategoryCode::ALL`.
    pub category: u8,
}

impl Claim {
    fn to_bytes(self) -> [u8; CLAIM_LEN] {
        let mut out = [0u8; CLAIM_LEN];
        out[0] = CODE_VERSION;
        out[1] = self.key_id;
        out[2..4].copy_from_slice(&self.edition.to_be_bytes());
        out[4..8].copy_from_slice(&self.badge.to_be_bytes());
        out[8] = self.category;
        out
    }

    fn from_bytes(bytes: &[u8; CLAIM_LEN]) -> Claim {
        Claim {
            key_id: bytes[1],
            edition: u16::from_be_bytes([bytes[2], bytes[3]]),
            badge: u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]),
            category: bytes[8],
        }
    }
}

/// Why a code is not a badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadCode {
    /// Not a code at all (wrong length or characters, another layout version).
    Malformed,
    /// Signed by a key the scanner does not hold (another edition, or a forgery).
    UnknownKey,
    /// The signature does not match: the code was altered or forged.
    Forged,
}

impl BadCode {
    pub const ALL: [BadCode; 3] = [BadCode::Malformed, BadCode::UnknownKey, BadCode::Forged];

    /// Its name for door phones; the message shown is `badge-code-<name>`.
    pub fn name(self) -> &'static str {
        match self {
            BadCode::Malformed => "malformed",
            BadCode::UnknownKey => "unknown-key",
            BadCode::Forged => "forged",
        }
    }
}

/// The code of `claim`, signed with `key` (whose number must be `claim.key_id`).
pub fn sign(claim: Claim, key: &SigningKey) -> String {
    let bytes = claim.to_bytes();
    let signature = key.sign(&bytes);
    let mut all = Vec::with_capacity(CLAIM_LEN + SIGNATURE_LENGTH);
    all.extend_from_slice(&bytes);
    all.extend_from_slice(&signature.to_bytes());
    BASE32_NOPAD.encode(&all)
}

/// The claim of `code` if one of the keys `key_for` knows signed it. Codes typed by hand are
/// forgiven their case, spaces and dashes.
pub fn verify(code: &str, key_for: impl Fn(u8) -> Option<VerifyingKey>) -> Result<Claim, BadCode> {
    let normalised: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if normalised.len() != CODE_CHARS {
        return Err(BadCode::Malformed);
    }
    let all = BASE32_NOPAD
        .decode(normalised.as_bytes())
        .map_err(|_| BadCode::Malformed)?;
    let (bytes, signature) = all.split_at_checked(CLAIM_LEN).ok_or(BadCode::Malformed)?;
    let bytes: &[u8; CLAIM_LEN] = bytes.try_into().map_err(|_| BadCode::Malformed)?;
    if bytes[0] != CODE_VERSION {
        return Err(BadCode::Malformed);
    }
    let signature = Signature::from_slice(signature).map_err(|_| BadCode::Malformed)?;
    let claim = Claim::from_bytes(bytes);
    let key = key_for(claim.key_id).ok_or(BadCode::UnknownKey)?;
    key.verify_strict(bytes, &signature)
        .map_err(|_| BadCode::Forged)?;
    Ok(claim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn claim() -> Claim {
        Claim {
            key_id: 3,
            edition: 2,
            badge: 1042,
            category: 1,
        }
    }

    fn holder(key: &SigningKey) -> impl Fn(u8) -> Option<VerifyingKey> + '_ {
        |id| (id == 3).then(|| key.verifying_key())
    }

    #[test]
    fn a_signed_code_is_read_back_even_when_typed_by_hand() {
        let k = key(7);
        let code = sign(claim(), &k);
        assert_eq!(code.len(), CODE_CHARS);
        assert_eq!(CODE_CHARS, 117);
        assert_eq!(verify(&code, holder(&k)), Ok(claim()));
        let spaced: String = code
            .chars()
            .enumerate()
            .flat_map(|(i, c)| (i % 4 == 0).then_some('-').into_iter().chain([c]))
            .collect();
        assert_eq!(verify(&spaced, holder(&k)), Ok(claim()));
        assert_eq!(verify(&code.to_lowercase(), holder(&k)), Ok(claim()));
    }

    #[test]
    fn a_code_from_another_key_is_refused() {
        let code = sign(claim(), &key(8));
        assert_eq!(verify(&code, holder(&key(7))), Err(BadCode::Forged));
        assert_eq!(verify(&code, |_| None), Err(BadCode::UnknownKey));
    }

    #[test]
    fn the_code_fits_a_version_5_qr_code() {
        let code = sign(claim(), &key(1));
        let qr = qrcode::QrCode::with_error_correction_level(code.as_bytes(), qrcode::EcLevel::M)
            .expect("fits");
        assert_eq!(qr.version(), qrcode::Version::Normal(5));
    }

    #[test]
    fn every_refusal_is_explained_in_both_languages() {
        use crate::domain::types::Lang;
        for bad in BadCode::ALL {
            let key = format!("badge-code-{}", bad.name());
            for lang in Lang::ALL {
                assert_ne!(crate::i18n::tr(lang, &key), key);
            }
        }
    }

    #[test]
    fn garbage_is_malformed() {
        let k = key(1);
        for code in [
            "",
            "hello",
            &"A".repeat(CODE_CHARS),
            &"1".repeat(CODE_CHARS),
        ] {
            assert!(verify(code, holder(&k)).is_err(), "{code}");
        }
        assert_eq!(verify("hello", holder(&k)), Err(BadCode::Malformed));
    }

    proptest! {
        /// Changing any character of a code (the badge number, the category, the signature…)
        /// never yields a valid badge.
        #[test]
        fn an_altered_code_is_never_accepted(badge in any::<u32>(), at in 0usize..CODE_CHARS, to in 0u8..32) {
            let k = key(9);
            let original = sign(Claim { badge, ..claim() }, &k);
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            let mut altered = original.clone().into_bytes();
            altered[at] = alphabet[usize::from(to)];
            let altered = String::from_utf8(altered).expect("ascii");
            prop_assume!(altered != original);
            prop_assert!(verify(&altered, holder(&k)).is_err());
        }

        #[test]
        fn every_claim_round_trips(key_id in any::<u8>(), edition in any::<u16>(), badge in any::<u32>(), category in any::<u8>()) {
            let k = key(4);
            let c = Claim { key_id, edition, badge, category };
            let code = sign(c, &k);
            prop_assert_eq!(verify(&code, |_| Some(k.verifying_key())), Ok(c));
        }
    }
}
