const express = require('express');
const session = require('express-session');
const FlakyStore = require('./flaky-store');

// #region types
// @comment typesJsdoc
/**
 * @typedef {{ id: number, username: string }} SessionUser
 * @typedef {import('express-session').Session & Partial<import('express-session').SessionData> & { user?: SessionUser }} AppSession
 * @typedef {import('express').Request & { session: AppSession }} AppRequest
 */
// #endregion

const app = express();
app.set('trust proxy', 1);

// @todo frontEndOrigin
// @todo cors

// @todo crossSite
// #region cookie-options
const cookieOptions = { path: '/', httpOnly: true, secure: 'auto', sameSite: 'lax' };
// #endregion

// @todo storeDown
// #region plain-session
app.use(session({
  name: 'sid',
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
  cookie: cookieOptions,
  store: new FlakyStore({ down: process.env.STORE_DOWN === '1' }),
}));
// #endregion
app.use(express.urlencoded({ extended: false }));
app.use(express.json());

const users = [{ id: 1, username: 'demo', password: 'demo' }];
const findAccount = (username, password) => users.find((u) => u.username === username && u.password === password);

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// #region log-in
// @comment logInAbout
/**
 * @param {AppRequest} req @param {{ id: number, username: string }} account @param {boolean} remember
 * @param {(error?: Error) => void} done
 */
function logIn(req, account, remember, done) {
  req.session.regenerate((error) => {
    if (error) {
      done(error);
      return;
    }
    req.session.user = { id: account.id, username: account.username };
    // @todo rememberMe
    req.session.save(done);
  });
}
// #endregion

// #region login-form
app.get('/login', (req, res) => {
  res.send(`<!doctype html>
<title>Log in</title>
<h1>Log in</h1>
<p>Demo account: demo / demo</p>
<form method="post" action="/login">
  <label>Username <input name="username" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <label><input type="checkbox" name="remember" value="yes"> Remember me for 30 days</label>
  <button>Log in</button>
</form>`);
});
// #endregion

app.post('/login', (req, res, next) => {
  const { username, password, remember } = req.body ?? {};
  const account = findAccount(username, password);
  if (!account) {
    res.status(401).send('Wrong username or password. <a href="/login">Try again</a>');
    return;
  }
  logIn(req, account, remember === 'yes', (error) => {
    if (error) {
      next(error);
      return;
    }
    res.redirect(303, '/profile');
  });
});

// #region profile
app.get('/profile', (/** @type {AppRequest} */ req, res) => {
  const user = req.session.user;
  if (!user) {
    res.redirect('/login');
    return;
  }
  res.send(`<!doctype html>
<title>Profile</title>
<h1>Welcome, ${escapeHtml(user.username)}!</h1>
<form method="post" action="/logout"><button>Log out</button></form>`);
});
// #endregion

// #region api
app.post('/api/login', (req, res, next) => {
  const { username, password, remember } = req.body ?? {};
  const account = findAccount(username, password);
  if (!account) {
    res.status(401).json({ error: 'Wrong username or password.' });
    return;
  }
  logIn(req, account, remember === true || remember === 'yes', (error) => {
    if (error) {
      next(error);
      return;
    }
    res.json({ user: req.session.user });
  });
});

app.get('/api/me', (/** @type {AppRequest} */ req, res) => {
  const user = req.session.user;
  if (!user) {
    res.status(401).json({ error: 'Not logged in.' });
    return;
  }
  res.json({ user });
});
// #endregion

// #region logout
app.post('/logout', (req, res, next) => {
  req.session.destroy((error) => {
    if (error) {
      next(error);
      return;
    }
    res.clearCookie('sid', { ...cookieOptions, secure: req.secure });
    res.redirect(303, '/login');
  });
});
// #endregion

// @todo errorHandler

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
