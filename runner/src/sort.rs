//! The one sort of the runner: hosts, services, cgroups, process holders
//! and tables are ordered once per run, off the per-record path, so they
//! share a heapsort behind a `dyn` order instead of core's sort
//! instantiated for each element type (five of them cost 16 KB on x86-64;
//! s390x, whose std is built for size, has small ones already).

/// Sorts `v` by `key`, stably: equal keys keep their order, as
/// `slice::sort_by_key` keeps them.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    let position = (0..v.len()).collect();
    heapsort(v.len(), &mut ByKey { v, position, key });
}

/// What the heapsort needs of a sequence: compare and swap two places.
trait Order {
    fn less(&self, a: usize, b: usize) -> bool;
    fn swap(&mut self, a: usize, b: usize);
}

/// A slice by a key, each element's original place breaking ties, which
/// makes the order total and the unstable heapsort stable.
struct ByKey<'a, T, F> {
    v: &'a mut [T],
    position: Vec<usize>,
    key: F,
}

impl<T, K: Ord, F: Fn(&T) -> K> Order for ByKey<'_, T, F> {
    fn less(&self, a: usize, b: usize) -> bool {
        let (ka, kb) = ((self.key)(&self.v[a]), (self.key)(&self.v[b]));
        ka < kb || (ka == kb && self.position[a] < self.position[b])
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.v.swap(a, b);
        self.position.swap(a, b);
    }
}

/// In place, O(n log n) whatever the input.
fn heapsort(len: usize, order: &mut dyn Order) {
    for start in (0..len / 2).rev() {
        sift_down(order, start, len);
    }
    for end in (1..len).rev() {
        order.swap(0, end);
        sift_down(order, 0, end);
    }
}

/// Moves the element at `node` down the max-heap held in `..end`.
fn sift_down(order: &mut dyn Order, mut node: usize, end: usize) {
    loop {
        let mut child = 2 * node + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && order.less(child, child + 1) {
            child += 1;
        }
        if !order.less(node, child) {
            return;
        }
        order.swap(node, child);
        node = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_sort_matches_std_stable_sort() {
        // Keys with many repeats, so stability shows.
        let mut seed = 7u32;
        for len in [0, 1, 2, 3, 7, 64, 1000] {
            let v: Vec<(u32, u32)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16 & 15, i)
                })
                .collect();
            let mut ours = v.clone();
            sort_by_key(&mut ours, |e| e.0);
            let mut std = v;
            std.sort_by_key(|e| e.0);
            assert_eq!(ours, std, "len {len}");
        }
    }

    #[test]
    fn test_sort_sorted_and_reversed() {
        let mut up: Vec<u64> = (0..100).collect();
        sort_by_key(&mut up, |&e| e);
        assert_eq!(up, (0..100).collect::<Vec<_>>());
        let mut down: Vec<u64> = (0..100).rev().collect();
        sort_by_key(&mut down, |&e| e);
        assert_eq!(down, (0..100).collect::<Vec<_>>());
    }
}
