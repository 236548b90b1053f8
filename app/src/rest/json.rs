//! The gateway's JSON of each response type the REST routes serve, from the SDK's protos: proto
//! field names, zero fields printed, 64-bit integers as strings, bytes as base64.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use cosmrs::proto::cosmos::auth::v1beta1::{BaseAccount, Params as AuthParams};
use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::base::query::v1beta1::PageResponse;
use cosmrs::proto::cosmos::base::tendermint::v1beta1::GetNodeInfoResponse;
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmos::staking::v1beta1::Params as StakingParams;
use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmrs::proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, SimulateResponse, TxBody, TxRaw};
use prost::Message;
use serde_json::{json, Value};
use tendermint_proto::google::protobuf::Any;

const BASE_ACCOUNT: &str = "/cosmos.auth.v1beta1.BaseAccount";
const SECP256K1_PUBKEY: &str = "/cosmos.crypto.secp256k1.PubKey";
const MSG_SEND: &str = "/cosmos.bank.v1beta1.MsgSend";

/// An `Any` with its message's fields beside `@type`, as the gateway expands it; a type this
/// chain never stores in one is printed as its raw value.
pub fn any(any: Option<&Any>) -> Value {
    let Some(any) = any else {
        return Value::Null;
    };
    let fields = match any.type_url.as_str() {
        BASE_ACCOUNT => BaseAccount::decode(any.value.as_slice()).ok().map(|a| {
            json!({
                "address": a.address,
                "pub_key": self::any(a.pub_key.as_ref()),
                "account_number": a.account_number.to_string(),
                "sequence": a.sequence.to_string(),
            })
        }),
        SECP256K1_PUBKEY => PubKey::decode(any.value.as_slice())
            .ok()
            .map(|k| json!({ "key": BASE64.encode(k.key) })),
        MSG_SEND => MsgSend::decode(any.value.as_slice()).ok().map(|m| {
            json!({
                "from_address": m.from_address,
                "to_address": m.to_address,
                "amount": coins(&m.amount),
            })
        }),
        // The chain's own messages print through the JSON generated from their protos.
        url => openledger_proto::message_json(url, &any.value).and_then(Result::ok),
    };
    let mut out = fields.unwrap_or_else(|| json!({ "value": BASE64.encode(&any.value) }));
    if let Value::Object(map) = &mut out {
        map.insert("@type".into(), Value::String(any.type_url.clone()));
    }
    out
}

pub fn auth_params(p: &AuthParams) -> Value {
    json!({
        "max_memo_characters": p.max_memo_characters.to_string(),
        "tx_sig_limit": p.tx_sig_limit.to_string(),
        "tx_size_cost_per_byte": p.tx_size_cost_per_byte.to_string(),
        "sig_verify_cost_ed25519": p.sig_verify_cost_ed25519.to_string(),
        "sig_verify_cost_secp256k1": p.sig_verify_cost_secp256k1.to_string(),
    })
}

pub fn coin(c: &Coin) -> Value {
    json!({ "denom": c.denom, "amount": c.amount })
}

pub fn coins(coins: &[Coin]) -> Value {
    Value::Array(coins.iter().map(coin).collect())
}

pub fn page(p: Option<&PageResponse>) -> Value {
    match p {
        Some(p) => json!({
            "next_key": (!p.next_key.is_empty()).then(|| BASE64.encode(&p.next_key)),
            "total": p.total.to_string(),
        }),
        None => Value::Null,
    }
}

/// A protobuf Duration in proto3 JSON: seconds, with the fraction only when there is one.
fn duration(seconds: i64, nanos: i32) -> String {
    if nanos == 0 {
        format!("{seconds}s")
    } else {
        format!("{seconds}.{:09}s", nanos.unsigned_abs())
    }
}

pub fn staking_params(p: &StakingParams) -> Value {
    let unbonding = p
        .unbonding_time
        .as_ref()
        .map(|d| duration(d.seconds, d.nanos));
    json!({
        "unbonding_time": unbonding,
        "max_validators": p.max_validators,
        "max_entries": p.max_entries,
        "historical_entries": p.historical_entries,
        "bond_denom": p.bond_denom,
        "min_commission_rate": p.min_commission_rate,
    })
}

