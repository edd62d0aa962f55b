//! The test bench: an `App` on a throwaway SQLite database with a manual clock, and shortcuts to
//! seed clients and users as the operator and to act as a signed-in user.

use std::fmt::Debug;
use std::sync::Arc;

use filrouge_app::auth::{SessionToken, SignIn};
use filrouge_app::config::{AuthSettings, ListenConfig};
use filrouge_app::journal::JournalFilter;
use filrouge_app::search_index::SearchIndex;
use filrouge_app::secrets::SecretBox;
use filrouge_app::users::NewUserInput;
use filrouge_app::{Actor, App, AppError};
use filrouge_domain::client::{Brief, Charter, Client, ClientProfile, Colour, TimeZoneName};
use filrouge_domain::clock::ManualClock;
use filrouge_domain::ids::{ClientId, Slug, UserId};
use filrouge_domain::journal::JournalEntry;
use filrouge_domain::locale::Lang;
use filrouge_domain::user::Role;
use filrouge_store::Store;
use filrouge_testkit::sqlite::TempSqlite;
use jiff::{SignedDuration, Timestamp};

/// When every test starts (a Monday morning in Paris).
pub const START: &str = "2026-06-15T07:30:00Z";
/// The password every seeded user gets.
pub const PASSWORD: &str = "pizza au feu de bois";
/// Where sign-in attempts come from, for rate limiting.
pub const ADDR: &str = "192.0.2.10";

pub fn at(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// A valid client profile in Paris, speaking French.
pub fn profile(slug: &str, name: &str) -> ClientProfile {
    profile_in(slug, name, "Europe/Paris")
}

pub fn profile_in(slug: &str, name: &str, time_zone: &str) -> ClientProfile {
    ClientProfile {
        slug: Slug::parse(slug).unwrap(),
        name: name.into(),
        colour: Colour::parse("#c0392b").unwrap(),
        time_zone: TimeZoneName::parse(time_zone).unwrap(),
        languages: vec![Lang::Fr],
        brief: Brief::default(),
        charter: Charter::default(),
    }
}

/// Asserts a use-case answered "not found" (the client is hidden from this actor).
#[track_caller]
pub fn assert_not_found<T: Debug>(what: &str, result: Result<T, AppError>) {
    match result {
        Err(AppError::NotFound) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    }
}

/// Asserts a use-case answered "forbidden" (visible, but not for this role).
#[track_caller]
pub fn assert_forbidden<T: Debug>(what: &str, result: Result<T, AppError>) {
    match result {
        Err(AppError::Forbidden) => {}
        other => panic!("{what}: expected Forbidden, got {other:?}"),
    }
}

/// Asserts a use-case refused a value that breaks a rule, naming `field`.
#[track_caller]
pub fn assert_invalid<T: Debug>(what: &str, result: Result<T, AppError>, field: &str) {
    match result {
        Err(AppError::Invalid(e)) => assert!(e.field.contains(field), "{what}: expected an error on {field}, got {e}"),
        other => panic!("{what}: expected Invalid({field}), got {other:?}"),
    }
}

pub struct TestApp {
    pub app: App,
    pub clock: Arc<ManualClock>,
    /// The operator at the command line: the owner's rights, no user.
    pub operator: Actor,
    /// The SQLite file, removed when the test ends; `None` on PostgreSQL.
    _db: Option<TempSqlite>,
    /// The media library's directory, removed when the test ends.
    _media: tempfile::TempDir,
}

/// A fresh database: SQLite by default, PostgreSQL (a fresh database in the testkit's cluster)
/// when `FILROUGE_TEST_ENGINE=postgres`, to run the whole suite on the other engine.
async fn fresh_database() -> (String, Option<TempSqlite>) {
    if std::env::var("FILROUGE_TEST_ENGINE").is_ok_and(|e| e == "postgres") {
        let url =
            filrouge_testkit::postgres::fresh_database().await.expect("FILROUGE_TEST_ENGINE=postgres needs PostgreSQL");
        (url, None)
    } else {
        let db = TempSqlite::new();
        (db.url.clone(), Some(db))
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_settings(AuthSettings::default()).await
    }

    pub async fn with_settings(settings: AuthSettings) -> Self {
        let (url, db) = fresh_database().await;
        let store = Store::open(&url).await.unwrap();
        let clock = Arc::new(ManualClock::new(at(START)));
        let secrets = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let listen = ListenConfig { allow_private_addresses: true, ..ListenConfig::default() };
        let index = Arc::new(SearchIndex::in_ram().unwrap());
        let media = tempfile::tempdir().unwrap();
        let app = App::new(store, clock.clone(), secrets, settings)
            .with_listening(&listen, Some(index))
            .with_media_dir(media.path().to_owned());
        Self { app, clock, operator: Actor::operator(), _db: db, _media: media }
    }

    pub fn advance(&self, by: SignedDuration) {
        self.clock.advance(by);
    }

    pub fn set_time(&self, s: &str) {
        self.clock.set(at(s));
    }

    /// A client created by the operator.
    pub async fn client(&self, slug: &str, name: &str) -> Client {
        self.app.create_client(&self.operator, profile(slug, name)).await.unwrap()
    }

    /// A user created by the operator, with `PASSWORD`, member of `clients`.
    pub async fn user(&self, email: &str, role: Role, clients: &[ClientId]) -> UserId {
        let name = email.split('@').next().unwrap_or(email);
        let input = NewUserInput {
            email: email.into(),
            name: format!("{}{}", name[..1].to_uppercase(), &name[1..]),
            role,
            password: PASSWORD.into(),
            ui_lang: None,
            clients: clients.to_vec(),
        };
        self.app.create_user(&self.operator, input).await.unwrap()
    }

    /// Signs in with `PASSWORD` and returns the session token.
    pub async fn sign_in(&self, email: &str) -> SessionToken {
        match self.app.sign_in(email, PASSWORD, ADDR).await.unwrap() {
            SignIn::Done(token) => token,
            other => panic!("sign-in of {email}: {other:?}"),
        }
    }

    /// The actor behind a live session, with its memberships as stored now.
    pub async fn actor(&self, token: &SessionToken) -> Actor {
        self.app.session(token).await.unwrap().expect("a live session").actor
    }

    /// Signs an existing user in and returns their actor.
    pub async fn signed_in(&self, email: &str) -> Actor {
        let token = self.sign_in(email).await;
        self.actor(&token).await
    }

    /// Creates a user and signs them in: an actor exactly as the web app would build it.
    pub async fn member(&self, email: &str, role: Role, clients: &[ClientId]) -> Actor {
        self.user(email, role, clients).await;
        self.signed_in(email).await
    }

    /// The whole journal of a client, newest first, as the operator sees it.
    pub async fn journal(&self, slug: &str) -> Vec<JournalEntry> {
        self.app.client_journal(&self.operator, slug, &JournalFilter::default()).await.unwrap()
    }

    pub async fn client_count(&self) -> usize {
        self.app.visible_clients(&self.operator).await.unwrap().len()
    }

    pub async fn user_count(&self) -> usize {
        self.app.users(&self.operator).await.unwrap().len()
    }
}
