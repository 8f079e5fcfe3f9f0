//! html renderer.
