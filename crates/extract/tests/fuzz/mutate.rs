//! A small mutation fuzzer for tiendo's readers (issue 15 part 5), used where
//! `cargo fuzz` (nightly) is not at hand. Shared by the fuzz tests of
//! `tiendo-extract` (text, DOCX and PDF bytes), `tiendo-service` (JSON Lines
//! and XLSX imports) and `tiendo-server` (query parameters).
//!
//! Each run first replays the seeds and every input kept in `found/` (each
//! crash ever found stays a test), then mutates the seeds for
//! `TIENDO_FUZZ_SECS` seconds (2 by default in the test suite; `scripts/fuzz`
//! runs each target 10 minutes). A panic writes the input to `found/` and fails,
//! naming the file and the random seed (`TIENDO_FUZZ_SEED` replays a run).

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// xorshift64*: enough randomness for mutations, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Byte strings that readers treat specially.
const TOKENS: &[&[u8]] = &[
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"<w:t>",
    b"</w:t>",
    b"<w:tbl>",
    b"<w:p>",
    b"stream\n",
    b"endstream",
    b"obj",
    b"/Length 99999999",
    b"xref",
    b"trailer",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\r\n",
    b"|",
    b" | ",
    b"\t",
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b"null",
    b"1e999",
    b"-0",
    b"\\u0000",
    b"\xc3\x28",
    b"\xe1\xbb\x87",
    b"\xcc\x81",
    b"1.",
    b"a)",
    b"- ",
    b"Kinh g\xe1\xbb\xadi:",
    b"B\xe1\xbb\x99 Y t\xe1\xba\xbf",
    b"31/02/2025",
    b"99999999999999999999",
];

/// One to eight random edits of `input`, sometimes spliced with `other`.
pub fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let len = out.len();
        let at = rng.below(len + 1);
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.next() as u8;
            }
            2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, t.iter().copied());
            }
            3 if len > 0 => {
                let end = (at + 1 + rng.below(64)).min(len);
                out.drain(at.min(end)..end);
            }
            4 if len > 0 => {
                let from = rng.below(len);
                let end = (from + 1 + rng.below(256)).min(len);
                let piece: Vec<u8> = out[from..end].to_vec();
                out.splice(at..at, piece);
            }
            5 => out.truncate(at),
            6 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + 1 + rng.below(512)).min(other.len());
                out.splice(at..at, other[from..end].iter().copied());
            }
            7 => {
                let b = rng.next() as u8;
                let n = 1 + rng.below(4096);
                out.splice(at..at, std::iter::repeat_n(b, n));
            }
            _ => {
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                out.splice(at..at, bytes);
            }
        }
    }
    out
}

/// A mutation: (random source, input, another seed to splice from) → new input.
pub type Mutator = dyn Fn(&mut Rng, &[u8], &[u8]) -> Vec<u8>;

/// How long to mutate: `TIENDO_FUZZ_SECS`, 2 s by default.
pub fn budget() -> Duration {
    Duration::from_secs_f64(
        std::env::var("TIENDO_FUZZ_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(2.0),
    )
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// The seeds of a target: every file in `dir` whose name ends with one of `exts`.
pub fn seeds(dir: &Path, exts: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|p| exts.iter().any(|x| p.to_string_lossy().ends_with(x)))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Replays `seeds` and the kept crashes of `target` in `found`, then fuzzes.
/// `check(name, bytes)` must not panic; a name ends with the seed's extension,
/// which readers use to choose how to read.
pub fn run(
    target: &str,
    found: &Path,
    seeds: &[(String, Vec<u8>)],
    check: &dyn Fn(&str, &[u8]),
) -> usize {
    run_with(target, found, seeds, &mutate, check)
}

/// [`run`] with another mutator (a ZIP member's, say).
pub fn run_with(
    target: &str,
    found: &Path,
    seeds: &[(String, Vec<u8>)],
    mutator: &Mutator,
    check: &dyn Fn(&str, &[u8]),
) -> usize {
    assert!(!seeds.is_empty(), "{target}: no seeds");
    let mut kept: Vec<PathBuf> = std::fs::read_dir(found)
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    kept.retain(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{target}-")))
    });
    kept.sort();
    for (name, bytes) in seeds {
        check(name, bytes);
    }
    for p in &kept {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        check(&name, &std::fs::read(p).unwrap());
    }
    let seed = std::env::var("TIENDO_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let budget = budget();
    let mut runs = 0;
    while started.elapsed() < budget {
        let (name, base) = &seeds[rng.below(seeds.len())];
        let (_, other) = &seeds[rng.below(seeds.len())];
        let input = mutator(&mut rng, base, other);
        if catch_unwind(AssertUnwindSafe(|| check(name, &input))).is_err() {
            let ext = name.rsplit('.').next().unwrap_or("bin");
            std::fs::create_dir_all(found).unwrap();
            let path = found.join(format!("{target}-{:016x}.{ext}", fnv(&input)));
            std::fs::write(&path, &input).unwrap();
            panic!(
                "{target}: a panic on a mutation of {name}, kept in {} (TIENDO_FUZZ_SEED={seed})",
                path.display()
            );
        }
        runs += 1;
    }
    eprintln!(
        "{target}: {runs} inputs in {:.1} s, seed {seed}",
        started.elapsed().as_secs_f64()
    );
    runs
}
