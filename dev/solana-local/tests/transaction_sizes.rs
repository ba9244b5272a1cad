//! Every content instruction at its largest fits one transaction with what a real client adds: a compute-unit limit,
//! a priority fee and a fee payer besides the instruction's own signer. Prints the table in docs/programs.md
//! ("Transaction sizes") with `--nocapture`.

mod common;

use anchor_lang::prelude::Pubkey;
use common::*;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_message::Message;

/// The most bytes a transaction may take on the wire (`solana_packet::PACKET_DATA_SIZE`).
const PACKET_DATA_SIZE: usize = 1_232;

/// The wire size of `instruction` sent with a compute-unit limit and price, paid by a fee payer of its own: the
/// signature count, a signature per signer, the message.
fn wire_size(instruction: Instruction) -> usize {
    let fee_payer = Pubkey::new_unique();
    let instructions = [
        ComputeBudgetInstruction::set_compute_unit_limit(1_400_000),
        ComputeBudgetInstruction::set_compute_unit_price(1_000_000),
        instruction,
    ];
    let message = Message::new(&instructions, Some(&fee_payer));
    let signers = usize::from(message.header.num_required_signatures);
    1 + 64 * signers + message.serialize().len()
}

#[test]
fn every_instruction_at_its_largest_fits_a_transaction_with_a_budget_and_a_second_signer() {
    let most = MAX_ATTESTERS;
    let attesters: Vec<[u8; 20]> = (0..most).map(|i| [i as u8 + 1; 20]).collect();
    let quorum = usize::from(MAX_QUORUM);
    let signatures = vec![[7u8; 65]; quorum];
    let (signer, app, other) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
    let eth = [9u8; 20];
    let profile = profile_address(&eth);
    let grant = Some(app_grant_address(&profile, 1, &app));
    let longest_node = NodeRegistration {
        sp_id: u64::MAX,
        owner_wallet: [1; 20],
        delegate_wallet: [2; 20],
        endpoint: "x".repeat(MAX_ENDPOINT_LEN),
    };
    let receipts = ReplicaReceipts { expiry: 0, signatures: [[7; 65]; 3] };
    let rows: Vec<(&str, String, Instruction)> = vec![
        ("initialize", format!("{most} attesters"), initialize(&signer, [7; 32], attesters.clone(), MAX_QUORUM)),
        ("set_writes_enabled", String::new(), admin_update(&signer, AdminChange::WritesEnabled(false))),
        ("propose_admin", String::new(), admin_update(&signer, AdminChange::ProposeAdmin(other))),
        ("accept_admin", String::new(), accept_admin(&signer)),
        (
            "set_attesters",
            format!("{most} attesters"),
            admin_update(&signer, AdminChange::Attesters { attesters: attesters.clone(), quorum: MAX_QUORUM }),
        ),
        (
            "admit_node",
            format!("{MAX_ENDPOINT_LEN}-byte endpoint, {quorum} signatures"),
            admit_node(&signer, longest_node, 0, 0, signatures.clone()),
        ),
        ("remove_node", format!("{quorum} signatures"), remove_node(&signer, 1, &other, 0, 0, signatures.clone())),
        (
            "sync_attesters",
            format!("{most} attesters, {quorum} signatures"),
            sync_attesters(&signer, attesters, MAX_QUORUM, 0, 0, signatures.clone()),
        ),
        ("attest_tier", format!("{quorum} signatures"), attest_tier(&signer, &eth, 4, 0, 0, 0, signatures)),
        ("create_profile", String::new(), create_profile(&signer, &signer, eth, cid(1), 0, [7; 65])),
        ("update_profile", "by an app".into(), update_profile(&app, &profile, grant, cid(2))),
        ("rotate_authority", String::new(), rotate_authority(&signer, &eth, other, 0, [7; 65])),
        ("grant_app", String::new(), grant_app(&signer, &signer, &profile, 1, &app)),
        ("revoke_app", String::new(), revoke_app(&signer, &profile, 1, &app, &signer)),
        (
            "create_track",
            "by an app, three receipts".into(),
            create_track(&app, &app, &profile, 0, grant, cid(3), cid(2), [1, 2, 3], receipts),
        ),
        (
            "update_track",
            "by an app, new set with three receipts".into(),
            update_track(&app, &profile, 0, grant, [1, 2, 3], cid(4), Some(receipts)),
        ),
        ("delete_track", "by an app".into(), delete_track(&app, &profile, 0, grant, &other)),
    ];
    println!("| instruction | largest input | bytes | spare of {PACKET_DATA_SIZE} |");
    println!("|---|---|---:|---:|");
    for (name, input, instruction) in rows {
        let size = wire_size(instruction);
        println!("| `{name}` | {input} | {size} | {} |", PACKET_DATA_SIZE as i64 - size as i64);
        assert!(size <= PACKET_DATA_SIZE, "{name} ({input}) takes {size} bytes");
    }
}
