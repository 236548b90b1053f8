//! End-to-end harness: real CometBFT nodes in front of the real `openledgerd` (RocksDB state),
//! driven by the real `openledger` CLI, started and stopped with the scripts in `localnet/`.
//!
//! Binaries: `$OPENLEDGERD` / `$OPENLEDGER` or the `release/` directory the test binary runs
//! from (build with `cargo build --release --workspace`), and `$COMETBFT` or
//! `$HOME/.cache/openledger/bin/cometbft` (installed by `localnet/install-cometbft.sh`).
//!
//! Each [`Localnet`] lives in its own temporary directory on its own block of free loopback
//! ports, so tests run in parallel; dropping it runs `localnet/stop.sh` (also on panic).
//! Set `OPENLEDGER_KEEP_LOCALNET=1` to keep the directory (logs, data) after the test.

pub mod http;
pub mod json;
pub mod load;
pub mod proc;
pub mod tx;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use cosmrs::crypto::secp256k1::SigningKey;
use serde_json::Value;

pub use json::find;

pub const CHAIN_ID: &str = "openledger-local-1";
pub const DENOM: &str = "uopen";
pub const BECH32_PREFIX: &str = "ol";
/// What start.sh gives every key in genesis.
pub const GENESIS_FUNDS: u128 = 1_000_000_000_000;
/// Gas limit and fee the helpers pass explicitly (0.025uopen/gas × 200000 = 5000uopen).
pub const DEFAULT_GAS: u64 = 200_000;
pub const DEFAULT_FEE: u128 = 5_000;
/// Keys start.sh creates besides `val0..valN-1`.
pub const USER_KEYS: [&str; 3] = ["alice", "bob", "carol"];

const CLI_TIMEOUT: Duration = Duration::from_secs(90);
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(240);
const HEIGHT_TIMEOUT: Duration = Duration::from_secs(60);
const TX_TIMEOUT: Duration = Duration::from_secs(60);
/// Base ports are drawn from here: below Linux's ephemeral range (32768..), so outgoing
/// connections never take them.
const PORT_LOW: u16 = 20_000;
const PORT_HIGH: u16 = 32_000;

/// Key of a balance in the bank store: 0x02 | len(addr) | addr | denom (the SDK's layout).
pub fn bank_balance_key(bech32_addr: &str, denom: &str) -> Vec<u8> {
    let addr = bech32_addr
        .parse::<cosmrs::AccountId>()
        .expect("bech32 address")
        .to_bytes();
    let mut key = vec![0x02, u8::try_from(addr.len()).expect("address length")];
    key.extend_from_slice(&addr);
    key.extend_from_slice(denom.as_bytes());
    key
}

/// The smallest fee the node accepts for a gas limit (min gas price 0.025uopen).
pub fn min_fee(gas: u64) -> u128 {
    (u128::from(gas) * 25).div_ceil(1000)
}

// ------------------------------------------------------------------------------- binaries

/// Paths of the three binaries a localnet runs.
#[derive(Clone, Debug)]
pub struct Binaries {
    pub openledgerd: PathBuf,
    pub openledger: PathBuf,
    pub cometbft: PathBuf,
}

