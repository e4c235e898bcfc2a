/** --help texts. Kept next to the options they describe; the README repeats them. */

export const MAIN_HELP = `kvm-oracle: test oracle and model-based fuzzer for the KVM MMU and memslot lifecycle

usage: kvm-oracle <command> [options]

commands:
  fuzz       generate test cases, run them on the implementation and the model in
             lockstep, shrink the first failure and write it as a counterexample
  explore    run every case up to a bound (depth, threads, preemptions) over a small
             alphabet of operations, pruning states already seen
  replay     re-run a counterexample file
  merge      combine the JSON summaries of a campaign's shards into one report
  mutants    list the named mutants of an implementation
  serve      serve the built-in implementation over the protocol on stdin/stdout
             (docs/PROTOCOL.md), for --impl "exec:npx kvm-oracle serve"

--impl SPEC (fuzz, explore, replay, mutants) names the implementation under test:
  builtin        the built-in implementation (default)
  kvm            real Linux KVM through adapters/kvm (npm run build:kvm first)
  module:PATH    a JavaScript module whose default export is an ImplementationFactory
  exec:COMMAND   a process that speaks the protocol on stdin/stdout

kvm-oracle <command> --help shows the options of a command.
exit status: 0 nothing failed, 1 a counterexample was found (or still fails),
             2 usage error, bad input, or an implementation that cannot be started,
             4 explore did not exhaust its bound (--time reached, or cases not judged),
             130/143 fuzz or explore interrupted by SIGINT/SIGTERM with nothing new found`;

export const FUZZ_HELP = `usage: kvm-oracle fuzz [--seed N|random] [--runs N | --time 30s] [--mutant NAME] [--out DIR]
                       [--max-ops N] [--vcpus N] [--disable ID[,ID]] [--workers N]
                       [--case-timeout T] [--shrink-time T] [--shard I/N] [--corpus DIR]
                       [--baseline FILE] [--max-failures N] [--engine E] [--generator G] [--guide-corpus DIR]
                       [--impl SPEC] [--op-timeout T] [--ops K[,K]] [--skip-ops K[,K]] [--rules R]
                       [--json FILE] [--junit FILE] [--stats]

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
  --max-ops N    operations in a generated case's body after which no new piece starts
                 (default 30, at most 1000; from 30 up, a lifecycle begun runs to its
                 end, up to 3x; below 30 it is a hard bound)
  --vcpus N      vCPUs per VM and harness threads issuing operations (default 2, at
                 most 8); the scheduler interleaves the threads at the implementation's
                 preemption points, and the interleaving is part of the counterexample.
                 --vcpus 1 runs every case sequentially
  --disable IDS  switch these monitors off (comma-separated invariant ids); the
                 counterexample records it, so replay does the same
  --workers N    worker processes running cases (default: the number of cores); 0 runs
                 them in this process, without the --case-timeout watchdog (a signal
                 stops it between cases; a case that never returns, only SIGKILL)
  --case-timeout T  a case running longer than this (wall clock, default 10s) is an
                 IMPL_HANG: its worker is killed and the case shrunk in fresh ones; a
                 module: that takes longer to load is refused (exit 2)
  --shard I/N    run shard I of N (1-based): every N-th case of the campaign
  --corpus DIR   replay every counterexample stored in DIR (and DIR/fixed) first, then
                 run the campaign in full: an entry still failing is an open bug
                 (known), one passing moves to DIR/fixed, one of DIR/fixed failing
                 again is a regression (exit 1); each new failure is stored there
                 (one file per failure signature). docs/NIGHTLY.md
  --baseline FILE  known failure signatures, one a line: reported as known, exit 0
  --max-failures N  go on after a new failure until N distinct new signatures
                 (default 1); known ones do not count
  --engine E     which library draws and shrinks the cases: fast-check (default) or
                 jsverify (its own generators and shrinking, the same pools, weights,
                 prelude and reach); the same seed gives the same cases with either's
                 own stream, and a jsverify counterexample records "engine": "jsverify"
  --generator G  guided (default): coverage-guided generation; after the first 500
                 cases, half of the cases are the plain stream's, in its order, and
                 half derive from kept cases (insert, delete, swap, change, splice,
                 move to another thread) that reached a rule outcome, result kind,
                 event kind, end-state feature or implementation feature no kept
                 case did; the same seed gives the same cases with any --workers.
                 plain: the engine's stream alone (docs/COVERAGE.md). --guided: the
                 default, kept for old scripts
  --guide-corpus DIR  keep that corpus between campaigns: read first, written after
  --impl SPEC    the implementation under test: builtin (default), kvm, module:PATH or
                 exec:COMMAND (kvm-oracle --help); recorded in the counterexample
  --op-timeout T wall-clock limit for each reply of an exec: implementation (default
                 5s; a whole case is one reply): past it the case fails as IMPL_HANG
  --ops KINDS    generate only these operation kinds (comma-separated, e.g.
                 createVm,createVcpu,setMemoryRegion); each must be one the
                 implementation supports
  --skip-ops KINDS  generate none of these operation kinds
  --rules R      hold the cases to the seeds' rules or current upstream Linux's
                 (default: the first the implementation declares; builtin: seeds,
                 kvm: upstream); recorded in the case's config
  The generator makes only operations the implementation declares; monitors whose
  events it does not emit are listed as "not checked", never passed.
  --json FILE    write the campaign's summary: seed, runs, workers, shard, time, the
                 failures with their signatures and files, the checks not run
  --junit FILE   write a JUnit XML report: a test suite for the campaign, a failing
                 test case per failure signature, a skipped one per check not run
  --stats        print what the campaign exercised: operation and result kinds, the
                 events each monitor checked, fault-injection sites armed and fired,
                 and the spec coverage: each rule outcome of the model reached (with
                 counts) or never reached (with the reason, if none can be), and the
                 share of operations on a missing VM, vCPU or slot (the same counts with
                 any --workers; a case a worker was killed on is not counted). The
                 --json summary keeps the outcome counts; npm run coverage:spec prints them

A counterexample is written as DIR/<signature>-<impl>-<mutant>-<engine>-seed<N>.json,
shrunk to a 1-minimal case, with a plain-text report (.txt, for a mailing list) and a
Markdown one (.md, for an issue tracker) beside it. The signature names the bug: the
invariant, the monitor's reason, the failing operation's kind, the implementation and
the mutant. A run over two seconds shows a
progress line on stderr (redrawn on a terminal, every 10 s in a log); stdout stays the
same for the same seed.

exit status: 0 no new failure (known ones, open corpus entries and fixed ones are
             reported), 1 a new signature, or a fixed corpus entry failing again, 2 usage
             error, bad input, an implementation that cannot be started or an output
             file that cannot be written, 130 (SIGINT) or 143 (SIGTERM): interrupted,
             nothing new found; an interrupted run still writes what it found, shrunk
             so far`;

