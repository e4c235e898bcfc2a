/** --help texts. Kept next to the options they describe; the README repeats them. */

export const MAIN_HELP = `kvm-oracle: test oracle and model-based fuzzer for the KVM MMU and memslot lifecycle

usage: kvm-oracle <command> [options]

commands:
  fuzz       generate test cases, run them on the implementation and the model in
             lockstep, shrink the first failure and write it as a counterexample
  replay     re-run a counterexample file
  merge      combine the JSON summaries of a campaign's shards into one report
  mutants    list the named mutants of the built-in implementation

kvm-oracle <command> --help shows the options of a command.
exit status: 0 nothing failed, 1 a counterexample was found (or still fails), 2 usage error
             or bad input, 130/143 fuzz interrupted by SIGINT/SIGTERM with nothing new found`;

export const FUZZ_HELP = `usage: kvm-oracle fuzz [--seed N|random] [--runs N | --time 30s] [--mutant NAME] [--out DIR]
                       [--max-ops N] [--vcpus N] [--disable ID[,ID]] [--workers N]
                       [--case-timeout T] [--shrink-time T] [--shard I/N] [--corpus DIR]
                       [--baseline FILE] [--max-failures N]

  --seed N       seed of the campaign (default 1), 0 to 4294967295 (fast-check uses 32
                 bits); the same seed gives the same cases, with any --workers.
                 "random" draws one and prints it first
  --runs N       number of generated cases (default 2000; with --shard, of all shards)
  --time T       generate cases for this long instead (30s, 2m, 500ms); the run count
                 then depends on the machine, so prefer --runs for reproducible CI
  --shrink-time T  stop each shrink after this long (default 2m) with the smallest
                 failing case so far; the report says so when it happens
  --mutant NAME  run against a named mutant of the built-in implementation
                 (kvm-oracle mutants --list)
  --out DIR      where counterexamples are written (default: counterexamples)
  --max-ops N    most operations in a generated case (default 30)
  --vcpus N      vCPUs per VM and harness threads issuing operations (default 2, at
                 most 8); the scheduler interleaves the threads at the implementation's
                 preemption points, and the interleaving is part of the counterexample.
                 --vcpus 1 runs every case sequentially
  --disable IDS  switch these monitors off (comma-separated invariant ids); the
                 counterexample records it, so replay does the same
  --workers N    worker processes running cases (default: the number of cores); 0 runs
                 them in this process, without the --case-timeout watchdog
  --case-timeout T  a case running longer than this (wall clock, default 10s) is an
                 IMPL_HANG: its worker is killed and the case shrunk in fresh ones
  --shard I/N    run shard I of N (1-based): every N-th case of the campaign
  --corpus DIR   replay every counterexample stored in DIR first, and store each new
                 failure there (one file per failure signature)
  --baseline FILE  known failure signatures, one a line: reported as known, exit 0
  --max-failures N  go on after a failure until N distinct signatures (default 1)

exit status: 0 no new failure, 1 a new counterexample was found and written, 2 usage
             error or bad input, 130 (SIGINT) or 143 (SIGTERM): interrupted, nothing new
             found; an interrupted run still writes what it found, shrunk so far`;

export const REPLAY_HELP = `usage: kvm-oracle replay FILE [--trace] [--disable ID[,ID]]

  re-runs the operations stored in FILE on the same implementation and mutant (and with
  the monitors it was found with switched off)
  --trace        print every tracepoint event of the run
  --disable IDS  switch these monitors off as well

exit status: 0 the case passes now, 1 it still fails (the invariant is printed),
             2 the file is missing or not a counterexample`;

export const MUTANTS_HELP = `usage: kvm-oracle mutants --list

  prints the names of the built-in implementation's mutants, one per line
  (with --verbose, each with the bug it re-creates)`;

export const MERGE_HELP = `usage: kvm-oracle merge FILE... [--json OUT]

  combines the JSON summaries of the shards of one campaign (same seed, implementation,
  mutant and shard count) into one report: failures by signature, new or known
  --json OUT     write the merged summary to OUT

exit status: 0 no new failure, 1 a shard found a new failure, 2 a file is unreadable,
             a shard is missing, given twice, from another campaign or was interrupted`;