impl Binaries {
    pub fn locate() -> Binaries {
        // Test binaries run from release/deps/, the load generator from release/.
        let release = std::env::current_exe()
            .ok()
            .and_then(|p| {
                let dir = p.parent()?;
                Some(if dir.ends_with("deps") { dir.parent()? } else { dir }.to_path_buf())
            })
            .unwrap_or_default();
        let pick = |var: &str, name: &str| -> PathBuf {
            match std::env::var_os(var) {
                Some(p) if !p.is_empty() => PathBuf::from(p),
                _ => release.join(name),
            }
        };
        let openledgerd = pick("OPENLEDGERD", "openledgerd");
        let openledger = pick("OPENLEDGER", "openledger");
        let cometbft = match std::env::var_os("COMETBFT") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => {
                let home = std::env::var_os("HOME")
                    .map(PathBuf::from)
                    .unwrap_or_default();
                let p = home.join(".cache/openledger/bin/cometbft");
                if !p.exists() {
                    let out = proc::run(
                        &mut Command::new(repo_root().join("localnet/install-cometbft.sh")),
                        Duration::from_secs(600),
                    );
                    assert!(
                        out.status.success(),
                        "install-cometbft.sh failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
                p
            }
        };
        for (what, p) in [
            ("openledgerd", &openledgerd),
            ("openledger", &openledger),
            ("cometbft", &cometbft),
        ] {
            assert!(
                p.is_file(),
                "{what} not found at {}: build with `CARGO_TARGET_DIR=$HOME/.cache/openledger/target cargo build \
                 --release --workspace` and run the tests with --release, or set OPENLEDGERD/OPENLEDGER/COMETBFT",
                p.display()
            );
        }
        Binaries {
            openledgerd,
            openledger,
            cometbft,
        }
    }
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

// ------------------------------------------------------------------------------- ports

static RESERVED_PORTS: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::hash::RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    h.finish()
}

/// A base port (multiple of 10) such that `count` ports from it are free on 127.0.0.1 and
/// not handed out before in this process.
fn reserve_ports(count: u16) -> u16 {
    let slots = u64::from((PORT_HIGH - PORT_LOW - count) / 10);
    for _ in 0..500 {
        let base = PORT_LOW + 10 * u16::try_from(random_u64() % slots).expect("slot");
        let mut reserved = RESERVED_PORTS.lock().unwrap_or_else(|e| e.into_inner());
        if (base..base + count).any(|p| reserved.contains(&p)) {
            continue;
        }
        let listeners: Vec<_> = (base..base + count)
            .map_while(|p| TcpListener::bind(("127.0.0.1", p)).ok())
            .collect();
        if listeners.len() == usize::from(count) {
            reserved.extend(base..base + count);
            return base;
        }
    }
    panic!("no block of {count} free loopback ports found in {PORT_LOW}..{PORT_HIGH}");
}

// ------------------------------------------------------------------------------- results

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeStatus {
    pub height: u64,
    /// Upper-case hex.
    pub app_hash: String,
    pub catching_up: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Account {
    pub account_number: u64,
    pub sequence: u64,
}

/// What a broadcast (or `query tx`) said about a transaction.
#[derive(Clone, Debug)]
pub struct TxOutcome {
    /// The command exited with status 0 (always true for a direct RPC broadcast that answered).
    pub exit_ok: bool,
    pub json: Value,
    pub stdout: String,
    pub stderr: String,
    /// `None` when nothing was broadcast or the answer carried no result (e.g. an RPC error).
    pub code: Option<u32>,
    pub codespace: String,
    pub txhash: String,
    /// 0 when the tx is not (yet) in a block.
    pub height: u64,
    pub gas_used: u64,
    pub gas_wanted: u64,
    pub raw_log: String,
}

impl TxOutcome {
    pub fn from_json(exit_ok: bool, json: Value, stdout: String, stderr: String) -> TxOutcome {
        let body = json
            .get("tx_response")
            .cloned()
            .unwrap_or_else(|| json.clone());
        let field = |k: &str| body.get(k).filter(|v| !v.is_null());
        let is_obj = body.is_object();
        let txhash = field("txhash")
            .or_else(|| field("hash"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let code = match field("code") {
            Some(c) => {
                Some(u32::try_from(json::as_u64(c).expect("numeric code")).expect("code fits u32"))
            }
            // Protobuf JSON omits a zero code.
            None if is_obj && !txhash.is_empty() => Some(0),
            None => None,
        };
        let num = |k: &str| field(k).and_then(json::as_u64).unwrap_or(0);
        TxOutcome {
            exit_ok,
            code,
            codespace: field("codespace")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            txhash,
            height: num("height"),
            gas_used: num("gas_used"),
            gas_wanted: num("gas_wanted"),
            raw_log: field("raw_log")
                .or_else(|| field("log"))
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                })
                .unwrap_or_default(),
            json,
            stdout,
            stderr,
        }
    }

    fn from_output(out: &Output) -> TxOutcome {
        let json = json::parse_output(&out.stdout).unwrap_or(Value::Null);
        TxOutcome::from_json(
            out.status.success(),
            json,
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn included(&self) -> bool {
        self.height > 0
    }

    pub fn is_ok(&self) -> bool {
        self.code == Some(0)
    }

    /// Panics unless the tx was committed in a block with code 0.
    pub fn assert_committed_ok(&self, what: &str) -> &Self {
        assert!(
            self.is_ok() && self.included(),
            "{what}: expected a committed tx with code 0, got {}",
            self.describe()
        );
        self
    }

    /// A numeric field of the first message response, e.g. the `dataset_id` a tx created.
    pub fn response_id(&self, field: &str) -> u128 {
        let response = self
            .json
            .get("msg_responses")
            .and_then(|r| r.get(0))
            .unwrap_or_else(|| panic!("no msg_responses: {}", self.describe()));
        json::as_u128(&response[field]).unwrap_or_else(|| panic!("no {field}: {}", self.describe()))
    }

    pub fn describe(&self) -> String {
        format!(
            "code={:?} codespace={:?} height={} txhash={} gas_used={} raw_log={:?} exit_ok={}\nstdout: {}\nstderr: {}",
            self.code,
            self.codespace,
            self.height,
            self.txhash,
            self.gas_used,
            self.raw_log,
            self.exit_ok,
            self.stdout.trim(),
            self.stderr.trim()
        )
    }
}

fn has_flag(args: &[String], flag: &str) -> bool {
    args.iter()
        .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

fn show(out: &Output) -> String {
    format!(
        "{}\nstdout:\n{}\nstderr:\n{}",
        proc::describe(&out.status),
        String::from_utf8_lossy(&out.stdout).trim(),
        String::from_utf8_lossy(&out.stderr).trim()
    )
}

// ------------------------------------------------------------------------------- localnet

/// A running localnet (see the module doc).
pub struct Localnet {
    dir: Option<tempfile::TempDir>,
    path: PathBuf,
    base_port: u16,
    validators: usize,
    nodes: AtomicUsize,
    chain_id: String,
    bins: Binaries,
    client_home: PathBuf,
    started: bool,
}

impl Localnet {
    /// Starts a fresh chain with `validators` validators (power 10 each) and waits until every
    /// node has committed height 2.
    pub fn start(validators: usize) -> Localnet {
        Self::start_with(validators, &[])
    }

    /// As [`start`](Self::start), with settings of localnet/start.sh given as environment
    /// variables (e.g. `OL_START_NODES`, `OL_WAIT_HEIGHT`).
    pub fn start_with(validators: usize, env: &[(&str, &str)]) -> Localnet {
        assert!(validators >= 1);
        let bins = Binaries::locate();
        // One spare node's ports for a full node added later.
        let count = u16::try_from(10 * (validators + 1)).expect("port count");
        let mut last_failure = String::new();
        for attempt in 1..=4 {
            let dir = tempfile::Builder::new()
                .prefix("openledger-localnet-")
                .tempdir()
                .expect("tempdir");
            let path = dir.path().canonicalize().expect("canonical tempdir");
            let base = reserve_ports(count);
            let client_home = path.join("client");
            let mut net = Localnet {
                dir: Some(dir),
                path,
                base_port: base,
                validators,
                nodes: AtomicUsize::new(validators),
                chain_id: CHAIN_ID.to_owned(),
                bins: bins.clone(),
                client_home,
                started: false,
            };
            let mut start = net.script_command(
                "start.sh",
                &[
                    "-n",
                    &validators.to_string(),
                    "-d",
                    &net.path_str(),
                    "-p",
                    &base.to_string(),
                    "-c",
                    CHAIN_ID,
                ],
            );
            start.envs(env.iter().copied());
            let out = proc::run(&mut start, SCRIPT_TIMEOUT);
            if out.status.success() {
                net.started = true;
                eprintln!(
                    "localnet: {} validator(s) in {} (base port {base})",
                    validators,
                    net.path.display()
                );
                return net;
            }
            let text = show(&out);
            let port_clash =
                out.status.code() == Some(3) || text.contains("address already in use");
            last_failure = format!("localnet/start.sh (attempt {attempt}) failed: {text}");
            drop(net); // runs stop.sh
            if !port_clash {
                break;
            }
            eprintln!("localnet: ports {base}.. taken, retrying elsewhere");
        }
        panic!("{last_failure}");
    }

    pub fn dir(&self) -> &Path {
        &self.path
    }

    fn path_str(&self) -> String {
        self.path.to_string_lossy().into_owned()
    }

    pub fn validators(&self) -> usize {
        self.validators
    }

    /// Validators plus full nodes added.
    pub fn nodes(&self) -> usize {
        self.nodes.load(Ordering::SeqCst)
    }

    pub fn chain_id(&self) -> &str {
        &self.chain_id
    }

    pub fn client_home(&self) -> &Path {
        &self.client_home
    }

    pub fn binaries(&self) -> &Binaries {
        &self.bins
    }

    fn port(&self, node: usize, offset: u16) -> u16 {
        self.base_port + 10 * u16::try_from(node).expect("node index") + offset
    }

    pub fn node_rpc(&self, node: usize) -> String {
        format!("http://127.0.0.1:{}", self.port(node, 1))
    }

    pub fn node_grpc(&self, node: usize) -> String {
        format!("127.0.0.1:{}", self.port(node, 3))
    }

    /// The node's REST server (the SDK's gateway routes), as `host:port`.
    pub fn node_rest(&self, node: usize) -> String {
        format!("127.0.0.1:{}", self.port(node, 4))
    }

    fn script_output(&self, script: &str, args: &[&str]) -> Output {
        let mut cmd = self.script_command(script, args);
        proc::run(&mut cmd, SCRIPT_TIMEOUT)
    }

    fn script_command(&self, script: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(repo_root().join("localnet").join(script));
        cmd.args(args)
            .env("OPENLEDGERD", &self.bins.openledgerd)
            .env("OPENLEDGER", &self.bins.openledger)
            .env("COMETBFT", &self.bins.cometbft)
            // Every node of every end-to-end test checks the invariants after each block.
            .env("OPENLEDGERD_CHECK_INVARIANTS", "true");
        cmd
    }

    fn node_script(&self, action: &str, node: Option<usize>) -> String {
        let dir = self.path_str();
        let idx = node.map(|i| i.to_string());
        let mut args = vec![action, "-d", dir.as_str()];
        if let Some(i) = &idx {
            args.extend(["-i", i.as_str()]);
        }
        let out = self.script_output("node.sh", &args);
        assert!(
            out.status.success(),
            "localnet/node.sh {}: {}",
            args.join(" "),
            show(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// kill -9 node `i`'s openledgerd and cometbft (by their recorded pids): a crash.
    pub fn kill_node(&self, i: usize) {
        self.node_script("kill", Some(i));
    }

    /// Stops node `i` gracefully (TERM).
    pub fn stop_node(&self, i: usize) {
        self.node_script("stop", Some(i));
    }

    /// Starts node `i` again with the same commands; the new pids are recorded for stop.sh.
    pub fn restart_node(&self, i: usize) {
        self.node_script("start", Some(i));
    }

    /// Adds and starts a non-validator full node that syncs from node 0; returns its index.
    pub fn add_full_node(&self) -> usize {
        let out = self.node_script("add-full", None);
        let idx: usize = out
            .lines()
            .rev()
            .find_map(|l| l.trim().parse().ok())
            .unwrap_or_else(|| panic!("node.sh add-full printed no index: {out}"));
        assert!(
            idx <= self.validators,
            "full node {idx} has no reserved ports"
        );
        self.nodes.fetch_max(idx + 1, Ordering::SeqCst);
        idx
    }

    // --------------------------------------------------------------------------- CLI

    /// The `openledger` command with `args`, plus `--home`, `--node` (node `node`'s RPC),
    /// `--chain-id` and `--keyring-backend test` unless `args` already has them.
    pub fn cli_command(&self, node: usize, args: &[&str]) -> Command {
        let mut all = strings(args);
        let defaults = [
            ("--home", self.client_home.to_string_lossy().into_owned()),
            ("--node", self.node_rpc(node)),
            ("--chain-id", self.chain_id.clone()),
            ("--keyring-backend", "test".to_owned()),
        ];
        for (flag, value) in defaults {
            if !has_flag(&all, flag) {
                all.push(flag.to_owned());
                all.push(value);
            }
        }
        let mut cmd = Command::new(&self.bins.openledger);
        cmd.args(all);
        cmd
    }

    pub fn cli(&self, args: &[&str]) -> Output {
        self.cli_at(0, args)
    }

    pub fn cli_at(&self, node: usize, args: &[&str]) -> Output {
        proc::run(&mut self.cli_command(node, args), CLI_TIMEOUT)
    }

    fn with_json(args: &[&str]) -> Vec<String> {
        let mut all = strings(args);
        if !has_flag(&all, "--output") {
            all.extend(["--output".to_owned(), "json".to_owned()]);
        }
        all
    }

    /// Runs the CLI with `--output json`, asserts exit status 0 and returns the parsed JSON.
    pub fn cli_json(&self, args: &[&str]) -> Value {
        self.cli_json_at(0, args)
    }

    pub fn cli_json_at(&self, node: usize, args: &[&str]) -> Value {
        let all = Self::with_json(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = self.cli_at(node, &refs);
        assert!(
            out.status.success(),
            "openledger {} failed: {}",
            all.join(" "),
            show(&out)
        );
        json::parse_output(&out.stdout).unwrap_or_else(|| {
            panic!(
                "openledger {} printed no JSON: {}",
                all.join(" "),
                show(&out)
            )
        })
    }

    /// Like [`cli_json`](Self::cli_json) but returns the exit status and the JSON (`Null` when
    /// nothing parseable was printed) instead of asserting success.
    pub fn cli_json_allow_fail(&self, args: &[&str]) -> (ExitStatus, Value) {
        self.cli_json_allow_fail_at(0, args)
    }

    pub fn cli_json_allow_fail_at(&self, node: usize, args: &[&str]) -> (ExitStatus, Value) {
        let all = Self::with_json(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = self.cli_at(node, &refs);
        (
            out.status,
            json::parse_output(&out.stdout).unwrap_or(Value::Null),
        )
    }

    // --------------------------------------------------------------------------- keys

    /// `keys show NAME -a`.
    pub fn address(&self, name: &str) -> String {
        let out = self.cli(&["keys", "show", name, "-a"]);
        assert!(out.status.success(), "keys show {name} -a: {}", show(&out));
        let addr = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(
            addr.starts_with("ol1"),
            "keys show {name} -a printed {addr:?}"
        );
        addr
    }

    /// `keys add NAME` (an unfunded key); returns its address.
    pub fn new_key(&self, name: &str) -> String {
        let out = self.cli(&["keys", "add", name]);
        assert!(out.status.success(), "keys add {name}: {}", show(&out));
        std::fs::write(
            self.client_home.join(format!("{name}.add.txt")),
            [out.stdout.as_slice(), b"\n", out.stderr.as_slice()].concat(),
        )
        .expect("save keys add output");
        self.address(name)
    }

    /// What `keys export NAME` printed, and what `keys add` printed when the key was made.
    fn key_texts(&self, name: &str) -> (Output, Vec<String>) {
        let out = self.cli(&["keys", "export", name]);
        let mut texts = vec![format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )];
        if let Ok(t) = std::fs::read_to_string(self.client_home.join(format!("{name}.add.txt"))) {
            texts.push(t);
        }
        (out, texts)
    }

    /// The private key of a test-keyring key, from the mnemonic `keys export NAME` prints (or,
    /// failing that, what `keys add` printed when the key was made); checked against its address.
    pub fn signing_key(&self, name: &str) -> SigningKey {
        let addr = self.address(name);
        let (out, texts) = self.key_texts(name);
        for t in &texts {
            if let Some(k) = tx::key_in_text(t) {
                if tx::address_of(&k) == addr {
                    return k;
                }
            }
        }
        panic!(
            "cannot recover the key of {name} ({addr}): neither `openledger keys export {name}` nor `keys add` \
             printed its mnemonic or raw private key. keys export said: {}",
            show(&out)
        );
    }

    /// The BIP39 mnemonic of a test-keyring key (what a wallet imports), checked against its
    /// address at the Cosmos HD path.
    pub fn mnemonic(&self, name: &str) -> String {
        let addr = self.address(name);
        let (out, texts) = self.key_texts(name);
        texts
            .iter()
            .filter_map(|t| tx::mnemonic_in_text(t))
            .find(|m| tx::key_from_mnemonic(m).is_ok_and(|k| tx::address_of(&k) == addr))
            .unwrap_or_else(|| panic!("no mnemonic of {name} ({addr}) in: {}", show(&out)))
    }

    // --------------------------------------------------------------------------- licences

    /// `tx licenses authorize-operator LICENSEE GRANT OPERATOR --spend-limit LIMIT`: the
    /// licensee (a key) lets the operator (a key name or an address) charge the grant by its
    /// usage reports, up to `limit` in all; must commit with code 0.
    pub fn authorize_operator(
        &self,
        licensee: &str,
        grant: &str,
        operator: &str,
        limit: &str,
    ) -> TxOutcome {
        let operator = if operator.starts_with(&format!("{BECH32_PREFIX}1")) {
            operator.to_owned()
        } else {
            self.address(operator)
        };
        self.tx_ok(&[
            "tx",
            "licenses",
            "authorize-operator",
            licensee,
            grant,
            &operator,
            "--spend-limit",
            limit,
        ])
    }

    // --------------------------------------------------------------------------- queries

    pub fn balance(&self, addr: &str) -> u128 {
        self.balance_at(0, addr)
    }

    /// `query bank balances ADDR` (uopen) on node `node`.
    pub fn balance_at(&self, node: usize, addr: &str) -> u128 {
        let v = self.cli_json_at(node, &["query", "bank", "balances", addr]);
        json::coin_amount(find(&v, "balances").unwrap_or(&Value::Null), DENOM)
    }

    /// The raw value of `key` in module store `store` at `height` on node `node`
    /// (`query store STORE KEYHEX --height H`); empty when absent.
    pub fn store_value_at(&self, node: usize, store: &str, key: &[u8], height: u64) -> Vec<u8> {
        let v = self.cli_json_at(
            node,
            &[
                "query",
                "store",
                store,
                &hex::encode(key),
                "--height",
                &height.to_string(),
            ],
        );
        let value = v
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no value in {v}"));
        json::byte_candidates(value)
            .into_iter()
            .next()
            .unwrap_or_default()
    }

    pub fn account(&self, addr: &str) -> Account {
        self.account_at(0, addr)
    }

    /// `query auth account ADDR`: account number and sequence (absent fields are zero).
    pub fn account_at(&self, node: usize, addr: &str) -> Account {
        let v = self.cli_json_at(node, &["query", "auth", "account", addr]);
        Account {
            account_number: json::u64_or_zero(&v, "account_number"),
            sequence: json::u64_or_zero(&v, "sequence"),
        }
    }

    /// `query bank total` (uopen).
    pub fn total_supply(&self) -> u128 {
        let v = self.cli_json(&["query", "bank", "total"]);
        json::coin_amount(find(&v, "supply").unwrap_or(&Value::Null), DENOM)
    }

    /// `query tx HASH` on node `node`; `None` while it is not found.
    pub fn query_tx(&self, node: usize, hash: &str) -> Option<TxOutcome> {
        let (status, v) = self.cli_json_allow_fail_at(node, &["query", "tx", hash]);
        if !status.success() || v.is_null() {
            return None;
        }
        let t = TxOutcome::from_json(true, v, String::new(), String::new());
        (t.included() || !t.txhash.is_empty()).then_some(t)
    }

    /// Polls `query tx` until the tx is found (bounded).
    pub fn wait_for_tx(&self, node: usize, hash: &str) -> TxOutcome {
        self.wait_for_txs(node, &[hash.to_owned()], TX_TIMEOUT)
            .pop()
            .expect("one tx")
    }

    /// Polls `query tx` for every hash until all are found or `timeout` passes.
    pub fn wait_for_txs(
        &self,
        node: usize,
        hashes: &[String],
        timeout: Duration,
    ) -> Vec<TxOutcome> {
        let deadline = Instant::now() + timeout;
        let mut found: Vec<Option<TxOutcome>> = vec![None; hashes.len()];
        loop {
            for (i, h) in hashes.iter().enumerate() {
                if found[i].is_none() {
                    found[i] = self.query_tx(node, h);
                }
            }
            let missing: Vec<&String> = hashes
                .iter()
                .zip(&found)
                .filter(|(_, f)| f.is_none())
                .map(|(h, _)| h)
                .collect();
            if missing.is_empty() {
                return found.into_iter().map(Option::unwrap).collect();
            }
            assert!(
                Instant::now() < deadline,
                "{} of {} txs not found on node {node} within {timeout:?}, e.g. {:?}",
                missing.len(),
                hashes.len(),
                &missing[..missing.len().min(5)]
            );
            thread::sleep(Duration::from_millis(300));
        }
    }

    /// `openledger status` of node `i`.
    pub fn status(&self, i: usize) -> NodeStatus {
        let v = self.cli_json_at(i, &["status"]);
        Self::parse_status(&v).unwrap_or_else(|| panic!("unexpected status JSON of node {i}: {v}"))
    }

    /// Like [`status`](Self::status), `None` when the node does not answer.
    pub fn try_status(&self, i: usize) -> Option<NodeStatus> {
        let (status, v) = self.cli_json_allow_fail_at(i, &["status"]);
        if !status.success() {
            return None;
        }
        Self::parse_status(&v)
    }

    fn parse_status(v: &Value) -> Option<NodeStatus> {
        let s = find(v, "sync_info")?;
        Some(NodeStatus {
            height: json::as_u64(s.get("latest_block_height")?)?,
            app_hash: json::hash_hex(
                s.get("latest_app_hash")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            ),
            catching_up: s
                .get("catching_up")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }

    /// App hash in the header of block `height` on node `i` (upper-case hex), via `query block`.
    pub fn app_hash_at(&self, i: usize, height: u64) -> String {
        let v = self.cli_json_at(i, &["query", "block", &height.to_string()]);
        let hash = find(&v, "header")
            .and_then(|h| h.get("app_hash"))
            .or_else(|| find(&v, "app_hash"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| {
                panic!("no header.app_hash in `query block {height}` of node {i}: {v}")
            });
        json::hash_hex(hash)
    }

    pub fn wait_for_height(&self, i: usize, height: u64) -> NodeStatus {
        self.wait_for_height_within(i, height, HEIGHT_TIMEOUT)
    }

    /// Polls node `i` until it reports a latest height ≥ `height` (bounded).
    pub fn wait_for_height_within(&self, i: usize, height: u64, timeout: Duration) -> NodeStatus {
        let deadline = Instant::now() + timeout;
        loop {
            let st = self.try_status(i);
            if let Some(s) = &st {
                if s.height >= height {
                    return s.clone();
                }
            }
            assert!(
                Instant::now() < deadline,
                "node {i} did not reach height {height} within {timeout:?} (last status {st:?})"
            );
            thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until node `i` has committed `n` more blocks; returns its new status.
    pub fn wait_blocks(&self, i: usize, n: u64) -> NodeStatus {
        let h = self.status(i).height;
        self.wait_for_height(i, h + n)
    }

    /// The smallest latest height among `nodes`.
    pub fn common_height(&self, nodes: &[usize]) -> u64 {
        nodes
            .iter()
            .map(|&i| self.status(i).height)
            .min()
            .expect("some nodes")
    }

    /// Asserts that all `nodes` report the same header app hash at every height in `from..=to`.
    pub fn assert_same_app_hashes(&self, nodes: &[usize], from: u64, to: u64) {
        assert!(from >= 1 && from <= to && !nodes.is_empty());
        let all: Vec<Vec<String>> = thread::scope(|s| {
            let handles: Vec<_> = nodes
                .iter()
                .map(|&n| {
                    s.spawn(move || {
                        (from..=to)
                            .map(|h| self.app_hash_at(n, h))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("app hash thread"))
                .collect()
        });
        for (k, hashes) in all.iter().enumerate().skip(1) {
            for (j, h) in hashes.iter().enumerate() {
                assert_eq!(
                    h,
                    &all[0][j],
                    "app hash of block {} differs: node {} has {h}, node {} has {}",
                    from + j as u64,
                    nodes[k],
                    nodes[0],
                    all[0][j]
                );
            }
        }
    }

    // --------------------------------------------------------------------------- txs

    /// Runs a tx command (`args` start with "tx") on node `node` with `--output json`, and, when
    /// it was accepted without waiting for a block, polls `query tx` until it is committed.
    pub fn tx_at(&self, node: usize, args: &[&str]) -> TxOutcome {
        let all = Self::with_json(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = self.cli_at(node, &refs);
        self.settle(node, TxOutcome::from_output(&out))
    }

    pub fn tx(&self, args: &[&str]) -> TxOutcome {
        self.tx_at(0, args)
    }

    /// Like [`tx_at`](Self::tx_at) but returns as soon as the CLI does (for `--no-wait`).
    pub fn tx_nowait_at(&self, node: usize, args: &[&str]) -> TxOutcome {
        let all = Self::with_json(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        TxOutcome::from_output(&self.cli_at(node, &refs))
    }

    /// A tx accepted by CheckTx but not reported in a block yet is looked up until committed.
    pub fn settle(&self, node: usize, t: TxOutcome) -> TxOutcome {
        if t.is_ok() && !t.included() && !t.txhash.is_empty() {
            let mut done = self.wait_for_tx(node, &t.txhash);
            done.exit_ok = t.exit_ok;
            done.stdout = t.stdout;
            done.stderr = t.stderr;
            return done;
        }
        t
    }

    /// The args of `tx bank send FROM TO AMOUNT`, with `--fees 5000uopen --gas 200000` unless
    /// `extra` sets them.
    pub fn send_args(from: &str, to: &str, amount: &str, extra: &[&str]) -> Vec<String> {
        let mut args = strings(&["tx", "bank", "send", from, to, amount]);
        args.extend(strings(extra));
        if !has_flag(&args, "--fees") {
            args.extend(["--fees".to_owned(), format!("{DEFAULT_FEE}{DENOM}")]);
        }
        if !has_flag(&args, "--gas") {
            args.extend(["--gas".to_owned(), DEFAULT_GAS.to_string()]);
        }
        args
    }

    /// `tx bank send` from key `from` to address `to` (waits until committed or refused).
    pub fn send(&self, from: &str, to: &str, amount: &str, extra: &[&str]) -> TxOutcome {
        let args = Self::send_args(from, to, amount, extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.tx(&refs)
    }

    /// A tx with simulated gas (`--gas auto`) that must commit with code 0.
    pub fn tx_ok(&self, args: &[&str]) -> TxOutcome {
        let mut all = args.to_vec();
        all.extend(["--gas", "auto"]);
        let t = self.tx(&all);
        t.assert_committed_ok(&args.join(" "));
        t
    }

    /// [`send`](Self::send) that must commit with code 0.
    pub fn send_ok(&self, from: &str, to: &str, amount: &str) -> TxOutcome {
        let t = self.send(from, to, amount, &[]);
        t.assert_committed_ok(&format!("send {amount} from {from} to {to}"));
        t
    }

    /// The signed tx bytes the CLI prints with `--print-raw` (hex), without broadcasting.
    pub fn print_raw(&self, args: &[&str]) -> Vec<u8> {
        let mut all = strings(args);
        all.push("--print-raw".to_owned());
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = self.cli(&refs);
        assert!(
            out.status.success(),
            "openledger {} failed: {}",
            all.join(" "),
            show(&out)
        );
        let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let hex_str = match json::parse_output(&out.stdout) {
            Some(Value::String(s)) => s,
            Some(v) => ["tx", "tx_bytes", "raw", "hex"]
                .iter()
                .find_map(|k| find(&v, k).and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| panic!("no hex tx in --print-raw JSON: {v}")),
            None => text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default()
                .trim()
                .to_owned(),
        };
        hex::decode(hex_str.trim_start_matches("0x"))
            .unwrap_or_else(|e| panic!("--print-raw printed no hex ({e}): {text}"))
    }

    /// `tx broadcast HEX` through the CLI (settled like [`tx`](Self::tx)).
    pub fn broadcast_hex(&self, hex_tx: &str) -> TxOutcome {
        self.tx(&["tx", "broadcast", hex_tx])
    }

    /// Sends tx bytes straight to node `node`'s CometBFT RPC (`broadcast_tx_sync`), for txs
    /// too big for a command line. An RPC error gives `code: None` and the error as `raw_log`.
    pub fn broadcast_rpc(&self, node: usize, tx_bytes: &[u8]) -> TxOutcome {
        let body = serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_sync",
            "params": { "tx": base64::engine::general_purpose::STANDARD.encode(tx_bytes) }
        })
        .to_string();
        let port = self.port(node, 1);
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to RPC");
        stream.set_read_timeout(Some(CLI_TIMEOUT)).expect("timeout");
        stream
            .set_write_timeout(Some(CLI_TIMEOUT))
            .expect("timeout");
        // HTTP/1.0: the server answers without chunked encoding and closes the connection.
        let head = format!(
            "POST / HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(body.as_bytes()))
            .expect("send to RPC");
        let mut resp = Vec::new();
        stream.read_to_end(&mut resp).expect("read RPC answer");
        let text = String::from_utf8_lossy(&resp).into_owned();
        let payload = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        let v: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
        if let Some(result) = v.get("result").filter(|r| r.is_object()) {
            let t = TxOutcome::from_json(true, result.clone(), payload.to_owned(), String::new());
            return self.settle(node, t);
        }
        let err = v
            .get("error")
            .map(Value::to_string)
            .unwrap_or_else(|| text.chars().take(2000).collect());
        TxOutcome {
            exit_ok: false,
            json: v,
            stdout: payload.chars().take(4000).collect(),
            stderr: String::new(),
            code: None,
            codespace: String::new(),
            txhash: String::new(),
            height: 0,
            gas_used: 0,
            gas_wanted: 0,
            raw_log: err,
        }
    }

    /// Tail of every node's logs, for failure reports.
    pub fn log_tails(&self, lines: usize) -> String {
        let mut out = String::new();
        for i in 0..self.nodes() {
            for log in ["app.log", "cometbft.log"] {
                let p = self.path.join(format!("node{i}")).join(log);
                if let Ok(text) = std::fs::read_to_string(&p) {
                    let all: Vec<&str> = text.lines().collect();
                    out.push_str(&format!("----- {}\n", p.display()));
                    out.push_str(&all[all.len().saturating_sub(lines)..].join("\n"));
                    out.push('\n');
                }
            }
        }
        out
    }
}

impl Drop for Localnet {
    fn drop(&mut self) {
        let panicking = thread::panicking();
        if panicking && self.started {
            eprintln!(
                "localnet {} at failure:\n{}",
                self.path.display(),
                self.log_tails(40)
            );
        }
        let dir = self.path_str();
        let mut cmd = self.script_command("stop.sh", &["-d", &dir]);
        match proc::try_run(&mut cmd, Duration::from_secs(60)) {
            Ok(out) if out.status.success() => {}
            Ok(out) => eprintln!("localnet/stop.sh -d {dir} failed: {}", show(&out)),
            Err(e) => eprintln!("localnet/stop.sh -d {dir}: {e}"),
        }
        let keep =
            std::env::var_os("OPENLEDGER_KEEP_LOCALNET").is_some_and(|v| !v.is_empty() && v != "0");
        if let Some(d) = self.dir.take() {
            if keep {
                eprintln!("localnet: kept {}", d.keep().display());
            } else if panicking {
                eprintln!("localnet: deleting {dir} (set OPENLEDGER_KEEP_LOCALNET=1 to keep it)");
            }
        }
    }
}
