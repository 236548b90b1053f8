use super::*;

type Item<'a> = (Substore, &'a [u8], Option<&'a [u8]>);

fn writes(items: &[Item]) -> Writes {
    items
        .iter()
        .map(|(s, k, v)| ((*s, k.to_vec()), v.map(|v| v.to_vec())))
        .collect()
}

fn verify(proof: &ics23::CommitmentProof, root: &[u8], key: &[u8], value: &[u8]) -> bool {
    ics23::verify_membership::<ics23::HostFunctionsManager>(
        proof,
        &jmt::ics23_spec(),
        &root.to_vec(),
        key,
        value,
    )
}

#[test]
fn commits_versions_and_proves_keys_in_two_levels() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(dir.path(), 0).unwrap();
    let genesis = storage
        .prepare(
            0,
            writes(&[
                (Substore::Bank, b"alice", Some(b"10")),
                (Substore::Auth, b"acct", Some(b"1")),
            ]),
        )
        .unwrap();
    let c0 = storage.commit(genesis).unwrap();
    let b1 = storage
        .prepare(1, writes(&[(Substore::Bank, b"alice", Some(b"7"))]))
        .unwrap();
    let c1 = storage.commit(b1).unwrap();
    assert_ne!(c0.app_hash, c1.app_hash);
    assert_eq!(storage.committed().unwrap(), c1);

    assert_eq!(
        storage
            .get_at(Substore::Bank, b"alice", 0)
            .unwrap()
            .as_deref(),
        Some(&b"10"[..])
    );
    assert_eq!(
        storage
            .get_at(Substore::Bank, b"alice", 1)
            .unwrap()
            .as_deref(),
        Some(&b"7"[..])
    );
    assert_eq!(
        storage
            .get_latest(Substore::Bank, b"alice")
            .unwrap()
            .as_deref(),
        Some(&b"7"[..])
    );

    let (value, key_proof, store_proof) =
        storage.get_with_proof(Substore::Bank, b"alice", 1).unwrap();
    assert_eq!(value.as_deref(), Some(&b"7"[..]));
    let ics23::commitment_proof::Proof::Exist(exist) = key_proof.proof.clone().unwrap() else {
        panic!("existence")
    };
    let bank_root = ics23::calculate_existence_root::<ics23::HostFunctionsManager>(&exist).unwrap();
    assert!(verify(&key_proof, &bank_root, b"alice", b"7"));
    assert!(!verify(&key_proof, &bank_root, b"alice", b"8"));
    assert!(verify(&store_proof, &c1.app_hash, b"bank", &bank_root));
    // An unchanged substore still proves at the new height.
    let (_, _, auth_proof) = storage.get_with_proof(Substore::Auth, b"acct", 1).unwrap();
    assert!(matches!(
        auth_proof.proof,
        Some(ics23::commitment_proof::Proof::Exist(_))
    ));
}

#[test]
fn app_hash_depends_only_on_state_not_on_history_of_empty_blocks() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (
        Storage::open(d1.path(), 0).unwrap(),
        Storage::open(d2.path(), 0).unwrap(),
    );
    let w = writes(&[(Substore::Bank, b"k", Some(b"v"))]);
    let ha = a.commit(a.prepare(0, w.clone()).unwrap()).unwrap();
    let hb = b.commit(b.prepare(0, w).unwrap()).unwrap();
    assert_eq!(ha, hb);
    let ha = a.commit(a.prepare(1, Writes::new()).unwrap()).unwrap();
    assert_eq!(ha.app_hash, hb.app_hash, "an empty block keeps the root");
}

#[test]
fn deletes_leave_latest_and_tree_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), 0).unwrap();
    s.commit(
        s.prepare(
            0,
            writes(&[
                (Substore::Bank, b"a1", Some(b"x")),
                (Substore::Bank, b"a2", Some(b"y")),
            ]),
        )
        .unwrap(),
    )
    .unwrap();
    s.commit(
        s.prepare(1, writes(&[(Substore::Bank, b"a1", None)]))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(s.get_latest(Substore::Bank, b"a1").unwrap(), None);
    assert_eq!(s.get_at(Substore::Bank, b"a1", 1).unwrap(), None);
    assert_eq!(
        s.prefix_latest(Substore::Bank, b"a").unwrap(),
        vec![(b"a2".to_vec(), b"y".to_vec())]
    );
}

