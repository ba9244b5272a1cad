// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "forge-std/Test.sol";
import {PackedCheckpoints} from "../src/utils/PackedCheckpoints.sol";

contract CheckpointsHarness {
    PackedCheckpoints.History internal history;
    uint256 public count;

    function push(uint32 time, uint96 value) external {
        count = PackedCheckpoints.push(history, count, time, value);
    }

    function latest() external view returns (uint96) {
        return PackedCheckpoints.latest(history, count);
    }

    function lookup(uint32 time) external view returns (uint96) {
        return PackedCheckpoints.upperLookup(history, count, time);
    }
}

contract PackedCheckpointsTest is Test {
    CheckpointsHarness internal h;
    uint32[] internal times;
    uint96[] internal values;

    function setUp() public {
        h = new CheckpointsHarness();
    }

    /// Naive reference: the last pushed value at or before `time`, with same-time pushes overwriting.
    function _reference(uint32 time) internal view returns (uint96 value) {
        for (uint256 i = 0; i < times.length; ++i) {
            if (times[i] <= time) value = values[i];
        }
    }

    function testFuzz_MatchesNaiveHistory(uint32[24] memory steps, uint96[24] memory vals, uint32[8] memory queries)
        public
    {
        uint32 time = 1;
        for (uint256 i = 0; i < 24; ++i) {
            time += uint32(bound(steps[i], 0, 1_000)); // 0: same timestamp, overwrite
            h.push(time, vals[i]);
            times.push(time);
            values.push(vals[i]);
            assertEq(h.latest(), vals[i]);
        }
        for (uint256 q = 0; q < 8; ++q) {
            uint32 when = uint32(bound(queries[q], 0, time + 10));
            assertEq(h.lookup(when), _reference(when));
        }
    }

    function test_EmptyAndBeforeFirst() public {
        assertEq(h.latest(), 0);
        assertEq(h.lookup(100), 0);
        h.push(50, 7);
        assertEq(h.lookup(49), 0);
        assertEq(h.lookup(50), 7);
        assertEq(h.count(), 1);
    }

    function test_SameTimestampOverwritesInBothHalves() public {
        h.push(10, 1);
        h.push(10, 2); // overwrite the low half
        h.push(20, 3);
        h.push(20, 4); // overwrite the high half
        assertEq(h.count(), 2);
        assertEq(h.lookup(10), 2);
        assertEq(h.lookup(25), 4);
    }

    function test_RevertWhen_TimeGoesBackwards() public {
        h.push(10, 1);
        vm.expectRevert(abi.encodeWithSelector(PackedCheckpoints.CheckpointOutOfOrder.selector, 10, 9));
        h.push(9, 1);
    }

    function test_MaxValuesRoundTrip() public {
        h.push(type(uint32).max - 1, type(uint96).max);
        h.push(type(uint32).max, 1);
        assertEq(h.lookup(type(uint32).max - 1), type(uint96).max);
        assertEq(h.latest(), 1);
    }
}
