//! The generated bindings against a real anvil: deploy AUDIO, read it back, and see its rules enforced.

use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    primitives::{utils::parse_ether, U256},
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use audius_sdk::eth::{deploy_audio_token, AudioToken};

fn provider_for(anvil: &AnvilInstance, index: usize) -> impl Provider + Clone {
    let signer: PrivateKeySigner = anvil.keys()[index].clone().into();
    ProviderBuilder::new().wallet(signer).connect_http(anvil.endpoint_url())
}

#[tokio::test]
async fn deploy_read_back_and_enforce_minter() {
    let anvil = Anvil::new().path(audius_devkit::anvil_binary()).spawn();
    let [treasury, governance, issuance] = [anvil.addresses()[0], anvil.addresses()[1], anvil.addresses()[2]];

    let token = deploy_audio_token(provider_for(&anvil, 0), treasury, governance).await.expect("deploy");
    assert_eq!(token.name().call().await.unwrap(), "Audius");
    assert_eq!(token.symbol().call().await.unwrap(), "AUDIO");
    assert_eq!(token.decimals().call().await.unwrap(), 18);
    let supply = parse_ether("1000000000").unwrap();
    assert_eq!(token.totalSupply().call().await.unwrap(), supply);
    assert_eq!(token.balanceOf(treasury).call().await.unwrap(), supply);
    assert_eq!(token.owner().call().await.unwrap(), governance);

    // Only governance picks the minter.
    let as_governance = AudioToken::new(*token.address(), provider_for(&anvil, 1));
    as_governance.setMinter(issuance).send().await.unwrap().get_receipt().await.unwrap();
    assert_eq!(token.minter().call().await.unwrap(), issuance);

    // The minter mints; anyone else gets the contract's custom error, decoded by the bindings.
    let as_issuance = AudioToken::new(*token.address(), provider_for(&anvil, 2));
    as_issuance.mint(treasury, U256::from(5)).send().await.unwrap().get_receipt().await.unwrap();
    assert_eq!(token.totalSupply().call().await.unwrap(), supply + U256::from(5));

    let err = token.mint(treasury, U256::from(1)).call().await.expect_err("treasury is not the minter");
    let decoded = err.as_decoded_error::<AudioToken::NotMinter>().expect("NotMinter revert");
    assert_eq!(decoded.caller, treasury);
}
