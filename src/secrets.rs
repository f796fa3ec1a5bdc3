//! Provider tokens and secrets at rest (a voice provider's auth token, say): sealed with
//! AES-256-GCM under `SECRET_KEY` (32 random bytes, base64), a fresh 96-bit nonce for
//! every value, stored as the nonce followed by the ciphertext. A stolen database dump
//! then holds no usable token; pages never show one again once saved. Each value is bound
//! to its workspace (its id is the associated data): moved to another workspace's row, it
//! does not open.
use aes_gcm::{
    Aes256Gcm, KeyInit,
    aead::{Aead, Payload, array::Array},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use uuid::Uuid;

const NONCE_LEN: usize = 12;

/// The key of `SECRET_KEY`. Deliberately not `Debug`.
#[derive(Clone)]
pub struct SecretKey(Aes256Gcm);

#[derive(Debug, thiserror::Error)]
#[error("SECRET_KEY must be 32 random bytes in base64 (for example `openssl rand -base64 32`)")]
pub struct InvalidSecretKey;

impl SecretKey {
    pub fn from_base64(encoded: &str) -> Result<Self, InvalidSecretKey> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .map_err(|_| InvalidSecretKey)?;
        if bytes.len() != 32 {
            return Err(InvalidSecretKey);
        }
        Aes256Gcm::new_from_slice(&bytes)
            .map(Self)
            .map_err(|_| InvalidSecretKey)
    }

    /// A fresh key, base64, as `SECRET_KEY` takes it.
    pub fn generate_base64() -> String {
        STANDARD.encode(rand::random::<[u8; 32]>())
    }

    pub fn seal(&self, plain: &str, account_id: Uuid) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: account_id.as_bytes(),
        };
        let sealed = self
            .0
            .encrypt(&Array::from(nonce), payload)
            // Encryption fails only for inputs of more than 64 GiB.
            .unwrap_or_default();
        [nonce.as_slice(), &sealed].concat()
    }

    /// The value sealed in `sealed` for `account_id`; `None` when it was sealed under
    /// another key or for another workspace, or changed since.
    pub fn open(&self, sealed: &[u8], account_id: Uuid) -> Option<String> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let payload = Payload {
            msg: ciphertext,
            aad: account_id.as_bytes(),
        };
        let plain = self.0.decrypt(&Array::from(nonce), payload).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_with_its_key_only() {
        let key = SecretKey::from_base64(&SecretKey::generate_base64()).unwrap();
        let other = SecretKey::from_base64(&SecretKey::generate_base64()).unwrap();
        let (workspace, another) = (Uuid::now_v7(), Uuid::now_v7());
        let sealed = key.seal("auth-token-1234", workspace);
        assert!(!sealed.windows(4).any(|w| w == b"1234"));
        assert_eq!(
            key.open(&sealed, workspace).as_deref(),
            Some("auth-token-1234")
        );
        assert_eq!(other.open(&sealed, workspace), None);
        assert_eq!(key.open(&sealed, another), None);
        // A fresh nonce each time: the same value seals differently.
        assert_ne!(key.seal("auth-token-1234", workspace), sealed);
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(key.open(&tampered, workspace), None);
        assert_eq!(key.open(b"short", workspace), None);
    }

    #[test]
    fn a_key_is_32_bytes_of_base64() {
        assert!(SecretKey::from_base64("not base64!").is_err());
        assert!(SecretKey::from_base64(&STANDARD.encode([1u8; 16])).is_err());
        assert!(SecretKey::from_base64(&STANDARD.encode([1u8; 32])).is_ok());
    }
}
