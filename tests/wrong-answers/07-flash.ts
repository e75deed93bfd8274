import type { LessonWrongAnswers } from './types.ts';

/** The solution with connect-flash in place of flash.js (steps 1 to 3 of the lesson). */
const withConnectFlash = [
  { file: 'server.js', replace: "const flash = require('./flash');", with: "const flash = require('connect-flash');" },
  { file: 'package.json', from: 'app' },
] as const;

const GUARD = `  if (req.session.flash) {
    res.locals.messages = {
      success: req.flash('success'),
      error: req.flash('error'),
    };
  }`;

export default {
  'flash-once': [
    {
      mistake: 'the message flashed after the redirect was sent',
      base: 'solution',
      edits: [
        ...withConnectFlash,
        {
          file: 'server.js',
          replace: "  req.flash('success', 'You are now logged in.');\n  res.redirect(303, '/profile');",
          with: "  res.redirect(303, '/profile');\n  req.flash('success', 'You are now logged in.');",
        },
      ],
      fails: ['success-once'],
    },
    {
      mistake: 'the page reads req.session.flash directly, so the message never goes away',
      base: 'solution',
      edits: [...withConnectFlash, { file: 'server.js', replace: GUARD, with: '  res.locals.messages = req.session.flash;' }],
      fails: ['success-once'],
    },
  ],
  'flash-errors': [
    {
      mistake: 'the error flashed, but answered with a 401 instead of a redirect',
      base: 'solution',
      edits: [
        ...withConnectFlash,
        {
          file: 'server.js',
          replace: "    req.flash('error', 'Wrong username or password.');\n    res.redirect(303, '/login');",
          with: "    req.flash('error', 'Wrong username or password.');\n    res.status(401).send('Wrong username or password. <a href=\"/login\">Try again</a>');",
        },
      ],
      fails: ['error-once'],
    },
  ],
  'anonymous-visitors': [
    {
      mistake: 'connect-flash read on every request, without the guard',
      base: 'solution',
      edits: [
        ...withConnectFlash,
        {
          file: 'server.js',
          replace: GUARD,
          with: `  res.locals.messages = {
    success: req.flash('success'),
    error: req.flash('error'),
  };`,
        },
      ],
      fails: ['no-session-for-visitors'],
    },
  ],
  'own-flash': [
    {
      mistake: 'connect-flash kept, flash.js left as the stub',
      base: 'solution',
      edits: [...withConnectFlash, { file: 'flash.js', from: 'app' }],
      fails: ['own-success-once', 'own-error-once'],
    },
    {
      mistake: 'an own flash that leaves an empty flash object in the session',
      base: 'solution',
      edits: [{ file: 'flash.js', replace: '      if (Object.keys(flashes).length === 0) delete req.session.flash;\n', with: '' }],
      fails: ['own-success-once', 'own-error-once'],
    },
  ],
} satisfies LessonWrongAnswers;
