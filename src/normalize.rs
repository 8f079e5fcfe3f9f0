//! Arabic normalization (the reference pipeline of
//! `shared/arabic-normalization.md` §3).
//!
//! NOTE: skeleton implementation; the exact, fast version replaces it.

use serde::{Deserialize, Serialize};

/// Named normalization presets, like tantivy's analyzers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The reference pipeline plus Persian-letter folding.
    #[default]
    Default,
    /// Default plus hamza seats and foreign letters folded.
    Loose,
    /// Tokenize only: no folding of any kind.
    None,
}

/// Which folds are applied. Build one with [`NormalizeOptions::preset`] and
/// adjust single flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NormalizeOptions {
    /// The preset these options started from.
    pub preset: Preset,
    /// Keep letter case (default: lowercase non-Arabic letters).
    pub keep_case: bool,
    /// ک ی ے ہ ھ ۃ ە → ك ي ي ه ه ه ه (on by default).
    pub fold_persian: bool,
    /// پ چ ژ ڤ گ ڨ → ب ج ز ف ك ق.
    pub fold_foreign: bool,
    /// ؤ → و, ئ → ي.
    pub hamza_seats: bool,
    /// U+200B is a space rather than deleted.
    pub zwsp_as_space: bool,
    /// Split digit runs from letter runs (`2023م` → `2023`, `م`).
    pub split_digits: bool,
}

impl NormalizeOptions {
    /// The options of a named preset.
    pub fn preset(preset: Preset) -> NormalizeOptions {
        let base = NormalizeOptions {
            preset,
            keep_case: false,
            fold_persian: true,
            fold_foreign: false,
            hamza_seats: false,
            zwsp_as_space: false,
            split_digits: true,
        };
        match preset {
            Preset::Default => base,
            Preset::Loose => NormalizeOptions {
                fold_foreign: true,
                hamza_seats: true,
                ..base
            },
            Preset::None => NormalizeOptions {
                keep_case: true,
                fold_persian: false,
                ..base
            },
        }
    }

    /// A short stable id naming these options, recorded in signatures and
    /// reports: the preset name, plus `+flag`/`-flag` for each difference.
    pub fn id(&self) -> String {
        let base = NormalizeOptions::preset(self.preset);
        let mut id = match self.preset {
            Preset::Default => "default",
            Preset::Loose => "loose",
            Preset::None => "none",
        }
        .to_string();
        let flags = [
            ("keep-case", self.keep_case, base.keep_case),
            ("fold-persian", self.fold_persian, base.fold_persian),
            ("fold-foreign", self.fold_foreign, base.fold_foreign),
            ("hamza-seats", self.hamza_seats, base.hamza_seats),
            ("zwsp-as-space", self.zwsp_as_space, base.zwsp_as_space),
            ("split-digits", self.split_digits, base.split_digits),
        ];
        for (name, on, default) in flags {
            if on != default {
                id.push(if on { '+' } else { '-' });
                id.push_str(name);
            }
        }
        id
    }
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions::preset(Preset::Default)
    }
}

/// Normalize one character sequence (no tokenization), appending to `out`.
pub fn normalize_into(text: &str, opts: &NormalizeOptions, out: &mut String) {
    use unicode_normalization::UnicodeNormalization;
    if opts.preset == Preset::None {
        out.push_str(text);
        return;
    }
    for c in text.nfkc() {
        let c = match c {
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => continue,
            '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x660) as u8),
            c => c,
        };
        if opts.keep_case {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
}
