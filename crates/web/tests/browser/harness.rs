//! One running app and one headless Chromium per test: a fresh SQLite database, the real server
//! on 127.0.0.1 port 0, chromedriver on a free port (killed with its browser on drop), and small
//! helpers to click, type and wait.

use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use filrouge_app::config::ListenConfig;
use filrouge_app::config::{AuthSettings, WebConfig};
use filrouge_app::search_index::SearchIndex;
use filrouge_app::secrets::SecretBox;
use filrouge_app::users::NewUserInput;
use filrouge_app::{Actor, App};
use filrouge_domain::client::{Brief, Charter, ClientProfile, Colour, TimeZoneName};
use filrouge_domain::clock::SystemClock;
use filrouge_domain::ids::{ClientId, Slug};
use filrouge_domain::ids::{MentionId, SourceId};
use filrouge_domain::locale::Lang;
use filrouge_domain::user::Role;
use filrouge_store::Store;
use filrouge_testkit::sqlite::TempSqlite;
use filrouge_web::WebState;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery";

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long a page may take to appear after a click.
const PATIENCE: Duration = Duration::from_secs(15);

/// chromedriver in its own process group; dropping it kills the group (driver and browser).
struct ChromeDriver {
    child: Child,
}

impl ChromeDriver {
    fn start(log: &Path) -> (Self, u16) {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        (Self { child }, port)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The group id is chromedriver's pid (process_group(0)); the browser it started is in it.
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("local address").port()
}

/// A running app with a browser pointed at it.
pub struct Harness {
    pub browser: Client,
    pub app: App,
    pub base: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<()>,
    // Dropped in this order: the browser processes, then their profile and the database.
    _driver: ChromeDriver,
    _db: TempSqlite,
}

impl Harness {
    /// Starts everything, or returns `None` (after saying why) when Chromium is not installed.
    pub async fn start() -> Option<Harness> {
        Self::start_with(|app, _| app).await
    }

    /// Starts everything with the application changed by `configure`, given the app and its public address.
    pub async fn start_with(configure: impl FnOnce(App, &str) -> App) -> Option<Harness> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            filrouge_testkit::missing_component(
                "chromium and chromium-driver (apt-get install chromium chromium-driver)",
            );
            return None;
        }

        let db = TempSqlite::new();
        let store = Store::open(&db.url).await.expect("open the test database");
        let secrets = SecretBox::from_base64(&SecretBox::generate_key()).expect("a secret key");
        let index = Arc::new(SearchIndex::in_ram().expect("an index in memory"));
        let app = App::new(store, Arc::new(SystemClock), secrets, AuthSettings::default())
            .with_listening(&ListenConfig::default(), Some(index))
            .with_media_dir(db.dir.path().join("media"));

