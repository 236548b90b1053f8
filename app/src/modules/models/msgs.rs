//! Model messages: stateless checks (`validate_*`), then stateful checks and execution.
//! Publishing a derivative enforces the parents' licences; each refusal names the rule.

use openledger_proto::licenses::v1::LicenseTerms;
use openledger_proto::models::v1::{
    Contributor, EventModelRegistered, EventModelTransferred, EventVersionPublished, ExternalBase,
    Model, ModelVersion, MsgPublishVersion, MsgPublishVersionResponse, MsgRegisterModel,
    MsgRegisterModelResponse, MsgTransferModelOwnership, MsgTransferModelOwnershipResponse, Role,
    TrainingMethod, UpstreamTerms,
};

use openledger_types::Address;

use super::deps::{Datasets, Deps, Licensing};
use super::state;
use super::{ModelsError, MAX_CONTRIBUTORS, MAX_DATASET_USES, MAX_LICENSES, MAX_PARENTS};
use crate::context::{typed_event, Ctx};
use crate::error::Failure;
use crate::modules::util::{check_text, is_sha256_hex, Lines};
use crate::tx::handler::{Execute, Handler};

/// A dataset use of first 0 and last u64::MAX means "the whole dataset".
pub const WHOLE_DATASET: (u64, u64) = (0, u64::MAX);

/// A one-line text field of at most `max` characters (the shared check of stored text).
fn check_line(field: &'static str, value: &str, max: usize) -> Result<(), ModelsError> {
    Ok(check_text(field, value, 0, max, Lines::One)?)
}

pub(super) fn check_base(base: Option<&ExternalBase>) -> Result<(), ModelsError> {
    if let Some(b) = base {
        check_line("external_base.source", &b.source, 64)?;
        check_line("external_base.id", &b.id, 256)?;
        check_line("external_base.revision", &b.revision, 128)?;
        if b.id.is_empty() {
            return Err(ModelsError::InvalidField(
                "external_base.id is empty".into(),
            ));
        }
    }
    Ok(())
}

pub fn validate_register(msg: &MsgRegisterModel) -> Result<Address, ModelsError> {
    let owner = Address::from_bech32(&msg.owner)?;
    if msg.name.is_empty() {
        return Err(ModelsError::InvalidField("name is empty".into()));
    }
    check_line("name", &msg.name, 128)?;
    check_text("description", &msg.description, 0, 4096, Lines::Many)?;
    check_base(msg.external_base.as_ref())?;
    Ok(owner)
}

pub fn register(
    ctx: &mut Ctx,
    msg: &MsgRegisterModel,
    owner: &Address,
) -> Result<MsgRegisterModelResponse, ModelsError> {
    let id = state::next_model_id(ctx)?;
    let model = Model {
        id,
        name: msg.name.clone(),
        description: msg.description.clone(),
        owner: owner.to_bech32(),
        external_base: msg.external_base.clone(),
        created_height: ctx.height,
        version_ids: Vec::new(),
    };
    state::set_model(ctx, &model)?;
    state::add_owned(ctx, owner, id)?;
    ctx.emit(typed_event(&EventModelRegistered {
        model_id: id,
        owner: model.owner.clone(),
    }));
    Ok(MsgRegisterModelResponse { model_id: id })
}

fn no_duplicates(field: &str, ids: &[u64]) -> Result<(), ModelsError> {
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    if unique.len() != ids.len() || ids.contains(&0) {
        return Err(ModelsError::InvalidField(format!(
            "{field} must be distinct non-zero ids"
        )));
    }
    Ok(())
}

