//! Unit tests of the flag definitions and their conversion into a `Config`.

use super::*;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(args.iter().copied())
}

/// The configuration `args` give (whatever the subcommand), or its error.
fn config(args: &[&str]) -> athar::Result<Config> {
    let cli = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    match cli.command {
        None => cli.report.to_config(),
        Some(Command::Report(a)) => a.to_config(),
        Some(Command::Dedup(a)) => a.to_config(),
        Some(Command::Tune(a)) => a.to_config(),
        Some(_) => panic!("{args:?} runs no analysis"),
    }
}

#[test]
fn clap_definition_is_valid() {
    Cli::command().debug_assert();
}

#[test]
fn no_subcommand_is_report_on_corpus() {
    let cli = parse(&["athar"]).unwrap();
    assert!(cli.command.is_none());
    assert_eq!(cli.report.input.paths, vec![PathBuf::from("corpus")]);
    let c = cli.report.to_config().unwrap();
    assert_eq!(c.shingle_size, 5);
    assert_eq!(c.num_perm, 128);
}

#[test]
fn defaults_are_the_library_defaults() {
    let library = format!("{:?}", Config::default());
    for args in [
        &["athar"][..],
        &["athar", "report"],
        &["athar", "dedup"],
        &["athar", "tune"],
    ] {
        assert_eq!(format!("{:?}", config(args).unwrap()), library, "{args:?}");
    }
    let Some(Command::Report(a)) = parse(&["athar", "report"]).unwrap().command else {
        panic!("report expected")
    };
    assert_eq!(a.shown.top, RenderOptions::default().top);
}

#[test]
fn flags_reach_the_config() {
    let c = config(&[
        "athar",
        "report",
        "--threshold",
        "0.7",
        "--containment",
        "0.6",
        "--shingle-size",
        "4",
        "--num-perm",
        "64",
        "--seed",
        "9",
        "--minhash",
        "classic",
        "--bands",
        "8",
        "--rows",
        "8",
        "--max-bucket",
        "50",
        "--max-df",
        "3",
        "--max-gap",
        "2",
        "--min-passage",
        "12",
        "--narrative-threshold",
        "0.4",
        "--no-narratives",
    ])
    .unwrap();
    assert_eq!((c.threshold, c.containment), (0.7, 0.6));
    assert_eq!((c.shingle_size, c.num_perm, c.seed), (4, 64, 9));
    assert_eq!(c.algorithm, Algorithm::Classic);
    assert_eq!((c.bands_rows, c.max_bucket), (Some((8, 8)), 50));
    assert_eq!(
        (c.max_df, c.max_gap, c.min_passage),
        (MaxDf::Count(3), 2, 12)
    );
    assert_eq!((c.narrative_threshold, c.narratives), (0.4, false));
    let c = config(&["athar", "tune", "--min-passage", "12", "--threshold", "0.6"]).unwrap();
    assert_eq!((c.min_passage, c.threshold), (12, 0.6));
    let c = config(&["athar", "dedup", "--containment", "0.8"]).unwrap();
    assert_eq!(c.containment, 0.8);
}

#[test]
fn narratives_are_on_unless_no_narratives() {
    assert!(config(&["athar"]).unwrap().narratives);
    assert!(
        !config(&["athar", "report", "--no-narratives"])
            .unwrap()
            .narratives
    );
    // `--narratives` (once needed above 20,000 documents) is still accepted.
    assert!(
        config(&["athar", "report", "--narratives"])
            .unwrap()
            .narratives
    );
    assert!(parse(&["athar", "--narratives", "--no-narratives"]).is_err());
}

#[test]
fn format_is_inferred_from_output_extension() {
    let cli = parse(&["athar", "report", "-o", "x.HTML"]).unwrap();
    let Some(Command::Report(a)) = cli.command else {
        panic!("report expected")
    };
    assert_eq!(a.output.format(), Format::Html);
    let cli = parse(&["athar", "-o", "x.json", "-f", "text"]).unwrap();
    assert_eq!(cli.report.output.format(), Format::Text);
}

