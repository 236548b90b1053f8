//! Builds signed transactions in-process, for unit tests and benchmarks (the CLI is the client
//! for everything else).

// Test support only: a failure here is a broken test, so it may panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::base::v1beta1::Coin;
use cosmrs::proto::cosmos::crypto::secp256k1::PubKey;
use cosmrs::proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmrs::proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignDoc, SignerInfo, TxBody, TxRaw,
};
use k256::ecdsa::signature::Signer;
use k256::ecdsa::{Signature, SigningKey};
use prost::Message;
use tendermint_proto::google::protobuf::Any;

use crate::context::BlockHeader;
use crate::error::AbciError;
use crate::modules::auth::genesis::SECP256K1_PUBKEY_URL;
use crate::store::Substore;
use openledger_types::Address;

type ExecTxResult = tendermint_proto::v0_38::abci::ExecTxResult;

/// A deterministic test key: the secret is sha256(seed).
pub struct TestKey {
    key: SigningKey,
}

impl TestKey {
    pub fn from_seed(seed: &str) -> Self {
        use sha2::{Digest, Sha256};
        let secret = Sha256::digest(seed.as_bytes());
        TestKey {
            key: SigningKey::from_slice(&secret).expect("sha256 output is a valid secret"),
        }
    }

    pub fn public_key(&self) -> Vec<u8> {
        self.key
            .verifying_key()
            .to_encoded_point(true)
            .as_bytes()
            .to_vec()
    }

    pub fn address(&self) -> Address {
        Address::from_secp256k1(&self.public_key())
    }

    /// A secp256k1 signature (r || s) over sha256(`bytes`), as Cosmos keys sign.
    pub fn sign(&self, bytes: &[u8]) -> Vec<u8> {
        let signature: Signature = self.key.sign(bytes);
        signature.to_bytes().to_vec()
    }
}

/// Everything a signed tx needs besides its messages.
#[derive(Clone, Debug)]
pub struct TxParams {
    pub chain_id: String,
    pub account_number: u64,
    pub sequence: u64,
    pub gas_limit: u64,
    pub fee: Vec<Coin>,
    pub memo: String,
}

pub fn coin(amount: u128, denom: &str) -> Coin {
    Coin {
        denom: denom.into(),
        amount: amount.to_string(),
    }
}

pub fn msg_send(from: &Address, to: &Address, amount: Vec<Coin>) -> Any {
    let msg = MsgSend {
        from_address: from.to_bech32(),
        to_address: to.to_bech32(),
        amount,
    };
    Any {
        type_url: <MsgSend as prost::Name>::type_url(),
        value: msg.encode_to_vec(),
    }
}

/// Signs `messages` with SIGN_MODE_DIRECT and returns the encoded TxRaw.
pub fn sign_tx(key: &TestKey, messages: Vec<Any>, p: &TxParams) -> Vec<u8> {
    let body = TxBody {
        messages,
        memo: p.memo.clone(),
        ..Default::default()
    };
    let signer = SignerInfo {
        public_key: Some(Any {
            type_url: SECP256K1_PUBKEY_URL.into(),
            value: PubKey {
                key: key.public_key(),
            }
            .encode_to_vec(),
        }),
        mode_info: Some(ModeInfo {
            sum: Some(mode_info::Sum::Single(mode_info::Single {
                mode: SignMode::Direct as i32,
            })),
        }),
        sequence: p.sequence,
    };
    let auth_info = AuthInfo {
        signer_infos: vec![signer],
        fee: Some(Fee {
            amount: p.fee.clone(),
            gas_limit: p.gas_limit,
            payer: String::new(),
            granter: String::new(),
        }),
        ..Default::default()
    };
    let (body_bytes, auth_info_bytes) = (body.encode_to_vec(), auth_info.encode_to_vec());
    let doc = SignDoc {
        body_bytes: body_bytes.clone(),
        auth_info_bytes: auth_info_bytes.clone(),
        chain_id: p.chain_id.clone(),
        account_number: p.account_number,
    };
    let signature: Signature = key.key.sign(&doc.encode_to_vec());
    TxRaw {
        body_bytes,
        auth_info_bytes,
        signatures: vec![signature.to_bytes().to_vec()],
    }
    .encode_to_vec()
}

/// A chain in-process: the real App over RocksDB in a temp dir, fed blocks directly.
pub struct TestChain {
    pub app: crate::App,
    pub chain_id: String,
    _dir: tempfile::TempDir,
}

/// Funds given to every account of a [`TestChain`].
pub const TEST_FUNDS: u128 = 1_000_000_000_000;

/// The fee [`TestChain::exec`] pays for every tx, accepted or refused.
pub const TEST_FEE: u128 = 250_000;

/// Every module account: MsgSend must pay none of them (x/bank's blocked addresses).
pub fn module_accounts() -> [Address; 5] {
    use crate::modules::{attribution, bank, licenses};
    [
        bank::fee_collector(),
        licenses::escrow_account(),
        attribution::rewards_account(),
        attribution::bonds_account(),
        attribution::challenge::challenge_bonds_account(),
    ]
}

impl TestChain {
    /// Genesis with each key funded with [`TEST_FUNDS`] uopen; account numbers follow the order.
    pub fn new(keys: &[&TestKey]) -> Self {
        Self::with_genesis(keys, |_| {})
    }

