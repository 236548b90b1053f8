//! Dataset messages: stateless checks (`validate_*`), then stateful checks and execution.

use openledger_proto::datasets::v1::{
    Contribution, Dataset, EventContributed, EventContributionReviewed, EventCuratorUpdated,
    EventDatasetCreated, MsgContribute, MsgContributeResponse, MsgCreateDataset,
    MsgCreateDatasetResponse, MsgReviewContributions, MsgReviewContributionsResponse,
    MsgUpdateCurator, MsgUpdateCuratorResponse, Policy, Status, StatusChange,
};

use openledger_types::Address;

use super::deps::{Deps, Licenses};
use super::state;
use super::{DatasetsError, MAX_BATCH};
use crate::context::{typed_event, Ctx};
use crate::error::Failure;
use crate::modules::util::{check_text, is_sha256_hex, Lines};
use crate::tx::handler::{Execute, Handler};

pub fn validate_create(msg: &MsgCreateDataset) -> Result<Address, DatasetsError> {
    let curator = Address::from_bech32(&msg.curator)?;
    check_text("name", &msg.name, 1, 128, Lines::One)?;
    check_text("description", &msg.description, 0, 4096, Lines::Many)?;
    if Policy::try_from(msg.policy).map_or(true, |p| p == Policy::Unspecified) {
        return Err(DatasetsError::InvalidField(
            "policy must be open or curated".into(),
        ));
    }
    Ok(curator)
}

pub fn create(
    ctx: &mut Ctx,
    licenses: &impl Licenses,
    msg: &MsgCreateDataset,
    curator: &Address,
) -> Result<MsgCreateDatasetResponse, DatasetsError> {
    if msg.license_id != 0 && !licenses.license_exists(ctx, msg.license_id)? {
        return Err(DatasetsError::LicenseNotFound(msg.license_id));
    }
    let id = state::next_dataset_id(ctx)?;
    let dataset = Dataset {
        id,
        name: msg.name.clone(),
        description: msg.description.clone(),
        curator: curator.to_bech32(),
        policy: msg.policy,
        license_id: msg.license_id,
        created_height: ctx.height,
        contribution_count: 0,
    };
    state::set_dataset(ctx, &dataset)?;
    ctx.emit(typed_event(&EventDatasetCreated {
        dataset_id: id,
        curator: curator.to_bech32(),
    }));
    Ok(MsgCreateDatasetResponse { dataset_id: id })
}

pub fn validate_contribute(msg: &MsgContribute) -> Result<Address, DatasetsError> {
    let contributor = Address::from_bech32(&msg.contributor)?;
    if msg.items.is_empty() {
        return Err(DatasetsError::EmptyBatch);
    }
    if msg.items.len() > MAX_BATCH {
        return Err(DatasetsError::BatchTooLarge(msg.items.len()));
    }
    let mut hashes = std::collections::BTreeSet::new();
    for item in &msg.items {
        if !is_sha256_hex(&item.content_sha256) {
            return Err(DatasetsError::InvalidField(format!(
                "content_sha256 {:?} is not 64 lower-case hex digits",
                item.content_sha256
            )));
        }
        if !hashes.insert(item.content_sha256.as_str()) {
            return Err(DatasetsError::DuplicateContent(item.content_sha256.clone()));
        }
        if item.size == 0 {
            return Err(DatasetsError::InvalidField("size must be positive".into()));
        }
        check_text("uri", &item.uri, 0, 512, Lines::One)?;
        check_text("metadata", &item.metadata, 0, 1024, Lines::Many)?;
    }
    Ok(contributor)
}

