// The content program from TypeScript, end to end against the local network (`audius-localnet up`):
//
//   1. read the program's configuration with Anchor's client and the committed IDL;
//   2. bind a profile to an Ethereum wallet with an EIP-712 proof the wallet shows field by field;
//   3. grant an app key the right to write for the profile;
//   4. as the app: upload a WAV to a content node, gather the three replicas' receipts, record the track;
//   5. read the track back and decode the ledger event from the transaction's inner instructions, checking it
//      extends the profile's hash chain;
//   6. see a refused write come back as the program's named error.
//
// Run: `npm ci && npm run build && node dist/quickstart.js <state dir>/localnet.json` (scripts/test.sh does).
import assert from "node:assert/strict";
import { createHash, createPrivateKey, randomInt, sign as edSign } from "node:crypto";
import { readFileSync } from "node:fs";

import anchor from "@coral-xyz/anchor";
import type { Idl } from "@coral-xyz/anchor";
import {
  ComputeBudgetProgram,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
} from "@solana/web3.js";
import { Wallet as EthWallet, concat, getBytes, keccak256, toBeArray, verifyMessage, zeroPadValue } from "ethers";

const { AnchorProvider, BN, Program, Wallet } = anchor;

// ---- the network and the program ----

/** What `audius-localnet up` publishes (localnet.json). */
interface Manifest {
  eth_rpc: string;
  solana_rpc: string;
  solana_ws: string;
  content_nodes: { sp_id: number; endpoint: string }[];
}

const manifestPath = process.argv[2] ?? process.env.AUDIUS_LOCALNET_MANIFEST;
if (!manifestPath) throw new Error("usage: node dist/quickstart.js <path to localnet.json>");
const manifest: Manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const idl: Idl = JSON.parse(readFileSync(new URL("../../../idls/audius_content.json", import.meta.url), "utf8"));

// The local node's PubSub port is not web3.js's default (RPC port + 1): pass it, or confirmations time out.
const connection = new Connection(manifest.solana_rpc, { commitment: "confirmed", wsEndpoint: manifest.solana_ws });
const programId = new PublicKey(idl.address);

/** The program as `payer` drives it (Anchor signs with the provider's wallet and pays with it). */
function programAs(payer: Keypair) {
  return new Program(idl, new AnchorProvider(connection, new Wallet(payer), { commitment: "confirmed" }));
}

async function funded(): Promise<Keypair> {
  const key = Keypair.generate();
  const signature = await connection.requestAirdrop(key.publicKey, 10 * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
  return key;
}

// ---- the IDL's constants: seeds, tags, the typed data of proofs, bounds ----

function constant(name: string): unknown {
  const found = idl.constants?.find((c) => c.name === name);
  if (!found) throw new Error(`the IDL has no constant ${name}`);
  return JSON.parse(found.value);
}
const bytesConstant = (name: string) => Buffer.from(constant(name) as number[]);
const seed = bytesConstant;

/** The EIP-712 struct `Name(type field,…)` as ethers' `types` and its primary type. */
function typedStruct(signature: string) {
  const [, name, body] = /^(\w+)\((.*)\)$/.exec(signature)!;
  const fields = body.split(",").map((field) => {
    const [type, fieldName] = field.split(" ");
    return { name: fieldName, type };
  });
  return { [name]: fields };
}

// ---- addresses, as the IDL's seeds define them ----

const u64le = (value: number | bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt(value));
  return bytes;
};
const pda = (...seeds: Buffer[]) => PublicKey.findProgramAddressSync(seeds, programId)[0];
const configAddress = pda(seed("CONFIG_SEED"));
const profileAddress = (eth: Uint8Array) => pda(seed("PROFILE_SEED"), Buffer.from(eth));
const appGrantAddress = (profile: PublicKey, epoch: bigint, app: PublicKey) =>
  pda(seed("APP_SEED"), profile.toBuffer(), u64le(epoch), app.toBuffer());
const trackAddress = (profile: PublicKey, trackId: bigint) =>
  pda(seed("TRACK_SEED"), profile.toBuffer(), u64le(trackId));
const nodeAddress = (spId: number) => pda(seed("NODE_SEED"), u64le(spId));

