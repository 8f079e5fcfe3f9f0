//! Folders and paths: walking a folder in sorted order (links followed,
//! loops and broken links reported), ids from paths, and the reasons a path
//! cannot be read.

use super::*;

impl CorpusReader<'_> {
    pub(super) fn read_dir(&mut self, root: &Path, sink: &mut dyn FnMut(Item)) {
        let mut ignored_files = 0usize;
        let mut hidden = 0usize;
        let mut examples: Vec<String> = Vec::new();
        let mut walker = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = walker.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    self.walk_error(root, &err, sink);
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let path = entry.path();
            let hidden_name = entry.file_name().as_encoded_bytes().first() == Some(&b'.');
            if entry.file_type().is_dir() {
                if hidden_name {
                    hidden += 1;
                    walker.skip_current_dir();
                }
                continue;
            }
            if hidden_name {
                hidden += 1;
                continue;
            }
            if !has_txt_extension(path) {
                ignored_files += 1;
                if examples.len() < 3 {
                    examples.push(
                        path.strip_prefix(root)
                            .unwrap_or(path)
                            .display()
                            .to_string(),
                    );
                }
                continue;
            }
            let id = relative_id(root, path);
            let source = path.display().to_string();
            if !entry.file_type().is_file() {
                self.skip(
                    id,
                    source,
                    0,
                    format!(
                        "not a regular file ({}); name it on the command line to read it",
                        file_kind(&entry.file_type())
                    ),
                    sink,
                );
                continue;
            }
            self.read_text_file(path, id, source, sink);
        }
        self.summary.ignored += ignored_files + hidden;
        if ignored_files + hidden > 0 {
            let mut parts = Vec::new();
            if ignored_files > 0 {
                parts.push(format!(
                    "{ignored_files} file(s) that are not .txt (e.g. {})",
                    examples.join(", ")
                ));
            }
            if hidden > 0 {
                parts.push(format!(
                    "{hidden} hidden entr{}",
                    if hidden == 1 { "y" } else { "ies" }
                ));
            }
            let root = root.display();
            self.warnings.push(Kind::Folder, || {
                format!(
                    "{root}: did not read {}; name a file on the command line to read it",
                    parts.join(" and ")
                )
            });
        }
    }

    pub(super) fn walk_error(
        &mut self,
        root: &Path,
        err: &walkdir::Error,
        sink: &mut dyn FnMut(Item),
    ) {
        let path = err.path().unwrap_or(root);
        if let Some(ancestor) = err.loop_ancestor() {
            let (path, ancestor) = (path.display(), ancestor.display());
            self.warnings.push(Kind::Folder, || {
                format!("{path}: symbolic link loop (leads back to {ancestor}); not followed")
            });
            return;
        }
        let io = err.io_error();
        let broken = io.is_some_and(|e| e.kind() == io::ErrorKind::NotFound)
            && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if broken && has_txt_extension(path) {
            let id = relative_id(root, path);
            self.skip(
                id,
                path.display().to_string(),
                0,
                broken_link_reason(path),
                sink,
            );
            return;
        }
        let what = if broken {
            "broken symbolic link (its target does not exist); not read".to_string()
        } else if io.is_some_and(|e| e.kind() == io::ErrorKind::PermissionDenied) {
            "permission denied; nothing under it was read".to_string()
        } else {
            match io {
                Some(e) => format!("{e}; not read"),
                None => format!("{err}; not read"),
            }
        };
        let path = path.display();
        self.warnings
            .push(Kind::Folder, || format!("{path}: {what}"));
    }
}

pub(super) fn stem(path: &Path) -> String {
    path.file_stem()
        .or_else(|| path.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `root/sub/b.txt` → `sub/b`.
pub(super) fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = if has_txt_extension(rel) {
        rel.with_extension("")
    } else {
        rel.to_path_buf()
    };
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

pub(super) fn has_txt_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

pub(super) fn is_jsonl_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

pub(super) fn file_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    let _ = ft;
    "not a regular file"
}

pub(super) fn open_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => {
            "cannot read: permission denied; check the file's permissions".to_string()
        }
        io::ErrorKind::NotFound => "cannot read: the file disappeared while reading".to_string(),
        _ => format!("cannot read: {e}"),
    }
}

pub(super) fn broken_link_reason(path: &Path) -> String {
    match std::fs::read_link(path) {
        Ok(target) => format!(
            "broken symbolic link (its target {} does not exist)",
            target.display()
        ),
        Err(_) => "broken symbolic link (its target does not exist)".to_string(),
    }
}