pub fn contribute(
    ctx: &mut Ctx,
    msg: &MsgContribute,
    contributor: &Address,
) -> Result<MsgContributeResponse, DatasetsError> {
    let mut dataset = state::must_dataset(ctx, msg.dataset_id)?;
    let status = if dataset.policy == Policy::Open as i32 {
        Status::Accepted
    } else {
        Status::Pending
    };
    let mut first = 0;
    for item in &msg.items {
        // A claim is the contributor's own: someone else's claim on the same hash (copied from
        // the mempool, say) blocks nothing. The curator decides between claimants at review.
        if state::has_claim(ctx, dataset.id, contributor, &item.content_sha256)? {
            return Err(DatasetsError::DuplicateContent(item.content_sha256.clone()));
        }
        let id = state::next_contribution_id(ctx)?;
        if first == 0 {
            first = id;
        }
        let contribution = Contribution {
            id,
            dataset_id: dataset.id,
            contributor: contributor.to_bech32(),
            content_sha256: item.content_sha256.clone(),
            size: item.size,
            uri: item.uri.clone(),
            metadata: item.metadata.clone(),
            status: status as i32,
            height: ctx.height,
            history: vec![StatusChange {
                status: status as i32,
                reason: String::new(),
                height: ctx.height,
            }],
        };
        state::add_contribution(ctx, &contribution, contributor)?;
    }
    let count = msg.items.len() as u64;
    dataset.contribution_count += count;
    state::set_dataset(ctx, &dataset)?;
    ctx.emit(typed_event(&EventContributed {
        dataset_id: dataset.id,
        contributor: contributor.to_bech32(),
        first_contribution_id: first,
        count,
        status: status.as_str_name().to_string(),
    }));
    Ok(MsgContributeResponse {
        first_contribution_id: first,
        count,
    })
}

pub fn validate_review(msg: &MsgReviewContributions) -> Result<Address, DatasetsError> {
    let curator = Address::from_bech32(&msg.curator)?;
    if msg.decisions.is_empty() {
        return Err(DatasetsError::EmptyBatch);
    }
    if msg.decisions.len() > MAX_BATCH {
        return Err(DatasetsError::BatchTooLarge(msg.decisions.len()));
    }
    for d in &msg.decisions {
        check_text("reason", &d.reason, 0, 512, Lines::Many)?;
    }
    Ok(curator)
}

pub fn review(
    ctx: &mut Ctx,
    msg: &MsgReviewContributions,
    curator: &Address,
) -> Result<(), DatasetsError> {
    let dataset = state::must_dataset(ctx, msg.dataset_id)?;
    if dataset.curator != curator.to_bech32() {
        return Err(DatasetsError::NotCurator(curator.to_bech32()));
    }
    for decision in &msg.decisions {
        let mut c = state::contribution(ctx, decision.contribution_id)?
            .filter(|c| c.dataset_id == dataset.id)
            .ok_or(DatasetsError::ContributionNotFound(
                decision.contribution_id,
            ))?;
        if c.status != Status::Pending as i32 {
            return Err(DatasetsError::AlreadyReviewed(c.id));
        }
        let status = if decision.accept {
            // Of several claimants of one content hash, the curator accepts one.
            if let Some(other) = state::accepted_content(ctx, dataset.id, &c.content_sha256)? {
                return Err(DatasetsError::ContentAlreadyAccepted(
                    c.content_sha256.clone(),
                    other,
                ));
            }
            state::set_accepted_content(ctx, dataset.id, &c.content_sha256, c.id)?;
            Status::Accepted
        } else {
            // A rejection frees the hash: the contributor (or anyone) may contribute it again.
            let contributor = Address::from_bech32(&c.contributor)?;
            state::free_claim(ctx, dataset.id, &contributor, &c.content_sha256)?;
            Status::Rejected
        };
        c.status = status as i32;
        c.history.push(StatusChange {
            status: status as i32,
            reason: decision.reason.clone(),
            height: ctx.height,
        });
        state::set_contribution(ctx, &c)?;
        ctx.emit(typed_event(&EventContributionReviewed {
            contribution_id: c.id,
            status: status.as_str_name().to_string(),
            reason: decision.reason.clone(),
        }));
    }
    Ok(())
}

pub fn validate_update_curator(
    msg: &MsgUpdateCurator,
) -> Result<(Address, Address), DatasetsError> {
    Ok((
        Address::from_bech32(&msg.curator)?,
        Address::from_bech32(&msg.new_curator)?,
    ))
}

