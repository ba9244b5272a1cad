// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {AudiusGovernor} from "../../src/governance/AudiusGovernor.sol";
import {Staking} from "../../src/staking/Staking.sol";
import {IStakingEvents} from "../../src/interfaces/IStakingEvents.sol";

/// @dev Two operators and four delegators moving stake (deposits, withdrawals, removals, slashes, time) around
/// proposals they vote on, with castVote and castOverrideVote. The handler keeps its own record of every account's
/// stake at the end of each snapshot second (read as it happens, not from the history views) and of every ballot,
/// and checks every returned weight against both that record and the staking contract's history views.
/// Kept cheap for 10,000 x 32 CI runs: six accounts, at most four proposals, no loops over history.
contract GovernanceHandler is Test {
    uint256 internal constant ACTORS = 6; // 0 and 1 operators, 2 to 5 delegators
    uint256 internal constant OPERATORS = 2;
    uint256 internal constant MAX_PROPOSALS = 3;
    uint256 internal constant QUORUM_PERCENT = 5;

    AudiusGovernor internal immutable governor;
    Staking internal immutable staking;
    /// @dev A third operator that only proposes: it never votes and its pool never moves.
    address internal immutable chair;
    address[ACTORS] internal actors;

    /// @dev Every account at the end of a snapshot second, as the handler saw it after the second's last call.
    struct Snapshot {
        uint256[ACTORS] votes; // an operator's pool; zero for the others
        uint256[ACTORS] balance; // own active stake
        address[ACTORS] delegate; // the pool's operator
    }

    /// @dev One proposal's ballots; support + 1 (0: none). `past*` are the staking views read at the vote.
    struct Ballots {
        uint256 id;
        uint256 snapshot;
        uint256 quorumBase;
        uint8[ACTORS] cast;
        uint8[ACTORS] overrode;
        uint256[ACTORS] pastVotes;
        uint256[ACTORS] pastBalance;
        address[ACTORS] pastDelegate;
        // Expected tallies, recomputed from scratch after every vote (the invariant only compares).
        uint256[3] bySupport;
        uint256 total;
    }

    Ballots[] internal ballots;
    mapping(uint256 time => Snapshot) internal snapshots;
    uint256 internal latestSnapshot;
    uint256 internal nonce;

    /// @notice Weights or views that disagreed with the handler's record, or a vote accepted that must not be.
    uint256 public mismatches;
    /// @notice What the first mismatch was: the invariant's failure message.
    string public firstMismatch;
    /// @notice Successful castVote / castOverrideVote calls (handler and sweep).
    uint256 public casts;
    uint256 public overrides;
    /// @notice Of those, the ones made by the fuzzed calls (not by the final sweep).
    uint256 public fuzzedCasts;
    uint256 public fuzzedOverrides;
    bool internal sweeping;

    constructor(AudiusGovernor governor_, Staking staking_, address chair_, address[ACTORS] memory actors_) {
        governor = governor_;
        staking = staking_;
        chair = chair_;
        actors = actors_;
    }

    // =========================================================================================================
    // Stake
    // =========================================================================================================

    function deposit(uint256 who, uint256 operatorSeed, uint256 amount) external {
        uint256 i = who % ACTORS;
        address account = actors[i];
        amount = bound(amount, 100 ether, 500_000 ether);
        if (i < OPERATORS) {
            vm.prank(account);
            try staking.increaseStake(amount) {} catch {}
        } else {
            address operator = staking.delegates(account);
            if (operator == address(0)) operator = actors[operatorSeed % OPERATORS];
            vm.prank(account);
            try staking.delegateStake(operator, amount) {} catch {}
        }
        _refresh();
    }

    function requestWithdrawal(uint256 who, uint256 amount) external {
        address account = actors[who % ACTORS];
        address operator = staking.delegates(account);
        if (operator == address(0)) return;
        amount = bound(amount, 1 ether, 3_000_000 ether); // above the position: all of it
        vm.prank(account);
        try staking.requestWithdrawal(operator, amount) {} catch {}
        _refresh();
    }

    function cancelWithdrawal(uint256 who) external {
        address account = actors[who % ACTORS];
        address operator = staking.delegates(account);
        if (operator == address(0)) return;
        vm.prank(account);
        try staking.cancelWithdrawal(operator) {} catch {}
        _refresh();
    }

    function withdraw(uint256 who) external {
        address account = actors[who % ACTORS];
        address operator = staking.delegates(account);
        if (operator == address(0)) return;
        vm.prank(account);
        try staking.withdraw(operator) {} catch {}
        _refresh();
    }

    function requestRemoval(uint256 operatorSeed, uint256 delegatorSeed) external {
        vm.prank(actors[operatorSeed % OPERATORS]);
        try staking.requestRemoveDelegator(actors[OPERATORS + delegatorSeed % (ACTORS - OPERATORS)]) {} catch {}
        _refresh();
    }

    function cancelRemoval(uint256 operatorSeed, uint256 delegatorSeed) external {
        vm.prank(actors[operatorSeed % OPERATORS]);
        try staking.cancelRemoveDelegator(actors[OPERATORS + delegatorSeed % (ACTORS - OPERATORS)]) {} catch {}
        _refresh();
    }

    function removeDelegator(uint256 operatorSeed, uint256 delegatorSeed) external {
        vm.prank(actors[operatorSeed % OPERATORS]);
        try staking.removeDelegator(actors[OPERATORS + delegatorSeed % (ACTORS - OPERATORS)]) {} catch {}
        _refresh();
    }

    /// @dev Up to 10% of a pool (active and pending), by the governor directly: the vote is not what is tested.
    function slash(uint256 operatorSeed, uint256 bps) external {
        address operator = actors[operatorSeed % OPERATORS];
        IStakingEvents.Pool memory pool = staking.poolOf(operator);
        uint256 amount = (pool.assets + pool.pendingAssets) * bound(bps, 1, 1_000) / 10_000;
        if (amount == 0) return;
        vm.prank(address(governor));
        try staking.slash(operator, amount, bytes32(++nonce)) {} catch {}
        _refresh();
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + bound(secs, 1, 1 days));
    }

    // =========================================================================================================
    // Proposals and votes
    // =========================================================================================================

    function propose(uint256) external {
        if (ballots.length < MAX_PROPOSALS) _propose();
    }

    function castVote(uint256 who, uint256 proposalSeed, uint256 support) external {
        if (ballots.length == 0) return;
        _castVote(ballots[proposalSeed % ballots.length], who % ACTORS, uint8(support % 3));
    }

    function castOverride(uint256 who, uint256 proposalSeed, uint256 support) external {
        if (ballots.length == 0) return;
        _castOverride(ballots[proposalSeed % ballots.length], who % ACTORS, uint8(support % 3));
    }

    /// @notice End of a run: every account votes on the latest open proposal (overrides of half the delegators
    /// before their operators vote, of the other half after), on a new one if none is open.
    function sweep() external {
        sweeping = true;
        if (latestSnapshot == block.timestamp) vm.warp(block.timestamp + 1);
        // The latest proposal still open, else a new one.
        uint256 k = ballots.length;
        while (k != 0 && governor.state(ballots[k - 1].id) != IGovernor.ProposalState.Active) {
            --k;
        }
        if (k != 0) {
            _voteAll(ballots[k - 1]);
        } else {
            Ballots storage b = _propose();
            vm.warp(block.timestamp + 1);
            _voteAll(b);
        }
        sweeping = false;
    }

    function _voteAll(Ballots storage b) private {
        uint256 seed = b.id;
        for (uint256 i = OPERATORS; i < ACTORS; i += 2) {
            if (b.overrode[i] == 0) _castOverride(b, i, uint8((seed + i) % 3));
        }
        for (uint256 i = 0; i < ACTORS; ++i) {
            if (b.cast[i] == 0) _castVote(b, i, uint8((seed >> (8 + i)) % 3));
        }
        for (uint256 i = OPERATORS + 1; i < ACTORS; i += 2) {
            if (b.overrode[i] == 0) _castOverride(b, i, uint8((seed + i) % 3));
        }
    }

    function _propose() private returns (Ballots storage b) {
        uint256 n = ++nonce;
        address[] memory targets = new address[](1);
        targets[0] = address(staking);
        uint256[] memory values = new uint256[](1);
        bytes[] memory calldatas = new bytes[](1);
        calldatas[0] = abi.encodeCall(Staking.setGlobalMinDelegation, (uint96(n) * 1 ether));
        uint256 quorumBase = staking.totalStakeBefore();
        vm.prank(chair);
        uint256 id = governor.propose(targets, values, calldatas, vm.toString(n));
        b = ballots.push();
        b.id = id;
        b.snapshot = block.timestamp;
        b.quorumBase = quorumBase;
        latestSnapshot = block.timestamp;
        uint256 quorum = quorumBase * QUORUM_PERCENT / 100;
        if (governor.proposalQuorum(id) != quorum || governor.quorum(block.timestamp) != quorum) _mismatch("quorum");
        _refresh();
    }

    /// @dev castVote: an operator's weight is its pool at the snapshot less the stake of its delegators that
    /// overrode it; a delegator's castVote is its override.
    function _castVote(Ballots storage b, uint256 i, uint8 support) private {
        if (i >= OPERATORS) return _override(b, i, support, true);
        address account = actors[i];
        bool allowed = b.cast[i] == 0 && _votingOpen(b);
        vm.prank(account);
        try governor.castVote(b.id, support) returns (uint256 weight) {
            if (!allowed) _mismatch("castVote accepted twice or outside the vote");
            uint256 past = staking.getPastVotes(account, b.snapshot);
            if (past != snapshots[b.snapshot].votes[i]) _mismatch("getPastVotes differs from the snapshot record");
            uint256 overridden = 0;
            for (uint256 k = 0; k < ACTORS; ++k) {
                if (b.overrode[k] != 0 && b.pastDelegate[k] == account) overridden += b.pastBalance[k];
            }
            if (overridden > past || weight != past - overridden) _mismatch("castVote weight");
            b.cast[i] = support + 1;
            b.pastVotes[i] = past;
            _recompute(b);
            ++casts;
            if (!sweeping) ++fuzzedCasts;
        } catch {
            if (allowed) _mismatch("castVote refused");
        }
    }

    /// @dev castOverrideVote: the weight is the account's own active stake at the snapshot; an operator's own stake
    /// is its pool's, so it is refused.
    function _castOverride(Ballots storage b, uint256 i, uint8 support) private {
        _override(b, i, support, false);
    }

    function _override(Ballots storage b, uint256 i, uint8 support, bool viaCastVote) private {
        address account = actors[i];
        bool allowed = i >= OPERATORS && b.overrode[i] == 0 && _votingOpen(b);
        (bool ok, uint256 weight) = _sendOverride(account, b.id, support, viaCastVote);
        if (!ok) {
            if (allowed) _mismatch("override refused");
            return;
        }
        if (!allowed) _mismatch("override accepted twice, by an operator or outside the vote");
        Snapshot storage snap = snapshots[b.snapshot];
        uint256 balance = staking.getPastBalanceOf(account, b.snapshot);
        address delegate_ = staking.getPastDelegate(account, b.snapshot);
        if (balance != snap.balance[i]) _mismatch("getPastBalanceOf differs from the snapshot record");
        if (weight != balance) _mismatch("override weight");
        // Weight only ever moves from one of the two pools the handler follows.
        if (balance != 0 && (delegate_ != snap.delegate[i] || _indexOf(delegate_) >= OPERATORS)) {
            _mismatch("getPastDelegate differs from the snapshot record");
        }
        b.overrode[i] = support + 1;
        b.pastBalance[i] = balance;
        b.pastDelegate[i] = delegate_;
        _recompute(b);
        ++overrides;
        if (!sweeping) ++fuzzedOverrides;
    }

    /// @dev The override as `account` sends it: its `castVote` or `castOverrideVote`.
    function _sendOverride(address account, uint256 id, uint8 support, bool viaCastVote)
        private
        returns (bool ok, uint256 weight)
    {
        vm.startPrank(account);
        if (viaCastVote) {
            try governor.castVote(id, support) returns (uint256 w) {
                (ok, weight) = (true, w);
            } catch {}
        } else {
            try governor.castOverrideVote(id, support, "") returns (uint256 w) {
                (ok, weight) = (true, w);
            } catch {}
        }
        vm.stopPrank();
    }

    function _votingOpen(Ballots storage b) private view returns (bool) {
        return block.timestamp > b.snapshot && block.timestamp <= governor.proposalDeadline(b.id);
    }

    /// @dev Record every account as it stands now if this is a snapshot second: after the second's last call the
    /// record is its state at the end of the second.
    function _refresh() private {
        if (latestSnapshot != block.timestamp) return;
        Snapshot storage snap = snapshots[block.timestamp];
        uint256 pools;
        uint256 members;
        for (uint256 i = 0; i < ACTORS; ++i) {
            address account = actors[i];
            uint256 balance = staking.balanceOf(account);
            snap.balance[i] = balance;
            snap.delegate[i] = staking.delegates(account);
            members += balance;
            if (i < OPERATORS) {
                uint256 votes = staking.getVotes(account);
                snap.votes[i] = votes;
                pools += votes;
            }
        }
        // The two pools are held by these six accounts: their balances add up to the pools, less rounding (at
        // most one wei per account), so overriding can never take out more than a pool holds.
        if (members > pools || pools - members > ACTORS) _mismatch("pools not held by their members");
    }

    function _mismatch(string memory what) private {
        if (mismatches == 0) firstMismatch = what;
        ++mismatches;
    }

    /// @dev The expected tallies from scratch: by support from the history views read at each vote, in total from
    /// the handler's own record of the snapshot second. An operator counts its pool less the stake of the
    /// accounts that overrode it; an overriding account counts its own stake; each once.
    function _recompute(Ballots storage b) private {
        Snapshot storage snap = snapshots[b.snapshot];
        uint256[3] memory bySupport;
        uint256 total;
        for (uint256 i = 0; i < ACTORS; ++i) {
            address account = actors[i];
            if (b.cast[i] != 0) {
                uint256 fromViews = b.pastVotes[i];
                uint256 fromRecord = snap.votes[i];
                for (uint256 j = 0; j < ACTORS; ++j) {
                    if (b.overrode[j] == 0) continue;
                    if (b.pastDelegate[j] == account) fromViews -= b.pastBalance[j];
                    if (snap.delegate[j] == account) fromRecord -= snap.balance[j];
                }
                bySupport[b.cast[i] - 1] += fromViews;
                total += fromRecord;
            }
            if (b.overrode[i] != 0) {
                bySupport[b.overrode[i] - 1] += b.pastBalance[i];
                total += snap.balance[i];
            }
        }
        b.bySupport = bySupport;
        b.total = total;
    }

    function _indexOf(address account) private view returns (uint256) {
        for (uint256 i = 0; i < ACTORS; ++i) {
            if (actors[i] == account) return i;
        }
        return ACTORS;
    }

    // =========================================================================================================
    // What the invariants read
    // =========================================================================================================

    function proposalCount() external view returns (uint256) {
        return ballots.length;
    }

    /// @notice Proposal `k` and its expected tallies (by support, and in total from the snapshot record).
    function expected(uint256 k) external view returns (uint256 id, uint256[3] memory bySupport, uint256 total) {
        Ballots storage b = ballots[k];
        return (b.id, b.bySupport, b.total);
    }

    /// @notice Proposal `k`'s snapshot and the total stake at the end of the second before it (the quorum's base).
    function quorumOf(uint256 k) external view returns (uint256 id, uint256 snapshot, uint256 quorumBase) {
        Ballots storage b = ballots[k];
        return (b.id, b.snapshot, b.quorumBase);
    }
}
