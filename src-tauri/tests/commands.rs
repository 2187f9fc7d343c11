//! The one list of app commands (`src/commands/list.rs`) against everything that depends on it:
//! every `#[tauri::command]` under `src/commands/` is listed, `capabilities/main.json` grants
//! exactly the listed commands (besides its plugin permissions), and `ui/src/ipc/commands.ts`
//! declares each command with the arguments and result its Rust signature has. (build.rs and the
//! invoke handler expand the list itself, so they cannot disagree with it.)
//!
//! The capability and commands.ts are generated and committed; these tests fail when either is
//! stale. Regenerate both with `UPDATE_COMMANDS=1 cargo test -p disclosure-desk --test commands`.
//!
//! The TypeScript comes from reading the command sources rather than from the types themselves
//! because Rust cannot see a parameter's name, and the name is what the UI sends.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

include!("../src/commands/list.rs");

macro_rules! listed_of {
    ($($module:ident::$name:ident),* $(,)?) => {
        &[$((stringify!($module), stringify!($name))),*]
    };
}

/// `(module, name)` of every listed command, in the list's order.
const LISTED: &[(&str, &str)] = app_commands!(listed_of);

fn crate_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Writes `generated` to `relative` under UPDATE_COMMANDS, otherwise fails when it differs.
fn check_fresh(relative: &str, generated: &str) {
    let path = crate_path(relative);
    if std::env::var_os("UPDATE_COMMANDS").is_some() {
        std::fs::write(&path, generated)
            .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{relative} is stale: run UPDATE_COMMANDS=1 cargo test -p disclosure-desk --test commands"
    );
}

// ----- the command signatures, read from the sources -----

/// A command as the UI sees it: TypeScript for each argument (by the name the UI sends) and for
/// the result.
struct Signature {
    module: String,
    name: String,
    args: Vec<(String, String)>,
    result: String,
}

/// Every `#[tauri::command]` fn of `src/commands/*.rs`, with the binding names its types use.
fn command_signatures(bindings: &mut BTreeSet<String>) -> Vec<Signature> {
    let dir = crate_path("src/commands");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut signatures = Vec::new();
    for path in files {
        let module = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("parse {module}.rs: {e}"));
        for item in file.items {
            if let syn::Item::Fn(function) = item {
                if is_command(&function) {
                    signatures.push(signature(&module, &function, bindings));
                }
            }
        }
    }
    signatures
}

fn is_command(function: &syn::ItemFn) -> bool {
    function.attrs.iter().any(|attr| {
        let path = attr.path();
        let named = path.segments.last().is_some_and(|s| s.ident == "command")
            && path.segments.first().is_some_and(|s| s.ident == "tauri");
        if named {
            // Arguments such as rename_all would change the names the UI sends.
            assert!(
                matches!(attr.meta, syn::Meta::Path(_)),
                "{}: teach tests/commands.rs the arguments of #[tauri::command(…)]",
                function.sig.ident
            );
        }
        named
    })
}

fn signature(module: &str, function: &syn::ItemFn, bindings: &mut BTreeSet<String>) -> Signature {
    let name = function.sig.ident.to_string();
    let mut args = Vec::new();
    for input in &function.sig.inputs {
        let syn::FnArg::Typed(arg) = input else {
            panic!("{name}: a command takes no self");
        };
        if is_injected(&arg.ty) {
            continue;
        }
        let syn::Pat::Ident(ident) = arg.pat.as_ref() else {
            panic!("{name}: name each argument plainly (the UI sends it by name)");
        };
        let sent_as = camel_case(&ident.ident.to_string());
        let ts = ts_type(&arg.ty, bindings).unwrap_or_else(|| {
            panic!("{name}: teach tests/commands.rs the type of argument `{sent_as}`")
        });
        args.push((sent_as, ts));
    }
    let result = match &function.sig.output {
        syn::ReturnType::Default => Some("void".to_string()),
        syn::ReturnType::Type(_, ty) => result_type(ty, bindings),
    }
    .unwrap_or_else(|| panic!("{name}: teach tests/commands.rs its result type"));
    Signature {
        module: module.to_string(),
        name,
        args,
        result,
    }
}

