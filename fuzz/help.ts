/** --help texts. Kept next to the options they describe; the README repeats them. */

export const MAIN_HELP = `kvm-oracle: test oracle and model-based fuzzer for the KVM MMU and memslot lifecycle

usage: kvm-oracle <command> [options]

commands:
  fuzz       generate test cases, run them on the implementation and the model in
             lockstep, shrink the first failure and write it as a counterexample
  replay     re-run a counterexample file
  mutants    list the named mutants of the built-in implementation

kvm-oracle <command> --help shows the options of a command.
exit status: 0 nothing failed, 1 a counterexample was found (or still fails), 2 usage error`;

export const FUZZ_HELP = `usage: kvm-oracle fuzz [--seed N] [--runs N | --time 30s] [--mutant NAME] [--out DIR]
                       [--max-ops N] [--vcpus N] [--disable ID[,ID]]

  --seed N       seed of the campaign (default 1); the same seed gives the same run
  --runs N       number of generated cases (default 2000)
  --time T       generate cases for this long instead (30s, 2m, 500ms); the run count
                 then depends on the machine, so prefer --runs for reproducible CI
  --mutant NAME  run against a named mutant of the built-in implementation
                 (kvm-oracle mutants --list)
  --out DIR      where counterexamples are written (default: counterexamples)
  --max-ops N    most operations in a generated case (default 30, at most 1000)
  --vcpus N      vCPUs per VM and harness threads issuing operations (default 2, at
                 most 8); the scheduler interleaves the threads at the implementation's
                 preemption points, and the interleaving is part of the counterexample.
                 --vcpus 1 runs every case sequentially
  --disable IDS  switch these monitors off (comma-separated invariant ids); the
                 counterexample records it, so replay does the same

exit status: 0 no failure, 1 a counterexample was found and written, 2 usage error`;

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
