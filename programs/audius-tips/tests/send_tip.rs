//! `send_tip` inside the real runtime: LiteSVM with SPL Token as its real SBF program, our program native.

use anchor_lang::{
    prelude::Pubkey,
    solana_program::{instruction::Instruction, program_pack::Pack, system_instruction},
    AccountDeserialize, InstructionData, ToAccountMetas,
};
use anchor_spl::token::spl_token;
use audius_tips::{constants::TIP_TOTAL_SEED, errors::TipError, state::TipTotal};
use litesvm::LiteSVM;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

const DECIMALS: u8 = 8;
const FAN_BALANCE: u64 = 1_000_000;

struct Fixture {
    svm: LiteSVM,
    fan: Keypair,
    artist: Keypair,
    mint: Pubkey,
    fan_token: Pubkey,
    artist_token: Pubkey,
}

fn send(
    svm: &mut LiteSVM,
    instructions: &[Instruction],
    payer: &Keypair,
    signers: &[&Keypair],
) -> Result<(), TransactionError> {
    let tx = Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), signers, svm.latest_blockhash());
    let result = svm.send_transaction(tx).map(|_| ()).map_err(|failed| failed.err);
    // A fresh blockhash per transaction, so that repeating an identical instruction is a new transaction.
    svm.expire_blockhash();
    result
}

fn create_token_account(svm: &mut LiteSVM, payer: &Keypair, mint: &Pubkey, owner: &Pubkey) -> Pubkey {
    let account = Keypair::new();
    let rent = svm.minimum_balance_for_rent_exemption(spl_token::state::Account::LEN);
    send(
        svm,
        &[
            system_instruction::create_account(
                &payer.pubkey(),
                &account.pubkey(),
                rent,
                spl_token::state::Account::LEN as u64,
                &spl_token::ID,
            ),
            spl_token::instruction::initialize_account3(&spl_token::ID, &account.pubkey(), mint, owner).unwrap(),
        ],
        payer,
        &[payer, &account],
    )
    .expect("create token account");
    account.pubkey()
}

/// A new mint with `authority` as mint authority.
fn create_mint(svm: &mut LiteSVM, authority: &Keypair) -> Pubkey {
    let mint = Keypair::new();
    let rent = svm.minimum_balance_for_rent_exemption(spl_token::state::Mint::LEN);
    send(
        svm,
        &[
            system_instruction::create_account(
                &authority.pubkey(),
                &mint.pubkey(),
                rent,
                spl_token::state::Mint::LEN as u64,
                &spl_token::ID,
            ),
            spl_token::instruction::initialize_mint2(
                &spl_token::ID,
                &mint.pubkey(),
                &authority.pubkey(),
                None,
                DECIMALS,
            )
            .unwrap(),
        ],
        authority,
        &[authority, &mint],
    )
    .expect("create mint");
    mint.pubkey()
}

fn setup() -> Fixture {
    let mut svm = LiteSVM::new();
    svm.add_builtin(audius_tips::ID, audius_svm_bridge::native_processor!(audius_tips::entry));
    let fan = Keypair::new();
    let artist = Keypair::new();
    svm.airdrop(&fan.pubkey(), 10_000_000_000).unwrap();
    svm.airdrop(&artist.pubkey(), 10_000_000_000).unwrap();

    let mint = create_mint(&mut svm, &fan);
    let fan_token = create_token_account(&mut svm, &fan, &mint, &fan.pubkey());
    let artist_token = create_token_account(&mut svm, &fan, &mint, &artist.pubkey());
    send(
        &mut svm,
        &[spl_token::instruction::mint_to(&spl_token::ID, &mint, &fan_token, &fan.pubkey(), &[], FAN_BALANCE).unwrap()],
        &fan,
        &[&fan],
    )
    .expect("mint to fan");
    Fixture { svm, fan, artist, mint, fan_token, artist_token }
}

fn tip_total_address(sender: &Pubkey, recipient: &Pubkey, mint: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[TIP_TOTAL_SEED, sender.as_ref(), recipient.as_ref(), mint.as_ref()],
        &audius_tips::ID,
    )
    .0
}

