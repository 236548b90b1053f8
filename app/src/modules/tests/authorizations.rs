//! Who may charge a grant: only operators its licensee authorised, each within its limit and
//! until its expiry (issue 8, finding 1: a stranger's report cannot drain someone's escrow).

use super::*;
use crate::store::Substore;

fn one_use(request: &str, grant_id: u64) -> Vec<att::Use> {
    vec![att::Use {
        request_id: request.into(),
        grant_id,
        units: 1,
        weights: vec![],
        ..Default::default()
    }]
}

fn authorizations_on(m: &Market, grant_id: u64) -> Vec<lic::OperatorAuthorization> {
    let response: lic::QueryAuthorizationsResponse =
        m.w.chain
            .query(
                &url(LIC, "Query/Authorizations"),
                &lic::QueryAuthorizationsRequest {
                    grant_id,
                    ..Default::default()
                },
            )
            .unwrap();
    response.authorizations
}

#[test]
fn a_bonded_operator_the_licensee_never_authorised_cannot_charge_the_grant() {
    let m = market();
    // A stranger bonds as an operator of the same version and reports against the grant.
    let stranger = TestKey::from_seed("stranger");
    let fund = crate::testkit::msg_send(
        &m.w.curator.address(),
        &stranger.address(),
        vec![crate::testkit::coin(10_000_000, "uopen")],
    );
    assert_eq!(m.w.chain.exec(&m.w.curator, vec![fund]).code, 0);
    let bond = att::MsgRegisterOperator {
        operator: stranger.address().to_bech32(),
        version_id: m.tuned,
        endpoint: String::new(),
        bond: "2000000".into(),
    };
    ok::<att::MsgRegisterOperatorResponse>(m.w.chain.exec(
        &stranger,
        vec![any(&url(ATT, "MsgRegisterOperator"), &bond)],
    ));
    let (result, moved) =
        m.w.chain
            .moved_by(|| report_as(&m, &stranger, "steal", one_use("s1", m.grant), vec![]));
    refused(
        result,
        &LicensesError::OperatorNotAuthorized(0, stranger.address()),
    );
    assert_eq!(
        moved,
        vec![Substore::Auth, Substore::Bank],
        "only its fee and sequence"
    );

    // The licensee's own operator is charged, and its authorisation counts what it spent.
    ok::<att::MsgReportUsageResponse>(report_as(
        &m,
        &m.operator,
        "b1",
        one_use("u1", m.grant),
        vec![],
    ));
    let auths = authorizations_on(&m, m.grant);
    assert_eq!(auths.len(), 1);
    assert_eq!(
        (
            auths[0].operator.as_str(),
            auths[0].spend_limit.as_str(),
            auths[0].spent.as_str()
        ),
        (m.operator.address().to_bech32().as_str(), "150000", "1000")
    );
    // Someone else cannot authorise anyone on the licensee's grant.
    let msg = lic::MsgAuthorizeOperator {
        licensee: stranger.address().to_bech32(),
        grant_id: m.grant,
        operator: stranger.address().to_bech32(),
        spend_limit: "1".into(),
        expires_height: 0,
    };
    refused(
        m.w.chain.exec(
            &stranger,
            vec![any(&url(LIC, "MsgAuthorizeOperator"), &msg)],
        ),
        &LicensesError::NotLicensee(stranger.address()),
    );
}

