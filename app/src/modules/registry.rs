//! Where the registries meet: what licences need to know about models and datasets (owners,
//! payees), and what lineage queries show of licences and datasets. Each side reads the other
//! only through these functions.

use openledger_proto::datasets::v1::Dataset;
use openledger_proto::licenses::v1::License;

use super::auth::Address;
use super::licenses::state::TargetRef;
use super::{attribution, datasets, licenses, models};
use crate::context::{Ctx, Read};
use crate::error::SdkError;

pub struct Registry;

fn internal(e: impl std::fmt::Display) -> SdkError {
    SdkError::Internal(e.to_string())
}

impl licenses::msgs::Targets for Registry {
    fn owner(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Option<Address>, SdkError> {
        let owner = match target {
            TargetRef::Version(id) => match models::state::version(ctx, id).map_err(internal)? {
                Some(v) => models::state::model(ctx, v.model_id)
                    .map_err(internal)?
                    .map(|m| m.owner),
                None => None,
            },
            TargetRef::Dataset(id) => datasets::state::dataset(ctx, id)
                .map_err(internal)?
                .map(|d| d.curator),
        };
        owner.map(|o| Address::from_bech32(&o)).transpose()
    }

    fn payees(&self, ctx: &mut Ctx, target: TargetRef) -> Result<Vec<(Address, u32)>, SdkError> {
        match target {
            TargetRef::Version(id) => {
                let version = models::state::version(ctx, id)
                    .map_err(internal)?
                    .ok_or_else(|| internal(format!("version {id}")))?;
                version
                    .contributors
                    .iter()
                    .map(|c| Ok((Address::from_bech32(&c.address)?, c.share_bps)))
                    .collect()
            }
            TargetRef::Dataset(id) => {
                let dataset = datasets::state::dataset(ctx, id)
                    .map_err(internal)?
                    .ok_or_else(|| internal(format!("dataset {id}")))?;
                Ok(vec![(Address::from_bech32(&dataset.curator)?, 10_000)])
            }
        }
    }
}

impl models::query::Registries for Registry {
    fn licenses_of_version<R: Read>(
        &self,
        r: &mut R,
        version_id: u64,
    ) -> Result<Vec<License>, SdkError> {
        let offers =
            licenses::state::offers(r, TargetRef::Version(version_id)).map_err(internal)?;
        offers
            .iter()
            .map(|o| licenses::state::must_license(r, o.license_id).map_err(internal))
            .collect()
    }

    fn dataset<R: Read>(&self, r: &mut R, id: u64) -> Result<Option<Dataset>, SdkError> {
        datasets::state::dataset(r, id).map_err(internal)
    }
}

impl attribution::settle::Ledger for Registry {
    fn version<R: Read>(
        &self,
        r: &mut R,
        id: u64,
    ) -> Result<Option<openledger_proto::models::v1::ModelVersion>, SdkError> {
        models::state::version(r, id).map_err(internal)
    }

    fn contribution<R: Read>(
        &self,
        r: &mut R,
        id: u64,
    ) -> Result<Option<openledger_proto::datasets::v1::Contribution>, SdkError> {
        datasets::state::contribution(r, id).map_err(internal)
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
        let prefix = super::util::id_key(datasets::state::BY_DATASET, dataset);
        for (key, _) in r.read_prefix(datasets::state::S, &prefix)? {
            let id = super::util::trailing_id(&key)?;
            if id < first || id > last {
                continue;
            }
            if out.len() == limit {
                break;
            }
            match datasets::state::contribution(r, id).map_err(internal)? {
                Some(c) if c.status == accepted => out.push(c),
                _ => {}
            }
        }
        Ok(out)
    }
}

impl attribution::query::LicenseTerms for Registry {
    fn data_share_bps<R: Read>(&self, r: &mut R, license_id: u64) -> Result<Option<u32>, SdkError> {
        Ok(licenses::state::license(r, license_id)
            .map_err(internal)?
            .and_then(|l| l.terms)
            .map(|t| t.data_share_bps))
    }
}

impl datasets::query::UsageCounters for Registry {
    fn usage<R: Read>(
        &self,
        r: &mut R,
        contribution_id: u64,
    ) -> Result<openledger_proto::datasets::v1::ContributionUsage, SdkError> {
        let c = attribution::state::contribution_counters(r, contribution_id).map_err(internal)?;
        Ok(openledger_proto::datasets::v1::ContributionUsage {
            contribution_id,
            uses: c.uses,
            weight: c.weight,
            earned: c.earned,
        })
    }
}
