const express = require('express');
const session = require('express-session');

const app = express();

app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
}));

// @todo parseForms

app.get('/viewcount', (req, res) => {
  // @todo viewcount
  res.status(501).send('Not implemented yet');
});

app.get('/set-session', (req, res) => {
  // @todo setSession
  res.status(501).send('Not implemented yet');
});

app.get('/get-session', (req, res) => {
  // @todo getSession
  res.status(501).send('Not implemented yet');
});

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

app.post('/login', (req, res) => {
  // @todo login
  res.status(501).send('Not implemented yet');
});

app.get('/profile', (req, res) => {
  // @todo profile
  res.status(501).send('Not implemented yet');
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