#[test]
fn an_authorisation_holds_within_its_limit_and_until_it_is_revoked_or_expires() {
    let m = market();
    // A fresh authorisation of 1,500 uopen replaces the first: one use (1,000) fits, two do not.
    authorize(&m.w, &m.licensee, m.grant, &m.operator, 1_500);
    ok::<att::MsgReportUsageResponse>(report_as(
        &m,
        &m.operator,
        "b1",
        one_use("u1", m.grant),
        vec![],
    ));
    let mut two = one_use("u2", m.grant);
    two[0].units = 2;
    let log = refused(
        report(&m, "b2", two, vec![]),
        &LicensesError::SpendLimitExceeded(0, m.operator.address(), 0, 0),
    );
    assert!(log.contains("500 uopen more, the uses cost 2000"), "{log}");

    // Revoked: refused.
    let revoke = lic::MsgRevokeOperator {
        licensee: m.licensee.address().to_bech32(),
        grant_id: m.grant,
        operator: m.operator.address().to_bech32(),
    };
    ok::<lic::MsgRevokeOperatorResponse>(m.w.chain.exec(
        &m.licensee,
        vec![any(&url(LIC, "MsgRevokeOperator"), &revoke)],
    ));
    assert!(authorizations_on(&m, m.grant).is_empty());
    refused(
        report(&m, "b3", one_use("u3", m.grant), vec![]),
        &LicensesError::OperatorNotAuthorized(0, m.operator.address()),
    );
    refused(
        m.w.chain.exec(
            &m.licensee,
            vec![any(&url(LIC, "MsgRevokeOperator"), &revoke)],
        ),
        &LicensesError::OperatorNotAuthorized(0, m.operator.address()),
    );

    // An expiry that is not in the future is refused outright; a live one holds until its
    // height (each tx here is a block: authorised at h + 1, used at h + 2, refused at h + 3).
    let height = m.w.chain.app.committed().height;
    let expiring = |expires_height| lic::MsgAuthorizeOperator {
        licensee: m.licensee.address().to_bech32(),
        grant_id: m.grant,
        operator: m.operator.address().to_bech32(),
        spend_limit: "100000".into(),
        expires_height,
    };
    refused(
        m.w.chain.exec(
            &m.licensee,
            vec![any(&url(LIC, "MsgAuthorizeOperator"), &expiring(height))],
        ),
        &LicensesError::InvalidAuthorization(String::new()),
    );
    ok::<lic::MsgAuthorizeOperatorResponse>(m.w.chain.exec(
        &m.licensee,
        vec![any(
            &url(LIC, "MsgAuthorizeOperator"),
            &expiring(m.w.chain.app.committed().height + 3),
        )],
    ));
    ok::<att::MsgReportUsageResponse>(report_as(
        &m,
        &m.operator,
        "b4",
        one_use("u4", m.grant),
        vec![],
    ));
    refused(
        report(&m, "b5", one_use("u5", m.grant), vec![]),
        &LicensesError::AuthorizationExpired(0, m.operator.address(), 0),
    );
}

#[test]
fn a_grants_operators_and_an_operators_grants_come_a_page_at_a_time() {
    let m = market();
    let operators: Vec<TestKey> = (0..3)
        .map(|i| TestKey::from_seed(&format!("paged-operator-{i}")))
        .collect();
    for operator in &operators {
        authorize(&m.w, &m.licensee, m.grant, operator, 1_000);
    }
    let page = |after_operator: &str, limit| -> lic::QueryAuthorizationsResponse {
        m.w.chain
            .query(
                &url(LIC, "Query/Authorizations"),
                &lic::QueryAuthorizationsRequest {
                    grant_id: m.grant,
                    after_operator: after_operator.into(),
                    limit,
                    ..Default::default()
                },
            )
            .unwrap()
    };
    // The market's own operator and the three: four, in two pages of at most three.
    let first = page("", 3);
    assert_eq!(first.authorizations.len(), 3);
    assert_eq!(first.next_after_operator, first.authorizations[2].operator);
    let second = page(&first.next_after_operator, 3);
    assert_eq!(second.authorizations.len(), 1);
    assert_eq!(second.next_after_operator, "");
    let mut seen: Vec<String> = first
        .authorizations
        .iter()
        .chain(&second.authorizations)
        .map(|a| a.operator.clone())
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4);
    assert_eq!(page("", 0).authorizations.len(), 4, "0 is the default page");
    // An operator's grants page by grant id the same way.
    let of_operator: lic::QueryAuthorizationsResponse =
        m.w.chain
            .query(
                &url(LIC, "Query/Authorizations"),
                &lic::QueryAuthorizationsRequest {
                    operator: operators[0].address().to_bech32(),
                    limit: 1,
                    ..Default::default()
                },
            )
            .unwrap();
    assert_eq!(of_operator.authorizations.len(), 1);
    assert_eq!(of_operator.next_after_id, 0, "one grant: no next page");
}
