const express = require('express');
const session = require('express-session');

const app = express();

// #region cookie
const cookieName = 'connect.sid';
const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' };

app.use(session({
  name: cookieName,
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
  cookie: { ...cookieOptions, maxAge: 60 * 60 * 1000 },
}));
// #endregion

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

// #region destroy
app.get('/destroy-session', (req, res) => {
  req.session.destroy((err) => {
    if (err) {
      console.error('Failed to destroy session:', err);
      res.status(500).send('Failed to destroy session');
      return;
    }
    res.send('Session destroyed!');
  });
});
// #endregion

// #region login-page
app.get('/login', (req, res) => {
  res.send(`<!doctype html>
<title>Log in</title>
<h1>Log in</h1>
<p>You are logged out.</p>
<p>In this lesson, <a href="/set-session">/set-session</a> logs you in as ada.</p>`);
});
// #endregion

// #region logout
app.get('/logout', (req, res, next) => {
  req.session.destroy((err) => {
    if (err) {
      next(err);
      return;
    }
    res.clearCookie(cookieName, cookieOptions);
    res.redirect('/login');
  });
});
// #endregion

// #region forget-user
app.get('/forget-user', (req, res) => {
  delete req.session.user;
  res.send('User removed. The session and the rest of its data stay.');
});
// #endregion

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