impl Fixture {
    fn accounts(&self) -> audius_tips::accounts::SendTip {
        audius_tips::accounts::SendTip {
            sender: self.fan.pubkey(),
            recipient: self.artist.pubkey(),
            mint: self.mint,
            sender_token: self.fan_token,
            recipient_token: self.artist_token,
            tip_total: tip_total_address(&self.fan.pubkey(), &self.artist.pubkey(), &self.mint),
            token_program: spl_token::ID,
            system_program: anchor_lang::system_program::ID,
        }
    }

    fn tip_ix(&self, accounts: audius_tips::accounts::SendTip, amount: u64) -> Instruction {
        Instruction {
            program_id: audius_tips::ID,
            accounts: accounts.to_account_metas(None),
            data: audius_tips::instruction::SendTip { amount }.data(),
        }
    }

    fn tip(&mut self, accounts: audius_tips::accounts::SendTip, amount: u64) -> Result<(), TransactionError> {
        let ix = self.tip_ix(accounts, amount);
        let fan = self.fan.insecure_clone();
        send(&mut self.svm, &[ix], &fan, &[&fan])
    }

    fn token_balance(&self, account: &Pubkey) -> u64 {
        spl_token::state::Account::unpack(&self.svm.get_account(account).unwrap().data).unwrap().amount
    }

    fn tip_total(&self) -> Option<TipTotal> {
        let address = tip_total_address(&self.fan.pubkey(), &self.artist.pubkey(), &self.mint);
        let account = self.svm.get_account(&address)?;
        assert_eq!(account.owner, audius_tips::ID);
        Some(TipTotal::try_deserialize(&mut account.data.as_slice()).unwrap())
    }
}

fn custom(code: u32) -> TransactionError {
    TransactionError::InstructionError(0, InstructionError::Custom(code))
}

fn anchor_error(code: anchor_lang::error::ErrorCode) -> TransactionError {
    custom(code.into())
}

#[test]
fn tip_moves_tokens_through_spl_token_and_records_total() {
    let mut f = setup();
    f.tip(f.accounts(), 250).expect("first tip");
    f.tip(f.accounts(), 50).expect("second tip");

    assert_eq!(f.token_balance(&f.fan_token), FAN_BALANCE - 300);
    assert_eq!(f.token_balance(&f.artist_token), 300);
    let address = tip_total_address(&f.fan.pubkey(), &f.artist.pubkey(), &f.mint);
    let bump = Pubkey::find_program_address(
        &[TIP_TOTAL_SEED, f.fan.pubkey().as_ref(), f.artist.pubkey().as_ref(), f.mint.as_ref()],
        &audius_tips::ID,
    )
    .1;
    assert_eq!(
        f.tip_total(),
        Some(TipTotal {
            sender: f.fan.pubkey(),
            recipient: f.artist.pubkey(),
            mint: f.mint,
            amount: 300,
            count: 2,
            bump
        })
    );
    let account = f.svm.get_account(&address).unwrap();
    assert_eq!(account.data.len(), 8 + 32 * 3 + 8 + 8 + 1, "discriminator + fields, no padding");
}

#[test]
fn zero_tip_is_rejected() {
    let mut f = setup();
    assert_eq!(f.tip(f.accounts(), 0), Err(custom(TipError::ZeroAmount.into())));
    assert_eq!(f.tip_total(), None, "a failed tip leaves nothing behind");
}

#[test]
fn self_tip_is_rejected() {
    let mut f = setup();
    let mut accounts = f.accounts();
    accounts.recipient = f.fan.pubkey();
    accounts.recipient_token = create_token_account(&mut f.svm, &f.fan, &f.mint, &f.fan.pubkey());
    accounts.tip_total = tip_total_address(&f.fan.pubkey(), &f.fan.pubkey(), &f.mint);
    assert_eq!(f.tip(accounts, 10), Err(custom(TipError::SelfTip.into())));
    assert_eq!(f.token_balance(&f.fan_token), FAN_BALANCE);
}

