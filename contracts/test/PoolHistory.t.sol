// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {PoolHistory} from "../src/utils/PoolHistory.sol";

/// @dev The library behind an external interface; it keeps the entry count as the staking contract does.
contract PoolHistoryHarness {
    using PoolHistory for PoolHistory.History;

    PoolHistory.History internal history;
    uint256 public count;

    function push(uint32 time, uint112 assets, uint112 shares) external {
        history.push(count, time, assets, shares);
        ++count;
    }

    function lookup(uint256 time) external view returns (uint256 assets, uint256 shares) {
        return history.lookup(count, time);
    }

    /// @dev A lookup over the first `entries` entries only (the caller's count is the truth).
    function lookupIn(uint256 entries, uint256 time) external view returns (uint256 assets, uint256 shares) {
        return history.lookup(entries, time);
    }
}

contract PoolHistoryTest is Test {
    PoolHistoryHarness internal h;
    uint32[] internal times;
    uint112[] internal assetsAt;
    uint112[] internal sharesAt;

    function setUp() public {
        h = new PoolHistoryHarness();
    }

    function _push(uint32 time, uint112 assets, uint112 shares) internal {
        h.push(time, assets, shares);
        times.push(time);
        assetsAt.push(assets);
        sharesAt.push(shares);
    }

    /// Naive reference: the last entry pushed at or before `time` among the first `entries`, (0, 0) before the first.
    function _reference(uint256 entries, uint256 time) internal view returns (uint256 assets, uint256 shares) {
        for (uint256 i = 0; i < entries; ++i) {
            if (times[i] <= time) (assets, shares) = (assetsAt[i], sharesAt[i]);
        }
    }

    function _check(uint256 entries, uint256 time) internal view {
        (uint256 assets, uint256 shares) = h.lookupIn(entries, time);
        (uint256 refAssets, uint256 refShares) = _reference(entries, time);
        assertEq(assets, refAssets, "assets");
        assertEq(shares, refShares, "shares");
    }

    /// Against a naive history: several entries in one second (the last one wins), gaps, lookups before the first
    /// entry, at every entry's second and between them, over the whole history and over a prefix of it.
    function testFuzz_MatchesNaiveHistory(
        uint32 start,
        uint16[32] memory steps,
        uint112[32] memory assets,
        uint112[32] memory shares,
        uint32[8] memory queries,
        uint8 prefix
    ) public {
        uint32 time = uint32(bound(start, 1, type(uint32).max - 32 * 1_000));
        uint32 first = time;
        for (uint256 i = 0; i < 32; ++i) {
            // One step in three is in the same second as the entry before (the first entry too, at `start`).
            if (i != 0 && steps[i] % 3 != 0) time += uint32(bound(steps[i], 1, 1_000));
            _push(time, assets[i], shares[i]);
            (uint256 a, uint256 s) = h.lookup(time);
            assertEq(a, assets[i], "latest entry of its second");
            assertEq(s, shares[i]);
        }
        assertEq(h.count(), 32, "every change appends, also within one second");
        // Before the first entry: nothing.
        (uint256 before, uint256 beforeShares) = h.lookup(first - 1);
        assertEq(before + beforeShares, 0);
        for (uint256 q = 0; q < 8; ++q) {
            uint256 when = bound(queries[q], first - 1, uint256(time) + 10);
            _check(32, when);
            _check(bound(prefix, 0, 32), when);
        }
        for (uint256 i = 0; i < 32; ++i) {
            _check(32, times[i]);
            _check(32, times[i] - 1);
            _check(i + 1, times[i]);
        }
        _check(32, type(uint256).max);
    }

    function test_EmptyAndBeforeFirst() public {
        (uint256 a, uint256 s) = h.lookup(100);
        assertEq(a + s, 0);
        _push(50, 7, 3);
        (a, s) = h.lookup(49);
        assertEq(a + s, 0, "before the first entry");
        (a, s) = h.lookup(0);
        assertEq(a + s, 0);
        (a, s) = h.lookup(50);
        assertEq(a, 7);
        assertEq(s, 3);
        (a, s) = h.lookup(type(uint256).max);
        assertEq(a, 7);
        assertEq(s, 3);
        assertEq(h.count(), 1);
        // With a count of zero the entry is not there.
        (a, s) = h.lookupIn(0, 50);
        assertEq(a + s, 0);
    }

    function test_SeveralEntriesInOneSecond() public {
        _push(10, 1, 10);
        _push(10, 2, 20);
        _push(10, 3, 30);
        _push(20, 4, 40);
        _push(20, 5, 50);
        _push(30, 6, 60);
        assertEq(h.count(), 6);
        (uint256 a, uint256 s) = h.lookup(9);
        assertEq(a + s, 0);
        (a, s) = h.lookup(10);
        assertEq(a, 3, "the last entry of the second");
        assertEq(s, 30);
        (a, s) = h.lookup(19);
        assertEq(a, 3);
        (a, s) = h.lookup(20);
        assertEq(a, 5);
        assertEq(s, 50);
        (a, s) = h.lookup(29);
        assertEq(a, 5);
        (a, s) = h.lookup(30);
        assertEq(a, 6);
        // Over a prefix ending inside a second, that prefix's last entry answers.
        (a, s) = h.lookupIn(2, 10);
        assertEq(a, 2);
        assertEq(s, 20);
        (a, s) = h.lookupIn(4, 25);
        assertEq(a, 4);
    }

    /// Fields do not bleed into each other at their widths' limits.
    function test_MaxValuesRoundTrip() public {
        uint112 max = type(uint112).max;
        _push(1, max, 0);
        _push(2, 0, max);
        _push(type(uint32).max - 1, 1, 1);
        _push(type(uint32).max, max, max);
        (uint256 a, uint256 s) = h.lookup(1);
        assertEq(a, max);
        assertEq(s, 0);
        (a, s) = h.lookup(2);
        assertEq(a, 0);
        assertEq(s, max);
        (a, s) = h.lookup(type(uint32).max - 1);
        assertEq(a, 1);
        assertEq(s, 1);
        (a, s) = h.lookup(type(uint32).max);
        assertEq(a, max);
        assertEq(s, max);
        (a, s) = h.lookup(uint256(type(uint32).max) + 1);
        assertEq(a, max, "a time past uint32 finds the latest entry");
    }

    function test_BinarySearchOverManyEntries() public {
        for (uint32 i = 0; i < 200; ++i) {
            _push(100 + 2 * i, i + 1, 1_000 + i);
        }
        for (uint32 i = 0; i < 200; ++i) {
            (uint256 a, uint256 s) = h.lookup(100 + 2 * i + 1);
            assertEq(a, i + 1);
            assertEq(s, 1_000 + i);
            (a,) = h.lookup(100 + 2 * i);
            assertEq(a, i + 1);
        }
        (uint256 none,) = h.lookup(99);
        assertEq(none, 0);
    }
}
