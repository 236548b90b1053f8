crate::module_errors!(DatasetsError, "datasets", {
    InvalidField(String) = 2 [InvalidArgument]: "invalid field: {0}",
    DatasetNotFound(u64) = 3 [NotFound]: "dataset {0} not found",
    NotCurator(String) = 4 [PermissionDenied]: "{0} is not the curator of this dataset",
    DuplicateContent(String) = 5: "content {0} is already claimed by this contributor in this dataset",
    BatchTooLarge(usize) = 6 [InvalidArgument]: "batch of {0} items is over the limit of 256",
    ContributionNotFound(u64) = 7 [NotFound]: "contribution {0} not found in this dataset",
    AlreadyReviewed(u64) = 8: "contribution {0} was already reviewed",
    LicenseNotFound(u64) = 9 [NotFound]: "licence {0} not found",
    EmptyBatch = 10 [InvalidArgument]: "a batch needs at least one item",
    ContentAlreadyAccepted(String, u64) = 11: "content {0} is already accepted in this dataset as contribution {1}",
    // (field, character position, code point)
    ControlCharacter(String, usize, u32) = 12 [InvalidArgument]: "{0} holds the control character U+{2:04X} at character {1}: control characters are refused in stored text",
});

/// A free-text field refused by the shared check: its length as an invalid field, a control
/// character as [`DatasetsError::ControlCharacter`].
impl From<crate::modules::util::TextError> for DatasetsError {
    fn from(e: crate::modules::util::TextError) -> Self {
        use crate::modules::util::TextError;
        match e {
            TextError::ControlCharacter { field, at, ch } => {
                DatasetsError::ControlCharacter(field.to_string(), at, ch as u32)
            }
            length @ TextError::Length { .. } => DatasetsError::InvalidField(length.to_string()),
        }
    }
}
