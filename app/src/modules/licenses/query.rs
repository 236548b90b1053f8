//! licences queries, served by ABCI Query and gRPC alike.

use openledger_proto::licenses::v1::{
    Action, OfferWithLicense, ProhibitedUse, QueryAuthorizationsRequest,
    QueryAuthorizationsResponse, QueryCanIRequest, QueryCanIResponse, QueryGrantRequest,
    QueryGrantResponse, QueryGrantsOfLicenseeRequest, QueryGrantsOnTargetRequest,
    QueryGrantsResponse, QueryLicenseRequest, QueryLicenseResponse, QueryLicensesOfRequest,
    QueryLicensesOfResponse,
};
use prost::Message;

use openledger_types::Address;

use super::{rules, state, LicensesError, TargetRef};
use crate::context::Read;
use crate::modules::util::{decode_request, page_limit};

/// `/openledger.licenses.v1.Query/License`
pub fn license(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, LicensesError> {
    let request: QueryLicenseRequest = decode_request(request)?;
    Ok(QueryLicenseResponse {
        license: Some(state::must_license(r, request.license_id)?),
    }
    .encode_to_vec())
}

/// `/openledger.licenses.v1.Query/LicensesOf`: every offer on a target, retired ones included.
pub fn licenses_of(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, LicensesError> {
    let request: QueryLicensesOfRequest = decode_request(request)?;
    let target = TargetRef::from_proto(request.target.as_ref())?;
    let (page, next) = state::offers_page(r, target, request.after_id, page_limit(request.limit))?;
    let mut offers = Vec::with_capacity(page.len());
    for offer in page {
        let license = state::must_license(r, offer.license_id)?;
        offers.push(OfferWithLicense {
            offer: Some(offer),
            license: Some(license),
        });
    }
    Ok(QueryLicensesOfResponse {
        offers,
        next_after_id: next.unwrap_or(0),
    }
    .encode_to_vec())
}

/// `/openledger.licenses.v1.Query/Grant`
pub fn grant(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, LicensesError> {
    let request: QueryGrantRequest = decode_request(request)?;
    Ok(QueryGrantResponse {
        grant: Some(state::must_grant(r, request.grant_id)?),
    }
    .encode_to_vec())
}

/// `/openledger.licenses.v1.Query/GrantsOfLicensee`: by grant id, a page at a time.
pub fn grants_of_licensee(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, LicensesError> {
    let request: QueryGrantsOfLicenseeRequest = decode_request(request)?;
    let licensee = Address::from_bech32(&request.licensee)?;
    let (grants, next) =
        state::grants_of(r, &licensee, request.after_id, page_limit(request.limit))?;
    Ok(QueryGrantsResponse {
        grants,
        next_after_id: next.unwrap_or(0),
    }
    .encode_to_vec())
}

/// `/openledger.licenses.v1.Query/GrantsOnTarget`: by grant id, a page at a time.
pub fn grants_on_target(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, LicensesError> {
    let request: QueryGrantsOnTargetRequest = decode_request(request)?;
    let target = TargetRef::from_proto(request.target.as_ref())?;
    let (grants, next) = state::grants_on(r, target, request.after_id, page_limit(request.limit))?;
    Ok(QueryGrantsResponse {
        grants,
        next_after_id: next.unwrap_or(0),
    }
    .encode_to_vec())
}

/// `/openledger.licenses.v1.Query/Authorizations`: the operators authorised on a grant, or the
/// grants an operator may charge.
pub fn authorizations(r: &mut impl Read, request: &[u8]) -> Result<Vec<u8>, LicensesError> {
    let request: QueryAuthorizationsRequest = decode_request(request)?;
    let limit = page_limit(request.limit);
    let response = match (request.grant_id, request.operator.as_str()) {
        (0, "") => {
            return Err(LicensesError::InvalidAuthorization(
                "give a grant_id or an operator".into(),
            ))
        }
        (0, operator) => {
            let operator = Address::from_bech32(operator)?;
            let (authorizations, next) =
                state::authorizations_of(r, &operator, request.after_id, limit)?;
            QueryAuthorizationsResponse {
                authorizations,
                next_after_id: next.unwrap_or(0),
                ..Default::default()
            }
        }
        (grant_id, "") => {
            state::must_grant(r, grant_id)?;
            let after = match request.after_operator.as_str() {
                "" => None,
                operator => Some(Address::from_bech32(operator)?),
            };
            let (authorizations, next) =
                state::authorizations_on_page(r, grant_id, after.as_ref(), limit)?;
            QueryAuthorizationsResponse {
                authorizations,
                next_after_operator: next.map(|a| a.to_bech32()).unwrap_or_default(),
                ..Default::default()
            }
        }
        (_, _) => {
            return Err(LicensesError::InvalidAuthorization(
                "give a grant_id or an operator, not both".into(),
            ))
        }
    };
    Ok(response.encode_to_vec())
}

/// `/openledger.licenses.v1.Query/CanI`: the answer and the rule that decides it, as of `height`.
pub fn can_i(r: &mut impl Read, request: &[u8], height: u64) -> Result<Vec<u8>, LicensesError> {
    let request: QueryCanIRequest = decode_request(request)?;
    let who = Address::from_bech32(&request.who)?;
    let target = TargetRef::from_proto(request.target.as_ref())?;
    let decision = match Action::try_from(request.action) {
        Ok(Action::CommercialUse) => rules::may_use_commercially(r, &who, target, height)?,
        Ok(Action::Derive) => rules::may_derive(r, &who, target, height)?,
        Ok(Action::UseFor) => match ProhibitedUse::try_from(request.r#use) {
            Ok(code) if code != ProhibitedUse::Unspecified => {
                rules::may_use_for(r, &who, target, height, code)?
            }
            _ => {
                return Err(LicensesError::InvalidTerms(format!(
                    "unknown prohibited-use code {}",
                    request.r#use
                )))
            }
        },
        _ => {
            return Err(LicensesError::InvalidTerms(format!(
                "unknown action {}",
                request.action
            )))
        }
    };
    Ok(QueryCanIResponse {
        allowed: decision.allowed,
        rule: decision.rule,
        grant_id: decision.grant_id,
        license_id: decision.license_id,
    }
    .encode_to_vec())
}
