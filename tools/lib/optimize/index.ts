export { bfgs, type BfgsOptions } from './bfgs.ts';
export { nelderMead, type NelderMeadOptions } from './nelderMead.ts';
export type { Gradient, MinimizeResult, Objective } from './types.ts';
