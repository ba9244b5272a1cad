// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title PackedCheckpoints: a value's history, two checkpoints per storage slot
/// @notice Each checkpoint is (uint32 timestamp, uint96 value) in 128 bits; checkpoint i lives in slot i / 2, in the
/// low half when i is even. Appending costs a fresh slot only every second time (the other time it fills the high
/// half of the slot just read), half of what one-per-slot checkpoints cost; the count is kept by the caller, in a
/// slot it writes anyway. Values are AUDIO amounts in wei: 96 bits hold 79 billion AUDIO.
library PackedCheckpoints {
    struct History {
        mapping(uint256 slot => uint256) pairs;
    }

    uint256 private constant LOW = type(uint128).max;

    /// @notice Timestamps must not go backwards.
    error CheckpointOutOfOrder(uint32 last, uint32 time);

    /// @notice Record `value` at `time` (overwriting a checkpoint at the same time) and return the new count.
    function push(History storage self, uint256 count, uint32 time, uint96 value) internal returns (uint256) {
        uint256 entry = (uint256(time) << 96) | value;
        if (count != 0) {
            uint256 last = count - 1;
            uint256 word = self.pairs[last >> 1];
            bool lastIsLow = last & 1 == 0;
            uint256 lastEntry = lastIsLow ? word & LOW : word >> 128;
            // forge-lint: disable-next-line(unsafe-typecast) the top 32 of a 128-bit entry
            uint32 lastTime = uint32(lastEntry >> 96);
            if (lastTime == time) {
                self.pairs[last >> 1] = lastIsLow ? (word & ~LOW) | entry : (word & LOW) | (entry << 128);
                return count;
            }
            if (lastTime > time) revert CheckpointOutOfOrder(lastTime, time);
            if (lastIsLow) {
                // The new checkpoint is the high half of the slot just read.
                self.pairs[last >> 1] = word | (entry << 128);
                return count + 1;
            }
        }
        self.pairs[count >> 1] = entry;
        return count + 1;
    }

    /// @notice The latest value (0 with no checkpoint).
    function latest(History storage self, uint256 count) internal view returns (uint96) {
        if (count == 0) return 0;
        (, uint96 value) = _at(self, count - 1);
        return value;
    }

    /// @notice The value at `time`: that of the last checkpoint at or before it (0 if none). The latest checkpoint
    /// is tried first (the common case for a recent snapshot), then a binary search.
    function upperLookup(History storage self, uint256 count, uint32 time) internal view returns (uint96) {
        if (count == 0) return 0;
        (uint32 lastTime, uint96 lastValue) = _at(self, count - 1);
        if (lastTime <= time) return lastValue;
        // Find the first checkpoint after `time` among [0, count - 1); the answer is the one before it.
        uint256 low = 0;
        uint256 high = count - 1;
        while (low < high) {
            uint256 mid = (low + high) >> 1;
            (uint32 midTime,) = _at(self, mid);
            if (midTime > time) high = mid;
            else low = mid + 1;
        }
        if (low == 0) return 0;
        (, uint96 value) = _at(self, low - 1);
        return value;
    }

    function _at(History storage self, uint256 index) private view returns (uint32 time, uint96 value) {
        uint256 word = self.pairs[index >> 1];
        uint256 entry = index & 1 == 0 ? word & LOW : word >> 128;
        // forge-lint: disable-next-line(unsafe-typecast) 32 + 96 bits of a 128-bit entry
        return (uint32(entry >> 96), uint96(entry));
    }
}
