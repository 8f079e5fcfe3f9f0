//! Narrative links: passages that tell the same story in different words.
