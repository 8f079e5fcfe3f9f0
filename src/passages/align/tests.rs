use super::*;

fn seq(r: Range<u64>) -> Vec<u64> {
    r.collect()
}

#[test]
fn lcs_counts_common_subsequence() {
    assert_eq!(lcs_len(&[1, 2, 3, 4], &[1, 3, 4, 9]), 3);
    assert_eq!(lcs_len(&[], &[1]), 0);
    assert_eq!(lcs_len(&[5, 6], &[7, 8]), 0);
}

#[test]
fn passage_at_start_and_end_is_complete() {
    let a = seq(0..30);
    let mut b = seq(0..12);
    b.extend(100..140);
    b.extend(20..30);
    let m = align(&a, &b, &AlignParams::default(), &|_| false);
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!((m[0].a.clone(), m[0].b.clone()), (0..12, 0..12));
    assert_eq!((m[1].a.clone(), m[1].b.clone()), (20..30, 52..62));
    assert!(m.iter().all(|m| m.score == 1.0));
}

#[test]
fn substitutions_bridge_into_one_passage() {
    let a = seq(0..100);
    let mut b = a.clone();
    for i in (7..100).step_by(13) {
        b[i] = 1000 + i as u64;
    }
    b.insert(40, 5000);
    b.remove(70);
    let m = align(&a, &b, &AlignParams::default(), &|_| false);
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0].a, 0..100);
    assert_eq!(m[0].b, 0..100);
    assert!(m[0].score > 0.85 && m[0].score < 1.0);
}

#[test]
fn edit_near_the_end_keeps_the_tail() {
    let a = seq(0..30);
    let mut b = a.clone();
    b[27] = 999;
    let m = align(&a, &b, &AlignParams::default(), &|_| false);
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].a.clone(), m[0].b.clone()), (0..30, 0..30));
    assert_eq!(m[0].matched_tokens, 29);
}

#[test]
fn copy_at_start_of_b_from_middle_of_a() {
    // The left extension stops at the start of b even when a goes on.
    let mut a = vec![7, 7, 7];
    a.extend(0..20);
    let b = seq(0..20);
    let m = align(&a, &b, &AlignParams::default(), &|_| false);
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].a.clone(), m[0].b.clone()), (3..23, 0..20));
    let m = align(&b, &a, &AlignParams::default(), &|_| false);
    assert_eq!((m[0].a.clone(), m[0].b.clone()), (0..20, 3..23));
}

#[test]
fn duplicated_passage_maps_once() {
    let a = seq(0..20);
    let mut b = seq(0..20);
    b.extend(500..510);
    b.extend(0..20);
    let m = align(&a, &b, &AlignParams::default(), &|_| false);
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!((m[0].a.clone(), m[0].b.clone()), (0..20, 0..20));
}

#[test]
fn ignored_shingles_do_not_seed() {
    let a = seq(0..20);
    let b = seq(0..20);
    assert!(align(&a, &b, &AlignParams::default(), &|_| true).is_empty());
    assert_eq!(align(&a, &b, &AlignParams::default(), &|_| false).len(), 1);
}

#[test]
fn short_passages_are_dropped() {
    let a = seq(0..7);
    let b = seq(0..7);
    assert!(align(&a, &b, &AlignParams::default(), &|_| false).is_empty());
}

#[test]
fn repeats_point_at_the_first_copy() {
    let mut d = seq(0..10);
    d.extend(50..60);
    d.extend(100..110);
    d.extend(50..60);
    d.extend(200..210);
    d.extend(50..60);
    let r = repeats(&d, &AlignParams::default());
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!((r[0].a.clone(), r[0].b.clone()), (10..20, 30..40));
    assert_eq!((r[1].a.clone(), r[1].b.clone()), (10..20, 50..60));
}

#[test]
fn tandem_repeat_does_not_overlap_itself() {
    let mut d = seq(0..12);
    d.extend(0..12);
    d.extend(0..12);
    let r = repeats(&d, &AlignParams::default());
    assert!(!r.is_empty());
    for m in &r {
        assert!(m.a.end <= m.b.start, "{m:?}");
    }
}

#[test]
fn repetitive_input_stays_fast() {
    // Every shingle occurs thousands of times: no quadratic seeding.
    let a: Vec<u64> = (0..20_000).map(|i| i % 3).collect();
    let b: Vec<u64> = (0..20_000).map(|i| (i + 1) % 3).collect();
    let t = std::time::Instant::now();
    let m = align(&a, &b, &AlignParams::default(), &|_| false);
    let r = repeats(&a, &AlignParams::default());
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
    assert!(m.is_empty() && r.is_empty());
    // A rare passage inside repetitive text is still found.
    let mut a2 = a.clone();
    let mut b2 = b.clone();
    a2.splice(5000..5000, 100..130);
    b2.splice(9000..9000, 100..130);
    let m = align(&a2, &b2, &AlignParams::default(), &|_| false);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].a.start <= 5000 && m[0].a.end >= 5030);
}

#[test]
fn token_range_maps_to_bytes() {
    let mut t = crate::text::tokenize::Tokenizer::default();
    let text = "قال الوزير، اليوم: إن";
    let toks = t.tokenize(text);
    let s = token_range_to_span(&toks, 1..3);
    assert_eq!(s.slice(text), "الوزير، اليوم");
    assert!(token_range_to_span(&toks, 2..2).is_empty());
}
