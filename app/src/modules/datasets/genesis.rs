//! datasets genesis: datasets and contributions; indexes and id counters
//! are rebuilt from them.

pub use openledger_proto::datasets::v1::GenesisState as Genesis;
use openledger_proto::datasets::v1::{Policy, Status};

use openledger_types::Address;

use super::state;
use super::DatasetsError;
use crate::context::{Ctx, Read};
use crate::modules::util::{check_text, Lines};

pub fn import(ctx: &mut Ctx, genesis: &Genesis) -> Result<(), DatasetsError> {
    let mut last_dataset = 0;
    for d in &genesis.datasets {
        if d.id <= last_dataset {
            return Err(DatasetsError::InvalidField(format!(
                "genesis datasets must have increasing ids, got {}",
                d.id
            )));
        }
        Address::from_canonical_bech32(&d.curator)?;
        // The text checks of MsgCreateDataset: genesis stores no text a message could not.
        check_text("name", &d.name, 1, 128, Lines::One)?;
        check_text("description", &d.description, 0, 4096, Lines::Many)?;
        last_dataset = d.id;
        state::set_dataset(ctx, d)?;
    }
    state::set_last_dataset_id(ctx, last_dataset)?;
    let mut last_contribution = 0;
    for c in &genesis.contributions {
        if c.id <= last_contribution {
            return Err(DatasetsError::InvalidField(format!(
                "genesis contributions must have increasing ids, got {}",
                c.id
            )));
        }
        let dataset = state::must_dataset(ctx, c.dataset_id)?;
        let contributor = Address::from_canonical_bech32(&c.contributor)?;
        check_text("uri", &c.uri, 0, 512, Lines::One)?;
        check_text("metadata", &c.metadata, 0, 1024, Lines::Many)?;
        for change in &c.history {
            check_text("reason", &change.reason, 0, 512, Lines::Many)?;
        }
        last_contribution = c.id;
        // The invariants of contribute and review: one live claim per contributor and hash, one
        // accepted claim per hash in a curated dataset.
        if c.status != Status::Rejected as i32
            && state::has_claim(ctx, c.dataset_id, &contributor, &c.content_sha256)?
        {
            return Err(DatasetsError::DuplicateContent(c.content_sha256.clone()));
        }
        if c.status == Status::Accepted as i32 && dataset.policy == Policy::Curated as i32 {
            if let Some(other) = state::accepted_content(ctx, c.dataset_id, &c.content_sha256)? {
                return Err(DatasetsError::ContentAlreadyAccepted(
                    c.content_sha256.clone(),
                    other,
                ));
            }
            state::set_accepted_content(ctx, c.dataset_id, &c.content_sha256, c.id)?;
        }
        state::add_contribution(ctx, c, &contributor)?;
    }
    state::set_last_contribution_id(ctx, last_contribution)?;
    Ok(())
}

pub fn export(r: &mut impl Read) -> Result<Genesis, DatasetsError> {
    Ok(Genesis {
        datasets: state::datasets(r)?,
        contributions: state::contributions(r)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::testing::written;
    use openledger_proto::datasets::v1::{Contribution, Dataset};

    fn genesis(policy: Policy, claims: &[(&Address, Status)]) -> Genesis {
        let curator = Address::from_bytes(vec![0xcc; 20]).unwrap();
        Genesis {
            datasets: vec![Dataset {
                id: 1,
                name: "claims".into(),
                curator: curator.to_bech32(),
                policy: policy as i32,
                ..Default::default()
            }],
            contributions: claims
                .iter()
                .enumerate()
                .map(|(i, (who, status))| Contribution {
                    id: i as u64 + 1,
                    dataset_id: 1,
                    contributor: who.to_bech32(),
                    content_sha256: "ab".repeat(32),
                    status: *status as i32,
                    ..Default::default()
                })
                .collect(),
        }
    }

    fn imported(g: &Genesis) -> Result<(), DatasetsError> {
        let mut result = Ok(());
        written(|ctx| result = import(ctx, g));
        result
    }

    #[test]
    fn genesis_keeps_the_claim_invariants() {
        let a = Address::from_bytes(vec![0xa1; 20]).unwrap();
        let b = Address::from_bytes(vec![0xb2; 20]).unwrap();
        use Status::{Accepted, Pending, Rejected};
        // Two claimants, one accepted; a rejected claim beside a live one of the same contributor.
        let fine = [(&a, Accepted), (&b, Pending), (&b, Rejected)];
        assert_eq!(imported(&genesis(Policy::Curated, &fine)), Ok(()));
        // Both accepted: fine in an open dataset, not in a curated one.
        let both = [(&a, Accepted), (&b, Accepted)];
        assert_eq!(imported(&genesis(Policy::Open, &both)), Ok(()));
        assert!(matches!(
            imported(&genesis(Policy::Curated, &both)),
            Err(DatasetsError::ContentAlreadyAccepted(_, 1))
        ));
        // One contributor, two live claims.
        let twice = [(&a, Pending), (&a, Accepted)];
        assert!(matches!(
            imported(&genesis(Policy::Open, &twice)),
            Err(DatasetsError::DuplicateContent(_))
        ));
    }
}
