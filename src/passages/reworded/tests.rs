use super::*;

/// A document of content tokens only (token index = content index),
/// every stem weighing 3.
struct Doc {
    pos: Vec<u32>,
    stem: Vec<u32>,
    weight: Vec<f32>,
}

impl Doc {
    fn new(stem: Vec<u32>) -> Doc {
        Doc {
            pos: (0..stem.len() as u32).collect(),
            weight: vec![3.0; stem.len()],
            stem,
        }
    }
    fn side(&self) -> ContentSide<'_> {
        ContentSide {
            pos: &self.pos,
            stem: &self.stem,
            weight: &self.weight,
            occ: &[],
            tokens: &[],
        }
    }
}

/// `n` stems of their own, starting at `base`.
fn filler(base: u32, n: u32) -> Vec<u32> {
    (base..base + n).collect()
}

fn run(a: &[u32], b: &[u32]) -> Vec<Aligned> {
    let (a, b) = (Doc::new(a.to_vec()), Doc::new(b.to_vec()));
    passages(&a.side(), &b.side(), &[], &ReworkParams::default())
}

#[test]
fn phrase_shuffled_copy_is_one_passage() {
    let copied: Vec<u32> = (100..160).collect();
    let mut b = filler(5000, 50);
    b.extend(&copied);
    b.extend(filler(6000, 50));
    let mut a = filler(1000, 80);
    for k in [3, 0, 5, 1, 4, 2] {
        a.extend(&copied[k * 10..k * 10 + 10]);
    }
    a.extend(filler(2000, 40));
    let got = run(&a, &b);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].a.clone(), got[0].b.clone()), (80..140, 50..110));
    assert_eq!(got[0].kind, Kind::Reworded);
    assert!(got[0].score > 0.99);
}

#[test]
fn word_shuffled_paragraph_is_found() {
    let copied: Vec<u32> = (100..140).collect();
    let mut b = filler(5000, 30);
    b.extend(&copied);
    b.extend(filler(6000, 30));
    let mut a = filler(1000, 60);
    // A permutation of every word of the paragraph.
    a.extend((0..40).map(|i| copied[(i * 17 + 5) % 40]));
    a.extend(filler(2000, 60));
    let got = run(&a, &b);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].a.clone(), got[0].b.clone()), (60..100, 30..70));
    assert_eq!(got[0].kind, Kind::Reworded);
}

#[test]
fn substituted_words_in_order_are_one_passage() {
    // Every third word replaced: the rest keeps its order.
    let copied: Vec<u32> = (100..160).collect();
    let mut b = filler(5000, 40);
    b.extend(&copied);
    b.extend(filler(6000, 40));
    let mut a = filler(1000, 40);
    a.extend(
        copied
            .iter()
            .enumerate()
            .map(|(i, &s)| if i % 3 == 1 { 9000 + i as u32 } else { s }),
    );
    a.extend(filler(2000, 40));
    let got = run(&a, &b);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].a.clone(), got[0].b.clone()), (40..100, 40..100));
}

#[test]
fn scattered_shared_words_are_no_passage() {
    // The same topic words, spread over both documents in other orders.
    let topic: Vec<u32> = (100..130).collect();
    let mut a = filler(1000, 600);
    let mut b = filler(5000, 600);
    for (k, &s) in topic.iter().enumerate() {
        a[k * 20] = s;
        b[(k * 37 + 11) % 600] = s;
    }
    assert!(run(&a, &b).is_empty());
}

#[test]
fn verbatim_alone_passes_through() {
    let mut a = filler(1000, 30);
    a.extend(100..120);
    a.extend(filler(2000, 30));
    let mut b = filler(5000, 10);
    b.extend(100..120);
    b.extend(filler(6000, 10));
    let (da, db) = (Doc::new(a), Doc::new(b));
    let m = Match {
        a: 30..50,
        b: 10..30,
        matched_tokens: 20,
        score: 1.0,
    };
    let got = passages(&da.side(), &db.side(), &[m], &ReworkParams::default());
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind, Kind::Verbatim);
    assert_eq!((got[0].a.clone(), got[0].b.clone()), (30..50, 10..30));
}

#[test]
fn verbatim_pieces_of_a_reordered_text_are_one_mixed_passage() {
    let copied: Vec<u32> = (100..160).collect();
    let mut b = filler(5000, 20);
    b.extend(&copied);
    b.extend(filler(6000, 20));
    let mut a = filler(1000, 20);
    a.extend(&copied[30..60]);
    a.extend(&copied[0..30]);
    a.extend(filler(2000, 20));
    let (da, db) = (Doc::new(a), Doc::new(b));
    let ms = [
        Match {
            a: 20..50,
            b: 50..80,
            matched_tokens: 30,
            score: 1.0,
        },
        Match {
            a: 50..80,
            b: 20..50,
            matched_tokens: 30,
            score: 1.0,
        },
    ];
    let got = passages(&da.side(), &db.side(), &ms, &ReworkParams::default());
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].kind, Kind::Mixed);
    assert_eq!((got[0].a.clone(), got[0].b.clone()), (20..80, 20..80));
}

