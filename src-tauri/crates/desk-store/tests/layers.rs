//! The store's layers read bottom-up (ARCHITECTURE.md): a module never imports one of a higher
//! layer, the modules of one folder never import each other in a circle, and nothing below the
//! `Catalog` handle names it. Read from the source, so that a new import that breaks the order
//! fails here rather than in a reviewer's head.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and its layer, bottom (0) to top.
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("clock", 0),
    ("attachments", 1),
    ("saved_file", 1),
    ("db", 1),
    ("oplog", 2),
    ("catalog", 3),
    ("sync", 4),
    ("api", 5),
    ("lib", 5),
];

const HANDLE_LAYER: u8 = 5;

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without comment lines (doc comments may name any path).
fn code(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The first path segment after every occurrence of `prefix` (`prefix{a, b::c}` gives a and b).
fn segments_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let preceded_by_path = rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let after = &rest[at + prefix.len()..];
        rest = after;
        if preceded_by_path {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 0;
            let mut element_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => element_start = true,
                    c if c.is_whitespace() => {}
                    _ if element_start => {
                        element_start = false;
                        let name = identifier(&group[i..]);
                        if !name.is_empty() {
                            found.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = identifier(after);
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

struct Source {
    /// Path below src/, with `/`.
    name: String,
    top: String,
    folder: Option<String>,
    module: String,
    code: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.sort();
    files
        .iter()
        .map(|path| {
            let relative = path
                .strip_prefix(&src)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            let parts: Vec<&str> = relative.trim_end_matches(".rs").split('/').collect();
            let (top, folder, module) = match parts.as_slice() {
                [file] => (file.to_string(), None, file.to_string()),
                [folder, file, ..] => (
                    folder.to_string(),
                    Some(folder.to_string()),
                    file.to_string(),
                ),
                [] => (String::new(), None, String::new()),
            };
            Source {
                name: relative,
                top,
                folder,
                module,
                code: code(path),
            }
        })
        .collect()
}

#[test]
fn every_module_has_a_layer() {
    for source in sources() {
        assert!(
            layer(&source.top).is_some(),
            "{} belongs to no layer: add it to LAYERS here and to ARCHITECTURE.md",
            source.name
        );
    }
}

#[test]
fn no_module_imports_a_higher_layer() {
    let mut wrong = Vec::new();
    for source in sources() {
        let Some(own) = layer(&source.top) else {
            continue;
        };
        for target in segments_after(&source.code, "crate::") {
            let target_layer = if target == "Catalog" {
                Some(HANDLE_LAYER)
            } else {
                layer(&target)
            };
            if let Some(target_layer) = target_layer {
                if target_layer > own {
                    wrong.push(format!("{} imports crate::{target}", source.name));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn nothing_below_the_handle_names_catalog() {
    for source in sources() {
        if layer(&source.top).is_some_and(|l| l < HANDLE_LAYER) {
            assert!(
                !source.code.contains("Catalog {") && !source.code.contains("crate::Catalog"),
                "{} names Catalog: lower layers take a transaction or a connection",
                source.name
            );
        }
    }
}

#[test]
fn the_modules_of_a_folder_import_each_other_without_a_circle() {
    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for source in sources() {
        let Some(folder) = &source.folder else {
            continue;
        };
        if source.module == "mod" {
            continue;
        }
        let mut targets = segments_after(&source.code, &format!("crate::{folder}::"));
        targets.extend(segments_after(&source.code, "super::"));
        targets.remove(&source.module);
        edges
            .entry((folder.clone(), source.module.clone()))
            .or_default()
            .extend(targets);
    }
    // Depth-first search for a path back to where it started.
    fn reaches(
        edges: &BTreeMap<(String, String), BTreeSet<String>>,
        folder: &str,
        from: &str,
        goal: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        let Some(next) = edges.get(&(folder.to_string(), from.to_string())) else {
            return false;
        };
        for module in next {
            if module == goal {
                return true;
            }
            if seen.insert(module.clone()) && reaches(edges, folder, module, goal, seen) {
                return true;
            }
        }
        false
    }
    let mut circles = Vec::new();
    for (folder, module) in edges.keys() {
        if reaches(&edges, folder, module, module, &mut BTreeSet::new()) {
            circles.push(format!("{folder}/{module}"));
        }
    }
    assert!(
        circles.is_empty(),
        "these modules import themselves through their siblings: {circles:?}; move the shared \
         piece into a lower module"
    );
}

#[test]
fn the_reader_finds_grouped_and_single_imports() {
    let text = "use crate::catalog::{items, registry::{self, x}};\nuse crate::db::meta::meta_get;\nlet a = my_crate::sync::x;";
    assert_eq!(
        segments_after(text, "crate::"),
        BTreeSet::from(["catalog".to_string(), "db".to_string()])
    );
    assert_eq!(
        segments_after(text, "crate::catalog::"),
        BTreeSet::from(["items".to_string(), "registry".to_string()])
    );
}
