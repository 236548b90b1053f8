//! `openledger query licenses …`.

use anyhow::{bail, Result};
use clap::{ArgGroup, Subcommand, ValueEnum};
use cosmrs::rpc::HttpClient;

use openledger_proto::licenses::v1 as lic;

use super::datasets::PageArgs;
use super::resolve_address;
use crate::config::Context;
use crate::ledger::{parse_short, proto_json, query, query_and_emit, yes_no, TargetArgs};
use crate::output::emit;

#[derive(Debug, Subcommand)]
pub enum LicensesQuery {
    /// A licence and its terms, by id
    License { id: u64 },
    /// Licences offered on a model version or dataset (retired offers included)
    Of {
        #[command(flatten)]
        target: TargetArgs,
        /// --after: a licence id
        #[command(flatten)]
        page: PageArgs,
    },
    /// A grant by id
    Grant { id: u64 },
    /// Grants held by an address (or key name), a page at a time
    GrantsOf {
        address: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Grants bought on a model version or dataset, a page at a time
    GrantsOn {
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        page: PageArgs,
    },
    /// May ADDR do ACTION with a version or dataset? Prints allowed yes/no and the rule
    #[command(
        after_help = "Examples:\n  openledger query licenses can-i bob --version 7 derive\n  \
        openledger query licenses can-i bob --dataset 3 use-for model-training"
    )]
    CanI {
        /// Address (or key name) asking
        address: String,
        #[command(flatten)]
        target: TargetArgs,
        action: CanIAction,
        /// With use-for: military, surveillance, biometric-identification, disinformation,
        /// harassment, medical-advice, credit-scoring, law-enforcement, model-training
        #[arg(value_parser = parse_short::<lic::ProhibitedUse>)]
        code: Option<lic::ProhibitedUse>,
    },
    /// Operators authorised to charge a grant (--grant), or the grants an operator may charge
    /// (--operator): spend limit, spent, expiry
    #[command(group = ArgGroup::new("whose").required(true).multiple(false))]
    Authorizations {
        /// A grant, by id
        #[arg(long, group = "whose", value_name = "GRANT_ID", value_parser = clap::value_parser!(u64).range(1..))]
        grant: Option<u64>,
        /// An operator's address (or key name)
        #[arg(long, group = "whose", value_name = "ADDR")]
        operator: Option<String>,
        /// With --operator, --after is a grant id
        #[command(flatten)]
        page: PageArgs,
        /// With --grant: start after this operator's address
        #[arg(long, value_name = "ADDR")]
        after_operator: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CanIAction {
    /// Run it for pay
    CommercialUse,
    /// Publish a derivative (fine-tune, merge, distillation)
    Derive,
    /// Use it for a purpose a licence may prohibit (give the CODE)
    UseFor,
}

impl CanIAction {
    fn to_proto(self) -> lic::Action {
        match self {
            CanIAction::CommercialUse => lic::Action::CommercialUse,
            CanIAction::Derive => lic::Action::Derive,
            CanIAction::UseFor => lic::Action::UseFor,
        }
    }
}

pub async fn run(ctx: &Context, client: &HttpClient, q: LicensesQuery) -> Result<()> {
    match q {
        LicensesQuery::License { id } => {
            query_and_emit(ctx, client, &lic::QueryLicenseRequest { license_id: id }).await
        }
        LicensesQuery::Of { target, page } => {
            let req = lic::QueryLicensesOfRequest {
                target: Some(target.to_proto()),
                after_id: page.after,
                limit: page.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        LicensesQuery::Grant { id } => {
            query_and_emit(ctx, client, &lic::QueryGrantRequest { grant_id: id }).await
        }
        LicensesQuery::GrantsOf { address, page } => {
            let req = lic::QueryGrantsOfLicenseeRequest {
                licensee: resolve_address(ctx, &address)?,
                after_id: page.after,
                limit: page.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        LicensesQuery::GrantsOn { target, page } => {
            let req = lic::QueryGrantsOnTargetRequest {
                target: Some(target.to_proto()),
                after_id: page.after,
                limit: page.limit,
            };
            query_and_emit(ctx, client, &req).await
        }
        LicensesQuery::CanI {
            address,
            target,
            action,
            code,
        } => {
            let req = can_i_request(resolve_address(ctx, &address)?, &target, action, code)?;
            let r = query(client, &req).await?;
            emit(ctx, &proto_json(&r)?, || can_i_text(&r));
            Ok(())
        }
        LicensesQuery::Authorizations {
            grant,
            operator,
            page,
            after_operator,
        } => {
            let operator = operator.map(|o| resolve_address(ctx, &o)).transpose()?;
            let mut req = authorizations_request(grant, operator);
            req.after_id = page.after;
            req.limit = page.limit;
            req.after_operator = after_operator.unwrap_or_default();
            query_and_emit(ctx, client, &req).await
        }
    }
}

/// The authorisations of a grant, or of an operator (its address); clap lets exactly one through.
fn authorizations_request(
    grant: Option<u64>,
    operator: Option<String>,
) -> lic::QueryAuthorizationsRequest {
    lic::QueryAuthorizationsRequest {
        grant_id: grant.unwrap_or(0),
        operator: operator.unwrap_or_default(),
        ..Default::default()
    }
}

/// yes/no and the rule, then the grant and licence that allow it, if any.
fn can_i_text(r: &lic::QueryCanIResponse) -> String {
    let mut t = format!("allowed: {}\nrule: {}", yes_no(r.allowed), r.rule);
    if r.grant_id != 0 {
        t.push_str(&format!("\ngrant_id: {}", r.grant_id));
    }
    if r.license_id != 0 {
        t.push_str(&format!("\nlicense_id: {}", r.license_id));
    }
    t
}

fn can_i_request(
    who: String,
    target: &TargetArgs,
    action: CanIAction,
    code: Option<lic::ProhibitedUse>,
) -> Result<lic::QueryCanIRequest> {
    let r#use = match (action, code) {
        (CanIAction::UseFor, Some(c)) => c,
        (CanIAction::UseFor, None) => bail!("use-for needs a CODE, e.g. `use-for model-training`"),
        (_, Some(_)) => bail!("a CODE goes only with use-for"),
        (_, None) => lic::ProhibitedUse::Unspecified,
    };
    Ok(lic::QueryCanIRequest {
        who,
        target: Some(target.to_proto()),
        action: action.to_proto() as i32,
        r#use: r#use as i32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorizations_requests_name_a_grant_or_an_operator() {
        assert_eq!(
            authorizations_request(Some(4), None),
            lic::QueryAuthorizationsRequest {
                grant_id: 4,
                ..Default::default()
            }
        );
        assert_eq!(
            authorizations_request(None, Some("ol1x".into())),
            lic::QueryAuthorizationsRequest {
                operator: "ol1x".into(),
                ..Default::default()
            }
        );
    }

    #[test]
    fn can_i_requests() {
        let t = TargetArgs {
            version: Some(7),
            dataset: None,
        };
        let r = can_i_request(
            "ol1x".into(),
            &t,
            CanIAction::UseFor,
            Some(lic::ProhibitedUse::ModelTraining),
        )
        .unwrap();
        assert_eq!(r.action, lic::Action::UseFor as i32);
        assert_eq!(r.r#use, lic::ProhibitedUse::ModelTraining as i32);
        assert_eq!(
            r.target,
            Some(lic::Target {
                kind: lic::TargetKind::ModelVersion as i32,
                id: 7
            })
        );
        let r = can_i_request("ol1x".into(), &t, CanIAction::Derive, None).unwrap();
        assert_eq!((r.action, r.r#use), (lic::Action::Derive as i32, 0));
        assert!(can_i_request("ol1x".into(), &t, CanIAction::UseFor, None).is_err());
        assert!(can_i_request(
            "ol1x".into(),
            &t,
            CanIAction::CommercialUse,
            Some(lic::ProhibitedUse::Military)
        )
        .is_err());
    }
}