pub fn validate_publish(msg: &MsgPublishVersion) -> Result<Address, ModelsError> {
    let owner = Address::from_bech32(&msg.owner)?;
    if !is_sha256_hex(&msg.artifact_sha256) {
        return Err(ModelsError::InvalidField(
            "artifact_sha256 must be 64 lower-case hex digits".into(),
        ));
    }
    check_line("uri", &msg.uri, 512)?;
    check_base(msg.external_base.as_ref())?;
    if msg.parent_version_ids.len() > MAX_PARENTS || msg.license_ids.len() > MAX_LICENSES {
        return Err(ModelsError::InvalidField(format!(
            "at most {MAX_PARENTS} parents and {MAX_LICENSES} licences"
        )));
    }
    no_duplicates("parent_version_ids", &msg.parent_version_ids)?;
    no_duplicates("license_ids", &msg.license_ids)?;
    let training = msg.training.clone().unwrap_or_default();
    if TrainingMethod::try_from(training.method).map_or(true, |m| m == TrainingMethod::Unspecified)
    {
        return Err(ModelsError::InvalidField(
            "training.method must be full, lora, adapter, merge or distillation".into(),
        ));
    }
    if !training.hyperparams_sha256.is_empty() && !is_sha256_hex(&training.hyperparams_sha256) {
        return Err(ModelsError::InvalidField(
            "training.hyperparams_sha256 must be 64 lower-case hex digits".into(),
        ));
    }
    if training.datasets.len() > MAX_DATASET_USES {
        return Err(ModelsError::InvalidField(format!(
            "at most {MAX_DATASET_USES} dataset uses"
        )));
    }
    let mut named = std::collections::BTreeSet::new();
    for d in &training.datasets {
        if !named.insert(d.dataset_id) {
            return Err(ModelsError::DuplicateDatasetUse(d.dataset_id));
        }
        if d.first_contribution_id > d.last_contribution_id {
            return Err(ModelsError::InvalidField(format!(
                "dataset {} range {}..{} is reversed",
                d.dataset_id, d.first_contribution_id, d.last_contribution_id
            )));
        }
    }
    if msg.contributors.is_empty() || msg.contributors.len() > MAX_CONTRIBUTORS {
        return Err(ModelsError::InvalidField(format!(
            "a version needs 1..={MAX_CONTRIBUTORS} contributors"
        )));
    }
    let mut total: u64 = 0;
    for c in &msg.contributors {
        Address::from_bech32(&c.address)?;
        if Role::try_from(c.role).map_or(true, |r| r == Role::Unspecified) {
            return Err(ModelsError::InvalidField(format!(
                "contributor {} has no role",
                c.address
            )));
        }
        if c.share_bps == 0 {
            return Err(ModelsError::InvalidField(format!(
                "contributor {} has a zero share",
                c.address
            )));
        }
        total += u64::from(c.share_bps);
    }
    if total != 10_000 {
        return Err(ModelsError::SharesNotTenThousand(total));
    }
    Ok(owner)
}

