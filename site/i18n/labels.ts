// Every key of the protocol that a learner reads in words has a label in the locales. The
// compiler checks each key set (declared once, in lab/protocol/ and site/runtime/types.ts) against
// en.json's labels: a field or an error added without its label fails `npm run check`, naming it.
// Type-only — nothing of the JSON ships with this file; the locale tests keep pt and es to en's
// keys, so en stands for all three.
import type en from '../../locales/en.json';
import type { DetailField } from '../../lab/protocol/checks.ts';
import type { BrowserId, RequestFailureKey } from '../../lab/protocol/requests.ts';
import type { RuntimeErrorKey } from '../runtime/types.ts';

type Messages = typeof en;

/** The keys of `Keys` with no label among `Labels` (never when all have one). */
type Unlabelled<Keys extends string, Labels> = Exclude<Keys, keyof Labels & string>;
/** Compiles only when nothing is unlabelled; otherwise the error shows the keys that are. */
type AllLabelled<Missing extends never> = Missing;

type RuntimeErrorName<K> = K extends `runtime.error.${infer Name}` ? Name : never;

export type LabelLedger = [
  /** A failed check's fields (inspect/checks-format.ts). */
  AllLabelled<Unlabelled<DetailField, Messages['inspect']['checks']['field']>>,
  /** Why a request got no answer (the request panel, the timeline, the diagram). */
  AllLabelled<Unlabelled<RequestFailureKey, Messages['inspect']['request']['failure']>>,
  /** Every runtime failure (the boot panel, the status line). */
  AllLabelled<Unlabelled<RuntimeErrorName<RuntimeErrorKey>, Messages['runtime']['error']>>,
  /** The request client's browsers. */
  AllLabelled<Unlabelled<BrowserId, Messages['inspect']['browser']>>,
];
