import type { LessonWrongAnswers } from './types.ts';

export default {
  'package-json': [
    {
      mistake: 'express-session added to devDependencies (npm install -D)',
      base: 'solution',
      edits: [
        {
          file: 'package.json',
          replace: `  "dependencies": {
    "express": "^5.1.0",
    "express-session": "^1.19.0"
  }`,
          with: `  "dependencies": {
    "express": "^5.1.0"
  },
  "devDependencies": {
    "express-session": "^1.19.0"
  }`,
        },
      ],
      fails: ['listed-in-package-json'],
    },
  ],
  'require-it': [
    {
      mistake: 'express-session required but never registered with app.use',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
}));`,
          with: '',
        },
      ],
      fails: ['session-works'],
    },
    {
      mistake: 'the session registered after the routes',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
}));`,
          with: '',
        },
        {
          file: 'server.js',
          replace: 'const port = Number(process.env.PORT) || 3000;',
          with: `app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
}));

const port = Number(process.env.PORT) || 3000;`,
        },
      ],
      fails: ['session-works'],
    },
  ],
} satisfies LessonWrongAnswers;
