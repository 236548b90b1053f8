//! The dispute council: named members, `threshold` of whom decide a challenge. It is set at
//! genesis and changed only by itself: a change takes effect when `threshold` members of the
//! current council have approved the same (members, threshold).

use std::collections::BTreeSet;

use openledger_proto::attribution::v1::{
    CouncilProposal, EventCouncilUpdated, MsgUpdateCouncil, MsgUpdateCouncilResponse, Params,
};
use openledger_types::Address;
use sha2::{Digest, Sha256};

use super::state;
use super::{AttributionError, MAX_COUNCIL_MEMBERS};
use crate::context::{typed_event, Ctx};

/// A council is empty with threshold 0 (nobody rules; challenges time out), or 1 to
/// `MAX_COUNCIL_MEMBERS` distinct addresses, written canonically, with 1 ≤ threshold ≤ members.
pub fn validate(members: &[String], threshold: u32) -> Result<(), AttributionError> {
    let invalid = |why: String| Err(AttributionError::InvalidCouncil(why));
    if members.is_empty() {
        return match threshold {
            0 => Ok(()),
            _ => invalid("an empty council has threshold 0".into()),
        };
    }
    if members.len() > MAX_COUNCIL_MEMBERS {
        return invalid(format!("at most {MAX_COUNCIL_MEMBERS} members"));
    }
    if threshold == 0 || threshold as usize > members.len() {
        return invalid(format!(
            "threshold {threshold} must be 1..={}",
            members.len()
        ));
    }
    let mut seen = BTreeSet::new();
    for member in members {
        let addr = Address::from_bech32(member)?;
        if addr.to_bech32() != *member {
            return invalid(format!("{member} is not written canonically"));
        }
        if !seen.insert(addr) {
            return invalid(format!("{member} is named twice"));
        }
    }
    Ok(())
}

pub fn is_member(params: &Params, addr: &Address) -> bool {
    let addr = addr.to_bech32();
    params.council.contains(&addr)
}

/// What identifies a proposed council: its members in the order given, and its threshold.
fn digest(members: &[String], threshold: u32) -> [u8; 32] {
    let mut hash = Sha256::new();
    for m in members {
        hash.update((m.len() as u32).to_be_bytes());
        hash.update(m.as_bytes());
    }
    hash.update(threshold.to_be_bytes());
    hash.finalize().into()
}

pub fn validate_update(msg: &MsgUpdateCouncil) -> Result<Address, AttributionError> {
    validate(&msg.members, msg.threshold)?;
    Ok(Address::from_bech32(&msg.member)?)
}

/// One member's approval of a council change; the change applies at the threshold.
pub fn update(
    ctx: &mut Ctx,
    msg: &MsgUpdateCouncil,
    member: &Address,
) -> Result<MsgUpdateCouncilResponse, AttributionError> {
    let mut params = state::params(ctx)?;
    if !is_member(&params, member) {
        return Err(AttributionError::NotCouncilMember(member.clone()));
    }
    let epoch = state::council_epoch(ctx)?;
    let key = digest(&msg.members, msg.threshold);
    let mut proposal = match state::council_proposal(ctx, &key)? {
        // Approvals given to an earlier council do not count for this one.
        Some(p) if p.epoch == epoch => p,
        _ => CouncilProposal {
            members: msg.members.clone(),
            threshold: msg.threshold,
            epoch,
            approvals: Vec::new(),
        },
    };
    let me = member.to_bech32();
    if proposal.approvals.contains(&me) {
        return Err(AttributionError::AlreadyApproved(member.clone()));
    }
    proposal.approvals.push(me);
    let approvals = proposal.approvals.len() as u32;
    if approvals < params.council_threshold {
        state::set_council_proposal(ctx, &key, &proposal)?;
        return Ok(MsgUpdateCouncilResponse {
            approvals,
            applied: false,
        });
    }
    state::remove_council_proposal(ctx, &key)?;
    params.council = msg.members.clone();
    params.council_threshold = msg.threshold;
    state::set_params(ctx, &params)?;
    let epoch = epoch + 1;
    state::set_council_epoch(ctx, epoch)?;
    ctx.emit(typed_event(&EventCouncilUpdated {
        members: msg.members.clone(),
        threshold: msg.threshold,
        epoch,
    }));
    Ok(MsgUpdateCouncilResponse {
        approvals,
        applied: true,
    })
}

/// A pending proposal from genesis, under the key its content gives it.
pub fn import_proposal(ctx: &mut Ctx, proposal: &CouncilProposal) -> Result<(), AttributionError> {
    validate(&proposal.members, proposal.threshold)?;
    let key = digest(&proposal.members, proposal.threshold);
    Ok(state::set_council_proposal(ctx, &key, proposal)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(b: u8) -> String {
        Address::from_bytes(vec![b; 20]).unwrap().to_bech32()
    }

    #[test]
    fn a_council_needs_a_threshold_it_can_reach_and_distinct_canonical_members() {
        assert!(validate(&[], 0).is_ok());
        assert!(validate(&[], 1).is_err());
        assert!(validate(&[addr(1), addr(2)], 2).is_ok());
        assert!(validate(&[addr(1), addr(2)], 3).is_err());
        assert!(validate(&[addr(1)], 0).is_err());
        assert!(validate(&[addr(1), addr(1)], 1).is_err());
        assert!(validate(&[addr(1).to_uppercase()], 1).is_err());
        let many: Vec<String> = (0..=MAX_COUNCIL_MEMBERS as u8).map(addr).collect();
        assert!(validate(&many, 1).is_err());
    }

    #[test]
    fn the_order_of_members_and_the_threshold_name_different_proposals() {
        let (a, b) = (addr(1), addr(2));
        assert_ne!(
            digest(&[a.clone(), b.clone()], 1),
            digest(&[b.clone(), a.clone()], 1)
        );
        assert_ne!(digest(std::slice::from_ref(&a), 1), digest(&[a], 2));
    }
}