export const REPLAY_HELP = `usage: kvm-oracle replay FILE [--trace] [--disable ID[,ID]] [--impl SPEC] [--op-timeout T]
                         [--repeat N] [--case-timeout T] [--emit-c FILE]
                         [--emit-test DIR]

  re-runs the operations stored in FILE with the mutant it names (and with the monitors it
  was found with switched off) on the implementation --impl names: a file never chooses
  what runs, so a file found on another implementation than builtin is replayed only when
  --impl names one (the same, to replay it there)
  --trace          print every tracepoint event of the run
  --disable IDS    switch these monitors off as well
  --impl SPEC      the implementation to run it on (default builtin)
  --op-timeout T   wall-clock limit for each reply of an exec: implementation (default 5s)
  --case-timeout T the case runs in a worker process under this watchdog (wall clock,
                   default 10s), as in a campaign: past it, it fails as IMPL_HANG naming
                   the operation that had not returned
  --repeat N       run it N times and say how many failed (a race on real threads,
                   --impl kvm, may not come back every time)
  --emit-c FILE    instead of replaying, write a standalone C program (KVM selftest
                   style) that makes the case's ioctls on /dev/kvm and checks each result
                   and the final state against the model's, as TAP (exit 0 agrees, 1
                   differs, 4 no /dev/kvm); a case it cannot run (PPC, an op with no
                   ioctl) is refused with one line, exit 2 (docs/KVM.md)
  --emit-test DIR  instead of replaying, write DIR/<name>.test.ts: a vitest regression
                   test with the case inside, for any repository with kvm-mmu-oracle and
                   vitest installed (it imports kvm-mmu-oracle/replay only); it expects
                   the case to pass on the implementation under test (--impl, or the one
                   that found it; KVM_ORACLE_IMPL and KVM_ORACLE_MUTANT override) and,
                   for a mutant's case, that it still fails on that mutant

exit status: 0 the case passes now (or the test was written), 1 it still fails (the
             invariant is printed), 2 the file is missing, not a counterexample (the JSON
             path of the first problem is named), names what the implementation cannot
             run, names an implementation --impl does not, or the test cannot be written`;

