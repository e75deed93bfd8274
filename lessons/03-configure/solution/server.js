const express = require('express');
const session = require('express-session');

const app = express();

app.use(session({
  // #region secret
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  // #endregion
  // #region save
  resave: false,
  saveUninitialized: false,
  // #endregion
  // #region cookie
  cookie: {
    maxAge: 60 * 60 * 1000,
    httpOnly: true,
    sameSite: 'lax',
  },
  // #endregion
}));

app.get('/', (req, res) => {
  res.send('Home page. This route never touches the session.');
});

app.get('/viewcount', (req, res) => {
  req.session.views = (req.session.views || 0) + 1;
  res.send(`You have viewed this page ${req.session.views} times`);
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
