// dynalite ships no types; this is the part of its API local/dynamo.ts uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** How long a new table stays CREATING (ms). */
    createTableMs?: number;
    /** Folder for the LevelDB store; in memory when absent. */
    path?: string;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}