        let listener = filrouge_web::bind("127.0.0.1:0".parse().expect("an address")).await.expect("bind the app");
        let addr: SocketAddr = listener.local_addr().expect("the app's address");
        let base = format!("http://{addr}");
        let app = configure(app, &base);
        let state = WebState::new(app.clone(), WebConfig { public_url: base.clone(), ..WebConfig::default() });
        let (shutdown, stop) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let stop = async move {
                let _ = stop.await;
            };
            if let Err(e) = filrouge_web::serve(listener, state, stop).await {
                eprintln!("app server stopped: {e}");
            }
        });

        let log = db.dir.path().join("chromedriver.log");
        let (mut driver, port) = ChromeDriver::start(&log);
        wait_for_driver(&mut driver, port, &log).await;

        let profile = db.dir.path().join("chromium-profile");
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1280,900",
                ],
            }
        });
        let capabilities = capabilities.as_object().cloned().expect("capabilities are an object");
        // fantoccini and reqwest bring two rustls crypto back ends; rustls then wants one chosen.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let browser = ClientBuilder::rustls()
            .expect("rustls connector")
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session: {e}\n{}", log_tail(&log)));

        Some(Harness { browser, app, base, shutdown: Some(shutdown), server, _driver: driver, _db: db })
    }

    /// Ends the browser session cleanly (the drop kills whatever is left if a test panics).
    pub async fn finish(mut self) {
        let browser = self.browser.clone();
        let _ = browser.close().await;
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.server).await;
    }

    // --- seeding, through the application layer ---

    /// A paused feed source of `slug` holding one mention per (title, html); returns their ids.
    pub async fn mentions(&self, slug: &str, items: &[(&str, &str)]) -> (SourceId, Vec<MentionId>) {
        crate::seed::mentions(&self.app, slug, items).await
    }

    pub async fn client(&self, slug: &str, name: &str, colour: &str) -> ClientId {
        let profile = ClientProfile {
            slug: Slug::parse(slug).expect("a slug"),
            name: name.into(),
            colour: Colour::parse(colour).expect("a colour"),
            time_zone: TimeZoneName::parse("Europe/Paris").expect("a time zone"),
            languages: vec![Lang::Fr],
            brief: Brief { activity: format!("{name} activity"), ..Brief::default() },
            charter: Charter::default(),
        };
        self.app.create_client(&Actor::operator(), profile).await.expect("create a client").id
    }

    pub async fn user(&self, email: &str, role: Role, clients: &[ClientId]) {
        let input = NewUserInput {
            email: email.into(),
            name: email.split('@').next().unwrap_or(email).into(),
            role,
            password: PASSWORD.into(),
            ui_lang: None,
            clients: clients.to_vec(),
        };
        self.app.create_user(&Actor::operator(), input).await.expect("create a user");
    }

    // --- driving the browser ---

    pub async fn goto(&self, path: &str) {
        self.browser.goto(&format!("{}{path}", self.base)).await.unwrap_or_else(|e| panic!("goto {path}: {e}"));
    }

    /// The path of the current page.
    pub async fn path(&self) -> String {
        self.browser.current_url().await.expect("current url").path().to_owned()
    }

    /// Waits until the browser shows `path`.
    pub async fn wait_for_path(&self, path: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let now = self.path().await;
            if now == path {
                return;
            }
            assert!(Instant::now() < deadline, "expected to reach {path}, still on {now}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks something that loads a new page (a link, a submit button) and waits until the new
    /// document has replaced the old one and shows `path`, even when the path does not change.
    pub async fn click_to(&self, css: &str, path: &str) {
        self.js("window.__filrouge_old_page = true; return null;").await;
        self.click(css).await;
        self.wait_for_new_page(path).await;
    }

    /// Clicks an element already found, like [`Self::click_to`].
    pub async fn click_element_to(&self, element: Element, path: &str) {
        self.js("window.__filrouge_old_page = true; return null;").await;
        element.click().await.unwrap_or_else(|e| panic!("click towards {path}: {e}"));
        self.wait_for_new_page(path).await;
    }

    async fn wait_for_new_page(&self, path: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            // While the page changes, the script may fail: that only means "not yet".
            let fresh = self
                .browser
                .execute("return document.readyState === 'complete' && window.__filrouge_old_page !== true;", vec![])
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if fresh {
                break;
            }
            assert!(Instant::now() < deadline, "no new page after the click (still on {})", self.path().await);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let now = self.path().await;
        assert_eq!(now, path, "the click led to {now}, expected {path}");
    }

    pub async fn find(&self, css: &str) -> Element {
        self.browser.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await.unwrap_or_else(|e| {
            panic!("no element {css} on {}: {e}", self.base);
        })
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.browser.find_all(Locator::Css(css)).await.unwrap_or_else(|e| panic!("find {css}: {e}"))
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Replaces the value of a text field, as a person would by typing.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
        field.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// The rendered text of the first element matching `css`, trimmed.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_else(|e| panic!("text of {css}: {e}")).trim().to_owned()
    }

    /// The text of the first element matching `css` once `want` holds, retrying while the page reloads (an
    /// element read during a reload is stale); panics with the last text after 15 s.
    pub async fn text_when(&self, css: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = String::new();
        loop {
            if let Ok(element) = self.browser.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    last = text.trim().to_owned();
                    if want(&last) {
                        return last;
                    }
                }
            }
            assert!(Instant::now() < deadline, "{css} never showed what was expected; last: {last}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The current value of a form field (its DOM property, not the attribute).
    pub async fn value(&self, css: &str) -> String {
        self.find(css).await.prop("value").await.unwrap_or_else(|e| panic!("value of {css}: {e}")).unwrap_or_default()
    }

    /// The page's HTML as the browser has it.
    pub async fn source(&self) -> String {
        self.browser.source().await.expect("page source")
    }

    /// Runs a script returning JSON.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.browser.execute(script, vec![]).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Signs in through the sign-in form and checks where it lands.
    pub async fn sign_in(&self, email: &str, lands_on: &str) {
        self.goto("/login").await;
        self.fill("#email", email).await;
        self.fill("#password", PASSWORD).await;
        self.click_to("form[action='/login'] button[type=submit]", lands_on).await;
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
    }
}

async fn wait_for_driver(driver: &mut ChromeDriver, port: u16, log: &Path) {
    let url = format!("http://127.0.0.1:{port}/status");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(r) = http.get(&url).send().await {
            if r.status().is_success() {
                return;
            }
        }
        if let Ok(Some(status)) = driver.child.try_wait() {
            panic!("chromedriver exited ({status}) before answering\n{}", log_tail(log));
        }
        assert!(Instant::now() < deadline, "chromedriver does not answer on port {port}\n{}", log_tail(log));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Where screenshots go: `<target>/browser-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/web sits two levels below the workspace");
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace.join("target"));
    target.join("browser-screenshots")
}
