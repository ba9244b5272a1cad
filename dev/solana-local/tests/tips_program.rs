//! The tipping program as a cluster runs it: its SBF ELF in LiteSVM (metered, with the SBF stack and heap), SPL
//! Token as its real SBF program, instructions built by the SDK from the program's IDL.

use anchor_lang::{
    prelude::Pubkey,
    solana_program::{instruction::Instruction, program_pack::Pack},
    AccountDeserialize,
};
use anchor_spl::token::spl_token;
use audius_sdk::solana::{
    audius_tips::error::AudiusTipsError,
    tips::{self, TipTotal, PROGRAM_ID, TIP_TOTAL_SEED},
};
use audius_solana_local::spl;
use litesvm::LiteSVM;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

const DECIMALS: u8 = 8;
/// Anchor's `ConstraintDuplicateMutableAccount` (the same number in v1 and v2).
const DUPLICATE_MUTABLE_ACCOUNT: u32 = 2040;
const FAN_BALANCE: u64 = 1_000_000;
/// A tip total's size: discriminator, version, three addresses, amount, count, rent payer, bump — no padding.
/// Where the SDK puts the tip total among `send_tip`'s accounts.
const TIP_TOTAL_AT: usize = 6;
const TIP_TOTAL_BYTES: usize = 8 + 1 + 32 * 3 + 8 + 8 + 32 + 1;

struct Fixture {
    svm: LiteSVM,
    fan: Keypair,
    artist: Keypair,
    mint: Pubkey,
    fan_token: Pubkey,
    artist_token: Pubkey,
}

/// The accounts of a tip, as the SDK orders them; a test swaps one to attack.
#[derive(Clone, Copy)]
struct Tip {
    sender: Pubkey,
    payer: Pubkey,
    recipient: Pubkey,
    mint: Pubkey,
    sender_token: Pubkey,
    recipient_token: Pubkey,
}

fn send(
    svm: &mut LiteSVM,
    instructions: &[Instruction],
    payer: &Keypair,
    signers: &[&Keypair],
) -> Result<u64, TransactionError> {
    let tx = Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), signers, svm.latest_blockhash());
    let result = svm.send_transaction(tx).map(|meta| meta.compute_units_consumed).map_err(|failed| failed.err);
    // A fresh blockhash per transaction, so that repeating an identical instruction is a new transaction.
    svm.expire_blockhash();
    result
}

fn create_token_account(svm: &mut LiteSVM, payer: &Keypair, mint: &Pubkey, owner: &Pubkey) -> Pubkey {
    let account = Keypair::new();
    let rent = svm.minimum_balance_for_rent_exemption(spl::TOKEN_ACCOUNT_LEN);
    let ixs = spl::create_token_account(&payer.pubkey(), &account.pubkey(), mint, owner, rent);
    send(svm, &ixs, payer, &[payer, &account]).expect("create token account");
    account.pubkey()
}

/// A new mint with `authority` as mint authority.
fn create_mint(svm: &mut LiteSVM, authority: &Keypair) -> Pubkey {
    let mint = Keypair::new();
    let rent = svm.minimum_balance_for_rent_exemption(spl::MINT_LEN);
    let ixs = spl::create_mint(&authority.pubkey(), &mint.pubkey(), &authority.pubkey(), DECIMALS, rent);
    send(svm, &ixs, authority, &[authority, &mint]).expect("create mint");
    mint.pubkey()
}

