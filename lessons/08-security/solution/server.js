const express = require('express');
const session = require('express-session');

const app = express();
// #region trust-proxy
app.set('trust proxy', 1);
// #endregion

// #region secrets
const secrets = [process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production'];
if (process.env.SESSION_SECRET_PREVIOUS) secrets.push(process.env.SESSION_SECRET_PREVIOUS);
// #endregion

app.use(session({
  // #region name
  name: 'sid',
  secret: secrets,
  // #endregion
  resave: false,
  saveUninitialized: false,
  // #region rolling
  rolling: true,
  // #endregion
  cookie: {
    // #region flags
    httpOnly: true,
    secure: 'auto',
    sameSite: 'lax',
    // #endregion
    // #region max-age
    maxAge: 30 * 60 * 1000,
    // #endregion
  },
}));
app.use(express.urlencoded({ extended: false }));

// #region absolute-timeout
// 8 hours unless the environment says otherwise (?? keeps a 0 from the environment; || would not).
const ABSOLUTE_TIMEOUT = Number(process.env.SESSION_ABSOLUTE_TIMEOUT_MS ?? 8 * 60 * 60 * 1000);

app.use((req, res, next) => {
  if (!req.session.user || Date.now() - req.session.loggedInAt < ABSOLUTE_TIMEOUT) {
    next();
    return;
  }
  req.session.regenerate(next);
});
// #endregion

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
app.post('/login', (req, res, next) => {
  const { username, password } = req.body ?? {};
  const account = users.find((u) => u.username === username && u.password === password);
  if (!account) {
    res.status(401).send('Wrong username or password. <a href="/login">Try again</a>');
    return;
  }
  req.session.regenerate((error) => {
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
  });
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
<form method="post" action="/logout"><button>Log out</button></form>`);
});
// #endregion

// #region logout
app.post('/logout', (req, res, next) => {
  req.session.destroy((error) => {
    if (error) {
      next(error);
      return;
    }
    res.clearCookie('sid', { path: '/', httpOnly: true, secure: req.secure, sameSite: 'lax' });
    res.redirect(303, '/login');
  });
});
// #endregion

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
