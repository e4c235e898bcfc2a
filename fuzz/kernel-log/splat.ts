/**
 * The kernel's own oracles, read from its log: a WARN, BUG, KASAN, KFENCE, UBSAN or
 * lockdep report, a hung task, an RCU stall or soft lockup, or a KVM error message
 * (KERN_ERR or worse from kvm) in the records a case produced (/dev/kmsg, one record a
 * line). Each report gets a title the way syzbot names them ("WARNING in f", "KASAN:
 * use-after-free Read in f", "possible deadlock in f"), so reports of one bug are one
 * signature however their addresses, pids and offsets differ.
 */

/** One kernel log record: syslog level (0 emerg .. 7 debug) and text. */
export interface KmsgRecord {
  readonly level: number;
  readonly text: string;
}

export interface Splat {
  /** syzbot-style title: what happened and in which function */
  readonly title: string;
  /** the report's lines, from its first line to its end (at most EXCERPT_LINES) */
  readonly excerpt: readonly string[];
}

export const EXCERPT_LINES = 60;

/** the symbol of "func+0x1f/0x80 [module]" or "func (file.c:12)" */
const SYMBOL = /([A-Za-z_][\w.]*)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+| \()/;
/** frames that only say a report is being printed */
const REPORTING = /^(dump_stack|dump_stack_lvl|show_stack|__warn|warn_slowpath|report_bug|handle_bug|exc_invalid_op|asm_exc_|print_|kasan_|__kasan|kfence_|ubsan_|__ubsan|lock_acquire|__lock_acquire|lockdep_|__mutex_lock|mutex_lock|_raw_spin_lock|down_read|down_write|check_|validate_chain|__schedule|schedule|rcu_|panic|__might_|___might_|sched_show_task|watchdog|print_circular_bug|check_noncircular)/;

/** A report's first line: its title (with {fn} where the function goes), or null. */
const HEADERS: readonly { readonly re: RegExp; readonly title: (m: RegExpMatchArray) => string }[] = [
  { re: /^BUG: KASAN: ([\w-]+) in /, title: (m) => `KASAN: ${m[1]} {rw} in {fn}` },
  { re: /^BUG: KFENCE: ([\w-]+) (?:read |write )?in /, title: (m) => `KFENCE: ${m[1]} in {fn}` },
  { re: /^UBSAN: ([\w-]+) in /, title: (m) => `UBSAN: ${m[1]} in {fn}` },
  { re: /^WARNING: possible circular locking dependency detected/, title: () => 'possible deadlock in {fn}' },
  { re: /^WARNING: possible recursive locking detected/, title: () => 'possible deadlock in {fn}' },
  { re: /^WARNING: (inconsistent lock state|suspicious RCU usage|lock held when returning to user space|bad unlock balance detected!|held lock freed!)/, title: (m) => `${m[1]!.replace(/!$/, '')} in {fn}` },
  { re: /^(?:INFO|WARNING): possible irq lock inversion dependency detected/, title: () => 'possible deadlock in {fn}' },
  { re: /^BUG: sleeping function called from invalid context/, title: () => 'BUG: sleeping function called from invalid context in {fn}' },
  { re: /^BUG: (?:scheduling while atomic|workqueue lockup|soft lockup)/, title: (m) => m[0] },
  { re: /^BUG: unable to handle (?:page fault|kernel paging request|kernel NULL pointer dereference)/, title: () => 'BUG: unable to handle kernel paging request in {fn}' },
  { re: /^(?:kernel BUG at |BUG: kernel BUG at )/, title: () => 'kernel BUG in {fn}' },
  { re: /^(?:Oops: )?general protection fault/, title: () => 'general protection fault in {fn}' },
  { re: /^WARNING: CPU: \d+ PID: \d+ at \S+ (\S+)/, title: (m) => `WARNING in ${symbolOf(m[1]!) ?? '{fn}'}` },
  { re: /^------------\[ cut here \]------------/, title: () => '' },
  { re: /^INFO: task \S+ blocked for more than \d+ seconds/, title: () => 'INFO: task hung in {fn}' },
  { re: /^(?:rcu: )?INFO: (?:rcu_\w+|rcu) (?:self-)?detected stalls?/, title: () => 'INFO: rcu detected stall in {fn}' },
];

