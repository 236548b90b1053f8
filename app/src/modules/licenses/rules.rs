//! The licence rules, in one place: valid terms, live grants, who may derive or use what.
//! Each refusal says the rule it applies.

use openledger_proto::licenses::v1::{Grant, LicenseTerms, ProhibitedUse};

use openledger_types::{parse_amount, Address};

use super::{state, LicensesError, TargetRef};
use crate::context::Read;
use crate::modules::util::{check_text, is_sha256_hex, Lines};

pub(super) const MAX_BPS: u32 = 10_000;

/// Amounts in terms and grants are plain uopen integers.
pub(super) fn amount(field: &str, text: &str) -> Result<u128, LicensesError> {
    if text.is_empty() {
        return Ok(0);
    }
    parse_amount(text).map_err(|e| LicensesError::InvalidAmount(format!("{field}: {e}")))
}

/// A grant's escrow plus `value`.
pub(super) fn add_to_escrow(escrow: &str, value: u128) -> Result<u128, LicensesError> {
    amount("escrow", escrow)?
        .checked_add(value)
        .ok_or_else(|| LicensesError::InvalidAmount("escrow would overflow".into()))
}

pub(super) fn validate_terms(t: &LicenseTerms) -> Result<(), LicensesError> {
    let bad = |m: String| Err(LicensesError::InvalidTerms(m));
    if t.royalty_bps > MAX_BPS || t.data_share_bps > MAX_BPS {
        return bad(format!(
            "royalty_bps {} and data_share_bps {} must be at most 10000",
            t.royalty_bps, t.data_share_bps
        ));
    }
    if !t.legal_text_sha256.is_empty() && !is_sha256_hex(&t.legal_text_sha256) {
        return bad("legal_text_sha256 must be 64 lower-case hex digits".into());
    }
    check_text("legal_text_uri", &t.legal_text_uri, 0, 512, Lines::One)?;
    check_text("spdx_id", &t.spdx_id, 0, 64, Lines::One)?;
    let mut seen = std::collections::BTreeSet::new();
    for &code in &t.prohibited_uses {
        match ProhibitedUse::try_from(code) {
            Ok(ProhibitedUse::Unspecified) | Err(_) => {
                return bad(format!("unknown prohibited-use code {code}"))
            }
            Ok(_) if !seen.insert(code) => {
                return bad(format!("prohibited-use code {code} listed twice"))
            }
            Ok(_) => {}
        }
    }
    amount("upfront_fee", &t.upfront_fee)?;
    amount("per_use_price", &t.per_use_price)?;
    Ok(())
}

/// A grant can be used at `height`: not released, not expired.
pub(super) fn is_live(grant: &Grant, height: u64) -> bool {
    !grant.released && (grant.expires_height == 0 || height < grant.expires_height)
}

/// Terms anyone may use without buying: the offer costs nothing up front or per use.
pub(super) fn is_open(terms: &LicenseTerms) -> bool {
    amount("upfront_fee", &terms.upfront_fee).ok() == Some(0)
        && amount("per_use_price", &terms.per_use_price).ok() == Some(0)
}

/// A decision with the rule that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub allowed: bool,
    pub rule: String,
    pub grant_id: u64,
    pub license_id: u64,
    /// The terms that decided, when allowed.
    pub terms: Option<LicenseTerms>,
}

impl Decision {
    fn no(rule: String) -> Self {
        Decision {
            allowed: false,
            rule,
            grant_id: 0,
            license_id: 0,
            terms: None,
        }
    }
}

/// The first of `who`'s live grants on `target` (then open offers) whose terms pass `test`.
fn find_terms(
    r: &mut impl Read,
    who: &Address,
    target: TargetRef,
    height: u64,
    what: &str,
    test: impl Fn(&LicenseTerms) -> bool,
) -> Result<Decision, LicensesError> {
    // A page of grants at a time: the first that allows it ends the read.
    const GRANTS_PAGE: usize = 100;
    let (mut live, mut after) = (0usize, 0);
    loop {
        let (grants, next) = state::grants_of_on(r, who, target, after, GRANTS_PAGE)?;
        for g in grants.iter().filter(|g| is_live(g, height)) {
            live += 1;
            if g.terms.as_ref().is_some_and(&test) {
                return Ok(Decision {
                    allowed: true,
                    rule: format!(
                        "grant {} under licence {} allows {what}",
                        g.id, g.license_id
                    ),
                    grant_id: g.id,
                    license_id: g.license_id,
                    terms: g.terms.clone(),
                });
            }
        }
        match next {
            Some(next) => after = next,
            None => break,
        }
    }
    for offer in state::offers(r, target)?.into_iter().filter(|o| !o.retired) {
        let license = state::must_license(r, offer.license_id)?;
        let Some(terms) = license.terms else { continue };
        if is_open(&terms) && test(&terms) {
            return Ok(Decision {
                allowed: true,
                rule: format!(
                    "licence {} is open (no fees) on {target} and allows {what}",
                    license.id
                ),
                grant_id: 0,
                license_id: license.id,
                terms: Some(terms),
            });
        }
    }
    Ok(Decision::no(if live == 0 {
        format!("{who} holds no live grant on {target}, and no open licence on it allows {what}")
    } else {
        format!("none of {who}'s {live} live grant(s) on {target} allows {what}")
    }))
}

