const express = require('express');

const app = express();

// @todo registerSession

let views = 0;

app.get('/viewcount', (req, res) => {
  // @todo countPerBrowser
  views += 1;
  res.send(`You have viewed this page ${views} times`);
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, (error) => {
  if (error) throw error;
  console.log(`Listening on http://localhost:${port}`);
});