/// Publishes a version: parents must allow the publisher to derive, and the new licences must
/// keep what the parents' terms demand.
pub fn publish(
    ctx: &mut Ctx,
    licensing: &impl Licensing,
    datasets: &impl Datasets,
    msg: &MsgPublishVersion,
    owner: &Address,
) -> Result<MsgPublishVersionResponse, Failure> {
    let mut model = state::must_model(ctx, msg.model_id)?;
    if model.owner != owner.to_bech32() {
        return Err(ModelsError::NotOwner(owner.to_bech32()).into());
    }

    let mut parent_terms = Vec::with_capacity(msg.parent_version_ids.len());
    for &parent in &msg.parent_version_ids {
        state::must_version(ctx, parent)?;
        parent_terms.push((parent, licensing.derivation_terms(ctx, owner, parent)?));
    }
    let parents: Vec<(u64, LicenseTerms)> = parent_terms
        .iter()
        .map(|(parent, d)| (*parent, d.terms.clone()))
        .collect();
    for &license_id in &msg.license_ids {
        let terms = licensing
            .license_terms(ctx, license_id)?
            .ok_or(ModelsError::LicenseNotFound(license_id))?;
        licensing.check_inheritance(license_id, &terms, &parents)?;
    }

    let training = msg.training.clone().unwrap_or_default();
    for use_ in &training.datasets {
        if !datasets.dataset_exists(ctx, use_.dataset_id)? {
            return Err(ModelsError::DatasetNotFound(use_.dataset_id).into());
        }
        if (use_.first_contribution_id, use_.last_contribution_id) == WHOLE_DATASET {
            continue;
        }
        for end in [use_.first_contribution_id, use_.last_contribution_id] {
            if datasets.contribution_dataset(ctx, end)? != Some(use_.dataset_id) {
                return Err(ModelsError::ContributionOutsideDataset(end, use_.dataset_id).into());
            }
        }
    }

    let id = state::next_version_id(ctx)?;
    let version = ModelVersion {
        id,
        model_id: model.id,
        number: model.version_ids.len() as u64 + 1,
        artifact_sha256: msg.artifact_sha256.clone(),
        uri: msg.uri.clone(),
        parent_version_ids: msg.parent_version_ids.clone(),
        external_base: msg
            .external_base
            .clone()
            .or_else(|| model.external_base.clone()),
        training: Some(training),
        // Stored re-encoded: an address given in upper case (as the SDK accepts it) is kept in
        // its one canonical spelling, so that comparisons of stored text hold.
        contributors: msg
            .contributors
            .iter()
            .map(|c| {
                Ok(Contributor {
                    address: Address::from_bech32(&c.address)?.to_bech32(),
                    ..c.clone()
                })
            })
            .collect::<Result<Vec<_>, ModelsError>>()?,
        license_ids: msg.license_ids.clone(),
        publisher: owner.to_bech32(),
        height: ctx.height,
        upstream: parent_terms
            .iter()
            .map(|(parent, d)| UpstreamTerms {
                parent_version_id: *parent,
                license_id: d.license_id,
                grant_id: d.grant_id,
                royalty_bps: d.terms.royalty_bps,
                data_share_bps: d.terms.data_share_bps,
            })
            .collect(),
    };
    state::add_version(ctx, &version)?;
    model.version_ids.push(id);
    state::set_model(ctx, &model)?;
    for &license_id in &msg.license_ids {
        licensing.offer_on_version(ctx, id, license_id)?;
    }
    ctx.emit(typed_event(&EventVersionPublished {
        version_id: id,
        model_id: model.id,
        number: version.number,
        parent_version_ids: msg.parent_version_ids.clone(),
    }));
    Ok(MsgPublishVersionResponse { version_id: id })
}

pub fn validate_transfer(
    msg: &MsgTransferModelOwnership,
) -> Result<(Address, Address), ModelsError> {
    Ok((
        Address::from_bech32(&msg.owner)?,
        Address::from_bech32(&msg.new_owner)?,
    ))
}

pub fn transfer(
    ctx: &mut Ctx,
    msg: &MsgTransferModelOwnership,
    owner: &Address,
    new_owner: &Address,
) -> Result<(), ModelsError> {
    let mut model = state::must_model(ctx, msg.model_id)?;
    if model.owner != owner.to_bech32() {
        return Err(ModelsError::NotOwner(owner.to_bech32()));
    }
    state::remove_owned(ctx, owner, model.id)?;
    state::add_owned(ctx, new_owner, model.id)?;
    model.owner = new_owner.to_bech32();
    state::set_model(ctx, &model)?;
    ctx.emit(typed_event(&EventModelTransferred {
        model_id: model.id,
        owner: model.owner.clone(),
    }));
    Ok(())
}

crate::module_messages!(module: "models", package: "openledger.models.v1", deps: Deps, {
    RegisterModel(ValidRegister),
    PublishVersion(ValidPublish),
    TransferModelOwnership(ValidTransfer),
});

/// A MsgRegisterModel past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidRegister {
    msg: MsgRegisterModel,
    owner: Address,
}

