//! `openledger`: the command-line client of the OpenLedger chain, shaped like the Cosmos SDK CLI.

mod address;
mod attribute;
mod coins;
mod config;
mod input;
mod keys;
mod ledger;
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

// Parsed once per process, so the size difference of the variants does not matter.
#[allow(clippy::large_enum_variant)]
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
    /// Attribute a model output to data contributions (weights per contribution), offline;
    /// `attribute verify-receipt` checks a usage receipt against a Merkle root
    Attribute(attribute::AttributeCmd),
}

impl Command {
    /// Graph output (`--output dot|mermaid`) exists only for lineages.
    fn accepts_graph_output(&self) -> bool {
        matches!(self, Command::Query(query::QueryCmd::Models(q)) if q.accepts_graph_output())
    }
}

async fn run(cli: Cli) -> Result<()> {
    let ctx = Context::from_opts(&cli.global)?;
    if ctx.output.is_graph() && !cli.command.accepts_graph_output() {
        anyhow::bail!(
            "--output {} is only for `query models lineage`; other commands print text or json",
            if ctx.output == config::OutputFormat::Dot {
                "dot"
            } else {
                "mermaid"
            }
        );
    }
    match cli.command {
        Command::Keys(cmd) => keys::run(&ctx, cmd),
        Command::Tx(cmd) => tx::run(&ctx, cmd).await,
        Command::Query(cmd) => query::run(&ctx, cmd).await,
        Command::Status => query::status(&ctx).await,
        Command::Attribute(cmd) => attribute::run(&ctx, cmd),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
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
            "openledger",
            "tx",
            "bank",
            "send",
            "alice",
            "ol1xyz",
            "10uopen",
            "--node",
            "http://x:1",
            "--chain-id",
            "c",
            "--output",
            "json",
            "--keyring-backend",
            "file",
            "--home",
            "/tmp/h",
            "--gas",
            "auto",
            "-y",
            "--print-raw",
        ])
        .unwrap();
        assert_eq!(cli.global.node, "http://x:1");
        assert_eq!(cli.global.output, config::OutputFormat::Json);
        assert_eq!(cli.global.keyring_backend, config::KeyringBackend::File);
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("openledger").chain(args.iter().copied()))
    }

    #[test]
    fn graph_output_only_for_lineage() {
        let cli = parse(&["query", "models", "lineage", "9", "--output", "dot"]).unwrap();
        assert_eq!(cli.global.output, config::OutputFormat::Dot);
        assert!(cli.command.accepts_graph_output());
        let cli = parse(&["q", "models", "lineage", "9", "-o", "mermaid"]).unwrap();
        assert!(cli.command.accepts_graph_output());
        let cli = parse(&["query", "models", "card", "9", "-o", "dot"]).unwrap();
        assert!(!cli.command.accepts_graph_output());
        let cli = parse(&["query", "bank", "total", "-o", "mermaid"]).unwrap();
        assert!(!cli.command.accepts_graph_output());
    }

    #[test]
    fn module_commands_parse() {
        let h = "ab".repeat(32);
        for args in [
            vec![
                "tx", "datasets", "create", "alice", "--name", "d", "--policy", "curated",
            ],
            vec![
                "tx",
                "datasets",
                "contribute",
                "alice",
                "1",
                "--file",
                "items.json",
            ],
            vec![
                "tx",
                "datasets",
                "contribute",
                "alice",
                "1",
                "--content",
                "a",
                "b",
                "--uri-prefix",
                "ipfs://x",
            ],
            vec![
                "tx", "datasets", "review", "alice", "1", "--accept", "1,2", "--reject", "3",
                "--reason", "dup",
            ],
            vec!["tx", "datasets", "update-curator", "alice", "1", "ol1x"],
            vec![
                "tx",
                "licenses",
                "create",
                "alice",
                "--commercial",
                "--prohibit",
                "military,surveillance",
            ],
            vec!["tx", "licenses", "attach", "alice", "--version", "3", "2"],
            vec!["tx", "licenses", "retire", "alice", "--dataset", "3", "2"],
            vec![
                "tx",
                "licenses",
                "acquire",
                "alice",
                "--dataset",
                "3",
                "2",
                "--escrow",
                "10uopen",
            ],
            vec!["tx", "licenses", "top-up", "alice", "1", "100"],
            vec!["tx", "licenses", "release", "alice", "1", "--gas", "auto"],
            vec![
                "tx",
                "models",
                "register",
                "alice",
                "--name",
                "m",
                "--base-id",
                "org/m",
            ],
            vec![
                "tx",
                "models",
                "publish-version",
                "alice",
                "1",
                "--artifact-sha256",
                &h,
                "--from-card",
                "README.md",
            ],
            vec!["tx", "models", "transfer", "alice", "1", "ol1x"],
            vec!["query", "datasets", "list", "--after", "3", "--limit", "10"],
            vec![
                "query",
                "datasets",
                "contributions",
                "1",
                "--status",
                "pending",
            ],
            vec!["query", "datasets", "contributions-of", "alice"],
            vec!["query", "datasets", "usage", "4"],
            vec!["query", "licenses", "of", "--version", "3"],
            vec!["query", "licenses", "grants-on", "--dataset", "3"],
            vec![
                "query",
                "licenses",
                "can-i",
                "bob",
                "--version",
                "3",
                "commercial-use",
            ],
            vec![
                "query",
                "licenses",
                "can-i",
                "bob",
                "--dataset",
                "3",
                "use-for",
                "model-training",
            ],
            vec!["query", "models", "by-owner", "alice"],
            vec!["query", "models", "provenance", "9", "-o", "json"],
            vec![
                "tx",
                "attribution",
                "register-operator",
                "alice",
                "3",
                "--endpoint",
                "https://x",
                "--bond",
                "1000000uopen",
            ],
            vec!["tx", "attribution", "unbond", "alice", "3"],
            vec![
                "tx",
                "attribution",
                "report-usage",
                "alice",
                "3",
                "--batch-id",
                "b1",
                "--file",
                "uses.json",
            ],
            vec![
                "tx",
                "attribution",
                "report-usage",
                "alice",
                "3",
                "--batch-id",
                "b1",
                "--file",
                "-",
                "--aggregate",
                "--receipts-out",
                "r.json",
            ],
            vec!["tx", "attribution", "claim", "alice", "--gas", "auto"],
            vec![
                "query",
                "attribution",
                "split-preview",
                "3",
                "--price",
                "1000uopen",
                "--license-id",
                "2",
                "--weights",
                "w.json",
            ],
            vec![
                "query",
                "attribution",
                "split-preview",
                "3",
                "--price",
                "1000",
            ],
            vec!["query", "attribution", "earnings", "alice"],
            vec!["query", "attribution", "usage", "7"],
            vec!["query", "attribution", "version-usage", "3"],
            vec!["query", "attribution", "operator", "alice", "3"],
            vec!["query", "attribution", "reports", "alice", "-o", "json"],
            vec!["q", "attribution", "params"],
            vec!["attribute", "--contributions", "dir", "--output-text", "-"],
            vec![
                "attribute",
                "--contributions",
                "m.json",
                "--output-text",
                "o.txt",
                "--min-span",
                "6",
                "--top",
                "3",
                "--format",
                "explain",
            ],
            vec![
                "attribute",
                "--contributions",
                "d",
                "--output-text",
                "o",
                "--format",
                "use",
                "--grant-id",
                "4",
                "--units",
                "2",
            ],
            vec![
                "attribute",
                "verify-receipt",
                "--root",
                &h,
                "--receipt-file",
                "r.json",
                "--index",
                "1",
            ],
            vec![
                "attribute",
                "verify-receipt",
                "--root",
                &h,
                "--receipt-file",
                "u.json",
                "--index",
                "0",
                "--proof",
                "",
                "--total",
                "1",
            ],
        ] {
            parse(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        }
        for bad in [
            vec!["tx", "licenses", "attach", "alice", "2"],
            vec![
                "tx",
                "licenses",
                "attach",
                "alice",
                "--version",
                "3",
                "--dataset",
                "4",
                "2",
            ],
            vec!["tx", "datasets", "contribute", "alice", "1"],
            vec![
                "tx",
                "datasets",
                "contribute",
                "alice",
                "1",
                "--file",
                "x",
                "--content",
                "y",
            ],
            vec!["tx", "datasets", "review", "alice", "1"],
            vec![
                "tx", "datasets", "create", "alice", "--name", "d", "--policy", "closed",
            ],
            vec![
                "query",
                "datasets",
                "contributions",
                "1",
                "--status",
                "lost",
            ],
            vec![
                "query",
                "licenses",
                "can-i",
                "bob",
                "--version",
                "3",
                "sell",
            ],
            vec![
                "tx",
                "attribution",
                "register-operator",
                "alice",
                "3",
                "--endpoint",
                "e",
                "--bond",
                "5ufoo",
            ],
            vec![
                "tx",
                "attribution",
                "register-operator",
                "alice",
                "3",
                "--endpoint",
                "e",
            ],
            vec![
                "tx",
                "attribution",
                "report-usage",
                "alice",
                "3",
                "--file",
                "u.json",
            ],
            vec![
                "tx",
                "attribution",
                "report-usage",
                "alice",
                "3",
                "--batch-id",
                "b",
                "--file",
                "u.json",
                "--receipts-out",
                "r",
            ],
            vec!["query", "attribution", "split-preview", "3"],
            vec!["attribute", "--contributions", "dir"],
            vec!["attribute", "--output-text", "o"],
            vec![
                "attribute",
                "--contributions",
                "d",
                "--output-text",
                "o",
                "--min-span",
                "0",
            ],
            vec![
                "attribute",
                "--contributions",
                "d",
                "--output-text",
                "o",
                "--format",
                "json",
            ],
            vec![
                "attribute",
                "verify-receipt",
                "--receipt-file",
                "r.json",
                "--index",
                "1",
            ],
        ] {
            assert!(parse(&bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
