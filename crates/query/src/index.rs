//! A per-document index from word hash to token positions, built only for documents that have candidate
//! queries, so a leaf finds its occurrences without scanning every token.

use crate::tokenize::Tokens;

#[derive(Debug, Default)]
pub(crate) struct Index {
    /// Open addressing: 0 is empty, else 1 + the entry heading the chain of one hash.
    slots: Vec<u32>,
    /// (hash, token, 1 + next entry of the same hash or 0).
    entries: Vec<(u64, u32, u32)>,
    built: bool,
}

impl Index {
    pub fn clear(&mut self) {
        self.built = false;
    }

    pub fn is_built(&self) -> bool {
        self.built
    }

    /// Indexes each token under its hash (and a mention under its first label too).
    pub fn build(&mut self, toks: &Tokens) {
        let n = toks.tokens.len();
        // At most two hashes per token: the table stays at most half full.
        let size = (n * 4).next_power_of_two().max(16);
        self.slots.clear();
        self.slots.resize(size, 0);
        self.entries.clear();
        for (i, t) in toks.tokens.iter().enumerate() {
            self.insert(t.hash, i as u32);
            if t.hash2 != t.hash {
                self.insert(t.hash2, i as u32);
            }
        }
        self.built = true;
    }

    fn slot_of(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = ((h ^ (h >> 32)) as usize) & mask;
        loop {
            match self.slots[slot] {
                0 => return slot,
                e if self.entries[e as usize - 1].0 == h => return slot,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    fn insert(&mut self, h: u64, token: u32) {
        let slot = self.slot_of(h);
        let next = self.slots[slot];
        self.entries.push((h, token, next));
        self.slots[slot] = self.entries.len() as u32;
    }

    /// Tokens indexed under `h` (in no particular order).
    pub fn get(&self, h: u64) -> impl Iterator<Item = usize> + '_ {
        let mut e = if self.slots.is_empty() { 0 } else { self.slots[self.slot_of(h)] };
        std::iter::from_fn(move || {
            let (_, token, next) = *self.entries.get((e as usize).checked_sub(1)?)?;
            e = next;
            Some(token as usize)
        })
    }
}
