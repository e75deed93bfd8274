// #region require-file-store
const express = require('express');
const session = require('express-session');
const FileStore = require('session-file-store')(session);
// #endregion
const JsonStore = require('./my-store');

const app = express();
const port = Number(process.env.PORT) || 3000;

// #region choose-store
// session-file-store by default; SESSION_STORE=json runs your own JsonStore instead.
function createStore() {
  if (process.env.SESSION_STORE === 'json') return new JsonStore('sessions.json');
  return new FileStore({ path: './sessions', ttl: 60 * 60, retries: 0 });
}
// #endregion

// #region cookie-options
const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' };
// #endregion

app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
  cookie: { ...cookieOptions, maxAge: 60 * 60 * 1000 },
  // #region file-store
  store: createStore(),
  // #endregion
}));

// #region home
app.get('/', (req, res) => {
  res.send(`Server on port ${port}, process ${process.pid}. Sessions are kept in ${req.sessionStore.constructor.name}.`);
});
// #endregion

app.get('/set-session', (req, res) => {
  req.session.user = { username: 'ada', role: 'admin' };
  res.send(`Session data set! (server on port ${port})`);
});

app.get('/get-session', (req, res) => {
  const user = req.session.user;
  if (!user) {
    res.send(`No session data found (server on port ${port})`);
    return;
  }
  res.send(`User info: ${JSON.stringify(user)} (server on port ${port})`);
});

// #region destroy
app.post('/destroy-session', (req, res, next) => {
  req.session.destroy((error) => {
    if (error) {
      next(error);
      return;
    }
    res.clearCookie('connect.sid', cookieOptions);
    res.send('Session destroyed');
  });
});
// #endregion

app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
