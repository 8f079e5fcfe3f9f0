//! Run-level warnings, capped at [`WARNINGS_PER_KIND`] a kind and counted
//! beyond.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Duplicate,
    Converted,
    Folder,
    JsonId,
    Hint,
}

impl Kind {
    const ALL: [Kind; 5] = [
        Kind::Duplicate,
        Kind::Converted,
        Kind::Folder,
        Kind::JsonId,
        Kind::Hint,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Duplicate => "renamed duplicate id(s)",
            Kind::Converted => "decoded or repaired document(s)",
            Kind::Folder => "folder warning(s)",
            Kind::JsonId => "JSON Lines id warning(s)",
            Kind::Hint => "JSON Lines hint(s)",
        }
    }
}

#[derive(Default)]
pub(super) struct Warnings {
    list: Vec<String>,
    counts: [usize; 5],
}

impl Warnings {
    pub(super) fn push(&mut self, kind: Kind, message: impl FnOnce() -> String) {
        let count = &mut self.counts[kind as usize];
        *count += 1;
        if *count <= WARNINGS_PER_KIND {
            self.list.push(message());
        }
    }

    pub(super) fn finish(mut self) -> Vec<String> {
        for kind in Kind::ALL {
            let count = self.counts[kind as usize];
            if count > WARNINGS_PER_KIND {
                self.list.push(format!(
                    "... and {} more {}",
                    count - WARNINGS_PER_KIND,
                    kind.label()
                ));
            }
        }
        self.list
    }
}
