//! What some tests need from the machine and cannot bring themselves (Chromium, axe-core, the
//! mail corpus beside the checkout). Without it they say so and pass over the part that needs
//! it; under CI (`CI` set) that fails the run instead, since `cargo test` shows a skipped
//! test as a pass.

/// Says that `what` is missing, or fails the test when `CI` is set.
pub fn unavailable(what: &str) {
    if std::env::var_os("CI").is_some_and(|value| !value.is_empty()) {
        panic!("{what}; CI is set, so this fails instead");
    }
    eprintln!("{what}");
}
