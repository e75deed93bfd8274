const express = require('express');
const session = require('express-session');

const app = express();
// @todo trustProxy

app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
  // @todo cookie
}));
app.use(express.urlencoded({ extended: false }));

// @todo absoluteTimeout

app.get('/viewcount', (req, res) => {
  req.session.views = (req.session.views || 0) + 1;
  res.send(`You have viewed this page ${req.session.views} times`);
});

const users = [{ id: 1, username: 'demo', password: 'demo', role: 'user' }];

// #region login-form
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
  // @todo regenerate
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
  res.send(`<!doctype html>
<title>Profile</title>
<h1>Welcome, ${user.username}!</h1>
<p><a href="/logout">Log out</a></p>`);
});
// #endregion

// #region logout
app.get('/logout', (req, res) => {
  // @todo logout
  req.session.destroy((error) => {
    if (error) {
      console.error('Error logging out:', error);
    }
    res.redirect('/login');
  });
});
// #endregion

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
