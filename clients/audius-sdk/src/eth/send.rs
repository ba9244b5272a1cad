//! Sending a transaction: simulated, estimated, sent with a limit the caller can state, and, when it still fails
//! on chain, explained with its hash.

use alloy::{
    contract::{CallBuilder, CallDecoder},
    eips::BlockId,
    primitives::{TxHash, U256},
    providers::Provider,
    rpc::types::TransactionReceipt,
};

use super::EthError;

/// A transaction the SDK sent that was mined and succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SentTx {
    /// Its hash.
    pub hash: TxHash,
    /// The block it was mined in.
    pub block: Option<u64>,
    /// The gas it used.
    pub gas_used: u64,
    /// What the sender paid for it (gas used × effective gas price), wei.
    #[serde(with = "crate::decimal")]
    pub fee: U256,
}

impl From<&TransactionReceipt> for SentTx {
    fn from(receipt: &TransactionReceipt) -> Self {
        Self {
            hash: receipt.transaction_hash,
            block: receipt.block_number,
            gas_used: receipt.gas_used,
            fee: U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price),
        }
    }
}

/// What a write returned, and every transaction it took in the order they were sent (an allowance before the
/// stake it is for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent<T> {
    /// The write's result (a new id, an amount paid, a deadline; `()` when the transaction is the result).
    pub value: T,
    /// The transactions sent.
    pub transactions: Vec<SentTx>,
}

impl<T> Sent<T> {
    /// `value`, from the one transaction of `receipt`.
    pub fn one(value: T, receipt: &TransactionReceipt) -> Self {
        Self { value, transactions: vec![receipt.into()] }
    }

    /// `value`, from `receipt` after the transactions of `before` (an approval, if one was needed).
    pub fn after(before: Option<SentTx>, value: T, receipt: &TransactionReceipt) -> Self {
        Self { value, transactions: before.into_iter().chain([receipt.into()]).collect() }
    }
}

/// The gas a failed transaction is replayed with to find why it failed: a block's worth on mainnet.
const REPLAY_GAS: u64 = 30_000_000;

/// The gas limit a transaction is sent with: the node's estimate and a quarter more, stated wherever a user is
/// asked to confirm. The protocol's own transactions succeed with the bare estimate (the SDK's `estimates`
/// test sends each that way); the quarter absorbs another transaction in the same block changing the state the
/// estimate saw, and costs nothing unless used, as a sender pays for the gas used, not the limit.
pub fn gas_limit(estimate: u64) -> u64 {
    estimate.saturating_add(estimate / 4)
}

/// Send a contract call, wait for its receipt and fail on a revert (with the contract's reason) or a failed
/// status (with its hash and why).
///
/// The call is simulated first: a revert is reported before anything is signed. Without that, a provider with
/// alloy's default cached nonces would spend a nonce on the refused transaction and leave the next one waiting
/// behind a gap forever. The gas limit is [`gas_limit`] of the node's estimate.
pub async fn transact<P: Provider, D: CallDecoder>(call: CallBuilder<P, D>) -> Result<TransactionReceipt, EthError> {
    call.call_raw().await?;
    let estimate = call.estimate_gas().await?;
    send_with_limit(call, gas_limit(estimate)).await
}

/// Send a contract call with `limit` gas, unsimulated, and wait for it. A transaction mined and failed is
/// [`EthError::Failed`] with its hash and the reason: the revert the same call gives with ample gas at the block
/// before, or out of gas when it succeeds there.
pub async fn send_with_limit<P: Provider, D: CallDecoder>(
    call: CallBuilder<P, D>,
    limit: u64,
) -> Result<TransactionReceipt, EthError> {
    let call = call.gas(limit);
    let receipt = call.send().await?.get_receipt().await?;
    if receipt.status() {
        return Ok(receipt);
    }
    // Replayed with ample gas on the state before its block: a revert there is the reason; success means the limit
    // was what it lacked (a call that runs out of gas in a sub-call can leave the last 1/64 of its gas unused).
    let before = receipt.block_number.map_or(BlockId::latest(), |block| BlockId::number(block.saturating_sub(1)));
    let reason = match call.gas(REPLAY_GAS).block(before).call_raw().await {
        Err(error) => format!("it reverted: {}", EthError::from(error)),
        Ok(_) if receipt.gas_used.saturating_mul(64) >= limit.saturating_mul(63) => format!(
            "it ran out of gas: it used {} of its {limit} gas limit, and the same call succeeds with more",
            receipt.gas_used
        ),
        Ok(_) => "it reverted in its block, though the same call succeeds just before it: a transaction earlier \
                  in the block changed what it depends on"
            .to_owned(),
    };
    Err(EthError::Failed { hash: receipt.transaction_hash, gas_used: receipt.gas_used, reason })
}

/// Send `value` wei of ETH from `from` (the provider's wallet) to `to` and wait for it: estimated, sent with
/// [`gas_limit`] of the estimate, after checking `from` holds the value and that limit at the current gas price
/// ([`EthError::InsufficientEth`] if not, nothing sent).
pub async fn transfer_eth<P: Provider>(
    provider: &P,
    from: alloy::primitives::Address,
    to: alloy::primitives::Address,
    value: U256,
) -> Result<SentTx, EthError> {
    use alloy::{network::TransactionBuilder, rpc::types::TransactionRequest};
    let request = TransactionRequest::default().with_from(from).with_to(to).with_value(value);
    let balance = provider.get_balance(from).await?;
    // The estimate needs the value to be affordable; below it the node's refusal would be less clear than this.
    if balance < value {
        return Err(EthError::InsufficientEth { holder: from, balance, needed: value });
    }
    let limit = gas_limit(provider.estimate_gas(request.clone()).await?);
    let needed = value.saturating_add(U256::from(limit) * U256::from(provider.get_gas_price().await?));
    if balance < needed {
        return Err(EthError::InsufficientEth { holder: from, balance, needed });
    }
    let receipt = provider.send_transaction(request.with_gas_limit(limit)).await?.get_receipt().await?;
    if !receipt.status() {
        return Err(EthError::Failed {
            hash: receipt.transaction_hash,
            gas_used: receipt.gas_used,
            reason: "the recipient refused it (a contract without a way to take ETH)".to_owned(),
        });
    }
    Ok((&receipt).into())
}
