const express = require('express');
// @todo requireSession
const report = require('./report');

const app = express();

// @todo useSession

// @comment reportRoute
app.get('/', report);

// #region session-check
app.get('/session-check', (req, res) => {
  if (!req.session) {
    res.status(500).send('req.session is undefined: express-session is not registered with app.use(session(...)) before this route.');
    return;
  }
  req.session.checked = true;
  res.send('express-session works: this session now holds { checked: true }.');
});
// #endregion

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