#[test]
fn same_token_account_on_both_sides_is_rejected() {
    let mut f = setup();
    let mut accounts = f.accounts();
    accounts.recipient_token = f.fan_token;
    assert_eq!(
        f.tip(accounts, 10),
        Err(anchor_error(anchor_lang::error::ErrorCode::ConstraintDuplicateMutableAccount))
    );
}

#[test]
fn tip_without_sender_signature_is_rejected() {
    let mut f = setup();
    let mut ix = f.tip_ix(f.accounts(), 10);
    ix.accounts[0].is_signer = false;
    // The artist pays the fee and signs; the fan whose tokens would move does not.
    let artist = f.artist.insecure_clone();
    assert_eq!(
        send(&mut f.svm, &[ix], &artist, &[&artist]),
        Err(anchor_error(anchor_lang::error::ErrorCode::AccountNotSigner))
    );
    assert_eq!(f.token_balance(&f.fan_token), FAN_BALANCE);
}

#[test]
fn tip_from_someone_elses_token_account_is_rejected() {
    let mut f = setup();
    let mut accounts = f.accounts();
    let stranger = Pubkey::new_unique();
    accounts.sender_token = create_token_account(&mut f.svm, &f.fan, &f.mint, &stranger);
    assert_eq!(f.tip(accounts, 10), Err(anchor_error(anchor_lang::error::ErrorCode::ConstraintTokenOwner)));
}

#[test]
fn recipient_token_account_of_another_owner_is_rejected() {
    let mut f = setup();
    let mut accounts = f.accounts();
    let stranger = Pubkey::new_unique();
    accounts.recipient_token = create_token_account(&mut f.svm, &f.fan, &f.mint, &stranger);
    assert_eq!(f.tip(accounts, 10), Err(anchor_error(anchor_lang::error::ErrorCode::ConstraintTokenOwner)));
}

#[test]
fn tip_total_at_a_foreign_address_is_rejected() {
    let mut f = setup();
    let mut accounts = f.accounts();
    accounts.tip_total = tip_total_address(&f.artist.pubkey(), &f.fan.pubkey(), &f.mint);
    assert_eq!(f.tip(accounts, 10), Err(anchor_error(anchor_lang::error::ErrorCode::ConstraintSeeds)));
}

#[test]
fn tip_in_another_mint_is_rejected() {
    let mut f = setup();
    let other_mint = create_mint(&mut f.svm, &f.fan);
    let mut accounts = f.accounts();
    accounts.mint = other_mint;
    accounts.tip_total = tip_total_address(&f.fan.pubkey(), &f.artist.pubkey(), &other_mint);
    assert_eq!(f.tip(accounts, 10), Err(anchor_error(anchor_lang::error::ErrorCode::ConstraintTokenMint)));
}

#[test]
fn tip_larger_than_balance_fails_in_spl_token_and_changes_nothing() {
    let mut f = setup();
    let err = f.tip(f.accounts(), FAN_BALANCE + 1).unwrap_err();
    assert_eq!(err, custom(spl_token::error::TokenError::InsufficientFunds as u32));
    assert_eq!(f.tip_total(), None);
    assert_eq!(f.token_balance(&f.fan_token), FAN_BALANCE);
}

#[test]
fn total_overflow_is_rejected() {
    let mut f = setup();
    f.tip(f.accounts(), 1).unwrap();
    // Forge a total at the edge of u64 to reach the overflow branch without minting 2^64 tokens.
    let address = tip_total_address(&f.fan.pubkey(), &f.artist.pubkey(), &f.mint);
    let mut account = f.svm.get_account(&address).unwrap();
    let mut total = f.tip_total().unwrap();
    total.amount = u64::MAX;
    let mut data = Vec::new();
    anchor_lang::AccountSerialize::try_serialize(&total, &mut data).unwrap();
    account.data = data;
    f.svm.set_account(address, account).unwrap();
    assert_eq!(f.tip(f.accounts(), 1), Err(custom(TipError::TotalOverflow.into())));
    assert_eq!(f.token_balance(&f.artist_token), 1);
}