export const MUTANTS_HELP = `usage: kvm-oracle mutants --list [--verbose] [--impl SPEC]

  prints the names of the implementation's mutants (default: the built-in one), one per
  line (with --verbose, each built-in mutant with the bug it re-creates)`;

export const SERVE_HELP = `usage: kvm-oracle serve [--mutant NAME]

  serves the built-in implementation over the protocol (docs/PROTOCOL.md): requests as
  JSON lines on stdin, one reply line each on stdout, until stdin ends. A "create" without
  a mutant gets --mutant NAME. Used as: kvm-oracle fuzz --impl "exec:npx kvm-oracle serve"

exit status: 0 when stdin ends, 2 usage error`;


export const MERGE_HELP = `usage: kvm-oracle merge FILE... [--json OUT] [--junit OUT]

  combines the JSON summaries of the shards of one campaign (same seed, implementation,
  mutant and shard count) into one report: failures by signature, new or known. Each
  summary records the case stream it read (seed, runs, max-ops, vCPUs, engine,
  implementation, mutant, what the generator may make) and the cases it ran; merge
  checks that the shards read one stream, ran no case twice and, when none stopped early,
  left none out, and names the cases otherwise
  --json OUT     write the merged summary to OUT
  --junit OUT    write a JUnit XML report of every shard (a test suite each) to OUT

exit status: 0 no new failure, 1 a shard found a new failure, 2 a file is unreadable
             or malformed, an output cannot be written, a shard is missing, given
             twice, from another campaign or was interrupted, or the shards' cases
             overlap or leave a gap`;

export const EXPLORE_HELP = `usage: kvm-oracle explore [--depth D] [--threads T] [--preemptions P] [--time T]
                          [--mutant NAME] [--disable ID[,ID]] [--workers N] [--case-timeout T]
                          [--domains NAME[,NAME]] [--no-prune] [--out DIR] [--json FILE]
                          [--impl SPEC] [--op-timeout T]

  runs every case up to the bound, breadth first: from each starting point (a host and a
  prelude; the report lists them with their alphabets), every sequence of up to D
  operations of its alphabet, and with two threads every race of two of them, the first
  preempted at each point it reaches, with at most P preemptions in all (CHESS's
  preemption bounding). A case that ends in a state (model, implementation, monitors)
  already reached with as much budget left is not extended again. Same runner,
  monitors and conformance as fuzz; the same bound gives the same output with any
  --workers. docs/EXPLORE.md says what is enumerated and why the pruning is sound.
  --depth D        operations after the prelude (default 4, at most 12)
  --threads T      1 or 2 (default 2); with 1 every case is sequential
  --preemptions P  preemptions inside operations, in all (default 1 with two threads)
  --time T         stop after this long (30s, 2m): the bound is then NOT exhausted (exit 4)
  --mutant NAME    run against a named mutant (kvm-oracle mutants --list)
  --disable IDS    switch these monitors off (the counterexample records it)
  --workers N      worker processes (default: the number of cores); 0 runs every case in
                   this process, without the --case-timeout watchdog (a signal stops it
                   between cases; a case that never returns, only SIGKILL)
  --case-timeout T a case running longer than this (wall clock, default 10s) is an IMPL_HANG
  --domains NAMES  only the starting points whose names begin with these (x86, ppc,
                   x86-svm, ...)
  --no-prune       extend every case, also those ending in a state already seen (for an
                   implementation whose abstract state may hide what matters later)
  --out DIR        where the counterexample is written (default: counterexamples), as
                   DIR/<INVARIANT>-explore-d<D>t<T>p<P>-<mutant>.json with a Markdown report
  --json FILE      write the summary: bound, cases, states per depth, exhausted, failure
  --impl SPEC      the implementation under test (kvm-oracle --help); domains and
                   operations it cannot run are left out
  --op-timeout T   wall-clock limit for each reply of an exec: implementation (default 5s)

  The first failing case, in the search's order, is at the smallest depth that fails; it
  is cut like fuzz's (operations after the failure, preemptions it does not need),
  printed, written and replayable with kvm-oracle replay FILE.

exit status: 0 the bound was exhausted with no failure, 1 a counterexample was found and
             written, 2 usage error or an implementation that cannot be started, 4 the
             bound was NOT exhausted (--time reached, or some cases could not be judged),
             130 (SIGINT) or 143 (SIGTERM): interrupted, nothing found`;