#[test]
fn a_text_reused_twice_is_two_passages() {
    let copied: Vec<u32> = (100..140).collect();
    let mut b = filler(5000, 30);
    b.extend(&copied);
    b.extend(filler(6000, 30));
    let mut a = filler(1000, 30);
    a.extend(copied.iter().rev());
    a.extend(filler(2000, 30));
    a.extend((0..40).map(|i| copied[(i * 7 + 3) % 40]));
    a.extend(filler(3000, 30));
    let got = run(&a, &b);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].a, 30..70);
    assert_eq!(got[1].a, 100..140);
    assert!(got.iter().all(|g| g.b == (30..70)));
}

#[test]
fn windows_cover_the_sequence() {
    assert!(windows(0, 12).is_empty());
    assert_eq!(windows(5, 12).len(), 1);
    assert_eq!(windows(5, 12)[0], 0..5);
    assert_eq!(windows(20, 12), vec![0..12, 6..18, 8..20]);
    assert_eq!(windows(30, 12), vec![0..12, 6..18, 12..24, 18..30]);
}

/// A document of content tokens (`Some(stem)`) and function words (`None`,
/// all the same word), with the hash of every token.
struct Worded {
    pos: Vec<u32>,
    stem: Vec<u32>,
    weight: Vec<f32>,
    tokens: Vec<u64>,
}

impl Worded {
    fn new(words: &[Option<u32>]) -> Worded {
        let mut d = Worded {
            pos: Vec::new(),
            stem: Vec::new(),
            weight: Vec::new(),
            tokens: Vec::new(),
        };
        for (i, w) in words.iter().enumerate() {
            match w {
                Some(s) => {
                    d.pos.push(i as u32);
                    d.stem.push(*s);
                    d.weight.push(3.0);
                    d.tokens.push(1 << 40 | u64::from(*s));
                }
                None => d.tokens.push(7),
            }
        }
        d
    }
    fn side(&self) -> ContentSide<'_> {
        ContentSide {
            pos: &self.pos,
            stem: &self.stem,
            weight: &self.weight,
            occ: &[],
            tokens: &self.tokens,
        }
    }
}

/// `stems` with a function word after every second one.
fn sentence(stems: impl Iterator<Item = u32>) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    for (i, s) in stems.enumerate() {
        out.push(Some(s));
        if i % 2 == 1 {
            out.push(None);
        }
    }
    out
}

#[test]
fn words_substituted_in_place_are_counted() {
    // Every third content word of a copied paragraph replaced by another.
    let copied: Vec<u32> = (100..160).collect();
    let mut b = sentence(filler(5000, 40).into_iter());
    let at_b = b.len() as u32;
    b.extend(sentence(copied.iter().copied()));
    b.extend(sentence(filler(6000, 40).into_iter()));
    let mut a = sentence(filler(1000, 40).into_iter());
    let at_a = a.len() as u32;
    a.extend(sentence(
        copied
            .iter()
            .enumerate()
            .map(|(i, &s)| if i % 3 == 1 { 9000 + i as u32 } else { s }),
    ));
    a.extend(sentence(filler(2000, 40).into_iter()));
    let (da, db) = (Worded::new(&a), Worded::new(&b));
    let got = passages(&da.side(), &db.side(), &[], &ReworkParams::default());
    assert_eq!(got.len(), 1, "{got:?}");
    // 20 words replaced; the first and last copied words are kept.
    assert_eq!(got[0].substituted.len(), 20, "{got:?}");
    for &(i, j) in &got[0].substituted {
        // Each pair is a replaced word facing the word it replaced.
        assert_eq!(i - at_a, j - at_b);
        assert!(a[i as usize].unwrap() >= 9000);
        assert!((100..160).contains(&b[j as usize].unwrap()));
    }
    // Without the other tokens, no slot is seen.
    let (pa, pb) = (Doc::new(da.stem.clone()), Doc::new(db.stem.clone()));
    let got = passages(&pa.side(), &pb.side(), &[], &ReworkParams::default());
    assert!(got.iter().all(|p| p.substituted.is_empty()), "{got:?}");
}

#[test]
fn shuffled_words_hold_no_slot() {
    // The words of a paragraph in another order: shared, but in no common
    // frame, so none is substituted in place.
    let copied: Vec<u32> = (100..140).collect();
    let mut b = sentence(filler(5000, 30).into_iter());
    b.extend(copied.iter().map(|&s| Some(s)));
    b.extend(sentence(filler(6000, 30).into_iter()));
    let mut a = sentence(filler(1000, 60).into_iter());
    a.extend((0..40).map(|i| Some(copied[(i * 17 + 5) % 40])));
    a.extend(sentence(filler(2000, 60).into_iter()));
    let (da, db) = (Worded::new(&a), Worded::new(&b));
    let got = passages(&da.side(), &db.side(), &[], &ReworkParams::default());
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].kind, Kind::Reworded);
    assert!(got[0].substituted.len() <= 2, "{got:?}");
}
