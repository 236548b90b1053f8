//! Maps each message type URL to its module's handler, with one match.

use openledger_proto::attribution::v1 as att;
use openledger_proto::datasets::v1 as ds;
use openledger_proto::licenses::v1 as lic;
use openledger_proto::models::v1 as mdl;
use prost::Message;
use tendermint_proto::google::protobuf::Any;

use crate::context::{event, Ctx};
use crate::error::{Failure, SdkError};
use crate::modules::auth::{self, Address};
use crate::modules::licenses::state::TargetRef;
use crate::modules::registry::Registry;
use crate::modules::{attribution, bank, datasets, licenses, models};

/// A message that passed its stateless checks, with its validated signer and fields.
#[derive(Debug, Clone)]
pub enum Msg {
    BankSend(bank::msgs::ValidSend),
    CreateDataset(ds::MsgCreateDataset, Address),
    Contribute(ds::MsgContribute, Address),
    ReviewContributions(ds::MsgReviewContributions, Address),
    UpdateCurator(ds::MsgUpdateCurator, Address, Address),
    CreateLicense(lic::MsgCreateLicense, Address),
    AttachLicense(lic::MsgAttachLicense, Address, TargetRef),
    RetireLicense(lic::MsgRetireLicense, Address, TargetRef),
    AcquireLicense(lic::MsgAcquireLicense, Address, TargetRef, u128),
    TopUpGrant(lic::MsgTopUpGrant, Address, u128),
    ReleaseGrant(lic::MsgReleaseGrant, Address),
    RegisterModel(mdl::MsgRegisterModel, Address),
    PublishVersion(mdl::MsgPublishVersion, Address),
    TransferModel(mdl::MsgTransferModelOwnership, Address, Address),
    RegisterOperator(att::MsgRegisterOperator, Address, u128),
    UnbondOperator(att::MsgUnbondOperator, Address),
    ReportUsage(att::MsgReportUsage, Address),
    ClaimRewards(att::MsgClaimRewards, Address),
    ChallengeUsage(att::MsgChallengeUsage, Address, u128),
    ResolveChallenge(att::MsgResolveChallenge, Address),
}

fn body<M: Message + Default>(any: &Any) -> Result<M, SdkError> {
    M::decode(any.value.as_slice())
        .map_err(|e| SdkError::TxDecode(format!("{}: {e}", any.type_url)))
}

/// Full type URL of a generated message type.
macro_rules! url {
    ($pkg:literal, $name:literal) => {
        concat!("/openledger.", $pkg, ".v1.", $name)
    };
}

