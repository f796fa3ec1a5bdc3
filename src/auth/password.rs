//! Password rules and argon2id hashing (OWASP minimum: 19 MiB, 2 passes), run off the
//! async threads.
use std::{
    collections::HashSet,
    sync::{Arc, LazyLock},
};

use anyhow::anyhow;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use tokio::sync::{OnceCell, Semaphore};

use crate::{AppError, crypto};

/// Common passwords of 10 characters or more (shorter ones fail the length rule anyway),
/// lowercase: well-known leaked favourites and the usual word-plus-digits patterns.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .map(str::trim)
        .collect()
});

/// A password that passed the rules; never truncated or case-folded.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(password: &str, email: &str) -> Result<Self, &'static str> {
        let length = password.chars().count();
        if length < 10 {
            Err("password-too-short")
        } else if length > 128 {
            Err("password-too-long")
        } else if password.trim().eq_ignore_ascii_case(email.trim()) {
            Err("password-is-email")
        } else if COMMON_PASSWORDS.contains(password.to_lowercase().as_str()) {
            Err("password-too-common")
        } else {
            Ok(Self(password.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hashes at once, at most: each takes 19 MiB and a core for a while, so a flood of logins
/// waits here instead of exhausting memory and the blocking thread pool.
static HASHING: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores))
});

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn run_hashing<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let slot = HASHING
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| anyhow!("hashing slots: {e}"))?;
    // The slot goes with the work: it stays taken until the hash is done, even when the
    // request that asked for it has gone.
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(slot);
        result
    })
    .await
    .map_err(|e| anyhow!("hashing task: {e}"))?
}

fn hasher() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow!("argon2 params: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    run_hashing(move || {
        let hash: PasswordHash = hasher()?
            .hash_password(password.as_bytes())
            .map_err(|e| anyhow!("argon2 hash: {e}"))?;
        Ok(hash.to_string())
    })
    .await
}

/// Checks `password` against `stored`; with no stored hash (unknown account) it checks a
/// dummy one, so that the answer takes as long either way.
pub async fn verify(password: &str, stored: Option<String>) -> Result<bool, AppError> {
    static DUMMY: OnceCell<String> = OnceCell::const_new();
    let exists = stored.is_some();
    let stored = match stored {
        Some(hash) => hash,
        None => DUMMY
            .get_or_try_init(|| async {
                let unguessable = crypto::random_token();
                hash(&unguessable).await
            })
            .await?
            .clone(),
    };
    let password = password.to_owned();
    let matches = run_hashing(move || {
        let parsed = PasswordHash::new(&stored).map_err(|e| anyhow!("stored hash: {e}"))?;
        Ok(hasher()?
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?;
    Ok(exists && matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_follow_the_rules() {
        let email = "ada@example.com";
        assert_eq!(
            NewPassword::parse("short", email).err(),
            Some("password-too-short")
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(129), email).err(),
            Some("password-too-long")
        );
        assert_eq!(
            NewPassword::parse("ADA@example.com", email).err(),
            Some("password-is-email")
        );
        assert_eq!(
            NewPassword::parse("Password123", email).err(),
            Some("password-too-common")
        );
        assert!(NewPassword::parse(&"ü".repeat(128), email).is_ok());
        assert!(NewPassword::parse("correct horse battery", email).is_ok());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() -> Result<(), AppError> {
        let stored = hash("correct horse battery").await?;
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", Some(stored.clone())).await?);
        assert!(!verify("Correct horse battery", Some(stored)).await?);
        assert!(!verify("anything", None).await?);
        Ok(())
    }
}
