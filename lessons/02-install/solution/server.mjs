// @comment esmAbout
// #region imports
import express from 'express';
import session from 'express-session';
import report from './report.js';
// #endregion

const app = express();

app.use(session({
  secret: process.env.SESSION_SECRET || 'development-only-secret-do-not-use-in-production',
  resave: false,
  saveUninitialized: false,
}));

app.get('/', report);

app.get('/session-check', (req, res) => {
  if (!req.session) {
    res.status(500).send('req.session is undefined: express-session is not registered with app.use(session(...)) before this route.');
    return;
  }
  req.session.checked = true;
  res.send('express-session works: this session now holds { checked: true }.');
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
