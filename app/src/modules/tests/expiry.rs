//! Time running out: grants that expire and operators that unbond.

use super::*;

/// The licensee's grant (1,000 uopen of escrow) under a new 10 uopen-per-use licence on the
/// fine-tune whose grants last `duration` blocks.
fn short_grant(m: &Market, duration: u64) -> u64 {
    let short = license(
        &m.w,
        &m.w.tuner,
        lic::LicenseTerms {
            commercial_use: true,
            per_use_price: "10".into(),
            duration_blocks: duration,
            ..Default::default()
        },
    );
    let attach = lic::MsgAttachLicense {
        owner: m.w.tuner.address().to_bech32(),
        target: version_target(m.tuned),
        license_id: short,
    };
    assert_eq!(
        m.w.chain
            .exec(
                &m.w.tuner,
                vec![any(&url(LIC, "MsgAttachLicense"), &attach)]
            )
            .code,
        0
    );
    let buy = lic::MsgAcquireLicense {
        licensee: m.licensee.address().to_bech32(),
        target: version_target(m.tuned),
        license_id: short,
        escrow: "1000".into(),
    };
    // The operator is authorised in the same tx, so the grant's few blocks are not spent on it.
    let storage = m.w.chain.app.storage();
    let next =
        crate::modules::licenses::Keeper::last_grant_id(&mut crate::context::Unmetered(&storage))
            .unwrap()
            + 1;
    let authorize = lic::MsgAuthorizeOperator {
        licensee: m.licensee.address().to_bech32(),
        grant_id: next,
        operator: m.operator.address().to_bech32(),
        spend_limit: "1000".into(),
        expires_height: 0,
    };
    let grant = ok::<lic::MsgAcquireLicenseResponse>(m.w.chain.exec(
        &m.licensee,
        vec![
            any(&url(LIC, "MsgAcquireLicense"), &buy),
            any(&url(LIC, "MsgAuthorizeOperator"), &authorize),
        ],
    ))
    .grant_id;
    assert_eq!(grant, next);
    grant
}

#[test]
fn an_expired_grant_returns_its_unused_escrow_once() {
    let m = market();
    let grant = short_grant(&m, 3);
    // One use at 10 uopen, then release is refused until expiry.
    let one = vec![att::Use {
        request_id: "u".into(),
        grant_id: grant,
        units: 1,
        weights: vec![],
        ..Default::default()
    }];
    ok::<att::MsgReportUsageResponse>(report(&m, "short", one, vec![]));
    let release = lic::MsgReleaseGrant {
        licensee: m.licensee.address().to_bech32(),
        grant_id: grant,
    };
    refused(
        m.w.chain.exec(
            &m.licensee,
            vec![any(&url(LIC, "MsgReleaseGrant"), &release)],
        ),
        &LicensesError::GrantNotExpired(0),
    );
    m.w.chain.block(Vec::new());
    let before = m.w.chain.balance(&m.licensee.address());
    let refunded: lic::MsgReleaseGrantResponse = ok(m.w.chain.exec(
        &m.licensee,
        vec![any(&url(LIC, "MsgReleaseGrant"), &release)],
    ));
    assert_eq!(refunded.refunded, "990");
    assert_eq!(
        m.w.chain.balance(&m.licensee.address()),
        before + 990 - 250_000
    );
    refused(
        m.w.chain.exec(
            &m.licensee,
            vec![any(&url(LIC, "MsgReleaseGrant"), &release)],
        ),
        &LicensesError::GrantReleased(0),
    );
}

#[test]
fn an_expired_grant_pays_for_no_use_and_an_unbonded_operator_gets_the_bond_back() {
    let m = market();
    // A paid licence with grants lasting 2 blocks.
    let grant = short_grant(&m, 2);
    m.w.chain.block(Vec::new());
    m.w.chain.block(Vec::new());
    let use_ = vec![att::Use {
        request_id: "late".into(),
        grant_id: grant,
        units: 1,
        weights: vec![],
        ..Default::default()
    }];
    refused(
        report(&m, "late", use_, vec![]),
        &LicensesError::GrantExpired(0),
    );

    // Unbonding: refused until the period passes, then the bond comes back.
    let unbond = att::MsgUnbondOperator {
        operator: m.operator.address().to_bech32(),
        version_id: m.tuned,
    };
    assert_eq!(
        m.w.chain
            .exec(
                &m.operator,
                vec![any(&url(ATT, "MsgUnbondOperator"), &unbond)]
            )
            .code,
        0
    );
    refused(
        m.w.chain.exec(
            &m.operator,
            vec![any(&url(ATT, "MsgUnbondOperator"), &unbond)],
        ),
        &AttributionError::StillUnbonding(0),
    );
    advance(&m.w, WINDOW);
    let before = m.w.chain.balance(&m.operator.address());
    let back: att::MsgUnbondOperatorResponse = ok(m.w.chain.exec(
        &m.operator,
        vec![any(&url(ATT, "MsgUnbondOperator"), &unbond)],
    ));
    assert_eq!(back.returned, "2000000");
    assert_eq!(
        m.w.chain.balance(&m.operator.address()),
        before + 2_000_000 - 250_000
    );
}