fn setup() -> Fixture {
    let mut svm = LiteSVM::new();
    audius_solana_local::programs::load(&mut svm, None).expect("the program ELFs load and verify");
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

impl Fixture {
    fn accounts(&self) -> Tip {
        Tip {
            sender: self.fan.pubkey(),
            payer: self.fan.pubkey(),
            recipient: self.artist.pubkey(),
            mint: self.mint,
            sender_token: self.fan_token,
            recipient_token: self.artist_token,
        }
    }

    /// The fan and a new artist with a token account of the mint: a pair with no tip total yet, and its bump.
    fn new_pair(&mut self) -> (Tip, u8) {
        let artist = Keypair::new();
        let mut tip = self.accounts();
        tip.recipient = artist.pubkey();
        tip.recipient_token = create_token_account(&mut self.svm, &self.fan, &self.mint, &artist.pubkey());
        let (_, bump) = Pubkey::find_program_address(
            &[TIP_TOTAL_SEED, tip.sender.as_ref(), tip.recipient.as_ref(), tip.mint.as_ref()],
            &PROGRAM_ID,
        );
        (tip, bump)
    }

    fn tip_ix(&self, tip: Tip, amount: u64) -> Instruction {
        tips::send_tip(
            &tip.sender,
            &tip.payer,
            &tip.recipient,
            &tip.mint,
            &tip.sender_token,
            &tip.recipient_token,
            amount,
        )
    }

    fn tip(&mut self, tip: Tip, amount: u64) -> Result<u64, TransactionError> {
        let ix = self.tip_ix(tip, amount);
        let fan = self.fan.insecure_clone();
        send(&mut self.svm, &[ix], &fan, &[&fan])
    }

    fn token_balance(&self, account: &Pubkey) -> u64 {
        spl_token::state::Account::unpack(&self.svm.get_account(account).unwrap().data).unwrap().amount
    }

    fn tip_total(&self) -> Option<TipTotal> {
        let address = tips::tip_total_address(&self.fan.pubkey(), &self.artist.pubkey(), &self.mint);
        let account = self.svm.get_account(&address)?;
        if account.data.is_empty() {
            return None;
        }
        assert_eq!(account.owner, PROGRAM_ID);
        Some(TipTotal::try_deserialize(&mut account.data.as_slice()).unwrap())
    }
}

/// The SDK's compute-unit limit for `tip` and its instructions for a tip of 10.
fn sdk_tip(tip: &Tip) -> (u64, Vec<Instruction>) {
    let limit = u64::from(tips::send_tip_compute_units(&tip.sender, &tip.recipient, &tip.mint));
    let ixs = tips::send_tip_instructions(
        &tip.sender,
        &tip.payer,
        &tip.recipient,
        &tip.mint,
        &tip.sender_token,
        &tip.recipient_token,
        10,
    );
    (limit, ixs)
}

fn custom(code: u32) -> TransactionError {
    TransactionError::InstructionError(0, InstructionError::Custom(code))
}

fn tip_error(error: AudiusTipsError) -> TransactionError {
    custom(error.into())
}

fn instruction_error(error: InstructionError) -> TransactionError {
    TransactionError::InstructionError(0, error)
}

#[test]
fn tip_moves_tokens_through_spl_token_and_records_total() {
    let mut f = setup();
    f.tip(f.accounts(), 250).expect("first tip");
    f.tip(f.accounts(), 50).expect("second tip");

    assert_eq!(f.token_balance(&f.fan_token), FAN_BALANCE - 300);
    assert_eq!(f.token_balance(&f.artist_token), 300);
    let (address, bump) = Pubkey::find_program_address(
        &[TIP_TOTAL_SEED, f.fan.pubkey().as_ref(), f.artist.pubkey().as_ref(), f.mint.as_ref()],
        &PROGRAM_ID,
    );
    assert_eq!(address, tips::tip_total_address(&f.fan.pubkey(), &f.artist.pubkey(), &f.mint));
    let total = f.tip_total().expect("the tip total exists");
    assert_eq!(
        (total.sender, total.recipient, total.mint, total.amount, total.count, total.bump),
        (f.fan.pubkey(), f.artist.pubkey(), f.mint, 300, 2, bump)
    );
    let account = f.svm.get_account(&address).unwrap();
    assert_eq!(account.data.len(), TIP_TOTAL_BYTES, "discriminator + fields, no padding");
}

#[test]
fn zero_tip_is_rejected() {
    let mut f = setup();
    assert_eq!(f.tip(f.accounts(), 0), Err(tip_error(AudiusTipsError::ZeroAmount)));
    assert!(f.tip_total().is_none(), "a failed tip leaves nothing behind");
}

#[test]
fn self_tip_is_rejected() {
    let mut f = setup();
    let mut tip = f.accounts();
    tip.recipient = f.fan.pubkey();
    tip.recipient_token = create_token_account(&mut f.svm, &f.fan, &f.mint, &f.fan.pubkey());
    // The sender only signs (the payer is the writable account), so the handler's own check answers.
    assert_eq!(f.tip(tip, 10), Err(tip_error(AudiusTipsError::SelfTip)));
    assert_eq!(f.token_balance(&f.fan_token), FAN_BALANCE);
}

#[test]
fn same_token_account_on_both_sides_is_rejected() {
    let mut f = setup();
    let mut tip = f.accounts();
    tip.recipient_token = f.fan_token;
    assert_eq!(f.tip(tip, 10), Err(custom(DUPLICATE_MUTABLE_ACCOUNT)), "one token account on both sides");
    assert_eq!(f.token_balance(&f.fan_token), FAN_BALANCE);
    assert!(f.tip_total().is_none());
}

#[test]
fn tip_without_sender_signature_is_rejected() {
    let mut f = setup();
    // The artist pays the fee and the rent and signs; the fan whose tokens would move does not.
    let artist = f.artist.insecure_clone();
    let mut tip = f.accounts();
    tip.payer = artist.pubkey();
    let mut ix = f.tip_ix(tip, 10);
    ix.accounts[0].is_signer = false;
    assert_eq!(
        send(&mut f.svm, &[ix], &artist, &[&artist]),
        Err(instruction_error(InstructionError::MissingRequiredSignature))
    );
    assert_eq!(f.token_balance(&f.fan_token), FAN_BALANCE);
}

#[test]
fn tip_from_someone_elses_token_account_is_rejected() {
    let mut f = setup();
    let mut tip = f.accounts();
    let stranger = Pubkey::new_unique();
    tip.sender_token = create_token_account(&mut f.svm, &f.fan, &f.mint, &stranger);
    assert_eq!(f.tip(tip, 10), Err(tip_error(AudiusTipsError::WrongTokenOwner)));
}

#[test]
fn recipient_token_account_of_another_owner_is_rejected() {
    let mut f = setup();
    let mut tip = f.accounts();
    let stranger = Pubkey::new_unique();
    tip.recipient_token = create_token_account(&mut f.svm, &f.fan, &f.mint, &stranger);
    assert_eq!(f.tip(tip, 10), Err(tip_error(AudiusTipsError::WrongTokenOwner)));
}

#[test]
fn tip_total_at_a_foreign_address_is_rejected() {
    let mut f = setup();
    let mut ix = f.tip_ix(f.accounts(), 10);
    ix.accounts[TIP_TOTAL_AT].pubkey = tips::tip_total_address(&f.artist.pubkey(), &f.fan.pubkey(), &f.mint);
    let fan = f.fan.insecure_clone();
    assert_eq!(send(&mut f.svm, &[ix], &fan, &[&fan]), Err(instruction_error(InstructionError::InvalidSeeds)));
}

#[test]
fn tip_in_another_mint_is_rejected() {
    let mut f = setup();
    let other_mint = create_mint(&mut f.svm, &f.fan);
    let mut tip = f.accounts();
    tip.mint = other_mint;
    assert_eq!(f.tip(tip, 10), Err(tip_error(AudiusTipsError::InvalidTokenAccount)));
}

#[test]
fn a_mint_not_owned_by_spl_token_is_rejected() {
    let mut f = setup();
    let mut tip = f.accounts();
    // An account with a mint's bytes, owned by someone else: the data would parse, the owner must not pass.
    let forged = Pubkey::new_unique();
    let mut account = f.svm.get_account(&f.mint).unwrap();
    account.owner = Pubkey::new_unique();
    f.svm.set_account(forged, account).unwrap();
    tip.mint = forged;
    assert_eq!(f.tip(tip, 10), Err(tip_error(AudiusTipsError::InvalidMint)));
}

#[test]
fn tip_larger_than_balance_fails_in_spl_token_and_changes_nothing() {
    let mut f = setup();
    let err = f.tip(f.accounts(), FAN_BALANCE + 1).unwrap_err();
    assert_eq!(err, custom(spl_token::error::TokenError::InsufficientFunds as u32));
    assert!(f.tip_total().is_none());
    assert_eq!(f.token_balance(&f.fan_token), FAN_BALANCE);
}

#[test]
fn total_overflow_is_rejected() {
    let mut f = setup();
    f.tip(f.accounts(), 1).unwrap();
    // Forge a total at the edge of u64 to reach the overflow branch without minting 2^64 tokens: the amount is
    // the u64 after the discriminator, the version and three addresses.
    let address = tips::tip_total_address(&f.fan.pubkey(), &f.artist.pubkey(), &f.mint);
    let mut account = f.svm.get_account(&address).unwrap();
    account.data[9 + 96..9 + 104].copy_from_slice(&u64::MAX.to_le_bytes());
    f.svm.set_account(address, account).unwrap();
    assert_eq!(f.tip_total().unwrap().amount, u64::MAX);
    assert_eq!(f.tip(f.accounts(), 1), Err(tip_error(AudiusTipsError::TotalOverflow)));
    assert_eq!(f.token_balance(&f.artist_token), 1);
}

/// The SDK's compute-unit limit covers every tip and requests nothing beyond the pre-funded creation path it must
/// cover: a pair's first tip uses all but that path's units (`PREFUNDED_TOTAL_UNITS`) (to within a few units per PDA-search step;
/// random pairs hit bump 255 and lower ones), a later tip 1,494 fewer again.
#[test]
fn the_sdk_compute_limit_is_what_a_tip_uses() {
    let mut f = setup();
    let mut bumps = std::collections::BTreeSet::new();
    for _ in 0..24 {
        let (tip, bump) = f.new_pair();
        bumps.insert(bump);
        let steps = u64::from(u8::MAX - bump);
        let (limit, ixs) = sdk_tip(&tip);
        let fan = f.fan.insecure_clone();
        let first = send(&mut f.svm, &ixs, &fan, &[&fan]).expect("first tip within its limit");
        let spare = limit - first;
        let prefunded = u64::from(tips::PREFUNDED_TOTAL_UNITS);
        assert!((prefunded..=prefunded + 5 * steps).contains(&spare), "bump {bump}: first tip used {first} of {limit}");
        let again = send(&mut f.svm, &ixs, &fan, &[&fan]).expect("later tip within its limit");
        assert_eq!(first - again, 1_494, "bump {bump}: a later tip");
    }
    assert!(bumps.len() > 1, "the pairs covered more than one bump: {bumps:?}");
}

/// The program's `emit!` (Anchor v2, wincode) is the event its IDL describes: the SDK's IDL-generated `TipSent`
/// decodes the logged bytes, discriminator first.
#[test]
fn a_tip_logs_its_event_as_the_idl_describes() {
    use anchor_lang::{AnchorDeserialize, Discriminator};
    use audius_sdk::solana::audius_tips::events::TipSent;
    use base64::Engine;

    let mut f = setup();
    let ix = f.tip_ix(f.accounts(), 250);
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&f.fan.pubkey()), &[&f.fan], f.svm.latest_blockhash());
    let meta = f.svm.send_transaction(tx).expect("tip");
    let logged = meta.logs.iter().find_map(|line| line.strip_prefix("Program data: ")).expect("an event in the logs");
    let bytes = base64::engine::general_purpose::STANDARD.decode(logged).unwrap();
    let body = bytes.strip_prefix(TipSent::DISCRIMINATOR).expect("TipSent's discriminator");
    let event = TipSent::deserialize(&mut &body[..]).unwrap();
    assert_eq!(
        (event.sender, event.recipient, event.mint, event.amount, event.total),
        (f.fan.pubkey(), f.artist.pubkey(), f.mint, 250, 250)
    );
}

