//! Checklist templates: list, show (as the JSON `template save` reads), save a new version.

use crate::text::Registry;
use crate::{fail, open, print_json, Cli, Failure, Outcome};
use clap::Subcommand;
use desk_core::checklist::ChecklistTemplate;
use desk_core::plan_import::fold_name;
use desk_store::Catalog;
use serde_json::{Map, Value};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub(crate) enum TemplateCommand {
    /// The newest version of every template.
    List,
    /// One template (id or name); --json gives the JSON `template save` reads.
    Show {
        id: String,
        #[arg(long)]
        version: Option<u32>,
    },
    /// Save a template from a JSON file as its next version ("id": "" for a new one).
    Save { file: PathBuf },
}

pub(crate) fn run(cli: &Cli, command: &TemplateCommand) -> Outcome {
    match command {
        TemplateCommand::List => list(cli),
        TemplateCommand::Show { id, version } => show(cli, id, *version),
        TemplateCommand::Save { file } => save(cli, file),
    }
}

/// A template file is a few kilobytes; anything this big is the wrong file.
const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

fn categories_text(template: &ChecklistTemplate, registry: &Registry) -> String {
    if template.category_ids.is_empty() {
        "default (every category no other template serves)".into()
    } else {
        template
            .category_ids
            .iter()
            .map(|c| registry.category_name(c))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// A template by id or name (either script).
fn find_template(catalog: &Catalog, typed: &str) -> Result<ChecklistTemplate, Failure> {
    let templates = catalog.templates()?;
    let typed = typed.trim();
    let wanted = fold_name(typed);
    templates
        .iter()
        .find(|t| t.id == typed)
        .or_else(|| templates.iter().find(|t| fold_name(&t.name) == wanted))
        .cloned()
        .ok_or_else(|| {
            let known: Vec<String> = templates
                .iter()
                .map(|t| format!("{} ({})", t.id, t.name))
                .collect();
            fail(
                "not_found",
                format!(
                    "no checklist template {typed}: use one of {}",
                    known.join(", ")
                ),
            )
        })
}

pub fn list(cli: &Cli) -> Outcome {
    let catalog = open(cli)?;
    let templates = catalog.templates()?;
    if cli.json {
        return print_json(&serde_json::json!({ "templates": templates }));
    }
    let registry = Registry::load(&catalog)?;
    for t in &templates {
        outln!(
            "{}  v{}  {}  {} checks  [{}]",
            t.id,
            t.version,
            t.name,
            t.checks.len(),
            categories_text(t, &registry)
        );
    }
    Ok(())
}

pub fn show(cli: &Cli, id: &str, version: Option<u32>) -> Outcome {
    let catalog = open(cli)?;
    let newest = find_template(&catalog, id)?;
    let template = match version {
        None => newest,
        Some(version) => catalog
            .template_versions(&newest.id)?
            .into_iter()
            .find(|t| t.version == version)
            .ok_or_else(|| {
                fail(
                    "not_found",
                    format!(
                        "the template {} has no version {version} (the newest is v{})",
                        newest.id, newest.version
                    ),
                )
            })?,
    };
    if cli.json {
        return print_json(&template);
    }
    let registry = Registry::load(&catalog)?;
    outln!("{} ({}) v{}", template.name, template.id, template.version);
    outln!("categories: {}", categories_text(&template, &registry));
    outln!(
        "saved {} by {}",
        template.created_at,
        registry.person_name(&template.created_by)
    );
    for check in &template.checks {
        let mut flags = vec![rule_key(check)];
        if check.required {
            flags.push("required".into());
        }
        if check.allow_not_applicable {
            flags.push("may be not applicable".into());
        }
        if !check.disclosures.is_empty() {
            let asked: Vec<&str> = check
                .disclosures
                .iter()
                .map(|d| desk_core::fields::disclosure_label_zh(*d))
                .collect();
            flags.push(format!("only {}", asked.join("、")));
        }
        let group = if check.group.is_empty() {
            String::new()
        } else {
            format!("{} › ", check.group)
        };
        outln!(
            "  {}  {group}{}  [{}]",
            check.key,
            check.label,
            flags.join(", ")
        );
    }
    outln!(
        "(desk --json template show {} gives the JSON that desk template save reads)",
        template.id
    );
    Ok(())
}

/// The rule's type key (`manual`, `personal_data` …) for the listing.
fn rule_key(check: &desk_core::checklist::CheckDef) -> String {
    serde_json::to_value(&check.rule)
        .ok()
        .and_then(|v| v.get("type").and_then(Value::as_str).map(String::from))
        .unwrap_or_default()
}

fn read_file(path: &Path) -> Result<String, Failure> {
    let unreadable = |e: std::io::Error| {
        fail(
            "file_unreadable",
            format!("cannot read {}: {e}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_TEMPLATE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_TEMPLATE_BYTES {
        return Err(fail(
            "invalid_argument",
            format!(
                "{} is larger than 1 MB: a checklist template is a small JSON file",
                path.display()
            ),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        fail(
            "invalid_argument",
            format!(
                "{} is not UTF-8 text: save it as UTF-8 JSON",
                path.display()
            ),
        )
    })?;
    Ok(text.trim_start_matches('\u{feff}').to_string())
}

fn default_missing(object: &mut Map<String, Value>, key: &str, value: Value) {
    if !object.contains_key(key) {
        object.insert(key.into(), value);
    }
}

/// Fills what a person writing a template may leave out (id, version, dates, the optional
/// parts of each check; a rule written as a bare string) and turns category names into ids.
fn complete(mut value: Value, registry: &Registry) -> Result<Value, Failure> {
    let object = value.as_object_mut().ok_or_else(|| {
        fail(
            "invalid_argument",
            "a template is a JSON object: {\"id\": \"\", \"name\": …, \"category_ids\": […], \"checks\": […]}",
        )
    })?;
    default_missing(object, "id", Value::String(String::new()));
    default_missing(object, "category_ids", Value::Array(Vec::new()));
    default_missing(object, "version", Value::from(0));
    default_missing(object, "created_at", Value::String(String::new()));
    default_missing(object, "created_by", Value::String(String::new()));
    if let Some(categories) = object.get_mut("category_ids").and_then(Value::as_array_mut) {
        for entry in categories.iter_mut() {
            let Some(text) = entry.as_str() else { continue };
            let wanted = fold_name(text);
            let found = registry.categories.iter().find(|c| {
                c.id == text || fold_name(&c.name) == wanted || c.code.eq_ignore_ascii_case(text)
            });
            match found {
                Some(category) => *entry = Value::String(category.id.clone()),
                None => {
                    return Err(fail(
                        "invalid_argument",
                        format!("no category named {text}: give a category's id, name or code"),
                    ))
                }
            }
        }
    }
    if let Some(checks) = object.get_mut("checks").and_then(Value::as_array_mut) {
        for check in checks.iter_mut() {
            let Some(check) = check.as_object_mut() else {
                continue;
            };
            default_missing(check, "group", Value::String(String::new()));
            default_missing(check, "guidance", Value::String(String::new()));
            default_missing(check, "required", Value::Bool(true));
            default_missing(check, "allow_not_applicable", Value::Bool(false));
            default_missing(check, "rule", serde_json::json!({"type": "manual"}));
            if let Some(Value::String(rule)) = check.get("rule").cloned() {
                check.insert("rule".into(), serde_json::json!({ "type": rule }));
            }
        }
    }
    Ok(value)
}

pub fn save(cli: &Cli, file: &Path) -> Outcome {
    let text = read_file(file)?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        fail(
            "invalid_argument",
            format!("{} is not valid JSON: {e}", file.display()),
        )
    })?;
    let mut catalog = open(cli)?;
    let registry = Registry::load(&catalog)?;
    let template: ChecklistTemplate = serde_json::from_value(complete(value, &registry)?)
        .map_err(|e| {
            fail(
                "invalid_argument",
                format!("{} is not a checklist template: {e} (see desk --json template show general for the shape)", file.display()),
            )
        })?;
    let saved = catalog.save_template(template)?;
    if cli.json {
        return print_json(&saved);
    }
    outln!(
        "saved {} ({}) as version {}",
        saved.name,
        saved.id,
        saved.version
    );
    Ok(())
}
