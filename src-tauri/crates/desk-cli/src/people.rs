//! People and who this PC's changes are recorded as.

use crate::text::{parse_role, Registry};
use crate::{fail, open, print_json, Cli, Failure, Outcome};
use clap::Subcommand;
use desk_core::assign::{resolve_person, Names};
use desk_core::model::{Person, Role};
use desk_core::plan_import::{fold_name, match_department};
use desk_store::Catalog;

#[derive(Subcommand)]
pub(crate) enum PersonCommand {
    List,
    /// desk person add NAME --department D --role clerk[,section_head …]
    Add {
        name: String,
        /// The person's department or unit (name or id).
        #[arg(long)]
        department: Option<String>,
        /// clerk, section_head, coordinator, web_team (or 信息员, 处室负责人, 政务公开办,
        /// 网站管理员); repeat it or separate with commas.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
}

pub(crate) fn run(cli: &Cli, command: &PersonCommand) -> Outcome {
    match command {
        PersonCommand::List => list(cli),
        PersonCommand::Add {
            name,
            department,
            roles,
        } => add(cli, name, department.as_deref(), roles),
    }
}

/// A person by name (either script) or id; unknown or shared names are refused with their
/// own codes (`unknown_person`, `ambiguous_person`).
pub fn find_person(catalog: &Catalog, text: &str) -> Result<Person, Failure> {
    let people = catalog.people()?;
    let departments = catalog.departments()?;
    let names = Names {
        departments: &departments,
        categories: &[],
        people: &people,
    };
    resolve_person(text, &names)
        .cloned()
        .map_err(|e| fail(e.code, e.message))
}

pub fn whoami(cli: &Cli, set: Option<&str>) -> Outcome {
    let mut catalog = open(cli)?;
    if let Some(text) = set {
        let person = find_person(&catalog, text)?;
        catalog.set_current_person(&person.id)?;
    }
    let person = catalog.current_person()?;
    if cli.json {
        return print_json(&serde_json::json!({ "person": person }));
    }
    match person {
        Some(person) => {
            let registry = Registry::load(&catalog)?;
            outln!("{}", registry.person_line(&person));
            outln!("id: {}", person.id);
        }
        None => outln!(
            "no person chosen: changes are recorded as the operating-system user; choose with desk whoami --set NAME"
        ),
    }
    Ok(())
}

pub fn list(cli: &Cli) -> Outcome {
    let catalog = open(cli)?;
    let people = catalog.people()?;
    if cli.json {
        return print_json(&serde_json::json!({ "people": people }));
    }
    let registry = Registry::load(&catalog)?;
    let current = catalog.current_person()?.map(|p| p.id);
    for person in &people {
        let marker = if current.as_deref() == Some(person.id.as_str()) {
            "*"
        } else {
            " "
        };
        outln!("{marker} {}  {}", person.id, registry.person_line(person));
    }
    if people.is_empty() {
        outln!("no people yet: add them with desk person add NAME --department D --role clerk");
    }
    Ok(())
}

/// A department typed by name or id (the registry's), or `None` for no text.
pub(crate) fn department_id(
    catalog: &desk_store::Catalog,
    department: Option<&str>,
) -> Result<Option<String>, Failure> {
    let Some(text) = department.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    let departments = catalog.departments()?;
    departments
        .iter()
        .find(|d| d.id == text)
        .or_else(|| match_department(text, &departments))
        .map(|d| Some(d.id.clone()))
        .ok_or_else(|| {
            fail(
                "unknown_department",
                format!("no department named {text}: add it first (desk department add {text}) or check the name (desk department list)"),
            )
        })
}

/// Roles typed as keys or Chinese names, each once, separated as lists are.
pub(crate) fn parse_roles(roles: &[String]) -> Result<Vec<Role>, Failure> {
    let mut parsed: Vec<Role> = Vec::new();
    for text in roles.iter().flat_map(|r| desk_core::fields::split_list(r)) {
        let role = parse_role(&text).ok_or_else(|| {
            fail(
                "invalid_argument",
                format!("{text} is not a role: use clerk, section_head, coordinator or web_team (信息员, 处室负责人, 政务公开办, 网站管理员)"),
            )
        })?;
        if !parsed.contains(&role) {
            parsed.push(role);
        }
    }
    Ok(parsed)
}

pub fn add(cli: &Cli, name: &str, department: Option<&str>, roles: &[String]) -> Outcome {
    let mut catalog = open(cli)?;
    let department_id = department_id(&catalog, department)?;
    let parsed = parse_roles(roles)?;
    if parsed.is_empty() {
        return Err(fail(
            "invalid_argument",
            "give the person at least one role: --role clerk|section_head|coordinator|web_team",
        ));
    }
    let wanted = fold_name(name);
    if let Some(twin) = catalog
        .people()?
        .into_iter()
        .find(|p| fold_name(&p.name) == wanted && p.department_id == department_id)
    {
        return Err(fail(
            "person_exists",
            format!(
                "{} is already in the list with this department (id {}): nothing was added",
                twin.name, twin.id
            ),
        ));
    }
    let saved = catalog.save_person(Person {
        id: String::new(),
        name: name.to_string(),
        department_id,
        roles: parsed,
    })?;
    if cli.json {
        return print_json(&saved);
    }
    let registry = Registry::load(&catalog)?;
    outln!("{}  {}", saved.id, registry.person_line(&saved));
    Ok(())
}