    /// Like [`new`](Self::new), with a last say over the genesis.
    pub fn with_genesis(
        keys: &[&TestKey],
        edit: impl FnOnce(&mut crate::genesis::AppGenesis),
    ) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        // Every test block is checked against the invariants; benches turn this off.
        let app = crate::App::new(crate::store::Storage::open(dir.path(), 0).expect("store"))
            .expect("app")
            .with_invariant_checks(true);
        let mut genesis = crate::genesis::AppGenesis::default();
        for key in keys {
            let coins = [crate::modules::bank::genesis::GenesisCoin {
                denom: "uopen".into(),
                amount: TEST_FUNDS.to_string(),
            }];
            genesis
                .add_account(&key.address().to_bech32(), &coins)
                .expect("genesis account");
        }
        edit(&mut genesis);
        let chain_id = "openledger-test-1".to_string();
        app.init_chain(
            &chain_id,
            serde_json::to_string(&genesis).expect("json").as_bytes(),
        )
        .expect("init");
        TestChain {
            app,
            chain_id,
            _dir: dir,
        }
    }

    /// One block holding `txs`, committed; the txs' results.
    pub fn block(&self, txs: Vec<Vec<u8>>) -> Vec<ExecTxResult> {
        let height = self.app.committed().height + 1;
        let outcome = self
            .app
            .finalize_block(&BlockHeader::at(height), &txs)
            .expect("finalize");
        self.app.commit().expect("commit");
        outcome.tx_results
    }

    /// Signs `messages` as `key` (number and sequence read from state) and runs them in a block.
    pub fn exec(&self, key: &TestKey, messages: Vec<Any>) -> ExecTxResult {
        let account = self.account(key);
        let p = TxParams {
            chain_id: self.chain_id.clone(),
            account_number: account.account_number,
            sequence: account.sequence,
            gas_limit: 10_000_000,
            fee: vec![coin(TEST_FEE, "uopen")],
            memo: String::new(),
        };
        self.block(vec![sign_tx(key, messages, &p)]).remove(0)
    }

    /// Like [`exec`](Self::exec), for a tx that must be accepted: its first message's response.
    pub fn exec_ok<M: Message + Default>(&self, key: &TestKey, messages: Vec<Any>) -> M {
        ok(self.exec(key, messages))
    }

    /// Like [`exec`](Self::exec), for a tx that must be refused with `expected`'s codespace and
    /// code: its log.
    pub fn exec_refused(
        &self,
        key: &TestKey,
        messages: Vec<Any>,
        expected: &(impl AbciError + ?Sized),
    ) -> String {
        refused(self.exec(key, messages), expected)
    }

    /// The committed root of one substore's tree: it moves exactly when the substore's contents
    /// do.
    pub fn substore_root(&self, store: Substore) -> [u8; 32] {
        let height = self.app.committed().height;
        self.app
            .storage()
            .substore_root(store, height)
            .expect("substore root")
    }

    /// The substores whose contents changed while `f` ran, in [`Substore::ALL`] order, leaving
    /// out the ibc substore: every block writes its host consensus state there, whatever its txs.
    pub fn moved_by<T>(&self, f: impl FnOnce() -> T) -> (T, Vec<Substore>) {
        let before = Substore::ALL.map(|store| self.substore_root(store));
        let out = f();
        let moved = Substore::ALL
            .into_iter()
            .zip(before)
            .filter(|&(store, _)| store != Substore::Ibc)
            .filter(|&(store, root)| self.substore_root(store) != root)
            .map(|(store, _)| store)
            .collect();
        (out, moved)
    }

    pub fn account(&self, key: &TestKey) -> cosmrs::proto::cosmos::auth::v1beta1::BaseAccount {
        let storage = self.app.storage();
        crate::modules::auth::Keeper::account(
            &mut crate::context::Unmetered(&storage),
            &key.address(),
        )
        .expect("read")
        .expect("account exists")
    }

    pub fn balance(&self, addr: &Address) -> u128 {
        let storage = self.app.storage();
        crate::modules::bank::Keeper::balance(
            &mut crate::context::Unmetered(&storage),
            addr,
            "uopen",
        )
        .expect("read")
    }

    /// A gRPC query by method path, decoded; Err((code, log)) when refused.
    pub fn query<Req: Message, Resp: Message + Default>(
        &self,
        path: &str,
        request: &Req,
    ) -> Result<Resp, (u32, String)> {
        let response = self.app.query(path, &request.encode_to_vec(), 0, false);
        if response.code != 0 {
            return Err((response.code, response.log));
        }
        Ok(Resp::decode(response.value.as_ref()).expect("response decodes"))
    }
}

/// The response of an accepted tx's first message; panics with the log if the tx was refused.
pub fn ok<M: Message + Default>(result: ExecTxResult) -> M {
    assert_eq!(result.code, 0, "{}", result.log);
    let data = cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData::decode(result.data.as_ref())
        .expect("tx data decodes");
    M::decode(data.msg_responses[0].value.as_slice()).expect("response decodes")
}

/// Asserts a tx was refused with `expected`'s codespace and code (the fields of the variant do not
/// matter); the log, for the caller to check further.
pub fn refused(result: ExecTxResult, expected: &(impl AbciError + ?Sized)) -> String {
    assert_eq!(
        (result.codespace.as_str(), result.code),
        (expected.codespace(), expected.code()),
        "expected {}/{} ({expected}): {}",
        expected.codespace(),
        expected.code(),
        result.log
    );
    result.log
}

/// Packs a generated message as an Any with its full type URL.
pub fn any<M: Message>(type_url: &str, msg: &M) -> Any {
    Any {
        type_url: type_url.into(),
        value: msg.encode_to_vec(),
    }
}
