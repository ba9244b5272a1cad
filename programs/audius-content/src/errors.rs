use anchor_lang::prelude::*;

#[error_code]
pub enum ContentError {
    #[msg("writes are disabled")]
    WritesDisabled,
    #[msg("signer is not the admin")]
    NotAdmin,
    #[msg("too many attesters or quorum out of range")]
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
    #[msg("track is deleted")]
    TrackDeleted,
    #[msg("arithmetic overflow")]
    Overflow,
    #[msg("tier expiry lies in the past")]
    InvalidTierExpiry,
}
