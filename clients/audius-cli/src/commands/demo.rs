//! `audius demo`: exercises both chains end to end on throw-away local instances.
//!
//! Ethereum: spawns the project's pinned anvil, deploys AUDIO and reads it back through the generated bindings.
//! Solana: runs the tipping program natively inside the real runtime (LiteSVM, SPL Token as SBF) and sends a tip.

use alloy::{node_bindings::Anvil, providers::ProviderBuilder};
use anchor_lang::{
    prelude::Pubkey,
    solana_program::{instruction::Instruction, program_pack::Pack, system_instruction},
    AccountDeserialize,
};
use anchor_spl::token::spl_token;
use anyhow::{anyhow, Context};
use audius_sdk::solana::tips;
use clap::Args;
use litesvm::LiteSVM;
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;

/// Arguments of `audius demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Amount to tip, in AUDIO base units (8 decimals on Solana).
    #[arg(long, default_value_t = 250_000_000)]
    tip: u64,
}

/// What the demo did on Ethereum.
#[derive(Serialize, Debug)]
pub struct EthereumReport {
    pub chain_id: u64,
    pub token: String,
    pub name: String,
    pub symbol: String,
    /// Decimal string of wei.
    pub total_supply: String,
    /// Decimal string of wei.
    pub treasury_balance: String,
}

/// What the demo did on Solana.
#[derive(Serialize, Debug)]
pub struct SolanaReport {
    pub program: String,
    pub tip_total_account: String,
    pub tipped: u64,
    pub tip_count: u64,
    pub artist_balance: u64,
}

/// Results of both halves of the demo.
#[derive(Serialize, Debug)]
pub struct DemoReport {
    pub ethereum: EthereumReport,
    pub solana: SolanaReport,
}

/// Run both halves and return what they read back from the chains.
pub async fn demo(tip: u64) -> anyhow::Result<DemoReport> {
    Ok(DemoReport { ethereum: ethereum_round_trip().await?, solana: solana_tip(tip)? })
}

/// `audius demo`.
pub async fn run(args: DemoArgs) -> anyhow::Result<crate::Output> {
    let report = demo(args.tip).await?;
    let e = &report.ethereum;
    let s = &report.solana;
    let text = format!(
        "Ethereum (anvil, chain {})\n  deployed {} ({}) at {}\n  total supply {} wei, treasury holds {} wei\n\
         Solana (native program in the real runtime)\n  program {}\n  fan tipped artist {} base units in {} tip(s); \
         artist balance {}\n  tip total recorded at {}\n",
        e.chain_id,
        e.name,
        e.symbol,
        e.token,
        e.total_supply,
        e.treasury_balance,
        s.program,
        s.tipped,
        s.tip_count,
        s.artist_balance,
        s.tip_total_account
    );
    Ok(crate::Output::new(text, &report))
}

async fn ethereum_round_trip() -> anyhow::Result<EthereumReport> {
    let anvil_path = audius_sdk::local::anvil_binary();
    let anvil = Anvil::new()
        .path(&anvil_path)
        .try_spawn()
        .with_context(|| format!("starting anvil at {} (run scripts/setup.sh)", anvil_path.display()))?;
    let treasury = anvil.addresses()[0];
    let governance = anvil.addresses()[1];
    let signer: alloy::signers::local::PrivateKeySigner = anvil.keys()[0].clone().into();
    let provider = ProviderBuilder::new().wallet(signer).connect_http(anvil.endpoint_url());
    let token = audius_sdk::eth::deploy_audio_token(provider, treasury, governance).await?;
    Ok(EthereumReport {
        chain_id: anvil.chain_id(),
        token: token.address().to_string(),
        name: token.name().call().await?,
        symbol: token.symbol().call().await?,
        total_supply: token.totalSupply().call().await?.to_string(),
        treasury_balance: token.balanceOf(treasury).call().await?.to_string(),
    })
}

fn send(svm: &mut LiteSVM, instructions: &[Instruction], payer: &Keypair, signers: &[&Keypair]) -> anyhow::Result<()> {
    let tx = Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), signers, svm.latest_blockhash());
    svm.send_transaction(tx)
        .map(|_| ())
        .map_err(|failed| anyhow!("transaction failed: {} ({:?})", failed.err, failed.meta.logs))
}

fn token_account(svm: &mut LiteSVM, payer: &Keypair, mint: &Pubkey, owner: &Pubkey) -> anyhow::Result<Pubkey> {
    let account = Keypair::new();
    let len = spl_token::state::Account::LEN;
    let rent = svm.minimum_balance_for_rent_exemption(len);
    send(
        svm,
        &[
            system_instruction::create_account(&payer.pubkey(), &account.pubkey(), rent, len as u64, &spl_token::ID),
            spl_token::instruction::initialize_account3(&spl_token::ID, &account.pubkey(), mint, owner)?,
        ],
        payer,
        &[payer, &account],
    )?;
    Ok(account.pubkey())
}

fn solana_tip(amount: u64) -> anyhow::Result<SolanaReport> {
    let mut svm = LiteSVM::new();
    svm.add_builtin(tips::PROGRAM_ID, audius_svm_bridge::native_processor!(audius_tips::entry));
    let fan = Keypair::new();
    let artist = Keypair::new();
    svm.airdrop(&fan.pubkey(), 10_000_000_000).map_err(|e| anyhow!("airdrop: {}", e.err))?;

    let mint = Keypair::new();
    let len = spl_token::state::Mint::LEN;
    let rent = svm.minimum_balance_for_rent_exemption(len);
    send(
        &mut svm,
        &[
            system_instruction::create_account(&fan.pubkey(), &mint.pubkey(), rent, len as u64, &spl_token::ID),
            spl_token::instruction::initialize_mint2(&spl_token::ID, &mint.pubkey(), &fan.pubkey(), None, 8)?,
        ],
        &fan,
        &[&fan, &mint],
    )?;
    let fan_token = token_account(&mut svm, &fan, &mint.pubkey(), &fan.pubkey())?;
    let artist_token = token_account(&mut svm, &fan, &mint.pubkey(), &artist.pubkey())?;
    send(
        &mut svm,
        &[spl_token::instruction::mint_to(&spl_token::ID, &mint.pubkey(), &fan_token, &fan.pubkey(), &[], amount)?],
        &fan,
        &[&fan],
    )?;
    let tip = tips::send_tip(&fan.pubkey(), &artist.pubkey(), &mint.pubkey(), &fan_token, &artist_token, amount);
    send(&mut svm, &[tip], &fan, &[&fan])?;

    let total_address = tips::tip_total_address(&fan.pubkey(), &artist.pubkey(), &mint.pubkey());
    let total_account = svm.get_account(&total_address).context("tip total account missing")?;
    let total = tips::TipTotal::try_deserialize(&mut total_account.data.as_slice())?;
    let artist_balance =
        spl_token::state::Account::unpack(&svm.get_account(&artist_token).context("artist token account")?.data)?
            .amount;
    Ok(SolanaReport {
        program: tips::PROGRAM_ID.to_string(),
        tip_total_account: total_address.to_string(),
        tipped: total.amount,
        tip_count: total.count,
        artist_balance,
    })
}
