//! Reused phrases (maximal shared n-grams) and boilerplate.
