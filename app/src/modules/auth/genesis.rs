//! auth genesis: params, accounts, staking parameters read by IBC clients.

use base64::Engine;
use cosmrs::proto::cosmos::auth::v1beta1::BaseAccount;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmos::staking::v1beta1::Params as StakingParams;
use openledger_proto::auth::v1::Params;
use prost::Message;
use serde::{Deserialize, Serialize};
use tendermint_proto::google::protobuf::{Any, Duration};

use super::params::{default_params, validate};
use super::state;
use super::Address;
use crate::context::{Ctx, Read};
use crate::error::SdkError;

pub const SECP256K1_PUBKEY_URL: &str = "/cosmos.crypto.secp256k1.PubKey";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GenesisParams {
    pub max_memo_characters: u64,
    pub tx_sig_limit: u64,
    pub tx_size_cost_per_byte: u64,
    pub sig_verify_cost_secp256k1: u64,
    pub max_tx_bytes: u64,
    pub max_msgs_per_tx: u64,
    pub min_gas_price: String,
    pub fee_denom: String,
    pub max_gas_per_tx: u64,
}

impl From<Params> for GenesisParams {
    fn from(p: Params) -> Self {
        GenesisParams {
            max_memo_characters: p.max_memo_characters,
            tx_sig_limit: p.tx_sig_limit,
            tx_size_cost_per_byte: p.tx_size_cost_per_byte,
            sig_verify_cost_secp256k1: p.sig_verify_cost_secp256k1,
            max_tx_bytes: p.max_tx_bytes,
            max_msgs_per_tx: p.max_msgs_per_tx,
            min_gas_price: p.min_gas_price,
            fee_denom: p.fee_denom,
            max_gas_per_tx: p.max_gas_per_tx,
        }
    }
}

impl From<GenesisParams> for Params {
    fn from(p: GenesisParams) -> Self {
        Params {
            max_memo_characters: p.max_memo_characters,
            tx_sig_limit: p.tx_sig_limit,
            tx_size_cost_per_byte: p.tx_size_cost_per_byte,
            sig_verify_cost_secp256k1: p.sig_verify_cost_secp256k1,
            max_tx_bytes: p.max_tx_bytes,
            max_msgs_per_tx: p.max_msgs_per_tx,
            min_gas_price: p.min_gas_price,
            fee_denom: p.fee_denom,
            max_gas_per_tx: p.max_gas_per_tx,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    pub address: String,
    pub account_number: u64,
    #[serde(default)]
    pub sequence: u64,
    /// Base64 of the compressed secp256k1 key, once the account has signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pub_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StakingGenesis {
    /// Seconds; light clients' trusting periods are derived from it.
    pub unbonding_time_seconds: u64,
    pub historical_entries: u32,
    pub max_validators: u32,
    pub bond_denom: String,
}

impl Default for StakingGenesis {
    fn default() -> Self {
        StakingGenesis {
            unbonding_time_seconds: 21 * 24 * 3600,
            historical_entries: 10_000,
            max_validators: 100,
            bond_denom: super::DEFAULT_FEE_DENOM.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    pub params: GenesisParams,
    #[serde(default)]
    pub accounts: Vec<GenesisAccount>,
    #[serde(default)]
    pub staking: StakingGenesis,
}

impl Default for Genesis {
    fn default() -> Self {
        Genesis {
            params: default_params().into(),
            accounts: Vec::new(),
            staking: StakingGenesis::default(),
        }
    }
}

impl Genesis {
    pub fn validate(&self) -> Result<(), SdkError> {
        validate(&self.params.clone().into())?;
        let mut numbers = std::collections::BTreeSet::new();
        let mut addresses = std::collections::BTreeSet::new();
        for account in &self.accounts {
            let addr = Address::from_bech32(&account.address)?;
            if !addresses.insert(addr) {
                return Err(SdkError::InvalidRequest(format!(
                    "duplicate genesis account {}",
                    account.address
                )));
            }
            if !numbers.insert(account.account_number) {
                return Err(SdkError::InvalidRequest(format!(
                    "duplicate account number {}",
                    account.account_number
                )));
            }
        }
        Ok(())
    }
}

pub fn import(ctx: &mut Ctx, genesis: &Genesis) -> Result<(), SdkError> {
    genesis.validate()?;
    let params: Params = genesis.params.clone().into();
    state::set_params(ctx, &params)?;
    let staking = StakingParams {
        unbonding_time: Some(Duration {
            seconds: i64::try_from(genesis.staking.unbonding_time_seconds).unwrap_or(i64::MAX),
            nanos: 0,
        }),
        max_validators: genesis.staking.max_validators,
        max_entries: 7,
        historical_entries: genesis.staking.historical_entries,
        bond_denom: genesis.staking.bond_denom.clone(),
        min_commission_rate: "0".into(),
    };
    state::set_staking_params(ctx, &staking)?;
    let mut next_number = 0u64;
    for account in &genesis.accounts {
        let addr = Address::from_bech32(&account.address)?;
        let pub_key = match &account.pub_key {
            Some(b64) => {
                let key = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| SdkError::InvalidPubKey(format!("{}: {e}", account.address)))?;
                Some(Any {
                    type_url: SECP256K1_PUBKEY_URL.into(),
                    value: PubKey { key }.encode_to_vec(),
                })
            }
            None => None,
        };
        let base = BaseAccount {
            address: addr.to_bech32(),
            pub_key,
            account_number: account.account_number,
            sequence: account.sequence,
        };
        state::set_account(ctx, &addr, &base)?;
        next_number = next_number.max(account.account_number + 1);
    }
    state::set_next_account_number(ctx, next_number)
}

pub fn export(r: &mut impl Read) -> Result<Genesis, SdkError> {
    let params = state::params(r)?.into();
    let staking = state::staking_params(r)?;
    let accounts = state::all_accounts(r)?
        .into_iter()
        .map(|a| {
            let pub_key = match a.pub_key {
                Some(any) => Some(
                    base64::engine::general_purpose::STANDARD
                        .encode(PubKey::decode(any.value.as_slice())?.key),
                ),
                None => None,
            };
            Ok(GenesisAccount {
                address: a.address,
                account_number: a.account_number,
                sequence: a.sequence,
                pub_key,
            })
        })
        .collect::<Result<Vec<_>, prost::DecodeError>>()
        .map_err(|e| SdkError::Internal(e.to_string()))?;
    let mut accounts = accounts;
    accounts.sort_by_key(|a| a.account_number);
    Ok(Genesis {
        params,
        accounts,
        staking: StakingGenesis {
            unbonding_time_seconds: staking
                .unbonding_time
                .map_or(0, |d| d.seconds.max(0) as u64),
            historical_entries: staking.historical_entries,
            max_validators: staking.max_validators,
            bond_denom: staking.bond_denom,
        },
    })
}
