//! The values the Python package must reproduce, exported by the library.
//!
//! `tests/fixtures/python/sketches.json` holds, for the seed articles of
//! `corpus/` and a few edge cases, the shingle sets, signatures (fast and
//! classic) and LSH band keys as `athar dedup` computes them. This test
//! checks the file is what the library gives today (regenerate it with
//! `ATHAR_UPDATE_GOLDEN=1 cargo test --test it sketch_export` after an intended
//! change of the hash contract); `crates/python/tests/test_api.py` checks
//! the package gives the same values.

use athar::sketch::lsh;
use athar::sketch::minhash::{Algorithm, MinHashParams, MinHasher, SignBuffer};
use athar::sketch::shingle;
use athar::text::tokenize::{Tokenizer, Tokens};
use athar::verify;
use serde_json::{Value, json};

/// One hasher's parameters and banding in the fixture.
struct Setting {
    name: &'static str,
    algorithm: Algorithm,
    num_perm: usize,
    seed: u64,
    k: usize,
    bands: usize,
    rows: usize,
}

const SETTINGS: [Setting; 2] = [
    // `athar dedup`'s defaults: 34 × 2 bands for threshold and containment 0.5.
    Setting {
        name: "default",
        algorithm: Algorithm::Fast,
        num_perm: 128,
        seed: 1,
        k: 5,
        bands: 34,
        rows: 2,
    },
    Setting {
        name: "classic",
        algorithm: Algorithm::Classic,
        num_perm: 24,
        seed: 7,
        k: 3,
        bands: 5,
        rows: 4,
    },
];

fn texts() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    for n in names {
        out.push((n.clone(), std::fs::read_to_string(dir.join(&n)).unwrap()));
    }
    out.push(("short".into(), "خبر قصير جداً".into()));
    out.push(("empty".into(), "… !".into()));
    out.push((
        "mixed".into(),
        "Reuters — أعلنت الوزارة ٢٠٢٣م عن خطة".into(),
    ));
    out
}

fn export() -> Value {
    let mut docs = Vec::new();
    for (name, text) in texts() {
        let mut sketches = serde_json::Map::new();
        let n_tokens = Tokenizer::default().tokenize(&text).len();
        for s in &SETTINGS {
            let hasher = MinHasher::new(MinHashParams {
                algorithm: s.algorithm,
                num_perm: s.num_perm,
                seed: s.seed,
                k: s.k,
                ..MinHashParams::default()
            })
            .unwrap();
            // The path of `athar dedup` (src/dedup.rs).
            let mut tokens = Tokens::default();
            Tokenizer::default().tokenize_into(&text, &mut tokens);
            let mut hashes = Vec::new();
            shingle::token_hashes(&tokens, &mut hashes);
            let mut set = Vec::new();
            shingle::shingle_set_into(&hashes, s.k, &mut set);
            let sig = hasher.sign_iter(set.iter().copied(), &mut SignBuffer::default());
            let keys: Vec<u64> = (0..s.bands)
                .map(|b| lsh::band_key(b, &sig.values()[b * s.rows..(b + 1) * s.rows]))
                .collect();
            sketches.insert(
                s.name.to_string(),
                json!({
                    "set": set,
                    "compact": verify::compact_set(&set),
                    "signature": sig.values(),
                    "empty": sig.is_empty(),
                    "band_keys": keys,
                }),
            );
        }
        docs.push(json!({ "name": name, "text": text, "tokens": n_tokens, "sketches": sketches }));
    }
    let settings: Vec<Value> = SETTINGS
        .iter()
        .map(|s| {
            json!({
                "name": s.name, "algorithm": s.algorithm.as_str(), "num_perm": s.num_perm,
                "seed": s.seed, "shingle_size": s.k, "bands": s.bands, "rows": s.rows,
            })
        })
        .collect();
    json!({ "settings": settings, "documents": docs })
}

#[test]
fn python_fixture_is_what_the_library_gives_today() {
    let got = serde_json::to_string(&export()).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/python/sketches.json");
    if std::env::var_os("ATHAR_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        want == got,
        "{} is not what the library gives today; if the hash contract changed on purpose, \
         regenerate it: ATHAR_UPDATE_GOLDEN=1 cargo test --test it sketch_export",
        path.display()
    );
}

#[test]
fn band_keys_separate_bands_and_values() {
    let v = [1u32, 2, 3, 4];
    assert_ne!(lsh::band_key(0, &v[..2]), lsh::band_key(1, &v[..2]));
    assert_ne!(lsh::band_key(0, &v[..2]), lsh::band_key(0, &v[2..]));
}