pub fn node_info(r: &GetNodeInfoResponse) -> Value {
    let default_node_info = r.default_node_info.as_ref().map(|n| {
        json!({
            "protocol_version": n.protocol_version.as_ref().map(|v| json!({
                "p2p": v.p2p.to_string(),
                "block": v.block.to_string(),
                "app": v.app.to_string(),
            })),
            "default_node_id": n.default_node_id,
            "listen_addr": n.listen_addr,
            "network": n.network,
            "version": n.version,
            "channels": BASE64.encode(&n.channels),
            "moniker": n.moniker,
            "other": n.other.as_ref().map(|o| json!({
                "tx_index": o.tx_index,
                "rpc_address": o.rpc_address,
            })),
        })
    });
    let application_version = r.application_version.as_ref().map(|v| {
        json!({
            "name": v.name,
            "app_name": v.app_name,
            "version": v.version,
            "git_commit": v.git_commit,
            "build_tags": v.build_tags,
            "go_version": v.go_version,
            "build_deps": v.build_deps.iter().map(|m| json!({
                "path": m.path,
                "version": m.version,
                "sum": m.sum,
            })).collect::<Vec<_>>(),
            "cosmos_sdk_version": v.cosmos_sdk_version,
        })
    });
    json!({
        "default_node_info": default_node_info,
        "application_version": application_version,
    })
}

