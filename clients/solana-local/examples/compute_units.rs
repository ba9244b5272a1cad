//! Compute units of every program instruction, measured on the SBF ELFs in LiteSVM (the mainnet feature set),
//! and what deploying each program costs in rent. Run by `scripts/bench/compute-units.sh`; prints Markdown.

use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use audius_sdk::solana::tips;
use audius_solana_local::{programs, spl, Pubkey};
use litesvm::LiteSVM;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;

/// Bytes the upgradeable loader keeps beside the ELF: the program data header, and a buffer's header.
const PROGRAM_DATA_HEADER: usize = 45;
const BUFFER_HEADER: usize = 37;
/// The program account itself (points at its program data).
const PROGRAM_ACCOUNT: usize = 36;

fn run(svm: &mut LiteSVM, payer: &Keypair, signers: &[&Keypair], ixs: &[Instruction]) -> u64 {
    let tx = Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), signers, svm.latest_blockhash());
    let meta = svm.send_transaction(tx).unwrap_or_else(|failed| panic!("{:?}: {:#?}", failed.err, failed.meta.logs));
    svm.expire_blockhash();
    meta.compute_units_consumed
}

fn token_account(svm: &mut LiteSVM, payer: &Keypair, mint: &Pubkey, owner: &Pubkey) -> Pubkey {
    let account = Keypair::new();
    let rent = svm.minimum_balance_for_rent_exemption(spl::TOKEN_ACCOUNT_LEN);
    run(
        svm,
        payer,
        &[payer, &account],
        &spl::create_token_account(&payer.pubkey(), &account.pubkey(), mint, owner, rent),
    );
    account.pubkey()
}

fn main() {
    let mut svm = LiteSVM::new();
    programs::load(&mut svm).expect("the ELFs load");
    let fan = Keypair::new();
    svm.airdrop(&fan.pubkey(), 10_000_000_000).unwrap();
    let mint = Keypair::new();
    let rent = svm.minimum_balance_for_rent_exemption(spl::MINT_LEN);
    run(&mut svm, &fan, &[&fan, &mint], &spl::create_mint(&fan.pubkey(), &mint.pubkey(), &fan.pubkey(), 8, rent));
    let mint = mint.pubkey();
    let fan_token = token_account(&mut svm, &fan, &mint, &fan.pubkey());
    run(
        &mut svm,
        &fan,
        &[&fan],
        &[spl_token::instruction::mint_to(&spl_token::ID, &mint, &fan_token, &fan.pubkey(), &[], 1_000_000).unwrap()],
    );
    // First and second tips of 64 pairs: the PDA search of a pair's total costs more the lower its bump, so the
    // typical tip is a bump-255 pair's and the largest the lowest bump met.
    let mut by_bump = std::collections::BTreeMap::new();
    for _ in 0..64 {
        let artist = Keypair::new();
        let artist_token = token_account(&mut svm, &fan, &mint, &artist.pubkey());
        let (_, bump) = Pubkey::find_program_address(
            &[tips::TIP_TOTAL_SEED, fan.pubkey().as_ref(), artist.pubkey().as_ref(), mint.as_ref()],
            &tips::PROGRAM_ID,
        );
        let tip = tips::send_tip(&fan.pubkey(), &artist.pubkey(), &mint, &fan_token, &artist_token, 10);
        let first = run(&mut svm, &fan, &[&fan], std::slice::from_ref(&tip));
        let again = run(&mut svm, &fan, &[&fan], std::slice::from_ref(&tip));
        by_bump.insert(bump, (first, again));
    }
    // A pair whose total's address someone funded first: the program creates it the pre-funded way.
    let prefunded = loop {
        let artist = Keypair::new();
        let (total, bump) = Pubkey::find_program_address(
            &[tips::TIP_TOTAL_SEED, fan.pubkey().as_ref(), artist.pubkey().as_ref(), mint.as_ref()],
            &tips::PROGRAM_ID,
        );
        if bump != u8::MAX {
            continue;
        }
        let artist_token = token_account(&mut svm, &fan, &mint, &artist.pubkey());
        svm.airdrop(&total, 1_000_000).unwrap();
        let tip = tips::send_tip(&fan.pubkey(), &artist.pubkey(), &mint, &fan_token, &artist_token, 10);
        break run(&mut svm, &fan, &[&fan], &[tip]);
    };
    let (typical_bump, (first, again)) = by_bump.iter().next_back().expect("64 pairs measured");
    let (lowest_bump, (largest, _)) = by_bump.iter().next().expect("64 pairs measured");

    println!("| program | instruction | input | compute units |");
    println!("|---|---|---|---:|");
    println!("| audius_tips | send_tip | first tip of a pair (creates its total), bump {typical_bump} | {first} |");
    println!("| audius_tips | send_tip | a later tip of that pair | {again} |");
    println!("| audius_tips | send_tip | first tip, its total's address funded beforehand, bump 255 | {prefunded} |");
    println!("| audius_tips | send_tip | first tip, lowest bump of 64 pairs ({lowest_bump}) | {largest} |");
    println!();
    println!(
        "| program | ELF bytes | program data rent (SOL) | deploy buffer rent (SOL) | program account rent (SOL) |"
    );
    println!("|---|---:|---:|---:|---:|");
    for programs::Program { name, elf, .. } in programs::ALL {
        let sol = |bytes: usize| svm.minimum_balance_for_rent_exemption(bytes) as f64 / 1e9;
        println!(
            "| {name} | {} | {:.4} | {:.4} | {:.4} |",
            elf.len(),
            sol(PROGRAM_DATA_HEADER + elf.len()),
            sol(BUFFER_HEADER + elf.len()),
            sol(PROGRAM_ACCOUNT)
        );
    }
}
