const express = require('express');
const session = require('express-session');

const app = express();

// @todo shareCookieOptions
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

// #region set-get
app.get('/set-session', (req, res) => {
  req.session.user = { username: 'ada', role: 'admin' };
  res.send('Session data set!');
});

app.get('/get-session', (req, res) => {
  const user = req.session.user;
  if (!user) {
    res.send('No session data found');
    return;
  }
  res.send(`User info: ${JSON.stringify(user)}`);
});

app.get('/viewcount', (req, res) => {
  req.session.views = (req.session.views || 0) + 1;
  res.send(`You have viewed this page ${req.session.views} times`);
});
// #endregion

app.get('/destroy-session', (req, res) => {
  // @todo destroySession
  res.status(501).send('Not implemented yet');
});

// #region login-page
app.get('/login', (req, res) => {
  res.send(`<!doctype html>
<title>Log in</title>
<h1>Log in</h1>
<p>You are logged out.</p>
<p>In this lesson, <a href="/set-session">/set-session</a> logs you in as ada.</p>`);
});
// #endregion

app.get('/logout', (req, res) => {
  // @todo logout
  res.status(501).send('Not implemented yet');
});

app.get('/forget-user', (req, res) => {
  // @todo forgetUser
  res.status(501).send('Not implemented yet');
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