/// Each subcommand takes only the flags it uses.
#[test]
fn flags_of_other_subcommands_are_errors() {
    for args in [
        &["athar", "dedup", "--max-gap", "3"][..],
        &["athar", "dedup", "--min-passage", "12"],
        &["athar", "dedup", "--max-df", "5"],
        &["athar", "dedup", "--no-narratives"],
        &["athar", "dedup", "--narrative-threshold", "0.5"],
        &["athar", "tune", "--fail-on-reuse"],
        &["athar", "tune", "--top", "5"],
        &["athar", "tune", "--color", "never"],
        &["athar", "tune", "--max-gap", "3"],
        &["athar", "tune", "--narratives"],
        &["athar", "tune", "--keep", "k.txt"],
        &["athar", "report", "--keep", "k.txt"],
        &["athar", "report", "--labels", "l.tsv"],
        &["athar", "tokens", "--threshold", "0.5"],
        &["athar", "tokens", "--threads", "2"],
        &["athar", "tokens", "-o", "x.txt"],
    ] {
        let err = parse(args).expect_err(&format!("{args:?} accepted"));
        assert_eq!(
            err.kind(),
            clap::error::ErrorKind::UnknownArgument,
            "{args:?}"
        );
    }
    for args in [
        &[
            "athar",
            "dedup",
            "--fail-on-reuse",
            "--top",
            "5",
            "--keep",
            "k.txt",
        ][..],
        &[
            "athar",
            "tune",
            "--min-passage",
            "12",
            "--labels",
            "l.tsv",
            "-j",
            "2",
        ],
        &[
            "athar",
            "tokens",
            "--stem",
            "--normalize",
            "loose",
            "--jsonl",
        ],
    ] {
        parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    }
}

/// Every rule of `Config::validate` is reported with the flag's name.
#[test]
fn bad_values_are_errors_naming_the_flag() {
    let report = Cli::command();
    let report = report.find_subcommand("report").unwrap();
    let known = |flag: &str| report.get_arguments().any(|a| a.get_long() == Some(flag));
    for (args, flag) in [
        (&["athar", "--threshold", "1.5"][..], "--threshold"),
        (&["athar", "--threshold", "0"], "--threshold"),
        (&["athar", "dedup", "--containment", "0"], "--containment"),
        (
            &["athar", "--narrative-threshold", "1.1"],
            "--narrative-threshold",
        ),
        (&["athar", "tune", "--shingle-size", "0"], "--shingle-size"),
        (&["athar", "--min-passage", "0"], "--min-passage"),
        (&["athar", "--max-bucket", "1"], "--max-bucket"),
        (&["athar", "--num-perm", "0"], "--num-perm"),
        (&["athar", "dedup", "--num-perm", "65537"], "--num-perm"),
        (&["athar", "--bands", "64", "--rows", "4"], "--bands"),
        (&["athar", "tune", "--bands", "0", "--rows", "4"], "--bands"),
        (&["athar", "--max-df", "0"], "--max-df"),
    ] {
        let err = config(args).expect_err(&format!("{args:?} accepted"));
        let m = err.to_string();
        assert!(m.contains(flag), "{args:?}: {m}");
        assert!(!m.contains('`'), "{args:?}: {m}");
        for word in m.split_whitespace().filter(|w| w.starts_with("--")) {
            let name = word.trim_start_matches('-').trim_end_matches([',', ')']);
            assert!(known(name), "{args:?}: {m} names no flag {word}");
        }
    }
    assert!(config(&["athar", "--num-perm", "65536"]).is_ok());
    // Values clap itself rejects.
    for args in [
        &["athar", "--bands", "4"][..],
        &["athar", "--max-df", "abc"],
        &["athar", "--max-df", "1.5"],
        &["athar", "--threads", "0"],
        &["athar", "--threads", "-1"],
    ] {
        assert!(parse(args).is_err(), "{args:?} accepted");
    }
}

#[test]
fn max_df_takes_count_or_fraction() {
    let df = |s: &str| config(&["athar", "--max-df", s]).unwrap().max_df;
    assert_eq!(df("50"), MaxDf::Count(50));
    assert_eq!(df("0.05"), MaxDf::Fraction(0.05));
    assert_eq!(df("5%"), MaxDf::Fraction(0.05));
}

#[test]
fn threads_are_capped_per_core() {
    let t = |n| ThreadsArg { threads: n };
    assert_eq!(t(None).count(2), (None, None));
    assert_eq!(t(Some(16)).count(2), (Some(16), None));
    let (n, note) = t(Some(100_000)).count(2);
    assert_eq!(n, Some(2 * MAX_THREADS_PER_CORE));
    assert!(note.unwrap().contains("--threads 100000"));
    assert_eq!(t(Some(3)).count(0), (Some(3), None));
    let cli = parse(&["athar", "-j", "100000"]).unwrap();
    assert_eq!(cli.report.threads.threads, Some(100_000));
}

#[test]
fn normalization_flags_adjust_the_preset() {
    let cli = parse(&["athar", "--no-fold-persian", "--hamza-seats"]).unwrap();
    let o = cli.report.normalize.options();
    assert!(!o.fold_persian && o.hamza_seats);
    assert_eq!(o.id(), "default-fold-persian+hamza-seats");
}

#[test]
fn fields_become_flags() {
    assert_eq!(
        fields_as_flags("`bands` × `rows` exceeds `num_perm` = 1"),
        "--bands × --rows exceeds --num-perm = 1"
    );
    assert_eq!(fields_as_flags("no field"), "no field");
}