pub fn simulate(r: &SimulateResponse) -> Value {
    let gas_info = r.gas_info.as_ref().map(|g| {
        json!({
            "gas_wanted": g.gas_wanted.to_string(),
            "gas_used": g.gas_used.to_string(),
        })
    });
    let result = r.result.as_ref().map(|res| {
        #[allow(deprecated)]
        let data = BASE64.encode(&res.data);
        json!({
            "data": data,
            "log": res.log,
            "events": res.events.iter().map(|e| json!({
                "type": e.r#type,
                "attributes": e.attributes.iter().map(|a| json!({
                    "key": a.key,
                    "value": a.value,
                    "index": a.index,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "msg_responses": res.msg_responses.iter().map(|m| self::any(Some(m))).collect::<Vec<_>>(),
        })
    });
    json!({ "gas_info": gas_info, "result": result })
}

/// A committed tx (TxRaw bytes) as the gateway prints a `cosmos.tx.v1beta1.Tx`: its messages
/// and keys expanded, the signed bytes decoded.
pub fn tx(bytes: &[u8]) -> Value {
    let Ok(raw) = TxRaw::decode(bytes) else {
        return Value::Null;
    };
    let body = TxBody::decode(raw.body_bytes.as_slice()).ok().map(|b| {
        json!({
            "messages": b.messages.iter().map(|m| any(Some(m))).collect::<Vec<_>>(),
            "memo": b.memo,
            "timeout_height": b.timeout_height.to_string(),
            "extension_options": b.extension_options.iter().map(|m| any(Some(m))).collect::<Vec<_>>(),
            "non_critical_extension_options":
                b.non_critical_extension_options.iter().map(|m| any(Some(m))).collect::<Vec<_>>(),
        })
    });
    let auth_info = AuthInfo::decode(raw.auth_info_bytes.as_slice())
        .ok()
        .map(|a| {
            let signer_infos: Vec<Value> = a
                .signer_infos
                .iter()
                .map(|s| {
                    let mode = match s.mode_info.as_ref().and_then(|m| m.sum.as_ref()) {
                        Some(mode_info::Sum::Single(single)) => json!({ "single": {
                            "mode": SignMode::try_from(single.mode)
                                .map_or("SIGN_MODE_UNSPECIFIED", |m| m.as_str_name())
                        }}),
                        _ => Value::Null,
                    };
                    json!({
                        "public_key": any(s.public_key.as_ref()),
                        "mode_info": mode,
                        "sequence": s.sequence.to_string(),
                    })
                })
                .collect();
            let fee = a.fee.as_ref().map(|f| {
                json!({
                    "amount": coins(&f.amount),
                    "gas_limit": f.gas_limit.to_string(),
                    "payer": f.payer,
                    "granter": f.granter,
                })
            });
            json!({ "signer_infos": signer_infos, "fee": fee, "tip": null })
        });
    json!({
        "@type": "/cosmos.tx.v1beta1.Tx",
        "body": body,
        "auth_info": auth_info,
        "signatures": raw.signatures.iter().map(|s| BASE64.encode(s)).collect::<Vec<_>>(),
    })
}

/// A tx result's events as the gateway prints them.
pub fn abci_events(events: &[tendermint::abci::Event]) -> Value {
    Value::Array(
        events
            .iter()
            .map(|e| {
                let attributes: Vec<Value> = e
                    .attributes
                    .iter()
                    .map(|a| {
                        json!({
                            "key": String::from_utf8_lossy(a.key_bytes()),
                            "value": String::from_utf8_lossy(a.value_bytes()),
                            "index": a.index(),
                        })
                    })
                    .collect();
                json!({ "type": e.kind, "attributes": attributes })
            })
            .collect(),
    )
}

/// A protobuf timestamp in proto3 JSON (RFC 3339, UTC).
fn timestamp(t: Option<&tendermint_proto::google::protobuf::Timestamp>) -> Value {
    t.and_then(|t| tendermint::Time::try_from(*t).ok())
        .map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

fn block_id(id: Option<&tendermint_proto::v0_38::types::BlockId>) -> Value {
    id.map_or(Value::Null, |id| {
        json!({
            "hash": BASE64.encode(&id.hash),
            "part_set_header": id.part_set_header.as_ref().map(|p| json!({
                "total": p.total,
                "hash": BASE64.encode(&p.hash),
            })),
        })
    })
}

/// A block as the gateway prints `cosmos.base.tendermint.v1beta1.GetBlockByHeightResponse`:
/// `block_id`, `block` (the CometBFT block in proto3 JSON) and `sdk_block` (the same, with the
/// proposer as a bech32 consensus address, `valcons_prefix`).
pub fn block(id: &tendermint::block::Id, block: tendermint::Block, valcons_prefix: &str) -> Value {
    use tendermint_proto::v0_38::types::{BlockId, BlockIdFlag};
    let raw_id: BlockId = (*id).into();
    let raw: tendermint_proto::v0_38::types::Block = block.into();
    let header = raw.header.as_ref().map(|h| {
        json!({
            "version": h.version.as_ref().map(|v| json!({
                "block": v.block.to_string(),
                "app": v.app.to_string(),
            })),
            "chain_id": h.chain_id,
            "height": h.height.to_string(),
            "time": timestamp(h.time.as_ref()),
            "last_block_id": block_id(h.last_block_id.as_ref()),
            "last_commit_hash": BASE64.encode(&h.last_commit_hash),
            "data_hash": BASE64.encode(&h.data_hash),
            "validators_hash": BASE64.encode(&h.validators_hash),
            "next_validators_hash": BASE64.encode(&h.next_validators_hash),
            "consensus_hash": BASE64.encode(&h.consensus_hash),
            "app_hash": BASE64.encode(&h.app_hash),
            "last_results_hash": BASE64.encode(&h.last_results_hash),
            "evidence_hash": BASE64.encode(&h.evidence_hash),
            "proposer_address": BASE64.encode(&h.proposer_address),
        })
    });
    let last_commit = raw.last_commit.as_ref().map(|c| {
        let signatures: Vec<Value> = c
            .signatures
            .iter()
            .map(|s| {
                let flag = BlockIdFlag::try_from(s.block_id_flag)
                    .map_or("BLOCK_ID_FLAG_UNKNOWN", |f| f.as_str_name());
                json!({
                    "block_id_flag": flag,
                    "validator_address": BASE64.encode(&s.validator_address),
                    "timestamp": timestamp(s.timestamp.as_ref()),
                    "signature": BASE64.encode(&s.signature),
                })
            })
            .collect();
        json!({
            "height": c.height.to_string(),
            "round": c.round,
            "block_id": block_id(c.block_id.as_ref()),
            "signatures": signatures,
        })
    });
    let txs: Vec<Value> = raw
        .data
        .iter()
        .flat_map(|d| &d.txs)
        .map(|tx| Value::String(BASE64.encode(tx)))
        .collect();
    let evidence = raw.evidence.as_ref().map_or(0, |e| e.evidence.len());
    let cometbft_block = json!({
        "header": header,
        "data": { "txs": txs },
        // Evidence is printed by count only: this chain has no slashing to act on it yet.
        "evidence": { "evidence": vec![Value::Null; evidence] },
        "last_commit": last_commit,
    });
    let mut sdk_block = cometbft_block.clone();
    let proposer = raw.header.as_ref().map(|h| h.proposer_address.clone());
    if let Some(bech) = proposer.and_then(|p| {
        let hrp = bech32::Hrp::parse(valcons_prefix).ok()?;
        bech32::encode::<bech32::Bech32>(hrp, &p).ok()
    }) {
        let slot = sdk_block
            .get_mut("header")
            .and_then(|h| h.get_mut("proposer_address"));
        if let Some(slot) = slot {
            *slot = Value::String(bech);
        }
    }
    json!({ "block_id": block_id(Some(&raw_id)), "block": cometbft_block, "sdk_block": sdk_block })
}
