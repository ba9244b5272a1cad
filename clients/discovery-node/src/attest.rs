//! The attester (docs/bridge.md): with a delegate-wallet key, the node signs the facts it can confirm from its own
//! reading of both chains and of its index. It never signs what it is told; it signs what it observes.

use std::sync::Arc;

use alloy::primitives::Address;
use audius_sdk::api::{discovery::AttesterIdentity, ApiJson};
use audius_sdk::bridge::{self, ActivityClaim, ActivityReport, AttesterSignature, BridgeError, FactClaim, Observer};
use axum::{
    extract::State,
    routing::{get, post},
    Json, Router,
};

use crate::{
    db,
    error::{unavailable, Result},
    metrics::{Claim, Outcome},
    node::Discovery,
};

/// The attester's routes.
pub fn router(discovery: Arc<Discovery>) -> Router {
    Router::new()
        .route("/v1/attest", get(identity))
        .route("/v1/attest/fact", post(fact))
        .route("/v1/attest/activity", post(activity))
        .with_state(discovery)
}

/// The key and the Ethereum side, or 503: a node without them does not attest.
fn attester(
    d: &Discovery,
) -> Result<(&alloy::signers::local::PrivateKeySigner, Observer<'_, alloy::providers::DynProvider>)> {
    let key = d.attester.as_ref().ok_or_else(|| unavailable("this node has no attester key"))?;
    let eth = d.eth.as_ref().ok_or_else(|| unavailable("this node is not connected to Ethereum"))?;
    Ok((key, Observer { eth, solana: &d.solana }))
}

async fn identity(State(d): State<Arc<Discovery>>) -> Result<Json<AttesterIdentity>> {
    let (key, observer) = attester(&d)?;
    let signer: Address = key.address();
    let on_ethereum = observer.eth.issuance.isAttester(signer).call().await.map_err(|e| BridgeError::Eth(e.into()))?;
    let on_solana = d.solana.config().await.map_err(BridgeError::from)?.attesters.contains(&signer.0 .0);
    Ok(Json(AttesterIdentity { signer, ethereum_attester: on_ethereum, solana_attester: on_solana }))
}

/// `result`, counted under `claim` as signed or refused.
fn counted<T>(d: &Discovery, claim: Claim, result: Result<T>) -> Result<T> {
    d.metrics.attested(claim, if result.is_ok() { Outcome::Signed } else { Outcome::Refused });
    result
}

async fn fact(State(d): State<Arc<Discovery>>, ApiJson(claim): ApiJson<FactClaim>) -> Result<Json<AttesterSignature>> {
    let result = async {
        let (key, observer) = attester(&d)?;
        let signature = bridge::attest_fact(&observer, key, &claim).await?;
        tracing::info!(fact = ?claim.fact, nonce = claim.nonce, "attested");
        Ok(Json(signature))
    }
    .await;
    counted(&d, Claim::Fact, result)
}

async fn activity(
    State(d): State<Arc<Discovery>>,
    ApiJson(claim): ApiJson<ActivityClaim>,
) -> Result<Json<ActivityReport>> {
    let result = async {
        let (key, observer) = attester(&d)?;
        // Scores come from the index: it must have read the program's newest transaction.
        let lag = d.index_lag().await.map_err(|error| unavailable(format!("reading the index's position: {error}")))?;
        if lag > 0 {
            return Err(unavailable(format!(
                "the index is {lag} slots behind the content program's newest transaction; ask again shortly"
            )));
        }
        let window = bridge::claimed_window(observer.eth, claim.round).await?;
        let replicas = db::replica_counts(&d.pool, window.end as i64).await?;
        let report = bridge::attest_activity(&observer, key, &claim, window, &replicas).await?;
        tracing::info!(round = claim.round, operators = report.operators.len(), "attested activity");
        Ok(Json(report))
    }
    .await;
    counted(&d, Claim::Activity, result)
}
