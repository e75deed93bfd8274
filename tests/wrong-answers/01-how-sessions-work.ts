import type { LessonWrongAnswers } from './types.ts';

const registerSession = `const session = require('express-session');
app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
}));`;

export default {
  'use-the-session': [
    {
      mistake: 'the session is registered, but the count stays in a global variable',
      base: 'app',
      edits: [{ file: 'server.js', replace: '// @todo registerSession', with: registerSession }],
      fails: ['counts-per-browser', 'data-in-the-store'],
    },
    {
      mistake: 'the count travels in a cookie of its own instead of the session',
      base: 'app',
      edits: [
        {
          file: 'server.js',
          replace: `  // @todo countPerBrowser
  views += 1;
  res.send(\`You have viewed this page \${views} times\`);`,
          with: `  const match = /(?:^|; )views=(\\d+)/.exec(req.headers.cookie || '');
  const count = (match ? Number(match[1]) : 0) + 1;
  res.cookie('views', String(count));
  res.send(\`You have viewed this page \${count} times\`);`,
        },
      ],
      fails: ['data-in-the-store'],
    },
  ],
} satisfies LessonWrongAnswers;
