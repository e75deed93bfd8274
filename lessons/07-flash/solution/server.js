const express = require('express');
const session = require('express-session');
// #region require-flash
const flash = require('./flash');
// #endregion

const app = express();

app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
  cookie: {
    maxAge: 60 * 60 * 1000,
    httpOnly: true,
    sameSite: 'lax',
  },
}));

// #region use-flash
app.use(flash());
// #endregion

// #region locals
app.use((req, res, next) => {
  if (req.session.flash) {
    res.locals.messages = {
      success: req.flash('success'),
      error: req.flash('error'),
    };
  }
  next();
});
// #endregion

app.use(express.urlencoded({ extended: false }));

// #region page
function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, title, body) {
  const { success = [], error = [] } = res.locals.messages ?? {};
  const flashes = [
    ...success.map((m) => `<p class="flash success" role="status">${escapeHtml(m)}</p>`),
    ...error.map((m) => `<p class="flash error" role="alert">${escapeHtml(m)}</p>`),
  ];
  res.send(`<!doctype html>
<title>${title}</title>
${flashes.join('\n')}
${body}`);
}
// #endregion

const users = [{ id: 1, username: 'demo', password: 'demo' }];

app.get('/login', (req, res) => {
  page(res, 'Log in', `<h1>Log in</h1>
<p>Demo account: demo / demo</p>
<form method="post" action="/login">
  <label>Username <input name="username" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button>Log in</button>
</form>`);
});

app.post('/login', (req, res) => {
  const { username, password } = req.body ?? {};
  const account = users.find((u) => u.username === username && u.password === password);
  if (!account) {
    // #region flash-error
    req.flash('error', 'Wrong username or password.');
    res.redirect(303, '/login');
    return;
    // #endregion
  }
  req.session.user = { id: account.id, username: account.username };
  // #region flash-success
  req.flash('success', 'You are now logged in.');
  res.redirect(303, '/profile');
  // #endregion
});

// #region profile
app.get('/profile', (req, res) => {
  const user = req.session.user;
  if (!user) {
    res.redirect('/login');
    return;
  }
  page(res, 'Profile', `<h1>Profile</h1>
<p>Welcome, ${escapeHtml(user.username)}!</p>`);
});
// #endregion

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
