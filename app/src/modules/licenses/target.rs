//! What a licence is offered on: a model version or a dataset.

use openledger_proto::licenses::v1::{Target, TargetKind};

use super::LicensesError;

/// A target that passed validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetRef {
    Version(u64),
    Dataset(u64),
}

impl TargetRef {
    pub fn from_proto(target: Option<&Target>) -> Result<Self, LicensesError> {
        let target = target.ok_or(LicensesError::InvalidTarget)?;
        match TargetKind::try_from(target.kind) {
            Ok(TargetKind::ModelVersion) if target.id != 0 => Ok(TargetRef::Version(target.id)),
            Ok(TargetKind::Dataset) if target.id != 0 => Ok(TargetRef::Dataset(target.id)),
            _ => Err(LicensesError::InvalidTarget),
        }
    }

    pub fn to_proto(self) -> Target {
        let (kind, id) = self.kind_and_id();
        Target {
            kind: kind as i32,
            id,
        }
    }

    pub fn kind_and_id(self) -> (TargetKind, u64) {
        match self {
            TargetRef::Version(id) => (TargetKind::ModelVersion, id),
            TargetRef::Dataset(id) => (TargetKind::Dataset, id),
        }
    }
}

impl std::fmt::Display for TargetRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetRef::Version(id) => write!(f, "model version {id}"),
            TargetRef::Dataset(id) => write!(f, "dataset {id}"),
        }
    }
}
