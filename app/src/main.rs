//! `openledgerd`: runs the OpenLedger ABCI application, and edits genesis files.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use openledger_app::genesis::AppGenesis;
use openledger_app::modules::bank::genesis::GenesisCoin;
use openledger_app::store::Storage;
use openledger_app::App;

#[derive(Parser)]
#[command(
    name = "openledgerd",
    version,
    about = "The OpenLedger chain's ABCI application"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve ABCI to CometBFT (and gRPC queries) until killed.
    Start {
        /// Folder of the app's state (RocksDB under HOME/data).
        #[arg(long, env = "OPENLEDGERD_HOME")]
        home: PathBuf,
        #[arg(long, default_value = "127.0.0.1:26658")]
        abci_addr: SocketAddr,
        /// gRPC query server address; "off" disables it.
        #[arg(long, default_value = "127.0.0.1:9090")]
        grpc_addr: String,
        /// REST server address (the SDK's gateway routes, as port 1317 on SDK nodes); "off"
        /// disables it.
        #[arg(long, default_value = "127.0.0.1:1317")]
        rest_addr: String,
        /// The node's CometBFT RPC, where the REST server sends broadcasts and tx lookups.
        #[arg(long, default_value = "http://127.0.0.1:26657")]
        cometbft_rpc: String,
        /// Keep this many recent versions of the state (proofs and reads at past heights);
        /// older versions are pruned. 0 keeps every version (an archive node).
        #[arg(long, default_value_t = openledger_app::store::DEFAULT_KEEP_RECENT)]
        pruning_keep_recent: u64,
        #[command(flatten)]
        queries: QueryLimits,
        /// Check money conservation and the module accounts after every block (reads the
        /// whole state: for tests and localnets); a broken invariant stops the node.
        #[arg(long, env = "OPENLEDGERD_CHECK_INVARIANTS")]
        check_invariants: bool,
    },
    /// Edit the app_state of a CometBFT genesis.json.
    Genesis {
        #[command(subcommand)]
        command: GenesisCommand,
    },
    /// Print the latest committed state as app_state JSON (stop the node first).
    Export {
        #[arg(long, env = "OPENLEDGERD_HOME")]
        home: PathBuf,
    },
    /// Inspect a node's state (stop the node first).
    Debug {
        #[command(subcommand)]
        command: DebugCommand,
    },
}

#[derive(Subcommand)]
enum DebugCommand {
    /// Print each substore's root at a height as JSON: where two nodes' app hashes differ, the
    /// substore that differs is the first place to look.
    Roots {
        #[arg(long, env = "OPENLEDGERD_HOME")]
        home: PathBuf,
        /// A committed height still kept [default: the latest]
        #[arg(long)]
        height: Option<u64>,
    },
}

/// What one query, and the gRPC server as a whole, may take of the node.
#[derive(clap::Args)]
struct QueryLimits {
    /// Gas a query may spend on state reads before it is refused (ABCI and gRPC alike).
    #[arg(long, default_value_t = openledger_app::app::DEFAULT_QUERY_GAS_LIMIT)]
    query_gas_limit: u64,
    /// gRPC requests served at once on one connection.
    #[arg(long, default_value_t = openledger_app::grpc::Limits::default().per_connection)]
    grpc_concurrency_per_connection: usize,
    /// Seconds before an unanswered gRPC request is cancelled.
    #[arg(long, default_value_t = openledger_app::grpc::Limits::default().timeout.as_secs())]
    grpc_timeout_secs: u64,
    /// gRPC queries running at once over all connections (threads of the blocking pool).
    #[arg(long, default_value_t = openledger_app::grpc::Limits::default().blocking)]
    grpc_max_blocking: usize,
}

impl QueryLimits {
    fn grpc(&self) -> openledger_app::grpc::Limits {
        openledger_app::grpc::Limits {
            per_connection: self.grpc_concurrency_per_connection,
            timeout: std::time::Duration::from_secs(self.grpc_timeout_secs.max(1)),
            blocking: self.grpc_max_blocking,
        }
    }
}

#[derive(Subcommand)]
enum GenesisCommand {
    /// Add an account with coins (e.g. 1000000uopen,5stake), or add coins to an existing one.
    AddAccount {
        #[arg(long)]
        genesis: PathBuf,
        address: String,
        coins: String,
    },
    /// Set the dispute rules: the council that decides attribution challenges (THRESHOLD of
    /// the MEMBERS), and the challenge window and unbonding period in blocks.
    SetDisputes {
        #[arg(long)]
        genesis: PathBuf,
        /// Council members (ol1… addresses), comma-separated
        #[arg(long, value_delimiter = ',', value_name = "MEMBERS")]
        council: Vec<String>,
        /// How many members decide a challenge
        #[arg(long)]
        threshold: u32,
        #[arg(long, value_name = "BLOCKS")]
        challenge_window_blocks: Option<u64>,
        #[arg(long, value_name = "BLOCKS")]
        unbonding_blocks: Option<u64>,
    },
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Start {
            home,
            abci_addr,
            grpc_addr,
            rest_addr,
            cometbft_rpc,
            pruning_keep_recent,
            queries,
            check_invariants,
        } => start(
            home,
            abci_addr,
            (&grpc_addr, &rest_addr, &cometbft_rpc),
            pruning_keep_recent,
            &queries,
            check_invariants,
        ),
        Command::Genesis {
            command:
                GenesisCommand::AddAccount {
                    genesis,
                    address,
                    coins,
                },
        } => edit_genesis(&genesis, |g| {
            g.add_account(&address, &parse_coins(&coins)?)?;
            Ok(())
        }),
        Command::Genesis {
            command:
                GenesisCommand::SetDisputes {
                    genesis,
                    council,
                    threshold,
                    challenge_window_blocks,
                    unbonding_blocks,
                },
        } => edit_genesis(&genesis, |g| {
            use openledger_app::modules::attribution;
            let params = g
                .attribution
                .params
                .get_or_insert_with(attribution::default_params);
            params.council = council.clone();
            params.council_threshold = threshold;
            if let Some(blocks) = challenge_window_blocks {
                params.challenge_window_blocks = blocks;
            }
            if let Some(blocks) = unbonding_blocks {
                params.unbonding_blocks = blocks;
            }
            // Refused here, not at the chain's first block.
            attribution::validate_params(params)?;
            Ok(())
        }),
        Command::Debug {
            command: DebugCommand::Roots { home, height },
        } => {
            let storage = Storage::open(&home.join("data"), 0)?;
            let committed = storage.committed()?;
            let height = height.unwrap_or(committed.height);
            let roots: serde_json::Map<String, serde_json::Value> = storage
                .substore_roots(height)?
                .into_iter()
                .map(|(store, root)| (store.name().to_string(), hex::encode_upper(root).into()))
                .collect();
            let out = serde_json::json!({
                "height": height,
                "latest_height": committed.height,
                "latest_app_hash": hex::encode_upper(committed.app_hash),
                "roots": roots,
            });
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(())
        }
        Command::Export { home } => {
            let app = App::new(Storage::open(&home.join("data"), 0)?)?;
            println!("{}", serde_json::to_string_pretty(&app.export_genesis()?)?);
            Ok(())
        }
    }
}