#[test]
fn pruning_keeps_the_window_and_refuses_older_heights() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), 2).unwrap();
    for h in 0..6u64 {
        let v = h.to_string();
        s.commit(
            s.prepare(h, writes(&[(Substore::Bank, b"k", Some(v.as_bytes()))]))
                .unwrap(),
        )
        .unwrap();
    }
    assert_eq!(
        s.get_at(Substore::Bank, b"k", 5).unwrap().as_deref(),
        Some(&b"5"[..])
    );
    assert_eq!(
        s.get_at(Substore::Bank, b"k", 4).unwrap().as_deref(),
        Some(&b"4"[..])
    );
    assert!(matches!(
        s.get_at(Substore::Bank, b"k", 3),
        Err(StoreError::HeightUnavailable { .. })
    ));
    // The next block still builds on the kept version.
    s.commit(
        s.prepare(6, writes(&[(Substore::Bank, b"k2", Some(b"z"))]))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        s.get_at(Substore::Bank, b"k", 6).unwrap().as_deref(),
        Some(&b"5"[..])
    );
}

fn verify_absent(proof: &ics23::CommitmentProof, root: &[u8], key: &[u8]) -> bool {
    ics23::verify_non_membership::<ics23::HostFunctionsManager>(
        proof,
        &jmt::ics23_spec(),
        &root.to_vec(),
        key,
    )
}

/// Commits heights `from..to`, each writing `k` = its height and whatever `extra` adds.
fn commit_heights(s: &Storage, heights: std::ops::Range<u64>, extra: impl Fn(u64) -> Writes) {
    for h in heights {
        let mut w = extra(h);
        w.insert(
            (Substore::Bank, b"k".to_vec()),
            Some(h.to_string().into_bytes()),
        );
        s.commit(s.prepare(h, w).unwrap()).unwrap();
    }
}

#[test]
fn pruning_deletes_superseded_values_and_the_preimages_of_deleted_keys() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), 3).unwrap();
    // `gone` lives from height 0 to its deletion at 2; `k` is rewritten at every height.
    commit_heights(&s, 0..20, |h| match h {
        0 => writes(&[(Substore::Bank, b"gone", Some(b"x"))]),
        2 => writes(&[(Substore::Bank, b"gone", None)]),
        _ => Writes::new(),
    });
    // Kept versions 17..=19 need k's rows at 17, 18 and 19 and nothing of `gone`.
    let bank_rows = |cf| s.rows_of(cf, Substore::Bank);
    assert_eq!(
        bank_rows(CF_VALUES),
        3,
        "superseded rows and the deletion marker are gone"
    );
    assert_eq!(bank_rows(CF_PREIMAGES), 1, "k's preimage alone");
    for h in 17..20 {
        assert_eq!(
            s.get_at(Substore::Bank, b"k", h).unwrap(),
            Some(h.to_string().into_bytes())
        );
        let (value, key_proof, store_proof) = s.get_with_proof(Substore::Bank, b"gone", h).unwrap();
        assert_eq!(value, None);
        let bank_root = s.substore_root(Substore::Bank, h).unwrap();
        assert!(verify_absent(&key_proof, &bank_root, b"gone"));
        let app_root = s.get_with_proof(Substore::Bank, b"k", h).unwrap().2;
        assert_eq!(store_proof, app_root);
    }
}

#[test]
fn a_key_deleted_and_written_again_keeps_its_preimage_through_pruning() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), 2).unwrap();
    commit_heights(&s, 0..10, |h| match h {
        1 => writes(&[(Substore::Bank, b"back", Some(b"1"))]),
        3 => writes(&[(Substore::Bank, b"back", None)]),
        5 => writes(&[(Substore::Bank, b"back", Some(b"2"))]),
        _ => Writes::new(),
    });
    let (value, proof, _) = s.get_with_proof(Substore::Bank, b"back", 9).unwrap();
    assert_eq!(value.as_deref(), Some(&b"2"[..]));
    let root = s.substore_root(Substore::Bank, 9).unwrap();
    assert!(verify(&proof, &root, b"back", b"2"));
    // A neighbour's non-existence proof reads `back`'s preimage.
    let (_, absent, _) = s.get_with_proof(Substore::Bank, b"b", 9).unwrap();
    assert!(verify_absent(&absent, &root, b"b"));
}

