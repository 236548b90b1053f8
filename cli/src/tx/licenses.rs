//! `openledger tx licenses …`: create licence terms, offer (attach) and retire them on a model
//! version or dataset, buy a grant, top up its escrow, release it, and authorise (or revoke) the
//! operators whose usage reports may charge it.

use anyhow::{Context as _, Result};
use clap::Args;
use cosmrs::Any;

use openledger_proto::licenses::v1 as lic;

use super::{one_msg, tx_commands, IntoMsgs};
use crate::address;
use crate::ledger::{parse_short, sha256_arg, uopen_arg, TargetArgs};

tx_commands! {
    pub enum LicensesTxCmd {
        /// Create immutable licence terms; prints the license_id the chain assigned
        Create(CreateArgs),
        /// Offer a licence on a model version or dataset FROM owns
        Attach(AttachArgs),
        /// Stop new grants under an offer (existing grants keep their terms)
        Retire(RetireArgs),
        /// Buy a grant: pays the upfront fee and deposits an escrow for per-use fees; prints grant_id
        Acquire(AcquireArgs),
        /// Add uopen to a grant's escrow (AMOUNT like 1000uopen or 1000)
        TopUp(TopUpArgs),
        /// Return a grant's unused escrow once it has expired; prints what was refunded
        Release(ReleaseArgs),
        /// Let an operator (an address) charge FROM's grant by its usage reports, up to a limit
        /// and until a height; replaces an earlier authorisation of the same operator
        AuthorizeOperator(AuthorizeOperatorArgs),
        /// Withdraw an operator's authorisation on FROM's grant: its reports may charge it no more
        RevokeOperator(RevokeOperatorArgs),
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    terms: TermsArgs,
}

impl IntoMsgs for CreateArgs {
    fn msgs(self, creator: &str) -> Result<Vec<Any>> {
        one_msg(lic::MsgCreateLicense {
            creator: creator.to_string(),
            terms: Some(self.terms.to_proto()),
        })
    }
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    #[command(flatten)]
    target: TargetArgs,
    license_id: u64,
}

impl IntoMsgs for AttachArgs {
    fn msgs(self, owner: &str) -> Result<Vec<Any>> {
        one_msg(lic::MsgAttachLicense {
            owner: owner.to_string(),
            target: Some(self.target.to_proto()),
            license_id: self.license_id,
        })
    }
}

#[derive(Debug, Args)]
pub struct RetireArgs {
    #[command(flatten)]
    target: TargetArgs,
    license_id: u64,
}

impl IntoMsgs for RetireArgs {
    fn msgs(self, owner: &str) -> Result<Vec<Any>> {
        one_msg(lic::MsgRetireLicense {
            owner: owner.to_string(),
            target: Some(self.target.to_proto()),
            license_id: self.license_id,
        })
    }
}

#[derive(Debug, Args)]
pub struct AcquireArgs {
    #[command(flatten)]
    target: TargetArgs,
    license_id: u64,
    /// uopen deposited for per-use fees, e.g. 5000uopen or 5000
    #[arg(long, default_value = "0", value_parser = uopen_arg, value_name = "AMOUNT")]
    escrow: String,
}

impl IntoMsgs for AcquireArgs {
    fn msgs(self, licensee: &str) -> Result<Vec<Any>> {
        one_msg(lic::MsgAcquireLicense {
            licensee: licensee.to_string(),
            target: Some(self.target.to_proto()),
            license_id: self.license_id,
            escrow: self.escrow,
        })
    }
}

#[derive(Debug, Args)]
pub struct TopUpArgs {
    grant_id: u64,
    #[arg(value_parser = uopen_arg)]
    amount: String,
}

impl IntoMsgs for TopUpArgs {
    fn msgs(self, licensee: &str) -> Result<Vec<Any>> {
        one_msg(lic::MsgTopUpGrant {
            licensee: licensee.to_string(),
            grant_id: self.grant_id,
            amount: self.amount,
        })
    }
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    grant_id: u64,
}

impl IntoMsgs for ReleaseArgs {
    fn msgs(self, licensee: &str) -> Result<Vec<Any>> {
        one_msg(lic::MsgReleaseGrant {
            licensee: licensee.to_string(),
            grant_id: self.grant_id,
        })
    }
}

#[derive(Debug, Args)]
pub struct AuthorizeOperatorArgs {
    grant_id: u64,
    /// The operator's address
    operator: String,
    /// Most the operator may charge in all, e.g. 5000uopen or 5000
    #[arg(long = "spend-limit", value_parser = uopen_arg, value_name = "AMOUNT")]
    spend_limit: String,
    /// First height at which the authorisation no longer holds (0 = no expiry)
    #[arg(long = "expires-height", default_value_t = 0, value_name = "H")]
    expires_height: u64,
}

impl IntoMsgs for AuthorizeOperatorArgs {
    fn msgs(self, licensee: &str) -> Result<Vec<Any>> {
        address::decode(&self.operator).context("invalid OPERATOR")?;
        one_msg(lic::MsgAuthorizeOperator {
            licensee: licensee.to_string(),
            grant_id: self.grant_id,
            operator: self.operator,
            spend_limit: self.spend_limit,
            expires_height: self.expires_height,
        })
    }
}

#[derive(Debug, Args)]
pub struct RevokeOperatorArgs {
    grant_id: u64,
    /// The operator's address
    operator: String,
}

impl IntoMsgs for RevokeOperatorArgs {
    fn msgs(self, licensee: &str) -> Result<Vec<Any>> {
        address::decode(&self.operator).context("invalid OPERATOR")?;
        one_msg(lic::MsgRevokeOperator {
            licensee: licensee.to_string(),
            grant_id: self.grant_id,
            operator: self.operator,
        })
    }
}

/// The terms of `tx licenses create`.
#[derive(Debug, Clone, Args)]
pub struct TermsArgs {
    /// Allow commercial use
    #[arg(long)]
    pub commercial: bool,
    /// Allow derivatives (fine-tunes, merges, distillations)
    #[arg(long)]
    pub derivatives: bool,
    /// Require attribution
    #[arg(long)]
    pub attribution: bool,
    /// Prohibited uses: military, surveillance, biometric-identification, disinformation,
    /// harassment, medical-advice, credit-scoring, law-enforcement, model-training
    #[arg(long, value_delimiter = ',', value_name = "CODE,…", value_parser = parse_short::<lic::ProhibitedUse>)]
    pub prohibit: Vec<lic::ProhibitedUse>,
    /// URI of the legal text
    #[arg(long = "legal-uri", default_value = "", value_name = "URI")]
    pub legal_uri: String,
    /// Hex SHA-256 of the legal text
    #[arg(long = "legal-sha256", value_parser = sha256_arg, value_name = "HEX")]
    pub legal_sha256: Option<String>,
    /// SPDX identifier where one applies, e.g. Apache-2.0
    #[arg(long, default_value = "", value_name = "ID")]
    pub spdx: String,
    /// Fee paid when a grant is bought, e.g. 1000uopen
    #[arg(long = "upfront-fee", default_value = "0", value_parser = uopen_arg, value_name = "AMOUNT")]
    pub upfront_fee: String,
    /// Price of one use, taken from the grant's escrow
    #[arg(long = "per-use-price", default_value = "0", value_parser = uopen_arg, value_name = "AMOUNT")]
    pub per_use_price: String,
    /// Share of a derivative's revenue owed to the licensed work, in basis points
    #[arg(long = "royalty-bps", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10_000), value_name = "N")]
    pub royalty_bps: u32,
    /// Share of revenue that goes to data contributors, in basis points
    #[arg(long = "data-share-bps", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=10_000), value_name = "N")]
    pub data_share_bps: u32,
    /// Blocks a grant lasts (0 = no expiry)
    #[arg(long = "duration-blocks", default_value_t = 0, value_name = "N")]
    pub duration_blocks: u64,
}

impl TermsArgs {
    pub fn to_proto(&self) -> lic::LicenseTerms {
        let mut prohibited: Vec<i32> = self.prohibit.iter().map(|p| *p as i32).collect();
        prohibited.sort_unstable();
        prohibited.dedup();
        lic::LicenseTerms {
            commercial_use: self.commercial,
            derivatives_allowed: self.derivatives,
            attribution_required: self.attribution,
            prohibited_uses: prohibited,
            legal_text_uri: self.legal_uri.clone(),
            legal_text_sha256: self.legal_sha256.clone().unwrap_or_default(),
            spdx_id: self.spdx.clone(),
            upfront_fee: self.upfront_fee.clone(),
            per_use_price: self.per_use_price.clone(),
            royalty_bps: self.royalty_bps,
            data_share_bps: self.data_share_bps,
            duration_blocks: self.duration_blocks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct T {
        #[command(flatten)]
        terms: TermsArgs,
    }

    #[test]
    fn terms_from_flags() {
        let t = T::try_parse_from([
            "t",
            "--commercial",
            "--attribution",
            "--prohibit",
            "military,law-enforcement",
            "--prohibit",
            "military",
            "--upfront-fee",
            "1000uopen",
            "--per-use-price",
            "5",
            "--royalty-bps",
            "500",
            "--spdx",
            "Apache-2.0",
        ])
        .unwrap()
        .terms
        .to_proto();
        assert!(t.commercial_use && t.attribution_required && !t.derivatives_allowed);
        assert_eq!(t.prohibited_uses, [1, 8]);
        assert_eq!(
            (t.upfront_fee.as_str(), t.per_use_price.as_str()),
            ("1000", "5")
        );
        assert_eq!(t.royalty_bps, 500);
        assert_eq!(t.spdx_id, "Apache-2.0");
        let d = T::try_parse_from(["t"]).unwrap().terms.to_proto();
        assert_eq!(
            (
                d.upfront_fee.as_str(),
                d.per_use_price.as_str(),
                d.duration_blocks
            ),
            ("0", "0", 0)
        );
        assert!(T::try_parse_from(["t", "--prohibit", "weapons"]).is_err());
        assert!(T::try_parse_from(["t", "--royalty-bps", "10001"]).is_err());
        assert!(T::try_parse_from(["t", "--upfront-fee", "1ufoo"]).is_err());
    }
}
