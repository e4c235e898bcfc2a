/**
 * The five kernel patches the rules come from (docs/SEEDS.md): every invariant and every
 * mutant names the patch whose rule it checks or breaks.
 */
export type SeedId = '000' | '001' | '002' | '003' | '004';

export interface SeedPatch {
  /** the patch's subject line */
  readonly subject: string;
  readonly author: string;
  /** the upstream Linux commit, where it is established; null when it is not */
  readonly commit: string | null;
  /** where the patch can be found when there is no commit id (a mailing-list posting) */
  readonly posted?: string;
}

export const SEEDS: Record<SeedId, SeedPatch> = {
  '000': { subject: 'KVM: Lazy guest cr3 switching', author: 'Avi Kivity', commit: '17c3ba9d37dbda490792a2b52953f09d0dee30d6' },
  '001': { subject: 'KVM: Retry fault before vmentry', author: 'Gleb Natapov', commit: '56028d0861e48f7cc9c573d79f2d8a0a933a2bba' },
  '002': {
    subject: 'KVM: x86/mmu: Defer "full" MMU setup until after vendor hardware_setup()',
    author: 'Sean Christopherson',
    commit: null,
    posted: 'posted to kvm@vger.kernel.org on 24 Jun 2022 as [PATCH 2/4], https://lore.kernel.org/r/20220624232735.3090056-3-seanjc@google.com',
  },
  '003': { subject: 'KVM: MMU: Concurrent guest walkers', author: 'Marcelo Tosatti', commit: '10589a4699bb978c781ce73bbae8ca942c5250c9' },
  '004': {
    subject: 'KVM: PPC: Only get pages when actually needed, not in prepare_memory_region()',
    author: 'Paul Mackerras',
    commit: null,
    posted: "merged for Linux 3.3 (git log --oneline --grep='Only get pages when actually needed' v3.2..v3.3)",
  },
};
