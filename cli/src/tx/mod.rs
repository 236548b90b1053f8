//! `openledger tx …`: build, sign (SIGN_MODE_DIRECT) and broadcast transactions.
//!
//! Every command is data: an args struct that builds its messages for the signer's address
//! ([`IntoMsgs`]: no key, no node, testable offline), wrapped in [`Tx`] with FROM and the
//! [`TxFlags`]. A module lists its commands with [`tx_commands!`], and [`send`] is the one path
//! that resolves FROM, signs and broadcasts them all.

pub mod attribution;
pub mod bank;
pub mod broadcast;
pub mod chain;
pub mod datasets;
pub mod licenses;
pub mod models;
pub mod sign;

use std::fmt;

use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::Any;
use prost::{Message, Name};

use crate::coins::{self, Coin, DecCoin};
use crate::config::Context;
use crate::keys::Keyring;
use crate::rpc;
use sign::{SignerData, TxParams};

/// Gas limit when `--gas` is not given (the SDK's default).
const DEFAULT_GAS_LIMIT: u64 = 200_000;
/// Gas limit of the tx signed for `--gas auto` simulation. Simulation runs with an infinite gas
/// meter, but the tx must still pass the stateless check 0 < gas limit <= max_gas_per_tx.
const SIMULATION_GAS_LIMIT: u64 = 10_000_000;

/// A tx command: builds its messages for the address that signs them.
pub trait IntoMsgs {
    fn msgs(self, signer: &str) -> Result<Vec<Any>>;
}

/// A tx command as parsed: FROM, the command's own arguments, and the flags of every tx.
// No doc comment: clap would take it as the subcommand's about, hiding the variant's.
#[derive(Debug, Args)]
pub struct Tx<A: Args> {
    /// The signer: a key name or its address
    pub from: String,
    #[command(flatten)]
    pub args: A,
    #[command(flatten)]
    pub flags: TxFlags,
}

/// A tx command's [`IntoMsgs::msgs`], whatever the command.
pub type BuildMsgs = Box<dyn FnOnce(&str) -> Result<Vec<Any>>>;

/// What [`send`] needs of any tx command: who signs, how, and how to build the messages.
pub struct TxRequest {
    pub from: String,
    pub flags: TxFlags,
    pub build: BuildMsgs,
}

impl<A: Args + IntoMsgs + 'static> From<Tx<A>> for TxRequest {
    fn from(tx: Tx<A>) -> Self {
        let args = tx.args;
        TxRequest {
            from: tx.from,
            flags: tx.flags,
            build: Box::new(move |signer| args.msgs(signer)),
        }
    }
}

/// Declares a module's tx commands as data: `Variant(ArgsStruct)`, each args struct an
/// [`IntoMsgs`]. Each variant gets FROM and the tx flags ([`Tx`]), and the enum converts into a
/// [`TxRequest`].
macro_rules! tx_commands {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$variant_meta:meta])* $variant:ident($args:ty)),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, clap::Subcommand)]
        $vis enum $name {
            $($(#[$variant_meta])* $variant($crate::tx::Tx<$args>)),+
        }

        impl From<$name> for $crate::tx::TxRequest {
            fn from(cmd: $name) -> Self {
                match cmd {
                    $($name::$variant(tx) => tx.into()),+
                }
            }
        }
    };
}
pub(crate) use tx_commands;

/// A message as an `Any`, its type URL from `prost::Name`.
pub fn to_any<M: Message + Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

/// The messages of a tx that sends one.
pub fn one_msg<M: Message + Name>(msg: M) -> Result<Vec<Any>> {
    Ok(vec![to_any(&msg)])
}

#[derive(Debug, Subcommand)]
pub enum TxCmd {
    /// Bank module transactions
    #[command(subcommand)]
    Bank(bank::BankTxCmd),
    /// Attribution: operators, usage reports (individual or aggregated), reward claims
    #[command(subcommand)]
    Attribution(attribution::AttributionTxCmd),
    /// Datasets: create, contribute, review, change curator
    #[command(subcommand)]
    Datasets(datasets::DatasetsTxCmd),
    /// Licences: create terms, offer them on a version or dataset, buy and manage grants
    #[command(subcommand)]
    Licenses(licenses::LicensesTxCmd),
    /// Models: register, publish versions (also from a Hugging Face model card), transfer
    #[command(subcommand)]
    Models(models::ModelsTxCmd),
    /// Broadcast signed TxRaw bytes given as hex, or @FILE holding hex
    Broadcast {
        tx: String,
        /// Return after CheckTx instead of waiting for inclusion in a block
        #[arg(long = "no-wait")]
        no_wait: bool,
    },
}