/// Arguments Tauri fills in itself; the UI does not send them.
fn is_injected(ty: &syn::Type) -> bool {
    const INJECTED: &[&str] = &["State", "AppHandle", "Window", "Webview", "WebviewWindow"];
    last_segment(ty).is_some_and(|s| INJECTED.iter().any(|i| s.ident == i))
}

/// `Result<T, ErrorPayload>` answers T (a rejection is the ErrorPayload); anything else itself.
fn result_type(ty: &syn::Type, bindings: &mut BTreeSet<String>) -> Option<String> {
    let segment = last_segment(ty)?;
    if segment.ident != "Result" {
        return ts_type(ty, bindings);
    }
    match type_arguments(segment).as_slice() {
        [ok, error] if last_segment(error).is_some_and(|s| s.ident == "ErrorPayload") => {
            ts_type(ok, bindings)
        }
        _ => None,
    }
}

/// The TypeScript for a Rust type, as ts-rs writes it in bindings.ts; `None` for a shape this
/// generator does not know (the test then asks to be taught it).
fn ts_type(ty: &syn::Type, bindings: &mut BTreeSet<String>) -> Option<String> {
    match ty {
        syn::Type::Reference(reference) => ts_type(&reference.elem, bindings),
        syn::Type::Tuple(tuple) if tuple.elems.is_empty() => Some("void".to_string()),
        syn::Type::Path(_) => {
            let segment = last_segment(ty)?;
            let name = segment.ident.to_string();
            let args = type_arguments(segment);
            let ts = match (name.as_str(), args.as_slice()) {
                ("String" | "str", []) => "string".to_string(),
                ("bool", []) => "boolean".to_string(),
                ("i8" | "i16" | "i32" | "u8" | "u16" | "u32" | "usize" | "isize", []) => {
                    "number".to_string()
                }
                ("f32" | "f64", []) => "number".to_string(),
                ("i64" | "u64" | "i128" | "u128", []) => "bigint".to_string(),
                ("Vec", [item]) => format!("Array<{}>", ts_type(item, bindings)?),
                ("Option", [inner]) => format!("{} | null", ts_type(inner, bindings)?),
                // A type reference only: the rule that only api.ts imports the Tauri API holds.
                ("Channel", [message]) => format!(
                    "import('@tauri-apps/api/core').Channel<{}>",
                    ts_type(message, bindings)?
                ),
                (_, []) => {
                    bindings.insert(name.clone());
                    name
                }
                _ => return None,
            };
            Some(ts)
        }
        _ => None,
    }
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last(),
        _ => None,
    }
}

fn type_arguments(segment: &syn::PathSegment) -> Vec<&syn::Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Tauri's name for an argument: `check_state` is sent as `checkState`.
fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    for (i, part) in snake.split('_').filter(|p| !p.is_empty()).enumerate() {
        let mut chars = part.chars();
        if i > 0 {
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
            }
        }
        out.push_str(chars.as_str());
    }
    out
}

// ----- what is generated from the list -----

/// `ui/src/ipc/commands.ts`: the `Commands` interface and the names, in the list's order.
fn commands_ts(signatures: &[Signature], bindings: &BTreeSet<String>) -> String {
    let mut out = String::from(
        "// Generated from the #[tauri::command] signatures by `src-tauri/tests/commands.rs`: do not\n\
         // edit. Regenerate with UPDATE_COMMANDS=1 cargo test -p disclosure-desk --test commands.\n\n",
    );
    if !bindings.is_empty() {
        out.push_str("import type {\n");
        for name in bindings {
            out.push_str(&format!("  {name},\n"));
        }
        out.push_str("} from './bindings';\n\n");
    }
    out.push_str(
        "/** Every app command (src-tauri/src/commands/list.rs): the arguments the UI sends, by\n \
         * name (an empty list when it sends none), and what the command answers. */\n\
         export interface Commands {\n",
    );
    for (_, name) in LISTED {
        let Some(command) = signatures.iter().find(|s| s.name == *name) else {
            continue;
        };
        let args = if command.args.is_empty() {
            "[]".to_string()
        } else {
            let fields: Vec<String> = command
                .args
                .iter()
                .map(|(arg, ts)| format!("{arg}: {ts}"))
                .collect();
            format!("[{{ {} }}]", fields.join("; "))
        };
        out.push_str(&format!(
            "  {name}: {{ args: {args}; result: {} }};\n",
            command.result
        ));
    }
    out.push_str("}\n\nexport const COMMAND_NAMES = [\n");
    for (_, name) in LISTED {
        out.push_str(&format!("  '{name}',\n"));
    }
    out.push_str("] as const satisfies readonly (keyof Commands)[];\n");
    out
}

