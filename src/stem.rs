//! Arabic light stemming (light10) and stop words.
