use anchor_lang::prelude::*;

#[error_code]
pub enum ContentError {
    #[msg("writes are disabled")]
    WritesDisabled,
    #[msg("signer is not the admin")]
    NotAdmin,
    #[msg("attester set empty, too large or with duplicates, or quorum below two thirds or above the set")]
    InvalidAttesterSet,
    #[msg("malformed Ethereum signature")]
    InvalidSignature,
    #[msg("Ethereum signature does not recover to the expected address")]
    WrongEthereumSigner,
    #[msg("signer is neither the profile authority nor an authorised app")]
    NotAuthorized,
    #[msg("not a CIDv1 with a sha2-256 multihash")]
    InvalidCid,
    #[msg("endpoint empty or too long")]
    InvalidEndpoint,
    #[msg("attestation expired")]
    AttestationExpired,
    #[msg("attesters below quorum")]
    BelowQuorum,
    #[msg("signer is not an attester")]
    NotAttester,
    #[msg("attester signatures must be in ascending signer order, each signer once")]
    DuplicateOrUnorderedAttester,
    #[msg("replica nodes must be distinct registered content nodes")]
    InvalidReplicaSet,
    #[msg("arithmetic overflow")]
    Overflow,
    #[msg("tier expiry lies in the past or beyond the longest tier validity")]
    InvalidTierExpiry,
    #[msg("the attestation was signed at another nonce than its subject's current one")]
    StaleAttestation,
    #[msg("attestation expiry lies beyond the longest attestation validity")]
    ExpiryTooFar,
    #[msg("tier out of range")]
    InvalidTier,
    #[msg("the attester set and quorum are the ones configured")]
    AttesterSetUnchanged,
    #[msg("the admin must be a nonzero key")]
    InvalidAdmin,
    #[msg("signer is not the proposed admin")]
    NotPendingAdmin,
    #[msg("the rent goes back to the account that paid it")]
    WrongRentPayer,
    #[msg("the binding proof's deadline has passed")]
    ProofExpired,
    #[msg("only the program's upgrade authority initializes it")]
    NotUpgradeAuthority,
    #[msg("replica nodes must belong to three different operators")]
    ReplicasShareOperator,
    #[msg("a replica receipt has expired")]
    ReceiptExpired,
    #[msg("a replica receipt is not signed by its node's delegate key for this track and content")]
    WrongReceiptSigner,
    #[msg("a new replica set needs its nodes' receipts")]
    MissingReplicaReceipts,
}
