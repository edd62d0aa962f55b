//! Signing in and out: argon2id password hashes, server-side sessions, rate-limited attempts and
//! an optional TOTP second factor.
//!
//! A wrong password and an unknown e-mail get the same answer after the same work (a dummy hash
//! is verified for unknown users). Session tokens are 256 random bits; only their SHA-256 is
//! stored, so a database leak gives no usable session.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use filrouge_domain::journal::{JournalAction, NewJournalEntry};
use filrouge_domain::user::User;
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::access::Actor;
use crate::error::{AppError, Result};
use crate::App;

/// A session token as given to the browser (in a cookie); never stored as such.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(pub String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

impl SessionToken {
    fn generate() -> Self {
        Self(random_token())
    }
    fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The result of a sign-in attempt.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: here is the session.
    Done(SessionToken),
    /// The password was right; the second factor is still needed on this (pending) session.
    NeedsSecondFactor(SessionToken),
    /// Wrong e-mail or password (not told apart), or a disabled account.
    Refused,
}

/// A live session, as the web layer sees it.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub csrf: String,
    pub second_factor_pending: bool,
}

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Crypto(format!("password hashing: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A real argon2id hash of a random password, verified against when the e-mail is unknown so the
/// answer takes as long as for a known one.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// Marks a password hash that no password matches (users imported from a workspace file, who
/// must be given one with `filrouge user passwd`).
pub const NO_PASSWORD: &str = "!";

const TOTP_PURPOSE: &str = "totp";

fn totp_for(secret: Vec<u8>, account: &str) -> Result<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 1, 30, secret, Some("Fil Rouge".into()), account.to_owned())
        .map_err(|e| AppError::Crypto(format!("totp: {e}")))
}

/// What a user needs to set up an authenticator app. `Debug` hides the secret.
#[derive(Clone)]
pub struct TotpSetup {
    pub secret_base32: String,
    pub otpauth_url: String,
    /// The same URL as a QR code, an SVG document.
    pub qr_svg: String,
}

impl std::fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSetup(<redacted>)")
    }
}

