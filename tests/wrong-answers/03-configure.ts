import type { LessonWrongAnswers } from './types.ts';

const SECRET = `  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',`;

export default {
  secret: [
    {
      mistake: "the starter's literal secret left in place",
      base: 'solution',
      edits: [{ file: 'server.js', replace: SECRET, with: `  secret: 'thisisnotagoodsecret',` }],
      fails: ['old-secret-refused'],
    },
    {
      mistake: 'the old literal kept as the development fallback',
      base: 'solution',
      edits: [{ file: 'server.js', replace: SECRET, with: `  secret: process.env.SESSION_SECRET || 'thisisnotagoodsecret',` }],
      fails: ['old-secret-refused'],
    },
    {
      mistake: 'the leaked literal kept in the list as an old secret',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: SECRET,
          with: `  secret: [process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production', 'thisisnotagoodsecret'],`,
        },
      ],
      fails: ['old-secret-refused'],
    },
    {
      mistake: 'a new random secret at every start',
      base: 'solution',
      edits: [{ file: 'server.js', replace: SECRET, with: `  secret: require('node:crypto').randomBytes(32).toString('hex'),` }],
      fails: ['secret-survives-restart'],
    },
  ],
  'save-options': [
    {
      mistake: 'resave left at true',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '  resave: false,', with: '  resave: true,' }],
      fails: ['no-session-until-needed'],
    },
    {
      mistake: 'saveUninitialized left at true',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '  saveUninitialized: false,', with: '  saveUninitialized: true,' }],
      fails: ['no-session-until-needed'],
    },
  ],
  'cookie-options': [
    {
      mistake: 'maxAge written in seconds (3.6 seconds instead of an hour)',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '    maxAge: 60 * 60 * 1000,', with: '    maxAge: 60 * 60,' }],
      fails: ['cookie-attributes'],
    },
    {
      mistake: 'secure: true over plain HTTP',
      base: 'solution',
      edits: [{ file: 'server.js', replace: "    sameSite: 'lax',", with: "    sameSite: 'lax',\n    secure: true," }],
      fails: ['cookie-attributes'],
    },
    {
      mistake: 'no sameSite',
      base: 'solution',
      edits: [{ file: 'server.js', replace: "    sameSite: 'lax',\n", with: '' }],
      fails: ['cookie-attributes'],
    },
  ],
} satisfies LessonWrongAnswers;