/// May `who` publish a derivative of `target`? Needs terms allowing derivatives: a live grant,
/// or an open offer.
pub(super) fn may_derive(
    r: &mut impl Read,
    who: &Address,
    target: TargetRef,
    height: u64,
) -> Result<Decision, LicensesError> {
    find_terms(r, who, target, height, "derivatives", |t| {
        t.derivatives_allowed
    })
}

pub(super) fn may_use_commercially(
    r: &mut impl Read,
    who: &Address,
    target: TargetRef,
    height: u64,
) -> Result<Decision, LicensesError> {
    find_terms(r, who, target, height, "commercial use", |t| {
        t.commercial_use
    })
}

pub(super) fn may_use_for(
    r: &mut impl Read,
    who: &Address,
    target: TargetRef,
    height: u64,
    code: ProhibitedUse,
) -> Result<Decision, LicensesError> {
    let what = format!("use for {}", code.as_str_name());
    find_terms(r, who, target, height, &what, |t| {
        !t.prohibited_uses.contains(&(code as i32))
    })
}

/// What a licence on a derivative breaks of what its parents' terms demand.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Inheritance {
    #[error(
        "licence {license} allows commercial use but the terms on parent version {parent} do not"
    )]
    CommercialOnNonCommercial { license: u64, parent: u64 },
    #[error("licence {license} drops codes {dropped:?} that parent version {parent} prohibits")]
    DroppedProhibitedUses {
        license: u64,
        parent: u64,
        dropped: Vec<i32>,
    },
    #[error("licence {license} gives data {data_share_bps} bps and the parents take {royalties_bps} bps")]
    RoyaltiesExceedRevenue {
        license: u64,
        data_share_bps: u32,
        royalties_bps: u64,
    },
}

/// The one rule of inheritance (DESIGN.md, licences), for a licence on a version whose parents
/// were derived under `parents` (parent version id, the terms of that edge): no commercial use
/// under a non-commercial parent, every prohibited use of a parent kept, and the data share plus
/// the parents' royalties at most 10,000 bps. Checked when a version is published with the
/// licence and whenever the licence is attached to it later.
pub fn check_inheritance(
    license: u64,
    terms: &LicenseTerms,
    parents: &[(u64, LicenseTerms)],
) -> Result<(), Inheritance> {
    for (parent, upstream) in parents {
        let parent = *parent;
        if terms.commercial_use && !upstream.commercial_use {
            return Err(Inheritance::CommercialOnNonCommercial { license, parent });
        }
        let dropped: Vec<i32> = upstream
            .prohibited_uses
            .iter()
            .filter(|u| !terms.prohibited_uses.contains(u))
            .copied()
            .collect();
        if !dropped.is_empty() {
            return Err(Inheritance::DroppedProhibitedUses {
                license,
                parent,
                dropped,
            });
        }
    }
    let royalties_bps: u64 = parents.iter().map(|(_, t)| u64::from(t.royalty_bps)).sum();
    if u64::from(terms.data_share_bps) + royalties_bps > u64::from(MAX_BPS) {
        return Err(Inheritance::RoyaltiesExceedRevenue {
            license,
            data_share_bps: terms.data_share_bps,
            royalties_bps,
        });
    }
    Ok(())
}

#[cfg(test)]
mod inheritance_tests {
    use super::*;

    fn terms(
        commercial: bool,
        prohibited: &[ProhibitedUse],
        data: u32,
        royalty: u32,
    ) -> LicenseTerms {
        LicenseTerms {
            commercial_use: commercial,
            prohibited_uses: prohibited.iter().map(|&u| u as i32).collect(),
            data_share_bps: data,
            royalty_bps: royalty,
            ..Default::default()
        }
    }

    #[test]
    fn a_derivative_licence_keeps_every_parents_terms() {
        let military = [ProhibitedUse::Military];
        let parents = [
            (1, terms(false, &military, 0, 3_000)),
            (2, terms(true, &[], 0, 2_000)),
        ];
        assert_eq!(
            check_inheritance(9, &terms(false, &military, 5_000, 0), &parents),
            Ok(())
        );
        assert_eq!(
            check_inheritance(9, &terms(true, &military, 0, 0), &parents),
            Err(Inheritance::CommercialOnNonCommercial {
                license: 9,
                parent: 1
            })
        );
        assert_eq!(
            check_inheritance(9, &terms(false, &[], 0, 0), &parents),
            Err(Inheritance::DroppedProhibitedUses {
                license: 9,
                parent: 1,
                dropped: vec![ProhibitedUse::Military as i32]
            })
        );
        assert_eq!(
            check_inheritance(9, &terms(false, &military, 5_001, 0), &parents),
            Err(Inheritance::RoyaltiesExceedRevenue {
                license: 9,
                data_share_bps: 5_001,
                royalties_bps: 5_000
            })
        );
        // A version without parents inherits nothing.
        assert_eq!(
            check_inheritance(9, &terms(true, &[], 10_000, 0), &[]),
            Ok(())
        );
    }
}
