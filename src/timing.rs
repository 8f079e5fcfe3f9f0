//! Stage timings and memory, for profiling runs and benchmarks.
//!
//! One small reader of the process's resource usage (`getrusage` through
//! the `nix` crate: user + system CPU time and peak resident memory), used
//! by the pipeline's `ATHAR_TIMINGS` lines and by the benchmarks. Nothing
//! here ever changes a report.

use std::time::Instant;

use nix::sys::resource::{UsageWho, getrusage};

/// CPU seconds (user + system) this process has used so far; `NaN` where
/// the system does not say.
pub fn cpu_seconds() -> f64 {
    match getrusage(UsageWho::RUSAGE_SELF) {
        Ok(u) => {
            let secs = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
            secs(u.user_time()) + secs(u.system_time())
        }
        Err(_) => f64::NAN,
    }
}

/// Peak resident memory of this process so far, in MB (0 where the system
/// does not say). Linux reports `ru_maxrss` in kilobytes.
pub fn peak_rss_mb() -> u64 {
    getrusage(UsageWho::RUSAGE_SELF).map_or(0, |u| u.max_rss().max(0) as u64 / 1024)
}

/// Stage timings on stderr when the environment variable `ATHAR_TIMINGS` is
/// set (to anything): for profiling runs only; the report is unaffected.
pub struct Timings {
    on: bool,
    start: Instant,
    last: Instant,
    last_cpu: f64,
    /// End of the last [`Timings::part`] (or stage).
    part: Instant,
    part_cpu: f64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings::new()
    }
}

impl Timings {
    /// Starts the clock; prints nothing unless `ATHAR_TIMINGS` is set.
    pub fn new() -> Timings {
        let now = Instant::now();
        let on = std::env::var_os("ATHAR_TIMINGS").is_some();
        let cpu = if on { cpu_seconds() } else { 0.0 };
        Timings {
            on,
            start: now,
            last: now,
            last_cpu: cpu,
            part: now,
            part_cpu: cpu,
        }
    }

    /// True when timings are printed.
    pub fn on(&self) -> bool {
        self.on
    }

    /// Reports the time a part of a stage took since `start`.
    pub fn note(&self, name: &str, start: Instant) {
        if self.on {
            eprintln!(
                "athar: timing   {name:<11} {:>8.3} s wall",
                start.elapsed().as_secs_f64()
            );
        }
    }

    /// Reports the wall and CPU time of a part of the current stage, since
    /// the previous part or stage ended (the stage's own line still covers
    /// the whole stage).
    pub fn part(&mut self, name: &str) {
        let now = Instant::now();
        if self.on {
            let cpu = cpu_seconds();
            eprintln!(
                "athar: timing   {name:<11} {:>8.3} s wall {:>8.3} s cpu",
                (now - self.part).as_secs_f64(),
                cpu - self.part_cpu,
            );
            self.part_cpu = cpu;
        }
        self.part = now;
    }

    /// Reports the time since the previous stage ended.
    pub fn stage(&mut self, name: &str) {
        let now = Instant::now();
        if self.on {
            let cpu = cpu_seconds();
            eprintln!(
                "athar: timing {name:<13} {:>8.3} s wall {:>8.3} s cpu (total {:>8.3} s wall) \
                 peak {} MB",
                (now - self.last).as_secs_f64(),
                cpu - self.last_cpu,
                (now - self.start).as_secs_f64(),
                peak_rss_mb(),
            );
            self.last_cpu = cpu;
            self.part_cpu = cpu;
        }
        self.last = now;
        self.part = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_with_work() {
        let before = cpu_seconds();
        let mut x = 0u64;
        let t = Instant::now();
        while t.elapsed().as_millis() < 30 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let after = cpu_seconds();
        assert!(after.is_finite() && after > before, "{before} -> {after}");
    }

    #[test]
    fn peak_memory_is_known_and_grows() {
        let before = peak_rss_mb();
        assert!(before > 0);
        let big = vec![1u8; 64 << 20];
        std::hint::black_box(&big);
        assert!(peak_rss_mb() >= before);
    }
}