// ---- content ids ----

/** CIDv1, raw codec, sha2-256: the 36 bytes the program stores. */
function cidBytes(data: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from([0x01, 0x55, 0x12, 0x20]), createHash("sha256").update(data).digest()]);
}

/** Its text form (multibase base32, lower case, "b…"). */
function cidText(cid: Uint8Array): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0;
  let value = 0;
  let out = "b";
  for (const byte of cid) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** One second of a 440 Hz tone as a 16-bit mono WAV (content nodes take audio only). */
function wav(): Buffer {
  const rate = 44_100;
  const samples = Buffer.alloc(rate * 2);
  for (let i = 0; i < rate; i++) samples.writeInt16LE(Math.round(8_000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + samples.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}

// ---- signing ----

const u64be = (value: number | bigint) => zeroPadValue(toBeArray(BigInt(value)), 8);

/** ed25519 over `message` with a Solana keypair (Node's crypto: the 32-byte seed in a PKCS#8 wrapper). */
function signAsSolanaKey(key: Keypair, message: Uint8Array): Buffer {
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), key.secretKey.subarray(0, 32)]);
  return edSign(null, message, createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }));
}

// ---- errors ----

/** The program's named error behind a failed transaction, from the IDL's error table. Anchor's client decodes an
 *  `AnchorError` from an "AnchorError occurred" log line, which Anchor v2 programs do not write; its fallback reads
 *  the code from the message and gives up when web3.js repeats the logs in it. The failing instruction's last log
 *  line names the code: `Program <id> failed: custom program error: 0x…`. */
function programErrorOf(error: unknown): { code: number; name: string; msg?: string } | undefined {
  const logs: string[] = (error as { logs?: string[] }).logs ?? [];
  const failed = new RegExp(`^Program ${programId.toBase58()} failed: custom program error: 0x([0-9a-f]+)$`);
  for (const line of logs) {
    const match = failed.exec(line);
    if (match) return idl.errors?.find((known) => known.code === parseInt(match[1], 16));
  }
  return undefined;
}

// ---- the walkthrough ----

