//! Where the modules meet. Each module declares what it needs from the others as narrow traits
//! (its `deps.rs`, the SDK's `expected_keepers.go`) and never names another module; this file
//! implements those traits by handing each call to the module that owns the state (the SDK's
//! app.go). The router and the queries pass `&Keepers` as every module's dependencies.
//!
//! One section per module whose traits are implemented here, in the order of `modules/`.

use openledger_proto::datasets::v1::Dataset;
use openledger_proto::licenses::v1::{License, LicenseTerms};
use openledger_types::Address;

use crate::context::{Ctx, Read};
use crate::error::{Failure, SdkError};
use crate::modules::licenses::state::TargetRef;
use crate::modules::{attribution, auth, bank, datasets, licenses, models, Transfers};

/// Every module's dependencies, as one value: the keepers hold no state of their own.
#[derive(Clone, Copy, Debug, Default)]
pub struct Keepers;

// ---- attribution -------------------------------------------------------------------------

impl attribution::deps::ModelsView for Keepers {
    fn version<R: Read>(
        &self,
        r: &mut R,
        id: u64,
    ) -> Result<Option<openledger_proto::models::v1::ModelVersion>, SdkError> {
        models::state::version(r, id).map_err(SdkError::from)
    }
}

impl attribution::deps::DatasetsView for Keepers {
    fn contribution<R: Read>(
        &self,
        r: &mut R,
        id: u64,
    ) -> Result<Option<openledger_proto::datasets::v1::Contribution>, SdkError> {
        datasets::state::contribution(r, id).map_err(SdkError::from)
    }

    fn accepted_in<R: Read>(
        &self,
        r: &mut R,
        dataset: u64,
        first: u64,
        last: u64,
        limit: usize,
    ) -> Result<Vec<openledger_proto::datasets::v1::Contribution>, SdkError> {
        let accepted = openledger_proto::datasets::v1::Status::Accepted as i32;
        let mut out = Vec::new();
        let prefix = crate::modules::util::id_key(datasets::state::BY_DATASET, dataset);
        for (key, _) in r.read_prefix(datasets::state::S, &prefix)? {
            let id = crate::modules::util::trailing_id(&key)?;
            if id < first || id > last {
                continue;
            }
            if out.len() == limit {
                break;
            }
            match datasets::state::contribution(r, id)? {
                Some(c) if c.status == accepted => out.push(c),
                _ => {}
            }
        }
        Ok(out)
    }
}

impl attribution::deps::LicenseTerms for Keepers {
    fn data_share_bps<R: Read>(&self, r: &mut R, license_id: u64) -> Result<Option<u32>, SdkError> {
        Ok(licenses::state::license(r, license_id)?
            .and_then(|l| l.terms)
            .map(|t| t.data_share_bps))
    }
}

impl attribution::deps::Grants for Keepers {
    fn charge(
        &self,
        ctx: &mut Ctx,
        grant_id: u64,
        version_id: u64,
        uses: u64,
        units: u64,
        to: &Address,
    ) -> Result<(LicenseTerms, u128), Failure> {
        Ok(licenses::msgs::charge(
            ctx, grant_id, version_id, uses, units, to,
        )?)
    }

    fn refund(
        &self,
        ctx: &mut Ctx,
        grant_id: u64,
        amount: u128,
        from: &Address,
    ) -> Result<(), Failure> {
        Ok(licenses::msgs::refund(ctx, grant_id, amount, from)?)
    }
}

impl attribution::deps::FeeCollector for Keepers {
    fn fee_collector(&self) -> Address {
        bank::fee_collector()
    }
}

// ---- bank --------------------------------------------------------------------------------

impl bank::deps::Accounts for Keepers {
    fn ensure_account(&self, ctx: &mut Ctx, addr: &Address) -> Result<(), SdkError> {
        auth::Keeper::ensure_account(ctx, addr)
    }
}

impl bank::deps::ModuleAccounts for Keepers {
    fn is_module_account(&self, addr: &Address) -> bool {
        MODULE_ACCOUNTS.iter().any(|account| account() == *addr)
    }
}

/// Every module account: MsgSend may pay none of them (x/bank's blocked addresses).
const MODULE_ACCOUNTS: [fn() -> Address; 5] = [
    bank::fee_collector,
    licenses::escrow_account,
    attribution::rewards_account,
    attribution::bonds_account,
    attribution::challenge::challenge_bonds_account,
];

impl Transfers for Keepers {
    fn send_uopen(
        &self,
        ctx: &mut Ctx,
        from: &Address,
        to: &Address,
        amount: u128,
    ) -> Result<(), SdkError> {
        bank::Keeper::send_uopen(ctx, self, from, to, amount)
    }

