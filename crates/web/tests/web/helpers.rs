//! A running app per test (fresh SQLite database), users of every role, and a small client that
//! drives the router in-process with real cookies, CSRF tokens and forms.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use filrouge_app::auth::{SessionToken, SignIn};
use filrouge_app::config::ListenConfig;
use filrouge_app::config::{AuthSettings, WebConfig};
use filrouge_app::search_index::SearchIndex;
use filrouge_app::secrets::SecretBox;
use filrouge_app::users::NewUserInput;
use filrouge_app::{Actor, App};
use filrouge_domain::account::{AccountProfile, Network};
use filrouge_domain::client::{Brief, Charter, ClientProfile, Colour, CompetitorProfile, TimeZoneName};
use filrouge_domain::clock::SystemClock;
use filrouge_domain::ids::{AccountId, ClientId, CompetitorId, Slug, UserId};
use filrouge_domain::ids::{MentionId, SourceId};
use filrouge_domain::locale::Lang;
use filrouge_domain::user::Role;
use filrouge_store::Store;
use filrouge_testkit::sqlite::TempSqlite;
use filrouge_web::{WebState, SESSION_COOKIE};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub state: WebState,
    _db: TempSqlite,
    /// The media library's directory, removed with the app.
    _media: tempfile::TempDir,
    /// The scripted network of an inbox app (replies and likes land there).
    pub net: Option<Arc<crate::inbox_net::Net>>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(WebConfig::default()).await
}

pub async fn spawn_app_with(web: WebConfig) -> TestApp {
    spawn(web, false).await
}

/// An app whose process publishes: connecting an account checks the credentials with the network (through the
/// guarded client, which refuses internal addresses).
pub async fn spawn_publishing_app() -> TestApp {
    spawn(WebConfig::default(), true).await
}

async fn spawn(web: WebConfig, publishing: bool) -> TestApp {
    let db = TempSqlite::new();
    let store = Store::open(&db.url).await.unwrap();
    let secrets = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
    let auth = AuthSettings { max_failures_per_email: 5, ..AuthSettings::default() };
    let index = Arc::new(SearchIndex::in_ram().unwrap());
    let media = tempfile::tempdir().unwrap();
    let app = App::new(store, Arc::new(SystemClock), secrets, auth)
        .with_listening(&ListenConfig::default(), Some(index))
        .with_media_dir(media.path().to_path_buf());
    let app = if publishing {
        let publishers = filrouge_app::publishers::NetworkPublishers::new(false).unwrap();
        app.with_publishing(filrouge_app::publishing::PublishSettings::default(), Arc::new(publishers))
    } else {
        app
    };
    let state = WebState::new(app.clone(), web);
    let router = filrouge_web::router(state.clone());
    TestApp { app, router, state, _db: db, _media: media, net: None }
}

/// An app that connects accounts through OAuth and publishes (test servers on loopback allowed), on `clock`; its
/// public address is the default `http://127.0.0.1:8080`.
pub async fn spawn_oauth_app(clock: Arc<filrouge_domain::clock::ManualClock>) -> TestApp {
    let mut t = spawn(WebConfig::default(), false).await;
    let store = t.app.store().clone();
    let secrets = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
    let app = App::new(store, clock, secrets, AuthSettings { max_failures_per_email: 5, ..AuthSettings::default() })
        .with_listening(&ListenConfig::default(), Some(Arc::new(SearchIndex::in_ram().unwrap())));
    let resolver = filrouge_networks::bluesky::identity::Resolver {
        handles: "http://127.0.0.1:9/".parse().unwrap(),
        plc: "http://127.0.0.1:9/".parse().unwrap(),
    };
    let app = app.with_oauth(
        filrouge_app::oauth_connect::OAuthSettings::new(&WebConfig::default().public_url, resolver, true).unwrap(),
    );
    let publishers = app.network_publishers(true).unwrap();
    let app = app.with_publishing(filrouge_app::publishing::PublishSettings::default(), Arc::new(publishers));
    let state = WebState::new(app.clone(), WebConfig::default());
    t.router = filrouge_web::router(state.clone());
    (t.app, t.state) = (app, state);
    t
}

/// An app whose networks are scripted (crate::inbox_net): replies go out and come back sent, likes work.
pub async fn spawn_inbox_app() -> TestApp {
    let mut t = spawn(WebConfig::default(), false).await;
    let net = Arc::new(crate::inbox_net::Net::default());
    let app = crate::inbox_net::with_network(&t.app, &net);
    let state = WebState::new(app.clone(), WebConfig::default());
    t.router = filrouge_web::router(state.clone());
    (t.app, t.state, t.net) = (app, state, Some(net));
    t
}

