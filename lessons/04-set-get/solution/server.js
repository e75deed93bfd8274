const express = require('express');
const session = require('express-session');

const app = express();

app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
}));

// #region forms
app.use(express.urlencoded({ extended: false }));
// #endregion

// #region viewcount
app.get('/viewcount', (req, res) => {
  if (req.session.views) {
    req.session.views += 1;
  } else {
    req.session.views = 1;
  }
  res.send(`You have viewed this page ${req.session.views} times`);
});
// #endregion

// #region set-session
app.get('/set-session', (req, res) => {
  req.session.user = { username: 'ada', role: 'admin', since: new Date() };
  res.send(`Session data set! typeof since: ${typeof req.session.user.since}`);
});
// #endregion

// #region get-session
app.get('/get-session', (req, res) => {
  const user = req.session.user;
  if (!user) {
    res.send('No session data found');
    return;
  }
  res.send(`User info: ${JSON.stringify(user)} | typeof since: ${typeof user.since}`);
});
// #endregion

// #region login-form
const users = [{ id: 1, username: 'demo', password: 'demo' }];

app.get('/login', (req, res) => {
  res.send(`<!doctype html>
<title>Log in</title>
<h1>Log in</h1>
<p>Demo account: demo / demo</p>
<form method="post" action="/login">
  <label>Username <input name="username" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button>Log in</button>
</form>`);
});
// #endregion

// #region login
app.post('/login', (req, res) => {
  const { username, password } = req.body ?? {};
  const account = users.find((u) => u.username === username && u.password === password);
  if (!account) {
    res.status(401).send('Wrong username or password. <a href="/login">Try again</a>');
    return;
  }
  req.session.user = { id: account.id, username: account.username };
  res.redirect(303, '/profile');
});
// #endregion

// #region profile
app.get('/profile', (req, res) => {
  const user = req.session.user;
  if (!user) {
    res.redirect('/login');
    return;
  }
  res.send(`Welcome, ${user.username}!`);
});
// #endregion

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
