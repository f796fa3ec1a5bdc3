//! axe-core, Deque's accessibility engine, run inside each page a browser test visits: a
//! critical or serious violation fails the test, named by rule and element. scripts/browser.sh
//! installs it with npm under var/axe (not committed).
use std::{
    fmt::Write,
    sync::{Arc, OnceLock},
};

use fantoccini::Client;
use serde_json::Value;

use crate::prerequisites;

const SCRIPT_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/var/axe/node_modules/axe-core/axe.min.js"
);

/// axe-core's script, read once; `None`, with a note, where it is not installed (under CI
/// the test fails instead).
pub fn script() -> Option<Arc<str>> {
    static SCRIPT: OnceLock<Option<Arc<str>>> = OnceLock::new();
    let script = SCRIPT
        .get_or_init(|| std::fs::read_to_string(SCRIPT_PATH).ok().map(Arc::from))
        .clone();
    if script.is_none() {
        prerequisites::unavailable(&format!(
            "axe-core is not installed at {SCRIPT_PATH} (scripts/browser.sh installs it): \
             pages are not checked for accessibility"
        ));
    }
    script
}

/// What the page is: its address, whether it was checked, whether axe is loaded.
const STATE: &str = "return { url: location.href, checked: window.frontdeskAxeChecked === true, \
                     loaded: typeof window.axe === 'object' };";

/// Runs axe and answers the critical and serious violations, each with its elements.
const RUN: &str = r"
const done = arguments[arguments.length - 1];
window.axe.run(document, { resultTypes: ['violations'] }).then((results) => {
  window.frontdeskAxeChecked = true;
  done(results.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   targets: v.nodes.map((n) => n.target.join(' ')) })));
}, (error) => done({ error: String(error) }));
";

/// Checks the page shown once: a critical or serious violation panics with the list.
pub async fn check(client: &Client, script: &str) {
    let state = client.execute(STATE, Vec::new()).await.unwrap();
    let url = state["url"].as_str().unwrap_or_default().to_owned();
    if !url.starts_with("http") || state["checked"] == Value::Bool(true) {
        return;
    }
    if state["loaded"] != Value::Bool(true) {
        // The script itself, not an `eval` of it: the page's CSP forbids eval.
        client
            .execute(&format!("{script}\nreturn null;"), Vec::new())
            .await
            .unwrap();
    }
    let violations = client.execute_async(RUN, Vec::new()).await.unwrap();
    let Value::Array(violations) = violations else {
        panic!("axe-core did not run on {url}: {violations}");
    };
    if !violations.is_empty() {
        panic!(
            "axe-core found on {url}:\n{}",
            violations.iter().fold(String::new(), |mut text, v| {
                let _ = writeln!(
                    text,
                    "  {} ({}): {}\n    {}",
                    v["id"].as_str().unwrap_or_default(),
                    v["impact"].as_str().unwrap_or_default(),
                    v["help"].as_str().unwrap_or_default(),
                    v["targets"]
                );
                text
            })
        );
    }
}
