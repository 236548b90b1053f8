use openledger_types::Address;

crate::module_errors!(AttributionError, "attribution", {
    InvalidField(String) = 2 [InvalidArgument]: "invalid field: {0}",
    // (operator, version): not registered, or unbonding.
    NotBonded(Address, u64) = 3: "{0} is not a bonded operator of version {1}",
    AlreadyRegistered(u64) = 4: "already an operator of version {0}",
    // (bond, minimum), in uopen.
    BondTooSmall(u128, u128) = 5: "bond {0} uopen is below the minimum of {1}",
    StillUnbonding(u64) = 6: "the bond is returned at height {0}",
    ReplayedBatch(String) = 7: "batch {0} was already reported",
    ReplayedRequest(String) = 8: "request {0} was already paid",
    ContributionNotEligible(u64) = 9: "contribution {0} is not an accepted contribution to a dataset in this version's lineage",
    InvalidWeight(String) = 10 [InvalidArgument]: "invalid weight: {0}",
    NothingToClaim(String) = 11: "{0} has no unclaimed rewards",
    VersionNotFound(u64) = 12 [NotFound]: "model version {0} not found",
    Overflow(String) = 13 [InvalidArgument]: "amount overflows: {0}",
    LicenseNotFound(u64) = 14 [NotFound]: "licence {0} not found",
    // Conditions that shared a variant with others before and keep its code, which tests and
    // clients match on.
    // (address, version): no operator record at all.
    NotOperator(Address, u64) = 3 [PermissionDenied]: "{0} is not an operator of version {1}",
    ContributionNotFound(u64) = 9 [NotFound]: "contribution {0} not found",
    // A report.
    ChallengeResolved(u64) = 2: "challenge {0} was already decided or withdrawn",
    NotCouncilMember(Address) = 3 [PermissionDenied]: "{0} is not a member of the dispute council",
    // An address that has nothing vested, with what it has pending.
    NothingVested(Address, u128) = 11: "{0} has {1} uopen pending in challenge windows or disputes, none vested yet",
    ReportNotFound(u64) = 15 [NotFound]: "report {0} not found",
    ChallengeNotFound(u64) = 16 [NotFound]: "challenge {0} not found",
    // (report, the last height it could be challenged at).
    ChallengeWindowClosed(u64, u64) = 17: "the challenge window of report {0} closed at height {1}",
    // A report whose reversal has no grant to go back to.
    NoChargesToRefund(u64) = 18: "report {0} has no charges to refund",
    // (report, entry).
    NoAggregatedEntry(u64, u32) = 19: "report {0} has no aggregated entry {1}",
    // (member, challenge).
    ConflictOfInterest(Address, u64) = 20 [PermissionDenied]: "{0} may not vote on challenge {1}: they filed it or made the report",
    AlreadyVoted(Address, u64) = 21: "{0} already voted on challenge {1}",
    // (report, the limit).
    ChallengeSlotsFull(u64, u32) = 22: "report {0} already has {1} open challenges, the most allowed",
    ReportReversed(u64) = 23: "report {0} was already reversed",
    SelfChallenge(u64) = 24 [PermissionDenied]: "an operator may not challenge its own report {0}",
    // (challenge, the first height it can be withdrawn at).
    ChallengeNotTimedOut(u64, u64) = 25: "challenge {0} can be withdrawn from height {1}, if still undecided",
    ChallengeTimedOut(u64) = 26: "challenge {0} is past its timeout; its challenger may withdraw it",
    NotChallenger(Address, u64) = 27 [PermissionDenied]: "{0} did not file challenge {1}",
    ChallengesPending(u32) = 29: "{0} challenges on this operator's reports are still open; the bond stays until they are decided",
    InvalidCouncil(String) = 30 [InvalidArgument]: "invalid council: {0}",
    InvalidParams(String) = 31 [InvalidArgument]: "invalid attribution params: {0}",
    AlreadyApproved(Address) = 32: "{0} already approved this council change",
    // (field, its size, the limit), in bytes.
    ProofTooLarge(String, u64, u64) = 33 [InvalidArgument]: "{0} is {1} bytes, over the limit of {2}",
    ReceiptNotInReport(u64) = 34: "the receipt is not proven to be in report {0}",
    OutputMismatch = 35: "the output text does not hash to the receipt's output_sha256",
    ContributionMismatch(u64) = 36: "the bytes given do not hash to contribution {0}'s content_sha256",
    // (contribution, weight).
    WeightCorrect(u64, u64) = 37: "weight {1} of contribution {0} is what the attribution rule gives",
    // (grant): the signature does not verify, or the licensee has no key on chain yet.
    InvalidAcknowledgement(u64) = 39 [InvalidArgument]: "the licensee's acknowledgement of the entry on grant {0} does not verify against its key on chain",
    AcknowledgedByLicensee(u64) = 40: "every entry of report {0} is acknowledged by its licensee: it cannot be challenged as fabricated",
    // (field, character index, code point)
    ControlCharacter(String, usize, u32) = 41 [InvalidArgument]: "{0} holds the control character U+{2:04X} at character {1}: control characters are refused in stored text",
    ReceiptWithoutOutputHash(u64) = 38: "the receipt in report {0} commits to no output_sha256, so its weights cannot be recomputed",
});

/// A free-text field refused by the shared check: its length as an invalid field, a control
/// character as [`AttributionError::ControlCharacter`].
impl From<crate::modules::util::TextError> for AttributionError {
    fn from(e: crate::modules::util::TextError) -> Self {
        use crate::modules::util::TextError;
        match e {
            TextError::ControlCharacter { field, at, ch } => {
                AttributionError::ControlCharacter(field.to_string(), at, ch as u32)
            }
            length @ TextError::Length { .. } => AttributionError::InvalidField(length.to_string()),
        }
    }
}
