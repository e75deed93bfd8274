import type { LessonWrongAnswers } from './types.ts';

const REGENERATE = `  req.session.regenerate((error) => {
    if (error) {
      next(error);
      return;
    }
    req.session.user = { id: account.id, username: account.username, role: account.role };
    req.session.loggedInAt = Date.now();
    req.session.save((error) => {
      if (error) {
        next(error);
        return;
      }
      res.redirect(303, '/profile');
    });
  });`;

const CLEAR = "    res.clearCookie('sid', { path: '/', httpOnly: true, secure: req.secure, sameSite: 'lax' });";

export default {
  regenerate: [
    {
      mistake: 'the user written into the session the browser already had (no regenerate)',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: REGENERATE,
          with: `  req.session.user = { id: account.id, username: account.username, role: account.role };
  req.session.loggedInAt = Date.now();
  req.session.save((error) => {
    if (error) {
      next(error);
      return;
    }
    res.redirect(303, '/profile');
  });`,
        },
      ],
      fails: ['new-id-at-login'],
    },
    {
      mistake: 'the user set before regenerate, which empties the session',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: REGENERATE,
          with: `  req.session.user = { id: account.id, username: account.username, role: account.role };
  req.session.loggedInAt = Date.now();
  req.session.regenerate((error) => {
    if (error) {
      next(error);
      return;
    }
    res.redirect(303, '/profile');
  });`,
        },
      ],
      fails: ['new-id-at-login'],
    },
  ],
  cookie: [
    {
      mistake: 'secure: true, so plain HTTP gets no cookie at all',
      base: 'solution',
      edits: [{ file: 'server.js', replace: "    secure: 'auto',", with: '    secure: true,' }],
      fails: ['cookie-flags', 'forged-cookie-refused'],
    },
    {
      mistake: 'no trust proxy, so the cookie is never Secure behind HTTPS',
      base: 'solution',
      edits: [{ file: 'server.js', replace: "app.set('trust proxy', 1);", with: '' }],
      fails: ['secure-behind-proxy'],
    },
    {
      mistake: 'the default cookie name kept',
      base: 'solution',
      edits: [
        { file: 'server.js', replace: "  name: 'sid',\n", with: '' },
        { file: 'server.js', replace: CLEAR, with: CLEAR.replace("'sid'", "'connect.sid'") },
      ],
      fails: ['cookie-flags'],
    },
  ],
  logout: [
    {
      mistake: 'logout still answers GET',
      base: 'solution',
      edits: [{ file: 'server.js', replace: "app.post('/logout'", with: "app.all('/logout'" }],
      fails: ['post-logout'],
    },
    {
      mistake: "clearCookie without the cookie's options",
      base: 'solution',
      edits: [{ file: 'server.js', replace: CLEAR, with: "    res.clearCookie('sid');" }],
      fails: ['post-logout'],
    },
    {
      mistake: 'clearCookie with the default name instead of the one the session uses',
      base: 'solution',
      edits: [{ file: 'server.js', replace: CLEAR, with: CLEAR.replace("'sid'", "'connect.sid'") }],
      fails: ['post-logout'],
    },
  ],
  timeouts: [
    {
      mistake: 'no absolute timeout',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `app.use((req, res, next) => {
  if (!req.session.user || Date.now() - req.session.loggedInAt < ABSOLUTE_TIMEOUT) {
    next();
    return;
  }
  req.session.regenerate(next);
});`,
          with: '',
        },
      ],
      fails: ['absolute-timeout'],
    },
    {
      mistake: 'the absolute timeout only forgets the user and keeps the session',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '  req.session.regenerate(next);', with: '  delete req.session.user;\n  next();' }],
      fails: ['absolute-timeout'],
    },
    {
      mistake: 'maxAge written in seconds',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '    maxAge: 30 * 60 * 1000,', with: '    maxAge: 30 * 60,' }],
      fails: ['idle-timeout'],
    },
    {
      mistake: 'maxAge without rolling',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '  rolling: true,\n', with: '' }],
      fails: ['idle-timeout'],
    },
  ],
} satisfies LessonWrongAnswers;
