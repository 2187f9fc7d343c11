//! `desk sync`, `desk sync status` and `desk conflicts`: thin adapters over `desk-sync` and the
//! catalog's conflict list, with the same JSON the app receives (`SyncReport`, `SyncStatus`,
//! `Conflict`).

use crate::{fail, open, print_json, Cli, Failure, Outcome};
use clap::{Args, Subcommand};
use desk_sync::{SyncError, SyncOptions};
use std::path::PathBuf;

#[derive(Args)]
pub(crate) struct SyncArgs {
    #[command(subcommand)]
    command: Option<SyncCommand>,
    /// The shared folder (a mapped drive, a mounted share, or \\server\share\… on Windows);
    /// without it, the folder of the last round.
    #[arg(long, value_name = "FOLDER")]
    folder: Option<PathBuf>,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Last sync, what waits to go out, conflicts, PCs with a bad clock.
    Status,
}

#[derive(Subcommand)]
pub(crate) enum ConflictsCommand {
    /// Fields two PCs changed without seeing each other's change.
    List,
    /// Keep one value: desk conflicts resolve KEY OP_ID (an op id from `conflicts list`).
    Resolve { key: String, op_id: String },
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Self {
        Failure(e.payload())
    }
}

pub(crate) fn run_sync(cli: &Cli, args: &SyncArgs) -> Outcome {
    let mut catalog = open(cli)?;
    if let Some(SyncCommand::Status) = args.command {
        let status = desk_sync::status(&catalog)?;
        if cli.json {
            return print_json(&status);
        }
        outln!(
            "device {} · catalog {}",
            status.device_id,
            status.catalog_id
        );
        outln!(
            "last sync: {} ({})",
            status.last_sync.as_deref().unwrap_or("never"),
            status.folder.as_deref().unwrap_or("no folder yet")
        );
        if let Some(error) = &status.last_error {
            outln!("last round failed: {error}");
        }
        outln!(
            "{} operations wait to go out · {} conflicts",
            status.ops_waiting_to_go_out,
            status.conflicts
        );
        for warning in &status.clock_warnings {
            outln!(
                "the clock of PC {} is {} minutes ahead: its changes wait",
                warning.device_id,
                warning.ahead_minutes
            );
        }
        for waiting in &status.waiting {
            outln!(
                "waiting: {} {}: {}",
                waiting.device_id,
                waiting.file,
                waiting.detail
            );
        }
        for damaged in &status.damaged {
            if damaged.holders.len() == 1 && damaged.holders[0] == damaged.device_id {
                outln!(
                    "damaged: {} (since {}): only PC {} holds it; it must come online to repair it",
                    damaged.file,
                    damaged.since,
                    damaged.device_id
                );
            } else {
                outln!(
                    "damaged: {} (since {}): being repaired",
                    damaged.file,
                    damaged.since
                );
            }
        }
        for kept in &status.kept_aside {
            // Something no PC of the office writes is named as what it is.
            let label = if kept.reason.is_alert() {
                "ALERT, not applied"
            } else {
                "kept aside"
            };
            outln!(
                "{label}: {} from PC {} in the name of {} ({}): {}",
                kept.op_id,
                kept.device_id,
                kept.author_id,
                kept.reason.key(),
                kept.message
            );
        }
        return Ok(());
    }
    let report = desk_sync::sync_configured(
        &mut catalog,
        args.folder.as_deref(),
        &SyncOptions::default(),
        &mut |_| {},
    )
    .map_err(|e| match e {
        // `desk sync` has always answered a missing folder as a command line to complete.
        SyncError::NoFolder => fail(
            "invalid_argument",
            "no shared folder yet: desk sync --folder FOLDER",
        ),
        other => Failure::from(other),
    })?;
    if cli.json {
        return print_json(&report);
    }
    if report.created_catalog {
        outln!(
            "created the catalog {} in the shared folder",
            report.catalog_id
        );
    }
    if report.joined_catalog {
        outln!("joined the catalog {}", report.catalog_id);
    }
    for change in &report.device_changes {
        outln!(
            "this PC now syncs as {} (was {}): {}",
            change.new_device_id,
            change.old_device_id,
            change.reason
        );
    }
    outln!(
        "published {} operations in {} segments",
        report.ops_published,
        report.segments_published
    );
    for applied in &report.applied {
        outln!(
            "applied {} operations from {}",
            applied.ops,
            applied.device_id
        );
    }
    for waiting in &report.waiting {
        outln!(
            "waiting: {} {}: {}",
            waiting.device_id,
            waiting.file,
            waiting.detail
        );
    }
    for problem in &report.folder_problems {
        outln!("folder: {}", problem.message);
    }
    outln!(
        "{} conflicts ({} new){}",
        report.conflicts,
        report.new_conflicts,
        if report.signoffs_voided > 0 {
            format!(", {} sign-offs voided by edits", report.signoffs_voided)
        } else {
            String::new()
        }
    );
    Ok(())
}

pub(crate) fn run_conflicts(cli: &Cli, command: &ConflictsCommand) -> Outcome {
    let mut catalog = open(cli)?;
    match command {
        ConflictsCommand::List => {
            let conflicts = catalog.conflicts()?;
            if cli.json {
                return print_json(&serde_json::json!({ "conflicts": conflicts }));
            }
            if conflicts.is_empty() {
                outln!("no conflicts");
            }
            for conflict in conflicts {
                outln!(
                    "{}  {} · {}",
                    conflict.key,
                    conflict.entity_label,
                    conflict.field
                );
                for (mark, value) in std::iter::once(("*", &conflict.current))
                    .chain(conflict.others.iter().map(|o| (" ", o)))
                {
                    outln!(
                        "  {mark} {}  {}  ({}, {} on {})",
                        value.op_id,
                        value.value,
                        value.author_id,
                        value.at,
                        value.device_id
                    );
                }
            }
            Ok(())
        }
        ConflictsCommand::Resolve { key, op_id } => {
            catalog.settle_conflict(key, op_id)?;
            if cli.json {
                return print_json(&serde_json::json!({ "settled": key, "kept": op_id }));
            }
            outln!("kept {op_id} for {key}; the choice syncs to the other PCs");
            Ok(())
        }
    }
}
