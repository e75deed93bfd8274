import type { LessonWrongAnswers } from './types.ts';

export default {
  'count-views': [
    {
      mistake: 'the count kept in a variable of the server',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `  if (req.session.views) {
    req.session.views += 1;
  } else {
    req.session.views = 1;
  }
  res.send(\`You have viewed this page \${req.session.views} times\`);`,
          with: `  views = (views || 0) + 1;
  res.send(\`You have viewed this page \${views} times\`);`,
        },
        { file: 'server.js', replace: "app.get('/viewcount'", with: "let views;\napp.get('/viewcount'" },
      ],
      fails: ['counts-per-browser'],
    },
  ],
  'set-and-get': [
    {
      mistake: '/get-session shows req.session.user without checking that it is there',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `  const user = req.session.user;
  if (!user) {
    res.send('No session data found');
    return;
  }
  res.send(\`User info: \${JSON.stringify(user)} | typeof since: \${typeof user.since}\`);`,
          with: '  res.send(`User info: ${JSON.stringify(req.session.user)}`);',
        },
      ],
      fails: ['set-then-get'],
    },
  ],
  'log-in': [
    {
      mistake: 'the whole account, password included, stored in the session',
      base: 'solution',
      edits: [{ file: 'server.js', replace: '  req.session.user = { id: account.id, username: account.username };', with: '  req.session.user = account;' }],
      fails: ['login-redirects'],
    },
    {
      mistake: 'the password stored next to the user',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: '  req.session.user = { id: account.id, username: account.username };',
          with: '  req.session.user = { id: account.id, username: account.username };\n  req.session.password = password;',
        },
      ],
      fails: ['login-redirects'],
    },
    {
      mistake: 'no form parser: req.body is undefined',
      base: 'solution',
      edits: [{ file: 'server.js', replace: 'app.use(express.urlencoded({ extended: false }));', with: '' }],
      fails: ['login-redirects'],
    },
    {
      mistake: 'a failed login still writes to the session',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: '  const account = users.find((u) => u.username === username && u.password === password);',
          with: '  req.session.attempts = (req.session.attempts || 0) + 1;\n  const account = users.find((u) => u.username === username && u.password === password);',
        },
      ],
      fails: ['wrong-password'],
    },
  ],
  profile: [
    {
      mistake: '/profile greets without checking for a user',
      base: 'solution',
      edits: [
        {
          file: 'server.js',
          replace: `  const user = req.session.user;
  if (!user) {
    res.redirect('/login');
    return;
  }
  res.send(\`Welcome, \${user.username}!\`);`,
          with: '  res.send(`Welcome, ${req.session.user?.username}!`);',
        },
      ],
      fails: ['profile-needs-login'],
    },
  ],
} satisfies LessonWrongAnswers;
