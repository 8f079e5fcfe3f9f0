//! Grouping: union-find over linked documents or passages, and
//! near-duplicate clusters with stable ids and a representative.

/// Union-find (disjoint sets) with path halving and union by size.
#[derive(Clone, Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets `0..n`.
    pub fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Merge the sets of `a` and `b`; true when they were different.
    pub fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
        true
    }

    /// All sets with at least `min_size` members, each sorted ascending,
    /// the sets ordered by their smallest member.
    pub fn groups(&mut self, min_size: usize) -> Vec<Vec<u32>> {
        let n = self.parent.len();
        let mut by_root: Vec<Vec<u32>> = vec![Vec::new(); n];
        for x in 0..n as u32 {
            let r = self.find(x);
            by_root[r as usize].push(x);
        }
        let mut groups: Vec<Vec<u32>> = by_root
            .into_iter()
            .filter(|g| !g.is_empty() && g.len() >= min_size)
            .collect();
        groups.sort_by_key(|g| g[0]);
        groups
    }
}

/// A near-duplicate cluster: a connected component (at least two documents)
/// of the graph of kept pairs.
#[derive(Clone, Debug, PartialEq)]
pub struct NearDuplicateCluster {
    /// Stable id: clusters are numbered from 1 in the order of their
    /// smallest member.
    pub id: usize,
    /// Members, ascending document indices.
    pub members: Vec<u32>,
    /// The member with the highest summed similarity to the other members
    /// (over the kept pairs inside the cluster; a missing pair counts 0).
    /// Ties go to the smallest index.
    pub representative: u32,
}

/// Near-duplicate clusters of `n` documents linked by kept pairs
/// `(a, b, similarity)` (e.g. the exact Jaccard from [`crate::verify`]).
/// Singletons are left out. The result depends only on the set of pairs, not
/// on their order (a pair listed twice counts twice).
///
/// # Panics
/// When a pair names a document `>= n`.
pub fn near_duplicate_clusters(n: usize, pairs: &[(u32, u32, f64)]) -> Vec<NearDuplicateCluster> {
    let mut uf = UnionFind::new(n);
    for &(a, b, _) in pairs {
        uf.union(a, b);
    }
    let groups = uf.groups(2);
    // Sum the similarities in a fixed order so float rounding is reproducible.
    let mut sorted: Vec<(u32, u32, f64)> = pairs
        .iter()
        .map(|&(a, b, s)| (a.min(b), a.max(b), s))
        .collect();
    sorted.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(x.2.total_cmp(&y.2)));
    let mut score = vec![0.0f64; n];
    for &(a, b, s) in &sorted {
        if a != b {
            score[a as usize] += s;
            score[b as usize] += s;
        }
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(i, members)| {
            let mut rep = members[0];
            for &m in &members[1..] {
                if score[m as usize] > score[rep as usize] {
                    rep = m;
                }
            }
            NearDuplicateCluster {
                id: i + 1,
                members,
                representative: rep,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_sorted_and_complete() {
        let mut uf = UnionFind::new(6);
        assert!(uf.union(4, 1));
        assert!(uf.union(5, 3));
        assert!(!uf.union(1, 4));
        uf.union(3, 4);
        assert_eq!(uf.groups(2), vec![vec![1, 3, 4, 5]]);
        assert_eq!(uf.groups(1), vec![vec![0], vec![1, 3, 4, 5], vec![2]]);
    }

    #[test]
    fn near_duplicate_clusters_ids_and_representatives() {
        // Two clusters: {1, 3, 5} (3 is the hub) and {2, 6}; 0 and 4 alone.
        let pairs = [(5, 3, 0.9), (1, 3, 0.8), (6, 2, 0.7), (1, 5, 0.1)];
        let c = near_duplicate_clusters(7, &pairs);
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].id, &c[0].members, c[0].representative),
            (1, &vec![1, 3, 5], 3)
        );
        assert_eq!(
            (c[1].id, &c[1].members, c[1].representative),
            (2, &vec![2, 6], 2)
        );
        let mut rev = pairs.to_vec();
        rev.reverse();
        assert_eq!(near_duplicate_clusters(7, &rev), c);
        assert!(near_duplicate_clusters(3, &[]).is_empty());
    }
}
