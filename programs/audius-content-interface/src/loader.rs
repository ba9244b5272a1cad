//! The upgradeable loader's ProgramData header, which records a deployed program's upgrade authority: the content
//! program lets only that authority (the deployer) `initialize` it, and the local node and the tests deploy with one.
//! The header is `UpgradeableLoaderState::ProgramData` in bincode: the variant tag 3 as a u32, the deployment slot as
//! a u64, then the authority as an `Option` (a flag byte and 32 bytes).

/// The upgradeable loader (`BPFLoaderUpgradeab1e11111111111111111111111`), which owns every ProgramData.
pub const UPGRADEABLE_LOADER: [u8; 32] = [
    2, 168, 246, 145, 78, 136, 161, 176, 226, 16, 21, 62, 247, 99, 174, 43, 0, 194, 185, 61, 22, 193, 36, 210, 192, 83,
    122, 16, 4, 128, 0, 0,
];

const PROGRAM_DATA_TAG: [u8; 4] = 3u32.to_le_bytes();
const AUTHORITY_FLAG: usize = 12;
const AUTHORITY: core::ops::Range<usize> = 13..45;

/// The upgrade authority a ProgramData account's data records, if it is one and has an authority.
pub fn upgrade_authority(program_data: &[u8]) -> Option<[u8; 32]> {
    if program_data.get(..4) != Some(&PROGRAM_DATA_TAG[..]) || program_data.get(AUTHORITY_FLAG) != Some(&1) {
        return None;
    }
    program_data.get(AUTHORITY)?.try_into().ok()
}

/// Record `authority` as the upgrade authority in a ProgramData account's data; `false` if it is not one.
pub fn set_upgrade_authority(program_data: &mut [u8], authority: [u8; 32]) -> bool {
    if program_data.len() < AUTHORITY.end || program_data[..4] != PROGRAM_DATA_TAG {
        return false;
    }
    program_data[AUTHORITY_FLAG] = 1;
    program_data[AUTHORITY].copy_from_slice(&authority);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authority_round_trips_and_an_immutable_program_has_none() {
        let mut header = [0u8; 45];
        header[..4].copy_from_slice(&PROGRAM_DATA_TAG);
        assert_eq!(upgrade_authority(&header), None, "no authority: immutable");
        assert!(set_upgrade_authority(&mut header, [5; 32]));
        assert_eq!(upgrade_authority(&header), Some([5; 32]));
        let mut program = header;
        program[0] = 2; // the Program variant, not ProgramData
        assert_eq!(upgrade_authority(&program), None);
        assert!(!set_upgrade_authority(&mut program, [5; 32]));
    }
}