const symbolOf = (s: string): string | undefined => SYMBOL.exec(`${s} `)?.[1];

/** The first frame of the call trace, or of RIP, that is not the reporting machinery. */
const culprit = (lines: readonly string[]): string => {
  // lockdep: the function that tried to take the lock ("... at: f+0x2a/0x60")
  const at = lines.find((l) => / at: \S+\+0x/.test(l));
  const lockdep = /locking dependency|recursive locking|lock inversion|lock state|unlock balance|held lock/.test(lines[0]!);
  const fromAt = lockdep && at ? symbolOf(at.slice(at.indexOf(' at: ') + 5)) : undefined;
  if (fromAt) return fromAt;
  const rip = lines.find((l) => /^RIP: \d+:/.test(l.trim()));
  const fromRip = rip && symbolOf(rip.trim().replace(/^RIP: \d+:/, ''));
  if (fromRip && !REPORTING.test(fromRip)) return fromRip;
  const inHeader = symbolOf(lines[0]!.replace(/^.* in /, ''));
  if (inHeader && !REPORTING.test(inHeader)) return inHeader;
  const start = lines.findIndex((l) => /Call Trace:/.test(l));
  for (const l of start >= 0 ? lines.slice(start + 1) : lines.slice(1)) {
    const t = l.trim();
    if (t.startsWith('?') || t.startsWith('<')) continue;
    const f = symbolOf(t);
    if (f && !REPORTING.test(f)) return f;
  }
  return 'unknown';
};

const END = /^---\[ end trace|^={20,}$|^irq event stamp|^Kernel panic/;

/** A KVM error message: KERN_ERR or worse, from the kvm modules; numbers taken out. */
const kvmError = (r: KmsgRecord): string | null =>
  r.level <= 3 && /^(kvm|kvm_intel|kvm_amd|kvm-pvm|kvm_pvm)\b/.test(r.text) ? `KVM error: ${r.text.replace(/0x[0-9a-f]+|\d+/gi, 'N')}` : null;

/** Every report in `records`, in order; one per title (the first, as syzbot keeps one crash per bug). */
export const findSplats = (records: readonly KmsgRecord[]): Splat[] => {
  const out: Splat[] = [];
  const seen = new Set<string>();
  const add = (s: Splat) => !seen.has(s.title) && (seen.add(s.title), out.push(s));
  for (let i = 0; i < records.length; i++) {
    const text = records[i]!.text.replace(/^\[\s*\w+\]\s*/, '');
    const kvm = kvmError(records[i]!);
    if (kvm) {
      add({ title: kvm, excerpt: [records[i]!.text] });
      continue;
    }
    const h = HEADERS.find((x) => x.re.test(text));
    if (!h) continue;
    let first = i;
    // "cut here" introduces the WARNING or BUG line that follows
    if (h.title(text.match(h.re)!) === '') {
      const next = records[i + 1]?.text ?? '';
      if (!HEADERS.some((x) => x.re.test(next) && x.title(next.match(x.re)!) !== '')) continue;
      first = ++i;
    }
    const lines: string[] = [];
    let j = first;
    for (; j < records.length && lines.length < EXCERPT_LINES; j++) {
      // the next report starts where this one ends
      if (j > first && HEADERS.some((x) => x.re.test(records[j]!.text))) break;
      lines.push(records[j]!.text);
      if (j > first && END.test(records[j]!.text.trim())) break;
    }
    const head = records[first]!.text;
    const hh = HEADERS.find((x) => x.re.test(head))!;
    const rw = lines.find((l) => /^(Read|Write) of size/.test(l))?.split(' ')[0] ?? 'Access';
    add({ title: hh.title(head.match(hh.re)!).replace('{rw}', rw).replace('{fn}', culprit(lines)), excerpt: lines });
    i = j - 1;
  }
  return out;
};

/** The taint flags (kernel/panic.c taint_flags) newly set between two masks, as letters. */
const TAINT_LETTERS = 'PFSRMBUDAWCIOELKXTN';
export const newTaint = (before: number, after: number): string => {
  if (before < 0 || after < 0) return '';
  const added = after & ~before;
  return [...TAINT_LETTERS].filter((_, bit) => added & (1 << bit)).join('');
};