impl TxCmd {
    /// The command as a request to sign and send; `None` for `broadcast`, which signs nothing.
    pub fn into_request(self) -> Option<TxRequest> {
        Some(match self {
            TxCmd::Bank(cmd) => cmd.into(),
            TxCmd::Attribution(cmd) => cmd.into(),
            TxCmd::Datasets(cmd) => cmd.into(),
            TxCmd::Licenses(cmd) => cmd.into(),
            TxCmd::Models(cmd) => cmd.into(),
            TxCmd::Broadcast { .. } => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BroadcastMode {
    Sync,
}

/// `--gas`: a gas limit, or `auto` to estimate it by simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GasSetting {
    Fixed(u64),
    Auto,
}

impl GasSetting {
    /// clap value parser: a number or "auto" (any case).
    fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("auto") {
            return Ok(GasSetting::Auto);
        }
        s.parse::<u64>()
            .map(GasSetting::Fixed)
            .map_err(|_| format!("invalid --gas {s:?}: expected a number or \"auto\""))
    }
}

/// As the flag is written, so clap can show the default.
impl fmt::Display for GasSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GasSetting::Fixed(gas) => write!(f, "{gas}"),
            GasSetting::Auto => f.write_str("auto"),
        }
    }
}

/// The coins of `--fees`, one flag value (a `Vec` would make clap take the flag repeatedly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeCoins(pub Vec<Coin>);

fn fee_coins_arg(s: &str) -> Result<FeeCoins, String> {
    coins::parse_coins(s)
        .map(FeeCoins)
        .map_err(|e| e.to_string())
}

fn gas_price_arg(s: &str) -> Result<DecCoin, String> {
    coins::parse_dec_coin(s).map_err(|e| e.to_string())
}

fn gas_adjustment_arg(s: &str) -> Result<u128, String> {
    coins::parse_gas_adjustment(s).map_err(|e| e.to_string())
}

/// Flags common to every transaction, named as in the Cosmos SDK CLI.
#[derive(Debug, Clone, Args)]
pub struct TxFlags {
    /// Fee to pay, e.g. 5000uopen (conflicts with --gas-prices)
    #[arg(long, value_name = "COINS", value_parser = fee_coins_arg, conflicts_with = "gas_prices")]
    pub fees: Option<FeeCoins>,
    /// Gas limit, or "auto" to estimate it by simulation
    #[arg(long, default_value_t = GasSetting::Fixed(DEFAULT_GAS_LIMIT), value_parser = GasSetting::parse, value_name = "N|auto")]
    pub gas: GasSetting,
    /// Multiplier on the simulated gas (with --gas auto)
    #[arg(long = "gas-adjustment", default_value = "1.5", value_parser = gas_adjustment_arg, value_name = "F")]
    pub gas_adjustment_millionths: u128,
    /// Gas price, e.g. 0.025uopen: fee = ceil(gas × price)
    #[arg(long = "gas-prices", value_name = "DECCOIN", value_parser = gas_price_arg)]
    pub gas_prices: Option<DecCoin>,
    /// Memo put in the tx body
    #[arg(long, default_value = "")]
    pub memo: String,
    /// Sequence to sign with, instead of querying the chain
    #[arg(long)]
    pub sequence: Option<u64>,
    /// Account number to sign with, instead of querying the chain
    #[arg(long = "account-number")]
    pub account_number: Option<u64>,
    /// Accepted for compatibility: this CLI never prompts
    #[arg(short = 'y', long = "yes")]
    pub yes: bool,
    /// Only "sync" is supported
    #[arg(long = "broadcast-mode", value_enum, default_value_t = BroadcastMode::Sync)]
    pub broadcast_mode: BroadcastMode,
    /// Return after CheckTx instead of waiting for inclusion in a block
    #[arg(long = "no-wait")]
    pub no_wait: bool,
    /// Print the hex of the signed TxRaw and exit without broadcasting
    #[arg(long = "print-raw")]
    pub print_raw: bool,
}

fn proto_coins(coins: &[Coin]) -> Vec<ProtoCoin> {
    coins.iter().map(Coin::to_proto).collect()
}

pub async fn run(ctx: &Context, cmd: TxCmd) -> Result<()> {
    match cmd {
        TxCmd::Broadcast { tx, no_wait } => broadcast_hex(ctx, tx, no_wait).await,
        cmd => {
            let request = cmd
                .into_request()
                .context("only `tx broadcast` builds no messages")?;
            send(ctx, request).await
        }
    }
}

/// `tx broadcast`: signed bytes as hex, or @FILE holding hex.
async fn broadcast_hex(ctx: &Context, tx: String, no_wait: bool) -> Result<()> {
    let hex_text = match tx.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("reading tx hex from {path}"))?
        }
        None => tx,
    };
    let bytes = hex::decode(hex_text.trim()).context("the tx is not valid hex")?;
    if bytes.is_empty() {
        bail!("the tx is empty");
    }
    let client = rpc::client(&ctx.node)?;
    broadcast::broadcast_and_wait(ctx, &client, bytes, !no_wait).await
}

/// The one path of every tx command: resolves FROM (a key name or its address), builds the
/// messages for its address, then signs and broadcasts them.
pub async fn send(ctx: &Context, request: TxRequest) -> Result<()> {
    let kr = Keyring::open(&ctx.home, ctx.keyring_backend);
    let sender = kr.find(&request.from)?;
    let msgs = (request.build)(&sender.address)?;
    sign_and_broadcast(
        ctx,
        &kr,
        &sender.name,
        &sender.address,
        msgs,
        &request.flags,
    )
    .await
}