#[test]
fn an_archive_store_keeps_every_version() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), 0).unwrap();
    commit_heights(&s, 0..20, |_| Writes::new());
    assert_eq!(s.rows_of(CF_VALUES, Substore::Bank), 20);
    for h in 0..20 {
        assert_eq!(
            s.get_at(Substore::Bank, b"k", h).unwrap(),
            Some(h.to_string().into_bytes())
        );
    }
}

#[test]
fn a_pruning_backlog_is_spread_over_commits_and_then_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let keys = PRUNE_ROWS_PER_COMMIT + 1000;
    let all_keys = |value: &[u8]| -> Writes {
        (0..keys)
            .map(|i| {
                (
                    (Substore::Bank, i.to_be_bytes().to_vec()),
                    Some(value.to_vec()),
                )
            })
            .collect()
    };
    // An archive node that writes every key twice, reopened with a window of one version.
    let archive = Storage::open(dir.path(), 0).unwrap();
    archive
        .commit(archive.prepare(0, all_keys(b"a")).unwrap())
        .unwrap();
    archive
        .commit(archive.prepare(1, all_keys(b"b")).unwrap())
        .unwrap();
    drop(archive);
    let s = Storage::open(dir.path(), 1).unwrap();
    let superseded = |s: &Storage| s.rows_of(CF_VALUES, Substore::Bank) - keys;
    assert_eq!(superseded(&s), keys);
    let mut backlog = vec![];
    for h in 2..6 {
        s.commit(s.prepare(h, Writes::new()).unwrap()).unwrap();
        backlog.push(superseded(&s));
    }
    // Height 2 takes its share of entries, all of height 0 (which free nothing); height 3
    // goes on into those of height 1 and stops at its share too; then the backlog clears.
    assert_eq!(backlog[0], keys, "backlog {backlog:?}");
    assert!(backlog[1] > 0 && backlog[1] < keys, "backlog {backlog:?}");
    assert_eq!(backlog.last(), Some(&0), "backlog {backlog:?}");
    let stale_entries =
        s.db.iterator_cf(s.cf(CF_STALE_VALUES), IteratorMode::Start)
            .count();
    assert_eq!(stale_entries, 0, "every entry handled");
    assert_eq!(
        s.get_at(Substore::Bank, &7usize.to_be_bytes(), 5)
            .unwrap()
            .as_deref(),
        Some(&b"b"[..])
    );
}

#[test]
fn overlay_reads_its_writes_first_and_merges_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), 0).unwrap();
    s.commit(
        s.prepare(
            0,
            writes(&[
                (Substore::Bank, b"p1", Some(b"a")),
                (Substore::Bank, b"p2", Some(b"b")),
            ]),
        )
        .unwrap(),
    )
    .unwrap();
    let mut block = Overlay::new(&s);
    block.put(Substore::Bank, b"p3".to_vec(), b"c".to_vec());
    let mut tx = Overlay::new(&block);
    tx.delete(Substore::Bank, b"p1".to_vec());
    let keys: Vec<_> = tx
        .prefix(Substore::Bank, b"p")
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, vec![b"p2".to_vec(), b"p3".to_vec()]);
    assert_eq!(
        block.get(Substore::Bank, b"p1").unwrap().as_deref(),
        Some(&b"a"[..])
    );
    drop(tx);
    assert_eq!(
        s.get_latest(Substore::Bank, b"p3").unwrap(),
        None,
        "nothing persists before commit"
    );
}

fn keys(items: impl Iterator<Item = KeyValueResult>) -> Vec<Vec<u8>> {
    items.map(|item| item.unwrap().0).collect()
}

#[test]
fn storage_ranges_seek_to_their_start_and_end_with_their_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), 0).unwrap();
    s.commit(
        s.prepare(
            0,
            writes(&[
                (Substore::Bank, b"a9", Some(b"-")),
                (Substore::Bank, b"p1", Some(b"a")),
                (Substore::Bank, b"p2", Some(b"b")),
                (Substore::Bank, b"p3", Some(b"c")),
                (Substore::Bank, b"q1", Some(b"-")),
                (Substore::Models, b"p2", Some(b"-")),
            ]),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        keys(s.range(Substore::Bank, b"p", None)),
        vec![b"p1".to_vec(), b"p2".to_vec(), b"p3".to_vec()]
    );
    assert_eq!(
        keys(s.range(Substore::Bank, b"p", Some(b"p2"))),
        vec![b"p2".to_vec(), b"p3".to_vec()]
    );
    // A start before the prefix starts at the prefix; one past it reads nothing.
    assert_eq!(keys(s.range(Substore::Bank, b"p", Some(b"a"))).len(), 3);
    assert!(keys(s.range(Substore::Bank, b"p", Some(b"p4"))).is_empty());
    assert!(keys(s.range(Substore::Bank, b"p", Some(b"z"))).is_empty());
}

