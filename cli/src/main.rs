//! `openledger`: the command-line client of the OpenLedger chain, shaped like the Cosmos SDK CLI.

mod address;
mod coins;
mod config;
mod input;
mod keys;
mod output;
mod query;
mod rpc;
mod tx;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use config::{Context, GlobalOpts};
use output::Reported;

#[derive(Debug, Parser)]
#[command(name = "openledger", version, about = "Client of the OpenLedger chain")]
struct Cli {
    #[command(flatten)]
    global: GlobalOpts,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage keys in the keyring
    #[command(subcommand)]
    Keys(keys::KeysCmd),
    /// Sign and broadcast transactions
    #[command(subcommand)]
    Tx(tx::TxCmd),
    /// Query the chain
    #[command(subcommand, alias = "q")]
    Query(query::QueryCmd),
    /// Show the node's status
    Status,
}

async fn run(cli: Cli) -> Result<()> {
    let ctx = Context::from_opts(&cli.global)?;
    match cli.command {
        Command::Keys(cmd) => keys::run(&ctx, cmd),
        Command::Tx(cmd) => tx::run(&ctx, cmd).await,
        Command::Query(cmd) => query::run(&ctx, cmd).await,
        Command::Status => query::status(&ctx).await,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Error: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `Reported` means the result was already printed (e.g. a tx with a non-zero code).
            if e.downcast_ref::<Reported>().is_none() {
                eprintln!("Error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_parse_after_subcommands() {
        let cli = Cli::try_parse_from([
            "openledger", "tx", "bank", "send", "alice", "ol1xyz", "10uopen", "--node",
            "http://x:1", "--chain-id", "c", "--output", "json", "--keyring-backend", "file",
            "--home", "/tmp/h", "--gas", "auto", "-y", "--print-raw",
        ])
        .unwrap();
        assert_eq!(cli.global.node, "http://x:1");
        assert_eq!(cli.global.output, config::OutputFormat::Json);
        assert_eq!(cli.global.keyring_backend, config::KeyringBackend::File);
    }
}