/// Signer data, gas, fee, sign, then print or broadcast.
async fn sign_and_broadcast(
    ctx: &Context,
    kr: &Keyring,
    key_name: &str,
    signer_address: &str,
    msgs: Vec<Any>,
    flags: &TxFlags,
) -> Result<()> {
    // Decrypt the key before any network round trip, so a wrong passphrase fails fast.
    let key = kr.signing_key(key_name)?;
    let client = rpc::client(&ctx.node)?;

    let (account_number, sequence) = match (flags.account_number, flags.sequence) {
        (Some(a), Some(s)) => (a, s),
        (a, s) => {
            let acc = chain::base_account(&client, signer_address).await?;
            (a.unwrap_or(acc.account_number), s.unwrap_or(acc.sequence))
        }
    };
    let signer = SignerData {
        chain_id: ctx.chain_id.clone(),
        account_number,
        sequence,
    };

    // The price the fee is derived from, unless --fees fixes the fee outright.
    let fixed_fee = flags.fees.as_ref().map(|f| f.0.clone());
    let price = match (&fixed_fee, &flags.gas_prices) {
        (Some(_), _) => None,
        (None, Some(p)) => Some(p.clone()),
        (None, None) => chain::min_gas_price(&client).await?,
    };
    let fee_for = |gas: u64| -> Result<Vec<Coin>> {
        let fee = match (&fixed_fee, &price) {
            (Some(f), _) => f.clone(),
            (None, Some(p)) => vec![coins::fee_for_gas(gas, p)?],
            (None, None) => Vec::new(),
        };
        // A zero-amount coin makes the fee an invalid `Coins`; "no fee" is the empty list.
        Ok(fee.into_iter().filter(|c| c.amount > 0).collect())
    };

    let gas_limit = match flags.gas {
        GasSetting::Fixed(g) => g,
        GasSetting::Auto => {
            // Simulate with a realistic fee (that of the default gas) so the fee deduction and
            // the fee's bytes are metered as in the real tx.
            let sim_params = TxParams {
                memo: flags.memo.clone(),
                fee: proto_coins(&fee_for(DEFAULT_GAS_LIMIT)?),
                gas_limit: SIMULATION_GAS_LIMIT,
            };
            let sim_tx = sign::sign_tx(&key, msgs.clone(), &sim_params, &signer)?;
            let used = chain::simulate(&client, sim_tx).await?;
            let gas = coins::adjusted_gas(used, flags.gas_adjustment_millionths)?;
            eprintln!("gas estimate: {gas}");
            gas
        }
    };

    let params = TxParams {
        memo: flags.memo.clone(),
        fee: proto_coins(&fee_for(gas_limit)?),
        gas_limit,
    };
    let tx = sign::sign_tx(&key, msgs, &params, &signer)?;

    if flags.print_raw {
        println!("{}", hex::encode(&tx));
        return Ok(());
    }
    broadcast::broadcast_and_wait(ctx, &client, tx, !flags.no_wait).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Flags {
        #[command(flatten)]
        flags: TxFlags,
    }

    fn flags(args: &[&str]) -> Result<TxFlags, clap::Error> {
        Flags::try_parse_from(std::iter::once("t").chain(args.iter().copied())).map(|f| f.flags)
    }

    #[test]
    fn gas_is_the_default_limit_a_number_or_auto() {
        assert_eq!(
            flags(&[]).unwrap().gas,
            GasSetting::Fixed(DEFAULT_GAS_LIMIT)
        );
        assert_eq!(
            flags(&["--gas", "123"]).unwrap().gas,
            GasSetting::Fixed(123)
        );
        assert_eq!(flags(&["--gas", "AUTO"]).unwrap().gas, GasSetting::Auto);
        assert!(flags(&["--gas", "lots"]).is_err());
        assert_eq!(flags(&[]).unwrap().gas_adjustment_millionths, 1_500_000);
        assert!(flags(&["--gas-adjustment", "0"]).is_err());
    }

    #[test]
    fn fees_and_gas_prices_are_parsed_and_exclusive() {
        let f = flags(&["--fees", "5000uopen"]).unwrap();
        assert_eq!(
            f.fees,
            Some(FeeCoins(vec![Coin {
                denom: "uopen".into(),
                amount: 5000
            }]))
        );
        assert!(flags(&["--fees", "5000"]).is_err());
        assert!(flags(&["--gas-prices", "0.025uopen"]).is_ok());
        assert!(flags(&["--fees", "1uopen", "--gas-prices", "0.025uopen"]).is_err());
    }

    #[test]
    fn a_message_is_sent_under_its_prost_type_url() {
        use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
        let any = to_any(&MsgSend::default());
        assert_eq!(any.type_url, "/cosmos.bank.v1beta1.MsgSend");
    }
}
