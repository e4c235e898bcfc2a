/**
 * The engines that can draw and shrink a campaign's cases (`fuzz --engine`): fast-check
 * (fuzz/gen/), the default, and jsverify (fuzz/engines/jsverify/). Both aim at the same
 * rules and reach; they differ in how they draw and shrink.
 */
export const ENGINES = ['fast-check', 'jsverify'] as const;
export type EngineName = (typeof ENGINES)[number];
export const DEFAULT_ENGINE: EngineName = 'fast-check';

export const isEngine = (s: string): s is EngineName => (ENGINES as readonly string[]).includes(s);