impl Msg {
    /// Decodes and validates a message by its type URL.
    pub fn decode(any: &Any) -> Result<Msg, Failure> {
        Ok(match any.type_url.as_str() {
            bank::msgs::MSG_SEND_URL => {
                let msg: cosmrs::proto::cosmos::bank::v1beta1::MsgSend = body(any)?;
                Msg::BankSend(bank::msgs::validate_send(&msg)?)
            }
            url!("datasets", "MsgCreateDataset") => {
                let m = body(any)?;
                let who = datasets::msgs::validate_create(&m)?;
                Msg::CreateDataset(m, who)
            }
            url!("datasets", "MsgContribute") => {
                let m = body(any)?;
                let who = datasets::msgs::validate_contribute(&m)?;
                Msg::Contribute(m, who)
            }
            url!("datasets", "MsgReviewContributions") => {
                let m = body(any)?;
                let who = datasets::msgs::validate_review(&m)?;
                Msg::ReviewContributions(m, who)
            }
            url!("datasets", "MsgUpdateCurator") => {
                let m = body(any)?;
                let (who, new) = datasets::msgs::validate_update_curator(&m)?;
                Msg::UpdateCurator(m, who, new)
            }
            url!("licenses", "MsgCreateLicense") => {
                let m = body(any)?;
                let who = licenses::msgs::validate_create(&m)?;
                Msg::CreateLicense(m, who)
            }
            url!("licenses", "MsgAttachLicense") => {
                let m = body(any)?;
                let (who, target) = licenses::msgs::validate_attach(&m)?;
                Msg::AttachLicense(m, who, target)
            }
            url!("licenses", "MsgRetireLicense") => {
                let m = body(any)?;
                let (who, target) = licenses::msgs::validate_retire(&m)?;
                Msg::RetireLicense(m, who, target)
            }
            url!("licenses", "MsgAcquireLicense") => {
                let m = body(any)?;
                let (who, target, escrow) = licenses::msgs::validate_acquire(&m)?;
                Msg::AcquireLicense(m, who, target, escrow)
            }
            url!("licenses", "MsgTopUpGrant") => {
                let m = body(any)?;
                let (who, amount) = licenses::msgs::validate_top_up(&m)?;
                Msg::TopUpGrant(m, who, amount)
            }
            url!("licenses", "MsgReleaseGrant") => {
                let m = body(any)?;
                let who = licenses::msgs::validate_release(&m)?;
                Msg::ReleaseGrant(m, who)
            }
            url!("models", "MsgRegisterModel") => {
                let m = body(any)?;
                let who = models::msgs::validate_register(&m)?;
                Msg::RegisterModel(m, who)
            }
            url!("models", "MsgPublishVersion") => {
                let m = body(any)?;
                let who = models::msgs::validate_publish(&m)?;
                Msg::PublishVersion(m, who)
            }
            url!("models", "MsgTransferModelOwnership") => {
                let m = body(any)?;
                let (who, new) = models::msgs::validate_transfer(&m)?;
                Msg::TransferModel(m, who, new)
            }
            url!("attribution", "MsgRegisterOperator") => {
                let m = body(any)?;
                let (who, bond) = attribution::msgs::validate_register(&m)?;
                Msg::RegisterOperator(m, who, bond)
            }
            url!("attribution", "MsgUnbondOperator") => {
                let m = body(any)?;
                let who = attribution::msgs::validate_unbond(&m)?;
                Msg::UnbondOperator(m, who)
            }
            url!("attribution", "MsgReportUsage") => {
                let m = body(any)?;
                let who = attribution::msgs::validate_report(&m)?;
                Msg::ReportUsage(m, who)
            }
            url!("attribution", "MsgClaimRewards") => {
                let m = body(any)?;
                let who = attribution::msgs::validate_claim(&m)?;
                Msg::ClaimRewards(m, who)
            }
            url!("attribution", "MsgChallengeUsage") => {
                let m = body(any)?;
                let (who, bond) = attribution::challenge::validate_challenge(&m)?;
                Msg::ChallengeUsage(m, who, bond)
            }
            url!("attribution", "MsgResolveChallenge") => {
                let m = body(any)?;
                let who = attribution::challenge::validate_resolve(&m)?;
                Msg::ResolveChallenge(m, who)
            }
            other => {
                return Err(SdkError::UnknownRequest(format!(
                    "unrecognized message type {other:?}"
                ))
                .into())
            }
        })
    }

    /// (type URL, module) of the message.
    pub fn type_url(&self) -> (&'static str, &'static str) {
        match self {
            Msg::BankSend(_) => (bank::msgs::MSG_SEND_URL, "bank"),
            Msg::CreateDataset(..) => (url!("datasets", "MsgCreateDataset"), "datasets"),
            Msg::Contribute(..) => (url!("datasets", "MsgContribute"), "datasets"),
            Msg::ReviewContributions(..) => {
                (url!("datasets", "MsgReviewContributions"), "datasets")
            }
            Msg::UpdateCurator(..) => (url!("datasets", "MsgUpdateCurator"), "datasets"),
            Msg::CreateLicense(..) => (url!("licenses", "MsgCreateLicense"), "licenses"),
            Msg::AttachLicense(..) => (url!("licenses", "MsgAttachLicense"), "licenses"),
            Msg::RetireLicense(..) => (url!("licenses", "MsgRetireLicense"), "licenses"),
            Msg::AcquireLicense(..) => (url!("licenses", "MsgAcquireLicense"), "licenses"),
            Msg::TopUpGrant(..) => (url!("licenses", "MsgTopUpGrant"), "licenses"),
            Msg::ReleaseGrant(..) => (url!("licenses", "MsgReleaseGrant"), "licenses"),
            Msg::RegisterModel(..) => (url!("models", "MsgRegisterModel"), "models"),
            Msg::PublishVersion(..) => (url!("models", "MsgPublishVersion"), "models"),
            Msg::TransferModel(..) => (url!("models", "MsgTransferModelOwnership"), "models"),
            Msg::RegisterOperator(..) => {
                (url!("attribution", "MsgRegisterOperator"), "attribution")
            }
            Msg::UnbondOperator(..) => (url!("attribution", "MsgUnbondOperator"), "attribution"),
            Msg::ReportUsage(..) => (url!("attribution", "MsgReportUsage"), "attribution"),
            Msg::ClaimRewards(..) => (url!("attribution", "MsgClaimRewards"), "attribution"),
            Msg::ChallengeUsage(..) => (url!("attribution", "MsgChallengeUsage"), "attribution"),
            Msg::ResolveChallenge(..) => {
                (url!("attribution", "MsgResolveChallenge"), "attribution")
            }
        }
    }

