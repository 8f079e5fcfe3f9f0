//! Runs the stages in order and builds the finished Report.