#[test]
fn an_overlay_range_merges_its_writes_over_its_parents_from_the_start_key() {
    let dir = tempfile::tempdir().unwrap();
    let s = Storage::open(dir.path(), 0).unwrap();
    s.commit(
        s.prepare(
            0,
            writes(&[
                (Substore::Bank, b"p1", Some(b"a")),
                (Substore::Bank, b"p2", Some(b"b")),
                (Substore::Bank, b"p4", Some(b"d")),
                (Substore::Bank, b"p6", Some(b"f")),
            ]),
        )
        .unwrap(),
    )
    .unwrap();
    let mut block = Overlay::new(&s);
    block.put(Substore::Bank, b"p3".to_vec(), b"c".to_vec());
    block.put(Substore::Bank, b"p4".to_vec(), b"D".to_vec());
    block.put(Substore::Models, b"p5".to_vec(), b"other store".to_vec());
    let mut tx = Overlay::new(&block);
    tx.delete(Substore::Bank, b"p1".to_vec());
    tx.delete(Substore::Bank, b"p3".to_vec());
    tx.delete(Substore::Bank, b"p9".to_vec());
    tx.put(Substore::Bank, b"p5".to_vec(), b"e".to_vec());
    tx.put(Substore::Bank, b"q".to_vec(), b"past the prefix".to_vec());
    let all: Vec<(Vec<u8>, Vec<u8>)> = tx
        .range(Substore::Bank, b"p", None)
        .map(Result::unwrap)
        .collect();
    let expected: Vec<(Vec<u8>, Vec<u8>)> = [("p2", "b"), ("p4", "D"), ("p5", "e"), ("p6", "f")]
        .iter()
        .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
        .collect();
    assert_eq!(all, expected);
    assert_eq!(
        keys(tx.range(Substore::Bank, b"p", Some(b"p3"))),
        vec![b"p4".to_vec(), b"p5".to_vec(), b"p6".to_vec()]
    );
    assert_eq!(
        keys(tx.range(Substore::Bank, b"p", Some(b"p5\0"))),
        vec![b"p6".to_vec()]
    );
}

#[test]
fn an_overlay_range_pulls_from_below_only_as_far_as_it_is_read() {
    let below: Writes = (0..10_000u32)
        .map(|i| {
            let key = [b"p".as_slice(), &i.to_be_bytes()].concat();
            ((Substore::Bank, key), Some(vec![1; 8]))
        })
        .collect();
    let counting = testing::Counting::new(below);
    let mut block = Overlay::new(&counting);
    block.put(Substore::Bank, b"p".to_vec(), b"first".to_vec());
    let tx = Overlay::new(&block);
    let read: Vec<_> = tx.range(Substore::Bank, b"p", None).take(5).collect();
    assert_eq!(read.len(), 5);
    assert!(
        counting.pulled() <= 5,
        "5 items read, {} pulled from the store",
        counting.pulled()
    );
    counting.reset();
    let start = [b"p".as_slice(), &9_000u32.to_be_bytes()].concat();
    let from_start: Vec<_> = tx
        .range(Substore::Bank, b"p", Some(&start))
        .take(3)
        .collect();
    assert_eq!(from_start[0].as_ref().unwrap().0, start);
    assert!(counting.pulled() <= 4, "a start key is a seek, not a scan");
}

#[test]
fn the_proof_specs_shipped_in_the_hermes_config_are_the_stores() {
    let config: toml::Table =
        toml::from_str(include_str!("../../../localnet/hermes/chain.toml")).unwrap();
    let chain = &config["chains"].as_array().unwrap()[0];
    assert_eq!(chain["store_prefix"].as_str(), Some(Substore::Ibc.name()));
    // Hermes takes a string of JSON, not a TOML array.
    let specs: Vec<ics23::ProofSpec> =
        serde_json::from_str(chain["proof_specs"].as_str().unwrap()).unwrap();
    assert_eq!(specs, proof_specs());
    assert!(specs.iter().all(|s| s.prehash_key_before_comparison));
}
