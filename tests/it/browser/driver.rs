//! A chromedriver of the test's own and the headless browsers it drives, all gone when the
//! test ends, passed or panicked: killing chromedriver alone would leave each Chromium (and
//! its crash handler) running, so the guard asks chromedriver to end its sessions first.
use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    ops::Deref,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, error::CmdError};
use serde_json::json;

use super::axe;
use crate::prerequisites;

/// The guard: on drop (also while a test panics) it ends every session, stops chromedriver
/// and removes the browser profiles it made.
pub struct Driver {
    process: Child,
    port: u16,
    profiles: Vec<PathBuf>,
    /// axe-core's script, when it is installed.
    axe: Option<Arc<str>>,
}

/// Whether an executable called `name` is on the `PATH`.
fn installed(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
}

impl Driver {
    /// `None`, with a note, where Chromium or its driver is not installed (under CI the test
    /// fails instead).
    pub fn start() -> Option<Self> {
        if !(installed("chromedriver") && installed("chromium")) {
            prerequisites::unavailable(
                "chromium or chromedriver is not installed (scripts/browser.sh installs them): \
                 browser test skipped",
            );
            return None;
        }
        // Before chromedriver starts: this may fail the test.
        let axe = axe::script();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The guard from here on, so that a failure below still stops chromedriver.
        let driver = Self {
            process,
            port,
            profiles: Vec::new(),
            axe,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(driver)
    }

    /// A new headless browser window with a fresh profile (no cookies).
    pub async fn browser(&mut self) -> Browser {
        let profile =
            std::env::temp_dir().join(format!("frontdesk-chromium-{}", uuid::Uuid::now_v7()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        self.profiles.push(profile);
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .unwrap()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap();
        Browser {
            client,
            axe: self.axe.clone(),
        }
    }

    /// The browser profiles made so far.
    pub fn profiles(&self) -> &[PathBuf] {
        &self.profiles
    }

    /// chromedriver's own shutdown ends its sessions, each quitting its browser, and then
    /// chromedriver; a plain HTTP request, since a guard cannot wait for async work.
    fn shut_down(&mut self) {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
            let request = "GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            if stream.write_all(request.as_bytes()).is_ok() {
                let _ = stream.read_to_end(&mut Vec::new());
            }
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while matches!(self.process.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.shut_down();
        for profile in &self.profiles {
            remove_profile(profile);
        }
    }
}

/// Removes a profile folder; a browser that has just quit may still be writing to it.
fn remove_profile(profile: &Path) {
    for _ in 0..50 {
        if std::fs::remove_dir_all(profile).is_ok() || !profile.exists() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One browser window: fantoccini's client, whose `goto` also checks each page it leaves
/// and each page it opens with axe-core, as `close` does the last one.
pub struct Browser {
    client: Client,
    axe: Option<Arc<str>>,
}

impl Deref for Browser {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Browser {
    /// Opens `url`; a page with a serious accessibility problem fails the test.
    pub async fn goto(&self, url: &str) -> Result<(), CmdError> {
        self.check_accessibility().await;
        self.client.goto(url).await?;
        self.check_accessibility().await;
        Ok(())
    }

    /// Ends the session, after checking the page it shows.
    pub async fn close(self) -> Result<(), CmdError> {
        self.check_accessibility().await;
        self.client.close().await
    }

    /// Runs axe-core on the page shown, unless it was checked already.
    pub async fn check_accessibility(&self) {
        if let Some(script) = &self.axe {
            axe::check(&self.client, script).await;
        }
    }
}
