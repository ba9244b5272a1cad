//! `audius wallet`: what a wallet holds, and sending AUDIO or ETH from the configured key.

use alloy::{
    primitives::{utils::format_ether, Address, U256},
    providers::Provider,
};
use audius_sdk::eth::{format_audio, send::transfer_eth, EthError};
use clap::{Subcommand, ValueEnum};
use serde_json::json;
use solana_signer::Signer;

use crate::{
    context::Context,
    error::CliError,
    units::{parse_address, parse_tokens},
    Output,
};

/// Wallet subcommands.
#[derive(Subcommand)]
pub enum WalletCommand {
    /// ETH, AUDIO held, AUDIO staked and votes of an Ethereum address (the configured key's by default), and the
    /// SOL of the configured Solana keypair when there is one.
    Balance {
        /// The address to read (default: the configured Ethereum key's).
        #[arg(value_parser = parse_address)]
        address: Option<Address>,
    },
    /// Send AUDIO (or ETH with `--asset eth`) from the configured Ethereum key.
    Transfer {
        /// The recipient.
        #[arg(value_parser = parse_address)]
        to: Address,
        /// Whole tokens, e.g. 250 or 0.5 (a point for decimals, `_` to group digits).
        amount: String,
        /// What to send.
        #[arg(long, value_enum, default_value_t = Asset::Audio)]
        asset: Asset,
    },
}

/// What `wallet transfer` sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Asset {
    /// The AUDIO token (an ERC-20 transfer).
    Audio,
    /// Ether (a plain value transfer).
    Eth,
}

impl Asset {
    fn unit(self) -> &'static str {
        match self {
            Asset::Audio => "AUDIO",
            Asset::Eth => "ETH",
        }
    }
}

/// Run a wallet subcommand.
pub async fn run(command: WalletCommand, context: &Context) -> anyhow::Result<Output> {
    match command {
        WalletCommand::Balance { address } => balance(context, address).await,
        WalletCommand::Transfer { to, amount, asset } => {
            // Both assets have 18 decimals; the unit names the mistake.
            let amount = parse_tokens(&amount, 18, asset.unit()).map_err(CliError::input)?;
            transfer(context, to, amount, asset).await
        }
    }
}

async fn balance(context: &Context, address: Option<Address>) -> anyhow::Result<Output> {
    let address = match address {
        Some(address) => address,
        None => context.eth_signer()?.address(),
    };
    let eth = context.eth_reader().await?;
    let ether = eth.token.provider().get_balance(address).await.map_err(EthError::from)?;
    let audio = eth.token.balanceOf(address).call().await.map_err(EthError::from)?;
    let staked = eth.staking.stakedValueOf(address).call().await.map_err(EthError::from)?;
    let votes = eth.staking.getVotes(address).call().await.map_err(EthError::from)?;
    let mut text = format!(
        "{address}\n  {} ETH\n  {} held\n  {} staked (own stake and delegations, pending withdrawals included)\n  {} \
         votes\n",
        format_ether(ether),
        format_audio(audio),
        format_audio(staked),
        format_audio(votes)
    );
    // The Solana keypair is optional here: an operator or voter may have none.
    let solana = match context.solana_keypair() {
        Ok(keypair) => {
            let pubkey = keypair.pubkey();
            let lamports = context
                .solana()
                .rpc()
                .get_balance(&pubkey)
                .await
                .map_err(audius_sdk::solana::rpc::SolanaError::from)?;
            text.push_str(&format!("{pubkey}\n  {} SOL\n", lamports_to_sol(lamports)));
            json!({ "address": pubkey.to_string(), "lamports": lamports.to_string() })
        }
        Err(_) => serde_json::Value::Null,
    };
    Ok(Output::new(
        text,
        json!({ "address": address, "eth": ether.to_string(), "audio": audio.to_string(),
                "staked": staked.to_string(), "votes": votes.to_string(), "solana": solana }),
    ))
}

/// SOL with its nine decimals, trailing zeros dropped.
fn lamports_to_sol(lamports: u64) -> String {
    let whole = lamports / 1_000_000_000;
    let fraction = format!("{:09}", lamports % 1_000_000_000);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

async fn transfer(context: &Context, to: Address, amount: U256, asset: Asset) -> anyhow::Result<Output> {
    let (eth, from) = context.eth_writer().await?;
    // Tokens sent to these are gone: no key can move them out.
    if to == Address::ZERO {
        return Err(CliError::input("refusing to send to the zero address (nothing sent)"));
    }
    if to == eth.deployment.audio_token || to == eth.deployment.staking {
        return Err(CliError::input(format!(
            "refusing to send to the protocol contract {to}: a plain transfer there cannot be taken back (to stake, \
             use `audius operator increase-stake` or `audius delegate stake`)"
        )));
    }
    let shown = match asset {
        Asset::Audio => format_audio(amount),
        Asset::Eth => format!("{} ETH", format_ether(amount)),
    };
    let sent = match asset {
        Asset::Audio => {
            eth.check_balance(from, amount, "to send").await?;
            let step = format!("AudioToken.transfer to {to}");
            context.confirm_eth(&eth, from, &format!("send {shown} to {to}"), &[step]).await?;
            eth.transfer_audio(from, to, amount).await?.transactions
        }
        Asset::Eth => {
            let step = format!("a value transfer to {to}");
            context.confirm_eth(&eth, from, &format!("send {shown} to {to}"), &[step]).await?;
            vec![transfer_eth(eth.token.provider(), from, to, amount).await?]
        }
    };
    Ok(Output::new(
        format!("sent {shown} to {to}"),
        json!({ "from": from, "to": to, "asset": asset.unit(), "amount": amount.to_string() }),
    )
    .with_transactions(&sent))
}

#[cfg(test)]
mod tests {
    use super::lamports_to_sol;

    #[test]
    fn sol_keeps_its_nine_decimals() {
        assert_eq!(lamports_to_sol(0), "0");
        assert_eq!(lamports_to_sol(1), "0.000000001");
        assert_eq!(lamports_to_sol(1_500_000_000), "1.5");
        assert_eq!(lamports_to_sol(u64::MAX), "18446744073.709551615");
    }
}
