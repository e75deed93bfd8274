import type { LessonWrongAnswers } from './types.ts';

const DESTROY = `  req.session.destroy((err) => {
    if (err) {
      console.error('Failed to destroy session:', err);
      res.status(500).send('Failed to destroy session');
      return;
    }
    res.send('Session destroyed!');
  });`;

export default {
  destroy: [
    {
      mistake: 'req.session = null instead of destroy()',
      base: 'solution',
      edits: [{ file: 'server.js', replace: DESTROY, with: "  req.session = null;\n  res.send('Session destroyed!');" }],
      fails: ['destroy-removes-session', 'destroy-only-this-browser'],
    },
    {
      mistake: "the whole store emptied (every browser's session)",
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: DESTROY,
          with: `  req.sessionStore.clear((err) => {
    if (err) {
      res.status(500).send('Failed to destroy session');
      return;
    }
    res.send('Session destroyed!');
  });`,
        },
      ],
      fails: ['destroy-only-this-browser'],
    },
  ],
  'log-out': [
    {
      mistake: 'destroy() without clearing the cookie',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '    res.clearCookie(cookieName, cookieOptions);\n', with: '' }],
      fails: ['logout-clears-cookie', 'logout-same-options'],
    },
    {
      mistake: "clearCookie without the cookie's options",
      base: 'solution',
      edits: [{ file: 'server.js', replace: '    res.clearCookie(cookieName, cookieOptions);', with: '    res.clearCookie(cookieName);' }],
      fails: ['logout-same-options'],
    },
    {
      mistake: 'clearCookie with another path',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '    res.clearCookie(cookieName, cookieOptions);', with: "    res.clearCookie(cookieName, { ...cookieOptions, path: '/logout' });" }],
      fails: ['logout-same-options'],
    },
  ],
  'one-key': [
    {
      mistake: 'the whole session destroyed to forget the user',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `  delete req.session.user;
  res.send('User removed. The session and the rest of its data stay.');`,
          with: `  req.session.destroy(() => {
    res.send('User removed. The session and the rest of its data stay.');
  });`,
        },
      ],
      fails: ['forget-one-key'],
    },
  ],
} satisfies LessonWrongAnswers;