impl App {
    fn session_lifetime(&self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.settings.session_idle_minutes.max(1)))
    }

    async fn check_rate_limit(&self, keys: &[(&str, u32)]) -> Result<()> {
        let now = self.now();
        let window = SignedDuration::from_mins(i64::from(self.settings.failure_window_minutes.max(1)));
        let mut tx = self.store.read().await?;
        for (key, max) in keys {
            if tx.count_login_failures(key, now - window).await? >= i64::from(*max) {
                return Err(AppError::RateLimited { retry_after_secs: window.as_secs().unsigned_abs() });
            }
        }
        Ok(())
    }

    async fn record_failure(&self, keys: &[(&str, u32)]) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        for (key, _) in keys {
            tx.record_login_failure(key, now).await?;
        }
        tx.prune_login_failures(now - SignedDuration::from_hours(24)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks an e-mail and password. `client_addr` identifies where the attempt comes from for
    /// rate limiting. Errors only with `RateLimited` or a storage failure.
    pub async fn sign_in(&self, email: &str, password: &str, client_addr: &str) -> Result<SignIn> {
        let email_key = format!("email:{}", email.trim().to_lowercase());
        let addr_key = format!("addr:{client_addr}");
        let keys = [
            (email_key.as_str(), self.settings.max_failures_per_email),
            (addr_key.as_str(), self.settings.max_failures_per_ip),
        ];
        self.check_rate_limit(&keys).await?;

        let creds = self.store.read().await?.credentials_by_email(email).await?;
        let (hash, user) = match &creds {
            Some(c) => (c.password_hash.as_str(), Some(&c.user)),
            None => (dummy_hash(), None),
        };
        let password_ok = verify_password(password, hash);
        let user = match user {
            Some(u) if password_ok && !u.disabled => u.clone(),
            _ => {
                self.record_failure(&keys).await?;
                tracing::info!(target: "filrouge::auth", "sign-in refused");
                return Ok(SignIn::Refused);
            }
        };
        let now = self.now();
        let token = SessionToken::generate();
        let mut tx = self.store.write().await?;
        tx.clear_login_failures(&email_key).await?;
        tx.insert_session(
            &token.hash(),
            user.id,
            &random_token(),
            user.totp_enabled,
            now,
            now + self.session_lifetime(),
        )
        .await?;
        if !user.totp_enabled {
            tx.append_journal(&signed_in_entry(&user, now)).await?;
        }
        tx.commit().await?;
        Ok(if user.totp_enabled { SignIn::NeedsSecondFactor(token) } else { SignIn::Done(token) })
    }

    /// Completes a pending sign-in with a TOTP code. Returns the new session token (the pending
    /// one stops working), or `None` for a wrong or replayed code.
    pub async fn second_factor(
        &self,
        token: &SessionToken,
        code: &str,
        client_addr: &str,
    ) -> Result<Option<SessionToken>> {
        let now = self.now();
        let mut tx = self.store.read().await?;
        let session = tx.session(&token.hash(), now).await?.ok_or(AppError::Unauthenticated)?;
        let creds = tx.credentials_by_id(session.user_id).await?.ok_or(AppError::Unauthenticated)?;
        drop(tx);
        let user_key = format!("totp:{}", creds.user.id);
        let addr_key = format!("addr:{client_addr}");
        let keys = [
            (user_key.as_str(), self.settings.max_failures_per_email),
            (addr_key.as_str(), self.settings.max_failures_per_ip),
        ];
        self.check_rate_limit(&keys).await?;
        if !session.second_factor_pending {
            return Ok(Some(token.clone()));
        }
        let step = match (&creds.totp_secret, creds.user.totp_enabled) {
            (Some(sealed), true) => {
                let secret = self.secrets.open(TOTP_PURPOSE, sealed)?;
                matching_step(&totp_for(secret, creds.user.email.as_str())?, code, now)
            }
            _ => None,
        };
        let mut tx = self.store.write().await?;
        let accepted = match step {
            Some(step) => tx.advance_totp_step(creds.user.id, step).await?,
            None => false,
        };
        if accepted {
            // A fresh token once fully signed in: a pending token seen by someone else is useless.
            let fresh = SessionToken::generate();
            tx.delete_session(&token.hash()).await?;
            tx.insert_session(&fresh.hash(), creds.user.id, &random_token(), false, now, now + self.session_lifetime())
                .await?;
            tx.append_journal(&signed_in_entry(&creds.user, now)).await?;
            tx.commit().await?;
            Ok(Some(fresh))
        } else {
            drop(tx);
            self.record_failure(&keys).await?;
            Ok(None)
        }
    }

    /// The session behind a token, extending it; `None` when unknown or expired.
    pub async fn session(&self, token: &SessionToken) -> Result<Option<Session>> {
        let now = self.now();
        let hash = token.hash();
        let mut tx = self.store.read().await?;
        let Some((record, user)) = tx.session_with_user(&hash, now).await? else { return Ok(None) };
        if user.disabled {
            return Ok(None);
        }
        let memberships = tx.memberships_of(user.id).await?;
        drop(tx);
        // Slide the expiry, but write at most once a minute per session.
        if now.duration_since(record.last_seen_at) > SignedDuration::from_mins(1) {
            let mut tx = self.store.write().await?;
            tx.touch_session(&hash, now, now + self.session_lifetime()).await?;
            tx.commit().await?;
        }
        Ok(Some(Session {
            actor: Actor { user: Some(user), memberships },
            csrf: record.csrf,
            second_factor_pending: record.second_factor_pending,
        }))
    }

    pub async fn sign_out(&self, token: &SessionToken) -> Result<()> {
        let mut tx = self.store.write().await?;
        tx.delete_session(&token.hash()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Drops expired sessions; run periodically by the workers.
    pub async fn prune_sessions(&self) -> Result<u64> {
        let mut tx = self.store.write().await?;
        let n = tx.delete_expired_sessions(self.now()).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Starts second-factor setup for the signed-in user: a new secret, not yet in force. Refused
    /// while a second factor is in force: replacing it would turn it off without the password
    /// that `disable_totp` asks for.
    pub async fn begin_totp_setup(&self, actor: &Actor) -> Result<TotpSetup> {
        let user = actor.user.as_ref().ok_or(AppError::Forbidden)?;
        let creds = self.store.read().await?.credentials_by_id(user.id).await?.ok_or(AppError::NotFound)?;
        if creds.user.totp_enabled {
            return Err(AppError::Conflict("the second factor is already on: turn it off first".into()));
        }
        let secret = Secret::generate_secret().to_bytes().map_err(|e| AppError::Crypto(format!("totp: {e:?}")))?;
        let totp = totp_for(secret.clone(), user.email.as_str())?;
        let sealed = self.secrets.seal(TOTP_PURPOSE, &secret)?;
        let mut tx = self.store.write().await?;
        tx.set_totp(user.id, Some(&sealed), false).await?;
        tx.commit().await?;
        let url = totp.get_url();
        let qr_svg = qrcode::QrCode::new(url.as_bytes())
            .map(|code| code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build())
            .unwrap_or_default();
        Ok(TotpSetup { secret_base32: totp.get_secret_base32(), otpauth_url: url, qr_svg })
    }

    /// Puts the second factor in force once the user proves their app shows the right code.
    pub async fn confirm_totp(&self, actor: &Actor, code: &str) -> Result<bool> {
        let user = actor.user.as_ref().ok_or(AppError::Forbidden)?;
        let now = self.now();
        let creds = self.store.read().await?.credentials_by_id(user.id).await?.ok_or(AppError::NotFound)?;
        let Some(sealed) = creds.totp_secret else { return Ok(false) };
        let secret = self.secrets.open(TOTP_PURPOSE, &sealed)?;
        let Some(step) = matching_step(&totp_for(secret, user.email.as_str())?, code, now) else { return Ok(false) };
        let mut tx = self.store.write().await?;
        tx.set_totp(user.id, Some(&sealed), true).await?;
        tx.advance_totp_step(user.id, step).await?;
        tx.append_journal(&user_entry(user, now, JournalAction::TotpEnabled, "second factor turned on")).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Turns the second factor off after checking the password.
    pub async fn disable_totp(&self, actor: &Actor, password: &str) -> Result<bool> {
        let user = actor.user.as_ref().ok_or(AppError::Forbidden)?;
        let creds = self.store.read().await?.credentials_by_id(user.id).await?.ok_or(AppError::NotFound)?;
        if !verify_password(password, &creds.password_hash) {
            return Ok(false);
        }
        let now = self.now();
        let mut tx = self.store.write().await?;
        tx.set_totp(user.id, None, false).await?;
        tx.append_journal(&user_entry(user, now, JournalAction::TotpDisabled, "second factor turned off")).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Changes the signed-in user's own password, checking the current one; ends their other
    /// sessions (all but `keep`, the one they are using).
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        keep: Option<&SessionToken>,
        current: &str,
        new: &str,
    ) -> Result<bool> {
        let user = actor.user.as_ref().ok_or(AppError::Forbidden)?;
        filrouge_domain::user::check_new_password(new)?;
        let creds = self.store.read().await?.credentials_by_id(user.id).await?.ok_or(AppError::NotFound)?;
        if !verify_password(current, &creds.password_hash) {
            return Ok(false);
        }
        let hash = hash_password(new)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        tx.set_password_hash(user.id, &hash).await?;
        let kept = keep.map(SessionToken::hash).unwrap_or_default();
        tx.delete_sessions_of_user_except(user.id, &kept).await?;
        tx.append_journal(&user_entry(user, now, JournalAction::PasswordChanged, "password changed")).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// The time step of a code valid at `now` (one step of clock drift either way), if any.
fn matching_step(totp: &TOTP, code: &str, now: Timestamp) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    let secs = now.as_second();
    [0i64, -30, 30].into_iter().find_map(|delta| {
        let t = u64::try_from(secs + delta).ok()?;
        let expected = totp.generate(t);
        bool::from(expected.as_bytes().ct_eq(code.as_bytes())).then_some((secs + delta) / 30)
    })
}

/// The current code for a base32 secret at `now` (tests and the demo use it).
pub fn totp_code(secret_base32: &str, now: Timestamp) -> Result<String> {
    let secret =
        Secret::Encoded(secret_base32.to_owned()).to_bytes().map_err(|e| AppError::Crypto(format!("{e:?}")))?;
    let totp = totp_for(secret, "x@y.z")?;
    Ok(totp.generate(u64::try_from(now.as_second()).unwrap_or(0)))
}

fn signed_in_entry(user: &User, at: Timestamp) -> NewJournalEntry {
    user_entry(user, at, JournalAction::SignedIn, "signed in")
}

fn user_entry(user: &User, at: Timestamp, action: JournalAction, summary: &str) -> NewJournalEntry {
    NewJournalEntry {
        at,
        user_id: Some(user.id),
        client_id: None,
        account_id: None,
        action,
        object: format!("user:{}", user.email.as_str()),
        summary: summary.to_owned(),
    }
}
