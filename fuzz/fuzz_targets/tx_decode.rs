//! Raw bytes as a tx: TxRaw decoding and the ante checks in CheckTx and Simulate mode on a real
//! App (RocksDB in a temp dir, one per process). Every input must end as a result code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openledger_app::testkit::{TestChain, TestKey};
use std::sync::OnceLock;

fn chain() -> &'static TestChain {
    static CHAIN: OnceLock<TestChain> = OnceLock::new();
    CHAIN.get_or_init(|| TestChain::new(&[&TestKey::from_seed("fuzz")]))
}

fuzz_target!(|data: &[u8]| {
    let chain = chain();
    let checked = chain.app.check_tx(data);
    let simulated = chain.app.simulate(data);
    // A refusal always names its codespace; an accepted tx has none.
    assert_eq!(
        checked.code == 0,
        checked.codespace.is_empty(),
        "{checked:?}"
    );
    assert_eq!(
        simulated.code == 0,
        simulated.codespace.is_empty(),
        "{simulated:?}"
    );
});
