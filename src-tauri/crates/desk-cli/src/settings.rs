//! `desk settings`: the catalog's settings (channel and level lists, the 索引号 rule, the due
//! period), shown or changed KEY=VALUE.

use crate::{fail, open, print_json, Cli, Outcome};
use clap::Subcommand;
use desk_core::assign::split_assignment;

#[derive(Subcommand)]
pub(crate) enum SettingsCommand {
    Show,
    /// KEY=VALUE: channels=政府网站、两微一端 levels=… index_rule={org}-{year}-{seq:4} org_code=… due_working_days=20
    Set {
        #[arg(required = true)]
        assignments: Vec<String>,
    },
}

pub(crate) fn run(cli: &Cli, command: &SettingsCommand) -> Outcome {
    match command {
        SettingsCommand::Show => show(cli),
        SettingsCommand::Set { assignments } => set(cli, assignments),
    }
}

fn show(cli: &Cli) -> Outcome {
    let catalog = open(cli)?;
    print_settings(catalog.settings(), cli.json)
}

fn set(cli: &Cli, assignments: &[String]) -> Outcome {
    let mut catalog = open(cli)?;
    let mut settings = catalog.settings().clone();
    for text in assignments {
        let (key, value) = split_assignment(text).ok_or_else(|| {
            fail(
                "invalid_argument",
                format!("{text}: write KEY=VALUE, e.g. due_working_days=20"),
            )
        })?;
        match key {
            "channels" => settings.channels = desk_core::fields::split_list(value),
            "levels" => settings.levels = desk_core::fields::split_list(value),
            "index_rule" => settings.index_rule = value.trim().to_string(),
            "org_code" => settings.org_code = value.trim().to_string(),
            "export_omit_names" => {
                settings.export_omit_names = matches!(value.trim(), "true" | "yes" | "1" | "是")
            }
            "due_working_days" => {
                settings.due_working_days = value.trim().parse().map_err(|_| {
                    fail("invalid_argument", format!("due_working_days: {value} is not a number of days"))
                })?
            }
            other => {
                return Err(fail(
                    "invalid_argument",
                    format!("unknown setting {other}: use channels, levels, index_rule, org_code or due_working_days"),
                ))
            }
        }
    }
    let saved = catalog.save_settings(settings)?;
    print_settings(&saved, cli.json)
}

fn print_settings(settings: &desk_core::settings::CatalogSettings, json: bool) -> Outcome {
    if json {
        return print_json(settings);
    }
    outln!("channels:         {}", settings.channels.join("、"));
    outln!("levels:           {}", settings.levels.join("、"));
    outln!("index_rule:       {}", settings.index_rule);
    outln!("org_code:         {}", settings.org_code);
    outln!("due_working_days: {}", settings.due_working_days);
    Ok(())
}
