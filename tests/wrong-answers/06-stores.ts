import type { LessonWrongAnswers } from './types.ts';

const STORE_LINE = '  store: createStore(),';
const FILE_STORE = "  store: new FileStore({ path: './sessions', ttl: 60 * 60, retries: 0 }),";

export default {
  'own-store': [
    {
      mistake: "the starter's stub store left as it is, with FileStore in server.js",
      base: 'solution',
      edits: [
        { file: 'my-store.js', from: 'app' },
        { file: 'server.js', replace: STORE_LINE, with: FILE_STORE },
      ],
      // FileStore does survive a restart: the first check is the one that sees it is not JsonStore.
      fails: ['store-methods'],
    },
    {
      mistake: "the starter's stub store plugged in",
      base: 'solution',
      edits: [{ file: 'my-store.js', from: 'app' }],
      fails: ['store-methods', 'survives-restart'],
    },
    {
      mistake: 'set keeps the session in memory and never writes the file',
      base: 'solution',
      edits: [
        {
          file: 'my-store.js',
          replace: '    this.sessions.set(sid, copy(sess));\n    this.write(callback);',
          with: '    this.sessions.set(sid, copy(sess));\n    callback(null);',
        },
      ],
      fails: ['survives-restart'],
    },
    {
      mistake: 'no touch method, so an unchanged session is only read',
      base: 'solution',
      edits: [
        {
          file: 'my-store.js',
          replace: `  touch(sid, sess, callback) {
    const stored = this.sessions.get(sid);
    if (stored) stored.cookie = copy(sess.cookie);
    this.write(callback);
  }`,
          with: '',
        },
      ],
      fails: ['store-methods'],
    },
    {
      mistake: 'destroy forgets to delete the session',
      base: 'solution',
      edits: [{ file: 'my-store.js', replace: '    this.sessions.delete(sid);\n', with: '' }],
      fails: ['store-methods'],
    },
  ],
  'file-store': [
    {
      mistake: 'the own JsonStore kept instead of session-file-store',
      base: 'solution',
      edits: [{ file: 'server.js', replace: STORE_LINE, with: "  store: new JsonStore('sessions.json')," }],
      fails: ['uses-file-store'],
    },
  ],
  'two-servers': [
    {
      mistake: 'no store option: each server has its own MemoryStore',
      base: 'solution',
      edits: [{ file: 'server.js', replace: STORE_LINE + '\n', with: '' }],
      fails: ['shared-store'],
    },
    {
      mistake: 'JsonStore, which each server reads only once, as the shared store',
      base: 'solution',
      edits: [{ file: 'server.js', replace: STORE_LINE, with: "  store: new JsonStore('sessions.json')," }],
      fails: ['shared-store'],
    },
  ],
} satisfies LessonWrongAnswers;
