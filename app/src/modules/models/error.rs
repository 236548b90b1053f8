crate::module_errors!(ModelsError, "models", {
    InvalidField(String) = 2 [InvalidArgument]: "invalid field: {0}",
    ModelNotFound(u64) = 3 [NotFound]: "model {0} not found",
    VersionNotFound(u64) = 4 [NotFound]: "model version {0} not found",
    NotOwner(String) = 5 [PermissionDenied]: "{0} does not own this model",
    SharesNotTenThousand(u64) = 6 [InvalidArgument]: "contributor shares must sum to 10000 bps, got {0}",
    DerivativeNotAllowed(String) = 7: "derivative not allowed: {0}",
    CommercialOnNonCommercial(String) = 8 [InvalidArgument]: "commercial terms on a derivative of a non-commercial parent: {0}",
    DroppedProhibitedUses(String) = 9 [InvalidArgument]: "a derivative's licence must keep the parent's prohibited uses: {0}",
    RoyaltiesExceedRevenue(String) = 10 [InvalidArgument]: "data share plus upstream royalties exceed 10000 bps: {0}",
    DatasetNotFound(u64) = 11 [NotFound]: "dataset {0} not found",
    ContributionOutsideDataset(u64, u64) = 12: "contribution {0} is not in dataset {1}",
    LicenseNotFound(u64) = 13 [NotFound]: "licence {0} not found",
    DuplicateDatasetUse(u64) = 14 [InvalidArgument]: "dataset {0} is named twice in training.datasets: give each dataset once, with one contribution range",
    // (field, character position, code point)
    ControlCharacter(String, usize, u32) = 15 [InvalidArgument]: "{0} holds the control character U+{2:04X} at character {1}: control characters are refused in stored text",
});

/// A free-text field refused by the shared check: its length as an invalid field, a control
/// character as [`ModelsError::ControlCharacter`].
impl From<crate::modules::util::TextError> for ModelsError {
    fn from(e: crate::modules::util::TextError) -> Self {
        use crate::modules::util::TextError;
        match e {
            TextError::ControlCharacter { field, at, ch } => {
                ModelsError::ControlCharacter(field.to_string(), at, ch as u32)
            }
            length @ TextError::Length { .. } => ModelsError::InvalidField(length.to_string()),
        }
    }
}
