//! `openledger-load`: offers a fixed rate of signed bank sends to a chain and reports what
//! committed, how fast and how late (tests/src/load.rs). BENCHMARKS.md has the runs.
//!
//! Against a localnet it starts itself (real CometBFT nodes and openledgerd, loopback):
//!   openledger-load --validators 4 --rates 100,200,300 --seconds 20
//! Against a running chain:
//!   openledger-load --rpc 127.0.0.1:26657 --chain-id openledger-local-1 \
//!       --funder-mnemonic-file .localnet/client/alice.add.txt --rates 200

use std::time::Duration;

use anyhow::{anyhow, Context};
use clap::Parser;
use openledger_tests::load::{self, Accounts, Plan};
use openledger_tests::{tx, Localnet};

#[derive(Parser)]
#[command(about = "Offered-rate load of signed bank sends, read back from the committed blocks")]
struct Args {
    /// CometBFT RPC endpoints (host:port) of a running chain; none starts a localnet.
    #[arg(long)]
    rpc: Vec<String>,
    /// Chain id of the running chain given by --rpc.
    #[arg(long, default_value = openledger_tests::CHAIN_ID)]
    chain_id: String,
    /// A file holding the BIP39 mnemonic of the account that funds the load accounts.
    #[arg(long)]
    funder_mnemonic_file: Option<std::path::PathBuf>,
    /// Validators of the localnet started when no --rpc is given.
    #[arg(long, default_value_t = 1)]
    validators: usize,
    /// Send to every node rather than the first.
    #[arg(long)]
    all_nodes: bool,
    /// Offered rates (tx/s), one run each, in order.
    #[arg(long, value_delimiter = ',', default_value = "100")]
    rates: Vec<u32>,
    /// Seconds of sending per run (bounded: at most 600).
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Sending accounts (each signs its own sequence of sends).
    #[arg(long, default_value_t = 200)]
    accounts: usize,
    /// Kept-alive connections sending in parallel.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seconds to wait after a run for the mempool to empty.
    #[arg(long, default_value_t = 60)]
    drain_seconds: u64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.seconds <= 600, "--seconds is at most 600");
    anyhow::ensure!(args.accounts > 0 && args.connections > 0, "accounts and connections > 0");
    let localnet;
    let (rpc, funder, chain_id) = if args.rpc.is_empty() {
        localnet = Localnet::start(args.validators);
        let nodes = if args.all_nodes { localnet.validators() } else { 1 };
        let rpc = (0..nodes)
            .map(|i| localnet.node_rpc(i).trim_start_matches("http://").to_owned())
            .collect();
        (rpc, localnet.signing_key("alice"), localnet.chain_id().to_owned())
    } else {
        let file = args
            .funder_mnemonic_file
            .as_ref()
            .ok_or_else(|| anyhow!("--rpc needs --funder-mnemonic-file"))?;
        let text = std::fs::read_to_string(file).with_context(|| file.display().to_string())?;
        let key = tx::key_in_text(&text)
            .ok_or_else(|| anyhow!("no mnemonic or private key in {}", file.display()))?;
        (args.rpc.clone(), key, args.chain_id.clone())
    };
    let accounts = Accounts::prepare(&rpc[0], &chain_id, &funder, "bank", args.accounts)?;
    eprintln!(
        "{:>6} {:>9} {:>9} {:>9} {:>6} {:>10} {:>8} {:>8} {:>8} {:>8}  kept up",
        "rate", "submitted", "accepted", "committed", "lost", "commit/s", "p50 ms", "p95 ms", "p99 ms", "mempool"
    );
    for &rate in &args.rates {
        let total = usize::try_from(u64::from(rate) * args.seconds)?;
        let payload = accounts.bank_sends(&rpc[0], total)?;
        let plan = Plan {
            rpc: rpc.clone(),
            rate,
            duration: Duration::from_secs(args.seconds),
            connections: args.connections,
            drain: Duration::from_secs(args.drain_seconds),
        };
        let report = load::run(&plan, &payload)?;
        println!("{}", report.to_json());
        eprintln!(
            "{:>6} {:>9} {:>9} {:>9} {:>6} {:>10.1} {:>8.0} {:>8.0} {:>8.0} {:>8}  {}",
            rate,
            report.submitted,
            report.accepted,
            report.committed,
            report.lost,
            report.committed_tps,
            report.latency_p50_ms,
            report.latency_p95_ms,
            report.latency_p99_ms,
            report.mempool.iter().map(|m| m.1).max().unwrap_or(0),
            if report.kept_up() { "yes" } else { "no" }
        );
    }
    Ok(())
}
