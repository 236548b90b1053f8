//! The app_state of CometBFT's genesis.json: one section per module.

use serde::{Deserialize, Serialize};

use crate::context::{Ctx, Read};
use crate::error::Failure;
use crate::error::SdkError;
use crate::modules::{attribution, auth, bank, datasets, licenses, models};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AppGenesis {
    #[serde(default)]
    pub auth: auth::genesis::Genesis,
    #[serde(default)]
    pub bank: bank::genesis::Genesis,
    #[serde(default)]
    pub datasets: datasets::genesis::Genesis,
    #[serde(default)]
    pub licenses: licenses::genesis::Genesis,
    #[serde(default)]
    pub models: models::genesis::Genesis,
    #[serde(default)]
    pub attribution: attribution::genesis::Genesis,
}

impl AppGenesis {
    /// Parses app_state; an empty or null app_state is the default genesis.
    pub fn from_json(bytes: &[u8]) -> Result<Self, SdkError> {
        let trimmed = std::str::from_utf8(bytes)
            .map_err(|e| SdkError::InvalidRequest(format!("app_state: {e}")))?
            .trim();
        if trimmed.is_empty() || trimmed == "null" {
            return Ok(AppGenesis::default());
        }
        serde_json::from_str(trimmed)
            .map_err(|e| SdkError::InvalidRequest(format!("app_state: {e}")))
    }

    /// Every balance holder must have an account, as x/auth requires; the attribution params
    /// keep disputes enforceable.
    pub fn validate(&self) -> Result<(), SdkError> {
        self.auth.validate()?;
        if let Some(params) = &self.attribution.params {
            crate::modules::attribution::validate_params(params)
                .map_err(|e| SdkError::InvalidRequest(e.to_string()))?;
        }
        let accounts: std::collections::BTreeSet<_> = self
            .auth
            .accounts
            .iter()
            .map(|a| auth::Address::from_bech32(&a.address))
            .collect::<Result<_, _>>()?;
        for balance in &self.bank.balances {
            if !accounts.contains(&auth::Address::from_bech32(&balance.address)?) {
                return Err(SdkError::InvalidRequest(format!(
                    "balance holder {} has no genesis account",
                    balance.address
                )));
            }
        }
        Ok(())
    }

    /// Adds an account (next free number) with coins, or adds the coins to an existing one.
    pub fn add_account(
        &mut self,
        address: &str,
        coins: &[bank::genesis::GenesisCoin],
    ) -> Result<(), SdkError> {
        auth::Address::from_bech32(address)?;
        if !self.auth.accounts.iter().any(|a| a.address == address) {
            let number = self
                .auth
                .accounts
                .iter()
                .map(|a| a.account_number + 1)
                .max()
                .unwrap_or(0);
            self.auth.accounts.push(auth::genesis::GenesisAccount {
                address: address.into(),
                account_number: number,
                sequence: 0,
                pub_key: None,
            });
        }
        match self.bank.balances.iter_mut().find(|b| b.address == address) {
            Some(entry) => entry.coins.extend_from_slice(coins),
            None => self.bank.balances.push(bank::genesis::GenesisBalance {
                address: address.into(),
                coins: coins.to_vec(),
            }),
        }
        Ok(())
    }
}

/// Imports every module; licences before datasets and models, whose genesis may name them.
pub fn import(ctx: &mut Ctx, genesis: &AppGenesis) -> Result<(), Failure> {
    genesis.validate()?;
    auth::genesis::import(ctx, &genesis.auth)?;
    bank::genesis::import(ctx, &genesis.bank)?;
    licenses::genesis::import(ctx, &genesis.licenses)?;
    datasets::genesis::import(ctx, &genesis.datasets)?;
    models::genesis::import(ctx, &genesis.models)?;
    attribution::genesis::import(ctx, &genesis.attribution)?;
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<AppGenesis, Failure> {
    Ok(AppGenesis {
        auth: auth::genesis::export(r)?,
        bank: bank::genesis::export(r)?,
        datasets: datasets::genesis::export(r)?,
        licenses: licenses::genesis::export(r)?,
        models: models::genesis::export(r)?,
        attribution: attribution::genesis::export(r)?,
    })
}