pub fn profile(slug: &str, name: &str, colour: &str) -> ClientProfile {
    ClientProfile {
        slug: Slug::parse(slug).unwrap(),
        name: name.into(),
        colour: Colour::parse(colour).unwrap(),
        time_zone: TimeZoneName::parse("Europe/Paris").unwrap(),
        languages: vec![Lang::Fr],
        brief: Brief { activity: format!("{name} activity"), ..Brief::default() },
        charter: Charter::default(),
    }
}

impl TestApp {
    pub async fn client(&self, slug: &str, name: &str, colour: &str) -> ClientId {
        self.app.create_client(&Actor::operator(), profile(slug, name, colour)).await.unwrap().id
    }

    pub async fn user(&self, email: &str, role: Role, clients: &[ClientId]) -> UserId {
        let input = NewUserInput {
            email: email.into(),
            name: email.split('@').next().unwrap().into(),
            role,
            password: PASSWORD.into(),
            ui_lang: None,
            clients: clients.to_vec(),
        };
        self.app.create_user(&Actor::operator(), input).await.unwrap()
    }

    pub async fn competitor(&self, slug: &str, name: &str) -> CompetitorId {
        let p = CompetitorProfile { name: name.into(), ..Default::default() };
        self.app.add_competitor(&Actor::operator(), slug, p).await.unwrap()
    }

    /// A paused feed source of `slug` holding one mention per (title, html); returns their ids.
    pub async fn mentions(&self, slug: &str, items: &[(&str, &str)]) -> (SourceId, Vec<MentionId>) {
        crate::seed::mentions(&self.app, slug, items).await
    }

    /// Items received by `slug`'s connected accounts, synced into its inbox; the client's item ids, listed order.
    pub async fn inbox_items(
        &self,
        slug: &str,
        items: Vec<filrouge_networks::inbox::IncomingItem>,
    ) -> Vec<filrouge_domain::ids::InboxItemId> {
        crate::inbox_net::receive(&self.app, slug, items).await
    }

    pub async fn account(&self, slug: &str, handle: &str) -> AccountId {
        let p = AccountProfile { network: Network::Bluesky, handle: handle.into(), display_name: handle.into() };
        self.app.add_account(&Actor::operator(), slug, p, Some("token-abcdefghijklmnop".into())).await.unwrap()
    }

    /// A browser-like session for `email`: signed in through the application layer.
    pub async fn browser(&self, email: &str) -> Browser {
        let token = match self.app.sign_in(email, PASSWORD, "10.0.0.1").await.unwrap() {
            SignIn::Done(t) => t,
            other => panic!("sign-in of {email}: {other:?}"),
        };
        let csrf = self.app.session(&token).await.unwrap().unwrap().csrf;
        Browser { router: self.router.clone(), token: Some(token), csrf }
    }

    pub fn anonymous(&self) -> Browser {
        Browser { router: self.router.clone(), token: None, csrf: String::new() }
    }
}

/// A PNG of `width`×`height` pixels; `noise` makes it incompressible (about 3 bytes a pixel).
pub fn png(width: u32, height: u32, noise: bool) -> Vec<u8> {
    let mut seed: u32 = 12345;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let b = seed.to_le_bytes();
        if noise {
            image::Rgb([b[1], b[2], b[3]])
        } else {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Requests with this session's cookie and CSRF token.
pub struct Browser {
    pub router: Router,
    pub token: Option<SessionToken>,
    pub csrf: String,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Browser {
    fn cookie(&self) -> Option<String> {
        self.token.as_ref().map(|t| format!("{SESSION_COOKIE}={}", t.0))
    }

    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 10 << 20).await.unwrap();
        Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req = Request::get(path);
        if let Some(c) = self.cookie() {
            req = req.header(header::COOKIE, c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Posts a form; `_csrf` is added with this session's token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all, &[]).await
    }

    /// Posts a `multipart/form-data` form as a browser does: `_csrf` first, then the fields, then the files
    /// (field name, file name, bytes).
    pub async fn post_multipart(&self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Answer {
        self.post_multipart_with(path, fields, files, &[]).await
    }

    pub async fn post_multipart_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
        headers: &[(&str, &str)],
    ) -> Answer {
        const BOUNDARY: &str = "----filrouge-test-7d3f09";
        let mut body = Vec::new();
        for (k, v) in std::iter::once(("_csrf", self.csrf.as_str())).chain(fields.iter().copied()) {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        for (field, name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"));
        if let Some(c) = self.cookie() {
            req = req.header(header::COOKIE, c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Answer {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = self.cookie() {
            req = req.header(header::COOKIE, c);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }
}
