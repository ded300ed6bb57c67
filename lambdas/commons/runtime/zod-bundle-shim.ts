/**
 * Bundles only: esbuild aliases `zod` to this file (see JanitorFunction and bench/run.ts).
 *
 * jira.js writes `import { z } from 'zod'`, and a namespace object cannot be tree-shaken, so every
 * bundle that holds jira.js carried all of zod, every locale included (about 450 KB). This file
 * re-exports zod's named exports, which esbuild can shake, and a `z` holding only what jira.js uses.
 * The path points past the alias at zod's own module.
 */
import {
  any,
  array,
  boolean,
  custom,
  int,
  number,
  object,
  optional,
  strictObject,
  string,
  union,
  url,
  enum as enumOf,
} from '../../../node_modules/zod/v4/classic/external.js';

export * from '../../../node_modules/zod/v4/classic/external.js';
export const z = {
  any,
  array,
  boolean,
  custom,
  enum: enumOf,
  int,
  number,
  object,
  optional,
  strictObject,
  string,
  union,
  url,
};
