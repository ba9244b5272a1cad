// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title PoolHistory: a pool's (assets, shares) after every change, one storage slot per change
/// @notice Entry i is (uint32 time, uint112 assets, uint112 shares) in one slot. Every change appends, also within
/// one second: the gas of a change never depends on whether the pool already changed in that second, so a
/// transaction priced by `eth_estimateGas` at the latest block's timestamp costs the same when it is mined in a
/// later block. A lookup at `time` returns the last entry at or before it (the latest of several in one second).
/// @dev The caller keeps the entry count, in a slot it writes anyway.
library PoolHistory {
    struct History {
        mapping(uint256 index => uint256) entries;
    }

    uint256 private constant MASK112 = (1 << 112) - 1;

    /// @notice Append the pool's state after a change at `time`.
    function push(History storage self, uint256 count, uint32 time, uint256 assets, uint256 shares) internal {
        self.entries[count] = (uint256(time) << 224) | (assets << 112) | shares;
    }

    /// @notice The pool's (assets, shares) at the end of second `time`: those of the last entry at or before it,
    /// (0, 0) before the first. Entries written in the last few seconds are tried first (the common lookup is a
    /// recent snapshot), then a binary search.
    function lookup(History storage self, uint256 count, uint256 time)
        internal
        view
        returns (uint256 assets, uint256 shares)
    {
        if (count == 0) return (0, 0);
        uint256 entry = self.entries[count - 1];
        if (entry >> 224 <= time) return ((entry >> 112) & MASK112, entry & MASK112);
        // The answer is the entry before the first one later than `time`, among [0, count - 1).
        uint256 low = 0;
        uint256 high = count - 1;
        while (low < high) {
            uint256 mid = (low + high) >> 1;
            if (self.entries[mid] >> 224 > time) high = mid;
            else low = mid + 1;
        }
        if (low == 0) return (0, 0);
        entry = self.entries[low - 1];
        return ((entry >> 112) & MASK112, entry & MASK112);
    }
}
