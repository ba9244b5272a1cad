//! The README's demo, with its results checked on both chains.

#[tokio::test]
async fn demo_deploys_audio_on_anvil_and_tips_on_solana() {
    let report = audius_cli::commands::demo::demo(4_200).await.expect("demo runs");

    let eth = &report.ethereum;
    assert_eq!(eth.chain_id, 31337);
    assert_eq!((eth.name.as_str(), eth.symbol.as_str()), ("Audius", "AUDIO"));
    let supply = "1000000000000000000000000000";
    assert_eq!(eth.total_supply, supply);
    assert_eq!(eth.treasury_balance, supply, "the whole initial supply goes to the treasury");

    let sol = &report.solana;
    assert_eq!((sol.tipped, sol.tip_count, sol.artist_balance), (4_200, 1, 4_200));
}
