//! `openledger tx …`: build, sign (SIGN_MODE_DIRECT) and broadcast transactions.

pub mod attribution;
pub mod broadcast;
pub mod chain;
pub mod datasets;
pub mod licenses;
pub mod models;
pub mod sign;

use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::Any;
use prost::{Message, Name};

use crate::address;
use crate::coins::{self, Coin};
use crate::config::Context;
use crate::keys::Keyring;
use crate::rpc;
use sign::{SignerData, TxParams};

const DEFAULT_GAS: &str = "200000";
const DEFAULT_GAS_LIMIT: u64 = 200_000;
/// Gas limit of the tx signed for `--gas auto` simulation. Simulation runs with an infinite gas
/// meter, but the tx must still pass the stateless check 0 < gas limit <= max_gas_per_tx.
const SIMULATION_GAS_LIMIT: u64 = 10_000_000;

// Parsed once per process, so the size difference of the variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum TxCmd {
    /// Bank module transactions
    #[command(subcommand)]
    Bank(BankTxCmd),
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

#[derive(Debug, Subcommand)]
pub enum BankTxCmd {
    /// Send coins: FROM is a key name or its address, AMOUNT like 1000uopen[,5ufoo]
    Send {
        from: String,
        to: String,
        amount: String,
        #[command(flatten)]
        flags: TxFlags,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BroadcastMode {
    Sync,
}

/// Flags common to every transaction, named as in the Cosmos SDK CLI.
#[derive(Debug, Clone, Args)]
pub struct TxFlags {
    /// Fee to pay, e.g. 5000uopen (conflicts with --gas-prices)
    #[arg(long, value_name = "COINS")]
    pub fees: Option<String>,
    /// Gas limit, or "auto" to estimate it by simulation
    #[arg(long, default_value = DEFAULT_GAS, value_name = "N|auto")]
    pub gas: String,
    /// Multiplier on the simulated gas (with --gas auto)
    #[arg(long = "gas-adjustment", default_value = "1.5", value_name = "F")]
    pub gas_adjustment: String,
    /// Gas price, e.g. 0.025uopen: fee = ceil(gas × price)
    #[arg(long = "gas-prices", value_name = "DECCOIN")]
    pub gas_prices: Option<String>,
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

enum GasSetting {
    Fixed(u64),
    Auto { adjustment_millionths: u128 },
}

fn parse_gas(flags: &TxFlags) -> Result<GasSetting> {
    if flags.gas.trim().eq_ignore_ascii_case("auto") {
        let adjustment_millionths = coins::parse_gas_adjustment(&flags.gas_adjustment)
            .with_context(|| format!("invalid --gas-adjustment {:?}", flags.gas_adjustment))?;
        return Ok(GasSetting::Auto {
            adjustment_millionths,
        });
    }
    let gas = flags.gas.trim().parse::<u64>().with_context(|| {
        format!(
            "invalid --gas {:?}: expected a number or \"auto\"",
            flags.gas
        )
    })?;
    Ok(GasSetting::Fixed(gas))
}

fn to_any<M: Message + Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

fn proto_coins(coins: &[Coin]) -> Vec<ProtoCoin> {
    coins.iter().map(Coin::to_proto).collect()
}

pub async fn run(ctx: &Context, cmd: TxCmd) -> Result<()> {
    match cmd {
        TxCmd::Bank(BankTxCmd::Send {
            from,
            to,
            amount,
            flags,
        }) => {
            address::decode(&to).context("invalid recipient")?;
            let amount = coins::parse_coins(&amount).context("invalid AMOUNT")?;
            send_from(ctx, &from, &flags, |sender| {
                let msg = MsgSend {
                    from_address: sender.to_string(),
                    to_address: to,
                    amount: proto_coins(&amount),
                };
                Ok(vec![to_any(&msg)])
            })
            .await
        }
        TxCmd::Attribution(cmd) => attribution::run(ctx, cmd).await,
        TxCmd::Datasets(cmd) => datasets::run(ctx, cmd).await,
        TxCmd::Licenses(cmd) => licenses::run(ctx, cmd).await,
        TxCmd::Models(cmd) => models::run(ctx, cmd).await,
        TxCmd::Broadcast { tx, no_wait } => {
            let hex_text = match tx.strip_prefix('@') {
                Some(path) => std::fs::read_to_string(path)
                    .with_context(|| format!("reading tx hex from {path}"))?,
                None => tx,
            };
            let bytes = hex::decode(hex_text.trim()).context("the tx is not valid hex")?;
            if bytes.is_empty() {
                bail!("the tx is empty");
            }
            let client = rpc::client(&ctx.node)?;
            broadcast::broadcast_and_wait(ctx, &client, bytes, !no_wait).await
        }
    }
}

/// Resolves FROM (a key name or its address), builds the messages for the sender's address,
/// then signs and broadcasts them.
pub(crate) async fn send_from(
    ctx: &Context,
    from: &str,
    flags: &TxFlags,
    build: impl FnOnce(&str) -> Result<Vec<Any>>,
) -> Result<()> {
    let kr = Keyring::open(&ctx.home, ctx.keyring_backend);
    let sender = kr.find(from)?;
    let msgs = build(&sender.address)?;
    sign_and_broadcast(ctx, &kr, &sender.name, &sender.address, msgs, flags).await
}

/// The common path of every tx: signer data, gas, fee, sign, then print or broadcast.
async fn sign_and_broadcast(
    ctx: &Context,
    kr: &Keyring,
    key_name: &str,
    signer_address: &str,
    msgs: Vec<Any>,
    flags: &TxFlags,
) -> Result<()> {
    if flags.fees.is_some() && flags.gas_prices.is_some() {
        bail!("cannot provide both --fees and --gas-prices");
    }
    let gas_setting = parse_gas(flags)?;
    let fixed_fee = flags
        .fees
        .as_deref()
        .map(|f| coins::parse_coins(f).context("invalid --fees"))
        .transpose()?;
    let flag_price = flags
        .gas_prices
        .as_deref()
        .map(|p| coins::parse_dec_coin(p).context("invalid --gas-prices"))
        .transpose()?;
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
    let price = match (&fixed_fee, flag_price) {
        (Some(_), _) => None,
        (None, Some(p)) => Some(p),
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

    let gas_limit = match gas_setting {
        GasSetting::Fixed(g) => g,
        GasSetting::Auto {
            adjustment_millionths,
        } => {
            // Simulate with a realistic fee (that of the default gas) so the fee deduction and
            // the fee's bytes are metered as in the real tx.
            let sim_params = TxParams {
                memo: flags.memo.clone(),
                fee: proto_coins(&fee_for(DEFAULT_GAS_LIMIT)?),
                gas_limit: SIMULATION_GAS_LIMIT,
            };
            let sim_tx = sign::sign_tx(&key, msgs.clone(), &sim_params, &signer)?;
            let used = chain::simulate(&client, sim_tx).await?;
            let gas = coins::adjusted_gas(used, adjustment_millionths)?;
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

    #[test]
    fn default_gas_constants_agree() {
        assert_eq!(DEFAULT_GAS.parse::<u64>().unwrap(), DEFAULT_GAS_LIMIT);
    }

    #[test]
    fn msg_send_type_url() {
        let any = to_any(&MsgSend::default());
        assert_eq!(any.type_url, "/cosmos.bank.v1beta1.MsgSend");
    }
}
