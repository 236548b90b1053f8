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
use crate::modules::licenses::TargetRef;
use crate::modules::{attribution, auth, bank, datasets, ibc, licenses, models, Transfers};

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
        models::Keeper::version(r, id)
    }
}

impl attribution::deps::DatasetsView for Keepers {
    fn contribution<R: Read>(
        &self,
        r: &mut R,
        id: u64,
    ) -> Result<Option<openledger_proto::datasets::v1::Contribution>, SdkError> {
        datasets::Keeper::contribution(r, id)
    }

    fn accepted_in<R: Read>(
        &self,
        r: &mut R,
        dataset: u64,
        first: u64,
        last: u64,
        limit: usize,
    ) -> Result<Vec<openledger_proto::datasets::v1::Contribution>, SdkError> {
        datasets::Keeper::accepted_in(r, dataset, first, last, limit)
    }
}

impl attribution::deps::LicenseTerms for Keepers {
    fn data_share_bps<R: Read>(&self, r: &mut R, license_id: u64) -> Result<Option<u32>, SdkError> {
        licenses::Keeper::data_share_bps(r, license_id)
    }
}

impl attribution::deps::Grants for Keepers {
    fn charge(
        &self,
        ctx: &mut Ctx,
        operator: &Address,
        grant_id: u64,
        version_id: u64,
        uses: u64,
        units: u64,
        to: &Address,
    ) -> Result<(LicenseTerms, u128), Failure> {
        Ok(licenses::Keeper::charge(
            ctx, self, operator, grant_id, version_id, uses, units, to,
        )?)
    }

    fn refund(
        &self,
        ctx: &mut Ctx,
        grant_id: u64,
        amount: u128,
        from: &Address,
    ) -> Result<(), Failure> {
        Ok(licenses::Keeper::refund(ctx, self, grant_id, amount, from)?)
    }
}

impl attribution::deps::Licensees for Keepers {
    fn chain_id<R: Read>(&self, r: &mut R) -> Result<String, SdkError> {
        auth::Keeper::chain_id(r)
    }

