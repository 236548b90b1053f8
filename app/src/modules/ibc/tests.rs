use super::*;
use crate::context::Unmetered;
use crate::testkit::{TestChain, TestKey};

fn host_state(chain: &TestChain, height: u64) -> Option<HostConsensusState> {
    let storage = chain.app.storage();
    Keeper::host_consensus_state(&mut Unmetered(&storage), height).unwrap()
}

#[test]
fn every_block_records_its_time_and_the_app_hash_its_header_carries() {
    let key = TestKey::from_seed("host");
    let chain = TestChain::new(&[&key]);
    let mut app_hashes = vec![chain.app.committed().app_hash];
    for _ in 0..3 {
        chain.block(vec![]);
        app_hashes.push(chain.app.committed().app_hash);
    }
    for height in 1..=3u64 {
        let state = host_state(&chain, height).expect("recorded");
        let header = BlockHeader::at(height);
        assert_eq!(state.timestamp_nanos, header.time_nanos);
        // The header of block h carries the app hash that block h-1 committed.
        assert_eq!(state.root, app_hashes[height as usize - 1].to_vec());
    }
    assert_eq!(host_state(&chain, 4), None, "not yet produced");
}

#[test]
fn the_host_history_keeps_the_advertised_historical_entries_and_no_more() {
    let key = TestKey::from_seed("host");
    let chain = TestChain::with_genesis(&[&key], |g| g.auth.staking.historical_entries = 3);
    for _ in 0..10 {
        chain.block(vec![]);
    }
    let kept: Vec<u64> = (0..=10)
        .filter(|h| host_state(&chain, *h).is_some())
        .collect();
    assert_eq!(kept, vec![8, 9, 10]);
}

#[test]
fn a_window_of_zero_still_keeps_the_last_block_whose_time_check_tx_reads() {
    let key = TestKey::from_seed("host");
    let chain = TestChain::with_genesis(&[&key], |g| g.auth.staking.historical_entries = 0);
    for _ in 0..4 {
        chain.block(vec![]);
    }
    let kept: Vec<u64> = (0..=4)
        .filter(|h| host_state(&chain, *h).is_some())
        .collect();
    assert_eq!(kept, vec![4]);
}