    fn burn_uopen(&self, ctx: &mut Ctx, from: &Address, amount: u128) -> Result<(), SdkError> {
        bank::Keeper::burn_uopen(ctx, from, amount)
    }
}

// ---- datasets ----------------------------------------------------------------------------

impl datasets::msgs::Licenses for Keepers {
    fn license_exists(&self, ctx: &mut Ctx, id: u64) -> Result<bool, SdkError> {
        Ok(licenses::state::license(ctx, id)?.is_some())
    }
}

impl datasets::query::UsageCounters for Keepers {
    fn usage<R: Read>(
        &self,
        r: &mut R,
        contribution_id: u64,
    ) -> Result<openledger_proto::datasets::v1::ContributionUsage, SdkError> {
        let c = attribution::state::contribution_counters(r, contribution_id)?;
        Ok(openledger_proto::datasets::v1::ContributionUsage {
            contribution_id,
            uses: c.uses,
            weight: c.weight,
            earned: c.earned,
        })
    }
}

// ---- licenses ----------------------------------------------------------------------------

impl licenses::msgs::Targets for Keepers {
    fn owner(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Option<Address>, SdkError> {
        let owner = match target {
            TargetRef::Version(id) => match models::state::version(ctx, id)? {
                Some(v) => models::state::model(ctx, v.model_id)?.map(|m| m.owner),
                None => None,
            },
            TargetRef::Dataset(id) => datasets::state::dataset(ctx, id)?.map(|d| d.curator),
        };
        Ok(owner.map(|o| Address::from_bech32(&o)).transpose()?)
    }

    fn payees(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Vec<(Address, u32)>, SdkError> {
        match target {
            TargetRef::Version(id) => {
                let version = models::state::version(ctx, id)?
                    .ok_or_else(|| SdkError::Internal(format!("version {id} not found")))?;
                version
                    .contributors
                    .iter()
                    .map(|c| Ok((Address::from_bech32(&c.address)?, c.share_bps)))
                    .collect()
            }
            TargetRef::Dataset(id) => {
                let dataset = datasets::state::dataset(ctx, id)?
                    .ok_or_else(|| SdkError::Internal(format!("dataset {id} not found")))?;
                Ok(vec![(Address::from_bech32(&dataset.curator)?, 10_000)])
            }
        }
    }
}

// ---- models ------------------------------------------------------------------------------

impl models::msgs::Datasets for Keepers {
    fn dataset_exists(&self, ctx: &mut Ctx, id: u64) -> Result<bool, SdkError> {
        Ok(datasets::state::dataset(ctx, id)?.is_some())
    }

    fn contribution_dataset(
        &self,
        ctx: &mut Ctx,
        contribution_id: u64,
    ) -> Result<Option<u64>, SdkError> {
        Ok(datasets::state::contribution(ctx, contribution_id)?.map(|c| c.dataset_id))
    }
}

impl models::msgs::Licensing for Keepers {
    fn license_terms(&self, ctx: &mut Ctx, id: u64) -> Result<Option<LicenseTerms>, SdkError> {
        Ok(licenses::state::license(ctx, id)?.and_then(|l| l.terms))
    }

    fn derivation_terms(
        &self,
        ctx: &mut Ctx,
        who: &Address,
        version_id: u64,
    ) -> Result<Result<models::msgs::Derivation, String>, Failure> {
        let height = ctx.height;
        let decision =
            licenses::rules::may_derive(ctx, who, TargetRef::Version(version_id), height)?;
        Ok(match decision.terms {
            Some(terms) if decision.allowed => Ok(models::msgs::Derivation {
                terms,
                license_id: decision.license_id,
                grant_id: decision.grant_id,
            }),
            _ => Err(decision.rule),
        })
    }

    fn offer_on_version(
        &self,
        ctx: &mut Ctx,
        owner: &Address,
        version_id: u64,
        license_id: u64,
    ) -> Result<(), Failure> {
        Ok(licenses::msgs::attach(
            ctx,
            self,
            license_id,
            owner,
            TargetRef::Version(version_id),
        )?)
    }
}

impl models::query::Registries for Keepers {
    fn licenses_of_version<R: Read>(
        &self,
        r: &mut R,
        version_id: u64,
    ) -> Result<Vec<License>, SdkError> {
        let offers = licenses::state::offers(r, TargetRef::Version(version_id))?;
        offers
            .iter()
            .map(|o| licenses::state::must_license(r, o.license_id).map_err(SdkError::from))
            .collect()
    }

    fn dataset<R: Read>(&self, r: &mut R, id: u64) -> Result<Option<Dataset>, SdkError> {
        datasets::state::dataset(r, id).map_err(SdkError::from)
    }
}
