//! broadcast_tx_sync, then wait for inclusion by polling the RPC `tx` endpoint.

use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use cosmrs::rpc::{Client, HttpClient};
use cosmrs::tendermint::Hash;
use sha2::{Digest, Sha256};

use crate::config::Context;
use crate::output::{Reported, TxResult};

const POLL_INTERVAL: Duration = Duration::from_millis(200);
const POLL_TIMEOUT: Duration = Duration::from_secs(30);

/// The CometBFT tx hash: SHA-256 of the raw bytes.
pub fn tx_hash(tx: &[u8]) -> Hash {
    Hash::Sha256(Sha256::digest(tx).into())
}

/// Broadcasts and prints the result; exit status 1 (via [`Reported`]) when the tx failed.
pub async fn broadcast_and_wait(
    ctx: &Context,
    client: &HttpClient,
    tx: Vec<u8>,
    wait: bool,
) -> Result<()> {
    let hash = tx_hash(&tx);
    let check = client
        .broadcast_tx_sync(tx)
        .await
        .map_err(crate::rpc::rpc_error)
        .with_context(|| format!("broadcasting to {}", ctx.node))?;
    if check.code.is_err() || !wait {
        TxResult::from_check(&check).print(ctx);
        return if check.code.is_err() {
            Err(Reported.into())
        } else {
            Ok(())
        };
    }
    let delivered = wait_for_tx(client, hash).await?;
    let result = TxResult::from_tx(&delivered);
    result.print(ctx);
    if result.code != 0 {
        return Err(Reported.into());
    }
    Ok(())
}

async fn wait_for_tx(
    client: &HttpClient,
    hash: Hash,
) -> Result<cosmrs::rpc::endpoint::tx::Response> {
    let start = Instant::now();
    loop {
        // "not found" is the normal answer until the tx is in a committed block.
        let last_err = match client.tx(hash, false).await {
            Ok(resp) => return Ok(resp),
            Err(e) => crate::rpc::rpc_error(e),
        };
        if start.elapsed() >= POLL_TIMEOUT {
            anyhow::bail!(
                "tx {hash} was accepted into the mempool but not found in a block after {}s (last error: {last_err})",
                POLL_TIMEOUT.as_secs()
            );
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_uppercase_sha256() {
        let h = tx_hash(b"abc").to_string();
        assert_eq!(
            h,
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        );
    }
}