async function main() {
  // 1. The configuration: the cluster id every signed message names. The app holds SOL and pays for everything
  //    below; the artist's Solana key is new and holds none (it only signs what it authorises).
  const app = await funded();
  const appProgram = programAs(app);
  const artistAuthority = Keypair.generate();
  const config = await (appProgram.account as any).config.fetch(configAddress);
  const cluster: number[] = config.cluster;
  console.log(`content program ${programId.toBase58()}, ${config.attesters.length} attester(s)`);

  // 2. A profile bound to an Ethereum wallet. The wallet signs typed data (eth_signTypedData_v4), so it shows the
  //    program, the cluster, the account, the Solana key being bound, the nonce and the deadline.
  const wallet = EthWallet.createRandom();
  const eth = getBytes(wallet.address);
  const profile = profileAddress(eth);
  const deadline = Math.floor(Date.now() / 1000) + 600;
  const proof = await wallet.signTypedData(
    { name: constant("EIP712_DOMAIN_NAME") as string, version: constant("EIP712_DOMAIN_VERSION") as string },
    typedStruct(constant("BIND_PROFILE_TYPE") as string),
    {
      program: programId.toBuffer(),
      cluster: Uint8Array.from(cluster),
      account: wallet.address,
      authority: artistAuthority.publicKey.toBuffer(),
      nonce: 0,
      deadline,
    },
  );
  // The app sponsors the profile: it is the transaction's fee payer and the instruction's `payer` (the rent); the
  // artist's key signs as the authority the profile is bound to.
  await appProgram.methods
    .createProfile(Array.from(eth), new Array(36).fill(0), new BN(deadline), Array.from(getBytes(proof)))
    .accounts({ authority: artistAuthority.publicKey, payer: app.publicKey })
    .signers([artistAuthority])
    .rpc();
  let account = await (appProgram.account as any).profile.fetch(profile);
  assert.equal(account.authority.toBase58(), artistAuthority.publicKey.toBase58());
  assert.equal(await connection.getBalance(artistAuthority.publicKey), 0, "the artist's key spent nothing");
  console.log(`profile ${profile.toBase58()} bound to ${wallet.address}, its rent paid by the app`);

  // 3. The app key the profile lets write for it: the grant is tied to the authority epoch (the proof nonce). The
  //    app pays its rent too, and has it back when the grant is revoked.
  const epoch = BigInt(account.nonce.toString());
  const appGrant = appGrantAddress(profile, epoch, app.publicKey);
  await appProgram.methods
    .grantApp(app.publicKey)
    .accounts({ authority: artistAuthority.publicKey, payer: app.publicKey, profile, appGrant })
    .signers([artistAuthority])
    .rpc();
  const grantRecord = await (appProgram.account as any).appGrant.fetch(appGrant);
  assert.equal(grantRecord.rentPayer.toBase58(), app.publicKey.toBase58());

  account = await (appProgram.account as any).profile.fetch(profile); // the grant moved the profile's chain on

  // 4. As the app: upload a WAV to a content node under a grant the app key signs.
  const audio = wav();
  const cid = cidBytes(audio);
  const chainId = BigInt(
    (await (await fetch(manifest.eth_rpc, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    })).json()).result,
  );
  const receiver = manifest.content_nodes[0];
  const nonce = randomInt(2 ** 47);
  const expires = Math.floor(Date.now() / 1000) + 600;
  // The upload grant is the content node's wire format (docs/content-node.md), not the program's.
  const grant = keccak256(
    concat([
      Buffer.from("audius:upload:v1"),
      u64be(chainId),
      u64be(receiver.sp_id),
      wallet.address,
      cid,
      u64be(audio.length),
      u64be(nonce),
      u64be(expires),
    ]),
  );
  const upload = await fetch(`${receiver.endpoint}/v1/uploads`, {
    method: "POST",
    headers: {
      "x-audius-signer": wallet.address,
      "x-audius-cid": cidText(cid),
      "x-audius-nonce": String(nonce),
      "x-audius-expires": String(expires),
      "x-audius-node": String(receiver.sp_id),
      "x-audius-app-key": app.publicKey.toBase58(),
      "x-audius-signature": signAsSolanaKey(app, getBytes(grant)).toString("hex"),
      "content-type": "audio/wav",
    },
    body: new Uint8Array(audio),
  });
  assert.equal(upload.status, 201, await upload.clone().text());
  const stored: { cid: string; replicas: number[] } = await upload.json();
  assert.equal(stored.cid, cidText(cid));
  assert.equal(stored.replicas.length, 3);

  // Each replica's receipt for the track about to be created (its address is the profile's next track id),
  // checked against the node's delegate wallet as the program will check it.
  const trackId = BigInt(account.trackCount.toString());
  const track = trackAddress(profile, trackId);
  const receiptExpiry = Math.floor(Date.now() / 1000) + (constant("MAX_RECEIPT_SECS") as number) / 2;
  const signatures: number[][] = [];
  for (const spId of stored.replicas) {
    const node = await (appProgram.account as any).contentNode.fetch(nodeAddress(spId));
    const answer = await fetch(`${node.endpoint}/v1/content/${stored.cid}/receipts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ track: track.toBase58(), expires_at: receiptExpiry }),
    });
    assert.equal(answer.status, 200, await answer.clone().text());
    const receipt: { signature: string } = await answer.json();
    const message = keccak256(
      concat([
        bytesConstant("REPLICA_RECEIPT_TAG"),
        programId.toBuffer(),
        Uint8Array.from(cluster),
        track.toBuffer(),
        cid,
        u64le(spId),
        u64le(BigInt(receiptExpiry)),
      ]),
    );
    const signer = verifyMessage(getBytes(message), `0x${receipt.signature}`);
    assert.equal(signer.toLowerCase(), `0x${Buffer.from(node.delegateWallet).toString("hex")}`);
    signatures.push(Array.from(Buffer.from(receipt.signature, "hex")));
  }

  // Record the track as the app (it signs and pays the rent, which deleting the track returns to it). The track
  // and replica accounts depend on account data, so they are passed; `appGrant` is passed explicitly (an
  // authority's own write passes `null` or the program id, which Anchor sends for a missing optional account: left
  // to the resolver, it would be filled with a PDA that does not exist). The compute limit is the SDK's budget for this write (docs/programs.md).
  const headBefore = Buffer.from(account.ledger.head);
  const signature = await appProgram.methods
    .createTrack(Array.from(cid), new Array(36).fill(0), { expiry: new BN(receiptExpiry), signatures })
    .accountsPartial({
      signer: app.publicKey,
      payer: app.publicKey,
      profile,
      appGrant,
      track,
      replica0: nodeAddress(stored.replicas[0]),
      replica1: nodeAddress(stored.replicas[1]),
      replica2: nodeAddress(stored.replicas[2]),
    })
    .preInstructions([ComputeBudgetProgram.setComputeUnitLimit({ units: 105_000 })])
    .rpc();
  console.log(`track ${trackId} recorded by the app in ${signature}`);

  // 5. Read the record, then the ledger event. Events travel as self-invocations (`emit_cpi!`), not logs: they are
  //    the transaction's inner instructions to the program, 8 bytes of Anchor's event tag, then the event.
  const record = await (appProgram.account as any).track.fetch(track);
  assert.equal(Buffer.from(record.contentCid).toString("hex"), Buffer.from(cid).toString("hex"));
  assert.deepEqual(record.replicas.map((id: any) => Number(id.toString())), stored.replicas);
  assert.equal(record.rentPayer.toBase58(), app.publicKey.toBase58());

  const tx = await connection.getTransaction(signature, { commitment: "confirmed", maxSupportedTransactionVersion: 0 });
  assert.ok(tx?.meta?.innerInstructions, "the transaction and its inner instructions");
  const keys = tx.transaction.message.getAccountKeys({ accountKeysFromLookups: tx.meta.loadedAddresses });
  const eventTag = Buffer.from("e445a52e51cb9a1d", "hex");
  const events = tx.meta.innerInstructions
    .flatMap((inner) => inner.instructions)
    .filter((ix) => keys.get(ix.programIdIndex)?.equals(programId))
    .map((ix) => Buffer.from(anchor.utils.bytes.bs58.decode(ix.data)))
    .filter((data) => data.subarray(0, 8).equals(eventTag))
    .map((data) => appProgram.coder.events.decode(data.subarray(8).toString("base64")))
    .filter((event) => event !== null);
  assert.equal(events.length, 1);
  const { entry, head } = events[0]!.data as any;
  assert.equal(events[0]!.name, "ledgerAppended");
  assert.ok("trackCreated" in entry.kind);
  assert.equal(entry.subject.toBase58(), track.toBase58());
  assert.equal(entry.actor.toBase58(), app.publicKey.toBase58());
  // The chain step: head = sha256(previous head ‖ borsh(entry)), and the profile's account holds the new head.
  const entryBytes = appProgram.coder.types.encode("ledgerEntry", entry);
  const stepped = createHash("sha256").update(headBefore).update(entryBytes).digest();
  assert.equal(stepped.toString("hex"), Buffer.from(head).toString("hex"));
  account = await (appProgram.account as any).profile.fetch(profile);
  assert.equal(Buffer.from(account.ledger.head).toString("hex"), stepped.toString("hex"));
  console.log(`ledger entry ${entry.seq} on the profile's chain, head ${stepped.toString("hex").slice(0, 16)}…`);

  // 6. A key the profile never granted is refused on chain, and the client names the program's error.
  const stranger = await funded();
  const strangerProgram = programAs(stranger);
  await assert.rejects(
    strangerProgram.methods
      .updateTrack(new Array(36).fill(0), null)
      .accountsPartial({
        signer: stranger.publicKey,
        profile,
        appGrant: programId, // no grant: the program id is how Anchor encodes a missing optional account
        track,
        replica0: nodeAddress(stored.replicas[0]),
        replica1: nodeAddress(stored.replicas[1]),
        replica2: nodeAddress(stored.replicas[2]),
      })
      .rpc(),
    (error: unknown) => {
      assert.equal(programErrorOf(error)?.name, "NotAuthorized", `${error}`);
      return true;
    },
  );
  console.log("a stranger's write is refused: NotAuthorized");
  console.log("quickstart: ok");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