fn start(
    home: PathBuf,
    abci_addr: SocketAddr,
    (grpc_addr, rest_addr, cometbft_rpc): (&str, &str, &str),
    keep_recent: u64,
    queries: &QueryLimits,
    check_invariants: bool,
) -> Result<()> {
    let data = home.join("data");
    std::fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
    let storage = Storage::open(&data, keep_recent)
        .with_context(|| format!("opening state at {}", data.display()))?;
    let app = App::new(storage)?
        .with_query_gas_limit(queries.query_gas_limit)
        .with_invariant_checks(check_invariants || cfg!(debug_assertions));
    let committed = app.committed();
    tracing::info!(height = committed.height, app_hash = %hex::encode_upper(committed.app_hash), "state loaded");

    let grpc = listen_addr("--grpc-addr", grpc_addr)?;
    let rest = listen_addr("--rest-addr", rest_addr)?;
    let rest = rest.map(|addr| (addr, cometbft_rpc.to_string()));
    spawn_query_servers(app.clone(), grpc, rest, queries.grpc())?;

    let server = tendermint_abci::ServerBuilder::new(1 << 20)
        .bind(abci_addr, app)
        .map_err(|e| anyhow::anyhow!("binding ABCI on {abci_addr}: {e}"))?;
    tracing::info!(%abci_addr, "ABCI server listening");
    server
        .listen()
        .map_err(|e| anyhow::anyhow!("ABCI server: {e}"))
}

/// A server's address flag: None when it is "off".
fn listen_addr(flag: &str, value: &str) -> Result<Option<SocketAddr>> {
    if value == "off" {
        return Ok(None);
    }
    let addr = value.parse().with_context(|| format!("{flag} {value}"))?;
    Ok(Some(addr))
}

/// The gRPC and REST servers, on one small runtime of their own so ABCI never waits on them.
fn spawn_query_servers(
    app: App,
    grpc: Option<SocketAddr>,
    rest: Option<(SocketAddr, String)>,
    limits: openledger_app::grpc::Limits,
) -> Result<()> {
    if grpc.is_none() && rest.is_none() {
        return Ok(());
    }
    std::thread::Builder::new()
        .name("queries".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build();
            let rt = match runtime {
                Ok(rt) => rt,
                Err(e) => return tracing::error!(%e, "query servers' runtime"),
            };
            rt.block_on(async {
                let grpc = async {
                    if let Some(addr) = grpc {
                        let served = openledger_app::grpc::serve_with(app.clone(), addr, limits);
                        if let Err(e) = served.await {
                            tracing::error!(%e, "gRPC server stopped");
                        }
                    }
                };
                let rest = async {
                    if let Some((addr, cometbft_rpc)) = rest {
                        let served = openledger_app::rest::serve(
                            app.clone(),
                            addr,
                            limits.blocking,
                            &cometbft_rpc,
                        );
                        if let Err(e) = served.await {
                            tracing::error!(%e, "REST server stopped");
                        }
                    }
                };
                tokio::join!(grpc, rest);
            });
        })?;
    Ok(())
}

/// Reads a CometBFT genesis.json, lets `edit` change its app_state, checks and writes it back.
fn edit_genesis(path: &PathBuf, edit: impl FnOnce(&mut AppGenesis) -> Result<()>) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut doc: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let state = doc
        .get("app_state")
        .map(|v| v.to_string())
        .unwrap_or_default();
    let mut genesis = AppGenesis::from_json(state.as_bytes())?;
    edit(&mut genesis)?;
    genesis.validate()?;
    doc["app_state"] = serde_json::to_value(&genesis)?;
    std::fs::write(path, serde_json::to_string_pretty(&doc)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// `1000uopen,5stake` → coins.
fn parse_coins(text: &str) -> Result<Vec<GenesisCoin>> {
    text.split(',')
        .map(|part| {
            let split = part
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(part.len());
            let (amount, denom) = part.split_at(split);
            if amount.is_empty() || denom.is_empty() {
                bail!("invalid coin {part:?}: want AMOUNTDENOM such as 1000uopen");
            }
            Ok(GenesisCoin {
                denom: denom.into(),
                amount: amount.into(),
            })
        })
        .collect()
}
