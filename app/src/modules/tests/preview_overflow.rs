//! SplitPreview at a price of 2^128 − 1 (audit L1): the answer is exact, never wrapped.

use super::*;

#[test]
fn split_preview_at_u128_max_answers_exactly() {
    let m = market();
    // Any licence may be named in a preview: one whose data share is everything, against the
    // fine-tune's 10% royalty edge to the base.
    let everything = license(
        &m.w,
        &m.w.tuner,
        lic::LicenseTerms {
            commercial_use: true,
            data_share_bps: 10_000,
            ..Default::default()
        },
    );
    let max = u128::MAX;
    let preview = |license_id: u64| -> att::QuerySplitPreviewResponse {
        m.w.chain
            .query(
                &url(ATT, "Query/SplitPreview"),
                &att::QuerySplitPreviewRequest {
                    version_id: m.tuned,
                    price: max.to_string(),
                    license_id,
                    weights: weights(m.first, &[(0, 1)]),
                },
            )
            .unwrap()
    };
    let sum = |p: &att::QuerySplitPreviewResponse| {
        p.payouts.iter().try_fold(0u128, |s, x| {
            s.checked_add(x.amount.parse::<u128>().unwrap())
        })
    };
    let all = preview(everything);
    assert_eq!(all.total, max.to_string());
    assert_eq!(sum(&all), Some(max));
    assert!(
        all.payouts.iter().all(|p| p.version_id != m.base),
        "no royalty is left to pay the base: {:?}",
        all.payouts
    );
    // The fine-tune's own licence: every part is at most the price and they sum to it.
    let own = preview(0);
    assert_eq!(own.total, max.to_string());
    assert_eq!(sum(&own), Some(max));
}