/// Another pair's existing tip total is refused in this pair's place (its seeds are the other pair's).
#[test]
fn another_pairs_existing_total_is_rejected() {
    let mut f = setup();
    f.tip(f.accounts(), 5).expect("the fan tips the artist");
    let other = tips::tip_total_address(&f.fan.pubkey(), &f.artist.pubkey(), &f.mint);
    let stranger = Keypair::new();
    let mut tip = f.accounts();
    tip.recipient = stranger.pubkey();
    tip.recipient_token = create_token_account(&mut f.svm, &f.fan, &f.mint, &stranger.pubkey());
    let mut ix = f.tip_ix(tip, 10);
    ix.accounts[TIP_TOTAL_AT].pubkey = other;
    let fan = f.fan.insecure_clone();
    assert_eq!(send(&mut f.svm, &[ix], &fan, &[&fan]), Err(instruction_error(InstructionError::InvalidSeeds)));
    assert_eq!(f.tip_total().unwrap().amount, 5, "the other pair's total is untouched");
}

/// Anyone can send lamports to a pair's tip-total address before its first tip; the program then creates the
/// account the pre-funded way (top-up, allocate, assign: more CPIs). The SDK's limit covers that path too.
#[test]
fn a_prefunded_tip_total_still_fits_the_sdk_limit() {
    let mut f = setup();
    for _ in 0..8 {
        let (tip, bump) = f.new_pair();
        let total = tips::tip_total_address(&tip.sender, &tip.recipient, &tip.mint);
        f.svm.airdrop(&total, 890_880).unwrap();
        let steps = u64::from(u8::MAX - bump);
        let (limit, ixs) = sdk_tip(&tip);
        let fan = f.fan.insecure_clone();
        let first = send(&mut f.svm, &ixs, &fan, &[&fan]).expect("a pre-funded first tip within its limit");
        assert!(
            first <= limit && limit - first <= 5 * steps,
            "bump {bump}: pre-funded first tip used {first} of {limit}"
        );
        let account = f.svm.get_account(&total).unwrap();
        assert_eq!((account.owner, account.data.len()), (PROGRAM_ID, TIP_TOTAL_BYTES));
    }
}