impl Handler for ValidRegister {
    type Proto = MsgRegisterModel;
    type Response = MsgRegisterModelResponse;
    fn check(msg: MsgRegisterModel) -> Result<Self, Failure> {
        let owner = validate_register(&msg)?;
        Ok(ValidRegister { msg, owner })
    }
    fn signer(&self) -> &Address {
        &self.owner
    }
}

impl<D: Deps> Execute<D> for ValidRegister {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgRegisterModelResponse, Failure> {
        Ok(register(ctx, &self.msg, &self.owner)?)
    }
}

/// A MsgPublishVersion past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidPublish {
    msg: MsgPublishVersion,
    owner: Address,
}

impl Handler for ValidPublish {
    type Proto = MsgPublishVersion;
    type Response = MsgPublishVersionResponse;
    fn check(msg: MsgPublishVersion) -> Result<Self, Failure> {
        let owner = validate_publish(&msg)?;
        Ok(ValidPublish { msg, owner })
    }
    fn signer(&self) -> &Address {
        &self.owner
    }
}

impl<D: Deps> Execute<D> for ValidPublish {
    fn execute(&self, ctx: &mut Ctx, deps: &D) -> Result<MsgPublishVersionResponse, Failure> {
        publish(ctx, deps, deps, &self.msg, &self.owner)
    }
}

/// A MsgTransferModelOwnership past its stateless checks.
#[derive(Debug, Clone)]
pub struct ValidTransfer {
    msg: MsgTransferModelOwnership,
    owner: Address,
    new_owner: Address,
}

impl Handler for ValidTransfer {
    type Proto = MsgTransferModelOwnership;
    type Response = MsgTransferModelOwnershipResponse;
    fn check(msg: MsgTransferModelOwnership) -> Result<Self, Failure> {
        let (owner, new_owner) = validate_transfer(&msg)?;
        Ok(ValidTransfer {
            msg,
            owner,
            new_owner,
        })
    }
    fn signer(&self) -> &Address {
        &self.owner
    }
}

impl<D: Deps> Execute<D> for ValidTransfer {
    fn execute(&self, ctx: &mut Ctx, _: &D) -> Result<MsgTransferModelOwnershipResponse, Failure> {
        transfer(ctx, &self.msg, &self.owner, &self.new_owner)?;
        Ok(MsgTransferModelOwnershipResponse {})
    }
}

#[cfg(test)]
mod tests {
    use openledger_proto::models::v1::{Contributor, DatasetUse, TrainingRecord};

    use super::*;

    fn publish_using(datasets: Vec<DatasetUse>) -> MsgPublishVersion {
        let owner = Address::from_bytes(vec![0xab; 20]).unwrap().to_bech32();
        MsgPublishVersion {
            owner: owner.clone(),
            model_id: 1,
            artifact_sha256: "ab".repeat(32),
            training: Some(TrainingRecord {
                method: TrainingMethod::Full as i32,
                hyperparams_sha256: String::new(),
                datasets,
            }),
            contributors: vec![Contributor {
                address: owner,
                role: Role::Architect as i32,
                share_bps: 10_000,
            }],
            ..Default::default()
        }
    }

    fn uses(dataset_id: u64, first: u64, last: u64) -> DatasetUse {
        DatasetUse {
            dataset_id,
            first_contribution_id: first,
            last_contribution_id: last,
        }
    }

    #[test]
    fn a_version_naming_the_same_dataset_twice_is_refused() {
        let msg = publish_using(vec![uses(1, 1, 5), uses(2, 0, u64::MAX), uses(1, 6, 9)]);
        let err = validate_publish(&msg).unwrap_err();
        assert_eq!(err, ModelsError::DuplicateDatasetUse(1));
        assert!(
            err.to_string().contains("dataset 1 is named twice"),
            "{err}"
        );
    }

    #[test]
    fn a_version_naming_each_dataset_once_passes_the_stateless_checks() {
        let msg = publish_using(vec![uses(1, 1, 5), uses(2, 0, u64::MAX)]);
        assert!(validate_publish(&msg).is_ok());
    }
}
