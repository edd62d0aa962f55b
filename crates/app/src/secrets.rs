//! Encryption of secrets at rest (network tokens, second-factor seeds) with XChaCha20-Poly1305.
//! The key never leaves this type, and neither it nor any plaintext is printed by `Debug`.

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::error::{AppError, Result};

const NONCE_LEN: usize = 24;

/// Seals and opens secrets with the installation's key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(<redacted>)")
    }
}

impl SecretBox {
    /// From a base64 32-byte key, as written in the configuration or the key file.
    pub fn from_base64(key: &str) -> Result<Self> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(key.trim())
            .map_err(|_| AppError::Crypto("the secret key is not valid base64".into()))?;
        if bytes.len() != 32 {
            return Err(AppError::Crypto(format!("the secret key must be 32 bytes, found {}", bytes.len())));
        }
        Ok(Self { cipher: XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&bytes)) })
    }

    /// A fresh random key, base64, for a new installation.
    pub fn generate_key() -> String {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        base64::engine::general_purpose::STANDARD.encode(key)
    }

    /// Encrypts `plaintext`, bound to `purpose` (a secret sealed for one purpose will not open
    /// for another). Output: nonce then ciphertext.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: purpose.as_bytes() })
            .map_err(|_| AppError::Crypto("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return Err(AppError::Crypto("sealed secret too short".into()));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: purpose.as_bytes() })
            .map_err(|_| AppError::Crypto("cannot decrypt: wrong key or damaged data".into()))
    }
}

/// What people see of a secret: its last four characters, when it is long enough for that to
/// give nothing away.
pub fn hint(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() >= 16 {
        format!("…{}", chars[chars.len() - 4..].iter().collect::<String>())
    } else {
        "…".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_the_same_key_and_purpose() {
        let key = SecretBox::generate_key();
        let boxed = SecretBox::from_base64(&key).unwrap();
        let sealed = boxed.seal("account", b"token-123").unwrap();
        assert!(!sealed.windows(9).any(|w| w == b"token-123"), "plaintext must not appear");
        assert_eq!(boxed.open("account", &sealed).unwrap(), b"token-123");
        assert!(boxed.open("totp", &sealed).is_err());
        let other = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        assert!(other.open("account", &sealed).is_err());
        assert_ne!(boxed.seal("account", b"token-123").unwrap(), sealed, "fresh nonce each time");
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        assert!(SecretBox::from_base64("not base64!").is_err());
        let short = base64::engine::general_purpose::STANDARD.encode([1u8; 16]);
        let err = SecretBox::from_base64(&short).unwrap_err().to_string();
        assert!(err.contains("32 bytes"), "{err}");
        assert_eq!(
            format!("{:?}", SecretBox::from_base64(&SecretBox::generate_key()).unwrap()),
            "SecretBox(<redacted>)"
        );
    }

    #[test]
    fn hints_show_little() {
        assert_eq!(hint("short"), "…");
        assert_eq!(hint("abcdefghijklmnop1234"), "…1234");
    }
}