    pub fn signer(&self) -> &Address {
        match self {
            Msg::BankSend(m) => &m.from,
            Msg::CreateDataset(_, a)
            | Msg::Contribute(_, a)
            | Msg::ReviewContributions(_, a)
            | Msg::UpdateCurator(_, a, _)
            | Msg::CreateLicense(_, a)
            | Msg::AttachLicense(_, a, _)
            | Msg::RetireLicense(_, a, _)
            | Msg::AcquireLicense(_, a, _, _)
            | Msg::TopUpGrant(_, a, _)
            | Msg::ReleaseGrant(_, a)
            | Msg::RegisterModel(_, a)
            | Msg::PublishVersion(_, a)
            | Msg::TransferModel(_, a, _)
            | Msg::RegisterOperator(_, a, _)
            | Msg::UnbondOperator(_, a)
            | Msg::ReportUsage(_, a)
            | Msg::ClaimRewards(_, a)
            | Msg::ChallengeUsage(_, a, _)
            | Msg::ResolveChallenge(_, a) => a,
        }
    }
}

/// A response as TxMsgData carries it: its type URL is the message's plus "Response".
fn response(msg: &Msg, value: Vec<u8>) -> Any {
    Any {
        type_url: format!("{}Response", msg.type_url().0),
        value,
    }
}

/// Executes one message; returns its response for TxMsgData.
pub fn execute(ctx: &mut Ctx, msg: &Msg) -> Result<Any, Failure> {
    let (action, module) = msg.type_url();
    ctx.emit(event(
        "message",
        &[
            ("action", action.to_string()),
            ("sender", msg.signer().to_bech32()),
            ("module", module.to_string()),
        ],
    ));
    let value = match msg {
        Msg::BankSend(m) => {
            bank::msgs::handle_send(ctx, &auth::Keeper, m)?;
            Vec::new()
        }
        Msg::CreateDataset(m, who) => {
            datasets::msgs::create(ctx, &licenses::Keeper, m, who)?.encode_to_vec()
        }
        Msg::Contribute(m, who) => datasets::msgs::contribute(ctx, m, who)?.encode_to_vec(),
        Msg::ReviewContributions(m, who) => {
            datasets::msgs::review(ctx, m, who)?;
            Vec::new()
        }
        Msg::UpdateCurator(m, who, new) => {
            datasets::msgs::update_curator(ctx, m, who, new)?;
            Vec::new()
        }
        Msg::CreateLicense(m, who) => licenses::msgs::create(ctx, m, who)?.encode_to_vec(),
        Msg::AttachLicense(m, who, target) => {
            licenses::msgs::attach(ctx, &Registry, m.license_id, who, *target)?;
            Vec::new()
        }
        Msg::RetireLicense(m, who, target) => {
            licenses::msgs::retire(ctx, &Registry, m, who, *target)?;
            Vec::new()
        }
        Msg::AcquireLicense(m, who, target, escrow) => {
            licenses::msgs::acquire(ctx, &Registry, m, who, *target, *escrow)?.encode_to_vec()
        }
        Msg::TopUpGrant(m, who, amount) => {
            licenses::msgs::top_up(ctx, m, who, *amount)?;
            Vec::new()
        }
        Msg::ReleaseGrant(m, who) => licenses::msgs::release(ctx, m, who)?.encode_to_vec(),
        Msg::RegisterModel(m, who) => models::msgs::register(ctx, m, who)?.encode_to_vec(),
        Msg::PublishVersion(m, who) => {
            models::msgs::publish(ctx, &licenses::Keeper, &datasets::Keeper, m, who)?
                .encode_to_vec()
        }
        Msg::TransferModel(m, who, new) => {
            models::msgs::transfer(ctx, m, who, new)?;
            Vec::new()
        }
        Msg::RegisterOperator(m, who, bond) => {
            attribution::msgs::register(ctx, &Registry, m, who, *bond)?;
            Vec::new()
        }
        Msg::UnbondOperator(m, who) => attribution::msgs::unbond(ctx, m, who)?.encode_to_vec(),
        Msg::ReportUsage(m, who) => {
            attribution::msgs::report(ctx, &Registry, &licenses::Keeper, m, who)?.encode_to_vec()
        }
        Msg::ClaimRewards(_, who) => attribution::msgs::claim(ctx, who)?.encode_to_vec(),
        Msg::ChallengeUsage(m, who, bond) => {
            attribution::challenge::challenge(ctx, m, who, *bond)?.encode_to_vec()
        }
        Msg::ResolveChallenge(m, who) => {
            attribution::challenge::resolve(ctx, &licenses::Keeper, m, who)?.encode_to_vec()
        }
    };
    Ok(response(msg, value))
}
