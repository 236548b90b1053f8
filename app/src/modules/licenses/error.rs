use openledger_types::Address;

use super::TargetRef;

crate::module_errors!(LicensesError, "licenses", {
    InvalidTerms(String) = 2 [InvalidArgument]: "invalid licence terms: {0}",
    LicenseNotFound(u64) = 3 [NotFound]: "licence {0} not found",
    TargetNotFound(TargetRef) = 4 [NotFound]: "{0} not found",
    NotOwner(Address) = 5 [PermissionDenied]: "{0} does not own the target",
    AlreadyOffered(u64) = 6: "licence {0} is already offered on this target",
    NotOffered(u64) = 7: "licence {0} is not offered on this target",
    OfferRetired(u64) = 8: "licence {0} is retired on this target: no new grants",
    GrantNotFound(u64) = 9 [NotFound]: "grant {0} not found",
    NotLicensee(Address) = 10 [PermissionDenied]: "{0} is not the licensee of this grant",
    GrantNotExpired(u64) = 11: "grant {0} has not expired: escrow is released only after expiry",
    GrantReleased(u64) = 12: "grant {0} was released",
    InvalidAmount(String) = 13 [InvalidArgument]: "invalid amount: {0}",
    InvalidTarget = 14 [InvalidArgument]: "target must be a model version or a dataset",
    // (grant, version)
    WrongTarget(u64, u64) = 15 [InvalidArgument]: "grant {0} is not for model version {1}",
    GrantExpired(u64) = 16: "grant {0} has expired or was released",
    // (grant, escrow held, price of the uses)
    InsufficientEscrow(u64, u128, u128) = 17: "escrow cannot cover the use: grant {0} holds {1} uopen, the uses cost {2}",
    CommercialOnNonCommercial(super::rules::Inheritance) = 18 [InvalidArgument]: "commercial terms on a derivative of a non-commercial parent: {0}",
    DroppedProhibitedUses(super::rules::Inheritance) = 19 [InvalidArgument]: "a derivative's licence must keep the parent's prohibited uses: {0}",
    RoyaltiesExceedRevenue(super::rules::Inheritance) = 20 [InvalidArgument]: "data share plus upstream royalties exceed 10000 bps: {0}",
    OperatorNotAuthorized(u64, openledger_types::Address) = 21 [PermissionDenied]: "the licensee of grant {0} has not authorised operator {1} to charge it",
    AuthorizationExpired(u64, openledger_types::Address, u64) = 22: "the authorisation of operator {1} on grant {0} expired at height {2}",
    SpendLimitExceeded(u64, openledger_types::Address, u128, u128) = 23: "operator {1} may charge grant {0} {2} uopen more, the uses cost {3}",
    InvalidAuthorization(String) = 24 [InvalidArgument]: "invalid authorisation: {0}",
    // (field, character position, code point)
    ControlCharacter(String, usize, u32) = 25 [InvalidArgument]: "{0} holds the control character U+{2:04X} at character {1}: control characters are refused in stored text",
});

impl From<super::rules::Inheritance> for LicensesError {
    fn from(broken: super::rules::Inheritance) -> Self {
        use super::rules::Inheritance::*;
        match broken {
            CommercialOnNonCommercial { .. } => LicensesError::CommercialOnNonCommercial(broken),
            DroppedProhibitedUses { .. } => LicensesError::DroppedProhibitedUses(broken),
            RoyaltiesExceedRevenue { .. } => LicensesError::RoyaltiesExceedRevenue(broken),
        }
    }
}

/// A free-text field refused by the shared check: its length as an invalid field, a control
/// character as [`LicensesError::ControlCharacter`].
impl From<crate::modules::util::TextError> for LicensesError {
    fn from(e: crate::modules::util::TextError) -> Self {
        use crate::modules::util::TextError;
        match e {
            TextError::ControlCharacter { field, at, ch } => {
                LicensesError::ControlCharacter(field.to_string(), at, ch as u32)
            }
            length @ TextError::Length { .. } => LicensesError::InvalidTerms(length.to_string()),
        }
    }
}