fn tip_total_at(svm: &LiteSVM, tip: &Tip) -> Option<TipTotal> {
    let account = svm.get_account(&tips::tip_total_address(&tip.sender, &tip.recipient, &tip.mint))?;
    (!account.data.is_empty()).then(|| TipTotal::try_deserialize(&mut account.data.as_slice()).unwrap())
}

/// The review: a tip total's rent (more than a small tip is worth) could never come back, and a fan with no SOL could
/// not tip at all. An app pays the total's rent on the pair's first tip; the sender alone can close the total, and
/// its rent goes back to whoever paid it; the next tip opens a new total.
#[test]
fn a_tip_total_is_sponsored_and_closed_for_its_rent() {
    let mut f = setup();
    let (app, fan) = (Keypair::new(), Keypair::new());
    f.svm.airdrop(&app.pubkey(), 1_000_000_000).unwrap();
    let mut tip = f.accounts();
    let minter = f.fan.insecure_clone();
    tip.sender = fan.pubkey();
    tip.payer = app.pubkey();
    tip.sender_token = create_token_account(&mut f.svm, &minter, &f.mint, &fan.pubkey());
    let mint_to =
        spl_token::instruction::mint_to(&spl_token::ID, &f.mint, &tip.sender_token, &minter.pubkey(), &[], 100);
    send(&mut f.svm, &[mint_to.unwrap()], &minter, &[&minter]).unwrap();

    // The fan holds no SOL: the app pays the fee and the total's rent, the fan signs for its tokens.
    let first = f.tip_ix(tip, 40);
    send(&mut f.svm, &[first], &app, &[&app, &fan]).expect("a sponsored tip");
    let total = tip_total_at(&f.svm, &tip).unwrap();
    assert_eq!(
        (total.version, total.amount, total.count, total.rent_payer),
        (tips::LAYOUT_VERSION, 40, 1, app.pubkey())
    );
    assert_eq!(f.svm.get_balance(&fan.pubkey()).unwrap_or(0), 0);

    let address = tips::tip_total_address(&tip.sender, &tip.recipient, &tip.mint);
    // Nobody but the sender closes it: the recipient names the sender's total, but its seeds are the signer's.
    let artist = f.artist.insecure_clone();
    let ix = tips::close_tip_total(&tip.sender, &tip.recipient, &tip.mint, &app.pubkey());
    let mut forged = ix.clone();
    forged.accounts[0].pubkey = artist.pubkey();
    assert_eq!(
        send(&mut f.svm, &[forged], &artist, &[&artist]),
        Err(instruction_error(InstructionError::InvalidSeeds))
    );
    let mut unsigned = ix.clone();
    unsigned.accounts[0].is_signer = false;
    assert_eq!(
        send(&mut f.svm, &[unsigned], &app, &[&app]),
        Err(instruction_error(InstructionError::MissingRequiredSignature))
    );
    // Nor may the rent go anywhere but to its payer.
    let thief = tips::close_tip_total(&tip.sender, &tip.recipient, &tip.mint, &fan.pubkey());
    assert_eq!(send(&mut f.svm, &[thief], &app, &[&app, &fan]), Err(tip_error(AudiusTipsError::WrongRentPayer)));
    assert!(tip_total_at(&f.svm, &tip).is_some(), "refused closes leave the total");

    let (before, rent) = (f.svm.get_balance(&app.pubkey()).unwrap(), f.svm.get_balance(&address).unwrap());
    let meta = {
        let tx =
            Transaction::new_signed_with_payer(&[ix], Some(&app.pubkey()), &[&app, &fan], f.svm.latest_blockhash());
        f.svm.send_transaction(tx).expect("the sender closes its total")
    };
    f.svm.expire_blockhash();
    assert!(tip_total_at(&f.svm, &tip).is_none(), "the total is closed");
    assert_eq!(f.svm.get_balance(&app.pubkey()).unwrap(), before + rent - 2 * 5_000, "its rent is back, less the fee");
    // The close is logged with what the total held.
    {
        use anchor_lang::{AnchorDeserialize, Discriminator};
        use audius_sdk::solana::audius_tips::events::TipTotalClosed;
        use base64::Engine;
        let logged = meta.logs.iter().find_map(|line| line.strip_prefix("Program data: ")).expect("an event");
        let bytes = base64::engine::general_purpose::STANDARD.decode(logged).unwrap();
        let event =
            TipTotalClosed::deserialize(&mut bytes.strip_prefix(TipTotalClosed::DISCRIMINATOR).unwrap()).unwrap();
        assert_eq!((event.sender, event.amount, event.count), (fan.pubkey(), 40, 1));
    }
    // Once: it is gone.
    let again = tips::close_tip_total(&tip.sender, &tip.recipient, &tip.mint, &app.pubkey());
    assert_eq!(
        send(&mut f.svm, &[again], &app, &[&app, &fan]),
        Err(instruction_error(InstructionError::UninitializedAccount))
    );
    // The next tip opens a new total (the app pays its rent again).
    let next = f.tip_ix(tip, 5);
    send(&mut f.svm, &[next], &app, &[&app, &fan]).expect("a tip after the close");
    let total = tip_total_at(&f.svm, &tip).unwrap();
    assert_eq!((total.amount, total.count), (5, 1));
    assert_eq!(f.token_balance(&tip.recipient_token), 45, "the tips themselves stand");
}
