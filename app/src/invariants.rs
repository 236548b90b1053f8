//! What must hold at the end of every block (as the SDK's crisis module): money is conserved
//! and every module account holds exactly what its module says it holds. Checked after every
//! FinalizeBlock in debug and test builds (a full read of the state: never in release nodes),
//! and by the property tests.

use std::collections::BTreeMap;

use openledger_types::Address;

use crate::context::Unmetered;
use crate::error::SdkError;
use crate::genesis;
use crate::modules::{attribution, bank, licenses};
use crate::store::StateRead;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvariantError {
    #[error("reading the state: {0}")]
    Read(String),
    #[error("supply of {denom} is {supply} but balances sum to {balances}")]
    Supply {
        denom: String,
        supply: u128,
        balances: u128,
    },
    #[error("{account} ({what}) holds {held} uopen but its module accounts for {owed}")]
    ModuleAccount {
        account: String,
        what: &'static str,
        held: u128,
        owed: u128,
    },
    #[error("the unclaimed rewards ({unclaimed}) are not the reports' credits ({credited})")]
    Credits { unclaimed: u128, credited: u128 },
    #[error("version {0} has a parent that is not older than itself (lineage must be acyclic)")]
    Lineage(u64),
    #[error("{what} holds {text:?}, not an amount")]
    Amount { what: &'static str, text: String },
}

impl From<SdkError> for InvariantError {
    fn from(e: SdkError) -> Self {
        InvariantError::Read(e.to_string())
    }
}

fn amount(what: &'static str, text: &str) -> Result<u128, InvariantError> {
    text.parse().map_err(|_| InvariantError::Amount {
        what,
        text: text.to_string(),
    })
}

/// Sums `amounts`, refusing an overflow (no supply can exceed u128).
fn sum(
    what: &'static str,
    amounts: impl IntoIterator<Item = Result<u128, InvariantError>>,
) -> Result<u128, InvariantError> {
    amounts.into_iter().try_fold(0u128, |total, a| {
        total.checked_add(a?).ok_or(InvariantError::Amount {
            what,
            text: "a sum past 2^128".into(),
        })
    })
}

/// Every invariant over `state`; the first that fails.
pub fn check(state: &dyn StateRead) -> Result<(), InvariantError> {
    let mut r = Unmetered(state);
    let exported = genesis::export(&mut r).map_err(|f| InvariantError::Read(f.log))?;

    let mut by_denom: BTreeMap<String, u128> = BTreeMap::new();
    let mut balance_of: BTreeMap<(Address, String), u128> = BTreeMap::new();
    for (holder, coin) in bank::Keeper::all_balances(&mut r)? {
        let value = amount("a balance", &coin.amount)?;
        let total = by_denom.entry(coin.denom.clone()).or_default();
        *total = sum("balances", [Ok(*total), Ok(value)])?;
        balance_of.insert((holder, coin.denom), value);
    }
    for (denom, balances) in &by_denom {
        let supply = bank::Keeper::supply(&mut r, denom)?;
        if supply != *balances {
            return Err(InvariantError::Supply {
                denom: denom.clone(),
                supply,
                balances: *balances,
            });
        }
    }
    let held = |a: &Address| {
        balance_of
            .get(&(a.clone(), "uopen".into()))
            .copied()
            .unwrap_or(0)
    };
    let owe = |account: Address, what: &'static str, owed: u128| {
        let held = held(&account);
        if held == owed {
            return Ok(());
        }
        Err(InvariantError::ModuleAccount {
            account: account.to_bech32(),
            what,
            held,
            owed,
        })
    };

    let escrowed = sum(
        "escrows",
        exported
            .licenses
            .grants
            .iter()
            .filter(|g| !g.released)
            .map(|g| amount("a grant's escrow", &g.escrow)),
    )?;
    owe(licenses::escrow_account(), "grant escrows", escrowed)?;

    let a = &exported.attribution;
    let unclaimed = sum(
        "rewards",
        a.rewards.iter().map(|r| {
            let (earned, claimed) = (amount("earned", &r.earned)?, amount("claimed", &r.claimed)?);
            earned.checked_sub(claimed).ok_or(InvariantError::Amount {
                what: "claimed beyond earned",
                text: r.claimed.clone(),
            })
        }),
    )?;
    owe(
        attribution::rewards_account(),
        "unclaimed rewards",
        unclaimed,
    )?;
    let credited = sum(
        "credits",
        a.credits.iter().map(|c| amount("a credit", &c.amount)),
    )?;
    if credited != unclaimed {
        return Err(InvariantError::Credits {
            unclaimed,
            credited,
        });
    }
    let bonded = sum(
        "bonds",
        a.operators.iter().map(|o| amount("a bond", &o.bond)),
    )?;
    owe(attribution::bonds_account(), "operator bonds", bonded)?;
    let open = openledger_proto::attribution::v1::ChallengeStatus::Open as i32;
    let challenged = sum(
        "challenge bonds",
        a.challenges
            .iter()
            .filter(|c| c.status == open)
            .map(|c| amount("a challenge bond", &c.bond)),
    )?;
    owe(
        attribution::challenge::challenge_bonds_account(),
        "open challenges' bonds",
        challenged,
    )?;

    for v in &exported.models.versions {
        if v.parent_version_ids.iter().any(|&p| p >= v.id) {
            return Err(InvariantError::Lineage(v.id));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Overlay;
    use crate::testkit::{TestChain, TestKey};

    #[test]
    fn coins_sent_into_an_escrow_outside_the_licenses_module_break_its_invariant() {
        let key = TestKey::from_seed("invariants");
        let chain = TestChain::new(&[&key]);
        let storage = chain.app.storage();
        assert_eq!(check(&storage), Ok(()));
        // The escrow account gains coins no grant accounts for (MsgSend refuses this; a keeper
        // bug would not).
        let mut ctx = crate::context::Ctx::new(&storage, crate::gas::GasMeter::infinite(), 1);
        let keepers = crate::keepers::Keepers;
        bank::Keeper::send_uopen(
            &mut ctx,
            &keepers,
            &key.address(),
            &licenses::escrow_account(),
            5,
        )
        .unwrap();
        let (writes, _, _) = ctx.finish();
        let forged = Overlay::with_writes(&storage, writes);
        assert!(matches!(
            check(&forged),
            Err(InvariantError::ModuleAccount {
                held: 5,
                owed: 0,
                ..
            })
        ));
    }
}