/// The capability file, in the order its keys are written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Capability {
    #[serde(rename = "$schema")]
    schema: String,
    identifier: String,
    description: String,
    windows: Vec<String>,
    permissions: Vec<String>,
}

const CAPABILITY: &str = "capabilities/main.json";

/// The capability with its plugin permissions kept and an `allow-…` for each listed command.
fn capability_json() -> String {
    let path = crate_path(CAPABILITY);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut capability: Capability =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{CAPABILITY}: {e}"));
    capability.permissions.retain(|p| !p.starts_with("allow-"));
    capability
        .permissions
        .extend(LISTED.iter().map(|(_, name)| allow_permission(name)));
    let json =
        serde_json::to_string_pretty(&capability).unwrap_or_else(|e| panic!("{CAPABILITY}: {e}"));
    json + "\n"
}

/// The permission tauri-build makes for an app command.
fn allow_permission(command: &str) -> String {
    format!("allow-{}", command.replace('_', "-"))
}

// ----- the tests -----

#[test]
fn every_command_fn_is_listed_once() {
    let signatures = command_signatures(&mut BTreeSet::new());
    let in_source: BTreeSet<(String, String)> = signatures
        .iter()
        .map(|s| (s.module.clone(), s.name.clone()))
        .collect();
    let listed: BTreeSet<(String, String)> = LISTED
        .iter()
        .map(|(m, n)| (m.to_string(), n.to_string()))
        .collect();
    assert_eq!(listed.len(), LISTED.len(), "a command is listed twice");
    let names: BTreeSet<&str> = LISTED.iter().map(|(_, n)| *n).collect();
    assert_eq!(
        names.len(),
        LISTED.len(),
        "two listed commands share a name"
    );
    let unlisted: Vec<_> = in_source.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "add these to src/commands/list.rs: {unlisted:?}"
    );
    let missing: Vec<_> = listed.difference(&in_source).collect();
    assert!(
        missing.is_empty(),
        "listed but not a #[tauri::command] fn: {missing:?}"
    );
}

#[test]
fn capability_grants_exactly_the_listed_commands() {
    check_fresh(CAPABILITY, &capability_json());
}

#[test]
fn commands_ts_declares_each_listed_signature() {
    let mut bindings = BTreeSet::new();
    let signatures = command_signatures(&mut bindings);
    check_fresh(
        "../ui/src/ipc/commands.ts",
        &commands_ts(&signatures, &bindings),
    );
}

#[test]
fn generator_names_and_types_as_tauri_and_ts_rs_do() {
    assert_eq!(camel_case("check_state"), "checkState");
    assert_eq!(camel_case("id"), "id");
    assert_eq!(allow_permission("list_items"), "allow-list-items");
    let mut bindings = BTreeSet::new();
    let check = |ty: &str, expected: &str, bindings: &mut BTreeSet<String>| {
        let ty: syn::Type = syn::parse_str(ty).unwrap_or_else(|e| panic!("{ty}: {e}"));
        assert_eq!(result_type(&ty, bindings).as_deref(), Some(expected));
    };
    check(
        "Result<Vec<Item>, ErrorPayload>",
        "Array<Item>",
        &mut bindings,
    );
    check(
        "Result<Option<String>, ErrorPayload>",
        "string | null",
        &mut bindings,
    );
    check("Result<(), ErrorPayload>", "void", &mut bindings);
    check("Option<String>", "string | null", &mut bindings);
    check(
        "desk_core::workdays::CalendarYear",
        "CalendarYear",
        &mut bindings,
    );
    assert_eq!(
        bindings.into_iter().collect::<Vec<_>>(),
        ["CalendarYear", "Item"]
    );
}
