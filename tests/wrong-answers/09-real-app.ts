import type { LessonWrongAnswers } from './types.ts';

const REMEMBER = `    if (remember) {
      req.session.cookie.maxAge = 30 * 24 * 60 * 60 * 1000;
    }
`;
const CORS_ORIGIN = "  res.set('Access-Control-Allow-Origin', FRONTEND_ORIGIN);";
const ERRORS = `  if (error.status === 503) {
    res.status(503).set('Retry-After', '30').send('Sessions are unavailable right now. Please try again in a minute.');
    return;
  }
  res.status(500).send('Something went wrong on our side.');`;

export default {
  'remember-me': [
    {
      mistake: 'maxAge in the options of session(): everyone is remembered',
      base: 'solution',
      edits: [
        { file: 'server.js', replace: REMEMBER, with: '' },
        { file: 'server.js', replace: '  cookie: cookieOptions,', with: '  cookie: { ...cookieOptions, maxAge: 30 * 24 * 60 * 60 * 1000 },' },
      ],
      fails: ['browser-session-by-default'],
    },
    {
      mistake: 'maxAge written in seconds (43 minutes)',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '30 * 24 * 60 * 60 * 1000;', with: '30 * 24 * 60 * 60;' }],
      fails: ['remembered'],
    },
    {
      mistake: 'maxAge set before regenerate, which starts a new session with the default cookie',
      base: 'solution',
      edits: [
        { file: 'server.js', replace: REMEMBER, with: '' },
        {
          file: 'server.js',
          replace: 'function logIn(req, account, remember, done) {\n',
          with: 'function logIn(req, account, remember, done) {\n  if (remember) req.session.cookie.maxAge = 30 * 24 * 60 * 60 * 1000;\n',
        },
      ],
      fails: ['remembered'],
    },
  ],
  'other-origin': [
    {
      mistake: "Access-Control-Allow-Origin: '*' with credentials",
      base: 'solution',
      edits: [{ file: 'server.js', replace: CORS_ORIGIN, with: "  res.set('Access-Control-Allow-Origin', '*');" }],
      fails: ['cors-with-credentials', 'preflight'],
    },
    {
      mistake: "every origin copied back into Access-Control-Allow-Origin",
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `  if (req.get('Origin') !== FRONTEND_ORIGIN) {
    next();
    return;
  }
  res.set('Access-Control-Allow-Origin', FRONTEND_ORIGIN);`,
          with: `  if (!req.get('Origin')) {
    next();
    return;
  }
  res.set('Access-Control-Allow-Origin', req.get('Origin'));`,
        },
      ],
      fails: ['no-cors-for-other-sites'],
    },
    {
      mistake: 'no Access-Control-Allow-Credentials',
      base: 'solution',
      edits: [{ file: 'server.js', replace: "  res.set('Access-Control-Allow-Credentials', 'true');\n", with: '' }],
      fails: ['cors-with-credentials', 'preflight'],
    },
    {
      mistake: 'no Vary: Origin',
      base: 'solution',
      edits: [{ file: 'server.js', replace: "  res.vary('Origin');\n", with: '' }],
      fails: ['cors-with-credentials'],
    },
    {
      mistake: 'the preflight left to Express (no 204, no allowed methods or headers)',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Methods', 'GET, POST');
    res.set('Access-Control-Allow-Headers', 'Content-Type');
    res.set('Access-Control-Max-Age', '600');
    res.sendStatus(204);
    return;
  }
`,
          with: '',
        },
      ],
      fails: ['preflight'],
    },
  ],
  'cross-site': [
    {
      mistake: 'SameSite=None for everyone',
      base: 'solution',
      edits: [{ file: 'server.js', replace: "  sameSite: crossSite ? 'none' : 'lax',", with: "  sameSite: 'none'," }],
      fails: ['none-and-secure-across-sites'],
    },
    {
      mistake: "SameSite=None with secure: 'auto', so plain HTTP gets a cookie the browser refuses",
      base: 'solution',
      edits: [{ file: 'server.js', replace: "  secure: crossSite ? true : 'auto',", with: "  secure: 'auto'," }],
      fails: ['none-and-secure-across-sites'],
    },
    {
      mistake: 'the front end origin written in the code',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: "const FRONTEND_ORIGIN = process.env.FRONTEND_ORIGIN || 'http://localhost:5173';",
          with: "const FRONTEND_ORIGIN = 'http://localhost:5173';",
        },
      ],
      fails: ['none-and-secure-across-sites'],
    },
  ],
  'store-down': [
    {
      mistake: "no error handler: Express's own shows the stack",
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `app.use((error, req, res, next) => {
  console.error('Request failed:', error);
  if (res.headersSent) {
    next(error);
    return;
  }
${ERRORS}
});`,
          with: '',
        },
      ],
      fails: ['login-when-the-store-is-down', 'session-out-of-reach'],
    },
    {
      mistake: "the error's message sent to the browser",
      base: 'solution',
      edits: [{ file: 'server.js', replace: ERRORS, with: "  res.status(error.status ?? 500).set('Retry-After', '30').send(`Sorry: ${error.message}`);" }],
      fails: ['login-when-the-store-is-down', 'session-out-of-reach'],
    },
    {
      mistake: 'a 500 for the store being down',
      base: 'solution',
      edits: [{ file: 'server.js', replace: ERRORS, with: "  res.status(500).send('Something went wrong on our side.');" }],
      fails: ['login-when-the-store-is-down', 'session-out-of-reach'],
    },
    {
      mistake: 'the session middleware not wrapped, so a failed get is a 500',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: 'app.use((req, res, next) => sessions(req, res, (error) => next(error && storeDown(error))));',
          with: 'app.use(sessions);',
        },
      ],
      fails: ['session-out-of-reach'],
    },
    {
      mistake: 'the CORS middleware after the session, so the 503 of /api has no CORS headers',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: "app.use('/api', (req, res, next) => {\n  res.vary('Origin');",
          with: "const cors = (req, res, next) => {\n  res.vary('Origin');",
        },
        {
          file: 'server.js',
          replace: `    res.sendStatus(204);
    return;
  }
  next();
});`,
          with: `    res.sendStatus(204);
    return;
  }
  next();
};`,
        },
        { file: 'server.js', replace: 'app.use(express.urlencoded({ extended: false }));', with: "app.use('/api', cors);\napp.use(express.urlencoded({ extended: false }));" },
      ],
      fails: ['session-out-of-reach'],
    },
  ],
} satisfies LessonWrongAnswers;
