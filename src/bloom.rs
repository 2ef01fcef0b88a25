//! A set that answers "certainly not in it" from a few bits a member, so that a lookup of
//! something written to disk is made only when it may be there: `verify` writes what it
//! learns of a million records to disk, and nearly every record it then meets is a new one.

/// Bits a member: with `PROBES` probes, about one lookup in a hundred of a non-member is
/// made anyway.
const BITS_PER_MEMBER: usize = 10;
const PROBES: u64 = 7;
/// Members the first layer is made for; each further layer is made for twice as many.
const FIRST_LAYER: usize = 1 << 16;

/// Layers of bits, each made for twice as many members as the one before: it grows with
/// what it holds, at about ten bits a member.
#[derive(Default)]
pub struct Bloom {
    layers: Vec<Layer>,
}

/// A layer's bits in blocks of one cache line: all of a key's bits are in one block, so a
/// look costs one memory access per layer.
type Block = [u64; 8];

struct Layer {
    blocks: Vec<Block>,
    members: usize,
    room: usize,
}

impl Layer {
    fn new(room: usize) -> Layer {
        Layer {
            blocks: vec![[0; 8]; (room * BITS_PER_MEMBER).div_ceil(512)],
            members: 0,
            room,
        }
    }

    /// The block `key` falls in and the bits it sets there, from the key's two halves,
    /// which are already well mixed (taken from a SHA-256).
    fn probes(&self, key: u128) -> (usize, [u16; PROBES as usize]) {
        let block = ((key as u64) % self.blocks.len() as u64) as usize;
        let bits = (key >> 64) as u64;
        let mut at = [0u16; PROBES as usize];
        for (i, bit) in at.iter_mut().enumerate() {
            *bit = ((bits >> (9 * i)) & 511) as u16;
        }
        (block, at)
    }

    fn insert(&mut self, key: u128) {
        let (block, bits) = self.probes(key);
        for bit in bits {
            self.blocks[block][usize::from(bit / 64)] |= 1 << (bit % 64);
        }
        self.members += 1;
    }

    fn may_hold(&self, key: u128) -> bool {
        let (block, bits) = self.probes(key);
        let words = &self.blocks[block];
        bits.iter()
            .all(|bit| words[usize::from(bit / 64)] & (1 << (bit % 64)) != 0)
    }
}

/// A key for `text`, well mixed and cheap (SipHash, twice): what the filter holds is
/// in-process, so it need not resist anyone choosing the texts.
pub fn key_of(text: &str) -> u128 {
    use std::hash::Hasher;
    let half = |seed: u8| {
        let mut h = std::hash::DefaultHasher::new();
        h.write_u8(seed);
        h.write(text.as_bytes());
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

impl Bloom {
    /// Add `key` (a digest: its bits must be well mixed).
    pub fn insert(&mut self, key: u128) {
        let full = self.layers.last().is_none_or(|l| l.members >= l.room);
        if full {
            let room = self.layers.last().map_or(FIRST_LAYER, |l| l.room * 2);
            self.layers.push(Layer::new(room));
        }
        self.layers.last_mut().expect("just made").insert(key);
    }

    /// `false`: `key` was never added. `true`: it may have been.
    pub fn may_hold(&self, key: u128) -> bool {
        self.layers.iter().any(|l| l.may_hold(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(n: u64) -> u128 {
        key_of(&format!("CUS-2026-{n:06}"))
    }

    #[test]
    fn holds_every_member_and_few_others() {
        let mut bloom = Bloom::default();
        let members = 200_000;
        for n in 0..members {
            bloom.insert(digest(n));
        }
        assert!((0..members).all(|n| bloom.may_hold(digest(n))));
        let strangers = (members..members + 100_000)
            .filter(|&n| bloom.may_hold(digest(n)))
            .count();
        assert!(strangers < 4_000, "{strangers} of 100,000 non-members");
        assert!(!Bloom::default().may_hold(digest(1)));
    }
}
