//! `update.json`: what an office may write, and what is refused with which problem.

use desk_update::config::{candidates, UpdateConfig};
use desk_update::signature::generate_key_pair;
use std::path::Path;

fn check(text: &str, expected: Result<(usize, Option<&str>, bool), &[&str]>) {
    match (
        UpdateConfig::parse(text, Path::new("update.json")),
        expected,
    ) {
        (Ok(c), Ok((endpoints, folder, at_start))) => {
            assert_eq!(c.endpoints.len(), endpoints, "{text}");
            assert_eq!(c.folder.as_deref(), folder, "{text}");
            assert_eq!(c.check_at_start, at_start, "{text}");
        }
        (Err(e), Err(codes)) => {
            assert_eq!(e.code(), "update_config_invalid");
            let got: Vec<String> = e.payload().problems.into_iter().map(|p| p.code).collect();
            assert_eq!(got, codes, "{text}");
        }
        (got, want) => panic!("{text}: expected {want:?}, got {got:?}"),
    }
}

#[test]
fn update_json_is_read_and_checked() {
    let (_, public) = generate_key_pair(None).unwrap_or_else(|e| panic!("{e}"));
    check("{}", Ok((0, None, true)));
    check("\u{feff}{\"check_at_start\": false}", Ok((0, None, false)));
    check(
        &format!(
            r#"{{"endpoints": ["https://a/latest.json", "http://b:8080/l.json"], "pubkey": "{public}"}}"#
        ),
        Ok((2, None, true)),
    );
    check(
        r#"{"folder": "\\\\srv\\share\\releases"}"#,
        Ok((0, Some("\\\\srv\\share\\releases"), true)),
    );
    check("", Err(&["not_json"]));
    check("[1]", Err(&["not_json"]));
    check(r#"{"endpoint": []}"#, Err(&["not_json"]));
    check(r#"{"check_at_start": "yes"}"#, Err(&["not_json"]));
    check(
        r#"{"endpoints": ["file:///srv/latest.json", "ftp://x"]}"#,
        Err(&["not_http", "not_http"]),
    );
    check(
        r#"{"endpoints": ["https://a b/"], "folder": " "}"#,
        Err(&["not_http", "empty"]),
    );
    check(r#"{"pubkey": "abc"}"#, Err(&["key_invalid"]));
}

#[test]
fn the_first_update_json_found_wins_and_none_means_not_configured() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = tmp.path().join("data");
    let exe = tmp.path().join("bin");
    std::fs::create_dir_all(&data).unwrap_or_default();
    std::fs::create_dir_all(&exe).unwrap_or_default();
    let paths: Vec<_> = candidates(&data, Some(&exe)).into_iter().take(2).collect();

    let loaded = UpdateConfig::load(&paths).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.path, None);
    assert!(!loaded.settings().configured);
    assert_eq!(
        loaded.config.office_key().err().map(|e| e.code()),
        Some("update_not_configured")
    );

    std::fs::write(exe.join("update.json"), r#"{"folder": "/srv/releases"}"#).unwrap_or_default();
    let loaded = UpdateConfig::load(&paths).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        loaded.path.as_deref(),
        Some(exe.join("update.json").as_path())
    );
    assert!(!loaded.settings().configured, "no key yet");

    std::fs::write(data.join("update.json"), r#"{"endpoints": 3}"#).unwrap_or_default();
    assert_eq!(
        UpdateConfig::load(&paths).err().map(|e| e.code()),
        Some("update_config_invalid")
    );
}