pub fn update_curator(
    ctx: &mut Ctx,
    msg: &MsgUpdateCurator,
    curator: &Address,
    new_curator: &Address,
) -> Result<(), DatasetsError> {
    let mut dataset = state::must_dataset(ctx, msg.dataset_id)?;
    if dataset.curator != curator.to_bech32() {
        return Err(DatasetsError::NotCurator(curator.to_bech32()));
    }
    dataset.curator = new_curator.to_bech32();
    state::set_dataset(ctx, &dataset)?;
    ctx.emit(typed_event(&EventCuratorUpdated {
        dataset_id: dataset.id,
        curator: dataset.curator.clone(),
    }));
    Ok(())
}

crate::module_messages!(module: "datasets", package: "openledger.datasets.v1", deps: Deps, {
    CreateDataset(ValidCreate),
    Contribute(ValidContribute),
    ReviewContributions(ValidReview),
    UpdateCurator(ValidUpdateCurator),
});

/// A MsgCreateDataset past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidCreate {
    msg: MsgCreateDataset,
    curator: Address,
}

impl Handler for ValidCreate {
    type Proto = MsgCreateDataset;
    type Response = MsgCreateDatasetResponse;
    fn check(msg: MsgCreateDataset) -> Result<Self, Failure> {
        let curator = validate_create(&msg)?;
        Ok(ValidCreate { msg, curator })
    }
    fn signer(&self) -> &Address {
        &self.curator
    }
}

impl<D: Deps> Execute<D> for ValidCreate {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgCreateDatasetResponse, Failure> {
        Ok(create(ctx, deps, &self.msg, &self.curator)?)
    }
}

/// A MsgContribute past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidContribute {
    msg: MsgContribute,
    contributor: Address,
}

impl Handler for ValidContribute {
    type Proto = MsgContribute;
    type Response = MsgContributeResponse;
    fn check(msg: MsgContribute) -> Result<Self, Failure> {
        let contributor = validate_contribute(&msg)?;
        Ok(ValidContribute { msg, contributor })
    }
    fn signer(&self) -> &Address {
        &self.contributor
    }
}

impl<D: Deps> Execute<D> for ValidContribute {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgContributeResponse, Failure> {
        Ok(contribute(ctx, &self.msg, &self.contributor)?)
    }
}

/// A MsgReviewContributions past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidReview {
    msg: MsgReviewContributions,
    curator: Address,
}

impl Handler for ValidReview {
    type Proto = MsgReviewContributions;
    type Response = MsgReviewContributionsResponse;
    fn check(msg: MsgReviewContributions) -> Result<Self, Failure> {
        let curator = validate_review(&msg)?;
        Ok(ValidReview { msg, curator })
    }
    fn signer(&self) -> &Address {
        &self.curator
    }
}

impl<D: Deps> Execute<D> for ValidReview {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgReviewContributionsResponse, Failure> {
        review(ctx, &self.msg, &self.curator)?;
        Ok(MsgReviewContributionsResponse {})
    }
}

/// A MsgUpdateCurator past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidUpdateCurator {
    msg: MsgUpdateCurator,
    curator: Address,
    new_curator: Address,
}

impl Handler for ValidUpdateCurator {
    type Proto = MsgUpdateCurator;
    type Response = MsgUpdateCuratorResponse;
    fn check(msg: MsgUpdateCurator) -> Result<Self, Failure> {
        let (curator, new_curator) = validate_update_curator(&msg)?;
        Ok(ValidUpdateCurator {
            msg,
            curator,
            new_curator,
        })
    }
    fn signer(&self) -> &Address {
        &self.curator
    }
}

impl<D: Deps> Execute<D> for ValidUpdateCurator {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgUpdateCuratorResponse, Failure> {
        update_curator(ctx, &self.msg, &self.curator, &self.new_curator)?;
        Ok(MsgUpdateCuratorResponse {})
    }
}