    fn licensee_key<R: Read>(&self, r: &mut R, grant_id: u64) -> Result<Option<Vec<u8>>, SdkError> {
        let Some(licensee) = licenses::Keeper::licensee(r, grant_id)? else {
            return Ok(None);
        };
        auth::Keeper::public_key(r, &licensee)
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

// ---- ibc ---------------------------------------------------------------------------------

impl ibc::deps::HistoricalEntries for Keepers {
    fn historical_entries(&self, r: &mut impl Read) -> Result<u32, SdkError> {
        auth::Keeper::historical_entries(r)
    }
}

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

impl datasets::deps::Licenses for Keepers {
    fn license_exists(&self, ctx: &mut Ctx, id: u64) -> Result<bool, SdkError> {
        licenses::Keeper::license_exists(ctx, id)
    }
}

impl datasets::deps::UsageCounters for Keepers {
    fn usage<R: Read>(
        &self,
        r: &mut R,
        contribution_id: u64,
    ) -> Result<openledger_proto::datasets::v1::ContributionUsage, SdkError> {
        let c = attribution::Keeper::contribution_counters(r, contribution_id)?;
        Ok(openledger_proto::datasets::v1::ContributionUsage {
            contribution_id,
            uses: c.uses,
            weight: c.weight,
            earned: c.earned,
        })
    }
}

// ---- licenses ----------------------------------------------------------------------------

impl licenses::deps::Targets for Keepers {
    fn owner(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Option<Address>, SdkError> {
        match target {
            TargetRef::Version(id) => models::Keeper::owner_of_version(ctx, id),
            TargetRef::Dataset(id) => datasets::Keeper::curator(ctx, id),
        }
    }

    fn payees(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Vec<(Address, u32)>, SdkError> {
        match target {
            TargetRef::Version(id) => models::Keeper::payees_of_version(ctx, id),
            TargetRef::Dataset(id) => {
                let curator = datasets::Keeper::curator(ctx, id)?
                    .ok_or_else(|| SdkError::Internal(format!("dataset {id} not found")))?;
                Ok(vec![(curator, 10_000)])
            }
        }
    }

    fn parents_terms(
        &self,
        ctx: &mut Ctx,
        version_id: u64,
    ) -> Result<Vec<(u64, LicenseTerms)>, SdkError> {
        let version = models::Keeper::version(ctx, version_id)?
            .ok_or_else(|| SdkError::Internal(format!("version {version_id} not found")))?;
        let mut parents = Vec::with_capacity(version.upstream.len());
        for edge in version.upstream {
            // The licence's terms, with the royalty and data share fixed on the edge (ADR 3).
            let terms = licenses::Keeper::license_terms(ctx, edge.license_id)?.unwrap_or_default();
            parents.push((
                edge.parent_version_id,
                LicenseTerms {
                    royalty_bps: edge.royalty_bps,
                    data_share_bps: edge.data_share_bps,
                    ..terms
                },
            ));
        }
        Ok(parents)
    }
}

// ---- models ------------------------------------------------------------------------------

impl models::deps::Datasets for Keepers {
    fn dataset_exists(&self, ctx: &mut Ctx, id: u64) -> Result<bool, SdkError> {
        Ok(datasets::Keeper::dataset(ctx, id)?.is_some())
    }

    fn contribution_dataset(
        &self,
        ctx: &mut Ctx,
        contribution_id: u64,
    ) -> Result<Option<u64>, SdkError> {
        Ok(datasets::Keeper::contribution(ctx, contribution_id)?.map(|c| c.dataset_id))
    }
}

impl models::deps::Licensing for Keepers {
    fn license_terms(&self, ctx: &mut Ctx, id: u64) -> Result<Option<LicenseTerms>, SdkError> {
        licenses::Keeper::license_terms(ctx, id)
    }

    fn derivation_terms(
        &self,
        ctx: &mut Ctx,
        who: &Address,
        version_id: u64,
    ) -> Result<models::deps::Derivation, models::deps::DerivationRefused> {
        let height = ctx.height;
        let decision =
            licenses::Keeper::may_derive(ctx, who, TargetRef::Version(version_id), height)
                .map_err(Failure::from)?;
        match decision.terms {
            Some(terms) if decision.allowed => Ok(models::deps::Derivation {
                terms,
                license_id: decision.license_id,
                grant_id: decision.grant_id,
            }),
            _ => Err(models::deps::DerivationRefused::Forbidden(decision.rule)),
        }
    }

    fn check_inheritance(
        &self,
        license_id: u64,
        terms: &LicenseTerms,
        parents: &[(u64, LicenseTerms)],
    ) -> Result<(), models::ModelsError> {
        use licenses::Inheritance;
        licenses::Keeper::check_inheritance(license_id, terms, parents).map_err(|broken| {
            let rule = broken.to_string();
            match broken {
                Inheritance::CommercialOnNonCommercial { .. } => {
                    models::ModelsError::CommercialOnNonCommercial(rule)
                }
                Inheritance::DroppedProhibitedUses { .. } => {
                    models::ModelsError::DroppedProhibitedUses(rule)
                }
                Inheritance::RoyaltiesExceedRevenue { .. } => {
                    models::ModelsError::RoyaltiesExceedRevenue(rule)
                }
            }
        })
    }

    fn offer_on_version(
        &self,
        ctx: &mut Ctx,
        version_id: u64,
        license_id: u64,
    ) -> Result<(), Failure> {
        Ok(licenses::Keeper::offer(
            ctx,
            TargetRef::Version(version_id),
            license_id,
        )?)
    }
}

impl models::deps::Registries for Keepers {
    fn licenses_of_version<R: Read>(
        &self,
        r: &mut R,
        version_id: u64,
    ) -> Result<Vec<License>, SdkError> {
        licenses::Keeper::licenses_of_version(r, version_id)
    }

    fn dataset<R: Read>(&self, r: &mut R, id: u64) -> Result<Option<Dataset>, SdkError> {
        datasets::Keeper::dataset(r, id)
    }
}
