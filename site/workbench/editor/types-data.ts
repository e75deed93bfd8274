// The raw type definitions, bundled as text by Vite. Imported only by the Monaco loader through a
// dynamic import, so this is its own lazy chunk: nothing of it is in a page's initial JavaScript.
// Keep the globs in step with TYPE_PACKAGES / NODE_TYPE_FILES in ./types-lib.ts (a unit test
// compares them). `exhaustive` because Vite's glob skips node_modules otherwise.
export const TYPE_TEXTS = import.meta.glob<string>(
  [
    '../../../node_modules/@types/{body-parser,connect,express,express-serve-static-core,express-session,http-errors,qs,range-parser,send,serve-static}/index.d.ts',
    '../../../node_modules/@types/node/{buffer.buffer,buffer,console,events,globals,globals.typedarray,http,module,net,process,querystring,stream,timers,url}.d.ts',
    '../../../node_modules/@types/node/compatibility/iterators.d.ts',
  ],
  { query: '?raw', import: 'default', eager: true, exhaustive: true },
);
