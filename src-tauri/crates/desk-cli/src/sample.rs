//! `desk sample`: what the person says about the sample catalog before this PC joins the
//! office's shared folder (an edited sample is not sent, nor removed, without it).

use crate::{open, print_json, Cli, Outcome};
use clap::Subcommand;

#[derive(Subcommand)]
pub(crate) enum SampleCommand {
    /// Load the sample catalog (the 2019 work plan of a city education bureau) into this PC's
    /// new, empty catalog, to try the app.
    Load,
    /// Keep the sample, with your changes, as this PC's catalog: it goes to the shared folder.
    Keep,
    /// Remove the sample and everything made in it: this PC joins with an empty catalog.
    Remove,
}

pub(crate) fn run(cli: &Cli, command: &SampleCommand) -> Outcome {
    let mut catalog = open(cli)?;
    let said = match command {
        SampleCommand::Load => {
            catalog.load_sample()?;
            "the sample catalog is loaded"
        }
        SampleCommand::Keep => {
            catalog.keep_sample()?;
            "the sample is kept as this PC's catalog; it goes to the shared folder at the next sync"
        }
        SampleCommand::Remove => {
            catalog.discard_sample()?;
            "the sample catalog was removed; this catalog is empty"
        }
    };
    let info = catalog.app_info(env!("CARGO_PKG_VERSION"), std::path::Path::new(""))?;
    if cli.json {
        return print_json(&info);
    }
    outln!("{said} ({} items)", info.item_count);
    Ok(())
}
